/*
 * kit-matrix: read and validate the kit's matrix.yaml with libyaml.
 *
 * The shell driver never parses YAML itself: it asks this program, which
 * either answers from a file that passed every check below or names the
 * file, line, column and problem and exits 2.
 *
 *   kit-matrix [-f FILE] check         validate only
 *   kit-matrix [-f FILE] ids           release ids, one per line
 *   kit-matrix [-f FILE] show REL      shell assignments (M_*) for one release
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define EXIT_BADINPUT 2

static const char *path = "matrix.yaml";
static yaml_document_t doc;

static void die_at(const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;

    if (n)
        fprintf(stderr, "%s:%lu:%lu: ", path,
                (unsigned long)n->start_mark.line + 1,
                (unsigned long)n->start_mark.column + 1);
    else
        fprintf(stderr, "%s: ", path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_BADINPUT);
}

static yaml_node_t *node(int id)
{
    return yaml_document_get_node(&doc, id);
}

static const char *scalar(const yaml_node_t *n, const char *what)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        die_at(n, "%s must be a scalar", what);
    return (const char *)n->data.scalar.value;
}

static void expect(const yaml_node_t *n, yaml_node_type_t type,
                   const char *what)
{
    static const char *names[] = {
        [YAML_SCALAR_NODE] = "a scalar",
        [YAML_SEQUENCE_NODE] = "a list",
        [YAML_MAPPING_NODE] = "a mapping",
    };

    if (!n || n->type != type)
        die_at(n, "%s must be %s", what, names[type]);
}

/* Look up KEY in a mapping; reject keys outside ALLOWED so typos are caught. */
static yaml_node_t *get(const yaml_node_t *map, const char *key,
                        const char *const *allowed, int required,
                        const char *what)
{
    yaml_node_pair_t *p;
    yaml_node_t *found = NULL;

    expect(map, YAML_MAPPING_NODE, what);
    for (p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(p->key);
        const char *ks = scalar(k, "a key");
        const char *const *a;
        int known = 0;

        for (a = allowed; *a; a++)
            if (!strcmp(*a, ks))
                known = 1;
        if (!known)
            die_at(k, "unknown key '%s' in %s", ks, what);
        if (!strcmp(ks, key)) {
            if (found)
                die_at(k, "duplicate key '%s' in %s", ks, what);
            found = node(p->value);
        }
    }
    if (!found && required)
        die_at(map, "%s lacks the required key '%s'", what, key);
    return found;
}

static int all_of(const char *s, const char *set, size_t len)
{
    if (len && strlen(s) != len)
        return 0;
    for (; *s; s++)
        if (!strchr(set, *s))
            return 0;
    return 1;
}

/* Characters a value may carry: enough for paths, versions, URLs and flags. */
static const char *word(const yaml_node_t *n, const char *what)
{
    const char *s = scalar(n, what);
    const char *c;

    if (!*s)
        die_at(n, "%s is empty", what);
    for (c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("._-/:;?=+,~@%&", *c))
            die_at(n, "%s '%s' has the character '%c', which is not allowed",
                   what, s, *c);
    return s;
}

static const char *hex(const yaml_node_t *n, size_t len, const char *what)
{
    const char *s = scalar(n, what);

    if (!all_of(s, "0123456789abcdef", len))
        die_at(n, "%s '%s' is not %zu lowercase hex digits", what, s, len);
    return s;
}

static const char *const top_keys[] = { "schema", "profiles", "releases", NULL };
static const char *const prof_keys[] = { "subdirs", "make_vars", NULL };
static const char *const rel_keys[] = {
    "id", "version", "base", "series", "layers", "build", "kinds", NULL
};
static const char *const base_keys[] = {
    "file", "sha256", "tag", "commit", "tree", "url", NULL
};
static const char *const known_layers[] = { "compat", "prereq", "fix", NULL };
static const char *const known_kinds[] = {
    "vbd", "cdrom", "vif", "vtpm", "console", "channel", "vfb", "vkbd", "vusb",
    NULL
};

static int in(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set))
            return 1;
    return 0;
}

/* A list of words; with SET, each must be one of it and none repeated. */
static void check_list(const yaml_node_t *seq, const char *const *set,
                       const char *what)
{
    yaml_node_item_t *i, *j;

    expect(seq, YAML_SEQUENCE_NODE, what);
    for (i = seq->data.sequence.items.start;
         i < seq->data.sequence.items.top; i++) {
        const char *s = word(node(*i), what);

        if (set && !in(s, set))
            die_at(node(*i), "%s: '%s' is not one of the known values", what, s);
        for (j = seq->data.sequence.items.start; j < i; j++)
            if (!strcmp(s, scalar(node(*j), what)))
                die_at(node(*i), "%s: '%s' is listed twice", what, s);
    }
}

