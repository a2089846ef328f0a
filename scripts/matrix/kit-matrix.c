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
 *
 * The file may come from elsewhere (a colleague's port, a list), so it is
 * read as hostile: the document, every scalar, the nesting and the number of
 * nodes have limits checked on libyaml's event stream before a document is
 * built; a value that becomes part of a path (release id, version, tarball,
 * tag, series, subdirs) is confined here, the one place where matrix facts are
 * read; and an error repeats at most a short, printable prefix of a value.
 *
 * matrix_load() takes a buffer and never exits, so a fuzzer can call it
 * (scripts/matrix/fuzz-matrix.c includes this file with KIT_MATRIX_NO_MAIN).
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define EXIT_BADINPUT 2

/*
 * Limits, far above what a real matrix holds (about 4 KiB, nesting 4, some
 * 250 nodes, at most 9 entries in a list) and low enough that no input can
 * cost more than a few MiB of memory or milliseconds of time.  Aliases are
 * YAML, so they are allowed, but libyaml shares the aliased node and every
 * walk below follows the schema, not the graph, so they cannot multiply work.
 */
#define MAX_DOC (1024 * 1024) /* bytes in the file */
#define MAX_SCALAR 4096       /* bytes in one key or value */
#define MAX_DEPTH 16          /* lists and mappings inside each other */
#define MAX_NODES 20000       /* scalars, lists, mappings and aliases */
#define MAX_ITEMS 256         /* entries of one list, pairs of one mapping */
#define MAX_ALIASES 256
#define ECHO_MAX 64           /* bytes of a value that a message repeats */
#define KNOWN_MAX 8           /* release ids an "unknown release" lists */

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NORETURN
#define PRINTF(f, a)
#endif

struct matrix {
    const char *name;          /* the file, for messages */
    yaml_document_t doc;
    int loaded;                /* doc holds a document to delete */
    yaml_node_t *profiles, *releases;
    jmp_buf fail;              /* where die_at() returns to */
    char err[PATH_MAX + 1024]; /* the one-line message of a failure */
    char echo[4][ECHO_MAX * 4 + 8];
    int next_echo;
};

/*
 * VALUE of LEN bytes, quoted for a message: at most ECHO_MAX bytes of it,
 * bytes outside printable ASCII as \xNN, '...' when cut.  Four buffers in
 * turn, so one message can quote up to four values.
 */
static const char *quote_n(struct matrix *m, const char *value, size_t len)
{
    char *out = m->echo[m->next_echo++ % 4], *o = out;
    size_t i;

    *o++ = '\'';
    for (i = 0; i < len && i < ECHO_MAX; i++) {
        unsigned char c = (unsigned char)value[i];

        if (c >= 0x20 && c < 0x7f && c != '\\')
            *o++ = (char)c;
#ifdef KIT_MATRIX_FUZZ_SELFTEST
        else if (c == '\\') {
            /* Planted for tests/matrix_fuzz_test: a heap overflow the fuzzer must find. */
            char *p = malloc(4);

            if (p) {
                o += sprintf(p, "\\x%02x", c);
                memcpy(o - 4, p, 4);
                free(p);
            }
        }
#endif
        else
            o += sprintf(o, "\\x%02x", c);
    }
    if (i < len)
        o += sprintf(o, "...");
    *o++ = '\'';
    *o = '\0';
    return out;
}

static const char *quote(struct matrix *m, const char *value)
{
    return quote_n(m, value, strlen(value));
}

static void vformat(struct matrix *m, const yaml_mark_t *at, const char *fmt,
                    va_list ap)
{
    int n;

    if (at)
        n = snprintf(m->err, sizeof(m->err), "%s:%lu:%lu: ", m->name,
                     (unsigned long)at->line + 1,
                     (unsigned long)at->column + 1);
    else
        n = snprintf(m->err, sizeof(m->err), "%s: ", m->name);
    if (n < 0 || (size_t)n >= sizeof(m->err))
        n = 0;
    vsnprintf(m->err + n, sizeof(m->err) - (size_t)n, fmt, ap);
}

/* Record a message without leaving: for code that must clean up first. */
static void PRINTF(3, 4) format_at(struct matrix *m, const yaml_mark_t *at,
                                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vformat(m, at, fmt, ap);
    va_end(ap);
}

static void NORETURN PRINTF(3, 4) die_at(struct matrix *m, const yaml_node_t *n,
                                         const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vformat(m, n ? &n->start_mark : NULL, fmt, ap);
    va_end(ap);
    longjmp(m->fail, 1);
}

static yaml_node_t *node(struct matrix *m, int id)
{
    return yaml_document_get_node(&m->doc, id);
}

static const char *scalar(struct matrix *m, const yaml_node_t *n,
                          const char *what)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        die_at(m, n, "%s must be a scalar", what);
    return (const char *)n->data.scalar.value;
}

