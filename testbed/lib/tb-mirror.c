/*
 * Checks of libxl's own record of a device (XSA-178, CVE-2016-4963): see
 * tb-mirror.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb-mirror.h"

/* One node of a xenstore subtree: path relative to its top, value. */
struct tb_node {
    char *rel;
    char *value;
};

struct tb_subtree {
    struct tb_node *node;
    int n;
};

static void tb_subtree_walk(struct tb *tb, const char *top, const char *rel,
                            struct tb_subtree *st)
{
    char path[1024];
    char **ents;
    unsigned int n, i, len;

    snprintf(path, sizeof(path), "%s%s%s", top, *rel ? "/" : "", rel);
    ents = xs_directory(tb->xs, XBT_NULL, path, &n);
    if (!ents)
        return;
    for (i = 0; i < n; i++) {
        char sub[1024];
        struct tb_node *nd;

        snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", ents[i]);
        st->node = realloc(st->node, (st->n + 1) * sizeof(*st->node));
        ATF_REQUIRE(st->node);
        nd = &st->node[st->n++];
        nd->rel = strdup(sub);
        snprintf(path, sizeof(path), "%s/%s", top, sub);
        nd->value = xs_read(tb->xs, XBT_NULL, path, &len);
        ATF_REQUIRE(nd->rel && nd->value);
        tb_subtree_walk(tb, top, sub, st);
    }
    free(ents);
}

/* Every node below top (not top itself), depth first. */
static struct tb_subtree tb_subtree_read(struct tb *tb, const char *top)
{
    struct tb_subtree st = { NULL, 0 };

    tb_subtree_walk(tb, top, "", &st);
    return st;
}

static const char *tb_subtree_get(const struct tb_subtree *st,
                                  const char *rel)
{
    int i;

    for (i = 0; i < st->n; i++)
        if (!strcmp(st->node[i].rel, rel))
            return st->node[i].value;
    return NULL;
}

static void tb_subtree_free(struct tb_subtree *st)
{
    int i;

    for (i = 0; i < st->n; i++) {
        free(st->node[i].rel);
        free(st->node[i].value);
    }
    free(st->node);
    st->node = NULL;
    st->n = 0;
}

void tb_mirror_path(char *buf, size_t len, uint32_t domid, const char *kind,
                    unsigned int devid)
{
    snprintf(buf, len, "/libxl/%u/device/%s/%u", (unsigned)domid, kind, devid);
}

/*
 * No domain but dom0 may write path: dom0 owns it, the default for other
 * domains (the owner entry's own bits) excludes write, and no listed
 * domain is granted it.
 */
static bool tb_only_dom0_writes(struct tb *tb, const char *path)
{
    unsigned int n = 0, i;
    struct xs_permissions *p = xs_get_permissions(tb->xs, XBT_NULL, path, &n);
    bool ok = p && n >= 1 && p[0].id == 0 && !(p[0].perms & XS_PERM_WRITE);

    for (i = 1; ok && i < n; i++)
        if (p[i].id != 0 && (p[i].perms & XS_PERM_WRITE))
            ok = false;
    if (!ok)
        fprintf(stderr, "%s: owner %d, others %d, %u entries\n", path,
                p && n ? (int)p[0].id : -1, p && n ? (int)p[0].perms : -1, n);
    free(p);
    return ok;
}

void tb_mirror_require(struct tb *tb, uint32_t domid, const char *kind,
                       unsigned int devid, const char *fe, const char *be,
                       const char *const *want)
{
    char lp[256], p[1024];
    struct tb_subtree back, copy;
    int i, bad = 0;

    tb_mirror_path(lp, sizeof(lp), domid, kind, devid);
    TB_REQUIRE_XS(tb, fe, "%s/frontend", lp);
    TB_REQUIRE_XS(tb, be, "%s/backend", lp);

    back = tb_subtree_read(tb, be);
    copy = tb_subtree_read(tb, lp);
    ATF_REQUIRE_MSG(back.n > 0, "%s is empty", be);
    for (i = 0; i < back.n; i++) {
        const char *rel = back.node[i].rel;
        const char *libxl_wrote = back.node[i].value;
        const char *v;

        if (!strcmp(rel, "hotplug-status"))
            continue;
        if (!strcmp(rel, "state"))
            libxl_wrote = "1";
        v = tb_subtree_get(&copy, rel);
        if (!v || strcmp(v, libxl_wrote)) {
            fprintf(stderr, "%s/%s is %s%s%s, backend has %s\n", lp, rel,
                    v ? "\"" : "", v ? v : "(absent)", v ? "\"" : "",
                    libxl_wrote);
            bad++;
        }
    }
    for (i = 0; i < copy.n; i++) {
        const char *rel = copy.node[i].rel;

        if (strcmp(rel, "backend") && !tb_subtree_get(&back, rel)) {
            fprintf(stderr, "%s/%s is not in the backend directory\n", lp, rel);
            bad++;
        }
    }
    ATF_CHECK_MSG(bad == 0, "%d node(s) of %s differ from what libxl wrote "
                  "to %s (see stderr)", bad, lp, be);

    for (i = 0; want && want[i]; i += 2) {
        const char *v = tb_subtree_get(&copy, want[i]);

        ATF_CHECK_MSG(v && !strcmp(v, want[i + 1]), "%s/%s is %s, configured %s",
                      lp, want[i], v ? v : "(absent)", want[i + 1]);
    }

    ATF_CHECK_MSG(tb_only_dom0_writes(tb, lp), "%s is writable by a domU", lp);
    for (i = 0; i < copy.n; i++) {
        snprintf(p, sizeof(p), "%s/%s", lp, copy.node[i].rel);
        ATF_CHECK_MSG(tb_only_dom0_writes(tb, p), "%s is writable by a domU", p);
    }
    tb_subtree_free(&back);
    tb_subtree_free(&copy);
}
