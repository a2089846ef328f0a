# shellcheck shell=sh
# Fixtures of the distro-maintainer verbs' tests (detect, check, port, export, lint): sourced after
# test_lib.sh.  Every tree a test changes is one it unpacked itself.

# unpack VERSION DIR: a fresh tree of a matrix base (4.6.1, ...) or of a neighbour (4.6.0) in DIR.
unpack() {
    mkdir -p "$2"
    if [ -f "$(shared_trees)/xen-$1.tar.xz" ]; then
        tar -xJf "$(shared_trees)/xen-$1.tar.xz" -C "$2"
    else
        tar -xJf "$(shared_trees)/neighbours/xen-$1.tar.xz" -C "$2"
    fi
}

# local_change TREE: a distro's own edit of a line that the mirroring patch (0201) has as context.
local_change() {
    sed -i 's|^        libxl__xs_writev(gc, t, backend_path, bents);$|& /* distro: local change */|' \
        "$1/tools/libxl/libxl_device.c"
    grep -q 'distro: local change' "$1/tools/libxl/libxl_device.c" || atf_fail "fixture: the local change did not land"
}

# hand_fix TREE: what a maintainer does about 0201's rejected hunk after local_change: write the
# trusted copy right after the local line.
hand_fix() {
    python3 - "$1/tools/libxl/libxl_device.c" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
anchor = "        libxl__xs_writev(gc, t, backend_path, bents); /* distro: local change */\n"
assert anchor in s
s = s.replace(anchor, anchor + "        rc = libxl__xs_writev(gc, t, libxl_path, bents);\n        if (rc) goto out;\n")
open(p, "w").write(s)
PY
}

# same_tree A B: A and B hold the same files, quilt and git state aside.
same_tree() {
    atf_check -s exit:0 -o empty diff -r -q --exclude=.pc --exclude=.git "$1" "$2"
}
