/*
 * Availability of the cdrom operations (see avail.h): after the guest or
 * its device model's backend deleted a cdrom's directory, or one node of
 * it, libxl still changes the media of every cdrom the guest was given,
 * and the guest's request to eject one still raises the event that names
 * it, as it was configured.
 *
 * The guest is HVM (cdrom insert refuses PV guests) with the traditional
 * device model (no QMP socket to answer); cdrom i is xvd<a + i> on qemu's
 * qdisk backend in dom0 with /srv/tb/cd<i>.iso.  The lists, getinfo and
 * lookups of disks are avail_vbd_test's.
 */
#include "avail.h"

#define XVDA    51712   /* (202 << 8) | (0 << 4) */
#define EJECT_WAIT_MS 5000

static unsigned cdrom_devid(int i)
{
    return XVDA + 16 * (unsigned)i;
}

static void cdrom_vdev(int i, char *buf, size_t len)
{
    snprintf(buf, len, "xvd%c", 'a' + i);
}

static void cdrom_add(struct avail *a, int i)
{
    libxl_device_disk d;
    char vdev[8], media[64];

    cdrom_vdev(i, vdev, sizeof(vdev));
    snprintf(media, sizeof(media), "/srv/tb/cd%d.iso", i);
    tb_qdisk_cdrom_config(&d, vdev, media);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(a->tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

static const struct avail_kind cdrom_kind = {
    .name = "vbd", .bdom = 0, .add = cdrom_add, .devid = cdrom_devid,
    .bekind = "qdisk", .type = TB_HVM,
};

/* What xl cd-insert asks for: the vdev and the new media, nothing else. */
static void check_insert(struct avail *a)
{
    libxl_device_disk d;
    char vdev[8], media[64], want[80], be[256];
    char *params;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        cdrom_vdev(i, vdev, sizeof(vdev));
        snprintf(media, sizeof(media), "/srv/tb/new%d.iso", i);
        libxl_device_disk_init(&d);
        d.pdev_path = strdup(media);
        d.vdev = strdup(vdev);
        d.format = LIBXL_DISK_FORMAT_RAW;
        d.is_cdrom = 1;
        d.removable = 1;
        rc = libxl_cdrom_insert(a->tb->ctx, GUEST, &d, NULL);
        libxl_device_disk_dispose(&d);
        ATF_CHECK_EQ_MSG(0, rc, "insert into cdrom %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc)
            continue;
        /* the backend is told the new media */
        avail_be_path(a, i, be, sizeof(be));
        snprintf(want, sizeof(want), "aio:%s", media);
        params = tb_xs_read(a->tb, "%s/params", be);
        ATF_CHECK_STREQ_MSG(want, AVAIL_S(params), "cdrom %d (lost %s): "
                            "the backend's media", i, AVAIL_WHO(a, i));
        free(params);
    }
}

/*
 * Every cdrom's eject request raises one event, which names that cdrom:
 * the guest asks for all at once, and the case waits EJECT_WAIT_MS at most
 * in all for the events.
 */
static void check_eject(struct avail *a)
{
    libxl_evgen_disk_eject *evg[AVAIL_MAX];
    bool seen[AVAIL_MAX] = { false };
    char vdev[8];
    libxl_event *ev;
    int i, got = 0, waited = 0;

    for (i = 0; i < a->n; i++) {
        cdrom_vdev(i, vdev, sizeof(vdev));
        ATF_REQUIRE_EQ(0, libxl_evenable_disk_eject(a->tb->ctx, GUEST, vdev,
                                                    (libxl_ev_user)i,
                                                    &evg[i]));
    }
    /* let libxl see each watch fire once, with nothing to eject yet */
    ev = tb_next_event(a->tb->ctx, 200);
    ATF_REQUIRE_MSG(ev == NULL, "an eject event before any request");
    for (i = 0; i < a->n; i++)
        ATF_REQUIRE_EQ(0, tb_sim_cmd(a->guest, "write vbd/%u/eject eject",
                                     cdrom_devid(i)));
    while (got < a->n && waited < EJECT_WAIT_MS) {
        const libxl_device_disk *d;
        int j;

        ev = tb_next_event(a->tb->ctx, 100);
        waited += 100;
        if (!ev)
            continue;
        ATF_CHECK_EQ(LIBXL_EVENT_TYPE_DISK_EJECT, ev->type);
        ATF_CHECK_EQ(GUEST, ev->domid);
        j = (int)ev->for_user;
        d = &ev->u.disk_eject.disk;
        if (j >= 0 && j < a->n && !seen[j]) {
            seen[j] = true;
            cdrom_vdev(j, vdev, sizeof(vdev));
            got++;
            ATF_CHECK_STREQ_MSG(vdev, AVAIL_S(d->vdev), "the event of cdrom "
                                "%d (lost %s)", j, AVAIL_WHO(a, j));
            ATF_CHECK_EQ_MSG(0, d->backend_domid, "the event of cdrom %d "
                             "(lost %s): backend domain %u", j,
                             AVAIL_WHO(a, j), d->backend_domid);
            ATF_CHECK_EQ_MSG(1, d->is_cdrom, "the event of cdrom %d (lost "
                             "%s)", j, AVAIL_WHO(a, j));
        } else {
            ATF_CHECK_MSG(false, "an event for cdrom %d again, or for none "
                          "of the guest's (vdev %s)", j, AVAIL_S(d->vdev));
        }
        libxl_event_free(a->tb->ctx, ev);
    }
    for (i = 0; i < a->n; i++) {
        ATF_CHECK_MSG(seen[i], "no eject event for cdrom %d (lost %s)", i,
                      AVAIL_WHO(a, i));
        libxl_evdisable_disk_eject(a->tb->ctx, evg[i]);
    }
}

/*
 * The table.  Columns: the reader (check_READER), the libxl function it
 * pins, the deletion, and the releases whose unpatched base the deletion
 * hurts (measured with kit verify).
 */
#define ROWS(X)                                                                \
    X(cdrom, insert, "libxl_cdrom_insert", frontend_dir, FRONTEND_DIR, AVAIL_BASE_NONE) \
    X(cdrom, insert, "libxl_cdrom_insert", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(cdrom, insert, "libxl_cdrom_insert", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(cdrom, insert, "libxl_cdrom_insert", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(cdrom, eject, "disk_eject_xswatch_callback", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(cdrom, eject, "disk_eject_xswatch_callback", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(cdrom, eject, "disk_eject_xswatch_callback", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(cdrom, eject, "disk_eject_xswatch_callback", backend_node, BACKEND_NODE, AVAIL_BASE_ALL)

ROWS(AVAIL_CASE)

ATF_TP_ADD_TCS(tp)
{
    ROWS(AVAIL_ADD)
    return atf_no_error();
}
