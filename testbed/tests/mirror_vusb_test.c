/*
 * Security tests of libxl's own record of a PVUSB controller as devices
 * come and go (XSA-178, CVE-2016-4963; LIBXL_HAVE_PVUSB, 4.7): passing a
 * host USB device through writes its bus id to a port node of the
 * controller's backend, and removing it empties the node; libxl's copy
 * under /libxl/$DOMID/device/vusb/$DEVID must follow, or libxl would have
 * to ask the backend which ports are in use.
 *
 * The host device is laid out, as in vusb_test, under the sandbox's
 * /sys/bus/usb, which the stand-in redirects; 4.7 writes a device's port
 * under the toolstack domain's backend directory, so the controller is
 * served by dom0.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tb-sec.h"
#include "tb-mirror.h"

#define GUEST   1
#define BUSID   "1-1"

/* A dom0 controller with 4 ports and a mass storage device at bus 1, addr 4. */
static struct tb *setup(const atf_tc_t *tc)
{
    struct tb *tb = tb_start(tc);
    libxl_device_usbctrl c;

    tb_backend_start(tb, 0);
    tb_domain_create(tb, GUEST, "guest1", TB_PV);
    tb_usb_stand_in(tb, BUSID, 4);

    libxl_device_usbctrl_init(&c);
    c.type = LIBXL_USBCTRL_TYPE_PV;
    c.devid = 0;
    c.version = 2;
    c.ports = 4;
    c.backend_domid = 0;
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_add(tb->ctx, GUEST, &c, NULL));
    libxl_device_usbctrl_dispose(&c);
    return tb;
}

static void usbdev_config(libxl_device_usbdev *u)
{
    libxl_device_usbdev_init(u);
    u->ctrl = 0;
    u->port = 2;
    u->type = LIBXL_USBDEV_TYPE_HOSTDEV;
    u->u.hostdev.hostbus = 1;
    u->u.hostdev.hostaddr = 4;
}

/* The copy matches the backend, whose port 2 holds busid ("" when free). */
static void check_ports(struct tb *tb, const char *busid)
{
    char fe[128], be[128];
    const char *want[] = { "port/1", "", "port/2", busid, "port/3", "",
                           "port/4", "", "num-ports", "4", NULL };

    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vusb/0", GUEST);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vusb/%u/0", GUEST);
    TB_REQUIRE_XS(tb, busid, "%s/port/2", be);
    tb_mirror_require(tb, GUEST, "vusb", 0, fe, be, want);
}

TB_FIX_TC(usbdev_add_updates_trusted_copy_of_port,
          "after libxl_device_usbdev_add, libxl's copy of the controller's "
          "backend holds the device's bus id on its port",
          "libxl__device_usbdev_add_xenstore", "vusb", "XSA-178")
{
    struct tb *tb = setup(tc);
    libxl_device_usbdev u;

    usbdev_config(&u);
    ATF_REQUIRE_EQ(0, libxl_device_usbdev_add(tb->ctx, GUEST, &u, NULL));
    libxl_device_usbdev_dispose(&u);
    check_ports(tb, BUSID);
}

TB_FIX_TC(usbdev_remove_empties_trusted_copy_of_port,
          "after libxl_device_usbdev_remove, libxl's copy of the "
          "controller's backend shows the port free again",
          "libxl__device_usbdev_remove_xenstore", "vusb", "XSA-178")
{
    struct tb *tb = setup(tc);
    libxl_device_usbdev u;

    usbdev_config(&u);
    ATF_REQUIRE_EQ(0, libxl_device_usbdev_add(tb->ctx, GUEST, &u, NULL));
    check_ports(tb, BUSID);
    ATF_REQUIRE_EQ(0, libxl_device_usbdev_remove(tb->ctx, GUEST, &u, NULL));
    libxl_device_usbdev_dispose(&u);
    check_ports(tb, "");
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, usbdev_add_updates_trusted_copy_of_port);
    ATF_TP_ADD_TC(tp, usbdev_remove_empties_trusted_copy_of_port);
    return atf_no_error();
}
