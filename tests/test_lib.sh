# shellcheck shell=sh
# Helpers shared by the kit's atf-sh test programs: sourced, never run.
# Every test works in the temporary directory kyua gives it and never writes into the repo.

kit_root() { (cd "$(atf_get_srcdir)/.." && pwd); }
# atf_check runs programs, not functions: the kit is found on PATH, its work dir in the test's own
# directory (this file is sourced in the directory each test case runs in).
PATH="$(kit_root)/scripts:$PATH"
KIT_WORK=$PWD/work
export PATH KIT_WORK
shared_trees() { printf '%s\n' "${KIT_SOURCES:-$(kit_root)/../shared/trees}"; }

# A private copy of the kit's stack metadata (matrix.yaml, series/, patches/, upstream/) that a test may
# change; kit commands take it with --matrix "$PWD/stack/matrix.yaml".
copy_stack() {
    mkdir -p stack
    cp "$(kit_root)/matrix.yaml" stack/
    cp -R "$(kit_root)/series" "$(kit_root)/patches" "$(kit_root)/upstream" stack/
}

# A manifest of a tree (path, type, mode, content hash) to prove that it did not change.
tree_manifest() {
    (cd "$1" && find . -print0 | LC_ALL=C sort -z | xargs -0 stat -c '%n %F %a %s %Y' && \
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
