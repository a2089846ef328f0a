/*
 * Functional tests of PVUSB (LIBXL_HAVE_PVUSB, 4.7): USB controllers with
 * the backend in dom0 or a driver domain (add, list, getinfo, lookup by
 * devid, remove) and a host USB device passed through to a controller in
 * dom0 (add, list, remove).
 *
 * libxl finds host USB devices under /sys/bus/usb/devices and hands them
 * to the usbback driver by writing usbback's bind file; the stand-in
 * redirects /sys/bus/usb into the sandbox, where usb_device() lays out
 * what the kernel would show for one device.  4.7 writes a device's port
 * under the toolstack domain's backend directory, so passing a device
 * through needs a controller served by dom0.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tb.h"

#define GUEST   1
#define DRVDOM  2
#define BUSID   "1-1"
#define INTF    "1-1:1.0"
#define HOSTBUS 1
#define HOSTADDR 4

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    struct tb *tb = tb_start(tc);

    if (bdom != 0)
        tb_domain_create(tb, bdom, "usbdom", TB_PV);
    tb_backend_start(tb, bdom);
    tb_domain_create(tb, GUEST, "guest1", TB_PV);
    return tb;
}

/* A mass storage device on bus 1, address 4, with usbback loaded. */
static void usb_device(struct tb *tb)
{
    tb_usb_stand_in(tb, BUSID, HOSTADDR);
}

static void ctrl_config(libxl_device_usbctrl *c, uint32_t bdom)
{
    libxl_device_usbctrl_init(c);
    c->type = LIBXL_USBCTRL_TYPE_PV;
    c->devid = 0;
    c->version = 2;
    c->ports = 4;
    c->backend_domid = bdom;
}

static void add_ctrl(struct tb *tb, uint32_t bdom)
{
    libxl_device_usbctrl c;

    ctrl_config(&c, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_add(tb->ctx, GUEST, &c, NULL));
    libxl_device_usbctrl_dispose(&c);
}

static void check_ctrl(const libxl_device_usbctrl *c, uint32_t bdom)
{
    ATF_CHECK_EQ(LIBXL_USBCTRL_TYPE_PV, c->type);
    ATF_CHECK_EQ(0, c->devid);
    ATF_CHECK_EQ(2, c->version);
    ATF_CHECK_EQ(4, c->ports);
    ATF_CHECK_EQ(bdom, c->backend_domid);
}

static void check_written(struct tb *tb, uint32_t bdom)
{
    char be[128], fe[128], v[16];
    int i;

    snprintf(be, sizeof(be), "/local/domain/%u/backend/vusb/%u/0",
             (unsigned)bdom, GUEST);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vusb/0", GUEST);
    TB_REQUIRE_XS(tb, "pv", "%s/type", be);
    TB_REQUIRE_XS(tb, "2", "%s/usb-ver", be);
    TB_REQUIRE_XS(tb, "4", "%s/num-ports", be);
    TB_REQUIRE_XS(tb, "1", "%s/frontend-id", be);
    TB_REQUIRE_XS(tb, fe, "%s/frontend", be);
    for (i = 1; i <= 4; i++)
        TB_REQUIRE_XS(tb, "", "%s/port/%d", be, i);
    TB_REQUIRE_XS(tb, NULL, "%s/port/5", be);
    TB_REQUIRE_XS(tb, be, "%s/backend", fe);
    snprintf(v, sizeof(v), "%u", (unsigned)bdom);
    TB_REQUIRE_XS(tb, v, "%s/backend-id", fe);
    /* the backend driver probed the controller */
    TB_REQUIRE_XS(tb, "2", "%s/state", be);
}

