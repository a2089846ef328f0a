# shellcheck shell=bash
# Machine-readable reports of a verification: a release summary and the evidence manifest a
# security team attaches to an advisory.  Sourced by kit-verify after lib/kit.sh; reads the
# variables kit-verify sets (verdict, reports, counts).
# shellcheck disable=SC2154

# json_s STRING: STRING as a JSON string literal.
json_s() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\t'/\\t}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/}
    printf '"%s"' "$s"
}

# The first line a tool prints of its version.
tool_version() {
    local out
    out=$("$@" 2>&1 | head -n 1) || true
    json_s "${out:-not found}"
}

report_layer_counts() {
    kit_stack "${M_layers// /,}" | awk -v order="$M_layers" '
        { n[$1]++ }
        END { k = split(order, l, " "); printf "{"
              for (i = 1; i <= k; i++) printf "%s\"%s\": %d", (i > 1 ? ", " : ""), l[i], n[l[i]] + 0
              printf "}" }'
}

# report_release_json VERDICT SECONDS
report_release_json() {
    cat <<EOT
{
  "release": $(json_s "$M_id"),
  "version": $(json_s "$M_version"),
  "base_tag": $(json_s "$M_base_tag"),
  "verdict": $(json_s "$1"),
  "seconds": $2,
  "patches": $(report_layer_counts),
  "tests_run": {"base": $n_base, "patched": $n_patched},
  "security": $n_security,
  "functional": $n_functional,
  "fail_to_pass": $f2p,
  "pass_to_pass": $p2p,
  "weak": $weak,
  "regressions": $regress,
  "not_fixed": $notfixed,
  "base_broken": $broken,
  "missing": $missing
}
EOT
}

# report_evidence_json VERDICT: what was tested, with what, and what came out, so that a third
# party can check and re-run it.
report_evidence_json() {
    local first=1 layer p side db kit_commit
    kit_commit=$(git -C "$KIT_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
    printf '{\n  "kit": {"commit": %s, "dirty": %s},\n' "$(json_s "$kit_commit")" \
        "$([ -n "$(git -C "$KIT_ROOT" status --porcelain 2>/dev/null)" ] && echo true || echo false)"
    printf '  "release": %s,\n' "$(json_s "$M_id")"
    printf '  "base": {"file": %s, "sha256": %s, "tag": %s, "commit": %s, "git_tree_id": %s, "verified_tree_id": %s},\n' \
        "$(json_s "$M_base_file")" "$(json_s "$M_base_sha256")" "$(json_s "$M_base_tag")" \
        "$(json_s "$M_base_commit")" "$(json_s "$M_base_tree")" \
        "$(json_s "$(cat "$R_DIR/src/.kit-verified" 2>/dev/null)")"
    printf '  "patches": ['
    while read -r layer p; do
        [ "$first" = 1 ] || printf ','
        first=0
        printf '\n    {"name": %s, "layer": %s, "sha256": %s}' "$(json_s "$p")" "$(json_s "$layer")" \
            "$(json_s "$(kit_sha256 "$R_PATCHES/$p")")"
    done < <(kit_stack "${M_layers// /,}")
    printf '\n  ],\n'
    printf '  "toolchain": {"gcc": %s, "ld": %s, "libc": %s, "make": %s, "python3": %s, "quilt": %s, "kyua": %s, "ccache": %s},\n' \
        "$(tool_version gcc --version)" "$(tool_version ld --version)" "$(tool_version ldd --version)" \
        "$(tool_version make --version)" "$(tool_version python3 --version)" \
        "$(tool_version quilt --version)" "$(tool_version kyua about version)" "$(tool_version ccache --version)"
    printf '  "results": ['
    first=1
    for side in base patched; do
        db=$reports/$side.db
        [ "$first" = 1 ] || printf ','
        first=0
        printf '\n    {"side": %s, "file": %s, "sha256": %s, "tests": %s, "rerun": %s}' "$(json_s "$side")" \
            "$(json_s "${db##*/}")" "$(json_s "$(kit_sha256 "$db")")" "$(wc -l <"$R_DIR/results/$side.tsv")" \
            "$(json_s "scripts/kit test $M_id$([ "$side" = base ] && echo ' --base')")"
    done
    printf '\n  ],\n  "verdict": %s,\n  "tests": [' "$(json_s "$1")"
    first=1
    while IFS=$'\t' read -r test kind b p class adv reader; do
        [ "$first" = 1 ] || printf ','
        first=0
        printf '\n    {"test": %s, "kind": %s, "base": %s, "patched": %s, "class": %s, "advisory": %s, "reader": %s}' \
            "$(json_s "$test")" "$(json_s "$kind")" "$(json_s "$b")" "$(json_s "$p")" \
            "$(json_s "$class")" "$(json_s "$adv")" "$(json_s "$reader")"
    done <"$verdict"
    printf '\n  ]\n}\n'
}
