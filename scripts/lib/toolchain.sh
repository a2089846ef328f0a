# shellcheck shell=bash
# The tools that build and run a release's trees and suites, by the first line each prints of
# its version: the one reader of them, for the evidence manifest (lib/report.sh) and for the key
# a run's results are stored under (lib/reuse.sh).  Sourced; needs nothing of lib/kit.sh.

# tool_version CMD...: the first line CMD prints of its version, or "not found".
tool_version() {
    local out
    out=$("$@" 2>&1 | head -n 1) || true
    printf '%s\n' "${out:-not found}"
}

# toolchain_json: {"gcc", "ld", "libc", "make", "python3", "quilt", "kyua", "ccache"}.  A verb
# that runs others (kit matrix, kit verify) asks once and passes the answer down in
# KIT_TOOLCHAIN_JSON (toolchain_export), so one verification reads one toolchain.
toolchain_json() {
    if [ -n "${KIT_TOOLCHAIN_JSON:-}" ]; then
        printf '%s\n' "$KIT_TOOLCHAIN_JSON"
        return
    fi
    jq -n --arg gcc "$(tool_version "${CC:-gcc}" --version)" --arg ld "$(tool_version ld --version)" \
        --arg libc "$(tool_version ldd --version)" --arg make "$(tool_version make --version)" \
        --arg python3 "$(tool_version python3 --version)" --arg quilt "$(tool_version quilt --version)" \
        --arg kyua "$(tool_version kyua about version)" --arg ccache "$(tool_version ccache --version)" \
        '{gcc: $gcc, ld: $ld, libc: $libc, make: $make, python3: $python3, quilt: $quilt,
          kyua: $kyua, ccache: $ccache}'
}

toolchain_export() {
    KIT_TOOLCHAIN_JSON=$(toolchain_json)
    export KIT_TOOLCHAIN_JSON
}
