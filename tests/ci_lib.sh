# shellcheck shell=sh
# Helpers of the CI tests (ci_test, merge_test): sourced after test_lib.sh, never run.

# kyua gives a test its own HOME; the user's caches are in the real one.
real_home() { getent passwd "$(id -u)" | cut -d: -f6; }
# The npm tools, pinned, of scripts/install-deps --ci-tools; and the kit's shared ccache, so that
# a test's builds of a base it built before are cheap.
node_dir() { printf '%s\n' "${KIT_NODE_DIR:-$(real_home)/.cache/xsa178-kit/node}"; }
ccache_dir() { printf '%s\n' "${KIT_CCACHE_DIR:-$(real_home)/.cache/xsa178-kit/ccache}"; }

# require_npm_tool NAME: skipped, with how to install it, when the pinned tool is not there.
require_npm_tool() {
    [ -f "$(node_dir)/node_modules/$1/package.json" ] ||
        atf_skip "$1 is not installed in $(node_dir): run scripts/install-deps --ci-tools"
}

# kit_clone DIR: a throwaway git repository of the kit's files as they are now (the working
# tree, without its work dir), in one commit, with a remote named origin, which gitlab-ci-local
# reads the project's name from.  gitlab-ci-local keeps its state in .gitlab-ci-local/, which
# must not make the checkout look changed (the reports name the kit's revision and whether its
# checkout had changes).
kit_clone() {
    mkdir -p "$1"
    (cd "$(kit_root)" && tar -c --exclude=./work --exclude=./.git --exclude=./.gitlab-ci-local .) | tar -x -C "$1"
    git -C "$1" init -q
    printf '.gitlab-ci-local/\n' >>"$1/.git/info/exclude"
    git -C "$1" add -A
    git -C "$1" -c user.name=kit-test -c user.email=kit-test@example.invalid commit -q -m "a throwaway clone of the kit"
    git -C "$1" remote add origin https://gitlab.example.invalid/xsa178/kit.git
}
