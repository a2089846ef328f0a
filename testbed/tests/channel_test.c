/*
 * Functional tests of channels (consoles with a name, LIBXL_HAVE_DEVICE_
 * CHANNEL): what libxl_device_channel_list and _getinfo report for the
 * channels domain creation added, pty and socket, with the backend in
 * dom0 or a driver domain, and their removal with the domain.
 *
 * Channels are added only while libxl builds a domain, which needs a
 * hypervisor: this program is linked against the static libxenlight and
 * does what domain creation does, libxl__init_console_from_channel and
 * libxl__device_console_add for each channel after the primary console.
 *
 * The name of a channel is not checked: libxl writes it to the frontend
 * and reads it back from the backend, so no base reports it.
 */
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include "tb.h"

#define GUEST   1
#define DRVDOM  2
#define SOCK    "/run/tb/agent.sock"

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    return tb_start_guest(tc, bdom);
}

static void console_add(libxl__gc *gc, libxl__device_console *console,
                        libxl__domain_build_state *state)
{
    libxl__device device;

    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, console, state,
                                                &device));
}

/*
 * The primary console (no name: not a channel), then channel 0 on a pty
 * and channel 1 on a socket, as libxl__domain_build_post's caller does.
 */
static void add_channels(struct tb *tb, uint32_t bdom)
{
    libxl__domain_build_state state;
    libxl__device_console console;
    libxl_device_channel ch[2];
    int i;
    GC_INIT(tb->ctx);

    memset(&state, 0, sizeof(state));
    state.console_port = 7;
    state.console_mfn = 0x1234;
    state.console_domid = bdom;
    libxl__device_console_init(&console);
    console.consback = LIBXL__CONSOLE_BACKEND_XENCONSOLED;
    console.output = libxl__strdup(NOGC, "pty");
    console.backend_domid = bdom;
    console_add(gc, &console, &state);
    libxl__device_console_dispose(&console);

    for (i = 0; i < 2; i++) {
        libxl_device_channel_init(&ch[i]);
        ch[i].backend_domid = bdom;
        ch[i].devid = i;
        ch[i].name = libxl__strdup(NOGC, i ? "org.example.agent"
                                            : "org.example.log");
        ch[i].connection = i ? LIBXL_CHANNEL_CONNECTION_SOCKET
                             : LIBXL_CHANNEL_CONNECTION_PTY;
        if (i)
            ch[i].u.socket.path = libxl__strdup(NOGC, SOCK);
        ATF_REQUIRE_EQ(0, libxl__init_console_from_channel(gc, &console,
                                                           i + 1, &ch[i]));
        console_add(gc, &console, NULL);
        libxl__device_console_dispose(&console);
        libxl_device_channel_dispose(&ch[i]);
    }
    GC_FREE;
}

static void check_list(struct tb *tb)
{
    libxl_device_channel *list;
    int n = -1, i;

    list = libxl_device_channel_list(tb->ctx, GUEST, &n);
    ATF_REQUIRE_EQ_MSG(2, n, "%d channels listed", n);
    ATF_REQUIRE(list);
    ATF_CHECK_EQ(0, list[0].devid);
    ATF_CHECK_EQ(LIBXL_CHANNEL_CONNECTION_PTY, list[0].connection);
    ATF_CHECK_EQ(1, list[1].devid);
    ATF_CHECK_EQ(LIBXL_CHANNEL_CONNECTION_SOCKET, list[1].connection);
    ATF_CHECK_STREQ(SOCK, list[1].u.socket.path);
    for (i = 0; i < n; i++)
        libxl_device_channel_dispose(&list[i]);
    free(list);
}

static void check_getinfo(struct tb *tb, uint32_t bdom)
{
    int i;

    for (i = 0; i < 2; i++) {
        libxl_device_channel ch;
        libxl_channelinfo info;
        char be[128], fe[128];

        libxl_device_channel_init(&ch);
        ch.devid = i;
        ch.connection = i ? LIBXL_CHANNEL_CONNECTION_SOCKET
                          : LIBXL_CHANNEL_CONNECTION_PTY;
        libxl_channelinfo_init(&info);
        ATF_REQUIRE_EQ(0, libxl_device_channel_getinfo(tb->ctx, GUEST, &ch,
                                                       &info));
        snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u/%d",
                 (unsigned)bdom, GUEST, i + 1);
        snprintf(fe, sizeof(fe), "/local/domain/%u/device/console/%d",
                 GUEST, i + 1);
        ATF_CHECK_STREQ(be, info.backend);
        ATF_CHECK_EQ(bdom, info.backend_id);
        ATF_CHECK_STREQ(fe, info.frontend);
        ATF_CHECK_EQ(GUEST, info.frontend_id);
        ATF_CHECK_EQ(i, info.devid);
        ATF_CHECK_EQ(TB_XENBUS_INITIALISING, info.state);
        /* no frontend has published its ring yet */
        ATF_CHECK_EQ(-1, info.evtch);
        ATF_CHECK_EQ(-1, info.rref);
        ATF_CHECK_EQ(ch.connection, info.connection);
        if (i == 0)
            ATF_CHECK_STREQ("", info.u.pty.path);
        libxl_channelinfo_dispose(&info);
        libxl_device_channel_dispose(&ch);
    }
}

