# shellcheck shell=bash
# T_* variables are read by the verbs that source this file; M_* are set by kit_release.
# shellcheck disable=SC2034,SC2154
# What a Xen source tree is: its version, its git tree id, and the matrix release whose stack fits
# it.  Sourced by the verbs that take a user's tree, after lib/kit.sh.  Nothing here writes to the
# tree it looks at.

# tree_makefile_var MAKEFILE NAME: the value xen/Makefile gives NAME (with = or ?=), without the
# $(XEN_VENDORVERSION) that a vendor may append at build time.
tree_makefile_var() {
    sed -n -e "s/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}$2[[:space:]]*?\{0,1\}=[[:space:]]*//p" "$1" |
        head -n 1 | sed -e 's/[$](XEN_VENDORVERSION)//' -e 's/[[:space:]]*$//'
}

# tree_xen_version DIR: prints the Xen version of the tree (e.g. 4.6.0), or returns 1 when DIR is
# not a Xen source tree.  xen/Makefile carries the version; release candidates carry only "-rc"
# there, so the rc number is read from the qemu revision Config.mk pins, when it names one.
tree_xen_version() {
    local dir=$1 mk major minor extra qemu
    mk=$dir/xen/Makefile
    [ -f "$mk" ] && [ -d "$dir/tools/libxl" ] || return 1
    major=$(tree_makefile_var "$mk" XEN_VERSION)
    minor=$(tree_makefile_var "$mk" XEN_SUBVERSION)
    extra=$(tree_makefile_var "$mk" XEN_EXTRAVERSION)
    case $major$minor in ''|*[!0-9]*) return 1 ;; esac
    case $extra in
        *-rc)
            qemu=$(tree_makefile_var "$dir/Config.mk" QEMU_UPSTREAM_REVISION 2>/dev/null || true)
            case ${qemu#qemu-xen-} in
                "$major.$minor$extra"[0-9]*) extra=${qemu#qemu-xen-"$major.$minor"} ;;
            esac ;;
    esac
    printf '%s.%s%s\n' "$major" "$minor" "$extra"
}

# tree_series VERSION: the major.minor of a version.
tree_series() {
    local v=$1
    printf '%s\n' "$v" | sed -n 's/^\([0-9]\{1,\}\.[0-9]\{1,\}\).*/\1/p'
}

# kit_tree_id DIR [GIT_DIR]: the git tree id of DIR's content, as git would record it; the objects
# land in GIT_DIR when one is given (to compare trees), else in a scratch dir that is removed.
kit_tree_id() {
    local dir=$1 gitdir=${2:-} own=0
    if [ -z "$gitdir" ]; then
        mkdir -p "$KIT_WORK/tmp"
        gitdir=$(mktemp -d "$KIT_WORK/tmp/gitid.XXXXXX")
        own=1
    fi
    [ -f "$gitdir/HEAD" ] || GIT_DIR=$gitdir git init -q
    GIT_DIR=$gitdir GIT_INDEX_FILE=$gitdir/index.$$ GIT_WORK_TREE=$dir git -c core.autocrlf=false \
        -c core.safecrlf=false -c core.filemode=true -c core.symlinks=true add -A -f .
    GIT_DIR=$gitdir GIT_INDEX_FILE=$gitdir/index.$$ git write-tree
    rm -f "$gitdir/index.$$"
    if [ "$own" = 1 ]; then rm -rf "$gitdir"; fi
}

# tree_identify DIR: sets T_version (empty when DIR is not a Xen tree), T_id (git tree id),
# T_release (the matrix release whose stack fits, or empty), T_how (why it fits: "base" when the
# content is that release's base, "version" when the version is the base's, "series" when only
# major.minor agree), and T_nearest (the release of the nearest series, for a tree none fits).
# Leaves the M_* and R_* of the last release read: callers load their own release afterwards.
tree_identify() {
    local dir=$1 id want dist best_dist=''
    T_version='' T_id='' T_release='' T_how='' T_nearest=''
    T_version=$(tree_xen_version "$dir") || { T_version=''; return 0; }
    want=$(tree_series "$T_version")
    T_id=$(kit_tree_id "$dir")
    local by_version='' by_series=''
    for id in $(kit_release_ids); do
        kit_release "$id"
        if [ "$T_id" = "$M_base_tree" ]; then
            T_release=$M_id T_how=base
            return 0
        fi
        [ "$T_version" = "$M_version" ] && [ -z "$by_version" ] && by_version=$M_id
        [ "$want" = "$(tree_series "$M_version")" ] && [ -z "$by_series" ] && by_series=$M_id
        # Series distance: 4.6 to 4.7 is 1, 4.6 to 5.0 is far.
        dist=$(awk -v a="$want" -v b="$(tree_series "$M_version")" 'BEGIN {
            split(a, x, "."); split(b, y, "."); d = (x[1] - y[1]) * 100 + x[2] - y[2]
            print (d < 0 ? -d : d) }')
        if [ -z "$best_dist" ] || [ "$dist" -lt "$best_dist" ]; then
            best_dist=$dist T_nearest=$M_id
        fi
    done
    if [ -n "$by_version" ]; then T_release=$by_version T_how=version
    elif [ -n "$by_series" ]; then T_release=$by_series T_how=series
    fi
}
