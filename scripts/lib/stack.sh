# shellcheck shell=bash
# STACK_* variables are read by the verbs that source this file.
# shellcheck disable=SC2034
# Pushing a release's stack with quilt and reporting, patch by patch, how each one applied.
# Sourced by the verbs that apply or check a stack, after lib/kit.sh.

# stack_env TREE SERIES: the quilt environment of a tree whose series file lives outside it.
stack_quilt() {
    local tree=$1 series=$2
    shift 2
    (cd "$tree" && QUILT_PATCHES=$R_PATCHES QUILT_SERIES=$series QUILT_PC=.pc \
        QUILTRC=/dev/null quilt "$@")
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

# stack_trial START_DIR FUZZ STACK_FILE: applies the stack (lines "layer patch") to a scratch
# copy of the files it touches, taken from START_DIR, so that nothing of START_DIR changes.
# Prints one line per patch: "status layer patch detail".  Returns 0 when every patch applied,
# 1 otherwise (the failing patch is the last line; STACK_FAILURE holds quilt's words).
stack_trial() {
    local start=$1 fuzz=$2 stack=$3 scratch layer p f out status detail
    scratch=$(mktemp -d "$KIT_WORK/tmp/trial.XXXXXX")
    mkdir -p "$scratch/tree"
    while read -r layer p; do
        kit_patch_files "$R_PATCHES/$p"
    done <"$stack" | sort -u | while IFS= read -r f; do
        if [ -e "$start/$f" ] || [ -L "$start/$f" ]; then
            (cd "$start" && cp -P -p --parents "$f" "$scratch/tree/")
        fi
    done
    awk '{print $2}' "$stack" >"$scratch/series"
    STACK_FAILURE=''
    while read -r layer p; do
        if out=$(stack_quilt "$scratch/tree" "$scratch/series" push --fuzz="$fuzz" 2>&1); then
            read -r status detail <<<"$(stack_classify "$out")"
            printf '%s %s %s %s\n' "$status" "$layer" "$p" "$detail"
            continue
        fi
        if (cd "$scratch/tree" && patch -p1 -R --dry-run -s -f -F0 <"$R_PATCHES/$p" >/dev/null 2>&1); then
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
            split("exact offset fuzz reject applied-already", names, " ")
            for (i = 1; i <= 5; i++) if (st[names[i]]) { printf "%s%d %s", sep, st[names[i]], names[i]; sep = ", " }
            printf "\n"
        }' "$1"
}
