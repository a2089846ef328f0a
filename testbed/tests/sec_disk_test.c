/*
 * Security tests of the readers of disk (vbd) and cdrom configuration:
 * whatever a hostile driver domain writes in its backend directory, or a
 * hostile guest in its frontend directory, libxl reports the disk it
 * configured, and never another guest's.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"

#define GUEST   TB_GUEST
#define DRVDOM  TB_DRVDOM
#define VICTIM  TB_VICTIM
#define XVDA    51712   /* (202 << 8) | (0 << 4) */
#define XVDC    51744   /* (202 << 8) | (2 << 4) */

/*
 * The guest's disk (xvda, read-only) or cdrom (xvdc) is served by bdom,
 * the driver domain or dom0; another guest, the victim, has its own xvda
 * served by dom0.
 */
static struct tb_world setup_on(const atf_tc_t *tc, bool cdrom, uint32_t bdom)
{
    struct tb_world w = tb_world_start(tc, bdom);
    libxl_device_disk d;

    tb_disk_config(&d, 0, "xvda", "/dev/tb/victim-root", TB_DISK_RW);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(w.tb->ctx, VICTIM, &d, NULL));
    libxl_device_disk_dispose(&d);

    if (cdrom)
        tb_disk_config(&d, bdom, "xvdc", "/srv/tb/install.iso", TB_DISK_CDROM);
    else
        tb_disk_config(&d, bdom, "xvda", "/dev/tb/guest1-root", TB_DISK_RO);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    return w;
}

static struct tb_world setup(const atf_tc_t *tc, bool cdrom)
{
    return setup_on(tc, cdrom, DRVDOM);
}

/* What the driver domain could rewrite in a disk's backend directory. */
static void rewrite_backend(struct tb_world *w, unsigned devid)
{
    TB_HOSTILE(w->backend, "write vbd/%u/%u/params /dev/tb/victim-root",
               GUEST, devid);
    TB_HOSTILE(w->backend, "write vbd/%u/%u/mode w", GUEST, devid);
    TB_HOSTILE(w->backend, "write vbd/%u/%u/type qdisk", GUEST, devid);
    TB_HOSTILE(w->backend, "write vbd/%u/%u/dev xvdz", GUEST, devid);
    TB_HOSTILE(w->backend, "write vbd/%u/%u/device-type %s", GUEST, devid,
               devid == XVDC ? "disk" : "cdrom");
    TB_HOSTILE(w->backend, "write vbd/%u/%u/removable %d", GUEST, devid,
               devid == XVDC ? 0 : 1);
}

/* bdom < 0: the reader is not expected to report the backend domain. */
static void check_disk(const libxl_device_disk *d, int64_t bdom)
{
    if (bdom >= 0)
        ATF_CHECK_EQ(bdom, d->backend_domid);
    ATF_CHECK_STREQ("/dev/tb/guest1-root", d->pdev_path);
    ATF_CHECK_STREQ("xvda", d->vdev);
    ATF_CHECK_EQ(LIBXL_DISK_BACKEND_PHY, d->backend);
    ATF_CHECK_EQ(0, d->readwrite);
    ATF_CHECK_EQ(0, d->is_cdrom);
    ATF_CHECK_EQ(0, d->removable);
}

static void check_cdrom(const libxl_device_disk *d, int64_t bdom)
{
    if (bdom >= 0)
        ATF_CHECK_EQ(bdom, d->backend_domid);
    ATF_CHECK_STREQ("/srv/tb/install.iso", d->pdev_path);
    ATF_CHECK_STREQ("xvdc", d->vdev);
    ATF_CHECK_EQ(LIBXL_DISK_BACKEND_PHY, d->backend);
    ATF_CHECK_EQ(0, d->readwrite);
    ATF_CHECK_EQ(1, d->is_cdrom);
    ATF_CHECK_EQ(1, d->removable);
}

