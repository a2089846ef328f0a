/*
 * Security tests of the readers of virtual TPM configuration: whatever a
 * hostile vTPM domain writes in its backend directory, or a hostile guest
 * in its frontend directory, libxl reports the vtpm it configured (its
 * uuid, backend and frontend), and never another guest's.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"

#define GUEST   TB_GUEST
#define DRVDOM  TB_DRVDOM   /* the guest's vTPM domain */
#define VICTIM  TB_VICTIM   /* another guest, its vtpm served by dom0 */
#define GUEST_UUID  "2b9b4d53-17c9-4b8e-9a53-6d0c0a1e5f01"
#define VICTIM_UUID "7c1f0e2a-66a6-4c3b-8d5e-0f3a9b2c4d03"

static void add_vtpm(struct tb *tb, uint32_t domid, uint32_t bdom,
                     const char *uuid)
{
    libxl_device_vtpm v;

    libxl_device_vtpm_init(&v);
    v.backend_domid = bdom;
    v.devid = 0;
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&v.uuid, uuid));
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(tb->ctx, domid, &v, NULL));
    libxl_device_vtpm_dispose(&v);
}

static struct tb_world setup(const atf_tc_t *tc)
{
    struct tb_world w = tb_world_start(tc, DRVDOM);

    add_vtpm(w.tb, VICTIM, 0, VICTIM_UUID);
    add_vtpm(w.tb, GUEST, DRVDOM, GUEST_UUID);
    return w;
}

static void check_uuid(const libxl_uuid *got, const char *want_s)
{
    libxl_uuid want, g = *got;

    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&want, want_s));
    ATF_CHECK_MSG(libxl_uuid_compare(&want, &g) == 0,
                  "uuid " LIBXL_UUID_FMT ", expected %s",
                  LIBXL_UUID_BYTES(g), want_s);
}

static void check_vtpm(const libxl_device_vtpm *v)
{
    ATF_CHECK_EQ(DRVDOM, v->backend_domid);
    ATF_CHECK_EQ(0, v->devid);
    check_uuid(&v->uuid, GUEST_UUID);
}

static void check_list(struct tb_world *w)
{
    libxl_device_vtpm *list;
    int n = -1, i;

    list = libxl_device_vtpm_list(w->tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ_MSG(1, n, "%d vtpms listed", n);
    ATF_REQUIRE(list);
    check_vtpm(&list[0]);
    for (i = 0; i < n; i++)
        libxl_device_vtpm_dispose(&list[i]);
    free(list);
}

static void check_getinfo(struct tb_world *w)
{
    libxl_device_vtpm v;
    libxl_vtpminfo info;
    char be[128], fe[128];

    libxl_device_vtpm_init(&v);
    v.devid = 0;
    libxl_vtpminfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_getinfo(w->tb->ctx, GUEST, &v, &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/vtpm/%u/0", DRVDOM, GUEST);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vtpm/0", GUEST);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(DRVDOM, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend);
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(0, info.devid);
    check_uuid(&info.uuid, GUEST_UUID);
    libxl_vtpminfo_dispose(&info);
    libxl_device_vtpm_dispose(&v);
}

TB_SEC_TC(vtpm_list_ignores_frontend_pointer_to_other_guest,
          "libxl_device_vtpm_list returns the guest's own vtpm after the "
          "guest pointed backend and backend-id at another guest's vtpm",
          "libxl_device_vtpm_list", "vtpm", "XSA-175")
{
    struct tb_world w = setup(tc);

    tb_point_frontend_at_victim(&w, "vtpm", 0);
    check_list(&w);
}

TB_SEC_TC(vtpm_list_survives_deleted_frontend_backend_id,
          "libxl_device_vtpm_list returns the configured vtpm after the "
          "guest deleted the backend-id node of its frontend",
          "libxl_device_vtpm_list", "vtpm", "XSA-175")
{
    struct tb_world w = setup(tc);

    TB_HOSTILE(w.guest, "rm vtpm/0/backend-id");
    check_list(&w);
}

TB_SEC_TC(vtpm_list_keeps_vtpm_whose_frontend_dir_was_deleted,
          "libxl_device_vtpm_list still returns the configured vtpm after "
          "the guest deleted its frontend directory",
          "libxl_device_vtpm_list", "vtpm", "XSA-175")
{
    struct tb_world w = setup(tc);

    TB_HOSTILE(w.guest, "rm vtpm/0");
    check_list(&w);
}

TB_SEC_TC(vtpm_uuid_lookup_never_returns_other_guests_vtpm,
          "libxl_uuid_to_device_vtpm finds no vtpm of the guest with the "
          "other guest's uuid, and finds the guest's own, after the guest "
          "pointed its frontend at the other guest's vtpm",
          "libxl_device_vtpm_list", "vtpm", "XSA-175")
{
    struct tb_world w = setup(tc);
    libxl_device_vtpm v;
    libxl_uuid u;

    tb_point_frontend_at_victim(&w, "vtpm", 0);
    libxl_device_vtpm_init(&v);
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&u, VICTIM_UUID));
    ATF_CHECK(libxl_uuid_to_device_vtpm(w.tb->ctx, GUEST, &u, &v) != 0);
    libxl_device_vtpm_dispose(&v);

    libxl_device_vtpm_init(&v);
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&u, GUEST_UUID));
    ATF_REQUIRE_EQ(0, libxl_uuid_to_device_vtpm(w.tb->ctx, GUEST, &u, &v));
    check_vtpm(&v);
    libxl_device_vtpm_dispose(&v);
}

