/*
 * Functional tests of virtual block devices (vbd): what libxl is given on
 * add is what its public API reports back, with the backend in dom0 or
 * in a driver domain.
 *
 * libxl_device_disk_list of these releases walks dom0's backend directory
 * only, so a disk served by a driver domain is not listed on the bases:
 * listing is tested with dom0 backends, lookup by vdev with both.
 */
#include <stdlib.h>
#include <string.h>

#include "tb.h"

#define GUEST   1
#define DRVDOM  2
#define XVDA    51712   /* libxl_devid of "xvda": (202 << 8) | (0 << 4) */

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    return tb_start_guest(tc, bdom);
}

static void disk_config(libxl_device_disk *d, uint32_t bdom, const char *vdev,
                        const char *target, int readwrite)
{
    libxl_device_disk_init(d);
    d->backend_domid = bdom;
    d->pdev_path = strdup(target);
    d->vdev = strdup(vdev);
    d->backend = LIBXL_DISK_BACKEND_PHY;
    d->format = LIBXL_DISK_FORMAT_RAW;
    d->readwrite = readwrite;
    d->removable = 0;
    d->script = strdup(tb_hotplug_script());
}

static void add_disk(struct tb *tb, uint32_t bdom, const char *vdev,
                     const char *target, int readwrite)
{
    libxl_device_disk d;

    disk_config(&d, bdom, vdev, target, readwrite);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

static void check_list(struct tb *tb, uint32_t bdom)
{
    libxl_device_disk *list;
    int n = 0, i;

    list = libxl_device_disk_list(tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ(1, n);
    ATF_REQUIRE(list);
    ATF_CHECK_EQ(bdom, list[0].backend_domid);
    ATF_CHECK_STREQ("/dev/tb/guest1-root", list[0].pdev_path);
    ATF_CHECK_STREQ("xvda", list[0].vdev);
    ATF_CHECK_EQ(LIBXL_DISK_BACKEND_PHY, list[0].backend);
    ATF_CHECK_EQ(1, list[0].readwrite);
    ATF_CHECK_EQ(0, list[0].is_cdrom);
    ATF_CHECK_EQ(0, list[0].removable);
    for (i = 0; i < n; i++)
        libxl_device_disk_dispose(&list[i]);
    free(list);
}

static void check_getinfo(struct tb *tb, uint32_t bdom)
{
    libxl_device_disk d;
    libxl_diskinfo info;
    char be[128], fe[128];

    disk_config(&d, bdom, "xvda", "/dev/tb/guest1-root", 1);
    libxl_diskinfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_disk_getinfo(tb->ctx, GUEST, &d, &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vbd/%u/%u",
             (unsigned)bdom, GUEST, XVDA);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", GUEST, XVDA);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(bdom, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend);
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(XVDA, info.devid);
    ATF_CHECK_EQ(TB_XENBUS_INITIALISING, info.state);
    libxl_diskinfo_dispose(&info);
    libxl_device_disk_dispose(&d);
}

static void check_backend_keys(struct tb *tb, uint32_t bdom)
{
    TB_REQUIRE_XS(tb, "/dev/tb/guest1-root",
                  "/local/domain/%u/backend/vbd/%u/%u/params",
                  (unsigned)bdom, GUEST, XVDA);
    TB_REQUIRE_XS(tb, "w", "/local/domain/%u/backend/vbd/%u/%u/mode",
                  (unsigned)bdom, GUEST, XVDA);
    TB_REQUIRE_XS(tb, "xvda", "/local/domain/%u/backend/vbd/%u/%u/dev",
                  (unsigned)bdom, GUEST, XVDA);
    TB_REQUIRE_XS(tb, tb_hotplug_script(),
                  "/local/domain/%u/backend/vbd/%u/%u/script",
                  (unsigned)bdom, GUEST, XVDA);
    TB_REQUIRE_XS(tb, "2", "/local/domain/%u/backend/vbd/%u/%u/state",
                  (unsigned)bdom, GUEST, XVDA);
}

static void remove_disk(struct tb *tb, uint32_t bdom)
{
    libxl_device_disk d;

    disk_config(&d, bdom, "xvda", "/dev/tb/guest1-root", 1);
    ATF_REQUIRE_EQ(0, libxl_device_disk_remove(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

TB_TC(disk_add_dom0_backend_writes_configured_keys,
      "disk add with the backend in dom0 writes the configured params, "
      "mode, dev and script and runs the hotplug script once")
{
    struct tb *tb = setup(tc, 0);
    char be[128];

    add_disk(tb, 0, "xvda", "/dev/tb/guest1-root", 1);
    check_backend_keys(tb, 0);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", GUEST, XVDA);
    ATF_CHECK_EQ(1, tb_hotplug_count(tb, "add", be));
    ATF_CHECK_EQ(0, tb_escapes(tb));
}

TB_TC(disk_add_driver_domain_backend_writes_configured_keys,
      "disk add with the backend in a driver domain writes the configured "
      "keys there and runs no hotplug script in dom0")
{
    struct tb *tb = setup(tc, DRVDOM);
    char be[128];

    add_disk(tb, DRVDOM, "xvda", "/dev/tb/guest1-root", 1);
    check_backend_keys(tb, DRVDOM);
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vbd/%u/%u",
             DRVDOM, GUEST, XVDA);
    ATF_CHECK_EQ(0, tb_hotplug_count(tb, "add", be));
    TB_REQUIRE_XS(tb, be, "/local/domain/%u/device/vbd/%u/backend",
                  GUEST, XVDA);
}

TB_TC(disk_list_dom0_backend_returns_configured_disk,
      "libxl_device_disk_list returns the disk as configured, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_disk(tb, 0, "xvda", "/dev/tb/guest1-root", 1);
    check_list(tb, 0);
}

TB_TC(disk_getinfo_dom0_backend_reports_paths_and_devid,
      "libxl_device_disk_getinfo reports the backend and frontend of the "
      "disk, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_disk(tb, 0, "xvda", "/dev/tb/guest1-root", 1);
    check_getinfo(tb, 0);
}

TB_TC(disk_getinfo_driver_domain_backend_reports_paths_and_devid,
      "libxl_device_disk_getinfo reports the backend and frontend of the "
      "disk, backend in a driver domain")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_disk(tb, DRVDOM, "xvda", "/dev/tb/guest1-root", 1);
    check_getinfo(tb, DRVDOM);
}

static void check_vdev_lookup(struct tb *tb, uint32_t bdom)
{
    libxl_device_disk d;

    libxl_device_disk_init(&d);
    ATF_REQUIRE_EQ(0, libxl_vdev_to_device_disk(tb->ctx, GUEST, "xvda", &d));
#ifdef LIBXL_HAVE_DRIVER_DOMAIN_CREATION
    ATF_CHECK_EQ(bdom, d.backend_domid);
#else
    /* 4.3 looks the disk up without reporting a driver domain's id */
    ATF_CHECK_EQ(0, bdom == 0 ? d.backend_domid : 0);
#endif
    ATF_CHECK_STREQ("/dev/tb/guest1-root", d.pdev_path);
    ATF_CHECK_STREQ("xvda", d.vdev);
    ATF_CHECK_EQ(1, d.readwrite);
    libxl_device_disk_dispose(&d);
}

TB_TC(disk_vdev_lookup_dom0_backend_finds_configured_disk,
      "libxl_vdev_to_device_disk finds the configured disk, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_disk(tb, 0, "xvda", "/dev/tb/guest1-root", 1);
    check_vdev_lookup(tb, 0);
}

TB_TC(disk_vdev_lookup_driver_domain_backend_finds_configured_disk,
      "libxl_vdev_to_device_disk finds the configured disk, backend in a "
      "driver domain")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_disk(tb, DRVDOM, "xvda", "/dev/tb/guest1-root", 1);
    check_vdev_lookup(tb, DRVDOM);
}

TB_TC(disk_remove_dom0_backend_clears_xenstore,
      "disk remove, backend in dom0, walks the backend to Closed, runs the "
      "hotplug script and removes both xenstore directories")
{
    struct tb *tb = setup(tc, 0);
    libxl_device_disk *list;
    char be[128];
    int n = -1;

    add_disk(tb, 0, "xvda", "/dev/tb/guest1-root", 1);
    remove_disk(tb, 0);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", GUEST, XVDA);
    ATF_CHECK(!tb_xs_exists(tb, "%s", be));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/device/vbd/%u", GUEST, XVDA));
    ATF_CHECK_EQ(1, tb_hotplug_count(tb, "remove", be));
    list = libxl_device_disk_list(tb->ctx, GUEST, &n);
    ATF_CHECK_EQ(0, n);
    free(list);
}

TB_TC(disk_remove_driver_domain_backend_clears_xenstore,
      "disk remove, backend in a driver domain, waits for the driver domain "
      "to remove its backend directory and clears the frontend")
{
    struct tb *tb = setup(tc, DRVDOM);
    libxl_device_disk *list;
    int n = -1;

    add_disk(tb, DRVDOM, "xvda", "/dev/tb/guest1-root", 1);
    remove_disk(tb, DRVDOM);
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/backend/vbd/%u/%u",
                            DRVDOM, GUEST, XVDA));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/device/vbd/%u", GUEST, XVDA));
    list = libxl_device_disk_list(tb->ctx, GUEST, &n);
    ATF_CHECK_EQ(0, n);
    free(list);
}

