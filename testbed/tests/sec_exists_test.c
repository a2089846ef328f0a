/*
 * Security tests of libxl__device_exists, the check of the disk, nic and
 * vtpm add paths that refuses a device the guest already has: a driver
 * domain that deletes the backend directory of one of the guest's
 * devices must not make libxl accept a second device with the same devid
 * and replace the guest's frontend and libxl's record of the first.
 *
 * The second device asks for the same backend domain as the first: the
 * base looks for the new device's own backend directory, so it never
 * refuses a devid already served by another backend domain, attacked or
 * not, and only a second device on the same backend shows the attack.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"

#define GUEST   1
#define DRVDOM  2
#define XVDA    51712
#define VTPM_UUID "2b9b4d53-17c9-4b8e-9a53-6d0c0a1e5f01"

static const libxl_mac guest_mac = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x01 };
static const libxl_mac other_mac = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x02 };

struct world {
    struct tb *tb;
    struct tb_sim *drvdom;
};

/* The guest's devices are served by the driver domain; dom0 serves too. */
static struct world setup(const atf_tc_t *tc)
{
    struct world w;

    w.tb = tb_start(tc);
    tb_domain_create(w.tb, DRVDOM, "driverdom", TB_PV);
    tb_backend_start(w.tb, 0);
    w.drvdom = tb_backend_start(w.tb, DRVDOM);
    tb_domain_create(w.tb, GUEST, "guest1", TB_PV);
    return w;
}

static void disk_config(libxl_device_disk *d, uint32_t bdom, const char *pdev)
{
    libxl_device_disk_init(d);
    d->backend_domid = bdom;
    d->pdev_path = strdup(pdev);
    d->vdev = strdup("xvda");
    d->backend = LIBXL_DISK_BACKEND_PHY;
    d->format = LIBXL_DISK_FORMAT_RAW;
    d->readwrite = 1;
    d->script = strdup(tb_hotplug_script());
}

static void nic_config(libxl_device_nic *n, uint32_t bdom, const libxl_mac mac,
                       const char *bridge)
{
    libxl_device_nic_init(n);
    n->backend_domid = bdom;
    n->devid = 0;
    memcpy(n->mac, mac, sizeof(libxl_mac));
    n->bridge = strdup(bridge);
    n->script = strdup(tb_hotplug_script());
    n->nictype = LIBXL_NIC_TYPE_VIF;
}

static void vtpm_config(libxl_device_vtpm *v, uint32_t bdom)
{
    libxl_device_vtpm_init(v);
    v->backend_domid = bdom;
    v->devid = 0;
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&v->uuid, VTPM_UUID));
}

TB_SEC_TC(disk_add_refuses_vdev_in_use_after_backend_dir_deleted,
          "adding a second xvda on the same driver domain to the guest "
          "fails with ERROR_DEVICE_EXISTS, "
          "and the first keeps its frontend and record, after the driver "
          "domain deleted the backend directory of the first",
          "libxl__device_exists", "vbd", "XSA-178")
{
    struct world w = setup(tc);
    libxl_device_disk d;
    bool had;

    disk_config(&d, DRVDOM, "/dev/tb/guest1-root");
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);

    TB_HOSTILE(w.drvdom, "rm vbd/%u/%u", GUEST, XVDA);
    had = tb_xs_exists(w.tb, "/local/domain/%u/backend/vbd/%u/%u",
                       DRVDOM, GUEST, XVDA);
    disk_config(&d, DRVDOM, "/dev/tb/other-root");
    ATF_REQUIRE_EQ(ERROR_DEVICE_EXISTS,
                 libxl_device_disk_add(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);

    TB_REQUIRE_XS(w.tb, "/local/domain/2/backend/vbd/1/51712",
                  "/local/domain/%u/device/vbd/%u/backend", GUEST, XVDA);
    TB_REQUIRE_XS(w.tb, "2", "/local/domain/%u/device/vbd/%u/backend-id",
                  GUEST, XVDA);
    /* the refused add wrote no backend */
    ATF_CHECK_EQ(had, tb_xs_exists(w.tb, "/local/domain/%u/backend/vbd/%u/%u",
                                   DRVDOM, GUEST, XVDA));
}

TB_SEC_TC(nic_add_refuses_devid_in_use_after_backend_dir_deleted,
          "adding a second nic 0 on the same driver domain to the guest "
          "fails with ERROR_DEVICE_EXISTS, "
          "and the first keeps its frontend and record, after the driver "
          "domain deleted the backend directory of the first",
          "libxl__device_exists", "vif", "XSA-178")
{
    struct world w = setup(tc);
    libxl_device_nic n;
    bool had;

    nic_config(&n, DRVDOM, guest_mac, "xenbr-tb");
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(w.tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);

    TB_HOSTILE(w.drvdom, "rm vif/%u/0", GUEST);
    had = tb_xs_exists(w.tb, "/local/domain/%u/backend/vif/%u/0", DRVDOM,
                       GUEST);
    nic_config(&n, DRVDOM, other_mac, "xenbr-other");
    ATF_REQUIRE_EQ(ERROR_DEVICE_EXISTS,
                 libxl_device_nic_add(w.tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);

    TB_REQUIRE_XS(w.tb, "/local/domain/2/backend/vif/1/0",
                  "/local/domain/%u/device/vif/0/backend", GUEST);
    TB_REQUIRE_XS(w.tb, "2", "/local/domain/%u/device/vif/0/backend-id", GUEST);
    ATF_CHECK_EQ(had, tb_xs_exists(w.tb, "/local/domain/%u/backend/vif/%u/0",
                                   DRVDOM, GUEST));
}

TB_SEC_TC(vtpm_add_refuses_devid_in_use_after_backend_dir_deleted,
          "adding a second vtpm 0 on the same vTPM domain to the guest "
          "fails with ERROR_DEVICE_EXISTS, and the first keeps its frontend and record, "
          "after the vTPM domain deleted the backend directory of the first",
          "libxl__device_exists", "vtpm", "XSA-178")
{
    struct world w = setup(tc);
    libxl_device_vtpm v;
    bool had;

    vtpm_config(&v, DRVDOM);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(w.tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);

    TB_HOSTILE(w.drvdom, "rm vtpm/%u/0", GUEST);
    had = tb_xs_exists(w.tb, "/local/domain/%u/backend/vtpm/%u/0", DRVDOM,
                       GUEST);
    vtpm_config(&v, DRVDOM);
    ATF_REQUIRE_EQ(ERROR_DEVICE_EXISTS,
                 libxl_device_vtpm_add(w.tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);

    TB_REQUIRE_XS(w.tb, "/local/domain/2/backend/vtpm/1/0",
                  "/local/domain/%u/device/vtpm/0/backend", GUEST);
    TB_REQUIRE_XS(w.tb, "2", "/local/domain/%u/device/vtpm/0/backend-id", GUEST);
    ATF_CHECK_EQ(had, tb_xs_exists(w.tb, "/local/domain/%u/backend/vtpm/%u/0",
                                   DRVDOM, GUEST));
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, disk_add_refuses_vdev_in_use_after_backend_dir_deleted);
    ATF_TP_ADD_TC(tp, nic_add_refuses_devid_in_use_after_backend_dir_deleted);
    ATF_TP_ADD_TC(tp, vtpm_add_refuses_devid_in_use_after_backend_dir_deleted);
    return atf_no_error();
}
