/*
 * Security tests of the readers of PV USB configuration
 * (LIBXL_HAVE_PVUSB, 4.7): whatever the guest writes in its controller's
 * frontend directory, or the backend in its backend directory, libxl
 * reports the controllers it configured and the host USB devices it put
 * on their ports, and finds free ports from its own record.
 *
 * As in vusb_test, host devices are laid out under the sandbox's
 * /sys/bus/usb, which the stand-in redirects; 4.7 keeps a device's port
 * under the toolstack domain's backend directory, so the controllers are
 * served by dom0, whose backend (usbback or qemu) is the hostile one.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tb-sec.h"

#define GUEST   1

struct world {
    struct tb *tb;
    struct tb_sim *dom0;    /* the controllers' backend */
    struct tb_sim *guest;
};

static void add_ctrl(struct tb *tb, int devid, int version, int ports)
{
    libxl_device_usbctrl c;

    libxl_device_usbctrl_init(&c);
    c.type = LIBXL_USBCTRL_TYPE_PV;
    c.devid = devid;
    c.version = version;
    c.ports = ports;
    c.backend_domid = 0;
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_add(tb->ctx, GUEST, &c, NULL));
    libxl_device_usbctrl_dispose(&c);
}

static int add_usbdev(struct tb *tb, int port, int addr)
{
    libxl_device_usbdev u;
    int rc;

    libxl_device_usbdev_init(&u);
    u.ctrl = 0;
    u.port = port;
    u.type = LIBXL_USBDEV_TYPE_HOSTDEV;
    u.u.hostdev.hostbus = 1;
    u.u.hostdev.hostaddr = addr;
    rc = libxl_device_usbdev_add(tb->ctx, GUEST, &u, NULL);
    libxl_device_usbdev_dispose(&u);
    return rc;
}

/*
 * Controller 0 (USB 2, 4 ports) holds host device 1-1 (address 4) on
 * port 2; controller 1 is USB 1 with 8 ports; host device 1-2 (address
 * 5) is not the guest's.
 */
static struct world setup(const atf_tc_t *tc)
{
    struct world w;

    w.tb = tb_start(tc);
    w.dom0 = tb_backend_start(w.tb, 0);
    tb_domain_create(w.tb, GUEST, "guest1", TB_PV);
    w.guest = tb_frontend_start(w.tb, GUEST);
    tb_usb_stand_in(w.tb, "1-1", 4);
    tb_usb_stand_in(w.tb, "1-2", 5);
    add_ctrl(w.tb, 0, 2, 4);
    add_ctrl(w.tb, 1, 1, 8);
    ATF_REQUIRE_EQ(0, add_usbdev(w.tb, 2, 4));
    return w;
}

static void check_ctrl(const libxl_device_usbctrl *c, int devid)
{
    ATF_CHECK_EQ(devid, c->devid);
    ATF_CHECK_EQ(0, c->backend_domid);
    ATF_CHECK_EQ(LIBXL_USBCTRL_TYPE_PV, c->type);
    ATF_CHECK_EQ(devid ? 1 : 2, c->version);
    ATF_CHECK_EQ(devid ? 8 : 4, c->ports);
}

static void check_ctrl_list(struct world *w)
{
    libxl_device_usbctrl *list;
    int n = -1, i;

    list = libxl_device_usbctrl_list(w->tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ_MSG(2, n, "%d controllers listed", n);
    ATF_REQUIRE(list);
    for (i = 0; i < n; i++)
        check_ctrl(&list[i], list[i].devid == 1);
    ATF_CHECK(list[0].devid != list[1].devid);
    libxl_device_usbctrl_list_free(list, n);
}

static void check_ctrl_getinfo(struct world *w)
{
    libxl_device_usbctrl c;
    libxl_usbctrlinfo info;
    char be[128], fe[128];

    libxl_device_usbctrl_init(&c);
    c.devid = 0;
    libxl_usbctrlinfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_getinfo(w->tb->ctx, GUEST, &c,
                                                   &info));
    snprintf(be, sizeof(be), "/local/domain/0/backend/vusb/%u/0", GUEST);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vusb/0", GUEST);
    ATF_CHECK_STREQ(be, info.backend ? info.backend : "(null)");
    ATF_CHECK_EQ(0, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend ? info.frontend : "(null)");
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(0, info.devid);
    ATF_CHECK_EQ(LIBXL_USBCTRL_TYPE_PV, info.type);
    ATF_CHECK_EQ(2, info.version);
    ATF_CHECK_EQ(4, info.ports);
    libxl_usbctrlinfo_dispose(&info);
    libxl_device_usbctrl_dispose(&c);
}

