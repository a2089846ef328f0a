/*
 * Devices that have no record: a guest started by the unpatched libxl keeps
 * running across the toolstack upgrade.  Its devices have frontend and
 * backend directories but nothing under /libxl/$DOMID/device, which the
 * unpatched libxl never wrote (neither the paths of the prereq layer nor
 * the copy of the backend of the fix layer); /libxl/$DOMID itself, and the
 * stored configuration of 4.5+, the unpatched libxl did write.
 *
 * Each case adds devices through libxl, deletes libxl's record of them as
 * the unpatched libxl would have left things ("old" devices), sometimes
 * adds one more after that ("new": it has a record), then calls one reader
 * and pins what it does on each side:
 *   base     the tree reads xenstore: it sees the old device as configured;
 *   patched  the tree reads only its record: it reports a clear error or
 *            leaves the old device out, never the backend's or frontend's
 *            values, never crashes, and never acts on a device other than
 *            the one it was asked for.
 * Both sides are stated in every case (tb_tree_keeps_record() says which
 * one runs); docs/upgrade.md tells operators what each outcome means.
 *
 * Consoles and channels are added only while libxl builds a domain: this
 * program links the static libxenlight and adds them with
 * libxl__device_console_add, as console_test does.
 */
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>

#include "tb.h"

#define GUEST   1
#define DRVDOM  2
#define XVDA    51712
#define XVDB    51728
#define XVDC    51744
#define XVDD    51760
#define HDC     5632

struct world {
    struct tb *tb;
    struct tb_sim *guest;   /* the guest's frontends */
};

/* A sandbox, a driver domain, backends in dom0 and in it, the guest. */
static struct world setup(const atf_tc_t *tc, enum tb_domtype type)
{
    struct world w;

    w.tb = tb_start(tc);
    tb_domain_create(w.tb, DRVDOM, "driverdom", TB_PV);
    tb_backend_start(w.tb, 0);
    tb_backend_start(w.tb, DRVDOM);
    tb_domain_create(w.tb, GUEST, type == TB_HVM ? "hvmguest" : "guest1",
                     type);
    w.guest = tb_frontend_start(w.tb, GUEST);
    return w;
}

/*
 * The toolstack upgrade: what the unpatched libxl left of the guest's
 * devices.  It wrote /libxl/$DOMID (libxl__domain_make) but nothing below
 * /libxl/$DOMID/device, which the stack's libxl__domain_make creates and
 * its libxl__device_generic_add fills.
 */
static void upgrade(struct world *w)
{
    char p[64];

    snprintf(p, sizeof(p), "/libxl/%u/device", GUEST);
    ATF_REQUIRE(xs_rm(w->tb->xs, XBT_NULL, p) || errno == ENOENT);
    ATF_REQUIRE(tb_xs_exists(w->tb, "/libxl/%u", GUEST));
    fprintf(stderr, "tb: upgrade: %s deleted, as the unpatched libxl left it\n",
            p);
}

static bool patched(void)
{
    return tb_tree_keeps_record();
}

/* The device's backend and frontend are there, and no hotplug removed it. */
static void check_untouched(struct world *w, const char *kind, uint32_t bdom,
                            unsigned devid)
{
    char be[128];

    snprintf(be, sizeof(be), "/local/domain/%u/backend/%s/%u/%u",
             (unsigned)bdom, kind, GUEST, devid);
    ATF_CHECK_MSG(tb_xs_exists(w->tb, "%s/frontend-id", be),
                  "%s was touched: its backend is gone", be);
    TB_REQUIRE_XS(w->tb, be, "/local/domain/%u/device/%s/%u/backend", GUEST,
                  kind, devid);
    ATF_CHECK_EQ_MSG(0, tb_hotplug_count(w->tb, "remove", be),
                     "%s was touched: its hotplug script ran remove", be);
}

static void check_gone(struct world *w, const char *kind, uint32_t bdom,
                       unsigned devid)
{
    ATF_CHECK(!tb_xs_exists(w->tb, "/local/domain/%u/backend/%s/%u/%u",
                            (unsigned)bdom, kind, GUEST, devid));
    ATF_CHECK(!tb_xs_exists(w->tb, "/local/domain/%u/device/%s/%u", GUEST,
                            kind, devid));
}

/* libxl_internal.h marks the asynchronous calls as not for libxl itself;
 * this program is outside libxl, only linked statically. */
#pragma GCC diagnostic ignored "-Wattribute-warning"

/* --- vbd and cdrom ----------------------------------------------------- */

