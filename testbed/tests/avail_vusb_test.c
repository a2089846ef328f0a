/*
 * Availability of the readers of usb controllers and of the usb devices on
 * them (see avail.h): after the guest or the controller's backend deleted
 * a controller's directory, or one node of it, libxl still lists,
 * describes, finds, numbers, removes and destroys every controller the
 * guest was given, and every usb device it passed through, as configured.
 *
 * Controller i (USB 2, 4 ports) holds host device 1-<i+1> (bus 1, address
 * 4 + i) on port 1.  The backend is in dom0: libxl passes a host device
 * through only to a controller dom0 serves (a user-space backend is no
 * more trusted than a driver domain).
 */
#include "avail.h"

#define USB_PORT 1

static unsigned vusb_devid(int i)
{
    return (unsigned)i;
}

static int usb_addr(int i)
{
    return 4 + i;
}

static void ctrl_config(libxl_device_usbctrl *c, int i)
{
    libxl_device_usbctrl_init(c);
    c->type = LIBXL_USBCTRL_TYPE_PV;
    c->devid = i;
    c->version = 2;
    c->ports = 4;
    c->backend_domid = 0;
}

static void vusb_add(struct avail *a, int i)
{
    libxl_device_usbctrl c;
    libxl_device_usbdev u;
    char busid[16];

    ctrl_config(&c, i);
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_add(a->tb->ctx, GUEST, &c, NULL));
    libxl_device_usbctrl_dispose(&c);
    snprintf(busid, sizeof(busid), "1-%d", i + 1);
    tb_usb_stand_in(a->tb, busid, (unsigned)usb_addr(i));
    libxl_device_usbdev_init(&u);
    u.ctrl = i;
    u.port = USB_PORT;
    u.type = LIBXL_USBDEV_TYPE_HOSTDEV;
    u.u.hostdev.hostbus = 1;
    u.u.hostdev.hostaddr = usb_addr(i);
    ATF_REQUIRE_EQ(0, libxl_device_usbdev_add(a->tb->ctx, GUEST, &u, NULL));
    libxl_device_usbdev_dispose(&u);
}

static const struct avail_kind vusb_kind = {
    .name = "vusb", .bdom = 0, .add = vusb_add, .devid = vusb_devid,
};

/* c is controller i as configured. */
static void check_ctrl(struct avail *a, const libxl_device_usbctrl *c, int i)
{
    ATF_CHECK_EQ_MSG(0, c->backend_domid, "controller %d (lost %s): backend "
                     "domain %u", i, AVAIL_WHO(a, i), c->backend_domid);
    ATF_CHECK_EQ_MSG(LIBXL_USBCTRL_TYPE_PV, c->type, "controller %d (lost "
                     "%s): type %d", i, AVAIL_WHO(a, i), c->type);
    ATF_CHECK_EQ_MSG(2, c->version, "controller %d (lost %s): version %d", i,
                     AVAIL_WHO(a, i), c->version);
    ATF_CHECK_EQ_MSG(4, c->ports, "controller %d (lost %s): %d ports", i,
                     AVAIL_WHO(a, i), c->ports);
}

/* u is the usb device of controller i as passed through. */
static void check_usbdev(struct avail *a, const libxl_device_usbdev *u, int i)
{
    ATF_CHECK_EQ_MSG(USB_PORT, u->port, "usb device of controller %d (lost "
                     "%s): port %d", i, AVAIL_WHO(a, i), u->port);
    ATF_CHECK_EQ_MSG(LIBXL_USBDEV_TYPE_HOSTDEV, u->type, "usb device of "
                     "controller %d (lost %s): type %d", i, AVAIL_WHO(a, i),
                     u->type);
    if (u->type != LIBXL_USBDEV_TYPE_HOSTDEV)
        return;
    ATF_CHECK_EQ_MSG(1, u->u.hostdev.hostbus, "usb device of controller %d "
                     "(lost %s): bus %d", i, AVAIL_WHO(a, i),
                     u->u.hostdev.hostbus);
    ATF_CHECK_EQ_MSG(usb_addr(i), u->u.hostdev.hostaddr, "usb device of "
                     "controller %d (lost %s): address %d", i,
                     AVAIL_WHO(a, i), u->u.hostdev.hostaddr);
}

/* Each controller of the guest in ctrls, once, as configured. */
static void check_ctrls(struct avail *a, const libxl_device_usbctrl *ctrls,
                        int n, const char *how)
{
    int i, j;

    ATF_CHECK_EQ_MSG(a->n, n, "%d controllers %s, the guest has %d", n, how,
                     a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < n && ctrls[j].devid != i; j++)
            ;
        if (j == n)
            ATF_CHECK_MSG(false, "controller %d (lost %s) not %s", i,
                          AVAIL_WHO(a, i), how);
        else
            check_ctrl(a, &ctrls[j], i);
    }
}

