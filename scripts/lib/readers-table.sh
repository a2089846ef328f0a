#!/bin/bash
# readers-table.sh: the table of libxl readers switched to the trusted copy, per release, and the
# security tests covering each, read from the built testbeds (docs/readers.md is its output).
set -eu

usage() {
    cat <<'USAGE'
usage: readers-table.sh [--doc] REL=TESTBED_OUT [REL=TESTBED_OUT...]

Prints, as markdown, one table per release: every libxl reader that a
security test of the testbed pins, the device kind and advisory, the
prereq and fix patches of the release that change it (each names the
functions it changes in its Readers header field), and the tests.  The
matrix file is KIT_MATRIX (default: the kit's matrix.yaml).

The facts come from the test programs themselves: each security case
declares X-reader, X-kind and X-advisory in its head (testbed/lib/tb-sec.h),
and `PROGRAM -l` lists them.  TESTBED_OUT is the OUT dir of
`make -C testbed TREE=... OUT=...` for release REL's patched tree, so a
release only shows the tests that exist for its device kinds and API.

  --doc       the whole of docs/readers.md: its header, then the tables
  --help      this text

'kit matrix' writes WORK/reports/readers.md with --doc from the testbeds it built, and
tests/run --matrix fails when docs/readers.md differs from it.
USAGE
}

kit=$(cd "$(dirname "$0")/../.." && pwd)
kit_verb=readers-table.sh
# shellcheck source=scripts/lib/kit.sh
. "$kit/scripts/lib/kit.sh"
specs=()
doc=0
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        --doc) doc=1; shift ;;
        *=*) specs+=("$1"); shift ;;
        *) echo "readers-table.sh: bad argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[ ${#specs[@]} -gt 0 ] || { usage >&2; exit 2; }

# cases OUT: "reader<TAB>kind<TAB>advisory<TAB>program:case" for every security case.  A
# sanitizer build would report atf-c's own leaks and end the listing early: not here.
cases() {
    local out=$1 prog list
    for prog in "$out"/tests/*; do
        if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then continue; fi
        if ! list=$(ASAN_OPTIONS=detect_leaks=0 "$prog" -l); then
            echo "readers-table.sh: $prog -l failed" >&2
            return 1
        fi
        printf '%s\n' "$list" | awk -v p="$(basename "$prog")" '
            /^ident: / { id = substr($0, 8); r = k = a = "" }
            /^X-reader: / { r = substr($0, 11) }
            /^X-kind: / { k = substr($0, 9) }
            /^X-advisory: / { a = substr($0, 13) }
            /^$/ { if (r != "") print r "\t" k "\t" a "\t" p ":" id; r = "" }
            END { if (r != "") print r "\t" k "\t" a "\t" p ":" id }'
    done
}

# release_readers REL: "NNNN<TAB>Readers" for every prereq and fix patch of REL (its number, and
# its Readers header field), read in one pass through the kit's one series reader and header
# parser (lib/kit.sh).
release_readers() (
    local layer p paths=()
    kit_release "$1"
    while read -r layer p; do paths+=("$R_PATCHES/$p"); done < <(kit_stack prereq,fix)
    [ ${#paths[@]} -eq 0 ] || header_field_of Readers "${paths[@]}" |
        while IFS=$'\t' read -r p value; do
            p=${p##*/}
            printf '%s\t%s\n' "${p%%-*}" "$value"
        done
)

# patches_of READER: the patches of the release in reader_patches[] whose Readers field names READER.
patches_of() {
    local reader=$1 line list=''
    for line in "${reader_patches[@]}"; do
        case ", ${line#*$'\t'}, " in
            *", $reader, "*) list="$list${list:+ }${line%%$'\t'*}" ;;
        esac
    done
    printf '%s\n' "${list:-none}"
}

if [ "$doc" = 1 ]; then
    cat <<'EOT'
# Readers switched to the trusted copy, and the tests that pin them

Generated, not written by hand: every row comes from the `X-reader`, `X-kind` and
`X-advisory` metadata of the security test cases (testbed/lib/tb-sec.h), listed by the
test programs built for each release's patched tree; the patches column lists the
prereq and fix patches of the release whose `Readers` header field names the reader.
`kit matrix` writes this file as WORK/reports/readers.md from the testbeds it built,
and `tests/run --matrix` fails when this copy differs from it; to update it after a full
matrix run:

    cp work/reports/readers.md docs/readers.md

EOT
fi
for spec in "${specs[@]}"; do
    rel=${spec%%=*} out=${spec#*=}
    [ -d "$out/tests" ] || { echo "readers-table.sh: $out is not a testbed build" >&2; exit 2; }
    cases "$out" >"${TMPDIR:-/tmp}/readers-table.$$" || { rm -f "${TMPDIR:-/tmp}/readers-table.$$"; exit 1; }
    mapfile -t reader_patches < <(release_readers "$rel")
    echo "### Xen $rel"
    echo
    echo "| reader | kind | advisory | patches | security tests |"
    echo "|---|---|---|---|---|"
    LC_ALL=C sort -t "$(printf '\t')" -k1,1 -k2,2 -k3,3 -k4,4 "${TMPDIR:-/tmp}/readers-table.$$" |
    awk -F '\t' '
        { key = $1 "\t" $2 "\t" $3
          if (key != last && last != "") print last "\t" tests
          if (key != last) tests = "`" $4 "`"; else tests = tests "<br>`" $4 "`"
          last = key }
        END { if (last != "") print last "\t" tests }' |
    while IFS="$(printf '\t')" read -r reader kind adv tests; do
        # shellcheck disable=SC2016 # the backquotes are markdown
        printf '| `%s` | %s | %s | %s | %s |\n' "$reader" "$kind" "$adv" \
            "$(patches_of "$reader")" "$tests"
    done
    rm -f "${TMPDIR:-/tmp}/readers-table.$$"
    echo
done
