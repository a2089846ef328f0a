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

# tree_xen_version DIR: prints the Xen version of the tree (e.g. 4.6.0, 4.7.0-rc3), or returns 1
# when DIR is not a Xen source tree.  The version is the tree's own, from xen/Makefile.  A release
# candidate's xen/Makefile may say only "-rc" (Xen's did until the release): its number is then
# taken from the tree's directory name when that names the same version (xen-4.7.0-rc3, as the
# release tarballs unpack), else the version stays "4.7.0-rc", its number unknown.  Never from
# the qemu or mini-os revisions Config.mk pins: those move on their own.
tree_xen_version() {
    local dir=$1 mk major minor extra name
    mk=$dir/xen/Makefile
    [ -f "$mk" ] && [ -d "$dir/tools/libxl" ] || return 1
    major=$(tree_makefile_var "$mk" XEN_VERSION)
    minor=$(tree_makefile_var "$mk" XEN_SUBVERSION)
    extra=$(tree_makefile_var "$mk" XEN_EXTRAVERSION)
    case $major$minor in ''|*[!0-9]*) return 1 ;; esac
    case $extra in
        *-rc)
            name=$(basename "$(cd "$dir" && pwd)")
            case ${name#xen-} in
                "$major.$minor$extra"[0-9]*)
                    case ${name#xen-"$major.$minor$extra"} in
                        *[!0-9]*) ;;
                        *) extra=${name#xen-"$major.$minor"} ;;
                    esac ;;
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
        gitdir=$(mktemp -d "${KIT_TMP:-$KIT_WORK/tmp}/gitid.XXXXXX")
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
            # The content is the base: its version is the base's, whatever xen/Makefile lacks.
            T_release=$M_id T_how=base T_version=$M_version
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

# --- A user's tree while the kit works on it: its lock, its write access, and putting it back.

# tree_lock DIR shared|exclusive: a lock on the user's tree itself (flock on its directory), so two
# kit commands never work on one tree at once, whatever their work dirs: a dry run takes it
# shared, a command that writes into the tree takes it exclusive.  Held until the process (and the
# children that inherit the descriptor) exit.  A second command stops at once with exit 2,
# naming the holder.
tree_lock() {
    local dir=$1 how=-s holder
    [ "$2" = exclusive ] && how=-x
    case ":${KIT_TREES_LOCKED:-}:" in *":$dir:"*) return 0 ;; esac
    exec {TREE_LOCK_FD}<"$dir" || die "$E_USAGE" "cannot open $dir to lock it"
    if ! flock -n "$how" "$TREE_LOCK_FD"; then
        # Closed first, so that the holder found below is not this process.
        exec {TREE_LOCK_FD}<&-
        holder=$(tree_lock_holder "$dir")
        die "$E_USAGE" "tree $dir is in use by another kit command (${holder:-its pid is not visible to $(id -un)}); nothing was changed: wait for it to finish"
    fi
    KIT_TREES_LOCKED="${KIT_TREES_LOCKED:-}:$dir"
    export KIT_TREES_LOCKED
}

# tree_lock_holder DIR: "pid N: COMMAND" of the process holding DIR's lock.  flock(2) records no
# owner, and a file beside the tree would be a write outside the work dir, so the holder is the
# process that has DIR open whose parent does not (its children inherit the descriptor).
tree_lock_holder() {
    local dir=$1 pids pid ppid cmd
    pids=$(find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -type l -printf '%l\t%h\n' 2>/dev/null |
        awk -F '\t' -v d="$dir" '$1 == d { split($2, p, "/"); print p[3] }' | sort -un || true)
    for pid in $pids; do
        ppid=$(awk '$1 == "PPid:" { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        printf '%s\n' "$pids" | grep -qxF -- "${ppid:-x}" && continue
        # The verb's own words when the dispatcher started it, else its command line.
        cmd=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^KIT_COMMAND=//p' || true)
        [ -n "$cmd" ] || cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | sed 's/ $//' || true)
        printf 'pid %s: %s\n' "$pid" "${cmd:-unknown}"
        return 0
    done
}

# tree_stack_files STACK_FILE: the files the stack (lines "layer patch") touches, one per line.
tree_stack_files() {
    local names
    names=$(kit_stack_diff_names "$1") || exit "$?"
    [ -z "$names" ] || printf '%s\n' "$names" | cut -f2- | LC_ALL=C sort -u
}

# tree_require_writable TREE STACK_FILE: stops with exit 2, and one line, unless this user may
# write every file the stack touches and the directories that hold them (patch replaces a file
# by renaming a new one into its directory).  Checked before anything is tried.
tree_require_writable() {
    local tree=$1 f d bad='' n=0
    while IFS= read -r f; do
        d=$(dirname "$f")
        while [ "$d" != . ] && [ ! -d "$tree/$d" ]; do d=$(dirname "$d"); done
        if { [ -e "$tree/$f" ] && [ ! -w "$tree/$f" ]; } || [ ! -w "$tree/$d" ]; then
            n=$((n + 1))
            [ -n "$bad" ] || bad=$f
        fi
    done < <(tree_stack_files "$2")
    [ "$n" = 0 ] ||
        die "$E_USAGE" "tree $tree is not writable by $(id -un): $bad$([ "$n" -gt 1 ] && printf ' and %d more file(s)' $((n - 1))) cannot be patched in place; nothing was changed ('kit check' needs no write access)"
}