static void expect(struct matrix *m, const yaml_node_t *n,
                   yaml_node_type_t type, const char *what)
{
    static const char *const names[] = {
        [YAML_SCALAR_NODE] = "a scalar",
        [YAML_SEQUENCE_NODE] = "a list",
        [YAML_MAPPING_NODE] = "a mapping",
    };

    if (!n || n->type != type)
        die_at(m, n, "%s must be %s", what, names[type]);
}

/* Look up KEY in a mapping; reject keys outside ALLOWED so typos are caught. */
static yaml_node_t *get(struct matrix *m, const yaml_node_t *map,
                        const char *key, const char *const *allowed,
                        int required, const char *what)
{
    yaml_node_pair_t *p;
    yaml_node_t *found = NULL;

    expect(m, map, YAML_MAPPING_NODE, what);
    for (p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(m, p->key);
        const char *ks = scalar(m, k, "a key");
        const char *const *a;
        int known = 0;

        for (a = allowed; *a; a++)
            if (!strcmp(*a, ks))
                known = 1;
        if (!known)
            die_at(m, k, "unknown key %s in %s", quote(m, ks), what);
        if (!strcmp(ks, key)) {
            if (found)
                die_at(m, k, "duplicate key %s in %s", quote(m, ks), what);
            found = node(m, p->value);
        }
    }
    if (!found && required)
        die_at(m, map, "%s lacks the required key '%s'", what, key);
    return found;
}

static int is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* One byte for a message: itself when printable, else \xNN. */
static const char *byte_repr(char *buf, unsigned char c)
{
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
        sprintf(buf, "'%c'", c);
    else
        sprintf(buf, "\\x%02x", c);
    return buf;
}

static const char *nonempty(struct matrix *m, const yaml_node_t *n,
                            const char *what)
{
    const char *s = scalar(m, n, what);

    if (!*s)
        die_at(m, n, "%s is empty", what);
    return s;
}

/* Characters a value may carry: enough for paths, versions, URLs and flags. */
static const char *word(struct matrix *m, const yaml_node_t *n,
                        const char *what)
{
    const char *s = nonempty(m, n, what), *c;
    char b[8];

    for (c = s; *c; c++)
        if (!is_alnum((unsigned char)*c) && !strchr("._-/:;?=+,~@%&", *c))
            die_at(m, n, "%s %s has the character %s, which is not allowed",
                   what, quote(m, s), byte_repr(b, (unsigned char)*c));
    return s;
}

/*
 * A value that becomes one component of a path in the work dir (release id,
 * version, tarball file name, tag): letters, digits, '.', '_', '-', starting
 * with a letter or digit, and no '..', so it can never name a parent, the
 * directory itself or an option.
 */
static const char *name_word(struct matrix *m, const yaml_node_t *n,
                             const char *what)
{
    const char *s = nonempty(m, n, what), *c;
    char b[8];

    for (c = s; *c; c++)
        if (!is_alnum((unsigned char)*c) && !strchr("._-", *c))
            die_at(m, n, "%s %s has the character %s: it may hold only "
                   "letters, digits, '.', '_' and '-'", what, quote(m, s),
                   byte_repr(b, (unsigned char)*c));
    if (!is_alnum((unsigned char)*s))
        die_at(m, n, "%s %s must start with a letter or a digit", what,
               quote(m, s));
    if (strstr(s, ".."))
        die_at(m, n, "%s %s has '..', which could name a parent directory",
               what, quote(m, s));
    return s;
}

/*
 * A path relative to the matrix file (series) or to a tree (subdirs): no
 * absolute path and no '..' component, so it stays inside; letters, digits,
 * '.', '_', '-', '+' and '/'.
 */