static void check_list(struct tb_world *w, bool cdrom)
{
    libxl_device_disk *list;
    int n = -1, i;

    list = libxl_device_disk_list(w->tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ_MSG(1, n, "%d disks listed", n);
    ATF_REQUIRE(list);
    if (cdrom)
        check_cdrom(&list[0], w->bdom);
    else
        check_disk(&list[0], w->bdom);
    for (i = 0; i < n; i++)
        libxl_device_disk_dispose(&list[i]);
    free(list);
}

/*
 * 4.3's lookup never sets the backend domain (an upstream bug, not the
 * advisory); a tree that keeps libxl's own record of the disk must report
 * the configured one from it.
 */
static void check_vdev_lookup(struct tb_world *w, bool cdrom)
{
    libxl_device_disk d;
    int64_t bdom = -1;

    if (tb_tree_keeps_record())
        bdom = w->bdom;
    libxl_device_disk_init(&d);
    ATF_REQUIRE_EQ(0, libxl_vdev_to_device_disk(w->tb->ctx, GUEST,
                                                cdrom ? "xvdc" : "xvda", &d));
    if (cdrom)
        check_cdrom(&d, bdom);
    else
        check_disk(&d, bdom);
    libxl_device_disk_dispose(&d);
}

static void check_getinfo(struct tb_world *w, unsigned devid)
{
    libxl_device_disk d;
    libxl_diskinfo info;
    char be[128], fe[128];

    libxl_device_disk_init(&d);
    d.vdev = strdup(devid == XVDC ? "xvdc" : "xvda");
    libxl_diskinfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_disk_getinfo(w->tb->ctx, GUEST, &d, &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vbd/%u/%u",
             w->bdom, GUEST, devid);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", GUEST, devid);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(w->bdom, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend);
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(devid, info.devid);
    libxl_diskinfo_dispose(&info);
    libxl_device_disk_dispose(&d);
}

/*
 * The base's disk list walks only dom0's backend directory, so it never
 * lists a disk a driver domain serves, attacked or not: the list tests
 * put the guest's disk on a backend in dom0 (a user-space backend such
 * as qemu's qdisk, no more trusted than a driver domain).
 */
TB_SEC_TC(disk_list_ignores_hostile_backend_keys,
          "libxl_device_disk_list returns the disk as configured after its "
          "backend in dom0 rewrote params, mode, type, dev and device-type",
          "libxl_device_disk_list", "vbd", "XSA-178")
{
    struct tb_world w = setup_on(tc, false, 0);

    rewrite_backend(&w, XVDA);
    check_list(&w, false);
}

TB_SEC_TC(disk_list_keeps_disk_whose_backend_dir_was_deleted,
          "libxl_device_disk_list still returns the configured disk after "
          "its backend in dom0 deleted its whole backend directory",
          "libxl_device_disk_list", "vbd", "XSA-178")
{
    struct tb_world w = setup_on(tc, false, 0);

    TB_HOSTILE(w.backend, "rm vbd/%u", GUEST);
    check_list(&w, false);
}

TB_SEC_TC(cdrom_list_ignores_hostile_backend_keys,
          "libxl_device_disk_list returns the cdrom as configured after its "
          "backend in dom0 rewrote its backend keys",
          "libxl_device_disk_list", "cdrom", "XSA-178")
{
    struct tb_world w = setup_on(tc, true, 0);

    rewrite_backend(&w, XVDC);
    check_list(&w, true);
}

TB_SEC_TC(disk_vdev_lookup_ignores_hostile_backend_keys,
          "libxl_vdev_to_device_disk returns the disk as configured after "
          "the driver domain rewrote its backend keys",
          "libxl_vdev_to_device_disk", "vbd", "XSA-178")
{
    struct tb_world w = setup(tc, false);

    rewrite_backend(&w, XVDA);
    check_vdev_lookup(&w, false);
}

TB_SEC_TC(cdrom_vdev_lookup_ignores_hostile_backend_keys,
          "libxl_vdev_to_device_disk returns the cdrom as configured after "
          "the driver domain rewrote its backend keys",
          "libxl_vdev_to_device_disk", "cdrom", "XSA-178")
{
    struct tb_world w = setup(tc, true);

    rewrite_backend(&w, XVDC);
    check_vdev_lookup(&w, true);
}

TB_SEC_TC(disk_vdev_lookup_ignores_frontend_pointer_to_other_guest,
          "libxl_vdev_to_device_disk returns the guest's own disk after the "
          "guest pointed its frontend's backend node at another guest's disk",
          "libxl_vdev_to_device_disk", "vbd", "XSA-175")
{
    struct tb_world w = setup(tc, false);

    TB_HOSTILE(w.guest, "write vbd/%u/backend /local/domain/0/backend/vbd/%u/%u",
               XVDA, VICTIM, XVDA);
    TB_HOSTILE(w.guest, "write vbd/%u/backend-id 0", XVDA);
    check_vdev_lookup(&w, false);
}

TB_SEC_TC(disk_getinfo_ignores_frontend_pointer_to_other_guest,
          "libxl_device_disk_getinfo reports the configured backend after "
          "the guest pointed backend and backend-id at another guest's disk",
          "libxl_device_disk_getinfo", "vbd", "XSA-175")
{
    struct tb_world w = setup(tc, false);

    TB_HOSTILE(w.guest, "write vbd/%u/backend /local/domain/0/backend/vbd/%u/%u",
               XVDA, VICTIM, XVDA);
    TB_HOSTILE(w.guest, "write vbd/%u/backend-id 0", XVDA);
    check_getinfo(&w, XVDA);
}

TB_SEC_TC(disk_getinfo_ignores_hostile_backend_frontend_pointer,
          "libxl_device_disk_getinfo reports the guest as the frontend after "
          "the driver domain pointed frontend and frontend-id at another guest",
          "libxl_device_disk_getinfo", "vbd", "XSA-178")
{
    struct tb_world w = setup(tc, false);

    TB_HOSTILE(w.backend, "write vbd/%u/%u/frontend /local/domain/%u/device/vbd/%u",
               GUEST, XVDA, VICTIM, XVDA);
    TB_HOSTILE(w.backend, "write vbd/%u/%u/frontend-id %u", GUEST, XVDA, VICTIM);
    check_getinfo(&w, XVDA);
}

TB_SEC_TC(cdrom_getinfo_ignores_hostile_pointers,
          "libxl_device_disk_getinfo of a cdrom reports the configured paths "
          "after the guest and the driver domain both redirected them",
          "libxl_device_disk_getinfo", "cdrom", "XSA-175")
{
    struct tb_world w = setup(tc, true);

    TB_HOSTILE(w.guest, "write vbd/%u/backend /local/domain/0/backend/vbd/%u/%u",
               XVDC, VICTIM, XVDA);
    TB_HOSTILE(w.backend, "write vbd/%u/%u/frontend /local/domain/%u/device/vbd/%u",
               GUEST, XVDC, VICTIM, XVDA);
    TB_HOSTILE(w.backend, "write vbd/%u/%u/frontend-id %u", GUEST, XVDC, VICTIM);
    check_getinfo(&w, XVDC);
}

/* --- the eject event ------------------------------------------------------ */

/* The guest asks to eject its cdrom; returns the event libxl raised. */
static libxl_event *eject(struct tb_world *w)
{
    libxl_evgen_disk_eject *evg = NULL;
    libxl_event *ev;

    ATF_REQUIRE_EQ(0, libxl_evenable_disk_eject(w->tb->ctx, GUEST, "xvdc",
                                                0, &evg));
    /* let libxl see the watch fire once, with nothing to eject yet */
    ev = tb_next_event(w->tb->ctx, 200);
    ATF_REQUIRE(ev == NULL);
    /* an honest request: the guest may ask to eject its own cdrom */
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w->guest, "write vbd/%u/eject eject", XVDC));
    ev = tb_next_event(w->tb->ctx, 5000);
    libxl_evdisable_disk_eject(w->tb->ctx, evg);
    return ev;
}

