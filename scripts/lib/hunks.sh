# shellcheck shell=bash
# The hunks of one patch, one at a time: for kit coverage, which reverts a single hunk of the
# patched tree.  Sourced after lib/kit.sh; the diff is read through header_body (lib/header.sh),
# so where a header ends is decided there, and hunks are delimited by their @@ line counts, as
# kit_patch_files reads them, so that a hunk line starting with "--- " is content, not a name.

# The awk shared by the functions below.  MODE list prints one record per hunk:
#   INDEX<TAB>FILE<TAB>LINE<TAB>TEXT
# FILE relative to the tree root (-p1), LINE the new-side line number of the hunk's first changed
# line, TEXT that line without its +/- (tabs made blanks).  MODE patch prints hunk WANT as a patch
# of its own (its file's ---/+++ lines, then the hunk); MODE changed prints its +/- lines only;
# MODE file prints the hunks of file ONLY, with their ---/+++ lines, all but the hunks whose
# indices the comma-separated SKIP lists.
# shellcheck disable=SC2016  # awk's fields, not the shell's
HUNKS_AWK='
    BEGIN { n = split(skip, s, ","); for (i = 1; i <= n; i++) skipped[s[i]] = 1 }
    function name_of(text) { text = substr(text, 5); sub(/\t.*/, "", text); sub(/ .*/, "", text); return text }
    function strip1(p) { if (p ~ /\//) sub(/^[^\/]*\//, "", p); else p = ""; return p }
    function done_hunk() {
        if (mode == "list") {
            gsub(/\t/, " ", text)
            printf "%d\t%s\t%d\t%s\n", k, file, first, text
        }
        inside = 0
    }
    inside {
        c = substr($0, 1, 1)
        if (c == " " || $0 == "") { old--; new--; if (first == 0) ctx++ }
        else if (c == "-" || c == "+") {
            if (c == "-") old--; else new--
            if (first == 0) { first = start + ctx; text = substr($0, 2) }
            if (mode == "changed" && k == want) print
        }
        else if (c != "\\") { done_hunk() }
        if (inside) {
            if ((mode == "patch" && k == want) || (mode == "file" && mine)) print
            if (old <= 0 && new <= 0) { done_hunk(); tail = (mode == "file" ? mine : k == want) }
            next
        }
    }
    # "\ No newline at end of file" after the last line belongs to the hunk it follows.
    /^\\/ { if (tail && (mode == "patch" || mode == "file")) print; next }
    { tail = 0 }
    /^--- / { oldhdr = $0; oldname = name_of($0); next }
    /^\+\+\+ / {
        newhdr = $0; n = name_of($0)
        file = strip1(n == "/dev/null" ? oldname : n); shown = 0
        next
    }
    /^@@ -[0-9]/ {
        k++; split($0, h, / /); o = h[2]; w = h[3]
        sub(/^-/, "", o); sub(/^\+/, "", w)
        old = (o ~ /,/) ? substr(o, index(o, ",") + 1) + 0 : 1
        new = (w ~ /,/) ? substr(w, index(w, ",") + 1) + 0 : 1
        start = w + 0; ctx = 0; first = 0; text = ""; inside = 1
        if (mode == "patch" && k == want) { print oldhdr; print newhdr; print }
        mine = (mode == "file" && file == only && !((k "") in skipped))
        if (mine) { if (!shown) { print oldhdr; print newhdr; shown = 1 }; print }
        next
    }
    END { if (inside) done_hunk() }'

# hunk_list PATCH: one line per hunk of PATCH, in order: INDEX FILE LINE TEXT (tab-separated).
hunk_list() {
    header_body "$1" | LC_ALL=C awk -v mode=list "$HUNKS_AWK"
}

# hunk_patch PATCH N: hunk N of PATCH (from 1) with its file's header, a patch of its own.
hunk_patch() {
    header_body "$1" | LC_ALL=C awk -v mode=patch -v want="$2" "$HUNKS_AWK"
}

# hunk_hash PATCH N: what names a hunk whatever its position: the first 16 hex digits of the
# sha256 of its changed lines (its +/- lines, in order), so that a hunk keeps its name when the
# context around it or its line numbers move.
hunk_hash() {
    header_body "$1" | LC_ALL=C awk -v mode=changed -v want="$2" "$HUNKS_AWK" | sha256sum | cut -c1-16
}

# hunk_file_patch PATCH FILE [SKIP]: the hunks of PATCH that change FILE, as a patch, leaving out
# those whose indices (of hunk_list) the comma-separated SKIP lists; nothing when none is left.
hunk_file_patch() {
    header_body "$1" | LC_ALL=C awk -v mode=file -v only="$2" -v skip="${3:-}" "$HUNKS_AWK"
}

# hunk_without SRC FILE PATCH N STACK OUT: FILE as the whole stack makes it from the tree SRC
# with hunk N of PATCH left out, written to OUT, for a hunk that patch -R cannot take out of the
# patched tree alone because a later hunk changed its lines or their context.  STACK lists the
# stack's patches in order, one name per line (all layers).  A later hunk that no longer applies
# without it is left out too, and so on until the replay applies; prints those, "PATCH#INDEX"
# per line.  Fails when the replay does not apply after 20 rounds of that.
hunk_without() {
    local src=$1 file=$2 patch=$3 n=$4 stack=$5 out=$6 scratch q hp log failed i round ok
    local -A drop=()
    drop[$patch]=$n
    scratch=$(mktemp -d "${KIT_TMP:-${TMPDIR:-/tmp}}/without.XXXXXX")
    for round in $(seq 1 20); do
        rm -rf "$scratch/t"
        mkdir -p "$scratch/t/$(dirname "$file")"
        [ ! -f "$src/$file" ] || cp "$src/$file" "$scratch/t/$file"
        ok=1 failed=''
        while IFS= read -r q; do
            hp=$(hunk_file_patch "$R_PATCHES/$q" "$file" "${drop[$q]:-}")
            [ -n "$hp" ] || continue
            if ! log=$(printf '%s\n' "$hp" | LC_ALL=C patch -p1 -F0 -d "$scratch/t" -f \
                    --no-backup-if-mismatch -r - 2>&1); then
                ok=0
                # patch numbers the hunks it was given: map them back to the patch's own.
                while IFS= read -r i; do
                    failed="$failed $(hunk_list "$R_PATCHES/$q" | awk -F '\t' -v f="$file" \
                        -v skip=",${drop[$q]:-}," -v want="$i" '
                        $2 == f && index(skip, "," $1 ",") == 0 { if (++m == want) print $1 }')"
                done < <(sed -n 's/^Hunk #\([0-9]*\) FAILED.*/\1/p' <<<"$log")
                break
            fi
        done <"$stack"
        if [ "$ok" = 1 ]; then
            if [ -f "$scratch/t/$file" ]; then cp "$scratch/t/$file" "$out"; else rm -f "$out"; fi
            rm -rf "$scratch"
            return 0
        fi
        if [ -z "${failed// /}" ] || [ "$round" -ge 20 ]; then break; fi
        for i in $failed; do
            drop[$q]=${drop[$q]:+${drop[$q]},}$i
            printf '%s#%s\n' "$q" "$i"
        done
    done
    rm -rf "$scratch"
    return 1
}
