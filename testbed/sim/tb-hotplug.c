/*
 * tb-hotplug: stands in for the block and vif-* hotplug scripts that libxl
 * runs for backends in dom0, so that nothing on the host is configured.
 *
 * libxl execs it as it would /etc/xen/scripts/block: argv[1] is the action
 * (add, remove; online, offline for vifs) and XENBUS_PATH names the backend
 * directory.  It does what the real scripts report back through xenstore
 * (hotplug-status) and records the call in $TB_SANDBOX/hotplug.log as
 * "<action> <XENBUS_PATH>", so tests can assert that libxl ran it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

int main(int argc, char **argv)
{
    const char *be = getenv("XENBUS_PATH"), *sb = getenv("TB_SANDBOX");
    const char *action = argc > 1 ? argv[1] : "";
    char p[4096];
    FILE *log;

    if (argc > 1 && !strcmp(argv[1], "--help")) {
        printf("usage: tb-hotplug ACTION  (XENBUS_PATH and TB_SANDBOX in env)\n"
               "Hotplug script stand-in of the XSA-178 testbed.\n");
        return 0;
    }
    if (!be || !sb) {
        fprintf(stderr, "tb-hotplug: XENBUS_PATH and TB_SANDBOX must be set\n");
        return 1;
    }
    snprintf(p, sizeof(p), "%s/hotplug.log", sb);
    log = fopen(p, "a");
    if (!log) {
        perror(p);
        return 1;
    }
    /* libxl passes it relative to dom0's home, as xenstore-read takes it */
    fprintf(log, "%s %s%s\n", action, be[0] == '/' ? "" : "/local/domain/0/",
            be);
    fclose(log);

    if (!strcmp(action, "add") || !strcmp(action, "online")) {
        struct xs_handle *xs = xs_open(0);

        if (!xs) {
            perror("tb-hotplug: xs_open");
            return 1;
        }
        snprintf(p, sizeof(p), "%s/hotplug-status", be);
        if (!xs_write(xs, XBT_NULL, p, "connected", strlen("connected"))) {
            perror(p);
            return 1;
        }
        xs_close(xs);
    }
    return 0;
}
