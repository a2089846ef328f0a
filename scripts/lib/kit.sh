# shellcheck shell=bash
# The variables set here are read by the verbs that source this file.
# shellcheck disable=SC2034
# Shared helpers of the kit's verbs: sourced, never run.  Every verb is scripts/kit-<verb>; this file
# holds what more than one of them needs: exit codes, messages, common options, the matrix, the
# work dir layout, locking and the patch stack's metadata.

# Exit codes, documented in `kit --help` and README.md (E_ALREADY: kit check, the tree has the stack).
readonly E_OK=0 E_USAGE=2 E_APPLY=3 E_BUILD=4 E_TEST=5 E_ALREADY=6
export E_OK E_USAGE E_APPLY E_BUILD E_TEST E_ALREADY

KIT_ROOT=${KIT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KIT_MATRIX=${KIT_MATRIX:-$KIT_ROOT/matrix.yaml}
KIT_WORK=${KIT_WORK:-$KIT_ROOT/work}
KIT_JOBS=${KIT_JOBS:-$(nproc 2>/dev/null || echo 2)}
KIT_VERBOSITY=${KIT_VERBOSITY:-1}
export KIT_ROOT KIT_MATRIX KIT_WORK KIT_JOBS KIT_VERBOSITY

kit_verb=${kit_verb:-kit}

say() { [ "$KIT_VERBOSITY" -ge 1 ] && printf '%s: %s\n' "$kit_verb" "$*"; return 0; }
detail() { [ "$KIT_VERBOSITY" -ge 2 ] && printf '%s: %s\n' "$kit_verb" "$*"; return 0; }
warn() { printf '%s: warning: %s\n' "$kit_verb" "$*" >&2; }
# die CODE MESSAGE...
die() {
    local code=$1
    shift
    printf '%s: error: %s\n' "$kit_verb" "$*" >&2
    exit "$code"
}
usage_error() { die "$E_USAGE" "$* (see '$kit_verb --help')"; }

# Options every verb takes; verbs call this first in their option loop:
#   while [ $# -gt 0 ]; do kit_take_common "$@" && { shift "$KIT_TOOK"; continue; }; case ... esac; done
kit_take_common() {
    KIT_TOOK=0
    case $1 in
        --work|--jobs|-j|--matrix)
            [ $# -ge 2 ] || usage_error "$1 needs a value"
            case $1 in
                --work) KIT_WORK=$2 ;;
                --jobs|-j) KIT_JOBS=$2 ;;
                --matrix) KIT_MATRIX=$2 ;;
            esac
            KIT_TOOK=2 ;;
        --work=*) KIT_WORK=${1#--work=}; KIT_TOOK=1 ;;
        --jobs=*) KIT_JOBS=${1#--jobs=}; KIT_TOOK=1 ;;
        --matrix=*) KIT_MATRIX=${1#--matrix=}; KIT_TOOK=1 ;;
        --quiet|-q) KIT_VERBOSITY=0; KIT_TOOK=1 ;;
        --verbose|-v) KIT_VERBOSITY=2; KIT_TOOK=1 ;;
        *) return 1 ;;
    esac
    return 0
}

# After option parsing: make paths absolute and check values.
kit_settle() {
    case $KIT_JOBS in
        ''|*[!0-9]*|0) usage_error "--jobs takes a whole number above 0, not '$KIT_JOBS'" ;;
    esac
    mkdir -p "$KIT_WORK" || die "$E_USAGE" "cannot create the work dir $KIT_WORK"
    KIT_WORK=$(cd "$KIT_WORK" && pwd)
    [ -f "$KIT_MATRIX" ] || die "$E_USAGE" "no matrix file at $KIT_MATRIX"
    KIT_MATRIX=$(cd "$(dirname "$KIT_MATRIX")" && pwd)/$(basename "$KIT_MATRIX")
    export KIT_WORK KIT_JOBS KIT_MATRIX KIT_VERBOSITY
    kit_matrix check || exit "$E_USAGE"
}

# The matrix reader is a small C program; it is built on first use into the work dir.  A build
# is kept in the user's cache (KIT_CACHE_DIR, default ~/.cache/xsa178-kit) under the checksum of
# its source and compiler, so that a new work dir copies it instead of compiling it again.
kit_matrix_bin() {
    local src=$KIT_ROOT/scripts/matrix/kit-matrix.c bin=$KIT_WORK/bin/kit-matrix tmp key cached
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
        mkdir -p "$KIT_WORK/bin"
        tmp=$(mktemp "$KIT_WORK/bin/.kit-matrix.XXXXXX")
        key=$({ cat "$src"; ${CC:-cc} --version 2>&1; } | sha256sum | cut -c1-16)
        cached=${KIT_CACHE_DIR:-$HOME/.cache/xsa178-kit}/bin/kit-matrix-$key
        if [ -x "$cached" ] && cp "$cached" "$tmp" 2>/dev/null; then
            :
        elif ${CC:-cc} -std=c99 -O2 -Wall -Wextra -o "$tmp" "$src" -lyaml 2>"$tmp.err"; then
            rm -f "$tmp.err"
            # The cache is a convenience: one that cannot be written is left alone.
            { mkdir -p "${cached%/*}" && cp "$tmp" "$cached.$$" && mv -f "$cached.$$" "$cached"; } 2>/dev/null ||
                rm -f "$cached.$$" 2>/dev/null || true
        else
            cat "$tmp.err" >&2
            rm -f "$tmp" "$tmp.err"
            die "$E_USAGE" "cannot build the matrix reader (is libyaml-dev installed?)"
        fi
        chmod 755 "$tmp"
        mv -f "$tmp" "$bin"
    fi
    printf '%s\n' "$bin"
}

