/*
 * Availability of the readers of disks (see avail.h): after the guest or
 * its backend deleted a disk's directory, or one node of it, libxl still
 * lists, describes, finds, removes and destroys every disk the guest was
 * given, as it was configured.  The backend is in dom0 (a user-space
 * backend is no more trusted than a driver domain): the base's list walks
 * only dom0's backend directory, so with a driver domain it would fail
 * without any deletion.  Disks have no nextid: the vdev is the devid.
 */
#include "avail.h"

#define XVDA    51712   /* (202 << 8) | (0 << 4) */

/* Device i is xvd<a + i>, read-only, /dev/tb/guest1-disk<i>. */
static unsigned vbd_devid(int i)
{
    return XVDA + 16 * (unsigned)i;
}

static void vbd_config(libxl_device_disk *d, int i)
{
    char vdev[8], pdev[64];

    snprintf(vdev, sizeof(vdev), "xvd%c", 'a' + i);
    snprintf(pdev, sizeof(pdev), "/dev/tb/guest1-disk%d", i);
    tb_disk_config(d, 0, vdev, pdev, TB_DISK_RO);
}

static void vbd_add(struct avail *a, int i)
{
    libxl_device_disk d;

    vbd_config(&d, i);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(a->tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

static const struct avail_kind vbd_kind = {
    .name = "vbd", .bdom = 0, .add = vbd_add, .devid = vbd_devid,
};

/* d is disk i as configured; bdom: whether the reader reports the backend
 * domain (4.3's vdev lookup never did). */
static void check_disk(struct avail *a, const libxl_device_disk *d, int i,
                       bool bdom)
{
    libxl_device_disk want;

    vbd_config(&want, i);
    if (bdom)
        ATF_CHECK_EQ_MSG(0, d->backend_domid, "disk %d (lost %s): backend "
                         "domain %u", i, AVAIL_WHO(a, i), d->backend_domid);
    ATF_CHECK_STREQ_MSG(want.pdev_path, AVAIL_S(d->pdev_path), "disk %d (lost %s)",
                        i, AVAIL_WHO(a, i));
    ATF_CHECK_STREQ_MSG(want.vdev, AVAIL_S(d->vdev), "disk %d (lost %s)", i,
                        AVAIL_WHO(a, i));
    ATF_CHECK_EQ_MSG(LIBXL_DISK_BACKEND_PHY, d->backend, "disk %d (lost %s)",
                     i, AVAIL_WHO(a, i));
    ATF_CHECK_EQ_MSG(0, d->readwrite, "disk %d (lost %s)", i,
                     AVAIL_WHO(a, i));
    ATF_CHECK_EQ_MSG(0, d->is_cdrom, "disk %d (lost %s)", i,
                     AVAIL_WHO(a, i));
    libxl_device_disk_dispose(&want);
}

/* Which disk a vdev is, or -1. */
static int disk_index(const libxl_device_disk *d)
{
    if (!d->vdev || strlen(d->vdev) != 4 || strncmp(d->vdev, "xvd", 3))
        return -1;
    return d->vdev[3] - 'a';
}

static void check_list(struct avail *a)
{
    libxl_device_disk *list;
    int n = -1, i, j;

    list = libxl_device_disk_list(a->tb->ctx, GUEST, &n);
    ATF_CHECK_EQ_MSG(a->n, n, "%d disks listed, the guest has %d", n, a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < n && disk_index(&list[j]) != i; j++)
            ;
        if (j == n)
            ATF_CHECK_MSG(false, "disk %d (lost %s) not listed", i,
                          AVAIL_WHO(a, i));
        else
            check_disk(a, &list[j], i, true);
    }
    for (j = 0; j < n; j++)
        libxl_device_disk_dispose(&list[j]);
    free(list);
}

static void check_getinfo(struct avail *a)
{
    libxl_device_disk d;
    libxl_diskinfo info;
    char be[256], fe[256];
    int i, rc;

    for (i = 0; i < a->n; i++) {
        vbd_config(&d, i);
        libxl_diskinfo_init(&info);
        rc = libxl_device_disk_getinfo(a->tb->ctx, GUEST, &d, &info);
        ATF_CHECK_EQ_MSG(0, rc, "getinfo of disk %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0) {
            avail_be_path(a, i, be, sizeof(be));
            avail_fe_path(a, i, fe, sizeof(fe));
            ATF_CHECK_STREQ_MSG(be, AVAIL_S(info.backend), "disk %d (lost %s)", i,
                                AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(0, info.backend_id, "disk %d (lost %s)", i,
                             AVAIL_WHO(a, i));
            ATF_CHECK_STREQ_MSG(fe, AVAIL_S(info.frontend), "disk %d (lost %s)", i,
                                AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(GUEST, info.frontend_id, "disk %d (lost %s)",
                             i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG((int)vbd_devid(i), info.devid,
                             "disk %d (lost %s)", i, AVAIL_WHO(a, i));
        }
        libxl_diskinfo_dispose(&info);
        libxl_device_disk_dispose(&d);
    }
}

static void check_vdev_lookup(struct avail *a)
{
    libxl_device_disk d;
    char vdev[8];
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_disk_init(&d);
        snprintf(vdev, sizeof(vdev), "xvd%c", 'a' + i);
        rc = libxl_vdev_to_device_disk(a->tb->ctx, GUEST, vdev, &d);
        ATF_CHECK_EQ_MSG(0, rc, "vdev lookup of disk %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0)
            check_disk(a, &d, i, TB_XEN_VERSION >= 40400);
        libxl_device_disk_dispose(&d);
    }
}

static void check_remove(struct avail *a)
{
    libxl_device_disk d;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        vbd_config(&d, i);
        rc = libxl_device_disk_remove(a->tb->ctx, GUEST, &d, NULL);
        ATF_CHECK_EQ_MSG(0, rc, "remove of disk %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        libxl_device_disk_dispose(&d);
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
    ATF_CHECK_EQ_MSG(a->n, c.num_disks, "%d disks retrieved, the guest has %d",
                     c.num_disks, a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < c.num_disks && disk_index(&c.disks[j]) != i; j++)
            ;
        if (j == c.num_disks)
            ATF_CHECK_MSG(false, "disk %d (lost %s) not retrieved", i,
                          AVAIL_WHO(a, i));
        else
            check_disk(a, &c.disks[j], i, true);
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
    X(vbd, list, "libxl_device_disk_list", frontend_dir, FRONTEND_DIR, AVAIL_BASE_NONE) \
    X(vbd, list, "libxl_device_disk_list", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vbd, list, "libxl_device_disk_list", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vbd, list, "libxl_device_disk_list", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vbd, getinfo, "libxl_device_disk_getinfo", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vbd, getinfo, "libxl_device_disk_getinfo", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vbd, getinfo, "libxl_device_disk_getinfo", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vbd, getinfo, "libxl_device_disk_getinfo", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vbd, vdev_lookup, "libxl_vdev_to_device_disk", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vbd, vdev_lookup, "libxl_vdev_to_device_disk", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vbd, vdev_lookup, "libxl_vdev_to_device_disk", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vbd, vdev_lookup, "libxl_vdev_to_device_disk", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vbd, remove, "libxl_device_disk_remove", frontend_dir, FRONTEND_DIR, AVAIL_BASE_NONE) \
    X(vbd, remove, "libxl_device_disk_remove", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vbd, remove, "libxl_device_disk_remove", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vbd, remove, "libxl_device_disk_remove", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vbd, destroy, "libxl__devices_destroy", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vbd, destroy, "libxl__devices_destroy", backend_dir, BACKEND_DIR, AVAIL_BASE_NONE) \
    X(vbd, destroy, "libxl__devices_destroy", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vbd, destroy, "libxl__devices_destroy", backend_node, BACKEND_NODE, AVAIL_BASE_NONE) \
    ROWS_RETRIEVE(X)

#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
#define ROWS_RETRIEVE(X)                                                       \
    X(vbd, retrieve, "libxl_retrieve_domain_configuration", frontend_dir, FRONTEND_DIR, AVAIL_BASE_NONE) \
    X(vbd, retrieve, "libxl_retrieve_domain_configuration", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vbd, retrieve, "libxl_retrieve_domain_configuration", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vbd, retrieve, "libxl_retrieve_domain_configuration", backend_node, BACKEND_NODE, AVAIL_BASE_ALL)
#else
#define ROWS_RETRIEVE(X)
#endif

ROWS(AVAIL_CASE)

ATF_TP_ADD_TCS(tp)
{
    ROWS(AVAIL_ADD)
    return atf_no_error();
}
