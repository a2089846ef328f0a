/*
 * Security tests of libxl's own record of a guest's devices (XSA-178,
 * CVE-2016-4963): for every device kind the release can add through its
 * public API, with the backend in dom0 and in a driver domain, the add
 * leaves under /libxl/$DOMID/device/$KIND/$DEVID the frontend and backend
 * paths and a copy of everything libxl wrote to the backend, which only
 * dom0 can write; device remove and domain destroy take the record away.
 *
 * An unpatched libxl keeps no such record: the only copy of a device's
 * configuration is the backend directory, which the driver domain owns,
 * so every case here fails on the base.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"
#include "tb-mirror.h"

#define GUEST   1
#define DRVDOM  2
#define OTHER   3
#define XVDA    51712   /* (202 << 8) | (0 << 4) */
#define XVDB    51728   /* (202 << 8) | (1 << 4) */
#define XVDC    51744   /* (202 << 8) | (2 << 4) */
#define TPM_UUID "2b9b4d53-17c9-4b8e-9a53-6d0c0a1e5f01"

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    return tb_start_guest(tc, bdom);
}

/* Paths of a device of domid: frontend, and backend served by bdom. */
static void dev_paths(char *fe, char *be, size_t len, uint32_t domid,
                      uint32_t bdom, const char *kind, unsigned int devid)
{
    snprintf(fe, len, "/local/domain/%u/device/%s/%u", (unsigned)domid, kind,
             devid);
    snprintf(be, len, "/local/domain/%u/backend/%s/%u/%u", (unsigned)bdom,
             kind, (unsigned)domid, devid);
}

static void require_record(struct tb *tb, uint32_t domid, uint32_t bdom,
                           const char *kind, unsigned int devid,
                           const char *const *want)
{
    char fe[256], be[256];

    dev_paths(fe, be, sizeof(fe), domid, bdom, kind, devid);
    tb_mirror_require(tb, domid, kind, devid, fe, be, want);
}

static void require_no_record(struct tb *tb, uint32_t domid, const char *kind,
                              unsigned int devid)
{
    char lp[256];

    tb_mirror_path(lp, sizeof(lp), domid, kind, devid);
    ATF_CHECK_MSG(!tb_xs_exists(tb, "%s", lp), "%s is left", lp);
    ATF_CHECK_MSG(!tb_xs_exists(tb, "%s/backend", lp), "%s/backend is left", lp);
}

/* --- the device kinds --------------------------------------------------- */

static void disk_config(libxl_device_disk *d, uint32_t bdom, const char *vdev,
                        bool cdrom)
{
    libxl_device_disk_init(d);
    d->backend_domid = bdom;
    d->vdev = strdup(vdev);
    d->backend = LIBXL_DISK_BACKEND_PHY;
    d->format = LIBXL_DISK_FORMAT_RAW;
    d->script = strdup(tb_hotplug_script());
    if (cdrom) {
        d->pdev_path = strdup("/srv/tb/install.iso");
        d->is_cdrom = 1;
        d->removable = 1;
        d->readwrite = 0;
    } else {
        char path[64];

        snprintf(path, sizeof(path), "/dev/tb/guest1-%s", vdev);
        d->pdev_path = strdup(path);
        d->readwrite = 1;
    }
}