static void add_disk(struct world *w, const char *vdev, const char *pdev,
                     bool cdrom)
{
    libxl_device_disk d;

    tb_disk_config(&d, 0, vdev, pdev, cdrom ? TB_DISK_CDROM : TB_DISK_RW);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(w->tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

/* Old xvda, xvdb and the cdrom xvdc; xvdd added after the upgrade. */
static struct world setup_disks(const atf_tc_t *tc)
{
    struct world w = setup(tc, TB_PV);

    add_disk(&w, "xvda", "/dev/tb/old-a", false);
    add_disk(&w, "xvdb", "/dev/tb/old-b", false);
    add_disk(&w, "xvdc", "/srv/tb/old.iso", true);
    upgrade(&w);
    add_disk(&w, "xvdd", "/dev/tb/new-d", false);
    return w;
}

static const char *disk_pdev(int devid)
{
    switch (devid) {
    case XVDA: return "/dev/tb/old-a";
    case XVDB: return "/dev/tb/old-b";
    case XVDC: return "/srv/tb/old.iso";
    case XVDD: return "/dev/tb/new-d";
    }
    return "?";
}

TB_TC(vbd_cdrom_list_omits_old_devices,
      "libxl_device_disk_list after the upgrade: the base lists the old "
      "disks and cdrom from their backends, the patched tree lists only the "
      "disk added since, as configured")
{
    struct world w = setup_disks(tc);
    libxl_device_disk *list;
    int n = -1, i, devid;
    bool seen_new = false;

    list = libxl_device_disk_list(w.tb->ctx, GUEST, &n);
    ATF_REQUIRE_MSG(n >= 0, "the list failed");
    ATF_CHECK_EQ_MSG(patched() ? 1 : 4, n, "%d disks listed", n);
    for (i = 0; i < n; i++) {
        devid = libxl__device_disk_dev_number(list[i].vdev, NULL, NULL);
        ATF_CHECK_MSG(!patched() || devid == XVDD,
                      "the patched tree lists %s, which it has no record of",
                      list[i].vdev);
        ATF_CHECK_STREQ(disk_pdev(devid), list[i].pdev_path);
        ATF_CHECK_EQ(devid == XVDC, list[i].is_cdrom);
        seen_new |= devid == XVDD;
        libxl_device_disk_dispose(&list[i]);
    }
    ATF_CHECK_MSG(seen_new, "xvdd, added after the upgrade, is not listed");
    free(list);
}

#define DISK_LOOKUP_TC(kind, vdevname, devid)                               \
    TB_TC(kind##_vdev_lookup_fails_for_old_device,                          \
          "libxl_vdev_to_device_disk of the old " vdevname ": the base finds " \
          "it in its backend, the patched tree fails with a libxl error "   \
          "and returns nothing")                                            \
    {                                                                       \
        struct world w = setup_disks(tc);                                   \
        libxl_device_disk d;                                                \
        int rc;                                                             \
                                                                            \
        libxl_device_disk_init(&d);                                         \
        rc = libxl_vdev_to_device_disk(w.tb->ctx, GUEST, vdevname, &d);     \
        if (patched()) {                                                    \
            ATF_CHECK_MSG(rc < 0, "rc %d", rc);                             \
            ATF_CHECK_MSG(d.pdev_path == NULL, "returned %s", d.pdev_path); \
        } else {                                                            \
            ATF_CHECK_EQ(0, rc);                                            \
            ATF_CHECK_STREQ(disk_pdev(devid),                               \
                            d.pdev_path ? d.pdev_path : "(null)");          \
        }                                                                   \
        libxl_device_disk_dispose(&d);                                      \
        /* the disk added since is found on both sides */                   \
        libxl_device_disk_init(&d);                                         \
        ATF_CHECK_EQ(0, libxl_vdev_to_device_disk(w.tb->ctx, GUEST, "xvdd", \
                                                  &d));                     \
        ATF_CHECK_STREQ("/dev/tb/new-d", d.pdev_path ? d.pdev_path : "");   \
        libxl_device_disk_dispose(&d);                                      \
    }

DISK_LOOKUP_TC(vbd, "xvdb", XVDB)
DISK_LOOKUP_TC(cdrom, "xvdc", XVDC)

#define DISK_GETINFO_TC(kind, vdevname, devid)                              \
    TB_TC(kind##_getinfo_fails_for_old_device,                              \
          "libxl_device_disk_getinfo of the old " vdevname ": the base "     \
          "reports "                                                        \
          "its paths, the patched tree fails with a libxl error")           \
    {                                                                       \
        struct world w = setup_disks(tc);                                   \
        libxl_device_disk d;                                                \
        libxl_diskinfo info;                                                \
        char be[128];                                                       \
        int rc;                                                             \
                                                                            \
        libxl_device_disk_init(&d);                                         \
        d.vdev = strdup(vdevname);                                          \
        libxl_diskinfo_init(&info);                                         \
        rc = libxl_device_disk_getinfo(w.tb->ctx, GUEST, &d, &info);        \
        snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u",       \
                 GUEST, devid);                                             \
        if (patched()) {                                                    \
            ATF_CHECK_MSG(rc < 0, "rc %d", rc);                             \
        } else {                                                            \
            ATF_CHECK_EQ(0, rc);                                            \
            ATF_CHECK_STREQ(be, info.backend ? info.backend : "(null)");    \
        }                                                                   \
        libxl_diskinfo_dispose(&info);                                      \
        libxl_device_disk_dispose(&d);                                      \
    }

DISK_GETINFO_TC(vbd, "xvdb", XVDB)
DISK_GETINFO_TC(cdrom, "xvdc", XVDC)

/*
 * xl block-detach: the lookup by vdev, then the remove of what it
 * returned.  The patched tree's lookup fails, so nothing is removed.
 */
TB_TC(vbd_detach_by_vdev_of_old_disk_touches_no_other_disk,
      "xl block-detach of the old xvdb (lookup, then remove): the base "
      "removes xvdb, the patched tree refuses at the lookup; no other disk "
      "is touched on either side")
{
    struct world w = setup_disks(tc);
    libxl_device_disk d;
    int rc;

    libxl_device_disk_init(&d);
    rc = libxl_vdev_to_device_disk(w.tb->ctx, GUEST, "xvdb", &d);
    if (rc == 0)
        rc = libxl_device_disk_remove(w.tb->ctx, GUEST, &d, NULL);
    libxl_device_disk_dispose(&d);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
        check_untouched(&w, "vbd", 0, XVDB);
    } else {
        ATF_CHECK_EQ(0, rc);
        check_gone(&w, "vbd", 0, XVDB);
    }
    check_untouched(&w, "vbd", 0, XVDA);
    check_untouched(&w, "vbd", 0, XVDC);
    check_untouched(&w, "vbd", 0, XVDD);
}

/*
 * A caller that names the whole disk (vdev and backend domain) needs no
 * lookup: the remove acts on that disk and no other, on both sides.
 */
TB_TC(vbd_remove_of_old_disk_removes_that_disk_only,
      "libxl_device_disk_remove of the old xvdb, given its vdev and backend "
      "domain, removes xvdb and no other disk, on both sides")
{
    struct world w = setup_disks(tc);
    libxl_device_disk d;

    libxl_device_disk_init(&d);
    d.vdev = strdup("xvdb");
    d.backend_domid = 0;
    d.backend = LIBXL_DISK_BACKEND_PHY;
    d.pdev_path = strdup("/dev/tb/old-b");
    d.script = strdup(tb_hotplug_script());
    ATF_CHECK_EQ(0, libxl_device_disk_remove(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    check_gone(&w, "vbd", 0, XVDB);
    check_untouched(&w, "vbd", 0, XVDA);
    check_untouched(&w, "vbd", 0, XVDC);
    check_untouched(&w, "vbd", 0, XVDD);
}

#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
/*
 * 4.5 brought libxl__device_exists with the stored configuration: adding a
 * disk at the vdev of an old one must not replace it.
 */
TB_TC(vbd_add_at_old_vdev_is_refused,
      "libxl_device_disk_add at the vdev of the old xvdb is refused as a "
      "device that exists, and xvdb is left as it was, on both sides")
{
    struct world w = setup_disks(tc);
    libxl_device_disk d;

    libxl_device_disk_init(&d);
    d.backend_domid = 0;
    d.pdev_path = strdup("/dev/tb/other");
    d.vdev = strdup("xvdb");
    d.backend = LIBXL_DISK_BACKEND_PHY;
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.script = strdup(tb_hotplug_script());
    ATF_CHECK_EQ(ERROR_DEVICE_EXISTS,
                 libxl_device_disk_add(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    check_untouched(&w, "vbd", 0, XVDB);
    TB_REQUIRE_XS(w.tb, "/dev/tb/old-b",
                  "/local/domain/0/backend/vbd/%u/%u/params", GUEST, XVDB);
}
#endif

TB_TC(cdrom_eject_event_of_old_cdrom_is_not_raised,
      "the guest asks to eject the old cdrom xvdc: the base raises the eject "
      "event for it, the patched tree raises none (it has no record to name "
      "the cdrom from)")
{
    struct world w = setup_disks(tc);
    libxl_evgen_disk_eject *evg = NULL;
    libxl_event *ev;

    ATF_REQUIRE_EQ(0, libxl_evenable_disk_eject(w.tb->ctx, GUEST, "xvdc", 0,
                                                &evg));
    ev = tb_next_event(w.tb->ctx, 200);
    ATF_REQUIRE(ev == NULL);
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w.guest, "write vbd/%u/eject eject", XVDC));
    ev = tb_next_event(w.tb->ctx, patched() ? 2000 : 5000);
    libxl_evdisable_disk_eject(w.tb->ctx, evg);
    if (patched()) {
        ATF_CHECK_MSG(ev == NULL, "an eject event for a cdrom with no record");
    } else {
        ATF_REQUIRE_MSG(ev, "no eject event");
        ATF_CHECK_EQ(LIBXL_EVENT_TYPE_DISK_EJECT, ev->type);
        ATF_CHECK_EQ(0, ev->u.disk_eject.disk.backend_domid);
        ATF_CHECK_STREQ("xvdc", ev->u.disk_eject.disk.vdev
                                    ? ev->u.disk_eject.disk.vdev : "(null)");
    }
    if (ev)
        libxl_event_free(w.tb->ctx, ev);
    check_untouched(&w, "vbd", 0, XVDC);
}

/*
 * cdrom insert: an HVM guest's cdrom hdc served by qemu's qdisk in dom0
 * (as sec_cdrom_insert_test), from before the upgrade.
 */
TB_TC(cdrom_insert_into_old_cdrom_fails_cleanly,
      "libxl_cdrom_insert into the old cdrom hdc: the base changes the "
      "media, the patched tree fails with a libxl error and changes nothing")
{
    struct world w = setup(tc, TB_HVM);
    libxl_device_disk d;
    int rc;

    tb_device_model_running(w.tb, GUEST);
    tb_qdisk_cdrom_config(&d, "hdc", "/srv/tb/old.iso");
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    upgrade(&w);

    libxl_device_disk_init(&d);
    d.pdev_path = strdup("/srv/tb/new.iso");
    d.vdev = strdup("hdc");
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.is_cdrom = 1;
    d.removable = 1;
    rc = libxl_cdrom_insert(w.tb->ctx, GUEST, &d, NULL);
    libxl_device_disk_dispose(&d);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
        TB_REQUIRE_XS(w.tb, "aio:/srv/tb/old.iso",
                      "/local/domain/0/backend/qdisk/%u/%u/params", GUEST, HDC);
        ATF_CHECK(!tb_xs_exists(w.tb, "/libxl/%u/device/vbd/%u", GUEST, HDC));
    } else {
        ATF_CHECK_EQ(0, rc);
        TB_REQUIRE_XS(w.tb, "aio:/srv/tb/new.iso",
                      "/local/domain/0/backend/qdisk/%u/%u/params", GUEST, HDC);
    }
}

/* --- vif --------------------------------------------------------------- */

static void nic_mac(int devid, libxl_mac mac)
{
    const libxl_mac m = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x00 };

    memcpy(mac, m, sizeof(libxl_mac));
    mac[5] = (uint8_t)devid;
}

static void add_nic(struct world *w, int devid, libxl_device_nic *out)
{
    libxl_device_nic n;

    libxl_device_nic_init(&n);
    n.backend_domid = 0;
    n.devid = devid;
    nic_mac(devid < 0 ? 0x40 : devid, n.mac);
    n.bridge = strdup("xenbr-tb");
    n.script = strdup(tb_hotplug_script());
    n.nictype = LIBXL_NIC_TYPE_VIF;
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(w->tb->ctx, GUEST, &n, NULL));
    if (out)
        *out = n;
    else
        libxl_device_nic_dispose(&n);
}

/* Old nics 0 and 1 (dom0 serves them); nic 2 added after the upgrade. */
static struct world setup_nics(const atf_tc_t *tc, bool add_new)
{
    struct world w = setup(tc, TB_PV);

    add_nic(&w, 0, NULL);
    add_nic(&w, 1, NULL);
    upgrade(&w);
    if (add_new)
        add_nic(&w, 2, NULL);
    return w;
}

TB_TC(vif_list_omits_old_nics,
      "libxl_device_nic_list after the upgrade: the base lists the old nics "
      "from their backends, the patched tree only the nic added since")
{
    struct world w = setup_nics(tc, true);
    libxl_device_nic *list;
    libxl_mac mac;
    int n = -1, i;

    list = libxl_device_nic_list(w.tb->ctx, GUEST, &n);
    ATF_REQUIRE_MSG(n >= 0, "the list failed");
    ATF_CHECK_EQ_MSG(patched() ? 1 : 3, n, "%d nics listed", n);
    for (i = 0; i < n; i++) {
        ATF_CHECK_MSG(!patched() || list[i].devid == 2,
                      "the patched tree lists nic %d, which it has no record "
                      "of", list[i].devid);
        nic_mac(list[i].devid, mac);
        ATF_CHECK(!memcmp(mac, list[i].mac, sizeof(mac)));
        libxl_device_nic_dispose(&list[i]);
    }
    free(list);
}

/* What xl network-detach does with a devid: look it up, remove that. */
static int nic_lookup(struct world *w, int devid, libxl_device_nic *n)
{
    libxl_device_nic_init(n);
    return libxl_devid_to_device_nic(w->tb->ctx, GUEST, devid, n);
}

TB_TC(vif_devid_lookup_fails_for_old_nic,
      "libxl_devid_to_device_nic of the old nic 1: the base finds it, the "
      "patched tree fails with a libxl error (it never returns another nic, "
      "such as devid 0, in its place)")
{
    struct world w = setup_nics(tc, true);
    libxl_device_nic n;
    libxl_mac mac;
    int rc;

    rc = nic_lookup(&w, 1, &n);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d, devid %d", rc, n.devid);
    } else {
        ATF_CHECK_EQ(0, rc);
        ATF_CHECK_EQ(1, n.devid);
        nic_mac(1, mac);
        ATF_CHECK(!memcmp(mac, n.mac, sizeof(mac)));
    }
    libxl_device_nic_dispose(&n);
    ATF_CHECK_EQ(0, nic_lookup(&w, 2, &n));
    ATF_CHECK_EQ(2, n.devid);
    libxl_device_nic_dispose(&n);
}

