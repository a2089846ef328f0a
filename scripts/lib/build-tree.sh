#!/bin/bash
# Build the kit's subset of one Xen tree (the libraries libxl needs and
# libxl itself), incrementally: configure once, then make each subdir.
set -eu

prog=build-tree

usage() {
    cat <<USAGE
Usage: build-tree.sh --tree DIR [--jobs N] [--subdirs "DIR..."]
                     [--make-var VAR=VALUE]... [--cflags "FLAGS"]
                     [--configure-arg ARG]...

Configure (once) and build a subset of the Xen tools of the tree DIR.

  --tree DIR           the unpacked (and patched) Xen tree to build
  --jobs N             parallel make jobs (default: 2)
  --subdirs "D..."     directories to make, in order, relative to DIR
                       (default: "$default_subdirs")
  --make-var VAR=VAL   pass VAR=VAL to every make; may be repeated
                       (e.g. LIBXL_BLKTAP=n for 4.3 and 4.4)
  --cflags "FLAGS"     extra flags appended to APPEND_CFLAGS
  --configure-arg ARG  pass ARG to configure as well; may be repeated
                       (e.g. --prefix=/usr)
  -h, --help           show this help

The tree's configure runs only when config/Tools.mk (or, from 4.5 on,
config/Paths.mk) is missing, Tools.mk is older than tools/configure, or
they were made with other configure arguments (config/build-tree.stamp).
When the make variables or APPEND_CFLAGS differ from the last build
(config/build-tree.make-stamp), the subdirs are cleaned first.  The make
steps are incremental, and skipped when no file of the tree is newer than
the last build with the same settings (config/build-tree.built).  ccache is used when it is on PATH (CCACHE_DIR
and friends come from the environment).  Compiler workarounds for this
host (gcc >= 10, glibc >= 2.28) go into APPEND_CFLAGS, which Xen's
Config.mk puts last on the command line, after each directory's -Werror.

Prints one "build-tree: STEP" line per step; all tool output goes to
stdout/stderr.  Exits 2 on bad usage, 1 on the first failing step.
USAGE
}

default_subdirs="tools/include tools/libxc tools/xenstore tools/libxl"

die_usage() {
    echo "$prog: $*" >&2
    echo "Try 'build-tree.sh --help'." >&2
    exit 2
}

tree=
jobs=2
subdirs=$default_subdirs
cflags=
make_vars=()
extra_configure_args=()

