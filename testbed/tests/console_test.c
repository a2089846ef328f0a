/*
 * Functional tests of a guest's primary console: what libxl writes when
 * domain creation adds it (the ring's event channel and page, the
 * backend), the tty it reports once the console daemon published one,
 * and its removal with the domain; backend in dom0 or a driver domain.
 *
 * libxl adds consoles only while it builds a domain, which needs a
 * hypervisor: this program is linked against the static libxenlight and
 * calls libxl__device_console_add as libxl__build_post's caller does.
 * The test itself plays xenconsoled, the dom0 daemon that allocates the
 * pty and writes its name to the console's tty node.
 */
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include "tb.h"

#define GUEST   1
#define DRVDOM  2
#define PORT    7
#define MFN     0x1234UL
#define TTY     "/dev/pts/7"

static struct tb *setup(const atf_tc_t *tc, uint32_t bdom)
{
    return tb_start_guest(tc, bdom);
}

static void add_primary_console(struct tb *tb, uint32_t bdom)
{
    libxl__domain_build_state state;
    libxl__device_console console;
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    libxl__device device;
#endif
    GC_INIT(tb->ctx);

    memset(&state, 0, sizeof(state));
    state.console_port = PORT;
    state.console_mfn = MFN;
    state.console_domid = bdom;
    libxl__device_console_init(&console);
    console.devid = 0;
    console.consback = LIBXL__CONSOLE_BACKEND_XENCONSOLED;
    console.output = libxl__strdup(NOGC, "pty");
    console.backend_domid = bdom;
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, &console, &state,
                                                &device));
#else
    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, &console, &state));
#endif
    libxl__device_console_dispose(&console);
    GC_FREE;
}

static void check_written(struct tb *tb, uint32_t bdom)
{
    char be[128], fe[128], v[32];

    snprintf(fe, sizeof(fe), "/local/domain/%u/console", GUEST);
    snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u/0",
             (unsigned)bdom, GUEST);
    TB_REQUIRE_XS(tb, be, "%s/backend", fe);
    snprintf(v, sizeof(v), "%u", (unsigned)bdom);
    TB_REQUIRE_XS(tb, v, "%s/backend-id", fe);
    snprintf(v, sizeof(v), "%d", PORT);
    TB_REQUIRE_XS(tb, v, "%s/port", fe);
    snprintf(v, sizeof(v), "%lu", MFN);
    TB_REQUIRE_XS(tb, v, "%s/ring-ref", fe);
    TB_REQUIRE_XS(tb, "xenconsoled", "%s/type", fe);
    TB_REQUIRE_XS(tb, "pty", "%s/output", fe);
    TB_REQUIRE_XS(tb, "", "%s/tty", fe);
    TB_REQUIRE_XS(tb, fe, "%s/frontend", be);
    TB_REQUIRE_XS(tb, "1", "%s/frontend-id", be);
    TB_REQUIRE_XS(tb, "1", "%s/online", be);
    TB_REQUIRE_XS(tb, LIBXL_XENCONSOLE_PROTOCOL, "%s/protocol", be);
}

/* What xenconsoled does once it has opened the guest's pty. */
static void publish_tty(struct tb *tb)
{
    tb_xs_write(tb, "/local/domain/1/console/tty", TTY);
}

static void check_tty(struct tb *tb)
{
    char *path = NULL;

    ATF_REQUIRE_EQ(0, libxl_console_get_tty(tb->ctx, GUEST, 0,
                                            LIBXL_CONSOLE_TYPE_PV, &path));
    ATF_CHECK_STREQ(TTY, path);
    free(path);
    path = NULL;
    ATF_REQUIRE_EQ(0, libxl_primary_console_get_tty(tb->ctx, GUEST, &path));
    ATF_CHECK_STREQ(TTY, path);
    free(path);
}

#define CONSOLE_TCS(where, bdom, what)                                      \
    TB_TC(console_add_##where##_backend_writes_ring_and_backend,            \
          "primary console add, backend in " what ", writes the ring's "    \
          "event channel and page, the console type and output and both "   \
          "paths")                                                          \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_primary_console(tb, bdom);                                      \
        check_written(tb, bdom);                                            \
    }                                                                       \
    TB_TC(console_get_tty_##where##_backend_reports_published_tty,          \
          "libxl_console_get_tty and libxl_primary_console_get_tty report " \
          "the tty the console daemon published, backend in " what)         \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_primary_console(tb, bdom);                                      \
        publish_tty(tb);                                                    \
        check_tty(tb);                                                      \
    }                                                                       \
    TB_TC(console_destroy_##where##_backend_removes_console,                \
          "libxl_domain_destroy removes the primary console's frontend "    \
          "directory, and its backend directory when dom0 serves it, "      \
          "backend in " what)                                               \
    {                                                                       \
        struct tb *tb = setup(tc, bdom);                                    \
                                                                            \
        add_primary_console(tb, bdom);                                      \
        ATF_REQUIRE_EQ(0, libxl_domain_destroy(tb->ctx, GUEST, NULL));      \
        ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u/console", GUEST));    \
        ATF_CHECK(!tb_xs_exists(tb, "/local/domain/%u", GUEST));            \
        /* a driver domain removes its own backend dirs (not simulated  */  \
        /* for a console that never closes): only dom0's are libxl's    */  \
        if ((bdom) == 0)                                                    \
            ATF_CHECK(!tb_xs_exists(tb, "/local/domain/0/backend/console/%u", \
                                    GUEST));                                \
    }

CONSOLE_TCS(dom0, 0, "dom0")
CONSOLE_TCS(driver_domain, DRVDOM, "a driver domain")

TB_TC(console_get_tty_fails_for_missing_console,
      "libxl_console_get_tty fails for a console the guest does not have "
      "and for a guest without consoles")
{
    struct tb *tb = setup(tc, 0);
    char *path = NULL;

    tb_domain_create(tb, 3, "guest3", TB_PV);
    add_primary_console(tb, 0);
    publish_tty(tb);
    ATF_CHECK(libxl_console_get_tty(tb->ctx, GUEST, 3, LIBXL_CONSOLE_TYPE_PV,
                                    &path) != 0);
    ATF_CHECK(path == NULL);
    ATF_CHECK(libxl_console_get_tty(tb->ctx, 3, 0, LIBXL_CONSOLE_TYPE_PV,
                                    &path) != 0);
    ATF_CHECK(path == NULL);
    free(path);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, console_add_dom0_backend_writes_ring_and_backend);
    ATF_TP_ADD_TC(tp, console_get_tty_dom0_backend_reports_published_tty);
    ATF_TP_ADD_TC(tp, console_destroy_dom0_backend_removes_console);
    ATF_TP_ADD_TC(tp, console_add_driver_domain_backend_writes_ring_and_backend);
    ATF_TP_ADD_TC(tp, console_get_tty_driver_domain_backend_reports_published_tty);
    ATF_TP_ADD_TC(tp, console_destroy_driver_domain_backend_removes_console);
    ATF_TP_ADD_TC(tp, console_get_tty_fails_for_missing_console);
    return atf_no_error();
}