kit_matrix() {
    "$(kit_matrix_bin)" -f "$KIT_MATRIX" "$@"
}

kit_release_ids() {
    kit_matrix ids || exit "$E_USAGE"
}

# Loads release REL's entry into M_* variables and the work dir paths into R_*.
kit_release() {
    local out
    out=$(kit_matrix show "$1") || exit "$E_USAGE"
    M_id='' M_version='' M_base_file='' M_base_sha256='' M_base_tag='' M_base_commit=''
    M_base_tree='' M_base_url='' M_series='' M_layers='' M_build='' M_subdirs=''
    M_make_vars='' M_kinds=''
    eval "$out"
    R_DIR=$KIT_WORK/rel/$M_id
    R_SRC=$R_DIR/src/xen-$M_version
    R_LOGS=$R_DIR/logs
    # Series and patches are found beside the matrix file, so a test can point --matrix at a
    # stack of its own.
    R_PATCHES=$(dirname "$KIT_MATRIX")/patches/$M_id
    R_SERIES=$(dirname "$KIT_MATRIX")/$M_series
}

# The tree of one side of a release: base carries the host-compat layer only, patched the whole stack.
kit_side_dir() { printf '%s\n' "$R_DIR/$1"; }
kit_side_tree() { printf '%s\n' "$R_DIR/$1/xen-$M_version"; }

# The layers a side applies.
kit_side_layers() {
    case $1 in
        base) printf 'compat\n' ;;
        patched) printf '%s\n' "$M_layers" | tr ' ' '\n' ;;
        *) usage_error "unknown side '$1'" ;;
    esac
}

# Per-release lock: two commands on one release would race on its trees.  A child verb started by
# a verb that holds the lock inherits it through KIT_LOCKED.
kit_lock() {
    local rel=$1 lockfile owner
    case " ${KIT_LOCKED:-} " in *" $rel "*) return 0 ;; esac
    mkdir -p "$KIT_WORK/locks"
    lockfile=$KIT_WORK/locks/$rel.lock
    exec {KIT_LOCK_FD}>>"$lockfile"
    if ! flock -n "$KIT_LOCK_FD"; then
        owner=$(cat "$lockfile.owner" 2>/dev/null || echo "unknown")
        die "$E_USAGE" "release $rel is in use by another kit command ($owner); work dir $KIT_WORK is left untouched: wait for it or use another --work"
    fi
    printf 'pid %s: %s\n' "$$" "${KIT_COMMAND:-$kit_verb}" >"$lockfile.owner"
    KIT_LOCKED="${KIT_LOCKED:-} $rel"
    export KIT_LOCKED
}

# The stack's readers: the series and the file names of its diffs (one reader, lib/series.sh),
# and patch headers (one parser, lib/header.sh).
# shellcheck source=scripts/lib/header.sh
. "$KIT_ROOT/scripts/lib/header.sh"
# shellcheck source=scripts/lib/series.sh
. "$KIT_ROOT/scripts/lib/series.sh"

# kit_patch_field PATCH FIELD: kept for the verbs that still call it; header_field is the reader.
kit_patch_field() { header_field "$@"; }

# The one reader of the .kit-verified marker that kit fetch leaves in WORK/rel/REL/src once the
# unpacked base has been verified: kit_verified_tree prints the git tree id it records (nothing
# when the base was never fetched and verified); kit_base_fetched is true when that is the base
# the loaded release (kit_release) names.
kit_verified_tree() {
    local marker=$R_DIR/src/.kit-verified id=''
    if [ -f "$marker" ]; then IFS= read -r id <"$marker" || true; fi
    printf '%s\n' "$id"
}
kit_base_fetched() { [ -n "$M_base_tree" ] && [ "$(kit_verified_tree)" = "$M_base_tree" ]; }

kit_sha256() { sha256sum "$1" | cut -d' ' -f1; }

# kit_retarget_tree OLD NEW DIR: a build copied from under OLD into DIR, to be used under NEW, names OLD
# in a few generated files (config.status, dependency files); point them at NEW, keeping their
# times so that make sees nothing new.
kit_retarget_tree() {
    local old=$1 new=$2 dir=$3 f
    grep -rlIF --exclude-dir=.pc -- "$old" "$dir" 2>/dev/null | while IFS= read -r f; do
        touch -r "$f" "$dir/.kit-retarget-time"
        sed -i "s#$old#$new#g" "$f"
        touch -r "$dir/.kit-retarget-time" "$f"
    done
    rm -f "$dir/.kit-retarget-time"
}

# Wall-clock accounting of the steps that are not the kit's own work (configure, make, the
# suite), so that a benchmark can tell the kit's overhead apart: kit_clock_start, then
# kit_clock_save NAME writes the seconds since into WORK/rel/REL/logs/NAME.seconds.
kit_clock_start() { KIT_CLOCK=$(date +%s.%N); }
kit_clock_save() {
    awk -v a="$KIT_CLOCK" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f\n", b - a }' >"$R_LOGS/$1.seconds"
}

# Last lines of a log that look like errors, else its tail.
kit_log_excerpt() {
    local log=$1 lines
    lines=$(grep -n -E '(^|[^-])\<(error|Error|ERROR)\>[: ]|\*\*\*|FAILED|No such file|syntax error' "$log" | cut -c1-300 | tail -n 15 || true)
    if [ -n "$lines" ]; then printf '%s\n' "$lines"; else tail -n 15 "$log"; fi
}