/* The guest has exactly the devices at (port, address) pairs given. */
static void check_usbdevs(struct world *w, int n_want, const int *ports,
                          const int *addrs)
{
    libxl_device_usbdev *list;
    int n = -1, i, j;

    list = libxl_device_usbdev_list(w->tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ_MSG(n_want, n, "%d usb devices listed", n);
    for (i = 0; i < n_want; i++) {
        for (j = 0; j < n; j++)
            if (list[j].port == ports[i])
                break;
        ATF_REQUIRE_MSG(j < n, "no device on port %d", ports[i]);
        ATF_CHECK_EQ(0, list[j].ctrl);
        ATF_CHECK_EQ(LIBXL_USBDEV_TYPE_HOSTDEV, list[j].type);
        ATF_CHECK_EQ(1, list[j].u.hostdev.hostbus);
        ATF_CHECK_EQ(addrs[i], list[j].u.hostdev.hostaddr);
    }
    libxl_device_usbdev_list_free(list, n);
}

static const int port2[] = { 2 }, addr4[] = { 4 };

TB_SEC_TC(usbctrl_list_ignores_frontend_pointer_to_other_controller,
          "libxl_device_usbctrl_list returns each controller as configured "
          "after the guest pointed controller 0's backend at controller 1 "
          "and set its backend-id",
          "libxl_device_usbctrl_list", "vusb", "XSA-175")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.guest, "write vusb/0/backend /local/domain/0/backend/vusb/%u/1",
               GUEST);
    TB_HOSTILE(w.guest, "write vusb/0/backend-id 7");
    check_ctrl_list(&w);
}

TB_SEC_TC(usbctrl_list_ignores_hostile_backend_keys,
          "libxl_device_usbctrl_list returns the configured version, ports "
          "and type after the backend rewrote usb-ver, num-ports and type",
          "libxl_device_usbctrl_list", "vusb", "XSA-178")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.dom0, "write vusb/%u/0/usb-ver 1", GUEST);
    TB_HOSTILE(w.dom0, "write vusb/%u/0/num-ports 15", GUEST);
    TB_HOSTILE(w.dom0, "write vusb/%u/0/type qusb", GUEST);
    check_ctrl_list(&w);
}

TB_SEC_TC(usbctrl_list_survives_deleted_backend_type,
          "libxl_device_usbctrl_list returns the configured controllers, and "
          "does not crash, after the backend deleted its type node",
          "libxl_device_usbctrl_list", "vusb", "XSA-178")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.dom0, "rm vusb/%u/0/type", GUEST);
    check_ctrl_list(&w);
}

TB_SEC_TC(usbctrl_getinfo_ignores_frontend_pointer_to_other_controller,
          "libxl_device_usbctrl_getinfo reports the configured backend, "
          "version and ports after the guest pointed backend at its other "
          "controller and set backend-id",
          "libxl_device_usbctrl_getinfo", "vusb", "XSA-175")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.guest, "write vusb/0/backend /local/domain/0/backend/vusb/%u/1",
               GUEST);
    TB_HOSTILE(w.guest, "write vusb/0/backend-id 7");
    check_ctrl_getinfo(&w);
}

TB_SEC_TC(usbctrl_getinfo_ignores_hostile_backend_keys,
          "libxl_device_usbctrl_getinfo reports the guest as the frontend and "
          "the configured version, ports and type after the backend "
          "rewrote them",
          "libxl_device_usbctrl_getinfo", "vusb", "XSA-178")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.dom0, "write vusb/%u/0/frontend /local/domain/9/device/vusb/0",
               GUEST);
    TB_HOSTILE(w.dom0, "write vusb/%u/0/frontend-id 9", GUEST);
    TB_HOSTILE(w.dom0, "write vusb/%u/0/usb-ver 1", GUEST);
    TB_HOSTILE(w.dom0, "write vusb/%u/0/num-ports 15", GUEST);
    TB_HOSTILE(w.dom0, "write vusb/%u/0/type qusb", GUEST);
    check_ctrl_getinfo(&w);
}