static void check_eject(libxl_event *ev)
{
    ATF_REQUIRE_MSG(ev, "no eject event");
    ATF_REQUIRE_EQ(LIBXL_EVENT_TYPE_DISK_EJECT, ev->type);
    ATF_CHECK_EQ(GUEST, ev->domid);
    ATF_CHECK_EQ(DRVDOM, ev->u.disk_eject.disk.backend_domid);
    ATF_CHECK_STREQ("xvdc", ev->u.disk_eject.disk.vdev);
    ATF_CHECK_EQ(1, ev->u.disk_eject.disk.is_cdrom);
    ATF_CHECK_EQ(1, ev->u.disk_eject.disk.removable);
}

TB_SEC_TC(cdrom_eject_event_ignores_frontend_pointer_to_other_guest,
          "the disk eject event names the guest's own cdrom and its driver "
          "domain after the guest pointed its backend node at another "
          "guest's disk",
          "disk_eject_xswatch_callback", "cdrom", "XSA-175")
{
    struct tb_world w = setup(tc, true);
    libxl_event *ev;

    TB_HOSTILE(w.guest, "write vbd/%u/backend /local/domain/0/backend/vbd/%u/%u",
               XVDC, VICTIM, XVDA);
    ev = eject(&w);
    check_eject(ev);
    libxl_event_free(w.tb->ctx, ev);
}

TB_SEC_TC(cdrom_eject_event_survives_deleted_frontend_backend_node,
          "the disk eject event is raised, without a crash, after the guest "
          "deleted its frontend's backend node",
          "disk_eject_xswatch_callback", "cdrom", "XSA-175")
{
    struct tb_world w = setup(tc, true);
    libxl_event *ev;

    TB_HOSTILE(w.guest, "rm vbd/%u/backend", XVDC);
    ev = eject(&w);
    check_eject(ev);
    libxl_event_free(w.tb->ctx, ev);
}

TB_SEC_TC(cdrom_eject_event_ignores_hostile_backend_dev,
          "the disk eject event names the configured vdev after the driver "
          "domain rewrote dev in its backend directory",
          "disk_eject_xswatch_callback", "cdrom", "XSA-178")
{
    struct tb_world w = setup(tc, true);
    libxl_event *ev;

    TB_HOSTILE(w.backend, "write vbd/%u/%u/dev xvda", GUEST, XVDC);
    ev = eject(&w);
    check_eject(ev);
    libxl_event_free(w.tb->ctx, ev);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, disk_list_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, disk_list_keeps_disk_whose_backend_dir_was_deleted);
    ATF_TP_ADD_TC(tp, cdrom_list_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, disk_vdev_lookup_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, cdrom_vdev_lookup_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, disk_vdev_lookup_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, disk_getinfo_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, disk_getinfo_ignores_hostile_backend_frontend_pointer);
    ATF_TP_ADD_TC(tp, cdrom_getinfo_ignores_hostile_pointers);
    ATF_TP_ADD_TC(tp, cdrom_eject_event_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, cdrom_eject_event_survives_deleted_frontend_backend_node);
    ATF_TP_ADD_TC(tp, cdrom_eject_event_ignores_hostile_backend_dev);
    return atf_no_error();
}
