/*
 * libxl's record of a domain's devices, /libxl/$DOMID/device, as domain
 * creation leaves it: libxl__domain_make makes it, readable and writable
 * by the toolstack domain only, in the transaction that makes the
 * domain's other directories, so every record libxl__device_generic_add
 * later writes below it starts out out of the guest's and the driver
 * domains' reach, whatever the xenstore daemon's rules for the permissions
 * of a new node.
 *
 * libxl__domain_make is internal: this program is linked against the
 * static libxenlight.  Its hypervisor part (xc_domain_create,
 * xc_cpupool_movedomain) is the stand-in's (fake/hv_stand_in.c).
 */
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include "tb-sec.h"

/* What a domain's creation does up to the domain builder. */
static uint32_t make_domain(struct tb *tb, const char *name)
{
    GC_INIT(tb->ctx);
    uint32_t domid = ~0u;   /* not a guest's id: the hypervisor chooses */
    int rc;
#if TB_XEN_VERSION >= 40600
    libxl_domain_config cfg;
    xc_domain_configuration_t xc_config;

    memset(&xc_config, 0, sizeof(xc_config));
    libxl_domain_config_init(&cfg);
    cfg.c_info.type = LIBXL_DOMAIN_TYPE_PV;
    cfg.c_info.name = libxl__strdup(NOGC, name);
    rc = libxl__domain_create_info_setdefault(gc, &cfg.c_info);
    if (!rc)
        rc = libxl__domain_make(gc, &cfg, &domid, &xc_config);
    libxl_domain_config_dispose(&cfg);
#else
    libxl_domain_create_info info;

    libxl_domain_create_info_init(&info);
    info.type = LIBXL_DOMAIN_TYPE_PV;
    info.name = libxl__strdup(NOGC, name);
    rc = libxl__domain_create_info_setdefault(gc, &info);
    if (!rc)
        rc = libxl__domain_make(gc, &info, &domid);
    libxl_domain_create_info_dispose(&info);
#endif
    GC_FREE;
    ATF_REQUIRE_EQ_MSG(0, rc, "libxl__domain_make failed: %d", rc);
    ATF_REQUIRE(libxl_domid_valid_guest(domid));
    return domid;
}

/* PATH exists and only dom0, its owner, may read or write it. */
static void check_toolstack_only(struct tb *tb, const char *path)
{
    struct xs_permissions *perms;
    unsigned int n;

    perms = xs_get_permissions(tb->xs, XBT_NULL, path, &n);
    ATF_REQUIRE_MSG(perms != NULL, "%s does not exist", path);
    ATF_CHECK_EQ_MSG(1, n, "%s: %u permission entries, want the owner's "
                     "alone", path, n);
    ATF_CHECK_EQ_MSG(0, perms[0].id, "%s: owned by domain %u", path,
                     perms[0].id);
    ATF_CHECK_EQ_MSG(XS_PERM_NONE, perms[0].perms, "%s: others have "
                     "permissions %#x", path, (unsigned)perms[0].perms);
    free(perms);
}

TB_FIX_TC(domain_make_creates_device_record_dir_for_toolstack_only,
          "libxl__domain_make creates /libxl/$DOMID/device, owned by dom0 "
          "and readable by no other domain, along with /libxl/$DOMID",
          "libxl__domain_make", "domain", "XSA-175")
{
    struct tb *tb = tb_start(tc);
    uint32_t domid = make_domain(tb, "tb-made");
    char path[64];

    ATF_CHECK(tb_domain_exists(tb, domid));
    snprintf(path, sizeof(path), "/libxl/%u", domid);
    check_toolstack_only(tb, path);
    snprintf(path, sizeof(path), "/libxl/%u/device", domid);
    check_toolstack_only(tb, path);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, domain_make_creates_device_record_dir_for_toolstack_only);
    return atf_no_error();
}