TB_TC(vif_getinfo_fails_for_old_nic,
      "libxl_device_nic_getinfo of the old nic 1: the base reports its "
      "paths, the patched tree fails with a libxl error")
{
    struct world w = setup_nics(tc, false);
    libxl_device_nic n;
    libxl_nicinfo info;
    char be[128];
    int rc;

    libxl_device_nic_init(&n);
    n.devid = 1;
    libxl_nicinfo_init(&info);
    rc = libxl_device_nic_getinfo(w.tb->ctx, GUEST, &n, &info);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/1", GUEST);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
    } else {
        ATF_CHECK_EQ(0, rc);
        ATF_CHECK_STREQ(be, info.backend ? info.backend : "(null)");
    }
    libxl_nicinfo_dispose(&info);
    libxl_device_nic_dispose(&n);
}

TB_TC(vif_detach_by_devid_of_old_nic_touches_no_other_nic,
      "xl network-detach of the old nic 1 (lookup by devid, then remove): "
      "the base removes nic 1, the patched tree refuses at the lookup; nic "
      "0 and the nic added since are untouched on both sides")
{
    struct world w = setup_nics(tc, true);
    libxl_device_nic n;
    int rc;

    rc = nic_lookup(&w, 1, &n);
    if (rc == 0)
        rc = libxl_device_nic_remove(w.tb->ctx, GUEST, &n, NULL);
    libxl_device_nic_dispose(&n);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
        check_untouched(&w, "vif", 0, 1);
    } else {
        ATF_CHECK_EQ(0, rc);
        check_gone(&w, "vif", 0, 1);
    }
    check_untouched(&w, "vif", 0, 0);
    check_untouched(&w, "vif", 0, 2);
}

