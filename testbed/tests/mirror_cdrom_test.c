/*
 * Security tests of libxl's own record of a cdrom across media changes
 * (XSA-178, CVE-2016-4963): libxl_cdrom_insert rewrites params and type
 * of the cdrom's backend, and ejects by inserting empty media; the copy
 * under /libxl/$DOMID/device/vbd/$DEVID must follow, or libxl would go on
 * reporting, and acting on, the medium the cdrom was attached with.
 *
 * libxl_cdrom_insert finds the cdrom with libxl_device_disk_list, which on
 * the oldest bases walks dom0's backends only: the cdrom is served by
 * dom0 here.  The guest is HVM (cdrom-insert refuses PV guests) with the
 * traditional device model (no dm-version node), whose media change is
 * the xenstore write alone, with no QMP socket to answer; its cdrom is
 * served by qemu (qdisk), the only backend 4.7 accepts for an HVM cdrom.
 */
#include <stdlib.h>
#include <string.h>

#include "tb-sec.h"
#include "tb-mirror.h"

#define GUEST   1
#define XVDC    51744   /* (202 << 8) | (2 << 4) */

static struct tb *setup(const atf_tc_t *tc)
{
    struct tb *tb = tb_start(tc);
    libxl_device_disk d;

    tb_backend_start(tb, 0);
    tb_domain_create(tb, GUEST, "hvmguest", TB_HVM);
    tb_device_model_running(tb, GUEST);
    tb_qdisk_cdrom_config(&d, "xvdc", "/srv/tb/install.iso");
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
    return tb;
}

/* media NULL: eject */
static void insert(struct tb *tb, const char *media)
{
    libxl_device_disk d;

    tb_qdisk_cdrom_config(&d, "xvdc", media);
    ATF_REQUIRE_EQ(0, libxl_cdrom_insert(tb->ctx, GUEST, &d, NULL));
    libxl_device_disk_dispose(&d);
}

/*
 * The record matches the backend as libxl_cdrom_insert left it, and that
 * names the media (or none): libxl writes it as FORMAT:PATH.
 */
static void check_media(struct tb *tb, const char *media)
{
    char fe[128], be[128];
    const char *want[] = { "type", "qdisk", "dev", "xvdc",
                           "device-type", "cdrom", NULL };
    char *params;

    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", GUEST, XVDC);
    snprintf(be, sizeof(be), "/local/domain/0/backend/qdisk/%u/%u", GUEST,
             XVDC);
    params = tb_xs_read(tb, "%s/params", be);
    ATF_REQUIRE(params);
    if (media) {
        size_t n = strlen(params), m = strlen(media);

        ATF_REQUIRE_MSG(n >= m && !strcmp(params + n - m, media),
                        "backend params %s does not name %s", params, media);
    } else {
        ATF_REQUIRE_STREQ("", params);
    }
    free(params);
    tb_mirror_require(tb, GUEST, "vbd", XVDC, fe, be, want);
}

TB_FIX_TC(cdrom_insert_updates_trusted_copy,
          "after libxl_cdrom_insert of new media, libxl's copy of the "
          "cdrom's backend holds the new params and type",
          "libxl_cdrom_insert", "cdrom", "XSA-178")
{
    struct tb *tb = setup(tc);

    insert(tb, "/srv/tb/rescue.iso");
    check_media(tb, "/srv/tb/rescue.iso");
}

TB_FIX_TC(cdrom_eject_empties_trusted_copy,
          "after an eject (libxl_cdrom_insert of an empty disk), libxl's "
          "copy of the cdrom's backend holds empty params",
          "libxl_cdrom_insert", "cdrom", "XSA-178")
{
    struct tb *tb = setup(tc);

    insert(tb, NULL);
    check_media(tb, NULL);
}

TB_FIX_TC(cdrom_insert_after_eject_updates_trusted_copy,
          "insert, eject and insert again: libxl's copy of the cdrom's "
          "backend follows every change and holds the last media",
          "libxl_cdrom_insert", "cdrom", "XSA-178")
{
    struct tb *tb = setup(tc);

    insert(tb, "/srv/tb/rescue.iso");
    check_media(tb, "/srv/tb/rescue.iso");
    insert(tb, NULL);
    check_media(tb, NULL);
    insert(tb, "/srv/tb/drivers.iso");
    check_media(tb, "/srv/tb/drivers.iso");
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, cdrom_insert_updates_trusted_copy);
    ATF_TP_ADD_TC(tp, cdrom_eject_empties_trusted_copy);
    ATF_TP_ADD_TC(tp, cdrom_insert_after_eject_updates_trusted_copy);
    return atf_no_error();
}
