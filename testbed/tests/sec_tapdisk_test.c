/*
 * Security tests of libxl__device_destroy's tapdisk lookup: when libxl
 * removes a disk, it destroys the blktap2 tapdisk named by the disk's
 * "tapdisk-params", which libxl wrote for a tap disk only.  A driver
 * domain that writes that node into the backend of a disk it serves, a
 * disk with no tapdisk at all, must not make dom0 destroy the tapdisk it
 * names (another guest's image).
 *
 * From 4.4 on, dom0's libxl waits for the driver domain to remove its
 * backend directory (xl devd does) before it cleans up after a disk, and
 * reads "tapdisk-params" then; a driver domain that keeps the directory
 * makes that wait time out (10 s), and libxl cleans up and reads the node
 * all the same.  So the attack is both moves: name the tapdisk, keep the
 * directory.  The removal then ends with a timeout on every tree, which
 * is the driver domain's doing and not what these cases judge.
 *
 * The trees are built without blktap2, whose stand-in destroys nothing.
 * This program is linked against the static libxenlight and brings its
 * own stand-in (the three functions of libxl_noblktap2.c, so that the
 * archive's is not linked in), which records every tapdisk libxl asks to
 * destroy, as a blktap2 build would destroy it, and for the one case that
 * adds a tap disk, gives it a tap device as blktap2 would.
 */
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include "tb-sec.h"

#define GUEST   TB_GUEST
#define DRVDOM  TB_DRVDOM
#define XVDA    51712

#define VICTIM_TAPDISK  "aio:/srv/tb/victim.img"
/* A raw image's tapdisk, as libxl names it in tapdisk-params. */
#define OWN_IMAGE       "/srv/tb/guest1.img"
#define OWN_TAPDISK     "aio:" OWN_IMAGE

static char destroyed[4][128];
static int n_destroyed;
/* Set by a case that adds a tap disk: blktap2 is there, tapdev0 is made. */
static bool blktap;

int libxl__blktap_enabled(libxl__gc *gc)
{
    return blktap;
}

char *libxl__blktap_devpath(libxl__gc *gc, const char *disk,
                            libxl_disk_format format)
{
    return blktap ? libxl__strdup(gc, "/dev/tb/tapdev0") : NULL;
}

int libxl__device_destroy_tapdisk(libxl__gc *gc, const char *params)
{
    if (n_destroyed < (int)(sizeof(destroyed) / sizeof(destroyed[0])))
        snprintf(destroyed[n_destroyed], sizeof(destroyed[0]), "%s", params);
    n_destroyed++;
    return 0;
}

/* The guest's xvda, a phy disk (no tapdisk), served by the driver domain. */
static struct tb_world setup(const atf_tc_t *tc)
{
    struct tb_world w = tb_world_start(tc, DRVDOM);
    libxl_device_disk d;

    tb_disk_config(&d, DRVDOM, "xvda", "/dev/tb/guest1-root", TB_DISK_RW);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    return w;
}

/*
 * The driver domain names another guest's tap disk in the guest's backend,
 * and keeps the backend when the disk is closed.
 */
static void name_victim_tapdisk(struct tb_world *w)
{
    TB_HOSTILE(w->drvdom, "write vbd/%u/%u/tapdisk-params %s", GUEST, XVDA,
               VICTIM_TAPDISK);
    TB_HOSTILE(w->drvdom, "keep");
}

/* The guest's disk has no tapdisk: libxl asked to destroy none. */
static void check_no_tapdisk_destroyed(void)
{
    int i;

    for (i = 0; i < n_destroyed && i < 4; i++)
        fprintf(stderr, "libxl destroyed tapdisk %s\n", destroyed[i]);
    ATF_CHECK_EQ_MSG(0, n_destroyed, "libxl destroyed %d tapdisk(s) for a "
                     "disk that has none (first: %s)", n_destroyed,
                     destroyed[0]);
}

TB_SEC_TC(disk_remove_ignores_tapdisk_named_by_backend,
          "libxl_device_disk_remove of a phy disk served by a driver domain "
          "destroys no tapdisk after the driver domain wrote a "
          "tapdisk-params node naming another guest's tap disk into the "
          "disk's backend",
          "libxl__device_destroy", "vbd", "XSA-178")
{
    struct tb_world w = setup(tc);
    libxl_device_disk d;

    name_victim_tapdisk(&w);
    tb_disk_config(&d, DRVDOM, "xvda", "/dev/tb/guest1-root", TB_DISK_RW);
    fprintf(stderr, "libxl_device_disk_remove: %d\n",
            libxl_device_disk_remove(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);

    ATF_CHECK(!tb_xs_exists(w.tb, "/local/domain/%u/device/vbd/%u", GUEST,
                            XVDA));
    check_no_tapdisk_destroyed();
}

TB_SEC_TC(domain_destroy_ignores_tapdisk_named_by_backend,
          "libxl_domain_destroy of a guest whose phy disk a driver domain "
          "serves destroys no tapdisk after the driver domain wrote a "
          "tapdisk-params node naming another guest's tap disk into the "
          "disk's backend",
          "libxl__device_destroy", "vbd", "XSA-178")
{
    struct tb_world w = setup(tc);

    name_victim_tapdisk(&w);
    fprintf(stderr, "libxl_domain_destroy: %d\n",
            libxl_domain_destroy(w.tb->ctx, GUEST, NULL));

    ATF_CHECK(!tb_domain_exists(w.tb, GUEST));
    check_no_tapdisk_destroyed();
}

/*
 * Not an attack: the tapdisk of a tap disk is still destroyed when the disk
 * goes, from libxl's record on the patched tree as from the backend on the
 * base.  dom0 serves tap disks, and runs the default block script for them.
 */
TB_TC(tap_disk_remove_destroys_its_own_tapdisk,
      "libxl_device_disk_remove of a tap disk served by dom0 destroys the "
      "tapdisk libxl made for it, and that one only")
{
    struct tb_world w;
    libxl_device_disk d;
    char be[128];
    int i;

    blktap = true;
    w = tb_world_start(tc, 0);
    tb_default_hotplug_script(w.tb, "block");
    libxl_device_disk_init(&d);
    d.backend_domid = 0;
    d.backend = LIBXL_DISK_BACKEND_TAP;
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.pdev_path = strdup(OWN_IMAGE);
    d.vdev = strdup("xvda");
    d.readwrite = 1;
    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", GUEST, XVDA);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(w.tb->ctx, GUEST, &d, NULL));
    ATF_REQUIRE_EQ(1, tb_hotplug_count(w.tb, "add", be));
    TB_REQUIRE_XS(w.tb, OWN_TAPDISK, "%s/tapdisk-params", be);
    ATF_REQUIRE_EQ(0, n_destroyed);
    ATF_CHECK_EQ(0, libxl_device_disk_remove(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    ATF_CHECK_EQ(1, tb_hotplug_count(w.tb, "remove", be));

    for (i = 0; i < n_destroyed && i < 4; i++)
        fprintf(stderr, "libxl destroyed tapdisk %s\n", destroyed[i]);
    ATF_CHECK_EQ(1, n_destroyed);
    ATF_CHECK_STREQ(OWN_TAPDISK, destroyed[0]);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, disk_remove_ignores_tapdisk_named_by_backend);
    ATF_TP_ADD_TC(tp, domain_destroy_ignores_tapdisk_named_by_backend);
    ATF_TP_ADD_TC(tp, tap_disk_remove_destroys_its_own_tapdisk);
    return atf_no_error();
}
