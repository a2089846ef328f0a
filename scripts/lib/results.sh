# shellcheck shell=bash
# Reading kyua results files: what ran, how it ended, and whether it is a security test.
# Sourced after lib/kit.sh.
#
# A security test declares the advisory it proves in its metadata (ATF: X-advisory, seen by kyua
# as custom.advisory) and the libxl function it covers (X-reader); a test without an advisory is
# functional.

# results_table DB: one line per test case, tab-separated:
#   test  result  kind  advisory  reader
# result is kyua's word (passed, failed, broken, skipped, expected_failure); kind is security or
# functional.
results_table() {
    kyua report --results-file "$1" --verbose \
        --results-filter passed,failed,broken,skipped,xfail 2>/dev/null | awk '
        function flush() {
            if (name != "" && result != "")
                printf "%s\t%s\t%s\t%s\t%s\n", name, result,
                    (advisory != "" ? "security" : "functional"),
                    (advisory != "" ? advisory : "-"), (reader != "" ? reader : "-")
            name = result = advisory = reader = ""
        }
        /^===> / { flush(); if ($2 ~ /:/) name = $2; next }
        name != "" && /^Result: / { sub(/^Result: +/, ""); sub(/:.*/, ""); result = $0; next }
        name != "" && /^    custom\.advisory = / { sub(/^[^=]*= /, ""); advisory = $0; next }
        name != "" && /^    custom\.reader = / { sub(/^[^=]*= /, ""); reader = $0; next }
        END { flush() }' | LC_ALL=C sort
}

# results_counts TABLE_FILE: "total passed failed skipped" of a results table.
results_counts() {
    awk -F '\t' '{ n++; if ($2 == "passed") p++; else if ($2 == "skipped") s++; else f++ }
        END { printf "%d %d %d %d\n", n, p, f, s }' "$1"
}
