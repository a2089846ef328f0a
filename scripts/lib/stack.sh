# shellcheck shell=bash
# STACK_* variables are read by the verbs that source this file.
# shellcheck disable=SC2034
# Pushing a release's stack with quilt and reporting, patch by patch, how each one applied.
# Sourced by the verbs that apply or check a stack, after lib/kit.sh.

# quilt's and patch's words are read here (patching file, offset, fuzz, Hunk #N succeeded at):
# both run under LC_ALL=C, so that a translated locale cannot make every patch read "exact".

# stack_quilt TREE SERIES ARGS...: quilt on a tree whose series file lives outside it.
stack_quilt() {
    local tree=$1 series=$2
    shift 2
    # quilt prefers the patches dir it recorded at the first push to QUILT_PATCHES: without this,
    # a work dir first applied from one stack (--matrix) would push the next stack's patches
    # from the first one's dir.
    if [ -d "$tree/.pc" ]; then printf '%s\n' "$R_PATCHES" >"$tree/.pc/.quilt_patches"; fi
    # Without QUILT_PATCHES_PREFIX from the user's environment, quilt names each patch as the
    # series does ("Applying patch NAME"), which stack_trial reads.
    (cd "$tree" && LC_ALL=C QUILT_PATCHES=$R_PATCHES QUILT_SERIES=$series QUILT_PC=.pc \
        QUILTRC=/dev/null env -u QUILT_PATCHES_PREFIX quilt "$@")
}

# stack_patch ARGS...: GNU patch, in the C locale.
stack_patch() { LC_ALL=C patch "$@"; }

# stack_confine TREE STACK_FILE: the files the stack's patches touch (kit_patch_files has refused
# names that are absolute or climb with '..') must not go through a symlink in TREE: neither a
# directory on the way nor the file itself, since patch and cp would write or read where the
# link points.  Ends the verb (exit 2) naming the patch, the file and the link.
stack_confine() {
    local tree=$1 stack=$2 layer p f files part rest
    while read -r layer p; do
        files=$(kit_patch_files "$R_PATCHES/$p") || exit "$?"
        while IFS= read -r f; do
            [ -n "$f" ] || continue
            part='' rest=$f
            while [ -n "$rest" ]; do
                part=$part${part:+/}${rest%%/*}
                case $rest in */*) rest=${rest#*/} ;; *) rest='' ;; esac
                if [ -L "$tree/$part" ]; then
                    die "$E_USAGE" "$(kit_stack_name "$R_PATCHES/$p"): $f goes through the symlink $part in $tree: refused, nothing was read or written there"
                fi
            done
        done <<<"$files"
    done <"$stack"
}

# stack_classify OUTPUT: from the output of a successful push of one patch, prints
# "exact", "offset DETAIL" or "fuzz DETAIL", DETAIL naming the hunks that moved.
stack_classify() {
    local out=$1 file='' line detail=''
    while IFS= read -r line; do
        case $line in
            "patching file "*) file=${line#patching file } ;;
            *"with fuzz "*|*"(offset "*)
                line=${line#Hunk }
                detail="$detail${detail:+; }$file ${line%.}" ;;
        esac
    done <<<"$out"
    case $out in
        *"with fuzz "*) printf 'fuzz %s\n' "$detail" ;;
        *"(offset "*) printf 'offset %s\n' "$detail" ;;
        *) echo exact ;;
    esac
}

# stack_scratch START_DIR STACK_FILE: makes a scratch dir under WORK/tmp whose tree/ holds a copy of
# the files of START_DIR that the stack touches, and prints its path.  The caller removes it.
# Nothing is copied before stack_confine has passed every file name of the stack.
stack_scratch() {
    local start=$1 stack=$2 scratch f
    stack_confine "$start" "$stack"
    mkdir -p "$KIT_WORK/tmp"
    scratch=$(mktemp -d "${KIT_TMP:-$KIT_WORK/tmp}/trial.XXXXXX")
    mkdir -p "$scratch/tree"
    kit_stack_diff_names "$stack" | cut -f2- | sort -u | while IFS= read -r f; do
        if [ -e "$start/$f" ] || [ -L "$start/$f" ]; then
            # Not cp --parents: it copies the directories' modes, and a read-only tree's would
            # stop the copy, the trial and the removal.
            mkdir -p "$scratch/tree/$(dirname "$f")"
            cp -P -p "$start/$f" "$scratch/tree/$f"
        fi
    done
    chmod -R u+w "$scratch"
    printf '%s\n' "$scratch"
}

