# shellcheck shell=bash
# The one reader of patch headers: sourced by lib/kit.sh, so every verb has it.  Lint, export, port,
# the stack's layers and the tests all read a header through these functions, so a rule about
# where a header ends or what a field is lives here and nowhere else.
#
# A patch of the kit is a header of DEP-3 fields ("Name: value", continuation lines starting with a
# blank) and a diff.  The header ends at the first line that is exactly "---" (the separator,
# which belongs to neither part) or, when a patch has no separator, at the first line that starts
# a diff: "--- ", "+++ ", "*** ", "@@ ", "diff " or "Index: ".

# The awk that finds the header's end, shared by the functions below (HDR_END is 1 on the
# separator, 2 on the first line of a diff).
HEADER_AWK_END='function hdr_end(l) {
        if (l == "---") return 1
        if (l ~ /^(--- |\+\+\+ |\*\*\* |@@ |diff |Index: )/) return 2
        return 0
    }'

# The awk that reads a field line: hdr_field(LINE) is 1 for "NAME: VALUE" and sets HDR_NAME and
# HDR_VALUE (as written after the colon and its blanks).
HEADER_AWK_FIELD='
    function hdr_field(l) {
        if (l !~ /^[A-Za-z][A-Za-z0-9-]*:/) return 0
        HDR_NAME = l; sub(/:.*/, "", HDR_NAME)
        HDR_VALUE = substr(l, length(HDR_NAME) + 2); sub(/^[ \t]*/, "", HDR_VALUE)
        return 1
    }'

# header_records PATCH: the header, one record per line, fields separated by tabs:
#   field LINE NAME VALUE   a line "NAME: VALUE" (VALUE as written after the colon and its blanks)
#   cont  LINE NAME TEXT    a continuation line of field NAME, as written (leading blank included)
#   other LINE TEXT         a line that is neither (an empty line, or text before any field)
#   end   LINE HOW          where the header stops: HOW is "separator", "diff" or "eof"
# The last column is the rest of the line, so a value may hold tabs: read it with
# IFS=$'\t' read -r kind line name value.
header_records() {
    awk "$HEADER_AWK_END$HEADER_AWK_FIELD"'
        { e = hdr_end($0) }
        e == 1 { printf "end\t%d\tseparator\n", NR; done = 1; exit }
        e == 2 { printf "end\t%d\tdiff\n", NR; done = 1; exit }
        hdr_field($0) {
            printf "field\t%d\t%s\t%s\n", NR, HDR_NAME, HDR_VALUE; cur = HDR_NAME; next
        }
        /^[ \t]/ && cur != "" { printf "cont\t%d\t%s\t%s\n", NR, cur, $0; next }
        { printf "other\t%d\t%s\n", NR, $0; cur = "" }
        END { if (!done) printf "end\t%d\teof\n", NR + 1 }' "$1"
}

# header_fields PATCH: "NAME<TAB>VALUE" per field, in order, continuation lines appended to the
# value after a unit separator (\037) each, so that a caller can split them again; a field given
# twice appears twice.
header_fields() {
    header_records "$1" | awk -F '\t' '
        $1 == "field" { if (n) print out; n = 1; out = $3 "\t" substr($0, length($1 $2 $3) + 4); next }
        $1 == "cont" && n { out = out "\037" substr($0, length($1 $2 $3) + 4) }
        END { if (n) print out }'
}

# header_field PATCH NAME: the first line of field NAME (trailing blanks dropped); nothing when the
# patch has no such field.
header_field() {
    header_records "$1" | awk -F '\t' -v f="$2" '
        $1 == "field" && $3 == f { v = substr($0, length($1 $2 $3) + 4); sub(/[ \t]+$/, "", v); print v; exit }'
}

# header_field_of NAME PATCH...: "PATCH<TAB>value" of field NAME for every PATCH, in one pass
# (the value empty when the header has no such field): what header_field gives for each.
header_field_of() {
    local name=$1
    shift
    awk -v f="$name" "$HEADER_AWK_END$HEADER_AWK_FIELD"'
        function put(v) { sub(/[ \t]+$/, "", v); printf "%s\t%s\n", FILENAME, v; done = 1 }
        FNR == 1 { if (started && !done) put(""); started = 1; done = 0 }
        done { nextfile }
        { e = hdr_end($0) }
        e { put(""); nextfile }
        hdr_field($0) && HDR_NAME == f { put(HDR_VALUE); nextfile }
        END { if (started && !done) put("") }' "$@"
}

# header_body PATCH: the diff, everything after the header (the separator line left out).
header_body() {
    awk "$HEADER_AWK_END"'
        body { print; next }
        { e = hdr_end($0) }
        e == 1 { body = 1; next }
        e == 2 { body = 1; print }' "$1"
}

# header_body_line PATCH: the line number of the first line of the diff (for messages that name
# a line of the patch); one past the end when there is no diff.
header_body_line() {
    awk "$HEADER_AWK_END"'
        { e = hdr_end($0) }
        e == 1 { print NR + 1; done = 1; exit }
        e == 2 { print NR; done = 1; exit }
        END { if (!done) print NR + 1 }' "$1"
}
