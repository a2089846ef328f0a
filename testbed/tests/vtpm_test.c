/*
 * Functional tests of virtual TPMs: the uuid libxl is given comes back
 * through its public API, with the backend (a vTPM domain) in dom0 or in
 * a driver domain.
 */
#include <stdlib.h>
#include <string.h>

#include "tb.h"

#define GUEST   1
#define DRVDOM  2
#define TPM_UUID "2b9b4d53-17c9-4b8e-9a53-6d0c0a1e5f01"

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    struct tb *tb = tb_start(tc);

    if (bdom != 0)
        tb_domain_create(tb, bdom, "vtpmdom", TB_PV);
    tb_backend_start(tb, bdom);
    tb_domain_create(tb, GUEST, "guest1", TB_PV);
    return tb;
}

static void vtpm_config(libxl_device_vtpm *v, uint32_t bdom)
{
    libxl_device_vtpm_init(v);
    v->backend_domid = bdom;
    v->devid = 0;
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&v->uuid, TPM_UUID));
}

static void add_vtpm(struct tb *tb, uint32_t bdom)
{
    libxl_device_vtpm v;

    vtpm_config(&v, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);
}

static void check_vtpm(const libxl_device_vtpm *v, uint32_t bdom)
{
    libxl_uuid want;

    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&want, TPM_UUID));
    ATF_CHECK_EQ(bdom, v->backend_domid);
    ATF_CHECK_EQ(0, v->devid);
    ATF_CHECK(libxl_uuid_compare(&want, (libxl_uuid *)&v->uuid) == 0);
}

static void check_list(struct tb *tb, uint32_t bdom)
{
    libxl_device_vtpm *list;
    int n = 0, i;

    list = libxl_device_vtpm_list(tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ(1, n);
    check_vtpm(&list[0], bdom);
    for (i = 0; i < n; i++)
        libxl_device_vtpm_dispose(&list[i]);
    free(list);
}

static void check_getinfo(struct tb *tb, uint32_t bdom)
{
    libxl_device_vtpm v;
    libxl_vtpminfo info;
    libxl_uuid want;
    char be[128], fe[128];

    vtpm_config(&v, bdom);
    libxl_vtpminfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_getinfo(tb->ctx, GUEST, &v, &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vtpm/%u/0",
             (unsigned)bdom, GUEST);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vtpm/0", GUEST);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(bdom, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend);
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(0, info.devid);
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&want, TPM_UUID));
    ATF_CHECK(libxl_uuid_compare(&want, &info.uuid) == 0);
    libxl_vtpminfo_dispose(&info);
    libxl_device_vtpm_dispose(&v);
}

static void check_lookups(struct tb *tb, uint32_t bdom)
{
    libxl_device_vtpm v;
    libxl_uuid u;

    libxl_device_vtpm_init(&v);
    ATF_REQUIRE_EQ(0, libxl_devid_to_device_vtpm(tb->ctx, GUEST, 0, &v));
    check_vtpm(&v, bdom);
    libxl_device_vtpm_dispose(&v);

    libxl_device_vtpm_init(&v);
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&u, TPM_UUID));
    ATF_REQUIRE_EQ(0, libxl_uuid_to_device_vtpm(tb->ctx, GUEST, &u, &v));
    check_vtpm(&v, bdom);
    libxl_device_vtpm_dispose(&v);
}

static void remove_vtpm(struct tb *tb, uint32_t bdom)
{
    libxl_device_vtpm v;
    libxl_device_vtpm *list;
    int n = -1;

    vtpm_config(&v, bdom);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_remove(tb->ctx, GUEST, &v, NULL));
    libxl_device_vtpm_dispose(&v);
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/backend/vtpm/%u/0",
                            (unsigned)bdom, GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/device/vtpm/0", GUEST));
    list = libxl_device_vtpm_list(tb->ctx, GUEST, &n);
    ATF_CHECK_EQ(0, n);
    free(list);
}