static yaml_node_t *profiles;

static int empty(const yaml_node_t *seq)
{
    return seq->data.sequence.items.start == seq->data.sequence.items.top;
}

static void check_profile(const yaml_node_t *name, const yaml_node_t *p)
{
    char what[128];
    const yaml_node_t *subdirs;

    snprintf(what, sizeof(what), "profile '%s'", scalar(name, "a profile name"));
    subdirs = get(p, "subdirs", prof_keys, 1, what);
    check_list(subdirs, NULL, "subdirs");
    if (empty(subdirs))
        die_at(subdirs, "%s: subdirs is empty", what);
    check_list(get(p, "make_vars", prof_keys, 1, what), NULL, "make_vars");
}

static const yaml_node_t *find_profile(const char *name)
{
    yaml_node_pair_t *p;

    for (p = profiles->data.mapping.pairs.start;
         p < profiles->data.mapping.pairs.top; p++)
        if (!strcmp(scalar(node(p->key), "a profile name"), name))
            return node(p->value);
    return NULL;
}

static void check_release(const yaml_node_t *r)
{
    const char *w = "a release";
    const yaml_node_t *base, *layers, *build;
    const char *id;

    id = word(get(r, "id", rel_keys, 1, w), "id");
    word(get(r, "version", rel_keys, 1, w), "version");
    base = get(r, "base", rel_keys, 1, w);
    word(get(base, "file", base_keys, 1, "base"), "base file");
    hex(get(base, "sha256", base_keys, 1, "base"), 64, "base sha256");
    word(get(base, "tag", base_keys, 1, "base"), "base tag");
    hex(get(base, "commit", base_keys, 1, "base"), 40, "base commit");
    hex(get(base, "tree", base_keys, 1, "base"), 40, "base tree");
    if (get(base, "url", base_keys, 0, "base"))
        word(get(base, "url", base_keys, 0, "base"), "base url");
    word(get(r, "series", rel_keys, 1, w), "series");
    layers = get(r, "layers", rel_keys, 1, w);
    check_list(layers, known_layers, "layers");
    if (empty(layers))
        die_at(layers, "release '%s': layers is empty", id);
    build = get(r, "build", rel_keys, 1, w);
    if (!find_profile(word(build, "build")))
        die_at(build, "release '%s': build profile '%s' is not defined under "
               "profiles", id, scalar(build, "build"));
    check_list(get(r, "kinds", rel_keys, 1, w), known_kinds, "kinds");
}

static yaml_node_t *releases;

static void load(void)
{
    yaml_parser_t parser;
    FILE *f = fopen(path, "rb");
    yaml_node_t *root, *schema;
    yaml_node_pair_t *p;
    yaml_node_item_t *i, *j;

    if (!f) {
        fprintf(stderr, "%s: cannot open: ", path);
        perror(NULL);
        exit(EXIT_BADINPUT);
    }
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        fprintf(stderr, "%s:%lu:%lu: not valid YAML: %s%s%s\n", path,
                (unsigned long)parser.problem_mark.line + 1,
                (unsigned long)parser.problem_mark.column + 1,
                parser.problem ? parser.problem : "parse error",
                parser.context ? " " : "",
                parser.context ? parser.context : "");
        exit(EXIT_BADINPUT);
    }
    yaml_parser_delete(&parser);
    fclose(f);

    root = yaml_document_get_root_node(&doc);
    if (!root)
        die_at(NULL, "the file is empty");
    schema = get(root, "schema", top_keys, 1, "the top level");
    if (strcmp(scalar(schema, "schema"), "1"))
        die_at(schema, "schema %s is not supported (this kit reads schema 1)",
               scalar(schema, "schema"));

    profiles = get(root, "profiles", top_keys, 1, "the top level");
    expect(profiles, YAML_MAPPING_NODE, "profiles");
    for (p = profiles->data.mapping.pairs.start;
         p < profiles->data.mapping.pairs.top; p++)
        check_profile(node(p->key), node(p->value));

    releases = get(root, "releases", top_keys, 1, "the top level");
    expect(releases, YAML_SEQUENCE_NODE, "releases");
    if (empty(releases))
        die_at(releases, "releases is empty");
    for (i = releases->data.sequence.items.start;
         i < releases->data.sequence.items.top; i++) {
        check_release(node(*i));
        for (j = releases->data.sequence.items.start; j < i; j++)
            if (!strcmp(scalar(get(node(*i), "id", rel_keys, 1, ""), "id"),
                        scalar(get(node(*j), "id", rel_keys, 1, ""), "id")))
                die_at(get(node(*i), "id", rel_keys, 1, ""),
                       "release id '%s' is listed twice",
                       scalar(get(node(*i), "id", rel_keys, 1, ""), "id"));
    }
}

