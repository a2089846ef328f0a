/*
 * tb-sim: a simulated backend (driver domain) or frontend (guest) for the
 * XSA-178 testbed, linked against the tree's own libxenstore.
 *
 * Backend: serves /local/domain/$DOMID/backend/$KIND/$FE/$DEVID the way a
 * Linux backend driver and, in a driver domain, xl devd do:
 *   state 1 (Initialising), online 1  ->  2 (InitWait)    driver probe
 *   frontend state 3 or 4, own 2 or 3  ->  4 (Connected)
 *     (in dom0, a device with a script node also waits for the script's
 *     hotplug-status "connected", as blkback and netback do)
 *   state 5 (Closing)                  ->  6 (Closed)
 *   state 7 (Reconfiguring)            ->  8 (Reconfigured), then 4
 *     (pciback, when the toolstack adds or removes a function; pcifront's
 *     part, which takes the backend back to 4, is not simulated)
 *   state 6, online 0, not dom0        ->  remove the device dir (devd),
 *     after DEVD_GRACE_MS, the time devd's hotplug script would take
 * Frontend: drives /local/domain/$DOMID/device/$KIND/$DEVID as a guest's
 * frontend drivers do: once its backend waits (2), it publishes ring-ref
 * and event-channel and goes 3 (Initialised) after FRONTEND_GRACE_MS,
 * then 4 when the backend is connected; when the backend closes (5) it
 * closes too (5, then 6).
 * libxl's add and remove wait for one exact backend state (2, 6) and fail
 * when the backend has already moved past it.  A real guest and devd lose
 * that race by being slower; the sims lose it by waiting, while the test
 * process says libxl watches the backend's state (lib/tb-waits.h), and
 * then for the grace time.
 *
 * Commands, one a line on stdin, answered "ok" or "err <reason>" on
 * stdout (the hostile moves a compromised driver domain or guest can make
 * in its own area; paths are relative to that area):
 *   write REL VALUE     rm REL     passive     active     keep     ping
 * passive stops answering state changes (a dead or stalled backend); keep
 * leaves the directories of closed devices in place (a driver domain whose
 * devd does not clean up: the toolstack's wait for their removal times
 * out).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tb-waits.h"

#include <xenstore.h>

static struct xs_handle *xs;
static char area[256];
static unsigned int self;
static bool backend_role;
static bool passive;
static bool keep_closed;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tb-sim --backend DOMID|--frontend DOMID --sandbox DIR\n"
            "Simulates the backend drivers of a driver domain, or the frontend\n"
            "drivers of a guest, on the xenstore of the sandbox DIR\n"
            "(XENSTORED_RUNDIR must point at it).  Reads commands on stdin:\n"
            "  write REL VALUE | rm REL | passive | active | keep | ping\n");
}

static char *rd(const char *path)
{
    unsigned int len;

    return xs_read(xs, XBT_NULL, path, &len);
}

static int rd_int(const char *path, int dflt)
{
    char *v = rd(path);
    int n = v ? atoi(v) : dflt;

    free(v);
    return n;
}

static void wr(const char *path, const char *value)
{
    if (!xs_write(xs, XBT_NULL, path, value, strlen(value)))
        fprintf(stderr, "tb-sim: write %s: %s\n", path, strerror(errno));
}

/*
 * Like Linux's xenbus_switch_state: the state node is rewritten only if it
 * still exists, in one transaction, so a device that libxl removed meanwhile
 * is not brought back to life by a late write.  And only if it still holds
 * the state the move was decided on: libxl writes Closing (5) into the
 * backend's own state node to remove a device, and a move decided on the
 * state read just before (2 -> 4 for a device added a moment earlier) must
 * not write over it, or the removal waits for a Closed that never comes.
 * The watch fires again for the new state, and the move is decided anew.
 */
