/*
 * Availability tests: a guest that deletes its frontend directory, or a
 * driver domain that deletes its backend directory, or either of them that
 * deletes any single node of those, must not make libxl fail or misreport a
 * device libxl holds a record of.
 *
 * Each avail_*_test program is a table of readers x deletions; one ATF case
 * per row.  A kind (vbd, vif, vtpm, ...) says how to add its i-th device to
 * the guest and where that device's directories are; a reader checks every
 * device the guest was given.  Deletions:
 *
 *   frontend_dir   the guest deletes device 0's frontend directory
 *   backend_dir    the backend domain deletes device 0's backend directory
 *   frontend_node  one device per node of a frontend directory: device i
 *                  loses node i (the nodes are those of device 0, as the
 *                  honest guest and libxl left them)
 *   backend_node   the same for the nodes of a backend directory
 *
 * Whether the unpatched base is hurt by a row depends on the reader and the
 * release: a row that hurts the base is an attack proof (TB_SEC_TC), one that
 * does not is a functional case (TB_TC), which still guards the patched
 * tree.  The table names, per row, the releases whose base is hurt
 * (AVAIL_BASE_* below); the choice is made at compile time.
 */
#ifndef AVAIL_H
#define AVAIL_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tb-sec.h"

#ifndef TB_XEN_VERSION
#error TB_XEN_VERSION (e.g. 40601) must name the release of the tree
#endif

#define GUEST   1
#define DRVDOM  2
#define AVAIL_MAX 24    /* devices of a node row: one per node */

enum avail_del { FRONTEND_DIR, BACKEND_DIR, FRONTEND_NODE, BACKEND_NODE };

struct avail;

struct avail_kind {
    const char *name;       /* libxl's: vbd, vif, vtpm */
    uint32_t bdom;          /* the domain serving the guest's devices */
    /* add device i to the guest, through libxl */
    void (*add)(struct avail *a, int i);
    /* devid of device i */
    unsigned (*devid)(int i);
    const char *bekind;     /* the backend's kind (qdisk), NULL: name */
    enum tb_domtype type;   /* the guest's: PV unless the kind needs HVM */
};

#define AVAIL_WAIT_MS 3000          /* see avail_wait_gone */

struct avail {
    struct tb *tb;
    const struct avail_kind *k;
    struct tb_sim *backend;     /* serves the guest's devices */
    struct tb_sim *guest;       /* the guest's frontends */
    int n;                      /* devices the guest was given */
    char *gone[AVAIL_MAX];      /* the node device i lost, or NULL */
    int wait_ms;                /* what is left of the case's wait for backends */
};

/* A string a reader returned, for a check that must not crash on NULL. */
#define AVAIL_S(s) ((s) ? (s) : "(absent)")

/* Names a device in a failure message: which node it lost. */
#define AVAIL_WHO(a, i) ((a)->gone[(i)] ? (a)->gone[(i)] : "nothing")

/* Backend directory of device i, relative to its sim's area or absolute. */
static const char *avail_bekind(struct avail *a)
{
    return a->k->bekind ? a->k->bekind : a->k->name;
}

static void avail_be_rel(struct avail *a, int i, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%u/%u", avail_bekind(a), GUEST, a->k->devid(i));
}

static void avail_be_path(struct avail *a, int i, char *buf, size_t len)
{
    snprintf(buf, len, "/local/domain/%u/backend/%s/%u/%u", a->k->bdom,
             avail_bekind(a), GUEST, a->k->devid(i));
}

/* Frontend directory of device i, relative to the guest's sim or absolute. */
static void avail_fe_rel(struct avail *a, int i, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%u", a->k->name, a->k->devid(i));
}

static void avail_fe_path(struct avail *a, int i, char *buf, size_t len)
{
    snprintf(buf, len, "/local/domain/%u/device/%s/%u", GUEST, a->k->name,
             a->k->devid(i));
}

/*
 * Wait until the frontend of device i answered its backend (state 3 or 4,
 * ring-ref and event-channel written), so that both directories have every
 * node an honest guest and backend give them.  The simulated driver domain
 * does not watch the frontend, so its backend may stay in 2 (InitWait).
 */
static void avail_wait_connected(struct avail *a, int i)
{
    char p[256];
    int tries;

    avail_fe_path(a, i, p, sizeof(p));
    for (tries = 0; tries < 1000; tries++) {
        char *st = tb_xs_read(a->tb, "%s/state", p);
        bool up = st && (!strcmp(st, "3") || !strcmp(st, "4"));

        free(st);
        if (up)
            return;
        usleep(10000);
    }
    ATF_REQUIRE_MSG(false, "%s never reached state 3", p);
}

