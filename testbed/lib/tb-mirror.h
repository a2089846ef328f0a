/*
 * Checks of libxl's own record of a device (XSA-178, CVE-2016-4963).
 *
 * When libxl adds a device it must keep, under /libxl/$DOMID/device/
 * $KIND/$DEVID, the paths of the frontend and the backend and a copy of
 * every node it wrote to the backend directory, where only the toolstack
 * domain can write: the backend directory belongs to the driver domain and
 * cannot be trusted later.  tb_mirror_require() compares that record with
 * the backend directory as libxl wrote it.
 *
 * The backend directory is read after the add, so two of its nodes may no
 * longer be libxl's: `state`, which libxl writes as 1 (Initialising) and
 * the backend then walks through the xenbus states, and `hotplug-status`,
 * which the hotplug script adds.  The copy must hold 1 for the first and
 * need not hold the second; every other node must be copied with its
 * value, and the copy must hold nothing that is not in the backend
 * directory but the `backend` path itself.
 */
#ifndef TB_MIRROR_H
#define TB_MIRROR_H

#include <stdlib.h>
#include <string.h>

#include "tb.h"

/* One node of a xenstore subtree: path relative to its top, value. */
struct tb_node {
    char *rel;
    char *value;
};

struct tb_subtree {
    struct tb_node *node;
    int n;
};

static inline void tb_subtree_walk(struct tb *tb, const char *top,
                                   const char *rel, struct tb_subtree *st)
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
static inline struct tb_subtree tb_subtree_read(struct tb *tb, const char *top)
{
    struct tb_subtree st = { NULL, 0 };

    tb_subtree_walk(tb, top, "", &st);
    return st;
}

static inline const char *tb_subtree_get(const struct tb_subtree *st,
                                         const char *rel)
{
    int i;

    for (i = 0; i < st->n; i++)
        if (!strcmp(st->node[i].rel, rel))
            return st->node[i].value;
    return NULL;
}

static inline void tb_subtree_free(struct tb_subtree *st)
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

/* Path of libxl's record of a device. */
static inline void tb_mirror_path(char *buf, size_t len, uint32_t domid,
                                  const char *kind, unsigned int devid)
{
    snprintf(buf, len, "/libxl/%u/device/%s/%u", (unsigned)domid, kind, devid);
}

/*
 * No domain but dom0 may write path: dom0 owns it, the default for other
 * domains (the owner entry's own bits) excludes write, and no listed
 * domain is granted it.
 */
static inline bool tb_only_dom0_writes(struct tb *tb, const char *path)
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

/*
 * Require libxl's record of the device whose frontend is fe and backend be:
 * both paths, a copy of the backend directory as libxl wrote it (see
 * above), the configured values in want (key, value pairs, NULL ended),
 * and no write access for anyone but dom0.
 */
static inline void tb_mirror_require(struct tb *tb, uint32_t domid,
                                     const char *kind, unsigned int devid,
                                     const char *fe, const char *be,
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

#endif
