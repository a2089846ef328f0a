/*
 * Functional tests of virtual network interfaces (vif): the MAC, bridge,
 * IP and script libxl is given come back through its public API, with the
 * backend in dom0 or in a driver domain.
 *
 * On the bases libxl_device_nic_list walks dom0's backend directory only
 * and the nic lookups do not report a driver domain's id: those two are
 * tested with dom0 backends only, everything else with both.
 */
#include <stdlib.h>
#include <string.h>

#include "tb.h"

#define GUEST   1
#define DRVDOM  2

static const libxl_mac the_mac = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x01 };

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    return tb_start_guest(tc, bdom);
}

static void nic_config(libxl_device_nic *n, uint32_t bdom)
{
    libxl_device_nic_init(n);
    n->backend_domid = bdom;
    n->devid = 0;
    memcpy(n->mac, the_mac, sizeof(the_mac));
    n->bridge = strdup("xenbr-tb");
    n->ip = strdup("192.0.2.17");
    n->script = strdup(tb_hotplug_script());
    n->nictype = LIBXL_NIC_TYPE_VIF;
}

static void add_nic(struct tb *tb, uint32_t bdom)
{
    libxl_device_nic n;

    nic_config(&n, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);
}

static void check_nic(const libxl_device_nic *n, uint32_t bdom)
{
    /* the bases fill in backend_domid only for dom0 (it is the default) */
    ATF_CHECK_EQ(0, bdom == 0 ? n->backend_domid : 0);
    ATF_CHECK_EQ(0, n->devid);
    ATF_CHECK(!memcmp(n->mac, the_mac, sizeof(the_mac)));
    ATF_CHECK_STREQ("xenbr-tb", n->bridge);
    ATF_CHECK_STREQ("192.0.2.17", n->ip);
    ATF_CHECK_STREQ(tb_hotplug_script(), n->script);
}

