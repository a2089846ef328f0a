/*
 * Availability of the readers of virtual TPMs (see avail.h): after the
 * guest or its vTPM domain deleted a vtpm's directory, or one node of it,
 * libxl still lists, describes, finds, numbers, removes and destroys every
 * vtpm the guest was given, as it was configured.
 */
#include "avail.h"

/* Device i's uuid: 2b9b4d53-17c9-4b8e-9a53-6d0c0a1e5fNN. */
static void vtpm_uuid(int i, libxl_uuid *u)
{
    char s[64];

    snprintf(s, sizeof(s), "2b9b4d53-17c9-4b8e-9a53-6d0c0a1e5f%02x", i);
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(u, s));
}

static unsigned vtpm_devid(int i)
{
    return (unsigned)i;
}

static void vtpm_add(struct avail *a, int i)
{
    libxl_device_vtpm v;

    libxl_device_vtpm_init(&v);
    v.backend_domid = DRVDOM;
    v.devid = i;
    vtpm_uuid(i, &v.uuid);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(a->tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);
}

static const struct avail_kind vtpm_kind = {
    .name = "vtpm", .bdom = DRVDOM, .add = vtpm_add, .devid = vtpm_devid,
};

/* v is device i as configured. */
static void check_vtpm(struct avail *a, const libxl_device_vtpm *v, int i)
{
    libxl_uuid want, got = v->uuid;

    vtpm_uuid(i, &want);
    ATF_CHECK_EQ_MSG(DRVDOM, v->backend_domid, "vtpm %d (lost %s): backend "
                     "domain %u", i, AVAIL_WHO(a, i), v->backend_domid);
    ATF_CHECK_MSG(libxl_uuid_compare(&want, &got) == 0,
                  "vtpm %d (lost %s): uuid " LIBXL_UUID_FMT, i,
                  AVAIL_WHO(a, i), LIBXL_UUID_BYTES(got));
}

static void check_list(struct avail *a)
{
    libxl_device_vtpm *list;
    int n = -1, i, j;

    list = libxl_device_vtpm_list(a->tb->ctx, GUEST, &n);
    ATF_CHECK_EQ_MSG(a->n, n, "%d vtpms listed, the guest has %d", n, a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < n && list[j].devid != i; j++)
            ;
        if (j == n)
            ATF_CHECK_MSG(false, "vtpm %d (lost %s) not listed", i,
                          AVAIL_WHO(a, i));
        else
            check_vtpm(a, &list[j], i);
    }
    for (j = 0; j < n; j++)
        libxl_device_vtpm_dispose(&list[j]);
    free(list);
}

static void check_getinfo(struct avail *a)
{
    libxl_device_vtpm v;
    libxl_vtpminfo info;
    libxl_uuid want;
    char be[256], fe[256];
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_vtpm_init(&v);
        v.devid = i;
        libxl_vtpminfo_init(&info);
        rc = libxl_device_vtpm_getinfo(a->tb->ctx, GUEST, &v, &info);
        ATF_CHECK_EQ_MSG(0, rc, "getinfo of vtpm %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0) {
            avail_be_path(a, i, be, sizeof(be));
            avail_fe_path(a, i, fe, sizeof(fe));
            vtpm_uuid(i, &want);
            ATF_CHECK_STREQ_MSG(be, AVAIL_S(info.backend), "vtpm %d (lost %s)", i,
                                AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(DRVDOM, info.backend_id, "vtpm %d (lost %s)",
                             i, AVAIL_WHO(a, i));
            ATF_CHECK_STREQ_MSG(fe, AVAIL_S(info.frontend), "vtpm %d (lost %s)", i,
                                AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(GUEST, info.frontend_id, "vtpm %d (lost %s)",
                             i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ(i, info.devid);
            ATF_CHECK_MSG(libxl_uuid_compare(&want, &info.uuid) == 0,
                          "vtpm %d (lost %s): uuid " LIBXL_UUID_FMT, i,
                          AVAIL_WHO(a, i), LIBXL_UUID_BYTES(info.uuid));
        }
        libxl_vtpminfo_dispose(&info);
        libxl_device_vtpm_dispose(&v);
    }
}

static void check_devid_lookup(struct avail *a)
{
    libxl_device_vtpm v;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_vtpm_init(&v);
        rc = libxl_devid_to_device_vtpm(a->tb->ctx, GUEST, i, &v);
        ATF_CHECK_EQ_MSG(0, rc, "devid lookup of vtpm %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0)
            check_vtpm(a, &v, i);
        libxl_device_vtpm_dispose(&v);
    }
}

static void check_uuid_lookup(struct avail *a)
{
    libxl_device_vtpm v;
    libxl_uuid u;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_vtpm_init(&v);
        vtpm_uuid(i, &u);
        rc = libxl_uuid_to_device_vtpm(a->tb->ctx, GUEST, &u, &v);
        ATF_CHECK_EQ_MSG(0, rc, "uuid lookup of vtpm %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0) {
            ATF_CHECK_EQ(i, v.devid);
            check_vtpm(a, &v, i);
        }
        libxl_device_vtpm_dispose(&v);
    }
}

/* A new vtpm with no devid gets one no vtpm of the guest has. */
static void check_nextid(struct avail *a)
{
    libxl_device_vtpm v;

    libxl_device_vtpm_init(&v);
    v.backend_domid = DRVDOM;
    v.devid = -1;
    vtpm_uuid(AVAIL_MAX, &v.uuid);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(a->tb->ctx, GUEST, &v, NULL));
    ATF_CHECK_EQ_MSG(a->n, v.devid, "the new vtpm got devid %d, the guest "
                     "has vtpms 0 to %d", v.devid, a->n - 1);
    libxl_device_vtpm_dispose(&v);
}