static const char *path_word(struct matrix *m, const yaml_node_t *n,
                             const char *what)
{
    const char *s = nonempty(m, n, what), *c;
    char b[8];

    for (c = s; *c; c++)
        if (!is_alnum((unsigned char)*c) && !strchr("._-+/", *c))
            die_at(m, n, "%s %s has the character %s: a path may hold only "
                   "letters, digits, '.', '_', '-', '+' and '/'", what,
                   quote(m, s), byte_repr(b, (unsigned char)*c));
    if (*s == '/')
        die_at(m, n, "%s %s is an absolute path; it must be relative and stay "
               "inside", what, quote(m, s));
    for (c = s; *c; c = strchr(c, '/') ? strchr(c, '/') + 1 : c + strlen(c))
        if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2]))
            die_at(m, n, "%s %s has a '..' component; it must stay inside",
                   what, quote(m, s));
    return s;
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

static const char *hex(struct matrix *m, const yaml_node_t *n, size_t len,
                       const char *what)
{
    const char *s = scalar(m, n, what);

    if (!all_of(s, "0123456789abcdef", len))
        die_at(m, n, "%s %s is not %zu lowercase hex digits", what,
               quote(m, s), len);
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

typedef const char *(*checker)(struct matrix *, const yaml_node_t *,
                               const char *);

/* A list of values passing CHECK; with SET, each must be one of it; none repeated. */
static void check_list(struct matrix *m, const yaml_node_t *seq,
                       const char *const *set, checker check, const char *what)
{
    yaml_node_item_t *i, *j;

    expect(m, seq, YAML_SEQUENCE_NODE, what);
    for (i = seq->data.sequence.items.start;
         i < seq->data.sequence.items.top; i++) {
        const char *s = check(m, node(m, *i), what);

        if (set && !in(s, set))
            die_at(m, node(m, *i), "%s: %s is not one of the known values",
                   what, quote(m, s));
        for (j = seq->data.sequence.items.start; j < i; j++)
            if (!strcmp(s, scalar(m, node(m, *j), what)))
                die_at(m, node(m, *i), "%s: %s is listed twice", what,
                       quote(m, s));
    }
}

static int empty(const yaml_node_t *seq)
{
    return seq->data.sequence.items.start == seq->data.sequence.items.top;
}

static void check_profile(struct matrix *m, const yaml_node_t *name,
                          const yaml_node_t *p)
{
    char what[ECHO_MAX * 4 + 32];
    const yaml_node_t *subdirs;

    snprintf(what, sizeof(what), "profile %s",
             quote(m, word(m, name, "a profile name")));
    subdirs = get(m, p, "subdirs", prof_keys, 1, what);
    check_list(m, subdirs, NULL, path_word, "subdirs");
    if (empty(subdirs))
        die_at(m, subdirs, "%s: subdirs is empty", what);
    check_list(m, get(m, p, "make_vars", prof_keys, 1, what), NULL, word,
               "make_vars");
}

static const yaml_node_t *find_profile(struct matrix *m, const char *name)
{
    yaml_node_pair_t *p;

    for (p = m->profiles->data.mapping.pairs.start;
         p < m->profiles->data.mapping.pairs.top; p++)
        if (!strcmp(scalar(m, node(m, p->key), "a profile name"), name))
            return node(m, p->value);
    return NULL;
}

static void check_release(struct matrix *m, const yaml_node_t *r)
{
    const char *w = "a release";
    const yaml_node_t *base, *layers, *build, *url;
    const char *id;

    id = name_word(m, get(m, r, "id", rel_keys, 1, w), "id");
    name_word(m, get(m, r, "version", rel_keys, 1, w), "version");
    base = get(m, r, "base", rel_keys, 1, w);
    name_word(m, get(m, base, "file", base_keys, 1, "base"), "base file");
    hex(m, get(m, base, "sha256", base_keys, 1, "base"), 64, "base sha256");
    name_word(m, get(m, base, "tag", base_keys, 1, "base"), "base tag");
    hex(m, get(m, base, "commit", base_keys, 1, "base"), 40, "base commit");
    hex(m, get(m, base, "tree", base_keys, 1, "base"), 40, "base tree");
    url = get(m, base, "url", base_keys, 0, "base");
    if (url)
        word(m, url, "base url");
    path_word(m, get(m, r, "series", rel_keys, 1, w), "series");
    layers = get(m, r, "layers", rel_keys, 1, w);
    check_list(m, layers, known_layers, word, "layers");
    if (empty(layers))
        die_at(m, layers, "release %s: layers is empty", quote(m, id));
    build = get(m, r, "build", rel_keys, 1, w);
    if (!find_profile(m, word(m, build, "build")))
        die_at(m, build, "release %s: build profile %s is not defined under "
               "profiles", quote(m, id), quote(m, scalar(m, build, "build")));
    check_list(m, get(m, r, "kinds", rel_keys, 1, w), known_kinds, word,
               "kinds");
}

/* One open list or mapping while the event stream is checked. */
struct frame {
    int map;                /* a mapping (else a list) */
    int at_key;             /* a mapping's next node is a key */
    size_t items;
    char key[ECHO_MAX * 4 + 8]; /* a mapping's last key, quoted */
};

/* What a node at the top of STACK is, for a message: "the value of 'kinds'". */
static const char *field(char *buf, size_t size, const struct frame *stack,
                         int depth)
{
    const struct frame *f = depth ? &stack[depth - 1] : NULL;
    const char *owner = "the top level";
    int d;

    for (d = depth - 1; d >= 0; d--)
        if (stack[d].map && stack[d].key[0] && (d < depth - 1 || !f->at_key)) {
            owner = stack[d].key;
            break;
        }
    if (!f)
        snprintf(buf, size, "the top-level node");
    else if (f->map && f->at_key)
        snprintf(buf, size, "a key of the mapping under %s", owner);
    else if (f->map)
        snprintf(buf, size, "the value of %s", owner);
    else
        snprintf(buf, size, "an item of %s", owner);
    return buf;
}

/*
 * Walk libyaml's events once before a document is built and stop at the first
 * limit crossed: the parser never holds more than a bounded prefix of a hostile
 * file, and every message names where and which field.
 */
static void prescan(struct matrix *m, const unsigned char *buf, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    struct frame stack[MAX_DEPTH];
    int depth = 0, docs = 0, failed = 0, done = 0;
    size_t nodes = 0, aliases = 0;
    char what[sizeof(stack[0].key) + 64];

    if (!yaml_parser_initialize(&parser)) {
        format_at(m, NULL, "out of memory");
        longjmp(m->fail, 1);
    }
    yaml_parser_set_input_string(&parser, buf, len);
    while (!done && !failed) {
        struct frame *top = depth ? &stack[depth - 1] : NULL;
        const yaml_mark_t *at;

        if (!yaml_parser_parse(&parser, &ev)) {
            format_at(m, &parser.problem_mark, "not valid YAML: %s%s%s",
                      parser.problem ? parser.problem : "parse error",
                      parser.context ? " " : "",
                      parser.context ? parser.context : "");
            failed = 1;
            break;
        }
        at = &ev.start_mark;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                format_at(m, at, "a second YAML document: a matrix file holds "
                          "one");
                failed = 1;
            }
            break;
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            field(what, sizeof(what), stack, depth);
            if (++nodes > MAX_NODES) {
                format_at(m, at, "more than %d nodes in the file (at %s)",
                          MAX_NODES, what);
                failed = 1;
            } else if (top && (!top->map || top->at_key) &&
                       ++top->items > MAX_ITEMS) {
                format_at(m, at, "more than %d entries in one %s (at %s)",
                          MAX_ITEMS, top->map ? "mapping" : "list", what);
                failed = 1;
            } else if (ev.type == YAML_ALIAS_EVENT &&
                       ++aliases > MAX_ALIASES) {
                format_at(m, at, "more than %d aliases in the file (at %s)",
                          MAX_ALIASES, what);
                failed = 1;
            } else if (ev.type == YAML_SCALAR_EVENT &&
                       ev.data.scalar.length > MAX_SCALAR) {
                format_at(m, at, "%s is longer than %d bytes (%zu): %s",
                          what, MAX_SCALAR, ev.data.scalar.length,
                          quote_n(m, (const char *)ev.data.scalar.value,
                                  ECHO_MAX + 1));
                failed = 1;
            } else if (ev.type == YAML_SCALAR_EVENT &&
                       memchr(ev.data.scalar.value, '\0',
                              ev.data.scalar.length)) {
                format_at(m, at, "%s has a NUL byte: %s", what,
                          quote_n(m, (const char *)ev.data.scalar.value,
                                  ev.data.scalar.length));
                failed = 1;
            } else if (ev.type == YAML_SEQUENCE_START_EVENT ||
                       ev.type == YAML_MAPPING_START_EVENT) {
                if (top && top->map && top->at_key)
                    strcpy(top->key, "a complex key");
                if (depth == MAX_DEPTH) {
                    format_at(m, at, "lists and mappings nested more than %d "
                              "deep (at %s)", MAX_DEPTH, what);
                    failed = 1;
                    break;
                }
                top = &stack[depth++];
                top->map = ev.type == YAML_MAPPING_START_EVENT;
                top->at_key = 1;
                top->items = 0;
                top->key[0] = '\0';
                break;
            } else if (top && top->map && top->at_key) {
                /* Remember the key, quoted, to name its value in messages. */
                if (ev.type == YAML_SCALAR_EVENT)
                    strcpy(top->key,
                           quote_n(m, (const char *)ev.data.scalar.value,
                                   ev.data.scalar.length));
                else
                    strcpy(top->key, "an alias");
            }
            if (!failed && top && top->map)
                top->at_key = !top->at_key;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            top = depth ? &stack[depth - 1] : NULL;
            if (top && top->map)
                top->at_key = !top->at_key;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (failed)
        longjmp(m->fail, 1);
    if (!docs) {
        format_at(m, NULL, "the file is empty");
        longjmp(m->fail, 1);
    }
}

static void matrix_free(struct matrix *m)
{
    if (m->loaded)
        yaml_document_delete(&m->doc);
    m->loaded = 0;
}

/* Read and check BUF (LEN bytes of file NAME).  0, or EXIT_BADINPUT with m->err. */
static int matrix_load(struct matrix *m, const char *name, const unsigned char *buf,
                size_t len)
{
    yaml_parser_t parser;
    yaml_node_t *root, *schema;
    yaml_node_pair_t *p;
    yaml_node_item_t *i, *j;

    memset(m, 0, sizeof(*m));
    m->name = name;
    if (setjmp(m->fail)) {
        matrix_free(m);
        return EXIT_BADINPUT;
    }
    if (len > MAX_DOC)
        die_at(m, NULL, "the file is larger than %d bytes, the limit for a "
               "matrix file", MAX_DOC);
    prescan(m, buf, len);

    if (!yaml_parser_initialize(&parser))
        die_at(m, NULL, "out of memory");
    yaml_parser_set_input_string(&parser, buf, len);
    if (!yaml_parser_load(&parser, &m->doc)) {
        format_at(m, &parser.problem_mark, "not valid YAML: %s%s%s",
                  parser.problem ? parser.problem : "parse error",
                  parser.context ? " " : "",
                  parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        longjmp(m->fail, 1);
    }
    yaml_parser_delete(&parser);
    m->loaded = 1;

    root = yaml_document_get_root_node(&m->doc);
    if (!root)
        die_at(m, NULL, "the file is empty");
    schema = get(m, root, "schema", top_keys, 1, "the top level");
    if (strcmp(scalar(m, schema, "schema"), "1"))
        die_at(m, schema, "schema %s is not supported (this kit reads schema 1)",
               quote(m, scalar(m, schema, "schema")));

    m->profiles = get(m, root, "profiles", top_keys, 1, "the top level");
    expect(m, m->profiles, YAML_MAPPING_NODE, "profiles");
    for (p = m->profiles->data.mapping.pairs.start;
         p < m->profiles->data.mapping.pairs.top; p++) {
        yaml_node_pair_t *q;

        check_profile(m, node(m, p->key), node(m, p->value));
        for (q = m->profiles->data.mapping.pairs.start; q < p; q++)
            if (!strcmp(scalar(m, node(m, q->key), "a profile name"),
                        scalar(m, node(m, p->key), "a profile name")))
                die_at(m, node(m, p->key), "profile %s is defined twice",
                       quote(m, scalar(m, node(m, p->key), "")));
    }

    m->releases = get(m, root, "releases", top_keys, 1, "the top level");
    expect(m, m->releases, YAML_SEQUENCE_NODE, "releases");
    if (empty(m->releases))
        die_at(m, m->releases, "releases is empty");
    for (i = m->releases->data.sequence.items.start;
         i < m->releases->data.sequence.items.top; i++) {
        const yaml_node_t *id;

        check_release(m, node(m, *i));
        id = get(m, node(m, *i), "id", rel_keys, 1, "");
        for (j = m->releases->data.sequence.items.start; j < i; j++)
            if (!strcmp(scalar(m, id, "id"),
                        scalar(m, get(m, node(m, *j), "id", rel_keys, 1, ""),
                               "id")))
                die_at(m, id, "release id %s is listed twice",
                       quote(m, scalar(m, id, "id")));
    }
    return 0;
}

/* Print NAME='VALUE' with VALUE safe for the shell's eval. */
static void assign(FILE *out, const char *name, const char *value)
{
    fprintf(out, "%s='", name);
    for (; *value; value++)
        if (*value == '\'')
            fputs("'\\''", out);
        else
            putc(*value, out);
    fputs("'\n", out);
}

static void assign_list(struct matrix *m, FILE *out, const char *name,
                        const yaml_node_t *seq)
{
    yaml_node_item_t *i;

    fprintf(out, "%s='", name);
    for (i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
         i++)
        /* Items passed word() or path_word(): no quote, no space. */
        fprintf(out, "%s%s", i == seq->data.sequence.items.start ? "" : " ",
                scalar(m, node(m, *i), name));
    fputs("'\n", out);
}

static const char *value_of(struct matrix *m, const yaml_node_t *map,
                            const char *key, const char *const *allowed)
{
    const yaml_node_t *n = get(m, map, key, allowed, 0, "");

    return n ? scalar(m, n, key) : "";
}

static const yaml_node_t *find_release(struct matrix *m, const char *id)
{
    yaml_node_item_t *i;

    for (i = m->releases->data.sequence.items.start;
         i < m->releases->data.sequence.items.top; i++)
        if (!strcmp(value_of(m, node(m, *i), "id", rel_keys), id))
            return node(m, *i);
    return NULL;
}

/* The release ids of a loaded matrix, one per line. */
static void matrix_ids(struct matrix *m, FILE *out)
{
    yaml_node_item_t *i;

    for (i = m->releases->data.sequence.items.start;
         i < m->releases->data.sequence.items.top; i++)
        fprintf(out, "%s\n", value_of(m, node(m, *i), "id", rel_keys));
}

static int show(struct matrix *m, const char *id, FILE *out)
{
    const yaml_node_t *r, *base, *prof;
    yaml_node_item_t *i;
    size_t n, k = 0;

    r = find_release(m, id);
    if (!r) {
        n = (size_t)snprintf(m->err, sizeof(m->err),
                             "%s: unknown release %s (known:", m->name,
                             quote(m, id));
        for (i = m->releases->data.sequence.items.start;
             i < m->releases->data.sequence.items.top && n < sizeof(m->err);
             i++, k++) {
            /* Ids passed name_word(): nothing to escape, only to shorten. */
            const char *known = value_of(m, node(m, *i), "id", rel_keys);

            if (k == KNOWN_MAX)
                known = "...";
            n += (size_t)snprintf(m->err + n, sizeof(m->err) - n, " %.*s%s",
                                  ECHO_MAX, known,
                                  strlen(known) > ECHO_MAX ? "..." : "");
            if (k == KNOWN_MAX)
                break;
        }
        if (n < sizeof(m->err))
            snprintf(m->err + n, sizeof(m->err) - n, ")");
        return EXIT_BADINPUT;
    }
    base = get(m, r, "base", rel_keys, 1, "");
    assign(out, "M_id", value_of(m, r, "id", rel_keys));
    assign(out, "M_version", value_of(m, r, "version", rel_keys));
    assign(out, "M_base_file", value_of(m, base, "file", base_keys));
    assign(out, "M_base_sha256", value_of(m, base, "sha256", base_keys));
    assign(out, "M_base_tag", value_of(m, base, "tag", base_keys));
    assign(out, "M_base_commit", value_of(m, base, "commit", base_keys));
    assign(out, "M_base_tree", value_of(m, base, "tree", base_keys));
    assign(out, "M_base_url", value_of(m, base, "url", base_keys));
    assign(out, "M_series", value_of(m, r, "series", rel_keys));
    assign_list(m, out, "M_layers", get(m, r, "layers", rel_keys, 1, ""));
    assign(out, "M_build", value_of(m, r, "build", rel_keys));
    prof = find_profile(m, value_of(m, r, "build", rel_keys));
    assign_list(m, out, "M_subdirs", get(m, prof, "subdirs", prof_keys, 1, ""));
    assign_list(m, out, "M_make_vars",
                get(m, prof, "make_vars", prof_keys, 1, ""));
    assign_list(m, out, "M_kinds", get(m, r, "kinds", rel_keys, 1, ""));
    return 0;
}

/* Shell assignments for release ID of a loaded matrix; EXIT_BADINPUT with m->err if unknown. */
static int matrix_show(struct matrix *m, const char *id, FILE *out)
{
    /* Nothing in show() fails on a loaded matrix; the jump is only for safety. */
    if (setjmp(m->fail))
        return EXIT_BADINPUT;
    return show(m, id, out);
}

#ifndef KIT_MATRIX_NO_MAIN
/*
 * The series paths passed path_word(); a symlink could still lead outside the
 * directory of the matrix file.  Checked only for a series that exists: one
 * that is missing is the series reader's to report.
 */
static int check_series_inside(struct matrix *m, const char *file)
{
    char dir[PATH_MAX], real_dir[PATH_MAX], path[2 * PATH_MAX], real[PATH_MAX];
    const char *slash = strrchr(file, '/');
    yaml_node_item_t *i;
    size_t dlen;

    if (setjmp(m->fail))
        return EXIT_BADINPUT;
    if (!slash)
        strcpy(dir, ".");
    else if (slash == file)
        strcpy(dir, "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
    if (!realpath(dir, real_dir))
        return 0;
    dlen = strlen(real_dir);
    for (i = m->releases->data.sequence.items.start;
         i < m->releases->data.sequence.items.top; i++) {
        const yaml_node_t *s = get(m, node(m, *i), "series", rel_keys, 1, "");

        snprintf(path, sizeof(path), "%s/%s", dir, scalar(m, s, "series"));
        if (!realpath(path, real))
            continue;
        if (strncmp(real, real_dir, dlen) ||
            (real[dlen] != '/' && strcmp(real_dir, "/")))
            die_at(m, s, "series %s leads outside %s (through a symlink)",
                   quote(m, scalar(m, s, "series")), real_dir);
    }
    return 0;
}

/* The whole file into *BUF, or a message; one byte past the limit is enough to refuse it. */
static int read_file(const char *file, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(file, "rb");
    size_t cap = MAX_DOC + 1;

    *len = 0;
    *buf = NULL;
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", file, strerror(errno));
        return EXIT_BADINPUT;
    }
    *buf = malloc(cap);
    if (!*buf) {
        fprintf(stderr, "%s: out of memory\n", file);
        fclose(f);
        return EXIT_BADINPUT;
    }
    *len = fread(*buf, 1, cap, f);
    if (ferror(f)) {
        fprintf(stderr, "%s: cannot read: %s\n", file, strerror(errno));
        fclose(f);
        free(*buf);
        *buf = NULL;
        return EXIT_BADINPUT;
    }
    fclose(f);
    return 0;
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
    static struct matrix m;
    const char *file = "matrix.yaml";
    unsigned char *buf;
    size_t len;
    int a = 1, rc;

    if (a < argc && (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (a + 1 < argc && !strcmp(argv[a], "-f")) {
        file = argv[a + 1];
        a += 2;
    }
    if (a >= argc || !((!strcmp(argv[a], "check") && a + 1 == argc) ||
                       (!strcmp(argv[a], "ids") && a + 1 == argc) ||
                       (!strcmp(argv[a], "show") && a + 2 == argc))) {
        usage(stderr);
        return EXIT_BADINPUT;
    }
    if (read_file(file, &buf, &len))
        return EXIT_BADINPUT;
    rc = matrix_load(&m, file, buf, len);
    if (!rc)
        rc = check_series_inside(&m, file);
    if (!rc && !strcmp(argv[a], "ids"))
        matrix_ids(&m, stdout);
    if (!rc && !strcmp(argv[a], "show"))
        rc = matrix_show(&m, argv[a + 1], stdout);
    if (rc)
        fprintf(stderr, "%s\n", m.err);
    matrix_free(&m);
    free(buf);
    return rc;
}
#endif