# stack_trial START_DIR FUZZ STACK_FILE: applies the stack (lines "layer patch") to a scratch
# copy of the files it touches, taken from START_DIR, so that nothing of START_DIR changes.
# Prints one line per patch: "status layer patch detail".  Returns 0 when every patch applied,
# 1 otherwise (the failing patch is the last line; STACK_FAILURE holds quilt's words).
stack_trial() {
    local start=$1 fuzz=$2 stack=$3 scratch layer p all out rc=0 n=0 status detail
    # Callers test this function in an if, where set -e is off: a refusal must end the verb.
    scratch=$(stack_scratch "$start" "$stack") || exit "$?"
    awk '{print $2}' "$stack" >"$scratch/series"
    STACK_FAILURE=''
    if [ -s "$scratch/series" ]; then
        # One quilt run for the whole stack, which stops at the first patch that does not apply:
        # starting quilt costs more than most patches.  Its output is cut at each "Applying
        # patch NAME" into one file per patch, numbered in the order quilt pushed them.
        all=$(stack_quilt "$scratch/tree" "$scratch/series" push -a --fuzz="$fuzz" 2>&1) || rc=$?
        mkdir "$scratch/out"
        printf '%s\n' "$all" | awk -v dir="$scratch/out" '
            /^Applying patch / { if (f) close(f); f = dir "/" ++n }
            f { print > f }'
    fi
    while read -r layer p; do
        n=$((n + 1))
        out=''
        [ -f "$scratch/out/$n" ] && out=$(cat "$scratch/out/$n")
        # Every patch quilt pushed applied, except the last one when quilt failed.
        if [ "$(sed -n 1p "$scratch/out/$n" 2>/dev/null)" = "Applying patch $p" ] &&
                { [ "$rc" = 0 ] || [ -f "$scratch/out/$((n + 1))" ]; }; then
            read -r status detail <<<"$(stack_classify "$out")"
            printf '%s %s %s %s\n' "$status" "$layer" "$p" "$detail"
            continue
        fi
        # The patch quilt stopped at; quilt's words are those of its whole run when it
        # stopped before any patch.
        [ -n "$out" ] || out=$all
        if stack_patch -d "$scratch/tree" -p1 -R --dry-run -s -f -F0 <"$R_PATCHES/$p" >/dev/null 2>&1; then
            status=applied-already
        else
            status=reject
        fi
        STACK_FAILURE=$(printf '%s\n' "$out" | grep -v '^Applying patch' || true)
        printf '%s %s %s %s\n' "$status" "$layer" "$p" \
            "$(printf '%s\n' "$out" | sed -n 's/^patching file //p' | tr '\n' ' ')"
        rm -rf "$scratch"
        return 1
    done <"$stack"
    rm -rf "$scratch"
    return 0
}

# stack_report REPORT_FILE: the per-patch table people read.
stack_report() {
    local status layer p detail
    while read -r status layer p detail; do
        case $status in
            applied-already) status="already applied" ;;
        esac
        printf '  %-16s %-7s %s%s\n' "$status" "$layer" "$p" "${detail:+  ($detail)}"
    done <"$1"
}

# stack_summary REPORT_FILE: one line, e.g. "12 patches (compat 5, prereq 3, fix 4): 11 exact, 1 offset".
stack_summary() {
    awk '{ n++; layer[$2]++; st[$1]++; if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
        END {
            printf "%d patch%s", n, (n == 1 ? "" : "es")
            if (k) { printf " ("; for (i = 1; i <= k; i++) printf "%s%s %d", (i > 1 ? ", " : ""), order[i], layer[order[i]]; printf ")" }
            sep = ": "
            split("exact offset fuzz fixed-by-hand reject applied-already", names, " ")
            for (i = 1; i <= 6; i++) if (st[names[i]]) { printf "%s%d %s", sep, st[names[i]], names[i]; sep = ", " }
            printf "\n"
        }' "$1"
}

# stack_sections PATCH: one line per file the patch touches, in its order: "file<TAB>hunks".
stack_sections() {
    awk 'prev ~ /^--- / && /^\+\+\+ / {
            split(prev, o, /[ \t]+/); f = $2
            if (f == "/dev/null") f = o[2]
            sub(/^[ab]\//, "", f); n++; file[n] = f; h[n] = 0
        }
        /^@@ / && n { h[n]++ }
        { prev = $0 }
        END { for (i = 1; i <= n; i++) printf "%s\t%d\n", file[i], h[i] }' "$1"
}