TB_SEC_TC(vtpm_list_ignores_hostile_backend_uuid,
          "libxl_device_vtpm_list returns the configured uuid after the "
          "vTPM domain rewrote uuid in its backend directory",
          "libxl_device_vtpm_list", "vtpm", "XSA-178")
{
    struct tb_world w = setup(tc);

    TB_HOSTILE(w.drvdom, "write vtpm/%u/0/uuid %s", GUEST, VICTIM_UUID);
    check_list(&w);
}

TB_SEC_TC(vtpm_list_keeps_vtpm_whose_backend_dir_was_deleted,
          "libxl_device_vtpm_list still returns the configured uuid after "
          "the vTPM domain deleted its whole backend directory",
          "libxl_device_vtpm_list", "vtpm", "XSA-178")
{
    struct tb_world w = setup(tc);

    TB_HOSTILE(w.drvdom, "rm vtpm/%u", GUEST);
    check_list(&w);
}

TB_SEC_TC(vtpm_getinfo_ignores_frontend_pointer_to_other_guest,
          "libxl_device_vtpm_getinfo reports the configured backend and "
          "uuid after the guest pointed backend and backend-id at another "
          "guest's vtpm",
          "libxl_device_vtpm_getinfo", "vtpm", "XSA-175")
{
    struct tb_world w = setup(tc);

    tb_point_frontend_at_victim(&w, "vtpm", 0);
    check_getinfo(&w);
}

TB_SEC_TC(vtpm_getinfo_ignores_hostile_backend_keys,
          "libxl_device_vtpm_getinfo reports the guest as the frontend and "
          "the configured uuid after the vTPM domain rewrote frontend, "
          "frontend-id and uuid",
          "libxl_device_vtpm_getinfo", "vtpm", "XSA-178")
{
    struct tb_world w = setup(tc);

    TB_HOSTILE(w.drvdom, "write vtpm/%u/0/frontend /local/domain/%u/device/vtpm/0",
               GUEST, VICTIM);
    TB_HOSTILE(w.drvdom, "write vtpm/%u/0/frontend-id %u", GUEST, VICTIM);
    TB_HOSTILE(w.drvdom, "write vtpm/%u/0/uuid %s", GUEST, VICTIM_UUID);
    check_getinfo(&w);
}

TB_TC(vtpm_getinfo_fails_cleanly_without_uuid,
      "libxl_device_vtpm_getinfo fails with a libxl error, and does not "
      "crash, when the vtpm's uuid is in neither libxl's record nor the "
      "backend")
{
    struct tb_world w = setup(tc);
    libxl_device_vtpm v;
    libxl_vtpminfo info;
    char p[128];

    /* The state under test, not an attack: the uuid is gone from every
     * side, so the case is the same in the control run. */
    snprintf(p, sizeof(p), "/libxl/%u/device/vtpm/0/uuid", GUEST);
    xs_rm(w.tb->xs, XBT_NULL, p);
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w.drvdom, "rm vtpm/%u/0/uuid", GUEST));
    libxl_device_vtpm_init(&v);
    v.devid = 0;
    libxl_vtpminfo_init(&info);
    ATF_CHECK_EQ(ERROR_FAIL,
                 libxl_device_vtpm_getinfo(w.tb->ctx, GUEST, &v, &info));
    libxl_vtpminfo_dispose(&info);
    libxl_device_vtpm_dispose(&v);
}

TB_TC(vtpm_readers_fail_cleanly_for_vanished_vtpm,
      "once every trace of the vtpm is gone from xenstore, "
      "libxl_device_vtpm_list returns no vtpm and getinfo and the devid "
      "lookup fail with a libxl error, without crashing")
{
    struct tb_world w = setup(tc);
    libxl_device_vtpm v, *list;
    libxl_vtpminfo info;
    int n = -1;
    char p[128];

    /* The state under test, not an attack: the vtpm is gone from every
     * side, so the case is the same in the control run. */
    snprintf(p, sizeof(p), "/libxl/%u/device/vtpm/0", GUEST);
    xs_rm(w.tb->xs, XBT_NULL, p);
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w.guest, "rm vtpm/0"));
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w.drvdom, "rm vtpm/%u", GUEST));

    list = libxl_device_vtpm_list(w.tb->ctx, GUEST, &n);
    ATF_CHECK_EQ(0, n);
    free(list);

    libxl_device_vtpm_init(&v);
    v.devid = 0;
    libxl_vtpminfo_init(&info);
    ATF_CHECK(libxl_device_vtpm_getinfo(w.tb->ctx, GUEST, &v, &info) < 0);
    libxl_vtpminfo_dispose(&info);
    libxl_device_vtpm_dispose(&v);

    libxl_device_vtpm_init(&v);
    ATF_CHECK(libxl_devid_to_device_vtpm(w.tb->ctx, GUEST, 0, &v) != 0);
    libxl_device_vtpm_dispose(&v);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, vtpm_list_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, vtpm_list_survives_deleted_frontend_backend_id);
    ATF_TP_ADD_TC(tp, vtpm_list_keeps_vtpm_whose_frontend_dir_was_deleted);
    ATF_TP_ADD_TC(tp, vtpm_uuid_lookup_never_returns_other_guests_vtpm);
    ATF_TP_ADD_TC(tp, vtpm_list_ignores_hostile_backend_uuid);
    ATF_TP_ADD_TC(tp, vtpm_list_keeps_vtpm_whose_backend_dir_was_deleted);
    ATF_TP_ADD_TC(tp, vtpm_getinfo_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, vtpm_getinfo_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, vtpm_getinfo_fails_cleanly_without_uuid);
    ATF_TP_ADD_TC(tp, vtpm_readers_fail_cleanly_for_vanished_vtpm);
    return atf_no_error();
}