static void add_disk(struct tb *tb, uint32_t bdom, const char *vdev,
                     bool cdrom)
{
    libxl_device_disk d;

    disk_config(&d, bdom, vdev, cdrom);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

static void remove_disk(struct tb *tb, uint32_t bdom, const char *vdev,
                        bool cdrom)
{
    libxl_device_disk d;

    disk_config(&d, bdom, vdev, cdrom);
    ATF_REQUIRE_EQ(0, libxl_device_disk_remove(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

static void add_vbd(struct tb *tb, uint32_t bdom)
{
    add_disk(tb, bdom, "xvda", false);
}

static void remove_vbd(struct tb *tb, uint32_t bdom)
{
    remove_disk(tb, bdom, "xvda", false);
}

static void check_vbd(struct tb *tb, uint32_t bdom)
{
    const char *want[] = {
        "params", "/dev/tb/guest1-xvda", "type", "phy", "mode", "w",
        "dev", "xvda", "device-type", "disk", "removable", "0",
        "script", tb_hotplug_script(), "frontend-id", "1", "online", "1",
        "state", "1", NULL
    };

    require_record(tb, GUEST, bdom, "vbd", XVDA, want);
}

static void add_cdrom(struct tb *tb, uint32_t bdom)
{
    add_disk(tb, bdom, "xvdc", true);
}

static void remove_cdrom(struct tb *tb, uint32_t bdom)
{
    remove_disk(tb, bdom, "xvdc", true);
}

static void check_cdrom(struct tb *tb, uint32_t bdom)
{
    const char *want[] = {
        "params", "/srv/tb/install.iso", "type", "phy", "mode", "r",
        "dev", "xvdc", "device-type", "cdrom", "removable", "1",
        "frontend-id", "1", "online", "1", "state", "1", NULL
    };

    require_record(tb, GUEST, bdom, "vbd", XVDC, want);
}

static void nic_config(libxl_device_nic *n, uint32_t bdom)
{
    static const libxl_mac mac = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x01 };

    libxl_device_nic_init(n);
    n->backend_domid = bdom;
    n->devid = 0;
    memcpy(n->mac, mac, sizeof(mac));
    n->bridge = strdup("xenbr-tb");
    n->ip = strdup("192.0.2.17");
    n->script = strdup(tb_hotplug_script());
    n->nictype = LIBXL_NIC_TYPE_VIF;
}

static void add_vif(struct tb *tb, uint32_t bdom)
{
    libxl_device_nic n;

    nic_config(&n, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);
}

static void remove_vif(struct tb *tb, uint32_t bdom)
{
    libxl_device_nic n;

    nic_config(&n, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_nic_remove(tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);
}

static void check_vif(struct tb *tb, uint32_t bdom)
{
    const char *want[] = {
        "mac", "00:16:3e:17:8a:01", "bridge", "xenbr-tb", "ip", "192.0.2.17",
        "script", tb_hotplug_script(), "handle", "0", "frontend-id", "1",
        "online", "1", "state", "1", NULL
    };

    require_record(tb, GUEST, bdom, "vif", 0, want);
}

static void vtpm_config(libxl_device_vtpm *v, uint32_t bdom)
{
    libxl_device_vtpm_init(v);
    v->backend_domid = bdom;
    v->devid = 0;
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&v->uuid, TPM_UUID));
}

static void add_vtpm(struct tb *tb, uint32_t bdom)
{
    libxl_device_vtpm v;

    vtpm_config(&v, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);
}

static void remove_vtpm(struct tb *tb, uint32_t bdom)
{
    libxl_device_vtpm v;

    vtpm_config(&v, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_remove(tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);
}

static void check_vtpm(struct tb *tb, uint32_t bdom)
{
    const char *want[] = {
        "uuid", TPM_UUID, "frontend-id", "1", "online", "1", "state", "1",
        NULL
    };

    require_record(tb, GUEST, bdom, "vtpm", 0, want);
}

static void vfb_config(libxl_device_vfb *v, uint32_t bdom)
{
    libxl_device_vfb_init(v);
    v->backend_domid = bdom;
    v->devid = 0;
    libxl_defbool_set(&v->vnc.enable, true);
    v->vnc.listen = strdup("127.0.0.1");
    v->vnc.passwd = strdup("tb-vnc-secret");
    v->vnc.display = 3;
    libxl_defbool_set(&v->vnc.findunused, false);
    libxl_defbool_set(&v->sdl.enable, false);
}

static void add_vfb(struct tb *tb, uint32_t bdom)
{
    libxl_device_vfb v;

    vfb_config(&v, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_vfb_add(tb->ctx, GUEST, &v, NULL));
    libxl_device_vfb_dispose(&v);
}

static void remove_vfb(struct tb *tb, uint32_t bdom)
{
    libxl_device_vfb v;

    vfb_config(&v, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_vfb_remove(tb->ctx, GUEST, &v, NULL));
    libxl_device_vfb_dispose(&v);
}

static void check_vfb(struct tb *tb, uint32_t bdom)
{
    const char *want[] = {
        "vnc", "1", "vnclisten", "127.0.0.1", "vncpasswd", "tb-vnc-secret",
        "vncdisplay", "3", "vncunused", "0", "sdl", "0", "frontend-id", "1",
        "online", "1", "state", "1", NULL
    };

    require_record(tb, GUEST, bdom, "vfb", 0, want);
}

static void vkb_config(libxl_device_vkb *v, uint32_t bdom)
{
    libxl_device_vkb_init(v);
    v->backend_domid = bdom;
    v->devid = 0;
}

static void add_vkb(struct tb *tb, uint32_t bdom)
{
    libxl_device_vkb v;

    vkb_config(&v, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_vkb_add(tb->ctx, GUEST, &v, NULL));
    libxl_device_vkb_dispose(&v);
}

static void remove_vkb(struct tb *tb, uint32_t bdom)
{
    libxl_device_vkb v;

    vkb_config(&v, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_vkb_remove(tb->ctx, GUEST, &v, NULL));
    libxl_device_vkb_dispose(&v);
}

static void check_vkb(struct tb *tb, uint32_t bdom)
{
    const char *want[] = {
        "frontend-id", "1", "online", "1", "state", "1", NULL
    };

    /* libxl's xenstore name for the keyboard is vkbd */
    require_record(tb, GUEST, bdom, "vkbd", 0, want);
}

#ifdef LIBXL_HAVE_PVUSB
static void usbctrl_config(libxl_device_usbctrl *u, uint32_t bdom)
{
    libxl_device_usbctrl_init(u);
    u->backend_domid = bdom;
    u->devid = 0;
    u->type = LIBXL_USBCTRL_TYPE_PV;
    u->version = 2;
    u->ports = 4;
}

static void add_vusb(struct tb *tb, uint32_t bdom)
{
    libxl_device_usbctrl u;

    usbctrl_config(&u, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_add(tb->ctx, GUEST, &u, NULL));
    libxl_device_usbctrl_dispose(&u);
}

static void remove_vusb(struct tb *tb, uint32_t bdom)
{
    libxl_device_usbctrl u;

    usbctrl_config(&u, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_remove(tb->ctx, GUEST, &u, NULL));
    libxl_device_usbctrl_dispose(&u);
}

static void check_vusb(struct tb *tb, uint32_t bdom)
{
    const char *want[] = {
        "type", "pv", "usb-ver", "2", "num-ports", "4", "port", "",
        "port/1", "", "port/4", "", "frontend-id", "1", "online", "1",
        "state", "1", NULL
    };

    require_record(tb, GUEST, bdom, "vusb", 0, want);
}
#endif

/* --- add ------------------------------------------------------------------ */

#define ADD_TC(kind, where, bdom, what)                                     \
    TB_FIX_TC(kind##_add_##where##_backend_keeps_trusted_copy,              \
              #kind " add, backend in " what ", records the frontend and "  \
              "backend paths and copies every backend node libxl wrote "    \
              "under /libxl, writable by dom0 only",                        \
              "libxl__device_generic_add", #kind, "XSA-178")                \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_##kind(tb, bdom);                                               \
        check_##kind(tb, bdom);                                             \
    }

ADD_TC(vbd, dom0, 0, "dom0")
ADD_TC(vbd, driver_domain, DRVDOM, "a driver domain")
ADD_TC(cdrom, dom0, 0, "dom0")
ADD_TC(cdrom, driver_domain, DRVDOM, "a driver domain")
ADD_TC(vif, dom0, 0, "dom0")
ADD_TC(vif, driver_domain, DRVDOM, "a driver domain")
ADD_TC(vtpm, dom0, 0, "dom0")
ADD_TC(vtpm, driver_domain, DRVDOM, "a driver domain")
ADD_TC(vfb, dom0, 0, "dom0")
ADD_TC(vfb, driver_domain, DRVDOM, "a driver domain")
ADD_TC(vkb, dom0, 0, "dom0")
ADD_TC(vkb, driver_domain, DRVDOM, "a driver domain")
#ifdef LIBXL_HAVE_PVUSB
ADD_TC(vusb, dom0, 0, "dom0")
ADD_TC(vusb, driver_domain, DRVDOM, "a driver domain")
#endif

TB_FIX_TC(vbd_add_copy_does_not_follow_hostile_backend,
          "the copy of a disk's backend keeps what libxl wrote after the "
          "driver domain rewrote params, mode and type",
          "libxl__device_generic_add", "vbd", "XSA-178")
{
    struct tb *tb = tb_start(tc);
    struct tb_sim *drvdom;

    tb_domain_create(tb, DRVDOM, "driverdom", TB_PV);
    drvdom = tb_backend_start(tb, DRVDOM);
    tb_domain_create(tb, GUEST, "guest1", TB_PV);
    add_vbd(tb, DRVDOM);
    TB_HOSTILE(drvdom, "write vbd/%u/%u/params /dev/tb/dom0-root", GUEST, XVDA);
    TB_HOSTILE(drvdom, "write vbd/%u/%u/mode w!", GUEST, XVDA);
    TB_HOSTILE(drvdom, "write vbd/%u/%u/type qdisk", GUEST, XVDA);
    TB_REQUIRE_XS(tb, "/dev/tb/guest1-xvda", "/libxl/%u/device/vbd/%u/params",
                  GUEST, XVDA);
    TB_REQUIRE_XS(tb, "w", "/libxl/%u/device/vbd/%u/mode", GUEST, XVDA);
    TB_REQUIRE_XS(tb, "phy", "/libxl/%u/device/vbd/%u/type", GUEST, XVDA);
}

/* --- remove --------------------------------------------------------------- */

#define REMOVE_TC(kind, xskind, devid, where, bdom, what)                   \
    TB_FIX_TC(kind##_remove_##where##_backend_drops_trusted_copy,           \
              #kind " remove, backend in " what ", leaves no /libxl "       \
              "record of the device",                                       \
              "libxl__device_destroy", #kind, "XSA-178")                    \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_##kind(tb, bdom);                                               \
        check_##kind(tb, bdom);                                             \
        remove_##kind(tb, bdom);                                            \
        require_no_record(tb, GUEST, xskind, devid);                        \
    }

REMOVE_TC(vbd, "vbd", XVDA, dom0, 0, "dom0")
REMOVE_TC(vbd, "vbd", XVDA, driver_domain, DRVDOM, "a driver domain")
REMOVE_TC(cdrom, "vbd", XVDC, dom0, 0, "dom0")
REMOVE_TC(cdrom, "vbd", XVDC, driver_domain, DRVDOM, "a driver domain")
REMOVE_TC(vif, "vif", 0, dom0, 0, "dom0")
REMOVE_TC(vif, "vif", 0, driver_domain, DRVDOM, "a driver domain")
REMOVE_TC(vtpm, "vtpm", 0, dom0, 0, "dom0")
REMOVE_TC(vtpm, "vtpm", 0, driver_domain, DRVDOM, "a driver domain")
REMOVE_TC(vfb, "vfb", 0, dom0, 0, "dom0")
REMOVE_TC(vfb, "vfb", 0, driver_domain, DRVDOM, "a driver domain")
REMOVE_TC(vkb, "vkbd", 0, dom0, 0, "dom0")
REMOVE_TC(vkb, "vkbd", 0, driver_domain, DRVDOM, "a driver domain")
#ifdef LIBXL_HAVE_PVUSB
REMOVE_TC(vusb, "vusb", 0, dom0, 0, "dom0")
REMOVE_TC(vusb, "vusb", 0, driver_domain, DRVDOM, "a driver domain")
#endif

TB_FIX_TC(vbd_remove_keeps_other_disks_trusted_copy,
          "removing one disk of a guest leaves the /libxl record of its "
          "other disk whole",
          "libxl__device_destroy", "vbd", "XSA-178")
{
    struct tb *tb = setup(tc, DRVDOM);
    const char *want[] = { "params", "/dev/tb/guest1-xvdb", "dev", "xvdb",
                           NULL };

    add_vbd(tb, DRVDOM);
    add_disk(tb, DRVDOM, "xvdb", false);
    remove_vbd(tb, DRVDOM);
    require_no_record(tb, GUEST, "vbd", XVDA);
    require_record(tb, GUEST, DRVDOM, "vbd", XVDB, want);
}

/* --- domain destroy ------------------------------------------------------- */

TB_FIX_TC(domain_destroy_drops_every_trusted_copy,
          "libxl_domain_destroy of a guest with a disk served by dom0 and a "
          "nic, a vtpm and a vkb served by a driver domain leaves no /libxl "
          "record of its devices, and another guest's records whole",
          "libxl_domain_destroy", "vbd", "XSA-178")
{
    struct tb *tb = setup(tc, DRVDOM);
    const char *other[] = { "uuid", TPM_UUID, NULL };

    tb_backend_start(tb, 0);
    tb_domain_create(tb, OTHER, "guest3", TB_PV);
    add_vbd(tb, 0);
    add_vif(tb, DRVDOM);
    add_vtpm(tb, DRVDOM);
    add_vkb(tb, DRVDOM);
    {
        libxl_device_vtpm v;

        vtpm_config(&v, DRVDOM);
        ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(tb->ctx, OTHER, &v, NULL));
        libxl_device_vtpm_dispose(&v);
    }
    check_vbd(tb, 0);
    check_vif(tb, DRVDOM);
    check_vtpm(tb, DRVDOM);
    check_vkb(tb, DRVDOM);
    require_record(tb, OTHER, DRVDOM, "vtpm", 0, other);

    ATF_REQUIRE_EQ(0, libxl_domain_destroy(tb->ctx, GUEST, NULL));
    require_no_record(tb, GUEST, "vbd", XVDA);
    require_no_record(tb, GUEST, "vif", 0);
    require_no_record(tb, GUEST, "vtpm", 0);
    require_no_record(tb, GUEST, "vkbd", 0);
    ATF_CHECK(!tb_xs_exists(tb, "/libxl/%u/device", GUEST));
    require_record(tb, OTHER, DRVDOM, "vtpm", 0, other);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, vbd_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vbd_add_driver_domain_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, cdrom_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, cdrom_add_driver_domain_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vif_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vif_add_driver_domain_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vtpm_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vtpm_add_driver_domain_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vfb_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vfb_add_driver_domain_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vkb_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vkb_add_driver_domain_backend_keeps_trusted_copy);
#ifdef LIBXL_HAVE_PVUSB
    ATF_TP_ADD_TC(tp, vusb_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, vusb_add_driver_domain_backend_keeps_trusted_copy);
#endif
    ATF_TP_ADD_TC(tp, vbd_add_copy_does_not_follow_hostile_backend);
    ATF_TP_ADD_TC(tp, vbd_remove_dom0_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vbd_remove_driver_domain_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, cdrom_remove_dom0_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, cdrom_remove_driver_domain_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vif_remove_dom0_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vif_remove_driver_domain_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vtpm_remove_dom0_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vtpm_remove_driver_domain_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vfb_remove_dom0_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vfb_remove_driver_domain_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vkb_remove_dom0_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vkb_remove_driver_domain_backend_drops_trusted_copy);
#ifdef LIBXL_HAVE_PVUSB
    ATF_TP_ADD_TC(tp, vusb_remove_dom0_backend_drops_trusted_copy);
    ATF_TP_ADD_TC(tp, vusb_remove_driver_domain_backend_drops_trusted_copy);
#endif
    ATF_TP_ADD_TC(tp, vbd_remove_keeps_other_disks_trusted_copy);
    ATF_TP_ADD_TC(tp, domain_destroy_drops_every_trusted_copy);
    return atf_no_error();
}
