/*
 * Security tests of the readers of network interface (vif)
 * configuration: whatever a hostile driver domain writes in its backend
 * directory, or a hostile guest in its frontend directory, libxl reports
 * the nic it configured, never another guest's, and hands out devids
 * from its own record.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"

#define GUEST   TB_GUEST
#define DRVDOM  TB_DRVDOM
#define VICTIM  TB_VICTIM

static const libxl_mac guest_mac = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x01 };
static const libxl_mac victim_mac = { 0x00, 0x16, 0x3e, 0x66, 0x66, 0x03 };

static void nic_config(libxl_device_nic *n, uint32_t bdom, const libxl_mac mac,
                       const char *bridge, const char *ip)
{
    libxl_device_nic_init(n);
    n->backend_domid = bdom;
    n->devid = 0;
    memcpy(n->mac, mac, sizeof(libxl_mac));
    n->bridge = strdup(bridge);
    n->ip = strdup(ip);
    n->script = strdup(tb_hotplug_script());
    n->nictype = LIBXL_NIC_TYPE_VIF;
}

/* The guest's nic 0 is served by bdom, the driver domain or dom0; the
 * victim's by dom0. */
static struct tb_world setup_on(const atf_tc_t *tc, uint32_t bdom)
{
    struct tb_world w = tb_world_start(tc, bdom);
    libxl_device_nic n;

    nic_config(&n, 0, victim_mac, "xenbr-victim", "192.0.2.99");
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(w.tb->ctx, VICTIM, &n, NULL));
    libxl_device_nic_dispose(&n);
    nic_config(&n, bdom, guest_mac, "xenbr-tb", "192.0.2.17");
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(w.tb->ctx, GUEST, &n, NULL));
    libxl_device_nic_dispose(&n);
    return w;
}

static struct tb_world setup(const atf_tc_t *tc)
{
    return setup_on(tc, DRVDOM);
}

static void rewrite_backend(struct tb_world *w)
{
    TB_HOSTILE(w->backend, "write vif/%u/0/mac 00:16:3e:66:66:03", GUEST);
    TB_HOSTILE(w->backend, "write vif/%u/0/bridge xenbr-victim", GUEST);
    TB_HOSTILE(w->backend, "write vif/%u/0/ip 192.0.2.99", GUEST);
    TB_HOSTILE(w->backend, "write vif/%u/0/script /bin/sh", GUEST);
    TB_HOSTILE(w->backend, "write vif/%u/0/handle 7", GUEST);
    TB_HOSTILE(w->backend, "write vif/%u/0/type vif_ioemu", GUEST);
}

/* The configuration of nic 0, but for its backend domain. */
static void check_nic(const libxl_device_nic *n)
{
    ATF_CHECK_EQ(0, n->devid);
    ATF_CHECK(!memcmp(n->mac, guest_mac, sizeof(guest_mac)));
    ATF_CHECK_STREQ("xenbr-tb", n->bridge);
    ATF_CHECK_STREQ("192.0.2.17", n->ip);
    ATF_CHECK_STREQ(tb_hotplug_script(), n->script);
    ATF_CHECK_EQ(LIBXL_NIC_TYPE_VIF, n->nictype);
}