TB_TC(vif_remove_of_old_nic_removes_that_nic_only,
      "libxl_device_nic_remove of the old nic 1, given its devid and backend "
      "domain, removes nic 1 and no other nic, on both sides")
{
    struct world w = setup_nics(tc, true);
    libxl_device_nic n;

    libxl_device_nic_init(&n);
    n.devid = 1;
    n.backend_domid = 0;
    n.script = strdup(tb_hotplug_script());
    ATF_CHECK_EQ(0, libxl_device_nic_remove(w.tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);
    check_gone(&w, "vif", 0, 1);
    check_untouched(&w, "vif", 0, 0);
    check_untouched(&w, "vif", 0, 2);
}

/*
 * A nic added without a devid (xl network-attach) gets one no nic of the
 * guest has, old or new: handing out devid 0 again would replace the old
 * nic 0's frontend and backend.
 */
TB_TC(vif_nextid_skips_old_nics,
      "a nic added without a devid after the upgrade gets devid 2, and the "
      "old nics 0 and 1 are left as they were, on both sides")
{
    struct world w = setup_nics(tc, false);
    libxl_device_nic n;
    libxl_mac mac;

    add_nic(&w, -1, &n);
    ATF_CHECK_EQ_MSG(2, n.devid, "the new nic got devid %d", n.devid);
    libxl_device_nic_dispose(&n);
    check_untouched(&w, "vif", 0, 0);
    check_untouched(&w, "vif", 0, 1);
    nic_mac(0, mac);
    TB_REQUIRE_XS(w.tb, "00:16:3e:17:8a:00",
                  "/local/domain/0/backend/vif/%u/0/mac", GUEST);
}

/* --- vtpm -------------------------------------------------------------- */

static void vtpm_uuid(int i, libxl_uuid *u)
{
    char s[64];

    snprintf(s, sizeof(s), "2b9b4d53-17c9-4b8e-9a53-6d0c0a1e5f%02x", i);
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(u, s));
}

static int add_vtpm(struct world *w, int devid)
{
    libxl_device_vtpm v;
    int got;

    libxl_device_vtpm_init(&v);
    v.backend_domid = DRVDOM;
    v.devid = devid;
    vtpm_uuid(devid < 0 ? 0x40 : devid, &v.uuid);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(w->tb->ctx, GUEST, &v, NULL));
    got = v.devid;
    libxl_device_vtpm_dispose(&v);
    return got;
}

/* Old vtpms 0 and 1 (the driver domain serves them); 2 added since. */
static struct world setup_vtpms(const atf_tc_t *tc, bool add_new)
{
    struct world w = setup(tc, TB_PV);

    add_vtpm(&w, 0);
    add_vtpm(&w, 1);
    upgrade(&w);
    if (add_new)
        add_vtpm(&w, 2);
    return w;
}