while [ $# -gt 0 ]; do
    case $1 in
    --tree) [ $# -ge 2 ] || die_usage "$1 needs an argument"; tree=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || die_usage "$1 needs an argument"; jobs=$2; shift 2 ;;
    --subdirs) [ $# -ge 2 ] || die_usage "$1 needs an argument"; subdirs=$2; shift 2 ;;
    --make-var)
        [ $# -ge 2 ] || die_usage "$1 needs an argument"
        case $2 in
        [A-Za-z_]*=*) make_vars+=("$2") ;;
        *) die_usage "--make-var wants VAR=VALUE, got '$2'" ;;
        esac
        shift 2 ;;
    --cflags) [ $# -ge 2 ] || die_usage "$1 needs an argument"; cflags=$2; shift 2 ;;
    --configure-arg)
        [ $# -ge 2 ] || die_usage "$1 needs an argument"
        extra_configure_args+=("$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
    esac
done

[ -n "$tree" ] || die_usage "--tree is required"
if [ ! -f "$tree/configure" ] || [ ! -f "$tree/tools/configure" ]; then
    die_usage "$tree is not a Xen tree (no configure, tools/configure)"
fi
case $jobs in
''|*[!0-9]*|0) die_usage "--jobs wants a positive number, got '$jobs'" ;;
esac
tree=$(cd "$tree" && pwd)

# gcc >= 10 defaults to -fno-common (xenstore defines some globals in
# more than one object), and gcc 12 warns about code these releases
# compile with -Werror.  Only the classes of warning seen in the five
# base trees are demoted, so anything new still stops the build.
host_cflags="-fcommon"
for w in stringop-truncation deprecated-declarations bool-compare \
         logical-not-parentheses maybe-uninitialized; do
    host_cflags="$host_cflags -Wno-error=$w"
done
APPEND_CFLAGS="${APPEND_CFLAGS:+$APPEND_CFLAGS }$host_cflags${cflags:+ $cflags}"
export APPEND_CFLAGS

cc=gcc
if command -v ccache >/dev/null 2>&1; then
    cc="ccache gcc"
fi

python=$(command -v python3) || { echo "$prog: python3 not found" >&2; exit 1; }

# The top-level configure, not tools/configure alone, so that 4.5 and
# later also get config/Paths.mk: without it libxl is built with empty
# run, lock and config directories.  --build/--host differ so that
# configure takes the cross path and skips its python2-only python-devel
# probe.  What the kit never builds (hypervisor, docs, stubdoms, 16-bit
# BIOS, ACPI tables, qemu, ocaml) is switched off or stubbed; old trees
# only warn about options they do not know.
configure_args=(
    --disable-xen --disable-docs --disable-stubdom --disable-kernels
    --build=x86_64-pc-linux-gnu --host=x86_64-linux-gnu
    "PYTHON=$python" AS86=/bin/true LD86=/bin/true BCC=/bin/true IASL=/bin/true
    --disable-ocamltools --disable-xsmpolicy --disable-seabios
    --disable-blktap2 --disable-qemu-traditional --disable-rombios
    --disable-monitors --with-system-qemu=/bin/true
    ${extra_configure_args[@]+"${extra_configure_args[@]}"}
)

stamp=$tree/config/build-tree.stamp
want_stamp="${configure_args[*]}"

need_configure() {
    [ -f "$tree/config/Tools.mk" ] || return 0
    [ "$tree/config/Tools.mk" -nt "$tree/tools/configure" ] || return 0
    if [ -f "$tree/config/Paths.mk.in" ]; then
        [ -f "$tree/config/Paths.mk" ] || return 0
    fi
    [ -f "$stamp" ] || return 0
    [ "$(cat "$stamp")" = "$want_stamp" ] || return 0
    return 1
}

if need_configure; then
    echo "build-tree: configure"
    rm -f "$stamp"
    (cd "$tree" && CC=$cc ./configure "${configure_args[@]}") || {
        echo "$prog: configure failed in $tree" >&2
        exit 1
    }
    printf '%s\n' "$want_stamp" >"$stamp"
else
    echo "build-tree: configure (up to date)"
fi

for d in $subdirs; do
    [ -d "$tree/$d" ] || { echo "$prog: no directory $tree/$d" >&2; exit 1; }
done

# A tree in which nothing changed since its last build with these settings needs no make:
# walking Xen's makefiles to find nothing to do takes seconds per tree.  "Changed" is make's
# own test, a file newer than that build; the stamp is written only once every make passed.
built=$tree/config/build-tree.built
want_built=$(printf '%s\n' "$want_stamp" "APPEND_CFLAGS=$APPEND_CFLAGS${make_vars[*]+ ${make_vars[*]}}" "$subdirs" "$cc")
if [ -f "$built" ] && [ "$(cat "$built")" = "$want_built" ] &&
        [ -z "$(find "$tree" -newer "$built" -print -quit)" ]; then
    echo "build-tree: make (up to date: nothing changed since the last build)"
    echo "build-tree: done"
    exit 0
fi
rm -f "$built"

# Xen's makefiles do not track flags, so objects built with other make
# variables or APPEND_CFLAGS (LIBXL_BLKTAP=n, a sanitizer build) would be
# silently mixed with new ones: clean the subdirs when the settings change.
make_stamp=$tree/config/build-tree.make-stamp
want_make_stamp="APPEND_CFLAGS=$APPEND_CFLAGS${make_vars[*]+ ${make_vars[*]}}"
if [ -f "$make_stamp" ] && [ "$(cat "$make_stamp")" != "$want_make_stamp" ]; then
    for d in $subdirs; do
        echo "build-tree: clean $d (make variables or flags changed)"
        make -C "$tree/$d" clean ${make_vars[@]+"${make_vars[@]}"} >/dev/null || {
            echo "$prog: make clean failed in $d" >&2
            exit 1
        }
    done
fi
[ "$(cat "$make_stamp" 2>/dev/null || true)" = "$want_make_stamp" ] || printf '%s\n' "$want_make_stamp" >"$make_stamp"

for d in $subdirs; do
    echo "build-tree: make $d"
    make -C "$tree/$d" -j"$jobs" CC="$cc" ${make_vars[@]+"${make_vars[@]}"} || {
        echo "$prog: make failed in $d" >&2
        exit 1
    }
done
printf '%s\n' "$want_built" >"$built"
echo "build-tree: done"
