# shellcheck shell=bash
# Reading kyua results files: what ran, how it ended, what it claims to prove, and what its
# stderr shows of the attack.  The one reader of results files; sourced after lib/kit.sh.
#
# A security test declares the advisory it proves in its metadata (ATF: X-advisory, seen by kyua
# as custom.advisory), the libxl function it covers (X-reader), what it proves (X-proves: attack
# or fix-present) and, for a case whose subject is the error an attack provokes, the reason its
# control run must fail with (X-control).  A test without an advisory is functional.

# results_table DB: one line per test case, tab-separated, sorted by test:
#   1 test      program:case
#   2 result    kyua's word: passed, failed, broken, skipped, expected_failure
#   3 kind      security or functional
#   4 advisory  XSA-175, XSA-178 or -
#   5 reader    the libxl function, or -
#   6 proves    attack, fix-present or - (functional)
#   7 control   the X-control regex, or -
#   8 attacked  yes when the case's stderr shows a hostile move made (tb_hostile's "tb: attack:")
#               before any failed check (ATF's "*** Check failed"): a failure can then be the
#               attack's doing; no otherwise
#   9 crash     libxl when a sanitizer report's first frame outside the runtime is libxl's,
#               leak for a LeakSanitizer report, other for any other report, - for none
#  10 reason    kyua's reason for the result (tabs made spaces), or -
results_table() {
    LC_ALL=C kyua report --results-file "$1" --verbose \
        --results-filter passed,failed,broken,skipped,xfail 2>/dev/null | LC_ALL=C awk '
        function flush() {
            if (name != "" && result != "") {
                sec = (advisory != "")
                if (proves == "") proves = (sec ? "attack" : "-")
                if (!sec) proves = "-"
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, result,
                    (sec ? "security" : "functional"), (sec ? advisory : "-"),
                    (reader != "" ? reader : "-"), proves, (control != "" ? control : "-"),
                    (attacked && !early ? "yes" : "no"), (crash != "" ? crash : "-"),
                    (reason != "" ? reason : "-")
            }
            name = result = advisory = reader = proves = control = reason = crash = ""
            attacked = early = 0; section = ""; want_frame = 0
        }
        # A sanitizer frame: the first one outside the sanitizer runtime, the C library and
        # its inline headers names the culprit (libxl'"'"'s atoi(NULL) faults in strtol).
        function frame(line) {
            if (line ~ /libasan|libubsan|sanitizer|__interceptor_|__asan_|__ubsan_/) return
            if (line ~ /libc\.so| (\.\.\/)?(stdlib|sysdeps|string|libio|stdio-common|csu|nptl|malloc|posix)\/|\/usr\/include\//) return
            crash = (line ~ /libxenlight|\/tools\/libxl\/|[ (]libxl_?[A-Za-z0-9_]*[ (]/) ? "libxl" : "other"
            want_frame = 0
        }
        /^===> / { flush(); if ($2 ~ /:/) name = $2; next }
        name == "" { next }
        /^Result: / {
            sub(/^Result: +/, "")
            r = $0; result = r; sub(/:.*/, "", result)
            reason = (index(r, ": ") ? substr(r, index(r, ": ") + 2) : "")
            gsub(/\t/, " ", reason)
            next
        }
        /^Metadata:$/ { section = "md"; next }
        /^Standard output:$/ { section = "out"; next }
        /^Standard error:$/ { section = "err"; next }
        section == "md" && /^    custom\.advisory = / { sub(/^[^=]*= /, ""); advisory = $0; next }
        section == "md" && /^    custom\.reader = / { sub(/^[^=]*= /, ""); reader = $0; next }
        section == "md" && /^    custom\.proves = / { sub(/^[^=]*= /, ""); proves = $0; next }
        section == "md" && /^    custom\.control = / { sub(/^[^=]*= /, ""); control = $0; gsub(/\t/, " ", control); next }
        section == "err" && /^tb: attack: / { attacked = 1; next }
        section == "err" && /^\*\*\* Check failed: / { if (!attacked) early = 1; next }
        section == "err" && crash == "" && /ERROR: AddressSanitizer/ { want_frame = 1; next }
        # A leak is no attack on libxl'"'"'s data: it never counts as one.
        section == "err" && crash == "" && /ERROR: LeakSanitizer/ { crash = "leak"; next }
        section == "err" && crash == "" && /runtime error: / { frame($0); next }
        section == "err" && want_frame && /^ *#[0-9]+ / { frame($0); next }
        END { flush() }' | LC_ALL=C sort
}

# results_counts TABLE_FILE: "total passed failed skipped" of a results table.
results_counts() {
    awk -F '\t' '{ n++; if ($2 == "passed") p++; else if ($2 == "skipped") s++; else f++ }
        END { printf "%d %d %d %d\n", n, p, f, s }' "$1"
}