TB_TC(vtpm_list_omits_old_vtpms,
      "libxl_device_vtpm_list after the upgrade: the base lists the old "
      "vtpms, the patched tree only the vtpm added since")
{
    struct world w = setup_vtpms(tc, true);
    libxl_device_vtpm *list;
    libxl_uuid u;
    int n = -1, i;

    list = libxl_device_vtpm_list(w.tb->ctx, GUEST, &n);
    ATF_REQUIRE_MSG(n >= 0, "the list failed");
    ATF_CHECK_EQ_MSG(patched() ? 1 : 3, n, "%d vtpms listed", n);
    for (i = 0; i < n; i++) {
        ATF_CHECK_MSG(!patched() || list[i].devid == 2,
                      "the patched tree lists vtpm %d, which it has no "
                      "record of", list[i].devid);
        vtpm_uuid(list[i].devid, &u);
        ATF_CHECK(libxl_uuid_compare(&u, &list[i].uuid) == 0);
        libxl_device_vtpm_dispose(&list[i]);
    }
    free(list);
}

TB_TC(vtpm_getinfo_fails_for_old_vtpm,
      "libxl_device_vtpm_getinfo of the old vtpm 1: the base reports it, "
      "the patched tree fails with a libxl error")
{
    struct world w = setup_vtpms(tc, false);
    libxl_device_vtpm v;
    libxl_vtpminfo info;
    libxl_uuid u;
    int rc;

    libxl_device_vtpm_init(&v);
    v.devid = 1;
    libxl_vtpminfo_init(&info);
    rc = libxl_device_vtpm_getinfo(w.tb->ctx, GUEST, &v, &info);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
    } else {
        ATF_CHECK_EQ(0, rc);
        vtpm_uuid(1, &u);
        ATF_CHECK(libxl_uuid_compare(&u, &info.uuid) == 0);
    }
    libxl_vtpminfo_dispose(&info);
    libxl_device_vtpm_dispose(&v);
}

TB_TC(vtpm_devid_lookup_fails_for_old_vtpm,
      "libxl_devid_to_device_vtpm of the old vtpm 1: the base finds it, the "
      "patched tree says it is not found and returns no other vtpm")
{
    struct world w = setup_vtpms(tc, true);
    libxl_device_vtpm v;
    int rc;

    libxl_device_vtpm_init(&v);
    rc = libxl_devid_to_device_vtpm(w.tb->ctx, GUEST, 1, &v);
    /* not found is 1, as libxl has always said it for a vtpm */
    if (patched())
        ATF_CHECK_MSG(rc != 0, "rc %d, devid %d", rc, v.devid);
    else {
        ATF_CHECK_EQ(0, rc);
        ATF_CHECK_EQ(1, v.devid);
    }
    libxl_device_vtpm_dispose(&v);
}

TB_TC(vtpm_uuid_lookup_fails_for_old_vtpm,
      "libxl_uuid_to_device_vtpm of the old vtpm 1's uuid: the base finds "
      "it, the patched tree says it is not found and returns no other "
      "vtpm")
{
    struct world w = setup_vtpms(tc, true);
    libxl_device_vtpm v;
    libxl_uuid u;
    int rc;

    libxl_device_vtpm_init(&v);
    vtpm_uuid(1, &u);
    rc = libxl_uuid_to_device_vtpm(w.tb->ctx, GUEST, &u, &v);
    /* not found is 1, as libxl has always said it for a vtpm */
    if (patched())
        ATF_CHECK_MSG(rc != 0, "rc %d, devid %d", rc, v.devid);
    else {
        ATF_CHECK_EQ(0, rc);
        ATF_CHECK_EQ(1, v.devid);
    }
    libxl_device_vtpm_dispose(&v);
}

TB_TC(vtpm_remove_of_old_vtpm_removes_that_vtpm_only,
      "libxl_device_vtpm_remove of the old vtpm 1, given its devid and "
      "backend domain, removes vtpm 1 and no other vtpm, on both sides")
{
    struct world w = setup_vtpms(tc, true);
    libxl_device_vtpm v;

    libxl_device_vtpm_init(&v);
    v.devid = 1;
    v.backend_domid = DRVDOM;
    ATF_CHECK_EQ(0, libxl_device_vtpm_remove(w.tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);
    check_gone(&w, "vtpm", DRVDOM, 1);
    check_untouched(&w, "vtpm", DRVDOM, 0);
    check_untouched(&w, "vtpm", DRVDOM, 2);
}

TB_TC(vtpm_nextid_skips_old_vtpms,
      "a vtpm added without a devid after the upgrade gets devid 2, and the "
      "old vtpms 0 and 1 are left as they were, on both sides")
{
    struct world w = setup_vtpms(tc, false);

    ATF_CHECK_EQ(2, add_vtpm(&w, -1));
    check_untouched(&w, "vtpm", DRVDOM, 0);
    check_untouched(&w, "vtpm", DRVDOM, 1);
}

/* --- domain destroy ---------------------------------------------------- */

static void add_console(struct world *w)
{
    libxl__domain_build_state state;
    libxl__device_console console;
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    libxl__device device;
#endif
    GC_INIT(w->tb->ctx);

    memset(&state, 0, sizeof(state));
    state.console_port = 7;
    state.console_mfn = 0x1234UL;
    state.console_domid = 0;
    libxl__device_console_init(&console);
    console.devid = 0;
    console.consback = LIBXL__CONSOLE_BACKEND_XENCONSOLED;
    console.output = libxl__strdup(NOGC, "pty");
    console.backend_domid = 0;
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, &console, &state,
                                                &device));
#else
    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, &console, &state));
#endif
    libxl__device_console_dispose(&console);
    GC_FREE;
}

/*
 * The patched tree destroys the devices it has a record of: it leaves the
 * backends of the old ones (and runs no hotplug script for them), which
 * docs/upgrade.md tells operators to clean.  Nothing else is touched: the
 * other guest's disk stays.
 */