static void check_list(struct tb *tb, uint32_t bdom)
{
    libxl_device_usbctrl *list;
    int n = -1;

    list = libxl_device_usbctrl_list(tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ(1, n);
    check_ctrl(&list[0], bdom);
    libxl_device_usbctrl_list_free(list, n);
}

static void check_getinfo(struct tb *tb, uint32_t bdom)
{
    libxl_device_usbctrl c;
    libxl_usbctrlinfo info;
    char be[128], fe[128];

    ctrl_config(&c, bdom);
    libxl_usbctrlinfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_getinfo(tb->ctx, GUEST, &c, &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vusb/%u/0",
             (unsigned)bdom, GUEST);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vusb/0", GUEST);
    ATF_CHECK_EQ(LIBXL_USBCTRL_TYPE_PV, info.type);
    ATF_CHECK_EQ(0, info.devid);
    ATF_CHECK_EQ(2, info.version);
    ATF_CHECK_EQ(4, info.ports);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(bdom, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend);
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(TB_XENBUS_INITIALISING, info.state);
    /* no frontend has published its rings */
    ATF_CHECK_EQ(-1, info.evtch);
    ATF_CHECK_EQ(-1, info.ref_urb);
    libxl_usbctrlinfo_dispose(&info);
    libxl_device_usbctrl_dispose(&c);
}

static void check_lookup(struct tb *tb, uint32_t bdom)
{
    libxl_device_usbctrl c;

    libxl_device_usbctrl_init(&c);
    ATF_REQUIRE_EQ(0, libxl_devid_to_device_usbctrl(tb->ctx, GUEST, 0, &c));
    check_ctrl(&c, bdom);
    libxl_device_usbctrl_dispose(&c);
}

static void remove_ctrl(struct tb *tb, uint32_t bdom)
{
    libxl_device_usbctrl c, *list;
    int n = -1;

    ctrl_config(&c, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_remove(tb->ctx, GUEST, &c, NULL));
    libxl_device_usbctrl_dispose(&c);
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/backend/vusb/%u/0",
                            (unsigned)bdom, GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/device/vusb/0", GUEST));
    list = libxl_device_usbctrl_list(tb->ctx, GUEST, &n);
    ATF_CHECK_EQ(0, n);
    libxl_device_usbctrl_list_free(list, n);
}

#define CTRL_TCS(where, bdom, what)                                         \
    TB_TC(usbctrl_add_##where##_backend_writes_configured_keys,             \
          "usbctrl add, backend in " what ", writes type, version, ports "  \
          "and both paths and completes once the backend waits")            \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_ctrl(tb, bdom);                                                 \
        check_written(tb, bdom);                                            \
    }                                                                       \
    TB_TC(usbctrl_list_##where##_backend_returns_configured_controller,     \
          "libxl_device_usbctrl_list returns the controller as "            \
          "configured, backend in " what)                                   \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_ctrl(tb, bdom);                                                 \
        check_list(tb, bdom);                                               \
    }                                                                       \
    TB_TC(usbctrl_getinfo_##where##_backend_reports_paths_and_ports,        \
          "libxl_device_usbctrl_getinfo reports paths, ids, state, "        \
          "version and ports, backend in " what)                            \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_ctrl(tb, bdom);                                                 \
        check_getinfo(tb, bdom);                                            \
    }                                                                       \
    TB_TC(usbctrl_lookup_##where##_backend_finds_configured_controller,     \
          "libxl_devid_to_device_usbctrl finds the controller, backend in " \
          what)                                                             \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_ctrl(tb, bdom);                                                 \
        check_lookup(tb, bdom);                                             \
    }                                                                       \
    TB_TC(usbctrl_remove_##where##_backend_clears_xenstore,                 \
          "usbctrl remove, backend in " what ", removes both xenstore "     \
          "directories")                                                    \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_ctrl(tb, bdom);                                                 \
        remove_ctrl(tb, bdom);                                              \
    }

CTRL_TCS(dom0, 0, "dom0")
CTRL_TCS(driver_domain, DRVDOM, "a driver domain")

static void usbdev_config(libxl_device_usbdev *u)
{
    libxl_device_usbdev_init(u);
    u->ctrl = 0;
    u->port = 2;
    u->type = LIBXL_USBDEV_TYPE_HOSTDEV;
    u->u.hostdev.hostbus = HOSTBUS;
    u->u.hostdev.hostaddr = HOSTADDR;
}

