# shellcheck shell=bash
# M_* and R_* are set by kit_release (lib/kit.sh).
# shellcheck disable=SC2154
# The one reader of a release's stack: its series file, and the file names every diff of it
# touches.  Sourced by lib/kit.sh, so every verb (apply, check, port, export, lint, list, verify)
# gets its stack through kit_stack, and every rule about what a stack may name is checked here,
# before quilt or patch sees a patch:
#   - the series file lies inside the stack dir (the directory of matrix.yaml), and is not read
#     otherwise (an error never shows a line of a file outside it);
#   - an entry is a plain file name of patches/REL/ (no '/', no '..'), optionally followed by -p1,
#     and names a regular file there;
#   - a series that lists no patch is an error, not an empty stack that "applies";
#   - every file name of every diff is relative and has no '..' component.
# What a name may go through in a tree (no symlink) is checked against the tree by
# stack_confine (lib/stack.sh), which uses kit_patch_files below.

# kit_stack_name FILE: FILE as people read it, relative to the stack dir when it lies there.
kit_stack_name() {
    local top
    top=$(dirname "$KIT_MATRIX")
    case $1 in
        "$top"/*) printf '%s\n' "${1#"$top"/}" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

# kit_series_file: dies (exit 2) unless the release's series file exists inside the stack dir
# and its patches dir, when there is one, is there too.
kit_series_file() {
    local top real
    top=$(cd "$(dirname "$KIT_MATRIX")" && pwd -P)
    [ -e "$R_SERIES" ] || die "$E_USAGE" "release $M_id: series file $R_SERIES does not exist"
    real=$(realpath -e -- "$R_SERIES")
    case $real in
        "$top"/*) ;;
        *) die "$E_USAGE" "release $M_id: series file '${M_series:0:200}' is outside the stack dir $top; it was not read" ;;
    esac
    [ -f "$real" ] || die "$E_USAGE" "release $M_id: series file $(kit_stack_name "$R_SERIES") is not a regular file"
    if [ -e "$R_PATCHES" ] || [ -L "$R_PATCHES" ]; then
        real=$(realpath -m -- "$R_PATCHES")
        if [ "$real" != "$top/patches/$M_id" ] || [ ! -d "$real" ]; then
            die "$E_USAGE" "release $M_id: patches/$M_id is not a directory of the stack dir $top"
        fi
    fi
}

# series_records: the release's series, read once, as records (tab-separated), one per entry or
# problem, in file order:
#   ok      LINE NAME   an entry naming a regular file of patches/REL/
#   missing LINE NAME   an entry whose file is not in patches/REL/
#   bad     LINE WHAT   a line that is not an entry the kit accepts
#   empty   0    -      the series lists nothing (only blank lines and comments)
# '#' starts a comment.  Call kit_series_file first.
series_records() {
    local kind line rest
    LC_ALL=C awk '
        function shown(s) { gsub(/[^[:print:]]/, "?", s); return length(s) > 80 ? substr(s, 1, 80) "..." : s }
        { l = $0; sub(/#.*/, "", l); sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l) }
        l == "" { next }
        {
            n = split(l, t, /[ \t]+/); any = 1
            if (n > 2 || (n == 2 && t[2] != "-p1")) {
                printf "bad\t%d\tentry \"%s\": only -p1 may follow a patch name\n", NR, shown(l); next
            }
            if (t[1] !~ /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/ || t[1] ~ /\.\./) {
                printf "bad\t%d\tentry \"%s\" is not a plain file name of the release'"'"'s patches dir (no \"/\", no \"..\")\n", NR, shown(t[1]); next
            }
            printf "ok\t%d\t%s\n", NR, t[1]
        }
        END { if (!any) print "empty\t0\t-" }' "$R_SERIES" |
    while IFS=$'\t' read -r kind line rest; do
        if [ "$kind" = ok ] && { [ ! -f "$R_PATCHES/$rest" ] || [ -L "$R_PATCHES/$rest" ]; }; then
            if [ -L "$R_PATCHES/$rest" ]; then
                kind=bad rest="entry \"$rest\" is a symlink in patches/$M_id/, not a patch file"
            else
                kind=missing
            fi
        fi
        printf '%s\t%s\t%s\n' "$kind" "$line" "$rest"
    done
}

# kit_series_patches: the patches of the release's series, in order, one per line.  Dies on the
# first problem, naming the series file and line: exit 2 for a bad entry, a missing, unreadable or
# empty series, exit 3 for an entry whose patch file is not there.
kit_series_patches() {
    local records kind line rest name
    kit_series_file
    records=$(series_records) || die "$E_USAGE" "release $M_id: cannot read $R_SERIES"
    name=$(kit_stack_name "$R_SERIES")
    while IFS=$'\t' read -r kind line rest; do
        case $kind in
            ok) printf '%s\n' "$rest" ;;
            bad) die "$E_USAGE" "$name:$line: $rest" ;;
            missing) die "$E_APPLY" "$name:$line: release $M_id: series lists $rest, but patches/$M_id/$rest does not exist" ;;
            empty) die "$E_USAGE" "$name: release $M_id's series lists no patches (only blank lines or comments): there is no stack to work with" ;;
        esac
    done <<<"$records"
}

