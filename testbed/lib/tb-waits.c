/*
 * libxl's waits on a backend's state, published for the sims.
 *
 * libxl adds a device, then waits for its backend to reach InitWait (2);
 * it removes one, then waits for Closed (6).  It waits by watching the
 * backend's state node and reading it when the watch fires, for exactly
 * the state it wants.  A real guest's frontend, or a real driver domain's
 * devd, is slower than that read; a simulated one is not when the machine
 * is loaded, and libxl, finding the backend already past InitWait (the
 * frontend connected it) or gone (devd cleaned it up), runs into its 10 s
 * timeout or fails the remove.  A delay in the sims only makes that
 * unlikely.  So while libxl watches a backend's state node, this process
 * keeps /tb/waiting<node> in xenstore, and the sims (sim/tb-sim.c) make no
 * move that would take the backend past the state libxl waits for until
 * that node is gone.
 *
 * libxl calls xs_watch and xs_unwatch of libxenstore; these definitions,
 * linked into every program that runs libxl, come first (the executable
 * interposes on libxenlight.so's calls, and on libxenlight.a's at link
 * time) and pass each call on to libxenstore's own.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "tb-waits.h"

typedef bool watch_fn(struct xs_handle *, const char *, const char *);

static watch_fn *next_fn(watch_fn **cache, const char *name)
{
    if (!*cache) {
        *cache = (watch_fn *)dlsym(RTLD_NEXT, name);
        if (!*cache) {
            fprintf(stderr, "tb-waits: no %s in libxenstore: %s\n", name,
                    dlerror());
            abort();
        }
    }
    return *cache;
}

/* /local/domain/B/backend/KIND/FE/DEVID/state: a backend's state node. */
static bool backend_state_node(const char *path)
{
    size_t n = strlen(path);

    return strncmp(path, "/local/domain/", 14) == 0 &&
           strstr(path, "/backend/") && n > 6 &&
           strcmp(path + n - 6, "/state") == 0;
}

static void marker(const char *path, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s", TB_WAITING, path);
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    static watch_fn *next;
    char m[1024];
    bool ok;

    if (!backend_state_node(path))
        return next_fn(&next, "xs_watch")(h, path, token);
    /* before the watch: its first event may already be the state wanted */
    marker(path, m, sizeof(m));
    if (!xs_write(h, XBT_NULL, m, token, strlen(token)))
        fprintf(stderr, "tb-waits: write %s failed\n", m);
    ok = next_fn(&next, "xs_watch")(h, path, token);
    if (!ok)
        xs_rm(h, XBT_NULL, m);
    return ok;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    static watch_fn *next;
    char m[1024];
    bool ok = next_fn(&next, "xs_unwatch")(h, path, token);

    if (backend_state_node(path)) {
        marker(path, m, sizeof(m));
        xs_rm(h, XBT_NULL, m);
    }
    return ok;
}