static void add_usbdev(struct tb *tb)
{
    libxl_device_usbdev u;

    usb_device(tb);
    add_ctrl(tb, 0);
    usbdev_config(&u);
    ATF_REQUIRE_EQ(0, libxl_device_usbdev_add(tb->ctx, GUEST, &u, NULL));
    libxl_device_usbdev_dispose(&u);
}

TB_TC(usbdev_add_dom0_backend_assigns_device_to_port,
      "usbdev add puts the host device's bus id on the configured port "
      "and binds its interface to usbback")
{
    struct tb *tb = setup(tc, 0);
    char *bound;

    add_usbdev(tb);
    TB_REQUIRE_XS(tb, BUSID, "/local/domain/0/backend/vusb/%u/0/port/2",
                  GUEST);
    TB_REQUIRE_XS(tb, "", "/local/domain/0/backend/vusb/%u/0/port/1", GUEST);
    bound = tb_sys_get(tb, "drivers/usbback/bind");
    ATF_CHECK_STREQ(INTF, bound);
    free(bound);
    ATF_CHECK_EQ(0, tb_escapes(tb));
}

TB_TC(usbdev_list_dom0_backend_returns_assigned_device,
      "libxl_device_usbdev_list returns the device with its controller, "
      "port, host bus and address")
{
    struct tb *tb = setup(tc, 0);
    libxl_device_usbdev *list;
    int n = -1;

    add_usbdev(tb);
    list = libxl_device_usbdev_list(tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ(1, n);
    ATF_CHECK_EQ(0, list[0].ctrl);
    ATF_CHECK_EQ(2, list[0].port);
    ATF_CHECK_EQ(LIBXL_USBDEV_TYPE_HOSTDEV, list[0].type);
    ATF_CHECK_EQ(HOSTBUS, list[0].u.hostdev.hostbus);
    ATF_CHECK_EQ(HOSTADDR, list[0].u.hostdev.hostaddr);
    libxl_device_usbdev_list_free(list, n);
}

TB_TC(usbdev_remove_dom0_backend_frees_port,
      "usbdev remove empties the port; the device is no longer listed")
{
    struct tb *tb = setup(tc, 0);
    libxl_device_usbdev u, *list;
    int n = -1;

    add_usbdev(tb);
    usbdev_config(&u);
    ATF_REQUIRE_EQ(0, libxl_device_usbdev_remove(tb->ctx, GUEST, &u, NULL));
    libxl_device_usbdev_dispose(&u);
    TB_REQUIRE_XS(tb, "", "/local/domain/0/backend/vusb/%u/0/port/2", GUEST);
    list = libxl_device_usbdev_list(tb->ctx, GUEST, &n);
    ATF_CHECK_EQ(0, n);
    libxl_device_usbdev_list_free(list, n);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, usbctrl_add_dom0_backend_writes_configured_keys);
    ATF_TP_ADD_TC(tp, usbctrl_list_dom0_backend_returns_configured_controller);
    ATF_TP_ADD_TC(tp, usbctrl_getinfo_dom0_backend_reports_paths_and_ports);
    ATF_TP_ADD_TC(tp, usbctrl_lookup_dom0_backend_finds_configured_controller);
    ATF_TP_ADD_TC(tp, usbctrl_remove_dom0_backend_clears_xenstore);
    ATF_TP_ADD_TC(tp, usbctrl_add_driver_domain_backend_writes_configured_keys);
    ATF_TP_ADD_TC(tp, usbctrl_list_driver_domain_backend_returns_configured_controller);
    ATF_TP_ADD_TC(tp, usbctrl_getinfo_driver_domain_backend_reports_paths_and_ports);
    ATF_TP_ADD_TC(tp, usbctrl_lookup_driver_domain_backend_finds_configured_controller);
    ATF_TP_ADD_TC(tp, usbctrl_remove_driver_domain_backend_clears_xenstore);
    ATF_TP_ADD_TC(tp, usbdev_add_dom0_backend_assigns_device_to_port);
    ATF_TP_ADD_TC(tp, usbdev_list_dom0_backend_returns_assigned_device);
    ATF_TP_ADD_TC(tp, usbdev_remove_dom0_backend_frees_port);
    return atf_no_error();
}