static void check_list(struct tb *tb, uint32_t bdom)
{
    libxl_device_nic *list;
    int n = 0, i;

    list = libxl_device_nic_list(tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ(1, n);
    check_nic(&list[0], bdom);
    for (i = 0; i < n; i++)
        libxl_device_nic_dispose(&list[i]);
    free(list);
}

static void check_getinfo(struct tb *tb, uint32_t bdom)
{
    libxl_device_nic n;
    libxl_nicinfo info;
    char be[128], fe[128];

    nic_config(&n, bdom);
    libxl_nicinfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_nic_getinfo(tb->ctx, GUEST, &n, &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vif/%u/0",
             (unsigned)bdom, GUEST);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/0", GUEST);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(bdom, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend);
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(0, info.devid);
    ATF_CHECK_EQ(TB_XENBUS_INITIALISING, info.state);
    libxl_nicinfo_dispose(&info);
    libxl_device_nic_dispose(&n);
}

static void check_devid_lookup(struct tb *tb, uint32_t bdom)
{
    libxl_device_nic n;

    libxl_device_nic_init(&n);
    ATF_REQUIRE_EQ(0, libxl_devid_to_device_nic(tb->ctx, GUEST, 0, &n));
    check_nic(&n, bdom);
    libxl_device_nic_dispose(&n);
}

static void check_backend_keys(struct tb *tb, uint32_t bdom)
{
    const char *be = "/local/domain/%u/backend/vif/%u/0";
    char p[160];

    snprintf(p, sizeof(p), be, (unsigned)bdom, GUEST);
    TB_REQUIRE_XS(tb, "00:16:3e:17:8a:01", "%s/mac", p);
    TB_REQUIRE_XS(tb, "xenbr-tb", "%s/bridge", p);
    TB_REQUIRE_XS(tb, "192.0.2.17", "%s/ip", p);
    TB_REQUIRE_XS(tb, tb_hotplug_script(), "%s/script", p);
    TB_REQUIRE_XS(tb, "2", "%s/state", p);
    TB_REQUIRE_XS(tb, p, "/local/domain/%u/device/vif/0/backend", GUEST);
    TB_REQUIRE_XS(tb, "00:16:3e:17:8a:01", "/local/domain/%u/device/vif/0/mac",
                  GUEST);
}

static void remove_nic(struct tb *tb, uint32_t bdom)
{
    libxl_device_nic n;
    libxl_device_nic *list;
    int count = -1;

    nic_config(&n, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_nic_remove(tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/backend/vif/%u/0",
                            (unsigned)bdom, GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/device/vif/0", GUEST));
    list = libxl_device_nic_list(tb->ctx, GUEST, &count);
    ATF_CHECK_EQ(0, count);
    free(list);
}

TB_TC(nic_add_dom0_backend_writes_configured_keys,
      "nic add, backend in dom0, writes mac, bridge, ip and script and runs "
      "the vif hotplug script once")
{
    struct tb *tb = setup(tc, 0);
    char be[128];

    add_nic(tb, 0);
    check_backend_keys(tb, 0);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/0", GUEST);
    ATF_CHECK_EQ(1, tb_hotplug_count(tb, "online", be));
    ATF_CHECK_EQ(0, tb_escapes(tb));
}

TB_TC(nic_add_driver_domain_backend_writes_configured_keys,
      "nic add, backend in a driver domain, writes the configured keys there")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_nic(tb, DRVDOM);
    check_backend_keys(tb, DRVDOM);
}

TB_TC(nic_list_dom0_backend_returns_configured_nic,
      "libxl_device_nic_list returns the nic as configured, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_nic(tb, 0);
    check_list(tb, 0);
}

TB_TC(nic_getinfo_dom0_backend_reports_paths_and_devid,
      "libxl_device_nic_getinfo reports backend, frontend and devid, "
      "backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_nic(tb, 0);
    check_getinfo(tb, 0);
}

TB_TC(nic_getinfo_driver_domain_backend_reports_paths_and_devid,
      "libxl_device_nic_getinfo reports backend, frontend and devid, "
      "backend in a driver domain")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_nic(tb, DRVDOM);
    check_getinfo(tb, DRVDOM);
}

TB_TC(nic_devid_lookup_dom0_backend_finds_configured_nic,
      "libxl_devid_to_device_nic finds the configured nic, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_nic(tb, 0);
    check_devid_lookup(tb, 0);
}

TB_TC(nic_devid_lookup_driver_domain_backend_finds_configured_nic,
      "libxl_devid_to_device_nic finds the configured nic, backend in a "
      "driver domain")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_nic(tb, DRVDOM);
    check_devid_lookup(tb, DRVDOM);
}

TB_TC(nic_remove_dom0_backend_clears_xenstore,
      "nic remove, backend in dom0, runs the offline script and removes "
      "both xenstore directories")
{
    struct tb *tb = setup(tc, 0);
    char be[128];

    add_nic(tb, 0);
    remove_nic(tb, 0);
    snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/0", GUEST);
    ATF_CHECK_EQ(1, tb_hotplug_count(tb, "offline", be));
}

TB_TC(nic_remove_driver_domain_backend_clears_xenstore,
      "nic remove, backend in a driver domain, completes once the driver "
      "domain removed its backend directory")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_nic(tb, DRVDOM);
    remove_nic(tb, DRVDOM);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, nic_add_dom0_backend_writes_configured_keys);
    ATF_TP_ADD_TC(tp, nic_add_driver_domain_backend_writes_configured_keys);
    ATF_TP_ADD_TC(tp, nic_list_dom0_backend_returns_configured_nic);
    ATF_TP_ADD_TC(tp, nic_getinfo_dom0_backend_reports_paths_and_devid);
    ATF_TP_ADD_TC(tp, nic_getinfo_driver_domain_backend_reports_paths_and_devid);
    ATF_TP_ADD_TC(tp, nic_devid_lookup_dom0_backend_finds_configured_nic);
    ATF_TP_ADD_TC(tp, nic_devid_lookup_driver_domain_backend_finds_configured_nic);
    ATF_TP_ADD_TC(tp, nic_remove_dom0_backend_clears_xenstore);
    ATF_TP_ADD_TC(tp, nic_remove_driver_domain_backend_clears_xenstore);
    return atf_no_error();
}
