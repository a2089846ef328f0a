/*
 * Security tests of libxl_cdrom_insert: whatever the backend of an HVM
 * guest's cdrom (here qemu's qdisk backend in dom0) writes in its
 * backend directory, changing the media writes the configured backend
 * type and the new media, to that backend and to libxl's record.
 * The guest is HVM (cdrom-insert refuses PV guests) with the traditional
 * device model (no dm-version node): a media change is the xenstore
 * write alone, with no QMP socket to answer.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"

#define GUEST   1
#define HDC     5632    /* (22 << 8): hdc, the secondary IDE master */

struct world {
    struct tb *tb;
    struct tb_sim *qemu;    /* dom0's backends, qdisk among them */
};

static struct world setup(const atf_tc_t *tc)
{
    struct world w;
    libxl_device_disk d;

    w.tb = tb_start(tc);
    w.qemu = tb_backend_start(w.tb, 0);
    tb_domain_create(w.tb, GUEST, "hvmguest", TB_HVM);
    tb_device_model_running(w.tb, GUEST);

    tb_qdisk_cdrom_config(&d, "hdc", "/srv/tb/install.iso");
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(w.tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    TB_REQUIRE_XS(w.tb, "aio:/srv/tb/install.iso",
                  "/local/domain/0/backend/qdisk/%u/%u/params", GUEST, HDC);
    return w;
}

/* What xl cd-insert asks for: the vdev and the new media, nothing else. */
static int insert(struct world *w, const char *iso)
{
    libxl_device_disk d;
    int rc;

    libxl_device_disk_init(&d);
    d.pdev_path = strdup(iso);
    d.vdev = strdup("hdc");
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.is_cdrom = 1;
    d.removable = 1;
    rc = libxl_cdrom_insert(w->tb->ctx, GUEST, &d, NULL);
    libxl_device_disk_dispose(&d);
    return rc;
}

static void check_backend(struct world *w, const char *params)
{
    TB_REQUIRE_XS(w->tb, params, "/local/domain/0/backend/qdisk/%u/%u/params",
                  GUEST, HDC);
    TB_REQUIRE_XS(w->tb, "qdisk", "/local/domain/0/backend/qdisk/%u/%u/type",
                  GUEST, HDC);
    ATF_CHECK(!tb_xs_exists(w->tb, "/local/domain/0/backend/vbd/%u", GUEST));
}

/*
 * The backend, and libxl's record of it on a tree that keeps one, have
 * the new media.  The base keeps no record: that it has none is what
 * mirror_cdrom_test pins, not the attack this program is about.
 */
static void check_media(struct world *w, const char *params)
{
    check_backend(w, params);
    if (!tb_tree_keeps_record())
        return;
    TB_REQUIRE_XS(w->tb, params, "/libxl/%u/device/vbd/%u/params", GUEST, HDC);
    TB_REQUIRE_XS(w->tb, "qdisk", "/libxl/%u/device/vbd/%u/type", GUEST, HDC);
}

TB_SEC_TC(cdrom_insert_ignores_hostile_backend_type,
          "libxl_cdrom_insert changes the media of a qdisk cdrom, keeping "
          "backend type qdisk, after the backend rewrote its type node",
          "libxl_cdrom_insert", "cdrom", "XSA-178")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.qemu, "write qdisk/%u/%u/type phy", GUEST, HDC);
    ATF_REQUIRE_EQ(0, insert(&w, "/srv/tb/new.iso"));
    check_media(&w, "aio:/srv/tb/new.iso");
}

TB_SEC_TC(cdrom_insert_survives_deleted_backend_frontend_node,
          "libxl_cdrom_insert changes the media of a qdisk cdrom after the "
          "backend deleted the frontend node of its directory",
          "libxl_cdrom_insert", "cdrom", "XSA-178")
{
    struct world w = setup(tc);

    TB_HOSTILE(w.qemu, "rm qdisk/%u/%u/frontend", GUEST, HDC);
    ATF_REQUIRE_EQ(0, insert(&w, "/srv/tb/new.iso"));
    check_media(&w, "aio:/srv/tb/new.iso");
}

TB_TC(cdrom_insert_fails_cleanly_for_unknown_vdev,
      "libxl_cdrom_insert of a vdev the guest has no cdrom at fails with a "
      "libxl error and changes nothing")
{
    struct world w = setup(tc);
    libxl_device_disk d;

    libxl_device_disk_init(&d);
    d.pdev_path = strdup("/srv/tb/new.iso");
    d.vdev = strdup("hdd");
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.is_cdrom = 1;
    ATF_CHECK(libxl_cdrom_insert(w.tb->ctx, GUEST, &d, NULL) < 0);
    libxl_device_disk_dispose(&d);
    check_backend(&w, "aio:/srv/tb/install.iso");
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, cdrom_insert_ignores_hostile_backend_type);
    ATF_TP_ADD_TC(tp, cdrom_insert_survives_deleted_backend_frontend_node);
    ATF_TP_ADD_TC(tp, cdrom_insert_fails_cleanly_for_unknown_vdev);
    return atf_no_error();
}