/* Print NAME='VALUE' with VALUE safe for the shell's eval. */
static void assign(const char *name, const char *value)
{
    printf("%s='", name);
    for (; *value; value++)
        if (*value == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*value);
    puts("'");
}

static void assign_list(const char *name, const yaml_node_t *seq)
{
    yaml_node_item_t *i;
    size_t len = 1;
    char *buf;

    for (i = seq->data.sequence.items.start; i < seq->data.sequence.items.top; i++)
        len += strlen(scalar(node(*i), name)) + 1;
    buf = calloc(1, len);
    if (!buf)
        abort();
    for (i = seq->data.sequence.items.start; i < seq->data.sequence.items.top; i++) {
        if (*buf)
            strcat(buf, " ");
        strcat(buf, scalar(node(*i), name));
    }
    assign(name, buf);
    free(buf);
}

static const char *field(const yaml_node_t *map, const char *key,
                         const char *const *allowed)
{
    const yaml_node_t *n = get(map, key, allowed, 0, "");

    return n ? scalar(n, key) : "";
}

static const yaml_node_t *find_release(const char *id)
{
    yaml_node_item_t *i;

    for (i = releases->data.sequence.items.start;
         i < releases->data.sequence.items.top; i++)
        if (!strcmp(field(node(*i), "id", rel_keys), id))
            return node(*i);
    return NULL;
}

static void show(const char *id)
{
    const yaml_node_t *r = find_release(id), *base, *prof;
    yaml_node_item_t *i;

    if (!r) {
        fprintf(stderr, "%s: unknown release '%s' (known:", path, id);
        for (i = releases->data.sequence.items.start;
             i < releases->data.sequence.items.top; i++)
            fprintf(stderr, " %s", field(node(*i), "id", rel_keys));
        fputs(")\n", stderr);
        exit(EXIT_BADINPUT);
    }
    base = get(r, "base", rel_keys, 1, "");
    assign("M_id", field(r, "id", rel_keys));
    assign("M_version", field(r, "version", rel_keys));
    assign("M_base_file", field(base, "file", base_keys));
    assign("M_base_sha256", field(base, "sha256", base_keys));
    assign("M_base_tag", field(base, "tag", base_keys));
    assign("M_base_commit", field(base, "commit", base_keys));
    assign("M_base_tree", field(base, "tree", base_keys));
    assign("M_base_url", field(base, "url", base_keys));
    assign("M_series", field(r, "series", rel_keys));
    assign_list("M_layers", get(r, "layers", rel_keys, 1, ""));
    assign("M_build", field(r, "build", rel_keys));
    prof = find_profile(field(r, "build", rel_keys));
    assign_list("M_subdirs", get(prof, "subdirs", prof_keys, 1, ""));
    assign_list("M_make_vars", get(prof, "make_vars", prof_keys, 1, ""));
    assign_list("M_kinds", get(r, "kinds", rel_keys, 1, ""));
}

static void usage(FILE *to)
{
    fputs("usage: kit-matrix [-f FILE] check | ids | show REL\n"
          "Validates the kit's matrix.yaml and answers questions about it.\n"
          "  check      validate the file; errors name file:line:column\n"
          "  ids        print the release ids, one per line\n"
          "  show REL   print shell assignments (M_*) for release REL\n"
          "Exit: 0 ok, 2 bad usage, unreadable or invalid file, unknown release.\n",
          to);
}

int main(int argc, char **argv)
{
    int a = 1;

    if (a < argc && (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (a + 1 < argc && !strcmp(argv[a], "-f")) {
        path = argv[a + 1];
        a += 2;
    }
    if (a >= argc) {
        usage(stderr);
        return EXIT_BADINPUT;
    }
    load();
    if (!strcmp(argv[a], "check") && a + 1 == argc)
        return 0;
    if (!strcmp(argv[a], "ids") && a + 1 == argc) {
        yaml_node_item_t *i;

        for (i = releases->data.sequence.items.start;
             i < releases->data.sequence.items.top; i++)
            puts(field(node(*i), "id", rel_keys));
        return 0;
    }
    if (!strcmp(argv[a], "show") && a + 2 == argc) {
        show(argv[a + 1]);
        return 0;
    }
    usage(stderr);
    return EXIT_BADINPUT;
}
