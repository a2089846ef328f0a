/*
 * Functional tests of cdrom devices: a disk with is_cdrom set keeps its
 * device-type, media and read-only mode through libxl's public API.
 */
#include <stdlib.h>
#include <string.h>

#include "tb.h"

#define GUEST   1
#define DRVDOM  2
#define XVDC    51744   /* libxl_devid of "xvdc" */

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    return tb_start_guest(tc, bdom);
}

static void cdrom_config(libxl_device_disk *d, uint32_t bdom)
{
    libxl_device_disk_init(d);
    d->backend_domid = bdom;
    d->pdev_path = strdup("/srv/tb/install.iso");
    d->vdev = strdup("xvdc");
    d->backend = LIBXL_DISK_BACKEND_PHY;
    d->format = LIBXL_DISK_FORMAT_RAW;
    d->is_cdrom = 1;
    d->removable = 1;
    d->readwrite = 0;
    d->script = strdup(tb_hotplug_script());
}

static void add_cdrom(struct tb *tb, uint32_t bdom)
{
    libxl_device_disk d;

    cdrom_config(&d, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

static void check_cdrom(const libxl_device_disk *d, uint32_t bdom)
{
#ifdef LIBXL_HAVE_DRIVER_DOMAIN_CREATION
    ATF_CHECK_EQ(bdom, d->backend_domid);
#else
    /* 4.3 looks the disk up without reporting a driver domain's id */
    ATF_CHECK_EQ(0, bdom == 0 ? d->backend_domid : 0);
#endif
    ATF_CHECK_STREQ("/srv/tb/install.iso", d->pdev_path);
    ATF_CHECK_STREQ("xvdc", d->vdev);
    ATF_CHECK_EQ(1, d->is_cdrom);
    ATF_CHECK_EQ(1, d->removable);
    ATF_CHECK_EQ(0, d->readwrite);
}

TB_TC(cdrom_add_dom0_backend_writes_cdrom_keys,
      "cdrom add, backend in dom0, writes device-type cdrom, read-only mode "
      "and the media path")
{
    struct tb *tb = setup(tc, 0);

    add_cdrom(tb, 0);
    TB_REQUIRE_XS(tb, "cdrom", "/local/domain/0/backend/vbd/%u/%u/device-type",
                  GUEST, XVDC);
    TB_REQUIRE_XS(tb, "r", "/local/domain/0/backend/vbd/%u/%u/mode",
                  GUEST, XVDC);
    TB_REQUIRE_XS(tb, "/srv/tb/install.iso",
                  "/local/domain/0/backend/vbd/%u/%u/params", GUEST, XVDC);
    TB_REQUIRE_XS(tb, "cdrom", "/local/domain/%u/device/vbd/%u/device-type",
                  GUEST, XVDC);
}

TB_TC(cdrom_add_driver_domain_backend_writes_cdrom_keys,
      "cdrom add, backend in a driver domain, writes the cdrom keys there")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_cdrom(tb, DRVDOM);
    TB_REQUIRE_XS(tb, "cdrom", "/local/domain/%u/backend/vbd/%u/%u/device-type",
                  DRVDOM, GUEST, XVDC);
    TB_REQUIRE_XS(tb, "/srv/tb/install.iso",
                  "/local/domain/%u/backend/vbd/%u/%u/params",
                  DRVDOM, GUEST, XVDC);
}

TB_TC(cdrom_list_dom0_backend_returns_configured_cdrom,
      "libxl_device_disk_list returns the cdrom as configured")
{
    struct tb *tb = setup(tc, 0);
    libxl_device_disk *list;
    int n = 0, i;

    add_cdrom(tb, 0);
    list = libxl_device_disk_list(tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ(1, n);
    check_cdrom(&list[0], 0);
    for (i = 0; i < n; i++)
        libxl_device_disk_dispose(&list[i]);
    free(list);
}

static void check_lookup(struct tb *tb, uint32_t bdom)
{
    libxl_device_disk d;
    libxl_diskinfo info;
    char be[128];

    libxl_device_disk_init(&d);
    ATF_REQUIRE_EQ(0, libxl_vdev_to_device_disk(tb->ctx, GUEST, "xvdc", &d));
    check_cdrom(&d, bdom);
    libxl_device_disk_dispose(&d);

    cdrom_config(&d, bdom);
    libxl_diskinfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_disk_getinfo(tb->ctx, GUEST, &d, &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vbd/%u/%u",
             (unsigned)bdom, GUEST, XVDC);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(XVDC, info.devid);
    libxl_diskinfo_dispose(&info);
    libxl_device_disk_dispose(&d);
}

TB_TC(cdrom_lookup_dom0_backend_finds_configured_cdrom,
      "libxl_vdev_to_device_disk and getinfo find the cdrom, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_cdrom(tb, 0);
    check_lookup(tb, 0);
}

TB_TC(cdrom_lookup_driver_domain_backend_finds_configured_cdrom,
      "libxl_vdev_to_device_disk and getinfo find the cdrom, backend in a "
      "driver domain")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_cdrom(tb, DRVDOM);
    check_lookup(tb, DRVDOM);
}

static void remove_cdrom(struct tb *tb, uint32_t bdom)
{
    libxl_device_disk d;

    cdrom_config(&d, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_disk_remove(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/backend/vbd/%u/%u",
                            (unsigned)bdom, GUEST, XVDC));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/device/vbd/%u", GUEST, XVDC));
}

TB_TC(cdrom_remove_dom0_backend_clears_xenstore,
      "cdrom remove, backend in dom0, removes both xenstore directories")
{
    struct tb *tb = setup(tc, 0);

    add_cdrom(tb, 0);
    remove_cdrom(tb, 0);
}

TB_TC(cdrom_remove_driver_domain_backend_clears_xenstore,
      "cdrom remove, backend in a driver domain, removes both directories")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_cdrom(tb, DRVDOM);
    remove_cdrom(tb, DRVDOM);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, cdrom_add_dom0_backend_writes_cdrom_keys);
    ATF_TP_ADD_TC(tp, cdrom_add_driver_domain_backend_writes_cdrom_keys);
    ATF_TP_ADD_TC(tp, cdrom_list_dom0_backend_returns_configured_cdrom);
    ATF_TP_ADD_TC(tp, cdrom_lookup_dom0_backend_finds_configured_cdrom);
    ATF_TP_ADD_TC(tp, cdrom_lookup_driver_domain_backend_finds_configured_cdrom);
    ATF_TP_ADD_TC(tp, cdrom_remove_dom0_backend_clears_xenstore);
    ATF_TP_ADD_TC(tp, cdrom_remove_driver_domain_backend_clears_xenstore);
    return atf_no_error();
}
