#!/usr/bin/env bash
# coverage-table.sh: the summary table of docs/coverage.md, from the coverage.json files that
# kit coverage writes (WORK/reports/REL/coverage.json), so that the page can be regenerated.
set -eu
set -o pipefail

usage() {
    cat <<'EOT'
usage: coverage-table.sh [--doc FILE] COVERAGE.JSON...

Prints, in markdown, one row per patch of each run (hunks, noticed, inert, unnoticed,
build-fails, what its hunks taken out together showed, how many cases noticed its hunks (in a
--first run, those of the first noticing program), seconds) and a total row per run.  With --doc FILE, replaces the lines between "<!-- coverage-table -->" and
"<!-- /coverage-table -->" in FILE instead.
EOT
}

doc=''
files=()
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        --doc) [ $# -ge 2 ] || { echo "coverage-table.sh: --doc needs a file" >&2; exit 2; }; doc=$2; shift 2 ;;
        -*) echo "coverage-table.sh: unknown option '$1'" >&2; exit 2 ;;
        *) files+=("$1"); shift ;;
    esac
done
[ "${#files[@]}" -gt 0 ] || { usage >&2; exit 2; }

table() {
    echo '| release | patch | hunks | noticed | inert | unnoticed | build-fails | taken out together | cases noticing | s |'
    echo '|---|---|---|---|---|---|---|---|---|---|'
    jq -r '
        def n(s): map(select(.status == s)) | length;
        . as $run
        | (.hunks | group_by(.patch)[] | .[0].patch as $p
            | ([($run.groups // [])[] | select(.patch == $p)]) as $g
            | "| \($run.release) | \($p | sub("\\.patch$"; "")) | \(length) | \(n("noticed")) | \(n("inert")) | \(n("unnoticed")) | \(n("build-fails")) | \(if ($g | length) == 0 then "" else ([$g[] | "\(.hunks | map(tostring) | join("+")): \(.status)"] | join(", ")) end) | \([.[].noticed_by[], $g[].noticed_by[]] | unique | length) | \(map(.seconds) | add + ([$g[].seconds] | add // 0)) |"),
          "| \($run.release) | **this run** (\(.programs | length) programs, \(.scope)\(if .mode == "first" then ", first noticing program per hunk" else "" end)) | \(.counts.hunks) | \(.counts.noticed) | \(.counts.inert) | \(.counts.unnoticed) | \(.counts["build-fails"]) | \(($run.groups // []) | length) group(s) | | \(.seconds) |"
        ' "${files[@]}"
}

if [ -z "$doc" ]; then
    table
    exit 0
fi
if ! grep -qx '<!-- coverage-table -->' "$doc" || ! grep -qx '<!-- /coverage-table -->' "$doc"; then
    echo "coverage-table.sh: $doc has no <!-- coverage-table --> ... <!-- /coverage-table --> block" >&2
    exit 2
fi
table >"$doc.table"
awk -v t="$doc.table" '
    $0 == "<!-- coverage-table -->" { print; while ((getline l < t) > 0) print l; skip = 1; next }
    $0 == "<!-- /coverage-table -->" { skip = 0 }
    !skip' "$doc" >"$doc.new"
rm -f "$doc.table"
mv "$doc.new" "$doc"