TB_SEC_TC(usbdev_list_ignores_hostile_backend_port,
          "libxl_device_usbdev_list returns only the device libxl put on "
          "port 2 after the backend claimed that port 3 holds another host "
          "device",
          "libxl_device_usbdev_list", "vusb", "XSA-178")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.dom0, "write vusb/%u/0/port/3 1-2", GUEST);
    check_usbdevs(&w, 1, port2, addr4);
}

TB_SEC_TC(usbdev_list_keeps_devices_of_controller_whose_frontend_was_deleted,
          "libxl_device_usbdev_list still returns the device on controller 0 "
          "after the guest deleted the controller's frontend directory",
          "libxl_device_usbdev_list", "vusb", "XSA-175")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.guest, "rm vusb/0");
    check_usbdevs(&w, 1, port2, addr4);
}

TB_SEC_TC(usbdev_add_picks_free_port_from_libxl_record,
          "a USB device added to controller 0 without a port goes to port 1, "
          "and the device on port 2 stays, after the backend claimed port 1 "
          "busy and port 2 free",
          "libxl__device_usbdev_setdefault", "vusb", "XSA-178")
{
    struct world w = setup(tc);
    static const int ports[] = { 1, 2 }, addrs[] = { 5, 4 };

    tb_usb_stand_in(w.tb, "1-3", 6);
    TB_HOSTILE(w.dom0, "write vusb/%u/0/port/1 1-3", GUEST);
    TB_HOSTILE(w.dom0, "write vusb/%u/0/port/2 ", GUEST);  /* empty: free */
    ATF_REQUIRE_EQ(0, add_usbdev(w.tb, 0, 5));
    TB_REQUIRE_XS(w.tb, "1-2", "/local/domain/0/backend/vusb/%u/0/port/1",
                  GUEST);
    /* libxl's record of the port it kept: the base keeps none, which is
     * mirror_vusb_test's subject, not this attack's. */
    if (tb_tree_keeps_record())
        TB_REQUIRE_XS(w.tb, "1-1", "/libxl/%u/device/vusb/0/port/2", GUEST);
    check_usbdevs(&w, 2, ports, addrs);
}

TB_SEC_TC(usbdev_ctrlport_lookup_ignores_hostile_backend_port,
          "libxl_ctrlport_to_device_usbdev reports the host device libxl put "
          "on port 2 after the backend wrote another device's bus id there",
          "libxl_ctrlport_to_device_usbdev", "vusb", "XSA-178")
{
    struct world w = setup(tc);
    libxl_device_usbdev u;

    TB_HOSTILE(w.dom0, "write vusb/%u/0/port/2 1-2", GUEST);
    libxl_device_usbdev_init(&u);
    ATF_REQUIRE_EQ(0, libxl_ctrlport_to_device_usbdev(w.tb->ctx, GUEST, 0, 2,
                                                      &u));
    ATF_CHECK_EQ(0, u.ctrl);
    ATF_CHECK_EQ(2, u.port);
    ATF_CHECK_EQ(1, u.u.hostdev.hostbus);
    ATF_CHECK_EQ(4, u.u.hostdev.hostaddr);
    libxl_device_usbdev_dispose(&u);
}

/*
 * The usbback binding of a host device's interface BUSID:1.0 as the kernel
 * shows it once a device was given to a guest: listed under usbback, and
 * its driver's unbind file, where libxl writes to take it back.
 */
static void bound_to_usbback(struct tb *tb, const char *busid)
{
    char rel[128];

    snprintf(rel, sizeof(rel), "drivers/usbback/%s:1.0", busid);
    tb_sys_put(tb, rel, NULL);
    snprintf(rel, sizeof(rel), "devices/%s:1.0/driver/unbind", busid);
    tb_sys_put(tb, rel, "");
}

