# shellcheck shell=bash
# Results reused by content.  What a run of a suite (control, base or patched) gives is fixed by
# the base tree, the patches its side applies, the build profile, the testbed and the kit's test
# runner, the toolchain, the sanitizers and the filter.  kit test stores every run's results
# under the sha256 of a key holding all of these, in WORK/verdicts/REL/RUN/KEY/, and with --reuse
# (what kit verify and kit matrix pass unless --fresh) takes a stored result whose key matches
# instead of running the suite again.  A stored results file whose checksum differs from its
# record is never reused.  Where each run's results came from is kept beside them, in
# WORK/rel/REL/results/RUN.origin.json, for the evidence manifest.
# Sourced after lib/kit.sh (M_*, R_*) and lib/toolchain.sh.
# shellcheck disable=SC2154

# The kit's files that build a side, run its suite and read the results: a change to any of them
# re-runs every suite.
REUSE_RUNNER="scripts/kit-test scripts/kit-build scripts/lib/build-tree.sh scripts/lib/results.sh
scripts/lib/reuse.sh scripts/lib/cpu-time.sh"

# reuse_files_sha256 DIR [FILE...]: one sha256 over the names and contents of the FILEs of DIR,
# or of all its files but those under fuzz/ (kit fuzz's program, which no suite builds).
reuse_files_sha256() {
    local dir=$1
    shift
    (
        cd "$dir" || exit 1
        if [ $# -gt 0 ]; then
            LC_ALL=C sha256sum -- "$@"
        else
            find . -path ./fuzz -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum --
        fi
    ) | sha256sum | cut -d' ' -f1
}

# reuse_key_json RUN TESTBED SANITIZE FILTER: the key of one run of the loaded release, as
# compact JSON with sorted keys (the same inputs give the same bytes).
reuse_key_json() {
    local run=$1 testbed=$2 sanitize=$3 filter=$4 side=patched patches runner
    [ "$run" = patched ] || side=base
    patches=$(kit_stack "$(kit_side_layers "$side" | paste -sd, -)" | while read -r layer p; do
            printf '%s\t%s\t%s\n' "$p" "$layer" "$(kit_sha256 "$R_PATCHES/$p")"
        done | jq -R -s '[split("\n")[] | select(length > 0) | split("\t") |
            {name: .[0], layer: .[1], sha256: .[2]}]') || exit "$?"
    # shellcheck disable=SC2086  # a list of paths without blanks
    runner=$(reuse_files_sha256 "$KIT_ROOT" $REUSE_RUNNER)
    jq -S -c -n --arg release "$M_id" --arg run "$run" --arg base_sha256 "$M_base_sha256" \
        --arg base_tree "$M_base_tree" --argjson patches "$patches" \
        --arg subdirs "$M_subdirs" --arg make_vars "$M_make_vars" \
        --arg testbed "$(reuse_files_sha256 "$testbed")" --arg runner "$runner" \
        --argjson toolchain "$(toolchain_json)" --argjson sanitize "$sanitize" --arg filter "$filter" '
        {release: $release, run: $run, base: {sha256: $base_sha256, git_tree_id: $base_tree},
         patches: $patches, build: {subdirs: $subdirs, make_vars: $make_vars},
         testbed_sha256: $testbed, runner_sha256: $runner, toolchain: $toolchain,
         sanitizers: ($sanitize == 1), filter: $filter}'
}

reuse_dir() { printf '%s\n' "$KIT_WORK/verdicts/$M_id/$1/$2"; }
reuse_origin_file() { printf '%s\n' "$R_DIR/results/$1.origin.json"; }

# reuse_lookup RUN KEY_SHA256: when a result is stored under that key and its results file
# matches its recorded checksum, copies it to WORK/rel/REL/results/RUN.db, records its origin
# (reused) and succeeds.  A stored result that does not match its record is removed.
reuse_lookup() {
    local run=$1 key=$2 dir made want
    dir=$(reuse_dir "$run" "$key")
    made=$dir/made.json
    [ -f "$made" ] || return 1
    want=$(jq -r '.results_sha256 // empty' "$made" 2>/dev/null || true)
    if [ -z "$want" ] || [ ! -f "$dir/results.db" ] || [ "$(kit_sha256 "$dir/results.db")" != "$want" ]; then
        warn "release $M_id: the stored results of the $run run (key $key) do not match their record; removed, the suite runs again"
        rm -rf "$dir"
        return 1
    fi
    mkdir -p "$R_DIR/results"
    cp "$dir/results.db" "$R_DIR/results/$run.db"
    jq '. + {reused: true}' "$made" >"$(reuse_origin_file "$run")"
}

# reuse_store RUN KEY_JSON KEY_SHA256 SECONDS: keeps WORK/rel/REL/results/RUN.db under the key,
# with when, where and by which kit it was made, and records its origin (made by this run).
reuse_store() {
    local run=$1 key_json=$2 key=$3 seconds=$4 dir tmp commit
    dir=$(reuse_dir "$run" "$key")
    mkdir -p "$(dirname "$dir")"
    tmp=$(mktemp -d "$(dirname "$dir")/.store.XXXXXX")
    cp "$R_DIR/results/$run.db" "$tmp/results.db"
    commit=$(git -C "$KIT_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
    jq -n --argjson key "$key_json" --arg key_sha256 "$key" --arg at "$(date -u +%FT%TZ)" \
        --arg on "$(uname -n)" --arg commit "$commit" --arg sha "$(kit_sha256 "$tmp/results.db")" \
        --argjson seconds "$seconds" '
        {key_sha256: $key_sha256, key: $key, made_at: $at, made_on: $on, kit_commit: $commit,
         results_sha256: $sha, suite_seconds: $seconds}' >"$tmp/made.json"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    jq '. + {reused: false}' "$dir/made.json" >"$(reuse_origin_file "$run")"
}

# reuse_origin RUN: where the run's results came from (made.json plus "reused"), or, for results
# that have no record, {"reused": false}.
reuse_origin() {
    local f
    f=$(reuse_origin_file "$1")
    if [ -f "$f" ]; then jq -c . "$f"; else printf '{"reused":false}\n'; fi
}