static void set_state(const char *dev, int from, int state)
{
    char p[512], v[8];
    xs_transaction_t t;
    unsigned int len;
    char *old;
    int now;

    snprintf(p, sizeof(p), "%s/state", dev);
    snprintf(v, sizeof(v), "%d", state);
    for (;;) {
        t = xs_transaction_start(xs);
        if (t == XBT_NULL) {
            fprintf(stderr, "tb-sim: transaction for %s: %s\n", p, strerror(errno));
            return;
        }
        old = xs_read(xs, t, p, &len);
        if (!old) {
            xs_transaction_end(xs, t, true);
            return;
        }
        now = atoi(old);          /* as rd_int read it */
        free(old);
        if (now != from) {
            xs_transaction_end(xs, t, true);
            return;
        }
        if (!xs_write(xs, t, p, v, strlen(v))) {
            fprintf(stderr, "tb-sim: write %s: %s\n", p, strerror(errno));
            xs_transaction_end(xs, t, true);
            return;
        }
        if (xs_transaction_end(xs, t, false))
            return;
        if (errno != EAGAIN) {
            fprintf(stderr, "tb-sim: commit %s: %s\n", p, strerror(errno));
            return;
        }
    }
}

/*
 * Delayed moves: a device is ripe once it has stayed eligible for a move
 * for the grace time.  scan() drops devices that were not asked about in
 * a pass, so a device that stops being eligible starts again from zero.
 *
 * Whether libxl has looked at a state (its devstate wait reading
 * backend/state after a watch fired) is told by the test process: it
 * keeps TB_WAITING<state node> while libxl watches (toolstack_waits).
 * The delays cover what that cannot: between committing a new device and
 * registering its watch, libxl is not yet waiting, and a sim that moved
 * the backend on at once would win the race anyway.  They also are the
 * model of a real frontend and of devd's hotplug script, which take that
 * long.  They cost a case little: cases run several at once (kit test
 * --parallelism), so one case's wait is another's CPU time.
 */
#define FRONTEND_GRACE_MS 100
#define DEVD_GRACE_MS 500
#define MAX_PENDING 64

static struct pending {
    char dev[512];
    long since;
    bool seen;
} pending[MAX_PENDING];
static int npending;
static long wake_ms = -1;       /* poll timeout: earliest pending move */

static long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool ripe(const char *dev, long grace)
{
    long now = now_ms(), left;
    int i;

    for (i = 0; i < npending; i++)
        if (!strcmp(pending[i].dev, dev))
            break;
    if (i == npending) {
        if (npending == MAX_PENDING)
            return true;
        snprintf(pending[i].dev, sizeof(pending[i].dev), "%s", dev);
        pending[i].since = now;
        npending++;
    }
    pending[i].seen = true;
    left = pending[i].since + grace - now;
    if (left <= 0) {
        pending[i] = pending[--npending];
        return true;
    }
    if (wake_ms < 0 || left < wake_ms)
        wake_ms = left;
    return false;
}

/* Does libxl watch this backend state node, waiting for a state? */
static bool toolstack_waits(const char *state_node)
{
    char p[1024], *v;
    bool waits;

    snprintf(p, sizeof(p), "%s%s", TB_WAITING, state_node);
    v = rd(p);
    waits = v != NULL;
    free(v);
    return waits;
}

/*
 * blkback and netback connect only once the hotplug script has set the
 * device up and said so in hotplug-status; devices without a script node
 * (vtpm, console, vusb) have no such step.
 */
static bool hotplug_done(const char *dev)
{
    char p[512], *script, *status;
    bool done;

    snprintf(p, sizeof(p), "%s/script", dev);
    script = rd(p);
    if (!script || self != 0) {
        /* in a driver domain xl devd runs the script: not simulated */
        free(script);
        return true;
    }
    free(script);
    snprintf(p, sizeof(p), "%s/hotplug-status", dev);
    status = rd(p);
    done = status && !strcmp(status, "connected");
    free(status);
    return done;
}

/*
 * devd removes a device with libxl__xs_path_cleanup, which takes the
 * parents the device leaves empty (backend/KIND/FE, backend/KIND) too.
 */
static void rm_empty_parents(const char *dev)
{
    char p[512], *slash;

    snprintf(p, sizeof(p), "%s", dev);
    while ((slash = strrchr(p, '/')) && slash > p + strlen(area)) {
        unsigned int n;
        char **e;

        *slash = '\0';
        e = xs_directory(xs, XBT_NULL, p, &n);
        free(e);
        if (!e || n > 0 || !xs_rm(xs, XBT_NULL, p))
            break;
    }
}

/*
 * A backend driver sees its frontend's state change (xenbus watches the
 * "other end" for it).  The sim watches the frontend's state of pci
 * devices only: pciback's backend area sees no later write that would
 * move it on (no hotplug script, nothing from the toolstack) before libxl
 * waits for it to be Connected.  The other backends move on when their
 * own area changes (the script's hotplug-status, the toolstack's writes),
 * after libxl has seen the InitWait it waits for; watching their frontends
 * too lets a backend reach Connected inside the window between libxl's
 * commit of a new device and its watch for InitWait, which then fails
 * the add on a loaded host.
 */
