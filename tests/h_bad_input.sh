# shellcheck shell=sh
# Fixture of tests/bad_input_test: runs one row of its table (a kit command on bad input) and
# proves that the command touched nothing it must not.  Sourced after test_lib.sh and
# distro_lib.sh.
#
# Every row works in a fresh directory R (under the test's own directory, which is snapshotted
# whole):
#   R/stack/                   a copy of the kit's matrix.yaml, series/ and patches/ (M names its
#                              matrix.yaml: rows break the stack there)
#   R/home/me/src/xen-4.6.1    the user's tree (T), an unpacked RELEASE-4.6.1
#   R/var/work                 the work dir (W, KIT_WORK)
#   R/sentinel                 files outside both (S); each holds the marker SENTINEL-7f3a, which
#                              no output may show
# The tree and the work dir sit at different depths, so that a file name of a diff that climbs
# out of a scratch copy under W/tmp lands somewhere the snapshot sees.
#
# A row is: name, expected exit code, an extended regex that one line of the command's output
# (stdout or stderr) must match, a setup (sh, run before the snapshot) and the command (sh).
# After the command: the exit code is the expected one, stderr has at most one "error:" line,
# the marker is nowhere in the output, and everything under the test's directory is as it was
# (content, type, mode, size, mtime), except W/tmp (scratch space), W/locks (each command
# writes its owner line there) and out/ (the row's output, and the TMPDIR of the tools).

BAD_INPUT_MARKER=SENTINEL-7f3a

# bad_input_field ROWS NAME N: field N of row NAME (fields are separated by " | ").
bad_input_field() {
    awk -v name="$2" -v n="$3" '
        /^[ \t]*(#|$)/ { next }
        { k = split($0, f, / [|] /); gsub(/^[ \t]+|[ \t]+$/, "", f[1]) }
        f[1] == name { v = f[n]; gsub(/^[ \t]+|[ \t]+$/, "", v); print v; exit }' "$1"
}

# bad_input_names ROWS: the names of the rows, in order.
bad_input_names() {
    awk '/^[ \t]*(#|$)/ { next } { split($0, f, / [|] /); gsub(/^[ \t]+|[ \t]+$/, "", f[1]); print f[1] }' "$1"
}

# bad_input_snapshot DIR: what must not change, one line per entry.
bad_input_snapshot() {
    (cd "$1" && find . \( -path ./out -o -path ./fx/var/work/tmp -o -path ./fx/var/work/locks \) -prune \
        -o -print0 | LC_ALL=C sort -z | xargs -0 stat -c '%n %F %a %s %Y' && \
        find . \( -path ./out -o -path ./fx/var/work/tmp -o -path ./fx/var/work/locks \) -prune \
        -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# translated_patch DIR: DIR/patch is GNU patch as it speaks with a German message catalogue
# (Debian's patch ships none): its words are translated unless the messages' locale is C.
translated_patch() {
    real=$(command -v patch)
    mkdir -p "$1"
    cat >"$1/patch" <<EOF
#!/bin/sh
loc=\${LC_ALL:-\${LC_MESSAGES:-\${LANG:-C}}}
case \$loc in C|C.*|POSIX) exec $real "\$@" ;; esac
case \${LANGUAGE:-\$loc} in de*) ;; *) exec $real "\$@" ;; esac
st=\$(mktemp)
{ $real "\$@"; echo \$? >"\$st"; } 2>&1 | sed -e 's/^patching file /Patche Datei /' \\
    -e 's/^checking file /Prüfe Datei /' \\
    -e 's/^Hunk #\([0-9]*\) succeeded at \([0-9]*\)/Abschnitt #\1 erfolgreich bei \2/' \\
    -e 's/^Hunk #\([0-9]*\) FAILED at/Abschnitt #\1 FEHLGESCHLAGEN bei/' \\
    -e 's/(offset \(-\{0,1\}[0-9]*\) lines\{0,1\})/(Versatz \1 Zeilen)/' -e 's/with fuzz/mit Unschärfe/'
code=\$(cat "\$st"); rm -f "\$st"
exit "\$code"
EOF
    chmod +x "$1/patch"
}

# climbing_patch FILE: a fix-layer patch whose diff names a file four directories above the tree.
climbing_patch() {
    printf 'Subject: climbs out of the tree\nLayer: fix\n---\n--- a/../../../../sentinel/hostname\n+++ b/../../../../sentinel/hostname\n@@ -1 +1,2 @@\n %s\n+written through the diff\n' \
        "$BAD_INPUT_MARKER" >"$1"
}

# bad_input_run ROWS NAME: the fixture, the row, the checks.
bad_input_run() {
    want=$(bad_input_field "$1" "$2" 2)
    problem=$(bad_input_field "$1" "$2" 3)
    setup=$(bad_input_field "$1" "$2" 4)
    command=$(bad_input_field "$1" "$2" 5)
    if [ -z "$want" ] || [ -z "$problem" ] || [ -z "$command" ]; then atf_fail "row $2 is incomplete"; fi
    [ "$setup" != - ] || setup=""
    top=$PWD
    R=$top/fx
    M=$R/stack/matrix.yaml
    T=$R/home/me/src/xen-4.6.1
    W=$R/var/work
    S=$R/sentinel
    KIT_WORK=$W
    export R M T W S KIT_WORK
    mkdir -p "$R/home/me/src" "$W" "$S" "$top/out"
    (cd "$R" && copy_stack) || atf_fail "fixture: copy_stack"
    unpack 4.6.1 "$R/home/me/src" || atf_fail "fixture: cannot unpack xen-4.6.1 from $(shared_trees)"
    printf '%s: a file outside the tree and the work dir\n' "$BAD_INPUT_MARKER" >"$S/hostname"
    # The matrix reader is built and the work dir made before the snapshot; temporary files of
    # the tools (patch, quilt, mktemp) go to a TMPDIR outside what is compared.
    kit --matrix "$M" list >/dev/null 2>&1 || atf_fail "fixture: kit list"
    mkdir -p "$W/tmp" "$W/locks" "$top/out/tmp"
    TMPDIR=$top/out/tmp
    export TMPDIR
    if [ -n "$setup" ]; then
        (cd "$R" && eval "$setup") >"$top/out/setup" 2>&1 || { cat "$top/out/setup"; atf_fail "row $2: setup failed"; }
    fi
    bad_input_snapshot "$top" >"$top/out/before"
    code=0
    (cd "$R" && eval "$command") >"$top/out/stdout" 2>"$top/out/stderr" || code=$?
    bad_input_snapshot "$top" >"$top/out/after"
    echo "--- stdout"; cat "$top/out/stdout"; echo "--- stderr"; cat "$top/out/stderr"
    [ "$code" = "$want" ] || atf_fail "row $2: exit $code, expected $want"
    cat "$top/out/stdout" "$top/out/stderr" | grep -Eq -- "$problem" ||
        atf_fail "row $2: no line of the output matches: $problem"
    n=$(grep -c 'error:' "$top/out/stderr" || true)
    [ "$n" -le 1 ] || atf_fail "row $2: $n error lines on stderr, expected one"
    if cat "$top/out/stdout" "$top/out/stderr" | grep -q "$BAD_INPUT_MARKER"; then
        atf_fail "row $2: the output shows the content of a file outside the tree and the work dir"
    fi
    if ! diff "$top/out/before" "$top/out/after" >"$top/out/changed"; then
        echo "--- changed"; head -n 40 "$top/out/changed"
        atf_fail "row $2: the command changed files it must not touch (see the lines above)"
    fi
}