# kit_diff_names PATCH...: "PATCH<TAB>file" for every file each patch touches, relative to the
# tree root (-p1), in one pass over all of them.  Every file name a diff gives (---/+++ lines,
# diff --git, rename/copy from/to, Index:) is checked first: a name that is absolute (other than
# /dev/null), has a '..' component or is quoted ends the verb (exit 2) with "PATCH:LINE: what".
# Lines inside a hunk are content, not names, whatever they start with; the diff starts where
# the header parser (lib/header.sh) says the header ends.
kit_diff_names() {
    local out
    out=$(LC_ALL=C awk -v top="$(dirname "$KIT_MATRIX")/" "$HEADER_AWK_END"'
        function shown(s) { gsub(/[^[:print:]]/, "?", s); return length(s) > 80 ? substr(s, 1, 80) "..." : s }
        function bad(what,   label) {
            label = FILENAME
            if (index(label, top) == 1) label = substr(label, length(top) + 1)
            printf "%s:%d: %s\n", label, FNR, what; err = 1; exit 1
        }
        # Every blank-separated word of what follows the keyword is judged, whatever patch would
        # take as the name: none may lead outside the tree.
        function judge(text,   n, w, i) {
            n = split(text, w, /[ \t]+/)
            for (i = 1; i <= n; i++) {
                if (w[i] ~ /^"/) bad("quoted file name " shown(text) ": not supported")
                else if (w[i] ~ /^\// && w[i] != "/dev/null") bad("absolute file name " shown(w[i]))
                else if (("/" w[i] "/") ~ /\/\.\.\//) bad("file name " shown(w[i]) " has a \"..\" component")
            }
        }
        function name_of(text) { sub(/\t.*/, "", text); sub(/ .*/, "", text); return text }
        function add(p) { if (p != "") files[FILENAME "\t" p] = 1 }
        function strip1(p) { if (p ~ /\//) sub(/^[^\/]*\//, "", p); else p = ""; return p }
        FNR == 1 { body = 0; old = new = 0 }
        !body {
            e = hdr_end($0)
            if (e == 1) { body = 1; next }
            if (e == 2) body = 1
            else next
        }
        old > 0 || new > 0 {
            c = substr($0, 1, 1)
            if (c == " " || $0 == "") { old--; new--; next }
            if (c == "-") { old--; next }
            if (c == "+") { new--; next }
            if (c == "\\") next
            old = new = 0
        }
        /^@@ -[0-9]/ {
            split($0, h, / /); o = h[2]; w = h[3]
            sub(/^-/, "", o); sub(/^\+/, "", w)
            old = (o ~ /,/) ? substr(o, index(o, ",") + 1) + 0 : 1
            new = (w ~ /,/) ? substr(w, index(w, ",") + 1) + 0 : 1
            next
        }
        /^(---|\+\+\+) / { t = substr($0, 5); judge(t); t = name_of(t); if (t != "/dev/null") add(strip1(t)); next }
        /^\*\*\* / { judge(substr($0, 5)); next }
        /^Index: / { judge(substr($0, 8)); next }
        /^diff --git / { t = substr($0, 12); judge(t); split(t, g, / /); add(strip1(g[1])); add(strip1(g[2])); next }
        /^(rename|copy) (from|to) / { t = $0; sub(/^[a-z]+ [a-z]+ /, "", t); judge(t); add(t); next }
        END {
            if (err) exit 1
            for (f in files) print f
        }' "$@") || die "$E_USAGE" "$out: a patch may name only files inside the tree"
    [ -z "$out" ] || printf '%s\n' "$out" | LC_ALL=C sort
}

# kit_patch_files PATCH: the files a patch touches, relative to the tree root, one per line
# (kit_diff_names, which checks them).
kit_patch_files() {
    local out
    out=$(kit_diff_names "$1") || exit "$?"
    [ -z "$out" ] || printf '%s\n' "$out" | cut -f2-
}

# kit_stack_diff_names STACK_FILE: kit_diff_names of the patches of a kit_stack listing.
kit_stack_diff_names() {
    local layer p paths=()
    while read -r layer p; do paths+=("$R_PATCHES/$p"); done <"$1"
    [ ${#paths[@]} -eq 0 ] || kit_diff_names "${paths[@]}"
}

# kit_stack LAYERS: the patches of the comma-separated LAYERS, in series order, "layer name" per
# line.  Reads the series (kit_series_patches), the file names of every diff (kit_diff_names)
# and every patch's Layer (header_field_of), each in one pass over the whole stack; any problem
# ends the verb, before anything is applied.
kit_stack() {
    local want=$1 list p layer files layer_of
    list=$(kit_series_patches) || exit "$?"
    files=()
    while IFS= read -r p; do files+=("$R_PATCHES/$p"); done <<<"$list"
    kit_diff_names "${files[@]}" >/dev/null || exit "$?"
    declare -A layer_of=()
    while IFS=$'\t' read -r p layer; do layer_of[$p]=$layer; done < <(header_field_of Layer "${files[@]}")
    for p in "${files[@]}"; do
        layer=${layer_of[$p]:-}
        p=${p##*/}
        case " $M_layers " in
            *" $layer "*) ;;
            *) die "$E_APPLY" "release $M_id: patch $p has layer '${layer:-none}', not one of: $M_layers" ;;
        esac
        case ",$want," in *",$layer,"*) printf '%s %s\n' "$layer" "$p" ;; esac
    done
}