static void watch_frontend(const char *fe_state)
{
    static char *watched[256];
    static unsigned int nwatched;
    unsigned int i;

    for (i = 0; i < nwatched; i++)
        if (!strcmp(watched[i], fe_state))
            return;
    if (nwatched == sizeof(watched) / sizeof(watched[0]))
        return;
    if (!xs_watch(xs, fe_state, "tb-sim")) {
        fprintf(stderr, "tb-sim: watch %s: %s\n", fe_state, strerror(errno));
        return;
    }
    watched[nwatched] = strdup(fe_state);
    if (watched[nwatched])
        nwatched++;
}

static void backend_device(const char *dev)
{
    char p[512], *fe;
    int state, online, fe_state = 0;

    snprintf(p, sizeof(p), "%s/state", dev);
    state = rd_int(p, -1);
    if (state < 0)
        return;
    snprintf(p, sizeof(p), "%s/online", dev);
    online = rd_int(p, 1);
    snprintf(p, sizeof(p), "%s/frontend", dev);
    fe = rd(p);
    if (fe) {
        snprintf(p, sizeof(p), "%s/state", fe);
        if (!strncmp(dev + strlen(area), "/pci/", 5))
            watch_frontend(p);
        fe_state = rd_int(p, 0);
        free(fe);
    }

    if (state == 1 && online)
        set_state(dev, state, 2);
    else if ((state == 2 || state == 3) && online &&
             (fe_state == 3 || fe_state == 4) && hotplug_done(dev))
        set_state(dev, state, 4);
    else if (state == 5)
        set_state(dev, state, 6);
    else if (state == 7) {
        set_state(dev, state, 8);
        set_state(dev, 8, 4);
    }
    else if (state == 6 && !online && self != 0) {
        /*
         * xl devd first runs the backend's hotplug script: removing the
         * directory at once would let the toolstack find it gone before it
         * saw state 6, and fail a remove that succeeds on a real host.
         */
        snprintf(p, sizeof(p), "%s/state", dev);
        if (keep_closed || toolstack_waits(p) || !ripe(dev, DEVD_GRACE_MS))
            return;
        if (!xs_rm(xs, XBT_NULL, dev))
            fprintf(stderr, "tb-sim: rm %s: %s\n", dev, strerror(errno));
        rm_empty_parents(dev);
    }
}

static void frontend_device(const char *dev)
{
    char p[512], *be;
    int state, be_state;

    snprintf(p, sizeof(p), "%s/state", dev);
    state = rd_int(p, -1);
    snprintf(p, sizeof(p), "%s/backend", dev);
    be = rd(p);
    if (state < 0 || !be) {
        free(be);
        return;
    }
    snprintf(p, sizeof(p), "%s/state", be);
    free(be);
    be_state = rd_int(p, 0);

    if (state == 1 && be_state == 2) {
        /*
         * The toolstack waits to see the backend in InitWait; a frontend
         * that answered before it looked would move the backend on.
         */
        if (toolstack_waits(p) || !ripe(dev, FRONTEND_GRACE_MS))
            return;
        snprintf(p, sizeof(p), "%s/ring-ref", dev);
        wr(p, "8");
        snprintf(p, sizeof(p), "%s/event-channel", dev);
        wr(p, "9");
        set_state(dev, state, 3);
    } else if (state == 3 && be_state == 4) {
        set_state(dev, state, 4);
    } else if ((state == 3 || state == 4) && be_state == 5) {
        set_state(dev, state, 5);
    } else if (state == 5 && (be_state == 5 || be_state == 6)) {
        set_state(dev, state, 6);
    }
}

static char **ls(const char *path, unsigned int *n)
{
    char **e = xs_directory(xs, XBT_NULL, path, n);

    if (!e)
        *n = 0;
    return e;
}

