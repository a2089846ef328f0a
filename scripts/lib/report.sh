# shellcheck shell=bash
# Machine-readable reports of a verification: a release summary and the evidence manifest a
# security team attaches to an advisory, both written by jq from the verdict table
# (lib/classify.sh).  Sourced by kit-verify after lib/kit.sh, whose M_* variables it reads, and
# after lib/reuse.sh (where each run's results came from) and lib/toolchain.sh.
# shellcheck disable=SC2154

# The runs of a verification, in the order they are made.
REPORT_RUNS="control base patched"

# report_verdict_json VERDICT_TSV: the verdict table as a JSON array of objects.
report_verdict_json() {
    jq -R -s '[split("\n")[] | select(length > 0) | split("\t") |
        {test: .[0], kind: .[1], proves: .[2], control: .[3], base: .[4], patched: .[5],
         class: .[6], run: .[7], why: .[8], advisory: .[9], reader: .[10]}]' "$1"
}

# report_layer_counts: {"compat": N, "prereq": N, "fix": N} of the release's stack.
report_layer_counts() {
    kit_stack "${M_layers// /,}" | jq -R -s --arg order "$M_layers" '
        [split("\n")[] | select(length > 0) | split(" ")[0]] as $l
        | reduce ($order | split(" ")[]) as $k ({}; .[$k] = ([$l[] | select(. == $k)] | length))'
}

# report_counts VERDICT_TSV: {"attack-defeated": N, "fix-present": N, "functional": N,
# "unproven": N}, every class present.
report_counts() {
    report_verdict_json "$1" | jq '
        reduce .[] as $t ({"attack-defeated": 0, "fix-present": 0, "functional": 0, "unproven": 0};
            .[$t.class] += 1)'
}

# report_line REL COUNTS_JSON: the one line that says what a release's verification proved.
report_line() {
    jq -r --arg rel "$1" '"\($rel): \(.["attack-defeated"]) attacks defeated, \(.["fix-present"]) fix-present, \(.functional) functional, \(.unproven) unproven"' <<<"$2"
}

# report_kit_json: the kit that made a report, {"commit", "dirty", "matrix_sha256"}: its git
# revision, whether its checkout had changes, and the sha256 of the matrix file it read.  kit merge
# refuses to combine reports whose kit or matrix differ.
report_kit_json() {
    local commit dirty=false
    commit=$(git -C "$KIT_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
    [ -z "$(git -C "$KIT_ROOT" status --porcelain 2>/dev/null)" ] || dirty=true
    jq -n --arg commit "$commit" --argjson dirty "$dirty" --arg matrix "$(kit_sha256 "$KIT_MATRIX")" \
        '{commit: $commit, dirty: $dirty, matrix_sha256: $matrix}'
}

# report_release_json VERDICT SECONDS VERDICT_TSV RUNS_JSON: the release summary.
report_release_json() {
    jq -n --arg release "$M_id" --arg version "$M_version" --arg base_tag "$M_base_tag" \
        --arg verdict "$1" --argjson seconds "$2" --argjson patches "$(report_layer_counts)" \
        --argjson classes "$(report_counts "$3")" --argjson runs "$4" --argjson kit "$(report_kit_json)" \
        --arg line "$(report_line "$M_id" "$(report_counts "$3")")" --argjson reused "$(report_reused_json)" '
        {release: $release, version: $version, base_tag: $base_tag, verdict: $verdict,
         seconds: $seconds, patches: $patches, tests_run: $runs, classes: $classes, line: $line,
         reused: $reused, kit: $kit}'
}

# report_reused_json: the runs whose results were reused from an identical earlier run, in run
# order (lib/reuse.sh says which).
report_reused_json() {
    local run
    for run in $REPORT_RUNS; do
        reuse_origin "$run" | jq -r --arg run "$run" 'select(.reused) | $run'
    done | jq -R -s '[split("\n")[] | select(length > 0)]'
}

# report_evidence_json VERDICT VERDICT_TSV REPORTS_DIR: what was tested, with what, and what came
# out, so that a third party can check and re-run it.
report_evidence_json() {
    local run patches results='[]' verified_tree
    verified_tree=$(kit_verified_tree)
    patches=$(while read -r layer p; do
            printf '%s\t%s\t%s\n' "$p" "$layer" "$(kit_sha256 "$R_PATCHES/$p")"
        done < <(kit_stack "${M_layers// /,}") |
        jq -R -s '[split("\n")[] | select(length > 0) | split("\t") | {name: .[0], layer: .[1], sha256: .[2]}]')
    for run in $REPORT_RUNS; do
        [ -f "$3/$run.db" ] || continue
        results=$(jq --arg run "$run" --arg file "$run.db" --arg sha "$(kit_sha256 "$3/$run.db")" \
            --argjson tests "$(wc -l <"$R_DIR/results/$run.tsv")" \
            --arg rerun "scripts/kit test $M_id --$run" --argjson origin "$(reuse_origin "$run")" \
            '. + [{run: $run, file: $file, sha256: $sha, tests: $tests, rerun: $rerun, origin: $origin}]' <<<"$results")
    done
    jq -n --argjson kit "$(report_kit_json)" --arg release "$M_id" \
        --arg file "$M_base_file" --arg sha256 "$M_base_sha256" --arg tag "$M_base_tag" \
        --arg bcommit "$M_base_commit" --arg tree "$M_base_tree" --arg vtree "$verified_tree" \
        --argjson patches "$patches" --argjson results "$results" --arg verdict "$1" \
        --argjson tests "$(report_verdict_json "$2")" --argjson classes "$(report_counts "$2")" \
        --argjson toolchain "$(toolchain_json)" '
        {kit: $kit, release: $release,
         base: {file: $file, sha256: $sha256, tag: $tag, commit: $bcommit, git_tree_id: $tree,
                verified_tree_id: $vtree},
         patches: $patches,
         toolchain: $toolchain,
         runs: {control: "the base tree, attacks off", base: "the base tree, attacks on",
                patched: "the patched tree, attacks on"},
         results: $results, verdict: $verdict, classes: $classes, tests: $tests}'
}

# report_junit RUN DB VERDICT_TSV OUT: kyua's JUnit report of one run, with the class of every
# case as a property, the counts as suite properties, and none of the environment (a CI
# machine's environment holds tokens).
report_junit() {
    local tmp
    tmp=$(mktemp "$4.XXXXXX")
    kyua report-junit --results-file "$2" --output "$tmp"
    LC_ALL=C awk -v run="$1" -v verdict="$3" '
        BEGIN {
            while ((getline line < verdict) > 0) {
                split(line, f, "\t"); n = split(f[1], tc, ":")
                cls[tc[1] ":" tc[2]] = f[7]; count[f[7]]++
            }
        }
        /^<property name="env\./ { next }
        /^<\/properties>$/ && !done {
            printf "<property name=\"xsa178.run\" value=\"%s\"/>\n", run
            for (c in count) printf "<property name=\"xsa178.%s\" value=\"%d\"/>\n", c, count[c]
            done = 1
        }
        /^<testcase / {
            print
            cn = $0; sub(/.*classname="/, "", cn); sub(/".*/, "", cn)
            nm = $0; sub(/.* name="/, "", nm); sub(/".*/, "", nm)
            gsub(/\./, "/", cn)
            if ((cn ":" nm) in cls)
                printf "<properties><property name=\"xsa178.class\" value=\"%s\"/></properties>\n", cls[cn ":" nm]
            next
        }
        { print }' "$tmp" >"$4"
    rm -f "$tmp"
}