/* What libxl wrote to the unbind file of BUSID:1.0's driver; free() it. */
static char *unbind_written(struct tb *tb, const char *busid)
{
    char rel[128];

    snprintf(rel, sizeof(rel), "devices/%s:1.0/driver/unbind", busid);
    return tb_sys_get(tb, rel);
}

TB_SEC_TC(usbdev_remove_unbinds_device_of_libxl_record,
          "libxl_device_usbdev_remove of port 2 takes back from usbback the "
          "host device libxl put there (1-1), and leaves alone another "
          "guest's (1-2), after the backend wrote 1-2 into the port node",
          "usbdev_busid_from_ctrlport", "vusb", "XSA-178")
{
    struct world w = setup(tc);
    libxl_device_usbdev u;
    char *other, *own;

    bound_to_usbback(w.tb, "1-1");
    bound_to_usbback(w.tb, "1-2");
    TB_HOSTILE(w.dom0, "write vusb/%u/0/port/2 1-2", GUEST);
    libxl_device_usbdev_init(&u);
    u.ctrl = 0;
    u.port = 2;
    u.type = LIBXL_USBDEV_TYPE_HOSTDEV;
    u.u.hostdev.hostbus = 1;
    u.u.hostdev.hostaddr = 4;
    ATF_CHECK_EQ(0, libxl_device_usbdev_remove(w.tb->ctx, GUEST, &u, NULL));
    libxl_device_usbdev_dispose(&u);
    other = unbind_written(w.tb, "1-2");
    own = unbind_written(w.tb, "1-1");
    ATF_CHECK_STREQ_MSG("", other, "libxl unbound the other guest's device 1-2");
    ATF_CHECK_STREQ_MSG("1-1:1.0", own, "libxl did not unbind the guest's device 1-1");
    free(other);
    free(own);
}

TB_TC(usbctrl_readers_fail_cleanly_for_vanished_controller,
      "once every trace of controller 0 is gone from xenstore, "
      "libxl_device_usbctrl_getinfo and libxl_ctrlport_to_device_usbdev fail "
      "with a libxl error, without crashing")
{
    struct world w = setup(tc);
    libxl_device_usbctrl c;
    libxl_usbctrlinfo info;
    libxl_device_usbdev u;
    char p[128];

    /* The state under test, not an attack: the controller is gone from
     * every side, so the case is the same in the control run. */
    snprintf(p, sizeof(p), "/libxl/%u/device/vusb/0", GUEST);
    xs_rm(w.tb->xs, XBT_NULL, p);
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w.guest, "rm vusb/0"));
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w.dom0, "rm vusb/%u/0", GUEST));

    libxl_device_usbctrl_init(&c);
    c.devid = 0;
    libxl_usbctrlinfo_init(&info);
    ATF_CHECK(libxl_device_usbctrl_getinfo(w.tb->ctx, GUEST, &c, &info) < 0);
    libxl_usbctrlinfo_dispose(&info);
    libxl_device_usbctrl_dispose(&c);

    libxl_device_usbdev_init(&u);
    ATF_CHECK(libxl_ctrlport_to_device_usbdev(w.tb->ctx, GUEST, 0, 2, &u) < 0);
    libxl_device_usbdev_dispose(&u);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, usbctrl_list_ignores_frontend_pointer_to_other_controller);
    ATF_TP_ADD_TC(tp, usbctrl_list_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, usbctrl_list_survives_deleted_backend_type);
    ATF_TP_ADD_TC(tp, usbctrl_getinfo_ignores_frontend_pointer_to_other_controller);
    ATF_TP_ADD_TC(tp, usbctrl_getinfo_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, usbdev_list_ignores_hostile_backend_port);
    ATF_TP_ADD_TC(tp, usbdev_list_keeps_devices_of_controller_whose_frontend_was_deleted);
    ATF_TP_ADD_TC(tp, usbdev_add_picks_free_port_from_libxl_record);
    ATF_TP_ADD_TC(tp, usbdev_ctrlport_lookup_ignores_hostile_backend_port);
    ATF_TP_ADD_TC(tp, usbdev_remove_unbinds_device_of_libxl_record);
    ATF_TP_ADD_TC(tp, usbctrl_readers_fail_cleanly_for_vanished_controller);
    return atf_no_error();
}
