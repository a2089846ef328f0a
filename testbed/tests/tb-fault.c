/*
 * tb-fault: makes one deliberate mistake, so that sandbox_test can prove
 * the sanitizers of the test build and the stand-in are there and report:
 *   use-after-free   reads freed heap memory (AddressSanitizer)
 *   leak             drops the only pointer to a heap block (LeakSanitizer)
 *   overflow         overflows a signed int (UndefinedBehaviorSanitizer)
 *   xs-read-leak     drops an xs_read reply on a handle with a watch, as a
 *                    libxl reader would on libxl's handle (LeakSanitizer,
 *                    past lsan.supp)
 *   xs-read-leak-4.3 the same from a function named as 4.3's nic reader,
 *                    whose known leak lsan.supp suppresses
 *   xc-handle        calls the real libxenctrl on the stand-in's handle
 *                    (a fault, whether sanitized or not)
 * Built with the flags of the test programs, against the tree's libxenstore
 * and libxenctrl, and run with the stand-in preloaded; the xs-* modes need
 * a sandbox's xenstored (XENSTORED_RUNDIR).  Without sanitizers every mode
 * but xc-handle exits 0.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenstore.h>

/* volatile: the compiler must not see through the mistakes */
static char *volatile keep;
static volatile int big = INT_MAX;

/* The reader: reads a node and drops the reply, as 4.3's nic reader does. */
__attribute__((noinline))
static void tb_fault_xs_reader(struct xs_handle *h, const char *path)
{
    unsigned int len;

    keep = xs_read(h, XBT_NULL, path, &len);
    keep = NULL;
}

/*
 * Named after the libxl function whose leak lsan.supp suppresses: this
 * leak must be suppressed as that one is, through the same path.
 */
void libxl__device_nic_from_xs_be(struct xs_handle *h, const char *path);
__attribute__((noinline))
void libxl__device_nic_from_xs_be(struct xs_handle *h, const char *path)
{
    tb_fault_xs_reader(h, path);
}

/* Overwrite the dead stack below main, where a stale copy could hide a leak. */
__attribute__((noinline))
static void tb_fault_scrub(void)
{
    volatile char junk[16384];
    size_t i;

    for (i = 0; i < sizeof(junk); i++)
        junk[i] = 0;
}

/*
 * libxl's handle: a watch starts libxenstore's reader thread, which then
 * allocates every reply.
 */
static int xs_leak(int as_libxl43)
{
    const char *path = "/tb-fault";
    struct xs_handle *h = xs_open(0);

    if (!h || !xs_write(h, XBT_NULL, path, "x", 1) ||
        !xs_watch(h, path, "tb-fault")) {
        perror("tb-fault: xenstore");
        return 3;
    }
    if (as_libxl43)
        libxl__device_nic_from_xs_be(h, path);
    else
        tb_fault_xs_reader(h, path);
    xs_close(h);
    tb_fault_scrub();
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (!strcmp(mode, "--help") || argc != 2) {
        printf("usage: tb-fault use-after-free|leak|overflow|xs-read-leak|"
               "xs-read-leak-4.3|xc-handle\n"
               "Makes that mistake; the sanitizers of a SANITIZE=1 build "
               "or the stand-in must report it.\n");
        return argc == 2 ? 0 : 2;
    }
    if (!strcmp(mode, "use-after-free")) {
        char *p = malloc(16);

        keep = p;
        free(p);
        return keep[3];
    }
    if (!strcmp(mode, "leak")) {
        keep = malloc(64);
        keep[0] = 'x';
        keep = NULL;
        return 0;
    }
    if (!strcmp(mode, "overflow")) {
        int v = big;

        v += 1;
        return v == 0;
    }
    if (!strcmp(mode, "xs-read-leak"))
        return xs_leak(0);
    if (!strcmp(mode, "xs-read-leak-4.3"))
        return xs_leak(1);
    if (!strcmp(mode, "xc-handle")) {
        xc_interface *xch = xc_interface_open(NULL, NULL, 0);

        /* without the stand-in there is no handle, hence no proof */
        if (!xch) {
            perror("tb-fault: xc_interface_open");
            return 3;
        }
        /* writes into the handle: must fault on the stand-in's */
        xc_clear_last_error(xch);
        return 0;
    }
    fprintf(stderr, "tb-fault: unknown mode %s\n", mode);
    return 2;
}
