# shellcheck shell=bash
# What a verification proved: every test case classified from its three runs (the control run,
# the base with its attacks, the patched tree with its attacks).  The one place where classes
# are decided; sourced by kit-verify after lib/kit.sh.
#
# Classes:
#   attack-defeated  an attack proof (X-proves attack): passes in the control run (or fails there
#                    exactly as its X-control declares), fails on the base after its attack ran
#                    (a failed check, or a sanitizer report whose first frame is libxl's), passes
#                    on the patched tree
#   fix-present      a check of libxl's record (X-proves fix-present): fails on the base, passes
#                    on the patched tree; never an attack proof
#   functional       a functional test that passes in all three runs
#   unproven         anything else; the row names the run that let it down and why

# classify_runs CONTROL_TSV BASE_TSV PATCHED_TSV: tables of results_table (lib/results.sh); prints
# one line per test, tab-separated, sorted by test:
#   1 test  2 kind  3 proves  4 control  5 base  6 patched  7 class  8 run at fault (control, base,
#   patched or -)  9 why (or -)  10 advisory  11 reader
classify_runs() {
    LC_ALL=C awk -F '\t' -v OFS='\t' '
        FILENAME == ARGV[1] { run = "control" }
        FILENAME == ARGV[2] { run = "base" }
        FILENAME == ARGV[3] { run = "patched" }
        {
            t = $1; seen[t] = 1
            has[t, run] = 1; res[t, run] = $2; reason[t, run] = $10; attacked[t, run] = $8; crash[t, run] = $9
            # What a case claims is read from the patched run, which has the newest metadata;
            # a run that lacks the case leaves it to the others.
            if (run == "patched" || !(t in kind)) {
                kind[t] = $3; adv[t] = $4; reader[t] = $5; proves[t] = $6; control[t] = $7
            }
        }
        function verdict(cl, r, w) { klass = cl; at = r; why = w }
        function judge(t,    c, b, p, r) {
            c = res[t, "control"]; b = res[t, "base"]; p = res[t, "patched"]
            for (r = 1; r <= 3; r++) {
                run = (r == 1 ? "control" : r == 2 ? "base" : "patched")
                if (!((t, run) in has)) return verdict("unproven", run, "did not run in the " run " run")
                if (res[t, run] == "skipped") return verdict("unproven", run, "skipped: " reason[t, run])
            }
            if (kind[t] == "functional") {
                if (c != "passed") return verdict("unproven", "control", c ": " reason[t, "control"])
                if (b != "passed") return verdict("unproven", "base", b ": " reason[t, "base"])
                if (p != "passed") return verdict("unproven", "patched", p ": " reason[t, "patched"])
                return verdict("functional", "-", "-")
            }
            if (p != "passed")
                return verdict("unproven", "patched", "not fixed: " p ": " reason[t, "patched"])
            if (proves[t] == "fix-present") {
                if (b == "passed")
                    return verdict("unproven", "base", "passes on the base: checks nothing the fix adds")
                return verdict("fix-present", "-", "-")
            }
            if (proves[t] != "attack")
                return verdict("unproven", "-", "X-proves is " proves[t] ", neither attack nor fix-present")
            if (control[t] == "-") {
                if (c != "passed")
                    return verdict("unproven", "control", "fails without its attack: " c ": " reason[t, "control"])
            } else {
                if (c != "failed" || reason[t, "control"] !~ control[t])
                    return verdict("unproven", "control", "the control run does not show what X-control declares (" \
                        control[t] "): " c ": " reason[t, "control"])
            }
            if (b == "passed") return verdict("unproven", "base", "passes on the base: the attack did nothing")
            # ATF recorded the case failed, then the process died at exit (a leak report): the
            # failed checks are the result.
            if (b == "broken" && reason[t, "base"] ~ /^Failed test case should have reported failure but received signal/)
                b = "failed"
            if (attacked[t, "base"] != "yes")
                return verdict("unproven", "base", "fails on the base before its attack ran: " b ": " reason[t, "base"])
            if (b == "broken" && crash[t, "base"] != "libxl")
                return verdict("unproven", "base", "broken on the base, not by libxl: " reason[t, "base"])
            if (b != "failed" && b != "broken")
                return verdict("unproven", "base", b ": " reason[t, "base"])
            if (control[t] != "-" && b == "failed" && reason[t, "base"] ~ control[t])
                return verdict("unproven", "base", "fails on the base as it does without its attack: " reason[t, "base"])
            return verdict("attack-defeated", "-", "-")
        }
        END {
            for (t in seen) {
                judge(t)
                gsub(/\t/, " ", why)
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t, kind[t], proves[t],
                    ((t, "control") in has ? res[t, "control"] : "MISSING"),
                    ((t, "base") in has ? res[t, "base"] : "MISSING"),
                    ((t, "patched") in has ? res[t, "patched"] : "MISSING"),
                    klass, at, why, adv[t], reader[t]
            }
        }' "$1" "$2" "$3" | LC_ALL=C sort
}

# classify_count VERDICT_TSV CLASS: how many tests of that class.
classify_count() {
    awk -F '\t' -v c="$2" '$7 == c { n++ } END { print n + 0 }' "$1"
}