TB_TC(vtpm_add_dom0_backend_writes_configured_uuid,
      "vtpm add, backend in dom0, writes the configured uuid")
{
    struct tb *tb = setup(tc, 0);

    add_vtpm(tb, 0);
    TB_REQUIRE_XS(tb, TPM_UUID, "/local/domain/0/backend/vtpm/%u/0/uuid", GUEST);
    TB_REQUIRE_XS(tb, "2", "/local/domain/0/backend/vtpm/%u/0/state", GUEST);
}

TB_TC(vtpm_add_driver_domain_backend_writes_configured_uuid,
      "vtpm add, backend in a vTPM domain, writes the configured uuid")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_vtpm(tb, DRVDOM);
    TB_REQUIRE_XS(tb, TPM_UUID, "/local/domain/%u/backend/vtpm/%u/0/uuid",
                  DRVDOM, GUEST);
}

TB_TC(vtpm_list_dom0_backend_returns_configured_vtpm,
      "libxl_device_vtpm_list returns the configured vtpm, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_vtpm(tb, 0);
    check_list(tb, 0);
}

TB_TC(vtpm_list_driver_domain_backend_returns_configured_vtpm,
      "libxl_device_vtpm_list returns the configured vtpm, backend in a "
      "vTPM domain")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_vtpm(tb, DRVDOM);
    check_list(tb, DRVDOM);
}

TB_TC(vtpm_getinfo_dom0_backend_reports_paths_and_uuid,
      "libxl_device_vtpm_getinfo reports paths, devid and uuid, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_vtpm(tb, 0);
    check_getinfo(tb, 0);
}

TB_TC(vtpm_getinfo_driver_domain_backend_reports_paths_and_uuid,
      "libxl_device_vtpm_getinfo reports paths, devid and uuid, backend in "
      "a vTPM domain")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_vtpm(tb, DRVDOM);
    check_getinfo(tb, DRVDOM);
}

TB_TC(vtpm_lookup_dom0_backend_finds_configured_vtpm,
      "libxl_devid_to_device_vtpm and libxl_uuid_to_device_vtpm find the "
      "configured vtpm, backend in dom0")
{
    struct tb *tb = setup(tc, 0);

    add_vtpm(tb, 0);
    check_lookups(tb, 0);
}

TB_TC(vtpm_lookup_driver_domain_backend_finds_configured_vtpm,
      "libxl_devid_to_device_vtpm and libxl_uuid_to_device_vtpm find the "
      "configured vtpm, backend in a vTPM domain")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_vtpm(tb, DRVDOM);
    check_lookups(tb, DRVDOM);
}

TB_TC(vtpm_remove_dom0_backend_clears_xenstore,
      "vtpm remove, backend in dom0, removes both xenstore directories")
{
    struct tb *tb = setup(tc, 0);

    add_vtpm(tb, 0);
    remove_vtpm(tb, 0);
}

TB_TC(vtpm_remove_driver_domain_backend_clears_xenstore,
      "vtpm remove, backend in a vTPM domain, completes once it removed "
      "its backend directory")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_vtpm(tb, DRVDOM);
    remove_vtpm(tb, DRVDOM);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, vtpm_add_dom0_backend_writes_configured_uuid);
    ATF_TP_ADD_TC(tp, vtpm_add_driver_domain_backend_writes_configured_uuid);
    ATF_TP_ADD_TC(tp, vtpm_list_dom0_backend_returns_configured_vtpm);
    ATF_TP_ADD_TC(tp, vtpm_list_driver_domain_backend_returns_configured_vtpm);
    ATF_TP_ADD_TC(tp, vtpm_getinfo_dom0_backend_reports_paths_and_uuid);
    ATF_TP_ADD_TC(tp, vtpm_getinfo_driver_domain_backend_reports_paths_and_uuid);
    ATF_TP_ADD_TC(tp, vtpm_lookup_dom0_backend_finds_configured_vtpm);
    ATF_TP_ADD_TC(tp, vtpm_lookup_driver_domain_backend_finds_configured_vtpm);
    ATF_TP_ADD_TC(tp, vtpm_remove_dom0_backend_clears_xenstore);
    ATF_TP_ADD_TC(tp, vtpm_remove_driver_domain_backend_clears_xenstore);
    return atf_no_error();
}