TB_TC(domain_destroy_leaves_backends_of_old_devices,
      "libxl_domain_destroy of a guest with old disk, nic and console and "
      "a disk added since: the base removes every backend, the patched "
      "tree removes the new disk's and leaves the old ones; the guest "
      "and its frontends are gone on both sides")
{
    struct world w = setup(tc, TB_PV);
    char be[128];

    add_disk(&w, "xvda", "/dev/tb/old-a", false);
    add_nic(&w, 0, NULL);
    add_console(&w);
    upgrade(&w);
    add_disk(&w, "xvdd", "/dev/tb/new-d", false);
    ATF_REQUIRE_EQ(0, libxl_domain_destroy(w.tb->ctx, GUEST, NULL));
    ATF_CHECK(!tb_domain_exists(w.tb, GUEST));
    ATF_CHECK(!tb_xs_exists(w.tb, "/local/domain/%u", GUEST));
    ATF_CHECK(!tb_xs_exists(w.tb, "/libxl/%u", GUEST));
    ATF_CHECK(!tb_xs_exists(w.tb, "/local/domain/0/backend/vbd/%u/%u", GUEST,
                            XVDD));
    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", GUEST, XVDD);
    ATF_CHECK_EQ(1, tb_hotplug_count(w.tb, "remove", be));
    ATF_CHECK_EQ(!patched(), !tb_xs_exists(w.tb,
                 "/local/domain/0/backend/vbd/%u/%u", GUEST, XVDA));
    ATF_CHECK_EQ(!patched(), !tb_xs_exists(w.tb,
                 "/local/domain/0/backend/vif/%u/0", GUEST));
    ATF_CHECK_EQ(!patched(), !tb_xs_exists(w.tb,
                 "/local/domain/0/backend/console/%u/0", GUEST));
    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", GUEST, XVDA);
    ATF_CHECK_EQ(patched() ? 0 : 1, tb_hotplug_count(w.tb, "remove", be));
}

/* --- console ----------------------------------------------------------- */

TB_TC(console_get_tty_reports_old_console,
      "libxl_console_get_tty of the old primary console reports the tty "
      "the console daemon published, on both sides (it reads no record)")
{
    struct world w = setup(tc, TB_PV);
    char *path = NULL;

    add_console(&w);
    upgrade(&w);
    tb_xs_write(w.tb, "/local/domain/1/console/tty", "/dev/pts/7");
    ATF_CHECK_EQ(0, libxl_console_get_tty(w.tb->ctx, GUEST, 0,
                                          LIBXL_CONSOLE_TYPE_PV, &path));
    ATF_CHECK_STREQ("/dev/pts/7", path ? path : "(null)");
    free(path);
}

/* --- channel (4.5+) ---------------------------------------------------- */

#ifdef LIBXL_HAVE_DEVICE_CHANNEL
static void add_channel(struct world *w)
{
    libxl_device_channel ch;
    libxl__device_console console;
    libxl__device device;
    GC_INIT(w->tb->ctx);

    libxl_device_channel_init(&ch);
    ch.devid = 0;
    ch.backend_domid = DRVDOM;
    ch.name = libxl__strdup(NOGC, "org.tb.old");
    libxl_device_channel_init_connection(&ch, LIBXL_CHANNEL_CONNECTION_SOCKET);
    ch.u.socket.path = libxl__strdup(NOGC, "/run/tb/old.sock");
    ATF_REQUIRE_EQ(0, libxl__init_console_from_channel(gc, &console, 1, &ch));
    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, &console, NULL,
                                                &device));
    libxl__device_console_dispose(&console);
    libxl_device_channel_dispose(&ch);
    GC_FREE;
}

TB_TC(channel_list_omits_old_channel,
      "libxl_device_channel_list after the upgrade: the base lists the old "
      "channel, the patched tree lists none")
{
    struct world w = setup(tc, TB_PV);
    libxl_device_channel *list;
    int n = -1, i;

    add_console(&w);
    add_channel(&w);
    upgrade(&w);
    list = libxl_device_channel_list(w.tb->ctx, GUEST, &n);
    ATF_REQUIRE_MSG(n >= 0, "the list failed");
    ATF_CHECK_EQ_MSG(patched() ? 0 : 1, n, "%d channels listed", n);
    for (i = 0; i < n; i++) {
        ATF_CHECK_EQ(LIBXL_CHANNEL_CONNECTION_SOCKET, list[i].connection);
        libxl_device_channel_dispose(&list[i]);
    }
    free(list);
}

TB_TC(channel_getinfo_fails_for_old_channel,
      "libxl_device_channel_getinfo of the old channel: the base reports "
      "its paths, the patched tree fails with a libxl error")
{
    struct world w = setup(tc, TB_PV);
    libxl_device_channel ch;
    libxl_channelinfo info;
    char be[128];
    int rc;

    add_console(&w);
    add_channel(&w);
    upgrade(&w);
    libxl_device_channel_init(&ch);
    ch.devid = 0;
    libxl_device_channel_init_connection(&ch, LIBXL_CHANNEL_CONNECTION_SOCKET);
    libxl_channelinfo_init(&info);
    rc = libxl_device_channel_getinfo(w.tb->ctx, GUEST, &ch, &info);
    snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u/1", DRVDOM,
             GUEST);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
    } else {
        ATF_CHECK_EQ(0, rc);
        ATF_CHECK_STREQ(be, info.backend ? info.backend : "(null)");
    }
    libxl_channelinfo_dispose(&info);
    libxl_device_channel_dispose(&ch);
}
#endif

/* --- retrieve-configuration (4.5+) ------------------------------------- */

#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
TB_TC(retrieve_configuration_omits_old_devices,
      "libxl_retrieve_domain_configuration after the upgrade: the base "
      "returns the old disk, nic and vtpm, the patched tree leaves them out "
      "and returns the disk added since")
{
    struct world w = setup(tc, TB_PV);
    libxl_domain_config c;
    int i;

    add_disk(&w, "xvda", "/dev/tb/old-a", false);
    add_nic(&w, 0, NULL);
    add_vtpm(&w, 0);
    upgrade(&w);
    add_disk(&w, "xvdd", "/dev/tb/new-d", false);
    libxl_domain_config_init(&c);
    ATF_REQUIRE_EQ(0, libxl_retrieve_domain_configuration(w.tb->ctx, GUEST,
                                                          &c));
    ATF_CHECK_EQ_MSG(patched() ? 1 : 2, c.num_disks, "%d disks", c.num_disks);
    for (i = 0; i < c.num_disks; i++) {
        ATF_CHECK_MSG(!patched() || !strcmp(c.disks[i].vdev, "xvdd"),
                      "the patched tree returns %s", c.disks[i].vdev);
        ATF_CHECK_STREQ(disk_pdev(libxl__device_disk_dev_number(
                            c.disks[i].vdev, NULL, NULL)),
                        c.disks[i].pdev_path);
    }
    ATF_CHECK_EQ_MSG(patched() ? 0 : 1, c.num_nics, "%d nics", c.num_nics);
    ATF_CHECK_EQ_MSG(patched() ? 0 : 1, c.num_vtpms, "%d vtpms", c.num_vtpms);
    libxl_domain_config_dispose(&c);
}
#endif

