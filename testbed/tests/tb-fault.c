/*
 * tb-fault: makes one deliberate mistake, so that sandbox_test can prove
 * the sanitizers of the test build and the stand-in are there and report:
 *   use-after-free   reads freed heap memory (AddressSanitizer)
 *   leak             drops the only pointer to a heap block (LeakSanitizer)
 *   overflow         overflows a signed int (UndefinedBehaviorSanitizer)
 *   xc-handle        calls the real libxenctrl on the stand-in's handle
 *                    (a fault, whether sanitized or not)
 * Built with the flags of the test programs, against the tree's libxenctrl,
 * and run with the stand-in preloaded.  Without sanitizers every mode but
 * xc-handle exits 0.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

/* volatile: the compiler must not see through the mistakes */
static char *volatile keep;
static volatile int big = INT_MAX;

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (!strcmp(mode, "--help") || argc != 2) {
        printf("usage: tb-fault use-after-free|leak|overflow|xc-handle\n"
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