static void avail_add(struct avail *a)
{
    ATF_REQUIRE(a->n < AVAIL_MAX);
    a->k->add(a, a->n);
    avail_wait_connected(a, a->n);
    a->n++;
}

/*
 * The world of one row: the guest, its backend domain, and the devices
 * the deletion needs, then the deletion (the hostile moves).
 */
static void avail_setup(const atf_tc_t *tc, struct avail *a,
                        const struct avail_kind *k, enum avail_del del)
{
    struct tb_sim *dom0, *drv;
    bool fe = del == FRONTEND_DIR || del == FRONTEND_NODE;
    struct tb_sim *who;
    char dir[256], rel[256];
    char **nodes;
    unsigned int num = 0, j;
    int i;

    memset(a, 0, sizeof(*a));
    a->wait_ms = AVAIL_WAIT_MS;
    a->k = k;
    a->tb = tb_start(tc);
    tb_domain_create(a->tb, DRVDOM, "driverdom", TB_PV);
    dom0 = tb_backend_start(a->tb, 0);
    drv = tb_backend_start(a->tb, DRVDOM);
    a->backend = k->bdom ? drv : dom0;
    tb_domain_create(a->tb, GUEST, "guest1", k->type);
    if (k->type == TB_HVM)
        tb_device_model_running(a->tb, GUEST);
    a->guest = tb_frontend_start(a->tb, GUEST);
    who = fe ? a->guest : a->backend;
    avail_add(a);

    if (del == FRONTEND_DIR || del == BACKEND_DIR) {
        (fe ? avail_fe_rel : avail_be_rel)(a, 0, rel, sizeof(rel));
        a->gone[0] = strdup(fe ? "its frontend dir" : "its backend dir");
        TB_HOSTILE(who, "rm %s", rel);
        return;
    }
    (fe ? avail_fe_path : avail_be_path)(a, 0, dir, sizeof(dir));
    nodes = xs_directory(a->tb->xs, XBT_NULL, dir, &num);
    ATF_REQUIRE_MSG(nodes && num > 0, "%s lists no node", dir);
    ATF_REQUIRE_MSG(num <= AVAIL_MAX, "%s has %u nodes", dir, num);
    while (a->n < (int)num)
        avail_add(a);
    for (j = 0; j < num; j++) {
        i = (int)j;
        a->gone[i] = strdup(nodes[j]);
        (fe ? avail_fe_rel : avail_be_rel)(a, i, rel, sizeof(rel));
        TB_HOSTILE(who, "rm %s/%s", rel, nodes[j]);
    }
    free(nodes);
}

static void avail_free(struct avail *a)
{
    int i;

    for (i = 0; i < AVAIL_MAX; i++)
        free(a->gone[i]);
}

/*
 * A backend directory goes when its domain, told by libxl, removes it, in
 * its own time: a driver domain may still be at it when libxl returns.  A
 * case waits for that at most AVAIL_WAIT_MS in all, so a directory that is
 * never removed costs the case that much once, not once per device.
 */
static void avail_wait_gone(struct avail *a, const char *path)
{
    while (a->wait_ms > 0 && tb_xs_exists(a->tb, "%s", path)) {
        usleep(10000);
        a->wait_ms -= 10;
    }
}

/*
 * Device i's directories and libxl's record of it are gone.  (This and
 * avail_check_destroy are inline: a table with no remove or destroy row,
 * avail_cdrom_test's, leaves them unused.)
 */
static inline void avail_check_gone(struct avail *a, int i)
{
    char p[256];

    avail_be_path(a, i, p, sizeof(p));
    avail_wait_gone(a, p);
    ATF_CHECK_MSG(!tb_xs_exists(a->tb, "%s", p), "%s is left (device %d "
                  "lost %s)", p, i, AVAIL_WHO(a, i));
    avail_fe_path(a, i, p, sizeof(p));
    ATF_CHECK_MSG(!tb_xs_exists(a->tb, "%s", p), "%s is left (device %d "
                  "lost %s)", p, i, AVAIL_WHO(a, i));
    ATF_CHECK_MSG(!tb_xs_exists(a->tb, "/libxl/%u/device/%s/%u", GUEST,
                                a->k->name, a->k->devid(i)),
                  "libxl's record of device %d is left (it lost %s)", i,
                  AVAIL_WHO(a, i));
}

