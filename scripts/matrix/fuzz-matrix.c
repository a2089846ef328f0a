/*
 * fuzz-matrix: a libFuzzer harness over the matrix reader's entry points.
 *
 * Each input is a matrix file.  matrix_load() must end in 0 or 2, never in a
 * crash, a leak or a sanitizer report; on top of that this harness restates
 * what the reader promises and aborts when a promise breaks:
 *   - a refusal is one printable line, short whatever the input's size;
 *   - an accepted file has only release ids, versions, tarball names and tags
 *     of [A-Za-z0-9._-] without '..', and series and subdirs that are relative
 *     paths without a '..' component (checked here by other code than the
 *     reader's);
 *   - every accepted release can be shown, and an unknown one is refused.
 *
 * Built by scripts/matrix/Makefile (target fuzz); run by tests/matrix_fuzz_test
 * and bench/matrix-reader-fuzz.
 */
#define KIT_MATRIX_NO_MAIN
#include "kit-matrix.c"

#include <stdint.h>

#define ERR_MAX 1536 /* what a refusal may print, whatever the input */

static FILE *sink;

static void broken(const char *promise, const char *detail)
{
    fprintf(stderr, "fuzz-matrix: broken promise: %s: %.200s\n", promise,
            detail);
    abort();
}

static int allowed_name(const char *s)
{
    size_t i;

    if (!*s || strstr(s, ".."))
        return 0;
    for (i = 0; s[i]; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789._-", s[i]))
            return 0;
    return 1;
}

static int allowed_path(const char *s)
{
    char copy[MAX_SCALAR + 1], *part, *save = NULL;

    if (!*s || *s == '/' || strlen(s) > MAX_SCALAR)
        return 0;
    strcpy(copy, s);
    for (part = strtok_r(copy, "/", &save); part;
         part = strtok_r(NULL, "/", &save))
        if (!strcmp(part, ".."))
            return 0;
    return 1;
}

static void check_refusal(const struct matrix *m)
{
    const char *c;

    if (strncmp(m->err, "fuzz.yaml:", 10))
        broken("a refusal names the file", m->err);
    if (strlen(m->err) > ERR_MAX)
        broken("a refusal is short", m->err);
    for (c = m->err; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            broken("a refusal is printable", m->err);
}

static void check_accepted(struct matrix *m)
{
    yaml_node_item_t *i, *j;
    static const char *const names[] = { "id", "version" };
    static const char *const base_names[] = { "file", "tag" };
    size_t k;

    for (i = m->releases->data.sequence.items.start;
         i < m->releases->data.sequence.items.top; i++) {
        yaml_node_t *r = node(m, *i), *base, *prof, *subdirs;
        const char *s;

        for (k = 0; k < 2; k++)
            if (!allowed_name(s = value_of(m, r, names[k], rel_keys)))
                broken("ids and versions are confined", s);
        base = get(m, r, "base", rel_keys, 1, "");
        for (k = 0; k < 2; k++)
            if (!allowed_name(s = value_of(m, base, base_names[k], base_keys)))
                broken("tarball names and tags are confined", s);
        if (!allowed_path(s = value_of(m, r, "series", rel_keys)))
            broken("series stays inside", s);
        prof = (yaml_node_t *)find_profile(m, value_of(m, r, "build", rel_keys));
        if (!prof)
            broken("a release's profile exists", value_of(m, r, "id", rel_keys));
        subdirs = get(m, prof, "subdirs", prof_keys, 1, "");
        for (j = subdirs->data.sequence.items.start;
             j < subdirs->data.sequence.items.top; j++)
            if (!allowed_path(s = scalar(m, node(m, *j), "")))
                broken("subdirs stay inside", s);
        if (matrix_show(m, value_of(m, r, "id", rel_keys), sink))
            broken("an accepted release can be shown", m->err);
    }
    matrix_ids(m, sink);
    if (matrix_show(m, "no/such..release", sink) != EXIT_BADINPUT)
        broken("an unknown release is refused", "");
    check_refusal(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct matrix m;
    int rc;

    if (!sink)
        sink = fopen("/dev/null", "w");
    if (!sink)
        abort();
    rc = matrix_load(&m, "fuzz.yaml", data, size);
    if (rc == 0)
        check_accepted(&m);
    else if (rc == EXIT_BADINPUT)
        check_refusal(&m);
    else
        broken("matrix_load returns 0 or 2", "");
    matrix_free(&m);
    return 0;
}
