/*
 * Availability of the readers of channels (see avail.h): after the guest or
 * the driver domain serving its channels deleted a channel's directory, or
 * one node of it, libxl still lists and describes every channel the guest
 * was given, as it was configured, and removes them all with the domain.
 *
 * Channel i is the guest's console i + 1 (console 0 is the primary
 * console), a socket served by qemu in dom0 (a user-space backend is no
 * more trusted than a driver domain; a console of a driver domain's is
 * left to that domain to remove, so a destroy's checks would be its
 * sim's, not libxl's).  Channels are added only
 * by domain creation, which the testbed cannot run without a hypervisor:
 * this program is linked against the static libxenlight and adds them with
 * libxl__device_console_add, as domain creation does (sec_channel_test).
 * libxl has no call that removes one channel: the domain's destroy does.
 */
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include "avail.h"

static unsigned channel_devid(int i)
{
    return (unsigned)i + 1;
}

static void channel_name(int i, char *buf, size_t len)
{
    snprintf(buf, len, "org.tb.channel%d", i);
}

static void channel_path(int i, char *buf, size_t len)
{
    snprintf(buf, len, "/run/tb/channel%d.sock", i);
}

static void channel_add(struct avail *a, int i)
{
    libxl_device_channel ch;
    libxl__device_console console;
    libxl__device device;
    char name[64], path[64];
    GC_INIT(a->tb->ctx);

    channel_name(i, name, sizeof(name));
    channel_path(i, path, sizeof(path));
    libxl_device_channel_init(&ch);
    ch.devid = i;
    ch.backend_domid = 0;
    ch.name = libxl__strdup(NOGC, name);
    libxl_device_channel_init_connection(&ch, LIBXL_CHANNEL_CONNECTION_SOCKET);
    ch.u.socket.path = libxl__strdup(NOGC, path);
    ATF_REQUIRE_EQ(0, libxl__init_console_from_channel(gc, &console,
                                                       channel_devid(i), &ch));
    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, &console, NULL,
                                                &device));
    libxl__device_console_dispose(&console);
    libxl_device_channel_dispose(&ch);
    GC_FREE;
}

static const struct avail_kind channel_kind = {
    .name = "console", .bdom = 0, .add = channel_add, .devid = channel_devid,
};

/*
 * ch is channel i as configured.  The base reads a channel's name from the
 * backend directory, where libxl never writes it, and leaves its backend
 * domain unset (an upstream bug, not the advisory, sec_channel_test): a
 * tree that keeps libxl's record reports both, the base a name it reports
 * is still the channel's own.
 */
static void check_channel(struct avail *a, const libxl_device_channel *ch,
                          int i)
{
    char name[64], path[64];
    bool record = tb_tree_keeps_record();

    channel_name(i, name, sizeof(name));
    channel_path(i, path, sizeof(path));
    if (record)
        ATF_CHECK_EQ_MSG(0, ch->backend_domid, "channel %d (lost %s): "
                         "backend domain %u", i, AVAIL_WHO(a, i),
                         ch->backend_domid);
    if (record || ch->name)
        ATF_CHECK_STREQ_MSG(name, AVAIL_S(ch->name), "channel %d (lost %s)",
                            i, AVAIL_WHO(a, i));
    ATF_CHECK_EQ_MSG(LIBXL_CHANNEL_CONNECTION_SOCKET, ch->connection,
                     "channel %d (lost %s): connection %d", i,
                     AVAIL_WHO(a, i), ch->connection);
    if (ch->connection == LIBXL_CHANNEL_CONNECTION_SOCKET)
        ATF_CHECK_STREQ_MSG(path, AVAIL_S(ch->u.socket.path),
                            "channel %d (lost %s)", i, AVAIL_WHO(a, i));
}

static void check_list(struct avail *a)
{
    libxl_device_channel *list;
    int n = -1, i, j;

    list = libxl_device_channel_list(a->tb->ctx, GUEST, &n);
    ATF_CHECK_EQ_MSG(a->n, n, "%d channels listed, the guest has %d", n,
                     a->n);
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < n && list[j].devid != i; j++)
            ;
        if (j == n)
            ATF_CHECK_MSG(false, "channel %d (lost %s) not listed", i,
                          AVAIL_WHO(a, i));
        else
            check_channel(a, &list[j], i);
    }
    for (j = 0; j < n; j++)
        libxl_device_channel_dispose(&list[j]);
    free(list);
}

static void check_getinfo(struct avail *a)
{
    libxl_device_channel ch;
    libxl_channelinfo info;
    char be[256], fe[256];
    int i, rc;

    for (i = 0; i < a->n; i++) {
        libxl_device_channel_init(&ch);
        ch.devid = i;
        libxl_device_channel_init_connection(&ch,
                                             LIBXL_CHANNEL_CONNECTION_SOCKET);
        libxl_channelinfo_init(&info);
        rc = libxl_device_channel_getinfo(a->tb->ctx, GUEST, &ch, &info);
        ATF_CHECK_EQ_MSG(0, rc, "getinfo of channel %d (lost %s): %d", i,
                         AVAIL_WHO(a, i), rc);
        if (rc == 0) {
            avail_be_path(a, i, be, sizeof(be));
            avail_fe_path(a, i, fe, sizeof(fe));
            ATF_CHECK_STREQ_MSG(be, AVAIL_S(info.backend), "channel %d "
                                "(lost %s)", i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(0, info.backend_id, "channel %d (lost %s)",
                             i, AVAIL_WHO(a, i));
            ATF_CHECK_STREQ_MSG(fe, AVAIL_S(info.frontend), "channel %d "
                                "(lost %s)", i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(GUEST, info.frontend_id, "channel %d (lost %s)",
                             i, AVAIL_WHO(a, i));
            ATF_CHECK_EQ_MSG(i, info.devid, "channel %d (lost %s): devid %d",
                             i, AVAIL_WHO(a, i), info.devid);
        }
        libxl_channelinfo_dispose(&info);
        libxl_device_channel_dispose(&ch);
    }
}

static void check_destroy(struct avail *a)
{
    avail_check_destroy(a);
}

/*
 * The table.  Columns: the reader (check_READER), the libxl function it
 * pins, the deletion, and the releases whose unpatched base the deletion
 * hurts (measured with kit verify; channels exist from 4.5).
 */
#define ROWS(X)                                                                \
    X(channel, list, "libxl_device_channel_list", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(channel, list, "libxl_device_channel_list", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(channel, list, "libxl_device_channel_list", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(channel, list, "libxl_device_channel_list", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(channel, getinfo, "libxl_device_channel_getinfo", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(channel, getinfo, "libxl_device_channel_getinfo", backend_dir, BACKEND_DIR, AVAIL_BASE_ALL) \
    X(channel, getinfo, "libxl_device_channel_getinfo", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(channel, getinfo, "libxl_device_channel_getinfo", backend_node, BACKEND_NODE, AVAIL_BASE_ALL) \
    X(channel, destroy, "libxl__devices_destroy", frontend_dir, FRONTEND_DIR, AVAIL_BASE_ALL) \
    X(channel, destroy, "libxl__devices_destroy", backend_dir, BACKEND_DIR, AVAIL_BASE_NONE) \
    X(channel, destroy, "libxl__devices_destroy", frontend_node, FRONTEND_NODE, AVAIL_BASE_ALL) \
    X(channel, destroy, "libxl__devices_destroy", backend_node, BACKEND_NODE, AVAIL_BASE_NONE)

ROWS(AVAIL_CASE)

ATF_TP_ADD_TCS(tp)
{
    ROWS(AVAIL_ADD)
    return atf_no_error();
}
