/*
 * Security tests of the readers of channel configuration (a channel is a
 * console with a name): whatever a hostile backend domain writes in its
 * backend directory, or a hostile guest in its frontend directory, libxl
 * reports the channel it configured (name, connection, socket path,
 * backend and frontend), never another guest's, and removes it with the
 * domain.
 *
 * Channels are added only by domain creation, which the testbed cannot
 * run without a hypervisor: this program is linked against the static
 * libxenlight and adds them with libxl__device_console_add, as domain
 * creation does.
 */
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include "tb-sec.h"

#define GUEST   TB_GUEST
#define DRVDOM  TB_DRVDOM
#define VICTIM  TB_VICTIM

/* Channel 0 of domid (its console 1), a socket, served by bdom. */
static void add_channel(struct tb *tb, uint32_t domid, uint32_t bdom,
                        const char *name, const char *path)
{
    libxl_device_channel ch;
    libxl__device_console console;
    libxl__device device;
    GC_INIT(tb->ctx);

    libxl_device_channel_init(&ch);
    ch.devid = 0;
    ch.backend_domid = bdom;
    ch.name = libxl__strdup(NOGC, name);
    libxl_device_channel_init_connection(&ch, LIBXL_CHANNEL_CONNECTION_SOCKET);
    ch.u.socket.path = libxl__strdup(NOGC, path);
    ATF_REQUIRE_EQ(0, libxl__init_console_from_channel(gc, &console, 1, &ch));
    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, domid, &console, NULL,
                                                &device));
    libxl__device_console_dispose(&console);
    libxl_device_channel_dispose(&ch);
    GC_FREE;
}

/* The guest's channel is served by bdom, the victim's by dom0. */
static struct tb_world setup(const atf_tc_t *tc, uint32_t bdom)
{
    struct tb_world w = tb_world_start(tc, bdom);

    add_channel(w.tb, VICTIM, 0, "org.tb.victim", "/run/tb/victim.sock");
    add_channel(w.tb, GUEST, bdom, "org.tb.guest", "/run/tb/guest.sock");
    return w;
}

/*
 * libxl_internal.h marks libxl's asynchronous public calls as not to be
 * called from inside libxl; this program is outside it, only linked
 * statically.
 */
static int destroy_domain(struct tb *tb, uint32_t domid)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wattribute-warning"
    return libxl_domain_destroy(tb->ctx, domid, NULL);
#pragma GCC diagnostic pop
}

/*
 * The base's channel list reads the name from the backend directory,
 * where libxl never writes it, and leaves the backend domain unset: an
 * upstream bug, not the advisory.  A tree that keeps libxl's own record
 * of the channel must report both from it; on the base a name it reports
 * is still never another guest's.
 */
static void check_list(struct tb_world *w)
{
    libxl_device_channel *list;
    int n = -1, i;
    bool record = tb_tree_keeps_record();

    list = libxl_device_channel_list(w->tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ_MSG(1, n, "%d channels listed", n);
    ATF_REQUIRE(list);
    ATF_CHECK_EQ(0, list[0].devid);
    if (record)
        ATF_CHECK_EQ(DRVDOM, list[0].backend_domid);
    if (record || list[0].name)
        ATF_CHECK_STREQ("org.tb.guest",
                        list[0].name ? list[0].name : "(null)");
    ATF_REQUIRE_EQ(LIBXL_CHANNEL_CONNECTION_SOCKET, list[0].connection);
    ATF_CHECK_STREQ("/run/tb/guest.sock",
                    list[0].u.socket.path ? list[0].u.socket.path : "(null)");
    for (i = 0; i < n; i++)
        libxl_device_channel_dispose(&list[i]);
    free(list);
}

static void check_getinfo(struct tb_world *w)
{
    libxl_device_channel ch;
    libxl_channelinfo info;
    char be[128], fe[128];

    libxl_device_channel_init(&ch);
    ch.devid = 0;
    libxl_device_channel_init_connection(&ch, LIBXL_CHANNEL_CONNECTION_SOCKET);
    libxl_channelinfo_init(&info);
    ATF_REQUIRE_EQ(0, libxl_device_channel_getinfo(w->tb->ctx, GUEST, &ch,
                                                   &info));
    snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u/1",
             DRVDOM, GUEST);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/console/1", GUEST);
    ATF_CHECK_STREQ(be, info.backend);
    ATF_CHECK_EQ(DRVDOM, info.backend_id);
    ATF_CHECK_STREQ(fe, info.frontend ? info.frontend : "(null)");
    ATF_CHECK_EQ(GUEST, info.frontend_id);
    ATF_CHECK_EQ(0, info.devid);
    libxl_channelinfo_dispose(&info);
    libxl_device_channel_dispose(&ch);
}

TB_SEC_TC(channel_list_ignores_frontend_pointer_to_other_guest,
          "libxl_device_channel_list returns the guest's own channel (name, "
          "socket path, backend domain) after the guest pointed its "
          "console's backend node at another guest's channel",
          "libxl_device_channel_list", "console", "XSA-175")
{
    struct tb_world w = setup(tc, DRVDOM);

    tb_point_frontend_at_victim(&w, "console", 1);
    check_list(&w);
}