static void check_list(struct tb_world *w)
{
    libxl_device_nic *list;
    int n = -1, i;

    list = libxl_device_nic_list(w->tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ_MSG(1, n, "%d nics listed", n);
    ATF_REQUIRE(list);
    ATF_CHECK_EQ(w->bdom, list[0].backend_domid);
    check_nic(&list[0]);
    for (i = 0; i < n; i++)
        libxl_device_nic_dispose(&list[i]);
    free(list);
}

/*
 * The base's lookup never sets the backend domain (an upstream bug, not
 * the advisory); a tree that keeps libxl's own record of the nic must
 * report the configured one from it.
 */
static void check_devid_lookup(struct tb_world *w)
{
    libxl_device_nic n;
    bool record = tb_tree_keeps_record();

    libxl_device_nic_init(&n);
    ATF_REQUIRE_EQ(0, libxl_devid_to_device_nic(w->tb->ctx, GUEST, 0, &n));
    if (record)
        ATF_CHECK_EQ(w->bdom, n.backend_domid);
    check_nic(&n);
    libxl_device_nic_dispose(&n);
}

static void check_getinfo(struct tb_world *w)
{
    libxl_device_nic n;
    libxl_nicinfo info;
    char be[128], fe[128];

    libxl_device_nic_init(&n);
    n.devid = 0;
    libxl_nicinfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_nic_getinfo(w->tb->ctx, GUEST, &n, &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vif/%u/0", DRVDOM, GUEST);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/0", GUEST);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(DRVDOM, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend);
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(0, info.devid);
    libxl_nicinfo_dispose(&info);
    libxl_device_nic_dispose(&n);
}

/*
 * The base's nic list walks only dom0's backend directory, so it never
 * lists a nic a driver domain serves, attacked or not: the list tests
 * and the devid allocation test (which lists) put the guest's nics on a
 * backend in dom0, a user-space backend no more trusted than a driver
 * domain.
 */
TB_SEC_TC(nic_list_ignores_hostile_backend_keys,
          "libxl_device_nic_list returns the nic as configured after its "
          "backend in dom0 rewrote mac, bridge, ip, script, handle and type",
          "libxl_device_nic_list", "vif", "XSA-178")
{
    struct tb_world w = setup_on(tc, 0);

    rewrite_backend(&w);
    check_list(&w);
}

TB_SEC_TC(nic_list_keeps_nic_whose_backend_dir_was_deleted,
          "libxl_device_nic_list still returns the configured nic after its "
          "backend in dom0 deleted its whole backend directory",
          "libxl_device_nic_list", "vif", "XSA-178")
{
    struct tb_world w = setup_on(tc, 0);

    TB_HOSTILE(w.backend, "rm vif/%u", GUEST);
    check_list(&w);
}

TB_SEC_TC(nic_devid_lookup_ignores_hostile_backend_keys,
          "libxl_devid_to_device_nic returns the nic as configured after the "
          "driver domain rewrote its backend keys",
          "libxl_devid_to_device_nic", "vif", "XSA-178")
{
    struct tb_world w = setup(tc);

    rewrite_backend(&w);
    check_devid_lookup(&w);
}

TB_SEC_TC(nic_devid_lookup_ignores_frontend_pointer_to_other_guest,
          "libxl_devid_to_device_nic returns the guest's own nic after the "
          "guest pointed its frontend's backend node at another guest's nic",
          "libxl_devid_to_device_nic", "vif", "XSA-175")
{
    struct tb_world w = setup(tc);

    tb_point_frontend_at_victim(&w, "vif", 0);
    check_devid_lookup(&w);
}

TB_SEC_TC(nic_getinfo_ignores_frontend_pointer_to_other_guest,
          "libxl_device_nic_getinfo reports the configured backend after the "
          "guest pointed backend and backend-id at another guest's nic",
          "libxl_device_nic_getinfo", "vif", "XSA-175")
{
    struct tb_world w = setup(tc);

    tb_point_frontend_at_victim(&w, "vif", 0);
    check_getinfo(&w);
}

TB_SEC_TC(nic_getinfo_ignores_hostile_backend_frontend_pointer,
          "libxl_device_nic_getinfo reports the guest as the frontend after "
          "the driver domain pointed frontend and frontend-id at another guest",
          "libxl_device_nic_getinfo", "vif", "XSA-178")
{
    struct tb_world w = setup(tc);

    TB_HOSTILE(w.backend, "write vif/%u/0/frontend /local/domain/%u/device/vif/0",
               GUEST, VICTIM);
    TB_HOSTILE(w.backend, "write vif/%u/0/frontend-id %u", GUEST, VICTIM);
    check_getinfo(&w);
}

TB_SEC_TC(nic_add_allocates_fresh_devid_after_guest_deleted_frontend,
          "a nic added without a devid gets devid 1, and nic 0 keeps its "
          "configuration, after the guest deleted the frontend of nic 0",
          "libxl__device_nextid", "vif", "XSA-175")
{
    struct tb_world w = setup_on(tc, 0);
    libxl_device_nic n;
    libxl_device_nic *list;
    int count = -1, i;
    static const libxl_mac mac2 = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x02 };

    TB_HOSTILE(w.guest, "rm vif/0");
    nic_config(&n, 0, mac2, "xenbr-tb2", "192.0.2.18");
    n.devid = -1;
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(w.tb->ctx, GUEST, &n, NULL));
    ATF_CHECK_EQ(1, n.devid);
    libxl_device_nic_dispose(&n);
    TB_REQUIRE_XS(w.tb, "xenbr-tb2", "/local/domain/0/backend/vif/%u/1/bridge",
                  GUEST);
    TB_REQUIRE_XS(w.tb, "xenbr-tb", "/local/domain/0/backend/vif/%u/0/bridge",
                  GUEST);
    list = libxl_device_nic_list(w.tb->ctx, GUEST, &count);
    ATF_REQUIRE_EQ(2, count);
    ATF_CHECK_EQ(0, list[0].backend_domid);
    check_nic(&list[0]);
    for (i = 0; i < count; i++)
        libxl_device_nic_dispose(&list[i]);
    free(list);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, nic_list_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, nic_list_keeps_nic_whose_backend_dir_was_deleted);
    ATF_TP_ADD_TC(tp, nic_devid_lookup_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, nic_devid_lookup_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, nic_getinfo_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, nic_getinfo_ignores_hostile_backend_frontend_pointer);
    ATF_TP_ADD_TC(tp, nic_add_allocates_fresh_devid_after_guest_deleted_frontend);
    return atf_no_error();
}
