/*
 * Security tests of libxl__devices_destroy, which finds the devices to
 * tear down when a domain is destroyed: whatever the guest did to its
 * frontend directories (deleted them, pointed their backend node at
 * another domain's device), every device libxl gave it is removed, its
 * hotplug script run, and no other guest's device is touched.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"

#define GUEST   TB_GUEST
#define DRVDOM  TB_DRVDOM
#define VICTIM  TB_VICTIM
#define XVDA    51712

static void add_disk(struct tb *tb, uint32_t domid, uint32_t bdom,
                     const char *pdev)
{
    libxl_device_disk d;

    libxl_device_disk_init(&d);
    d.backend_domid = bdom;
    d.pdev_path = strdup(pdev);
    d.vdev = strdup("xvda");
    d.backend = LIBXL_DISK_BACKEND_PHY;
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.readwrite = 1;
    d.script = strdup(tb_hotplug_script());
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, domid, &d, NULL));
    libxl_device_disk_dispose(&d);
}

/* A driver domain, the guest (with its frontends' sim) and the victim. */
static struct tb_world setup(const atf_tc_t *tc)
{
    struct tb_world w = tb_world_start(tc, DRVDOM);

    add_disk(w.tb, VICTIM, 0, "/dev/tb/victim-root");
    return w;
}

static void destroy_guest(struct tb_world *w)
{
    ATF_REQUIRE_EQ(0, libxl_domain_destroy(w->tb->ctx, GUEST, NULL));
    ATF_CHECK(!tb_domain_exists(w->tb, GUEST));
    ATF_CHECK(!tb_xs_exists(w->tb, "/local/domain/%u", GUEST));
}

/* The victim's disk is as it was: backend, frontend, no hotplug remove. */
static void check_victim_untouched(struct tb_world *w)
{
    TB_REQUIRE_XS(w->tb, "/dev/tb/victim-root",
                  "/local/domain/0/backend/vbd/%u/%u/params", VICTIM, XVDA);
    TB_REQUIRE_XS(w->tb, "1", "/local/domain/0/backend/vbd/%u/%u/online",
                  VICTIM, XVDA);
    TB_REQUIRE_XS(w->tb, "/local/domain/0/backend/vbd/3/51712",
                  "/local/domain/%u/device/vbd/%u/backend", VICTIM, XVDA);
    ATF_CHECK_EQ(0, tb_hotplug_count(w->tb, "remove",
                                     "/local/domain/0/backend/vbd/3/51712"));
}

TB_SEC_TC(domain_destroy_removes_disk_whose_frontend_was_deleted,
          "libxl_domain_destroy removes the guest's disk served by dom0, "
          "running its hotplug script, after the guest deleted the disk's "
          "frontend directory",
          "libxl__devices_destroy", "vbd", "XSA-175")
{
    struct tb_world w = setup(tc);

    add_disk(w.tb, GUEST, 0, "/dev/tb/guest1-root");
    TB_HOSTILE(w.guest, "rm vbd/%u", XVDA);
    destroy_guest(&w);
    ATF_CHECK(!tb_xs_exists(w.tb, "/local/domain/0/backend/vbd/%u", GUEST));
    ATF_CHECK_EQ(1, tb_hotplug_count(w.tb, "remove",
                                     "/local/domain/0/backend/vbd/1/51712"));
    check_victim_untouched(&w);
}

TB_SEC_TC(domain_destroy_removes_disk_whose_frontend_points_at_other_guest,
          "libxl_domain_destroy removes the guest's disk served by a driver "
          "domain, and leaves the other guest's disk alone, after the guest "
          "pointed the disk's backend node at the other guest's disk",
          "libxl__devices_destroy", "vbd", "XSA-175")
{
    struct tb_world w = setup(tc);

    add_disk(w.tb, GUEST, DRVDOM, "/dev/tb/guest1-root");
    TB_HOSTILE(w.guest, "write vbd/%u/backend /local/domain/0/backend/vbd/%u/%u",
               XVDA, VICTIM, XVDA);
    destroy_guest(&w);
    ATF_CHECK(!tb_xs_exists(w.tb, "/local/domain/%u/backend/vbd/%u/%u",
                            DRVDOM, GUEST, XVDA));
    check_victim_untouched(&w);
}

TB_SEC_TC(domain_destroy_removes_nic_whose_frontend_was_deleted,
          "libxl_domain_destroy removes the guest's nic served by a driver "
          "domain after the guest deleted the nic's frontend directory",
          "libxl__devices_destroy", "vif", "XSA-175")
{
    struct tb_world w = setup(tc);
    libxl_device_nic n;

    libxl_device_nic_init(&n);
    n.backend_domid = DRVDOM;
    n.devid = 0;
    n.bridge = strdup("xenbr-tb");
    n.script = strdup(tb_hotplug_script());
    n.nictype = LIBXL_NIC_TYPE_VIF;
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(w.tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);

    TB_HOSTILE(w.guest, "rm vif/0");
    destroy_guest(&w);
    ATF_CHECK(!tb_xs_exists(w.tb, "/local/domain/%u/backend/vif/%u/0",
                            DRVDOM, GUEST));
    check_victim_untouched(&w);
}

TB_SEC_TC(domain_destroy_removes_vtpm_whose_frontend_points_elsewhere,
          "libxl_domain_destroy removes the guest's vtpm served by a vTPM "
          "domain after the guest pointed the vtpm's backend node at dom0",
          "libxl__devices_destroy", "vtpm", "XSA-175")
{
    struct tb_world w = setup(tc);
    libxl_device_vtpm v;

    libxl_device_vtpm_init(&v);
    v.backend_domid = DRVDOM;
    v.devid = 0;
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(w.tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);

    TB_HOSTILE(w.guest, "write vtpm/0/backend /local/domain/0/backend/vtpm/%u/0",
               GUEST);
    destroy_guest(&w);
    ATF_CHECK(!tb_xs_exists(w.tb, "/local/domain/%u/backend/vtpm/%u/0",
                            DRVDOM, GUEST));
    check_victim_untouched(&w);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, domain_destroy_removes_disk_whose_frontend_was_deleted);
    ATF_TP_ADD_TC(tp, domain_destroy_removes_disk_whose_frontend_points_at_other_guest);
    ATF_TP_ADD_TC(tp, domain_destroy_removes_nic_whose_frontend_was_deleted);
    ATF_TP_ADD_TC(tp, domain_destroy_removes_vtpm_whose_frontend_points_elsewhere);
    return atf_no_error();
}