/* --- vusb (4.7) -------------------------------------------------------- */

#ifdef LIBXL_HAVE_PVUSB
#define BUSID   "1-1"

static int add_ctrl(struct world *w, int devid)
{
    libxl_device_usbctrl c;
    int got;

    libxl_device_usbctrl_init(&c);
    c.type = LIBXL_USBCTRL_TYPE_PV;
    c.devid = devid;
    c.version = 2;
    c.ports = 4;
    c.backend_domid = 0;
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_add(w->tb->ctx, GUEST, &c, NULL));
    got = c.devid;
    libxl_device_usbctrl_dispose(&c);
    return got;
}

static void usbdev_config(libxl_device_usbdev *u, int ctrl, int port)
{
    libxl_device_usbdev_init(u);
    u->ctrl = ctrl;
    u->port = port;
    u->type = LIBXL_USBDEV_TYPE_HOSTDEV;
    u->u.hostdev.hostbus = 1;
    u->u.hostdev.hostaddr = 4;
}

/* Old controller 0 with the host device 1-1 on port 2. */
static struct world setup_vusb(const atf_tc_t *tc)
{
    struct world w = setup(tc, TB_PV);
    libxl_device_usbdev u;

    tb_usb_stand_in(w.tb, BUSID, 4);
    add_ctrl(&w, 0);
    usbdev_config(&u, 0, 2);
    ATF_REQUIRE_EQ(0, libxl_device_usbdev_add(w.tb->ctx, GUEST, &u, NULL));
    libxl_device_usbdev_dispose(&u);
    upgrade(&w);
    return w;
}

TB_TC(vusb_usbctrl_list_omits_old_controller,
      "libxl_device_usbctrl_list after the upgrade: the base lists the old "
      "controller, the patched tree lists none")
{
    struct world w = setup_vusb(tc);
    libxl_device_usbctrl *list;
    int n = -1;

    list = libxl_device_usbctrl_list(w.tb->ctx, GUEST, &n);
    ATF_CHECK_EQ_MSG(patched() ? 0 : 1, n, "%d controllers listed", n);
    libxl_device_usbctrl_list_free(list, n);
}

TB_TC(vusb_usbctrl_getinfo_fails_for_old_controller,
      "libxl_device_usbctrl_getinfo of the old controller: the base reports "
      "it, the patched tree fails with a libxl error")
{
    struct world w = setup_vusb(tc);
    libxl_device_usbctrl c;
    libxl_usbctrlinfo info;
    int rc;

    libxl_device_usbctrl_init(&c);
    c.devid = 0;
    libxl_usbctrlinfo_init(&info);
    rc = libxl_device_usbctrl_getinfo(w.tb->ctx, GUEST, &c, &info);
    if (patched())
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
    else {
        ATF_CHECK_EQ(0, rc);
        ATF_CHECK_EQ(4, info.ports);
    }
    libxl_usbctrlinfo_dispose(&info);
    libxl_device_usbctrl_dispose(&c);
}

TB_TC(vusb_usbctrl_devid_lookup_fails_for_old_controller,
      "libxl_devid_to_device_usbctrl of the old controller: the base finds "
      "it, the patched tree fails with a libxl error")
{
    struct world w = setup_vusb(tc);
    libxl_device_usbctrl c;
    int rc;

    libxl_device_usbctrl_init(&c);
    rc = libxl_devid_to_device_usbctrl(w.tb->ctx, GUEST, 0, &c);
    if (patched())
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
    else {
        ATF_CHECK_EQ(0, rc);
        ATF_CHECK_EQ(4, c.ports);
    }
    libxl_device_usbctrl_dispose(&c);
}

TB_TC(vusb_usbdev_list_omits_device_on_old_controller,
      "libxl_device_usbdev_list after the upgrade: the base lists the host "
      "device on the old controller, the patched tree lists none")
{
    struct world w = setup_vusb(tc);
    libxl_device_usbdev *list;
    int n = -1;

    list = libxl_device_usbdev_list(w.tb->ctx, GUEST, &n);
    ATF_CHECK_EQ_MSG(patched() ? 0 : 1, n, "%d usb devices listed", n);
    if (n == 1)
        ATF_CHECK_EQ(2, list[0].port);
    libxl_device_usbdev_list_free(list, n);
}

TB_TC(vusb_ctrlport_lookup_fails_for_old_controller,
      "libxl_ctrlport_to_device_usbdev of port 2 of the old controller: the "
      "base finds the host device, the patched tree fails with a libxl "
      "error")
{
    struct world w = setup_vusb(tc);
    libxl_device_usbdev u;
    int rc;

    libxl_device_usbdev_init(&u);
    rc = libxl_ctrlport_to_device_usbdev(w.tb->ctx, GUEST, 0, 2, &u);
    if (patched())
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
    else {
        ATF_CHECK_EQ(0, rc);
        ATF_CHECK_EQ(1, u.u.hostdev.hostbus);
    }
    libxl_device_usbdev_dispose(&u);
}

TB_TC(vusb_usbctrl_nextid_skips_old_controller,
      "a controller added without a devid after the upgrade gets devid 1, "
      "and the old controller 0 keeps its backend and its device, on both "
      "sides")
{
    struct world w = setup_vusb(tc);

    ATF_CHECK_EQ(1, add_ctrl(&w, -1));
    TB_REQUIRE_XS(w.tb, BUSID, "/local/domain/0/backend/vusb/%u/0/port/2",
                  GUEST);
    TB_REQUIRE_XS(w.tb, "4", "/local/domain/0/backend/vusb/%u/0/num-ports",
                  GUEST);
}

