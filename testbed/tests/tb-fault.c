/*
 * tb-fault: makes one deliberate mistake, so that sandbox_test can prove
 * the sanitizers of the test build are really there and reporting:
 *   use-after-free   reads freed heap memory (AddressSanitizer)
 *   leak             drops the only pointer to a heap block (LeakSanitizer)
 *   overflow         overflows a signed int (UndefinedBehaviorSanitizer)
 * Built with the flags of the test programs; without sanitizers every
 * mode exits 0.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* volatile: the compiler must not see through the mistakes */
static char *volatile keep;
static volatile int big = INT_MAX;

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (!strcmp(mode, "--help") || argc != 2) {
        printf("usage: tb-fault use-after-free|leak|overflow\n"
               "Makes that mistake; the sanitizers of a SANITIZE=1 build "
               "must report it.\n");
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
    fprintf(stderr, "tb-fault: unknown mode %s\n", mode);
    return 2;
}