/* Walk every device of our area: backend/KIND/FE/DEVID or device/KIND/DEVID. */
static void scan(void)
{
    unsigned int nk, nf, nd, i, j, k;
    char **kinds = ls(area, &nk);
    int n;

    wake_ms = -1;
    for (n = 0; n < npending; n++)
        pending[n].seen = false;
    for (i = 0; i < nk; i++) {
        char kp[512];
        char **lvl;

        snprintf(kp, sizeof(kp), "%s/%s", area, kinds[i]);
        lvl = ls(kp, &nf);
        for (j = 0; j < nf; j++) {
            char p[768];

            snprintf(p, sizeof(p), "%s/%s", kp, lvl[j]);
            if (!backend_role) {
                frontend_device(p);
                continue;
            }
            {
                char **devs = ls(p, &nd);

                for (k = 0; k < nd; k++) {
                    char d[1024];

                    snprintf(d, sizeof(d), "%s/%s", p, devs[k]);
                    backend_device(d);
                }
                free(devs);
            }
        }
        free(lvl);
    }
    free(kinds);
    for (n = 0; n < npending; n++)
        if (!pending[n].seen)
            pending[n--] = pending[--npending];
}

static bool rel_ok(const char *rel)
{
    return *rel && *rel != '/' && !strstr(rel, "..");
}

static void command(char *line)
{
    char *nl = strchr(line, '\n'), *arg, p[1024];

    if (nl)
        *nl = '\0';
    arg = strchr(line, ' ');
    if (arg)
        *arg++ = '\0';

    if (!strcmp(line, "ping")) {
        printf("ok\n");
    } else if (!strcmp(line, "passive")) {
        passive = true;
        printf("ok\n");
    } else if (!strcmp(line, "keep")) {
        keep_closed = true;
        printf("ok\n");
    } else if (!strcmp(line, "active")) {
        passive = false;
        scan();
        printf("ok\n");
    } else if (!strcmp(line, "write") && arg) {
        char *value = strchr(arg, ' ');

        if (!value) {
            printf("err missing value\n");
        } else {
            *value++ = '\0';
            if (!rel_ok(arg)) {
                printf("err outside own area\n");
            } else {
                snprintf(p, sizeof(p), "%s/%s", area, arg);
                if (xs_write(xs, XBT_NULL, p, value, strlen(value)))
                    printf("ok\n");
                else
                    printf("err %s\n", strerror(errno));
            }
        }
    } else if (!strcmp(line, "rm") && arg) {
        if (!rel_ok(arg)) {
            printf("err outside own area\n");
        } else {
            snprintf(p, sizeof(p), "%s/%s", area, arg);
            if (xs_rm(xs, XBT_NULL, p))
                printf("ok\n");
            else
                printf("err %s\n", strerror(errno));
        }
    } else {
        printf("err unknown command\n");
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "backend", required_argument, NULL, 'b' },
        { "frontend", required_argument, NULL, 'f' },
        { "sandbox", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    bool have_role = false;
    char line[4096];
    int c;

    while ((c = getopt_long(argc, argv, "b:f:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
        case 'f':
            backend_role = c == 'b';
            self = (unsigned int)strtoul(optarg, NULL, 10);
            have_role = true;
            break;
        case 's':
            /* only names the sandbox on our command line, for cleanup */
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!have_role) {
        usage(stderr);
        return 2;
    }
    snprintf(area, sizeof(area), "/local/domain/%u/%s", self,
             backend_role ? "backend" : "device");

    xs = xs_open(0);
    if (!xs) {
        perror("tb-sim: xs_open");
        return 1;
    }
    /* a frontend must also see its backends move: watch all of them */
    if (!xs_watch(xs, backend_role ? area : "/local/domain", "tb-sim") ||
        !xs_watch(xs, TB_WAITING, "tb-sim")) {
        perror("tb-sim: xs_watch");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);

    for (;;) {
        struct pollfd pfd[2] = {
            { .fd = 0, .events = POLLIN },
            { .fd = xs_fileno(xs), .events = POLLIN },
        };

        int r = poll(pfd, 2, passive ? -1 : (int)wake_ms);

        if (r < 0) {
            if (errno == EINTR)
                continue;
            perror("tb-sim: poll");
            return 1;
        }
        if (r == 0) {
            scan();
            continue;
        }
        if (pfd[0].revents) {
            /* stdin closed: the test that owns us is gone */
            if (!fgets(line, sizeof(line), stdin))
                return 0;
            command(line);
        }
        if (pfd[1].revents & POLLIN) {
            unsigned int n;
            char **w = xs_read_watch(xs, &n);

            free(w);
            if (!passive)
                scan();
        }
    }
}