TB_SEC_TC(channel_list_ignores_hostile_backend_keys,
          "libxl_device_channel_list returns the configured name and socket "
          "path after the backend domain rewrote name and path",
          "libxl_device_channel_list", "console", "XSA-178")
{
    struct tb_world w = setup(tc, DRVDOM);

    TB_HOSTILE(w.drvdom, "write console/%u/1/name org.tb.victim", GUEST);
    TB_HOSTILE(w.drvdom, "write console/%u/1/path /run/tb/victim.sock", GUEST);
    check_list(&w);
}

TB_SEC_TC(channel_list_survives_deleted_backend_connection,
          "libxl_device_channel_list returns the configured channel, and "
          "does not crash, after the backend domain deleted its connection "
          "node",
          "libxl_device_channel_list", "console", "XSA-178")
{
    struct tb_world w = setup(tc, DRVDOM);

    TB_HOSTILE(w.drvdom, "rm console/%u/1/connection", GUEST);
    check_list(&w);
}

TB_SEC_TC(channel_list_keeps_channel_whose_backend_dir_was_deleted,
          "libxl_device_channel_list still returns the configured channel "
          "after the backend domain deleted its whole backend directory",
          "libxl_device_channel_list", "console", "XSA-178")
{
    struct tb_world w = setup(tc, DRVDOM);

    TB_HOSTILE(w.drvdom, "rm console/%u", GUEST);
    check_list(&w);
}

TB_SEC_TC(channel_getinfo_ignores_frontend_pointer_to_other_guest,
          "libxl_device_channel_getinfo reports the configured backend after "
          "the guest pointed backend and backend-id at another guest's "
          "channel",
          "libxl_device_channel_getinfo", "console", "XSA-175")
{
    struct tb_world w = setup(tc, DRVDOM);

    tb_point_frontend_at_victim(&w, "console", 1);
    check_getinfo(&w);
}

TB_SEC_TC(channel_getinfo_ignores_hostile_backend_frontend_pointer,
          "libxl_device_channel_getinfo reports the guest as the frontend "
          "after the backend domain pointed frontend and frontend-id at "
          "another guest",
          "libxl_device_channel_getinfo", "console", "XSA-178")
{
    struct tb_world w = setup(tc, DRVDOM);

    TB_HOSTILE(w.drvdom,
               "write console/%u/1/frontend /local/domain/%u/device/console/1",
               GUEST, VICTIM);
    TB_HOSTILE(w.drvdom, "write console/%u/1/frontend-id %u", GUEST, VICTIM);
    check_getinfo(&w);
}

TB_SEC_TC(domain_destroy_removes_channel_whose_frontend_was_deleted,
          "libxl_domain_destroy removes the backend of the guest's channel, "
          "served by dom0, and leaves the other guest's alone, after the "
          "guest deleted the channel's frontend directory",
          "libxl__devices_destroy", "console", "XSA-175")
{
    struct tb_world w = setup(tc, 0);

    TB_HOSTILE(w.guest, "rm console/1");
    ATF_REQUIRE_EQ(0, destroy_domain(w.tb, GUEST));
    ATF_CHECK(!tb_xs_exists(w.tb, "/local/domain/0/backend/console/%u/1",
                            GUEST));
    TB_REQUIRE_XS(w.tb, "/run/tb/victim.sock",
                  "/local/domain/0/backend/console/%u/1/path", VICTIM);
}

TB_TC(channel_readers_fail_cleanly_for_vanished_channel,
      "once every trace of the channel is gone from xenstore, "
      "libxl_device_channel_list returns no channel and getinfo fails with "
      "a libxl error, without crashing")
{
    struct tb_world w = setup(tc, DRVDOM);
    libxl_device_channel ch, *list;
    libxl_channelinfo info;
    int n = -1;
    char p[128];

    snprintf(p, sizeof(p), "/libxl/%u/device/console/1", GUEST);
    xs_rm(w.tb->xs, XBT_NULL, p);
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w.guest, "rm console/1"));
    ATF_REQUIRE_EQ(0, tb_sim_cmd(w.drvdom, "rm console/%u", GUEST));

    list = libxl_device_channel_list(w.tb->ctx, GUEST, &n);
    ATF_CHECK_EQ(0, n);
    free(list);

    libxl_device_channel_init(&ch);
    ch.devid = 0;
    libxl_channelinfo_init(&info);
    ATF_CHECK(libxl_device_channel_getinfo(w.tb->ctx, GUEST, &ch, &info) < 0);
    libxl_channelinfo_dispose(&info);
    libxl_device_channel_dispose(&ch);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, channel_list_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, channel_list_ignores_hostile_backend_keys);
    ATF_TP_ADD_TC(tp, channel_list_survives_deleted_backend_connection);
    ATF_TP_ADD_TC(tp, channel_list_keeps_channel_whose_backend_dir_was_deleted);
    ATF_TP_ADD_TC(tp, channel_getinfo_ignores_frontend_pointer_to_other_guest);
    ATF_TP_ADD_TC(tp, channel_getinfo_ignores_hostile_backend_frontend_pointer);
    ATF_TP_ADD_TC(tp, domain_destroy_removes_channel_whose_frontend_was_deleted);
    ATF_TP_ADD_TC(tp, channel_readers_fail_cleanly_for_vanished_channel);
    return atf_no_error();
}
