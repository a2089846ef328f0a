/*
 * Availability of the readers of nics (see avail.h): after the guest or
 * its backend deleted a nic's directory, or one node of it, libxl still
 * lists, describes, finds, numbers, removes and destroys every nic the
 * guest was given, as it was configured.  The backend is in dom0 (a
 * user-space backend is no more trusted than a driver domain): the base's
 * list walks only dom0's backend directory, so with a driver domain it
 * would fail without any deletion.
 */
#include "avail.h"

static unsigned vif_devid(int i)
{
    return (unsigned)i;
}

/* Device i's mac: 00:16:3e:17:8a:NN, NN = i + 1. */
static void vif_mac(int i, libxl_mac mac)
{
    static const libxl_mac base = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x00 };

    memcpy(mac, base, sizeof(libxl_mac));
    mac[5] = (uint8_t)(i + 1);
}

static void vif_config(libxl_device_nic *n, int devid, int i)
{
    libxl_device_nic_init(n);
    n->backend_domid = 0;
    n->devid = devid;
    vif_mac(i, n->mac);
    n->bridge = strdup("xenbr-tb");
    n->script = strdup(tb_hotplug_script());
    n->nictype = LIBXL_NIC_TYPE_VIF;
}

static void vif_add(struct avail *a, int i)
{
    libxl_device_nic n;

    vif_config(&n, i, i);
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(a->tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);
}

static const struct avail_kind vif_kind = {
    .name = "vif", .bdom = 0, .add = vif_add, .devid = vif_devid,
};

/* n is nic i as configured; bdom: whether the reader reports the backend
 * domain (the base's devid lookup never did). */
static void check_nic(struct avail *a, const libxl_device_nic *n, int i,
                      bool bdom)
{
    libxl_mac mac;

    vif_mac(i, mac);
    ATF_CHECK_EQ_MSG(i, n->devid, "nic %d (lost %s): devid %d", i,
                     AVAIL_WHO(a, i), n->devid);
    if (bdom)
        ATF_CHECK_EQ_MSG(0, n->backend_domid, "nic %d (lost %s): backend "
                         "domain %u", i, AVAIL_WHO(a, i), n->backend_domid);
    ATF_CHECK_MSG(!memcmp(mac, n->mac, sizeof(mac)), "nic %d (lost %s): mac "
                  LIBXL_MAC_FMT, i, AVAIL_WHO(a, i), LIBXL_MAC_BYTES(n->mac));
    ATF_CHECK_STREQ_MSG("xenbr-tb", AVAIL_S(n->bridge), "nic %d (lost %s)", i,
                        AVAIL_WHO(a, i));
    ATF_CHECK_EQ_MSG(LIBXL_NIC_TYPE_VIF, n->nictype, "nic %d (lost %s)", i,
                     AVAIL_WHO(a, i));
}

static void check_list(struct avail *a)
{
    libxl_device_nic *list;
    int n = -1, i, j;

    list = libxl_device_nic_list(a->tb->ctx, GUEST, &n);
    ATF_CHECK_EQ_MSG(a->n, n, "%d nics listed, the guest has %d", n, a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < n && list[j].devid != i; j++)
            ;
        if (j == n)
            ATF_CHECK_MSG(false, "nic %d (lost %s) not listed", i,
                          AVAIL_WHO(a, i));
        else
            check_nic(a, &list[j], i, true);
    }
    for (j = 0; j < n; j++)
        libxl_device_nic_dispose(&list[j]);
    free(list);
}