#define CHANNEL_TCS(where, bdom, what)                                      \
    TB_TC(channel_add_##where##_backend_writes_connection_and_path,         \
          "channel add, backend in " what ", writes each channel's "        \
          "connection, socket path, output and name")                       \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
        char be[128];                                                       \
                                                                            \
        add_channels(tb, bdom);                                             \
        snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u",     \
                 (unsigned)(bdom), GUEST);                                  \
        TB_REQUIRE_XS(tb, "pty", "%s/1/connection", be);                    \
        TB_REQUIRE_XS(tb, NULL, "%s/1/path", be);                           \
        TB_REQUIRE_XS(tb, "socket", "%s/2/connection", be);                 \
        TB_REQUIRE_XS(tb, SOCK, "%s/2/path", be);                           \
        TB_REQUIRE_XS(tb, "org.example.log",                                \
                      "/local/domain/%u/device/console/1/name", GUEST);     \
        TB_REQUIRE_XS(tb, "org.example.agent",                              \
                      "/local/domain/%u/device/console/2/name", GUEST);     \
        TB_REQUIRE_XS(tb, "pty",                                            \
                      "/local/domain/%u/device/console/1/output", GUEST);   \
        TB_REQUIRE_XS(tb, "chardev:libxl-channel1",                         \
                      "/local/domain/%u/device/console/2/output", GUEST);   \
    }                                                                       \
    TB_TC(channel_list_##where##_backend_returns_configured_channels,       \
          "libxl_device_channel_list returns the two channels with their "  \
          "devid, connection and socket path and not the primary "          \
          "console, backend in " what)                                      \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_channels(tb, bdom);                                             \
        check_list(tb);                                                     \
    }                                                                       \
    TB_TC(channel_getinfo_##where##_backend_reports_paths_and_state,        \
          "libxl_device_channel_getinfo reports each channel's paths, "     \
          "ids, state and connection, backend in " what)                    \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_channels(tb, bdom);                                             \
        check_getinfo(tb, bdom);                                            \
    }                                                                       \
    TB_TC(channel_destroy_##where##_backend_removes_channels,               \
          "libxl_domain_destroy removes every channel's frontend "          \
          "directory, and the backend directories dom0 serves; no channel " \
          "is listed, backend in " what)                                    \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
        libxl_device_channel *list;                                         \
        int n = -1;                                                         \
                                                                            \
        add_channels(tb, bdom);                                             \
        ATF_REQUIRE_EQ(0, libxl_domain_destroy(tb->ctx, GUEST, NULL));      \
        ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/device/console",      \
                                GUEST));                                    \
        /* libxl destroys consoles by removing dom0's paths at once: a */   \
        /* driver domain's backend dirs are left to it                   */ \
        if ((bdom) == 0)                                                    \
            ATF_CHECK(!tb_xs_exists(tb, "/local/domain/0/backend/console/%u", \
                                    GUEST));                                \
        list = libxl_device_channel_list(tb->ctx, GUEST, &n);               \
        ATF_CHECK_EQ(0, n);                                                 \
        free(list);                                                         \
    }

CHANNEL_TCS(dom0, 0, "dom0")
CHANNEL_TCS(driver_domain, DRVDOM, "a driver domain")

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, channel_add_dom0_backend_writes_connection_and_path);
    ATF_TP_ADD_TC(tp, channel_list_dom0_backend_returns_configured_channels);
    ATF_TP_ADD_TC(tp, channel_getinfo_dom0_backend_reports_paths_and_state);
    ATF_TP_ADD_TC(tp, channel_destroy_dom0_backend_removes_channels);
    ATF_TP_ADD_TC(tp, channel_add_driver_domain_backend_writes_connection_and_path);
    ATF_TP_ADD_TC(tp, channel_list_driver_domain_backend_returns_configured_channels);
    ATF_TP_ADD_TC(tp, channel_getinfo_driver_domain_backend_reports_paths_and_state);
    ATF_TP_ADD_TC(tp, channel_destroy_driver_domain_backend_removes_channels);
    return atf_no_error();
}