/* Each usb device of the guest in devs, once, as passed through. */
static void check_usbdevs(struct avail *a, const libxl_device_usbdev *devs,
                          int n, const char *how)
{
    int i, j;

    ATF_CHECK_EQ_MSG(a->n, n, "%d usb devices %s, the guest has %d", n, how,
                     a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < n && devs[j].ctrl != i; j++)
            ;
        if (j == n)
            ATF_CHECK_MSG(false, "the usb device of controller %d (lost %s) "
                          "not %s", i, AVAIL_WHO(a, i), how);
        else
            check_usbdev(a, &devs[j], i);
    }
}

static void check_list(struct avail *a)
{
    libxl_device_usbctrl *list;
    int n = -1;

    list = libxl_device_usbctrl_list(a->tb->ctx, GUEST, &n);
    check_ctrls(a, list, list ? n : 0, "listed");
    if (list)
        libxl_device_usbctrl_list_free(list, n);
}

static void check_getinfo(struct avail *a)
{
    libxl_device_usbctrl c;
    libxl_usbctrlinfo info;
    char be[256], fe[256];
    int i, rc;

    for (i = 0; i < a->n; i++) {
        ctrl_config(&c, i);
        libxl_usbctrlinfo_init(&info);
        rc = libxl_device_usbctrl_getinfo(a->tb->ctx, GUEST, &c, &info);
        ATF_CHECK_EQ_MSG(0, rc, "getinfo of controller %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0) {
            avail_be_path(a, i, be, sizeof(be));
            avail_fe_path(a, i, fe, sizeof(fe));
            ATF_CHECK_STREQ_MSG(be, AVAIL_S(info.backend), "controller %d "
                                "(lost %s)", i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(0, info.backend_id, "controller %d (lost %s)",
                             i, AVAIL_WHO(a, i));
            ATF_CHECK_STREQ_MSG(fe, AVAIL_S(info.frontend), "controller %d "
                                "(lost %s)", i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(GUEST, info.frontend_id, "controller %d (lost "
                             "%s)", i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(i, info.devid, "controller %d (lost %s): devid "
                             "%d", i, AVAIL_WHO(a, i), info.devid);
            ATF_CHECK_EQ_MSG(LIBXL_USBCTRL_TYPE_PV, info.type, "controller "
                             "%d (lost %s)", i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(2, info.version, "controller %d (lost %s)", i,
                             AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(4, info.ports, "controller %d (lost %s)", i,
                             AVAIL_WHO(a, i));
        }
        libxl_usbctrlinfo_dispose(&info);
        libxl_device_usbctrl_dispose(&c);
    }
}

static void check_devid_lookup(struct avail *a)
{
    libxl_device_usbctrl c;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_usbctrl_init(&c);
        rc = libxl_devid_to_device_usbctrl(a->tb->ctx, GUEST, i, &c);
        ATF_CHECK_EQ_MSG(0, rc, "devid lookup of controller %d (lost %s): "
                         "%d", i, AVAIL_WHO(a, i), rc);
        if (rc == 0)
            check_ctrl(a, &c, i);
        libxl_device_usbctrl_dispose(&c);
    }
}

/* A new controller with no devid gets one no controller of the guest has. */
static void check_nextid(struct avail *a)
{
    libxl_device_usbctrl c;

    ctrl_config(&c, -1);
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_add(a->tb->ctx, GUEST, &c, NULL));
    ATF_CHECK_EQ_MSG(a->n, c.devid, "the new controller got devid %d, the "
                     "guest has controllers 0 to %d", c.devid, a->n - 1);
    libxl_device_usbctrl_dispose(&c);
}

static void check_remove(struct avail *a)
{
    libxl_device_usbctrl c;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        ctrl_config(&c, i);
        rc = libxl_device_usbctrl_remove(a->tb->ctx, GUEST, &c, NULL);
        ATF_CHECK_EQ_MSG(0, rc, "remove of controller %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        libxl_device_usbctrl_dispose(&c);
        avail_check_gone(a, i);
    }
}

static void check_destroy(struct avail *a)
{
    avail_check_destroy(a);
}

static void check_retrieve(struct avail *a)
{
    libxl_domain_config c;

    libxl_domain_config_init(&c);
    ATF_REQUIRE_EQ(0, libxl_retrieve_domain_configuration(a->tb->ctx, GUEST,
                                                          &c));
    check_ctrls(a, c.usbctrls, c.num_usbctrls, "retrieved");
    check_usbdevs(a, c.usbdevs, c.num_usbdevs, "retrieved");
    libxl_domain_config_dispose(&c);
}

static void check_usbdev_list(struct avail *a)
{
    libxl_device_usbdev *list;
    int n = -1;

    list = libxl_device_usbdev_list(a->tb->ctx, GUEST, &n);
    check_usbdevs(a, list, list ? n : 0, "listed");
    if (list)
        libxl_device_usbdev_list_free(list, n);
}

static void check_ctrlport_lookup(struct avail *a)
{
    libxl_device_usbdev u;
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_usbdev_init(&u);
        rc = libxl_ctrlport_to_device_usbdev(a->tb->ctx, GUEST, i, USB_PORT,
                                             &u);
        ATF_CHECK_EQ_MSG(0, rc, "lookup of %d:%d (controller %d lost %s): "
                         "%d", i, USB_PORT, i, AVAIL_WHO(a, i), rc);
        if (rc == 0) {
            ATF_CHECK_EQ_MSG(i, u.ctrl, "lookup of %d:%d: controller %d", i,
                             USB_PORT, u.ctrl);
            check_usbdev(a, &u, i);
        }
        libxl_device_usbdev_dispose(&u);
    }
}

/* Each usb device is removed (the controllers stay): none is left. */
static void check_usbdev_remove(struct avail *a)
{
    libxl_device_usbdev u, *list;
    char *busid;
    int i, n = -1, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_usbdev_init(&u);
        u.ctrl = i;
        u.port = USB_PORT;
        u.type = LIBXL_USBDEV_TYPE_HOSTDEV;
        u.u.hostdev.hostbus = 1;
        u.u.hostdev.hostaddr = usb_addr(i);
        rc = libxl_device_usbdev_remove(a->tb->ctx, GUEST, &u, NULL);
        ATF_CHECK_EQ_MSG(0, rc, "remove of the usb device of controller %d "
                         "(lost %s): %d", i, AVAIL_WHO(a, i), rc);
        libxl_device_usbdev_dispose(&u);
        busid = tb_xs_read(a->tb, "/libxl/%u/device/vusb/%d/port/%d", GUEST,
                           i, USB_PORT);
        ATF_CHECK_MSG(!busid || !*busid, "libxl's record still has %s at "
                      "%d:%d (lost %s)", busid, i, USB_PORT, AVAIL_WHO(a, i));
        free(busid);
    }
    list = libxl_device_usbdev_list(a->tb->ctx, GUEST, &n);
    ATF_CHECK_EQ_MSG(0, list ? n : 0, "%d usb devices listed after each was "
                     "removed", n);
    if (list)
        libxl_device_usbdev_list_free(list, n);
}

/*
 * The table.  Columns: the reader (check_READER), the libxl function it
 * pins, the deletion, and whether the unpatched base (4.7, the only
 * release with usb controllers) is hurt (measured with kit verify).
 */
#define ROWS(X)                                                                \
    X(vusb, list, "libxl_device_usbctrl_list", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, list, "libxl_device_usbctrl_list", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, list, "libxl_device_usbctrl_list", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, list, "libxl_device_usbctrl_list", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, getinfo, "libxl_device_usbctrl_getinfo", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, getinfo, "libxl_device_usbctrl_getinfo", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, getinfo, "libxl_device_usbctrl_getinfo", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, getinfo, "libxl_device_usbctrl_getinfo", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, devid_lookup, "libxl_devid_to_device_usbctrl", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, devid_lookup, "libxl_devid_to_device_usbctrl", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, devid_lookup, "libxl_devid_to_device_usbctrl", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, devid_lookup, "libxl_devid_to_device_usbctrl", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, nextid, "libxl__device_nextid", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, nextid, "libxl__device_nextid", backend_dir, BACKEND_DIR, AVAIL_BASE_NONE) \
    X(vusb, nextid, "libxl__device_nextid", frontend_node, FRONTEND_NODE, AVAIL_BASE_NONE) \
    X(vusb, nextid, "libxl__device_nextid", backend_node, BACKEND_NODE, AVAIL_BASE_NONE) \
    X(vusb, remove, "libxl_device_usbctrl_remove", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, remove, "libxl_device_usbctrl_remove", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, remove, "libxl_device_usbctrl_remove", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, remove, "libxl_device_usbctrl_remove", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, destroy, "libxl__devices_destroy", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, destroy, "libxl__devices_destroy", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, destroy, "libxl__devices_destroy", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, destroy, "libxl__devices_destroy", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, retrieve, "libxl_retrieve_domain_configuration", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, retrieve, "libxl_retrieve_domain_configuration", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, retrieve, "libxl_retrieve_domain_configuration", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, retrieve, "libxl_retrieve_domain_configuration", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, usbdev_list, "libxl_device_usbdev_list", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, usbdev_list, "libxl_device_usbdev_list", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, usbdev_list, "libxl_device_usbdev_list", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, usbdev_list, "libxl_device_usbdev_list", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, ctrlport_lookup, "libxl_ctrlport_to_device_usbdev", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, ctrlport_lookup, "libxl_ctrlport_to_device_usbdev", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, ctrlport_lookup, "libxl_ctrlport_to_device_usbdev", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, ctrlport_lookup, "libxl_ctrlport_to_device_usbdev", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, usbdev_remove, "libxl_device_usbdev_remove", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, usbdev_remove, "libxl_device_usbdev_remove", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(vusb, usbdev_remove, "libxl_device_usbdev_remove", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(vusb, usbdev_remove, "libxl_device_usbdev_remove", backend_node, BACKEND_NODE, AVAIL_BASE_ALL)

ROWS(AVAIL_CASE)

ATF_TP_ADD_TCS(tp)
{
    ROWS(AVAIL_ADD)
    return atf_no_error();
}