# tree_backup TREE STACK_FILE BACKUP: saves into the new dir BACKUP what the stack touches in
# TREE: the files (content, mode, times), the files that do not exist yet, the names patch(1)
# could give its temporary files beside them that exist already, and the mode and time of
# every directory that holds them, so that tree_restore can put it all back.
tree_backup() {
    local tree=$1 backup=$3 f d
    mkdir -p "$backup/files"
    : >"$backup/absent"
    : >"$backup/dirs"
    tree_stack_files "$2" >"$backup/list"
    tree_patch_temps "$tree" <"$backup/list" >"$backup/temps"
    while IFS= read -r f; do
        if [ -e "$tree/$f" ] || [ -L "$tree/$f" ]; then
            # Not cp --parents: it copies the directories' modes, and a read-only one would
            # stop the next copy into it.
            mkdir -p "$backup/files/$(dirname "$f")"
            cp -P -p "$tree/$f" "$backup/files/$f"
        else
            printf '%s\n' "$f" >>"$backup/absent"
        fi
        d=$f
        while [ "$d" != . ]; do
            d=$(dirname "$d")
            if [ -d "$tree/$d" ]; then
                printf '%s\t%s\t%s\n' "$(stat -c %y "$tree/$d")" "$(stat -c %a "$tree/$d")" "$d"
            else
                printf 'absent\t-\t%s\n' "$d"
            fi
        done >>"$backup/dirs"
    done <"$backup/list"
    sort -u -t "$(printf '\t')" -k3,3r "$backup/dirs" -o "$backup/dirs"
}

# tree_patch_temps TREE: for each file named on stdin, the files beside it in TREE with the names
# patch(1) gives its temporary copies (FILE.oXXXXXX and the like: the name, a dot, a letter, six
# characters).  patch removes them itself, but not when a signal ends it just after it made one.
tree_patch_temps() {
    local f t
    while IFS= read -r f; do
        for t in "$1/$f".[a-z]??????; do
            if [ -f "$t" ] && [ ! -L "$t" ]; then printf '%s\n' "${t#"$1/"}"; fi
        done
    done
}

# tree_restore TREE BACKUP: puts back what tree_backup saved.  Nothing may interrupt it: INT,
# TERM and HUP are ignored from here on, by this shell and by the commands it runs (an ignored
# signal stays ignored across exec), so a second Ctrl-C cannot leave the tree half put back.
tree_restore() {
    local tree=$1 backup=$2 f when mode d failed=''
    trap '' INT TERM HUP
    warn "putting $tree back as it was"
    # Every step goes on past a failure (set -e would stop the restore half-way), and the
    # failures are named at the end.
    while IFS= read -r f; do rm -f "$tree/$f" || failed="$failed $f"; done <"$backup/absent"
    # A patch the signal ended may have left its temporary copy: one that was not there before
    # goes (a user's file of that name that was there before stays).
    while IFS= read -r f; do
        grep -qxF -- "$f" "$backup/temps" || rm -f "$tree/$f" || failed="$failed $f"
    done < <(tree_patch_temps "$tree" <"$backup/list")
    while IFS= read -r -d '' f; do
        f=${f#./}
        mkdir -p "$tree/$(dirname "$f")" || true
        # A regular file is written back in place (hard links stay); a symlink is replaced.
        if [ -L "$backup/files/$f" ] || [ -L "$tree/$f" ]; then rm -f "$tree/$f" || true; fi
        cp -P -p "$backup/files/$f" "$tree/$f" || failed="$failed $f"
    done < <(cd "$backup/files" && find . \( -type f -o -type l \) -print0)
    # Deepest first: directories the stack created go, the others get their mode and time back.
    while IFS="$(printf '\t')" read -r when mode d; do
        if [ "$when" = absent ]; then
            rmdir "$tree/$d" 2>/dev/null || true
        else
            { chmod "$mode" "$tree/$d" && touch -m -d "$when" "$tree/$d"; } || failed="$failed $d/"
        fi
    done <"$backup/dirs"
    [ -z "$failed" ] || warn "could not put back in $tree:$failed (their saved copies are in $backup/files)"
    [ -z "$failed" ]
}

# tree_on_signals: the exit codes of a shell killed by INT, TERM and HUP (128 + the signal), with
# the EXIT trap (which may restore a tree) run first.  Once one signal arrived, the others are
# ignored, so the EXIT trap runs once and to its end.
tree_on_signals() {
    trap 'trap "" INT TERM HUP; exit 130' INT
    trap 'trap "" INT TERM HUP; exit 143' TERM
    trap 'trap "" INT TERM HUP; exit 129' HUP
}