static void check_remove(struct avail *a)
{
    libxl_device_vtpm v;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_vtpm_init(&v);
        v.backend_domid = DRVDOM;
        v.devid = i;
        rc = libxl_device_vtpm_remove(a->tb->ctx, GUEST, &v, NULL);
        ATF_CHECK_EQ_MSG(0, rc, "remove of vtpm %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        libxl_device_vtpm_dispose(&v);
        avail_check_gone(a, i);
    }
}

static void check_destroy(struct avail *a)
{
    avail_check_destroy(a);
}

#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
static void check_retrieve(struct avail *a)
{
    libxl_domain_config c;
    int i, j;

    libxl_domain_config_init(&c);
    ATF_REQUIRE_EQ(0, libxl_retrieve_domain_configuration(a->tb->ctx, GUEST,
                                                          &c));
    ATF_CHECK_EQ_MSG(a->n, c.num_vtpms, "%d vtpms retrieved, the guest has %d",
                     c.num_vtpms, a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < c.num_vtpms && c.vtpms[j].devid != i; j++)
            ;
        if (j == c.num_vtpms)
            ATF_CHECK_MSG(false, "vtpm %d (lost %s) not retrieved", i,
                          AVAIL_WHO(a, i));
        else
            check_vtpm(a, &c.vtpms[j], i);
    }
    libxl_domain_config_dispose(&c);
}
#endif

/*
 * The table.  Columns: the reader (check_READER), the libxl function it
 * pins, the deletion, and the releases whose unpatched base the deletion
 * hurts (measured with kit verify).
 *
 * Remove after the vTPM domain deleted the backend directory or its state
 * node hurts every base: libxl__initiate_device_remove waits for a state
 * node that no longer exists and fails with ERROR_INVAL.  Destroy hurts the
 * bases from 4.6 (measured on every release), whose libxl__device_destroy
 * leaves a driver domain's backend directory to it: the directory (brought
 * back by the write of online=0) is left behind.  Fix patch 0242.
 */
#define ROWS(X)                                                                \
    X(vtpm, list, "libxl_device_vtpm_list", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, list, "libxl_device_vtpm_list", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, list, "libxl_device_vtpm_list", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, list, "libxl_device_vtpm_list", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, getinfo, "libxl_device_vtpm_getinfo", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, getinfo, "libxl_device_vtpm_getinfo", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, getinfo, "libxl_device_vtpm_getinfo", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, getinfo, "libxl_device_vtpm_getinfo", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, devid_lookup, "libxl_devid_to_device_vtpm", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, devid_lookup, "libxl_devid_to_device_vtpm", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, devid_lookup, "libxl_devid_to_device_vtpm", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, devid_lookup, "libxl_devid_to_device_vtpm", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, uuid_lookup, "libxl_uuid_to_device_vtpm", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, uuid_lookup, "libxl_uuid_to_device_vtpm", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, uuid_lookup, "libxl_uuid_to_device_vtpm", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, uuid_lookup, "libxl_uuid_to_device_vtpm", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, nextid, "libxl__device_nextid", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, nextid, "libxl__device_nextid", backend_dir, BACKEND_DIR, AVAIL_BASE_NONE) \
    X(vtpm, nextid, "libxl__device_nextid", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vtpm, nextid, "libxl__device_nextid", backend_node, BACKEND_NODE, AVAIL_BASE_NONE) \
    X(vtpm, remove, "libxl_device_vtpm_remove", frontend_dir, FRONTEND_DIR, AVAIL_BASE_NONE) \
    X(vtpm, remove, "libxl_device_vtpm_remove", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, remove, "libxl_device_vtpm_remove", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vtpm, remove, "libxl_device_vtpm_remove", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, destroy, "libxl__devices_destroy", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, destroy, "libxl__devices_destroy", backend_dir, BACKEND_DIR, AVAIL_BASE_FROM_46) \
    X(vtpm, destroy, "libxl__devices_destroy", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, destroy, "libxl__devices_destroy", backend_node, BACKEND_NODE, AVAIL_BASE_FROM_46) \
    ROWS_RETRIEVE(X)

#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
#define ROWS_RETRIEVE(X)                                                       \
    X(vtpm, retrieve, "libxl_retrieve_domain_configuration", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vtpm, retrieve, "libxl_retrieve_domain_configuration", backend_dir, BACKEND_DIR, AVAIL_BASE_NONE) \
    X(vtpm, retrieve, "libxl_retrieve_domain_configuration", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vtpm, retrieve, "libxl_retrieve_domain_configuration", backend_node, BACKEND_NODE, AVAIL_BASE_NONE)
#else
#define ROWS_RETRIEVE(X)
#endif

ROWS(AVAIL_CASE)

ATF_TP_ADD_TCS(tp)
{
    ROWS(AVAIL_ADD)
    return atf_no_error();
}