static void check_getinfo(struct avail *a)
{
    libxl_device_nic n;
    libxl_nicinfo info;
    char be[256], fe[256];
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_nic_init(&n);
        n.devid = i;
        libxl_nicinfo_init(&info);
        rc = libxl_device_nic_getinfo(a->tb->ctx, GUEST, &n, &info);
        ATF_CHECK_EQ_MSG(0, rc, "getinfo of nic %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0) {
            avail_be_path(a, i, be, sizeof(be));
            avail_fe_path(a, i, fe, sizeof(fe));
            ATF_CHECK_STREQ_MSG(be, AVAIL_S(info.backend), "nic %d (lost %s)", i,
                                AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(0, info.backend_id, "nic %d (lost %s)", i,
                             AVAIL_WHO(a, i));
            ATF_CHECK_STREQ_MSG(fe, AVAIL_S(info.frontend), "nic %d (lost %s)", i,
                                AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(GUEST, info.frontend_id, "nic %d (lost %s)", i,
                             AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(i, info.devid, "nic %d (lost %s)", i,
                             AVAIL_WHO(a, i));
        }
        libxl_nicinfo_dispose(&info);
        libxl_device_nic_dispose(&n);
    }
}

static void check_devid_lookup(struct avail *a)
{
    libxl_device_nic n;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_nic_init(&n);
        rc = libxl_devid_to_device_nic(a->tb->ctx, GUEST, i, &n);
        ATF_CHECK_EQ_MSG(0, rc, "devid lookup of nic %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0)
            check_nic(a, &n, i, false);
        libxl_device_nic_dispose(&n);
    }
}

/* A new nic with no devid gets one no nic of the guest has. */
static void check_nextid(struct avail *a)
{
    libxl_device_nic n;

    vif_config(&n, -1, AVAIL_MAX);
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(a->tb->ctx, GUEST, &n, NULL));
    ATF_CHECK_EQ_MSG(a->n, n.devid, "the new nic got devid %d, the guest "
                     "has nics 0 to %d", n.devid, a->n - 1);
    libxl_device_nic_dispose(&n);
}

static void check_remove(struct avail *a)
{
    libxl_device_nic n;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        vif_config(&n, i, i);
        rc = libxl_device_nic_remove(a->tb->ctx, GUEST, &n, NULL);
        ATF_CHECK_EQ_MSG(0, rc, "remove of nic %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        libxl_device_nic_dispose(&n);
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
    ATF_CHECK_EQ_MSG(a->n, c.num_nics, "%d nics retrieved, the guest has %d",
                     c.num_nics, a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < c.num_nics && c.nics[j].devid != i; j++)
            ;
        if (j == c.num_nics)
            ATF_CHECK_MSG(false, "nic %d (lost %s) not retrieved", i,
                          AVAIL_WHO(a, i));
        else
            check_nic(a, &c.nics[j], i, true);
    }
    libxl_domain_config_dispose(&c);
}
#endif

/*
 * The table.  Columns: the reader (check_READER), the libxl function it
 * pins, the deletion, and the releases whose unpatched base the deletion
 * hurts (measured with kit verify on every release).
 *
 * Remove after the backend deleted its directory or its state node hurts
 * every base (libxl__initiate_device_remove waits for a state node that no
 * longer exists and fails with ERROR_INVAL); fix patch 0242.
 */
#define ROWS(X)                                                                \
    X(vif, list, "libxl_device_nic_list", frontend_dir, FRONTEND_DIR, AVAIL_BASE_NONE) \
    X(vif, list, "libxl_device_nic_list", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vif, list, "libxl_device_nic_list", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vif, list, "libxl_device_nic_list", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vif, getinfo, "libxl_device_nic_getinfo", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vif, getinfo, "libxl_device_nic_getinfo", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vif, getinfo, "libxl_device_nic_getinfo", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vif, getinfo, "libxl_device_nic_getinfo", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vif, devid_lookup, "libxl_devid_to_device_nic", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vif, devid_lookup, "libxl_devid_to_device_nic", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vif, devid_lookup, "libxl_devid_to_device_nic", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vif, devid_lookup, "libxl_devid_to_device_nic", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vif, nextid, "libxl__device_nextid", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vif, nextid, "libxl__device_nextid", backend_dir, BACKEND_DIR, AVAIL_BASE_NONE) \
    X(vif, nextid, "libxl__device_nextid", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vif, nextid, "libxl__device_nextid", backend_node, BACKEND_NODE, AVAIL_BASE_NONE) \
    X(vif, remove, "libxl_device_nic_remove", frontend_dir, FRONTEND_DIR, AVAIL_BASE_NONE) \
    X(vif, remove, "libxl_device_nic_remove", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vif, remove, "libxl_device_nic_remove", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vif, remove, "libxl_device_nic_remove", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vif, destroy, "libxl__devices_destroy", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vif, destroy, "libxl__devices_destroy", backend_dir, BACKEND_DIR, AVAIL_BASE_NONE) \
    X(vif, destroy, "libxl__devices_destroy", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vif, destroy, "libxl__devices_destroy", backend_node, BACKEND_NODE, AVAIL_BASE_NONE) \
    ROWS_RETRIEVE(X)

#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
#define ROWS_RETRIEVE(X)                                                       \
    X(vif, retrieve, "libxl_retrieve_domain_configuration", frontend_dir, FRONTEND_DIR, AVAIL_BASE_NONE) \
    X(vif, retrieve, "libxl_retrieve_domain_configuration", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vif, retrieve, "libxl_retrieve_domain_configuration", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vif, retrieve, "libxl_retrieve_domain_configuration", backend_node, BACKEND_NODE, AVAIL_BASE_ALL)
#else
#define ROWS_RETRIEVE(X)
#endif

ROWS(AVAIL_CASE)

ATF_TP_ADD_TCS(tp)
{
    ROWS(AVAIL_ADD)
    return atf_no_error();
}
