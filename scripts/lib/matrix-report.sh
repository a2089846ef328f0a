# shellcheck shell=bash
# The summary of a matrix of verified releases, for people (matrix.md) and for machines
# (matrix.json): written by kit matrix from the releases it verified, and by kit merge from
# reports made on other machines, so that both say the same thing the same way.  Sourced after
# lib/kit.sh (exit codes).

# matrix_report_write TABLE JSON SECONDS EXTRA_JSON [REL EXIT SUMMARY SECONDS]...: one group of
# four arguments per release, in matrix order: its id, the exit code of its verification, its
# summary.json (which may not exist: the release stopped before it was written, the exit code
# says why) and its wall time, used only without a summary.  Writes the table and the JSON (with
# EXTRA_JSON's keys at its top level) and prints the matrix's exit code: 0 when every release
# was verified, else the first release's that was not.
matrix_report_write() {
    local table=$1 json=$2 seconds=$3 extra=$4 rel rc summary secs build verdict entry
    local releases='[]' final=0
    shift 4
    {
        printf '| release | patches (by layer) | build | tests control/base/patched | attacks defeated | fix-present | functional | unproven | verdict | wall time |\n'
        printf '|---|---|---|---|---|---|---|---|---|---|\n'
    } >"$table"
    while [ $# -ge 4 ]; do
        rel=$1 rc=$2 summary=$3 secs=$4
        shift 4
        case $rc in
            0|"$E_TEST") build=ok ;;
            "$E_BUILD") build=FAILED ;;
            *) build=- ;;
        esac
        if [ -f "$summary" ]; then
            jq -r --arg build "$build" '. as $s |
                "| \(.release) | \(.patches | to_entries | map("\(.key): \(.value)") | join(", ")) | \($build) | \(["control", "base", "patched"] | map(. as $run | "\($s.tests_run[$run])\(if ($s.reused // []) | index([$run]) then "*" else "" end)") | join("/")) | \(.classes["attack-defeated"]) | \(.classes["fix-present"]) | \(.classes.functional) | \(.classes.unproven) | \(if .verdict == "verified" then "verified" else "NOT VERIFIED" end) | \(.seconds)s |"' \
                "$summary" >>"$table"
            entry=$(jq --argjson rc "$rc" '{exit: $rc, summary: .}' "$summary")
        else
            case $rc in
                "$E_APPLY") verdict="stack does not apply" ;;
                "$E_BUILD") verdict="build failed" ;;
                *) verdict="failed (exit $rc)" ;;
            esac
            printf '| %s | - | %s | - | - | - | - | - | %s | %ss |\n' "$rel" "$build" "$verdict" "$secs" >>"$table"
            entry=$(jq -n --argjson rc "$rc" --arg rel "$rel" --arg verdict "$verdict" \
                '{exit: $rc, summary: {release: $rel, verdict: $verdict}}')
        fi
        releases=$(jq --argjson e "$entry" '. + [$e]' <<<"$releases")
        if [ "$rc" != 0 ] && [ "$final" = 0 ]; then final=$rc; fi
    done
    if [ "$(jq '[.[].summary.reused // [] | length] | add // 0' <<<"$releases")" -gt 0 ]; then
        printf '\n*: results reused from an earlier run with the same key (REL/evidence.json: results[].origin); --fresh runs everything again\n' >>"$table"
    fi
    jq -n --argjson releases "$releases" --argjson exit "$final" --argjson seconds "$seconds" \
        --argjson extra "$extra" '{releases: $releases, exit: $exit, seconds: $seconds} + $extra' >"$json"
    printf '%s\n' "$final"
}

# matrix_report_show TABLE JSON: the table as aligned columns (a count marked * was reused, the
# note under the table says so), then each release's closing line.
matrix_report_show() {
    echo
    grep '^|' "$1" | column -t -s '|' -o '|' 2>/dev/null | sed -e 's/^|//' -e '2s/[^|]/-/g' || grep '^|' "$1"
    grep -v '^|' "$1" || true
    echo
    jq -r '.releases[].summary.line // empty' "$2"
}
