/*
 * libxl's own record of a guest's PCI backend as functions come and go
 * (XSA-178, CVE-2016-4963): the backend, /local/domain/0/backend/pci/
 * $DOMID/0, is made by libxl__device_generic_add with the first function
 * passed through, and every later hot-plug and hot-unplug edits it
 * directly (key-N, dev-N, opts-N, state-N, num_devs; the functions after
 * a removed one move down).  libxl's copy under /libxl/$DOMID/device/
 * pci/0 must follow, or it would describe the functions the guest had at
 * first rather than those it has.
 *
 * The host devices are laid out under the sandbox's /sys/bus/pci, which
 * the stand-in redirects, bound to pciback; the IOMMU's part
 * (xc_assign_device) is the stand-in's.  libxl always serves PCI from dom0.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"
#include "tb-mirror.h"

#define GUEST   1
#define BDF_A   "0000:03:00.0"
#define BDF_B   "0000:04:00.0"

static struct tb *setup(const atf_tc_t *tc)
{
    struct tb *tb = tb_start(tc);

    tb_backend_start(tb, 0);
    tb_domain_create(tb, GUEST, "guest1", TB_PV);
    tb_frontend_start(tb, GUEST);
    tb_pci_stand_in(tb, BDF_A);
    tb_pci_stand_in(tb, BDF_B);
    return tb;
}

static void pci_config(libxl_device_pci *pci, unsigned bus)
{
    libxl_device_pci_init(pci);
    pci->domain = 0;
    pci->bus = bus;
    pci->dev = 0;
    pci->func = 0;
}

static void pci_add(struct tb *tb, unsigned bus)
{
    libxl_device_pci pci;

    pci_config(&pci, bus);
    ATF_REQUIRE_EQ(0, libxl_device_pci_add(tb->ctx, GUEST, &pci, NULL));
    libxl_device_pci_dispose(&pci);
}

/*
 * libxl's copy lists exactly the functions BDFS (NULL ended), in order, as
 * libxl wrote them to the backend: the same key and dev, state 1 (as
 * added), the same options, and num_devs.
 */
static void check_copy(struct tb *tb, const char *const *bdfs)
{
    char rec[128], be[128], p[160], n[16];
    char *want, *got;
    unsigned int len;
    int i;

    tb_mirror_path(rec, sizeof(rec), GUEST, "pci", 0);
    snprintf(be, sizeof(be), "/local/domain/0/backend/pci/%u/0", GUEST);
    for (i = 0; bdfs[i]; i++) {
        TB_REQUIRE_XS(tb, bdfs[i], "%s/dev-%d", be, i);
        TB_REQUIRE_XS(tb, bdfs[i], "%s/key-%d", rec, i);
        TB_REQUIRE_XS(tb, bdfs[i], "%s/dev-%d", rec, i);
        TB_REQUIRE_XS(tb, "1", "%s/state-%d", rec, i);
        snprintf(p, sizeof(p), "%s/opts-%d", be, i);
        want = xs_read(tb->xs, XBT_NULL, p, &len);
        ATF_REQUIRE_MSG(want != NULL, "%s: absent", p);
        snprintf(p, sizeof(p), "%s/opts-%d", rec, i);
        got = xs_read(tb->xs, XBT_NULL, p, &len);
        ATF_CHECK_MSG(got && !strcmp(got, want), "%s: '%s', backend '%s'",
                      p, got ? got : "(absent)", want);
        free(got);
        free(want);
    }
    snprintf(n, sizeof(n), "%d", i);
    TB_REQUIRE_XS(tb, n, "%s/num_devs", rec);
    ATF_CHECK_MSG(!tb_xs_exists(tb, "%s/dev-%d", rec, i),
                  "%s/dev-%d: a function the guest no longer has", rec, i);
    ATF_CHECK(!tb_xs_exists(tb, "%s/key-%d", rec, i));
    ATF_CHECK(!tb_xs_exists(tb, "%s/state-%d", rec, i));
    ATF_CHECK(!tb_xs_exists(tb, "%s/opts-%d", rec, i));
}

TB_FIX_TC(pci_add_updates_trusted_copy,
          "after a second libxl_device_pci_add, libxl's copy of the guest's "
          "pci backend lists both functions, as the backend does",
          "libxl__device_pci_add_xenstore", "pci", "XSA-178")
{
    struct tb *tb = setup(tc);
    const char *const both[] = { BDF_A, BDF_B, NULL };

    pci_add(tb, 3);
    pci_add(tb, 4);
    check_copy(tb, both);
}

TB_FIX_TC(pci_remove_updates_trusted_copy,
          "after libxl_device_pci_remove of the first of two functions, "
          "libxl's copy of the guest's pci backend lists the second alone, "
          "moved down to index 0, as the backend does",
          "libxl__device_pci_remove_xenstore", "pci", "XSA-178")
{
    struct tb *tb = setup(tc);
    const char *const second[] = { BDF_B, NULL };
    libxl_device_pci pci;

    pci_add(tb, 3);
    pci_add(tb, 4);
    pci_config(&pci, 3);
    ATF_REQUIRE_EQ(0, libxl_device_pci_remove(tb->ctx, GUEST, &pci, NULL));
    libxl_device_pci_dispose(&pci);
    check_copy(tb, second);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, pci_add_updates_trusted_copy);
    ATF_TP_ADD_TC(tp, pci_remove_updates_trusted_copy);
    return atf_no_error();
}
