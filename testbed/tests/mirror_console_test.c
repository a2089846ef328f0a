/*
 * Security tests of libxl's own record of a guest's consoles (XSA-178,
 * CVE-2016-4963): the primary console and, where the release has them,
 * channels (consoles with a name) get the same /libxl/$DOMID/device/
 * console/$DEVID record as every other device: frontend and backend
 * paths and a copy of every backend node libxl wrote, which only dom0 can
 * write.
 *
 * libxl adds consoles only while it creates a domain (the primary console
 * from the domain's build state, channels from its configuration), which
 * the testbed cannot run without a hypervisor; this program is linked
 * against the static libxenlight and calls libxl__device_console_add as
 * domain creation does.
 */
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include "tb-sec.h"
#include "tb-mirror.h"

#define GUEST   1
#define DRVDOM  2

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    return tb_start_guest(tc, bdom);
}

static int console_add(libxl__gc *gc, libxl__device_console *console,
                       libxl__domain_build_state *state)
{
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    libxl__device device;

    return libxl__device_console_add(gc, GUEST, console, state, &device);
#else
    return libxl__device_console_add(gc, GUEST, console, state);
#endif
}

/* What domain creation does for the primary console of a PV guest. */
static void add_primary_console(struct tb *tb, uint32_t bdom)
{
    libxl__domain_build_state state;
    libxl__device_console console;
    GC_INIT(tb->ctx);

    memset(&state, 0, sizeof(state));
    state.console_port = 7;
    state.console_mfn = 0x1234;
    state.console_domid = bdom;
    libxl__device_console_init(&console);
    console.devid = 0;
    console.consback = LIBXL__CONSOLE_BACKEND_XENCONSOLED;
    console.output = libxl__strdup(NOGC, "pty");
    console.backend_domid = bdom;
    ATF_REQUIRE_EQ(0, console_add(gc, &console, &state));
    libxl__device_console_dispose(&console);
    GC_FREE;
}

static void check_primary_console(struct tb *tb, uint32_t bdom)
{
    char fe[128], be[128];
    const char *want[] = { "protocol", LIBXL_XENCONSOLE_PROTOCOL,
                           "frontend-id", "1", "online", "1", "state", "1",
                           NULL };

    /* the primary console's frontend is not under device/ */
    snprintf(fe, sizeof(fe), "/local/domain/%u/console", GUEST);
    snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u/0",
             (unsigned)bdom, GUEST);
    tb_mirror_require(tb, GUEST, "console", 0, fe, be, want);
}

#ifdef LIBXL_HAVE_DEVICE_CHANNEL
/* What domain creation does for the first channel of the configuration. */
static void add_channel(struct tb *tb, uint32_t bdom)
{
    libxl_device_channel channel;
    libxl__device_console console;
    GC_INIT(tb->ctx);

    libxl_device_channel_init(&channel);
    channel.backend_domid = bdom;
    channel.devid = 0;
    channel.name = libxl__strdup(NOGC, "org.example.tb-agent");
    channel.connection = LIBXL_CHANNEL_CONNECTION_SOCKET;
    channel.u.socket.path = libxl__strdup(NOGC, "/run/tb/agent.sock");
    ATF_REQUIRE_EQ(0, libxl__init_console_from_channel(gc, &console, 1,
                                                       &channel));
    ATF_REQUIRE_EQ(0, console_add(gc, &console, NULL));
    libxl__device_console_dispose(&console);
    libxl_device_channel_dispose(&channel);
    GC_FREE;
}

static void check_channel(struct tb *tb, uint32_t bdom)
{
    char fe[128], be[128];
    const char *want[] = { "connection", "socket",
                           "path", "/run/tb/agent.sock",
                           "protocol", LIBXL_XENCONSOLE_PROTOCOL,
                           "frontend-id", "1", "online", "1", "state", "1",
                           NULL };

    snprintf(fe, sizeof(fe), "/local/domain/%u/device/console/1", GUEST);
    snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u/1",
             (unsigned)bdom, GUEST);
    tb_mirror_require(tb, GUEST, "console", 1, fe, be, want);
}
#endif

#define ADD_TC(kind, xkind, where, bdom, what)                              \
    TB_FIX_TC(kind##_add_##where##_backend_keeps_trusted_copy,              \
              #kind " add, backend in " what ", records the frontend and "  \
              "backend paths and copies every backend node libxl wrote "    \
              "under /libxl, writable by dom0 only",                        \
              "libxl__device_generic_add", xkind, "XSA-178")                \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_##kind(tb, bdom);                                               \
        check_##kind(tb, bdom);                                             \
    }

ADD_TC(primary_console, "console", dom0, 0, "dom0")
ADD_TC(primary_console, "console", driver_domain, DRVDOM, "a driver domain")
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
ADD_TC(channel, "channel", dom0, 0, "dom0")
ADD_TC(channel, "channel", driver_domain, DRVDOM, "a driver domain")
#endif

TB_FIX_TC(domain_destroy_drops_console_trusted_copies,
          "libxl_domain_destroy leaves no /libxl record of the guest's "
          "consoles",
          "libxl_domain_destroy", "console", "XSA-178")
{
    struct tb *tb = setup(tc, DRVDOM);

    add_primary_console(tb, DRVDOM);
    check_primary_console(tb, DRVDOM);
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    add_channel(tb, DRVDOM);
    check_channel(tb, DRVDOM);
#endif
    /*
     * libxl_internal.h warns about public entry points, which libxl must
     * not call itself; this program is their external caller.
     */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wattribute-warning"
    ATF_REQUIRE_EQ(0, libxl_domain_destroy(tb->ctx, GUEST, NULL));
#pragma GCC diagnostic pop
    ATF_CHECK(!tb_xs_exists(tb, "/libxl/%u/device/console/0", GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/libxl/%u/device/console/1", GUEST));
    ATF_CHECK(!tb_xs_exists(tb, "/libxl/%u/device", GUEST));
}

TB_FIX_TC(domain_destroy_reads_no_console_backend_node_of_guest,
          "libxl_domain_destroy finds the guest's primary console from "
          "libxl's record: it never reads the guest's "
          "/local/domain/$DOMID/console/backend, which the guest can "
          "rewrite, and removes the console's backend",
          "libxl__devices_destroy", "console", "XSA-175")
{
    struct tb *tb;
    char fe_backend[64];
    off_t mark;

    tb_xenstored_trace = true;
    tb = setup(tc, 0);
    add_primary_console(tb, 0);
    snprintf(fe_backend, sizeof(fe_backend), "/local/domain/%u/console/backend",
             GUEST);
    mark = tb_trace_mark(tb);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wattribute-warning"
    ATF_REQUIRE_EQ(0, libxl_domain_destroy(tb->ctx, GUEST, NULL));
#pragma GCC diagnostic pop
    ATF_CHECK_MSG(!tb_trace_read_since(tb, mark, fe_backend),
                  "libxl read %s", fe_backend);
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/0/backend/console/%u/0",
                            GUEST));
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, primary_console_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, primary_console_add_driver_domain_backend_keeps_trusted_copy);
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    ATF_TP_ADD_TC(tp, channel_add_dom0_backend_keeps_trusted_copy);
    ATF_TP_ADD_TC(tp, channel_add_driver_domain_backend_keeps_trusted_copy);
#endif
    ATF_TP_ADD_TC(tp, domain_destroy_drops_console_trusted_copies);
    ATF_TP_ADD_TC(tp, domain_destroy_reads_no_console_backend_node_of_guest);
    return atf_no_error();
}