/* libxl_domain_destroy removes the guest and every device it was given. */
static inline void avail_check_destroy(struct avail *a)
{
    int i;

    ATF_REQUIRE_EQ(0, libxl_domain_destroy(a->tb->ctx, GUEST, NULL));
    ATF_CHECK(!tb_domain_exists(a->tb, GUEST));
    ATF_CHECK(!tb_xs_exists(a->tb, "/local/domain/%u", GUEST));
    ATF_CHECK(!tb_xs_exists(a->tb, "/libxl/%u", GUEST));
    for (i = 0; i < a->n; i++)
        avail_check_gone(a, i);
}

/*
 * Which releases' bases a row hurts: each expands to 1 when the tree under
 * test is one of them, so that AVAIL_CASE picks TB_SEC_TC (an attack proof)
 * or TB_TC (functional).
 */
#define AVAIL_BASE_NONE 0
#define AVAIL_BASE_ALL  1
#if TB_XEN_VERSION < 40500
#define AVAIL_BASE_UPTO_44 1
#else
#define AVAIL_BASE_UPTO_44 0
#endif
#if TB_XEN_VERSION >= 40500
#define AVAIL_BASE_FROM_45 1
#else
#define AVAIL_BASE_FROM_45 0
#endif
#if TB_XEN_VERSION >= 40600
#define AVAIL_BASE_FROM_46 1
#else
#define AVAIL_BASE_FROM_46 0
#endif
#if TB_XEN_VERSION >= 40700
#define AVAIL_BASE_FROM_47 1
#else
#define AVAIL_BASE_FROM_47 0
#endif
#if TB_XEN_VERSION < 40700
#define AVAIL_BASE_UPTO_46 1
#else
#define AVAIL_BASE_UPTO_46 0
#endif

/* The guest deletes frontend things (XSA-175), the driver domain backend
 * things (XSA-178). */
#define AVAIL_ADV_FRONTEND_DIR  "XSA-175"
#define AVAIL_ADV_FRONTEND_NODE "XSA-175"
#define AVAIL_ADV_BACKEND_DIR   "XSA-178"
#define AVAIL_ADV_BACKEND_NODE  "XSA-178"
#define AVAIL_WHAT_FRONTEND_DIR  "the guest deleted the frontend directory"
#define AVAIL_WHAT_BACKEND_DIR   "the backend domain deleted the backend directory"
#define AVAIL_WHAT_FRONTEND_NODE "the guest deleted one node of the frontend " \
                                 "directory (each node, one device each)"
#define AVAIL_WHAT_BACKEND_NODE  "the backend domain deleted one node of the " \
                                 "backend directory (each node, one device each)"

/*
 * One row: case KIND_READER_survives_DEL, whose body sets the world up for
 * DEL and runs check_READER.  CREADER is the libxl function pinned.
 */
#define AVAIL_CASE(kind, reader, creader, del, DEL, hurt)                  \
    AVAIL_CASE_(hurt, kind, reader, creader, del, DEL)
#define AVAIL_CASE_(hurt, ...) AVAIL_CASE_##hurt(__VA_ARGS__)
#define AVAIL_BODY_(kind, reader, DEL)                                      \
    {                                                                       \
        struct avail a;                                                     \
                                                                            \
        avail_setup(tc, &a, &kind##_kind, DEL);                             \
        check_##reader(&a);                                                 \
        avail_free(&a);                                                     \
    }
#define AVAIL_DESCR_(creader, DEL)                                          \
    creader " reports every device as configured after " AVAIL_WHAT_##DEL
#define AVAIL_CASE_0(kind, reader, creader, del, DEL)                      \
    TB_TC(kind##_##reader##_survives_##del, AVAIL_DESCR_(creader, DEL))     \
    AVAIL_BODY_(kind, reader, DEL)
#define AVAIL_CASE_1(kind, reader, creader, del, DEL)                      \
    TB_SEC_TC(kind##_##reader##_survives_##del, AVAIL_DESCR_(creader, DEL), \
              creader, #kind, AVAIL_ADV_##DEL)                              \
    AVAIL_BODY_(kind, reader, DEL)

#define AVAIL_ADD(kind, reader, creader, del, DEL, hurt)                   \
    AVAIL_ADD_(hurt, kind, reader, del)
#define AVAIL_ADD_(hurt, ...) AVAIL_ADD_##hurt(__VA_ARGS__)
#define AVAIL_ADD_0(kind, reader, del)                                      \
    ATF_TP_ADD_TC(tp, kind##_##reader##_survives_##del);
#define AVAIL_ADD_1(kind, reader, del) AVAIL_ADD_0(kind, reader, del)

#endif