TB_TC(disk_two_disks_list_in_devid_order,
      "two disks added are both listed with their own configuration")
{
    struct tb *tb = setup(tc, 0);
    libxl_device_disk *list;
    int n = 0, i;

    add_disk(tb, 0, "xvda", "/dev/tb/guest1-root", 1);
    add_disk(tb, 0, "xvdb", "/dev/tb/guest1-data", 0);
    list = libxl_device_disk_list(tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ(2, n);
    ATF_CHECK_STREQ("xvda", list[0].vdev);
    ATF_CHECK_STREQ("/dev/tb/guest1-root", list[0].pdev_path);
    ATF_CHECK_EQ(1, list[0].readwrite);
    ATF_CHECK_STREQ("xvdb", list[1].vdev);
    ATF_CHECK_STREQ("/dev/tb/guest1-data", list[1].pdev_path);
    ATF_CHECK_EQ(0, list[1].readwrite);
    for (i = 0; i < n; i++)
        libxl_device_disk_dispose(&list[i]);
    free(list);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, disk_add_dom0_backend_writes_configured_keys);
    ATF_TP_ADD_TC(tp, disk_add_driver_domain_backend_writes_configured_keys);
    ATF_TP_ADD_TC(tp, disk_list_dom0_backend_returns_configured_disk);
    ATF_TP_ADD_TC(tp, disk_getinfo_dom0_backend_reports_paths_and_devid);
    ATF_TP_ADD_TC(tp, disk_getinfo_driver_domain_backend_reports_paths_and_devid);
    ATF_TP_ADD_TC(tp, disk_vdev_lookup_dom0_backend_finds_configured_disk);
    ATF_TP_ADD_TC(tp, disk_vdev_lookup_driver_domain_backend_finds_configured_disk);
    ATF_TP_ADD_TC(tp, disk_remove_dom0_backend_clears_xenstore);
    ATF_TP_ADD_TC(tp, disk_remove_driver_domain_backend_clears_xenstore);
    ATF_TP_ADD_TC(tp, disk_two_disks_list_in_devid_order);
    return atf_no_error();
}
