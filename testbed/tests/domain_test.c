/*
 * Functional tests of domain information and destruction: the stand-in's
 * domains are what libxl reports, and libxl_domain_destroy tears down
 * every device, backend directory and piece of userdata of the guest.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

#include "tb.h"

#define GUEST   1
#define DRVDOM  2

TB_TC(domain_info_reports_declared_guest,
      "libxl_domain_info reports the declared guest's id and uuid, and "
      "an error for a domain the hypervisor does not have")
{
    struct tb *tb = tb_start(tc);
    libxl_dominfo info;
    libxl_uuid want;

    tb_domain_create(tb, GUEST, "guest1", TB_PV);
    libxl_dominfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_domain_info(tb->ctx, &info, GUEST));
    ATF_CHECK_EQ(GUEST, info.domid);
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&want,
                                             "5b3a1e00-7e57-4000-8000-000000000001"));
    ATF_CHECK(libxl_uuid_compare(&want, &info.uuid) == 0);
    ATF_CHECK(info.running);
    ATF_CHECK(!info.paused);
    libxl_dominfo_dispose(&info);
    ATF_CHECK(libxl_domain_info(tb->ctx, NULL, 7) != 0);
}

TB_TC(domain_name_to_domid_finds_declared_guest,
      "libxl_name_to_domid and libxl_domid_to_name agree with the skeleton")
{
    struct tb *tb = tb_start(tc);
    uint32_t domid = 0;
    char *name;

    tb_domain_create(tb, GUEST, "guest1", TB_PV);
    ATF_REQUIRE_EQ(0, libxl_name_to_domid(tb->ctx, "guest1", &domid));
    ATF_CHECK_EQ(GUEST, domid);
    name = libxl_domid_to_name(tb->ctx, GUEST);
    ATF_CHECK_STREQ("guest1", name);
    free(name);
}

static bool host_path_exists(const char *path)
{
    /* a raw syscall: the stand-in would redirect access(2) itself */
    return syscall(SYS_faccessat, AT_FDCWD, path, F_OK, 0) == 0;
}

TB_TC(domain_destroy_removes_devices_and_domain,
      "libxl_domain_destroy of a guest with a disk served by dom0 and a nic "
      "and a vtpm served by a driver domain removes every backend and "
      "frontend directory, the domain's xenstore, its userdata and the "
      "domain itself")
{
    struct tb *tb = tb_start(tc);
    libxl_device_disk d;
    libxl_device_nic n;
    libxl_device_vtpm v;
    char p[1024];

    tb_domain_create(tb, DRVDOM, "driverdom", TB_PV);
    tb_backend_start(tb, 0);
    tb_backend_start(tb, DRVDOM);
    tb_domain_create(tb, GUEST, "guest1", TB_PV);

    libxl_device_disk_init(&d);
    d.pdev_path = strdup("/dev/tb/guest1-root");
    d.vdev = strdup("xvda");
    d.backend = LIBXL_DISK_BACKEND_PHY;
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.readwrite = 1;
    d.script = strdup(tb_hotplug_script());
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);

    libxl_device_nic_init(&n);
    n.backend_domid = DRVDOM;
    n.devid = 0;
    n.bridge = strdup("xenbr-tb");
    n.nictype = LIBXL_NIC_TYPE_VIF;
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);

    libxl_device_vtpm_init(&v);
    v.backend_domid = DRVDOM;
    v.devid = 0;
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);

    ATF_REQUIRE_EQ(0, libxl_domain_destroy(tb->ctx, GUEST, NULL));

    ATF_CHECK(!tb_domain_exists(tb, GUEST));
    ATF_CHECK(tb_domain_exists(tb, DRVDOM));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u", GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/libxl/%u", GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/vm/5b3a1e00-7e57-4000-8000-000000000001"));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/0/backend/vbd/%u", GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/backend/vif/%u/0",
                            DRVDOM, GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/backend/vtpm/%u/0",
                            DRVDOM, GUEST));
    ATF_CHECK(tb_xs_exists(tb, "/local/domain/%u/name", DRVDOM));
    ATF_CHECK_EQ(1, tb_hotplug_count(tb, "remove",
                                     "/local/domain/0/backend/vbd/1/51712"));
#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
    snprintf(p, sizeof(p), "%s/root/var/lib/xen/userdata-d.%u."
             "5b3a1e00-7e57-4000-8000-000000000001.libxl-json", tb->dir, GUEST);
    ATF_CHECK_MSG(!host_path_exists(p), "%s survived destroy", p);
#endif
    snprintf(p, sizeof(p), "/var/lib/xen/userdata-d.%u."
             "5b3a1e00-7e57-4000-8000-000000000001.libxl-json", GUEST);
    ATF_CHECK_MSG(!host_path_exists(p), "%s written on the host", p);
    ATF_CHECK_EQ(0, tb_escapes(tb));
}

TB_TC(domain_destroy_leaves_other_guest_alone,
      "destroying one guest leaves another guest's devices in place")
{
    struct tb *tb = tb_start(tc);
    libxl_device_vtpm v;
    libxl_device_vtpm *list;
    int i, count = 0;

    tb_backend_start(tb, 0);
    tb_domain_create(tb, GUEST, "guest1", TB_PV);
    tb_domain_create(tb, 3, "guest3", TB_PV);
    for (i = 0; i < 2; i++) {
        libxl_device_vtpm_init(&v);
        v.devid = 0;
        ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(tb->ctx, i ? 3 : GUEST, &v,
                                                NULL));
        libxl_device_vtpm_dispose(&v);
    }
    ATF_REQUIRE_EQ(0, libxl_domain_destroy(tb->ctx, GUEST, NULL));
    ATF_CHECK(tb_domain_exists(tb, 3));
    ATF_CHECK(tb_xs_exists(tb, "/local/domain/0/backend/vtpm/3/0/state"));
    list = libxl_device_vtpm_list(tb->ctx, 3, &count);
    ATF_CHECK_EQ(1, count);
    for (i = 0; i < count; i++)
        libxl_device_vtpm_dispose(&list[i]);
    free(list);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, domain_info_reports_declared_guest);
    ATF_TP_ADD_TC(tp, domain_name_to_domid_finds_declared_guest);
    ATF_TP_ADD_TC(tp, domain_destroy_removes_devices_and_domain);
    ATF_TP_ADD_TC(tp, domain_destroy_leaves_other_guest_alone);
    return atf_no_error();
}