TB_TC(vusb_usbdev_add_to_old_controller_fails_cleanly,
      "libxl_device_usbdev_add to port 3 of the old controller: the base "
      "assigns it, the patched tree fails with a libxl error and leaves the "
      "controller's ports as they were")
{
    struct world w = setup_vusb(tc);
    libxl_device_usbdev u;
    int rc;

    tb_usb_stand_in(w.tb, "1-2", 5);
    usbdev_config(&u, 0, 3);
    u.u.hostdev.hostaddr = 5;
    rc = libxl_device_usbdev_add(w.tb->ctx, GUEST, &u, NULL);
    libxl_device_usbdev_dispose(&u);
    TB_REQUIRE_XS(w.tb, BUSID, "/local/domain/0/backend/vusb/%u/0/port/2",
                  GUEST);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
        TB_REQUIRE_XS(w.tb, "", "/local/domain/0/backend/vusb/%u/0/port/3",
                      GUEST);
    } else {
        ATF_CHECK_EQ(0, rc);
        TB_REQUIRE_XS(w.tb, "1-2", "/local/domain/0/backend/vusb/%u/0/port/3",
                      GUEST);
    }
}

TB_TC(vusb_usbdev_remove_from_old_controller_fails_cleanly,
      "libxl_device_usbdev_remove of the device on port 2 of the old "
      "controller: the base frees the port, the patched tree fails with a "
      "libxl error and leaves it")
{
    struct world w = setup_vusb(tc);
    libxl_device_usbdev u;
    int rc;

    usbdev_config(&u, 0, 2);
    rc = libxl_device_usbdev_remove(w.tb->ctx, GUEST, &u, NULL);
    libxl_device_usbdev_dispose(&u);
    if (patched()) {
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
        TB_REQUIRE_XS(w.tb, BUSID, "/local/domain/0/backend/vusb/%u/0/port/2",
                      GUEST);
    } else {
        ATF_CHECK_EQ(0, rc);
        TB_REQUIRE_XS(w.tb, "", "/local/domain/0/backend/vusb/%u/0/port/2",
                      GUEST);
    }
}

TB_TC(vusb_usbctrl_remove_of_old_controller,
      "libxl_device_usbctrl_remove of the old controller, given its devid "
      "and backend domain: pinned per side")
{
    struct world w = setup_vusb(tc);
    libxl_device_usbctrl c;
    int rc;

    libxl_device_usbctrl_init(&c);
    c.devid = 0;
    c.backend_domid = 0;
    c.type = LIBXL_USBCTRL_TYPE_PV;
    rc = libxl_device_usbctrl_remove(w.tb->ctx, GUEST, &c, NULL);
    libxl_device_usbctrl_dispose(&c);
    if (patched())
        ATF_CHECK_MSG(rc < 0, "rc %d", rc);
    else {
        ATF_CHECK_EQ(0, rc);
        check_gone(&w, "vusb", 0, 0);
    }
}
#endif

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, vbd_cdrom_list_omits_old_devices);
    ATF_TP_ADD_TC(tp, vbd_vdev_lookup_fails_for_old_device);
    ATF_TP_ADD_TC(tp, cdrom_vdev_lookup_fails_for_old_device);
    ATF_TP_ADD_TC(tp, vbd_getinfo_fails_for_old_device);
    ATF_TP_ADD_TC(tp, cdrom_getinfo_fails_for_old_device);
    ATF_TP_ADD_TC(tp, vbd_detach_by_vdev_of_old_disk_touches_no_other_disk);
    ATF_TP_ADD_TC(tp, vbd_remove_of_old_disk_removes_that_disk_only);
#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
    ATF_TP_ADD_TC(tp, vbd_add_at_old_vdev_is_refused);
#endif
    ATF_TP_ADD_TC(tp, cdrom_eject_event_of_old_cdrom_is_not_raised);
    ATF_TP_ADD_TC(tp, cdrom_insert_into_old_cdrom_fails_cleanly);
    ATF_TP_ADD_TC(tp, vif_list_omits_old_nics);
    ATF_TP_ADD_TC(tp, vif_devid_lookup_fails_for_old_nic);
    ATF_TP_ADD_TC(tp, vif_getinfo_fails_for_old_nic);
    ATF_TP_ADD_TC(tp, vif_detach_by_devid_of_old_nic_touches_no_other_nic);
    ATF_TP_ADD_TC(tp, vif_remove_of_old_nic_removes_that_nic_only);
    ATF_TP_ADD_TC(tp, vif_nextid_skips_old_nics);
    ATF_TP_ADD_TC(tp, vtpm_list_omits_old_vtpms);
    ATF_TP_ADD_TC(tp, vtpm_getinfo_fails_for_old_vtpm);
    ATF_TP_ADD_TC(tp, vtpm_devid_lookup_fails_for_old_vtpm);
    ATF_TP_ADD_TC(tp, vtpm_uuid_lookup_fails_for_old_vtpm);
    ATF_TP_ADD_TC(tp, vtpm_remove_of_old_vtpm_removes_that_vtpm_only);
    ATF_TP_ADD_TC(tp, vtpm_nextid_skips_old_vtpms);
    ATF_TP_ADD_TC(tp, domain_destroy_leaves_backends_of_old_devices);
    ATF_TP_ADD_TC(tp, console_get_tty_reports_old_console);
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    ATF_TP_ADD_TC(tp, channel_list_omits_old_channel);
    ATF_TP_ADD_TC(tp, channel_getinfo_fails_for_old_channel);
#endif
#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
    ATF_TP_ADD_TC(tp, retrieve_configuration_omits_old_devices);
#endif
#ifdef LIBXL_HAVE_PVUSB
    ATF_TP_ADD_TC(tp, vusb_usbctrl_list_omits_old_controller);
    ATF_TP_ADD_TC(tp, vusb_usbctrl_getinfo_fails_for_old_controller);
    ATF_TP_ADD_TC(tp, vusb_usbctrl_devid_lookup_fails_for_old_controller);
    ATF_TP_ADD_TC(tp, vusb_usbdev_list_omits_device_on_old_controller);
    ATF_TP_ADD_TC(tp, vusb_ctrlport_lookup_fails_for_old_controller);
    ATF_TP_ADD_TC(tp, vusb_usbctrl_nextid_skips_old_controller);
    ATF_TP_ADD_TC(tp, vusb_usbdev_add_to_old_controller_fails_cleanly);
    ATF_TP_ADD_TC(tp, vusb_usbdev_remove_from_old_controller_fails_cleanly);
    ATF_TP_ADD_TC(tp, vusb_usbctrl_remove_of_old_controller);
#endif
    return atf_no_error();
}