# stack_hunk_table SECTIONS: reads the --verbose output of GNU patch for one patch and prints one
# line per hunk of SECTIONS: "file<TAB>hunk<TAB>status<TAB>line<TAB>offset<TAB>fuzz", status being
# exact, offset, fuzz or reject.  A hunk patch never reached (a missing file) is a reject.
stack_hunk_table() {
    awk -v sections="$1" '
        BEGIN { while ((getline l < sections) > 0) { n++; split(l, a, "\t"); file[n] = a[1]; nh[n] = a[2] } }
        /ooks like a unified diff/ { k++; next }
        /^Hunk #[0-9]+ / {
            h = $2; sub(/^#/, "", h)
            at = $0; sub(/.* at /, "", at); sub(/[^0-9].*/, "", at)
            off = 0; fz = 0
            if ($0 ~ /\(offset -?[0-9]+ line/) { off = $0; sub(/.*\(offset /, "", off); sub(/ .*/, "", off) }
            if ($0 ~ /with fuzz [0-9]+/) { fz = $0; sub(/.*with fuzz /, "", fz); sub(/[^0-9].*/, "", fz) }
            if ($0 ~ / succeeded at /) st = (fz > 0 ? "fuzz" : (off != 0 ? "offset" : "exact"))
            else st = "reject"
            got[k, h] = st "\t" at "\t" off "\t" fz
        }
        END {
            for (i = 1; i <= n; i++)
                for (h = 1; h <= nh[i]; h++)
                    printf "%s\t%d\t%s\n", file[i], h, ((i, h) in got) ? got[i, h] : "reject\t0\t0\t0"
        }'
}

# stack_check START_DIR FUZZ STACK_FILE HUNKS_FILE: a dry run of the whole stack on a scratch copy
# of the files it touches, going on past failures so that every patch is judged.  First the
# patches the tree already has are peeled off from the top (each one that reverse-applies at fuzz
# 0, top-down, is "applied-already"), since a later patch may overlap an earlier one; then the
# others are pushed in order.  Hunks are tried with up to max(FUZZ, 2) lines of fuzz so that the
# report can say how much a hunk needs; the caller compares that with what it allows.  A patch
# with a hunk that applies neither way is a "reject", and its hunks that do apply are applied so
# that the patches above it meet the tree they would meet once it is fixed.  Prints "status
# layer patch detail" per patch (as stack_trial does) and writes
# "patch<TAB>file<TAB>hunk<TAB>status<TAB>line<TAB>offset<TAB>fuzz" per hunk to HUNKS_FILE,
# status being exact, offset, fuzz, reject or applied-already.
stack_check() {
    local start=$1 fuzz=$2 stack=$3 hunks=$4 probe=$2 scratch layer p fwd rev status detail
    [ "$probe" -ge 2 ] || probe=2
    scratch=$(stack_scratch "$start" "$stack") || exit "$?"
    cp -a "$scratch/tree" "$scratch/peel"
    : >"$hunks"
    : >"$scratch/have"
    tac "$stack" >"$scratch/top-down"
    while read -r layer p; do
        stack_sections "$R_PATCHES/$p" >"$scratch/sections"
        if rev=$(stack_patch -d "$scratch/peel" -p1 -R --dry-run --verbose -f -F0 -r - <"$R_PATCHES/$p" 2>&1); then
            stack_patch -d "$scratch/peel" -p1 -R -s -f -F0 --no-backup-if-mismatch -r - <"$R_PATCHES/$p" >/dev/null 2>&1 || true
            printf '%s\n' "$p" >>"$scratch/have"
            stack_hunk_table "$scratch/sections" <<<"$rev" |
                awk -F '\t' -v OFS='\t' -v p="$p" '{ print p, $1, $2, "applied-already", $4, $5, 0 }' >"$scratch/have.$p"
        fi
    done <"$scratch/top-down"
    while read -r layer p; do
        if grep -qxF -- "$p" "$scratch/have"; then
            cat "$scratch/have.$p" >>"$hunks"
            printf '%s %s %s \n' applied-already "$layer" "$p"
            continue
        fi
        stack_sections "$R_PATCHES/$p" >"$scratch/sections"
        if fwd=$(stack_patch -d "$scratch/tree" -p1 --dry-run --verbose -f -F"$probe" -r - \
                <"$R_PATCHES/$p" 2>&1); then
            stack_patch -d "$scratch/tree" -p1 -s -f -F"$probe" --no-backup-if-mismatch -r - \
                <"$R_PATCHES/$p" >/dev/null 2>&1 || true
            stack_hunk_table "$scratch/sections" <<<"$fwd" | sed "s#^#$p\t#" >>"$hunks"
            read -r status detail <<<"$(stack_classify "${fwd//checking file /patching file }")"
            printf '%s %s %s %s\n' "$status" "$layer" "$p" "$detail"
            continue
        fi
        stack_hunk_table "$scratch/sections" <<<"$fwd" >"$scratch/fwd"
        rev=$(stack_patch -d "$scratch/tree" -p1 -R --dry-run --verbose -f -F0 -r - <"$R_PATCHES/$p" 2>&1) || true
        stack_hunk_table "$scratch/sections" <<<"$rev" >"$scratch/rev"
        # Per hunk: what applies forward keeps its status, what reverse-applies is already there.
        paste "$scratch/fwd" "$scratch/rev" | awk -F '\t' -v OFS='\t' -v p="$p" '
            $3 != "reject" { print p, $1, $2, $3, $4, $5, $6; next }
            $9 == "exact" || $9 == "offset" { print p, $1, $2, "applied-already", $10, $11, 0; next }
            { print p, $1, $2, "reject", $4, $5, $6 }' >"$scratch/merged"
        cat "$scratch/merged" >>"$hunks"
        detail=$(awk -F '\t' '$4 == "reject" { print $2 " #" $3 }' "$scratch/merged" | paste -sd, - | sed 's/,/, /g')
        if [ -z "$detail" ]; then
            printf '%s %s %s \n' applied-already "$layer" "$p"
            continue
        fi
        stack_patch -d "$scratch/tree" -p1 -s -f -F"$probe" --no-backup-if-mismatch -r - \
            <"$R_PATCHES/$p" >/dev/null 2>&1 || true
        printf '%s %s %s %s\n' reject "$layer" "$p" "$detail"
    done <"$stack"
    rm -rf "$scratch"
}
