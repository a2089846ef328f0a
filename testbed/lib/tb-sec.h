/*
 * Security test cases of the XSA-178 testbed.
 *
 * A case says in its head what it proves (X-proves), because kit verify
 * runs the suite three times and reads each kind of case differently:
 *
 *   attack       TB_SEC_TC.  Sets a device up through libxl with an honest
 *                backend, lets the simulated driver domain or guest act
 *                hostile (TB_HOSTILE), then asserts what libxl's public API
 *                returns.  It passes on the base in the control run
 *                (TB_ATTACKS=off: no hostile move is made), fails on the
 *                base with the attack, and passes on the patched tree.
 *   attack, with a declared control
 *                TB_SEC_TC_CONTROL.  For a case whose subject is the error
 *                the attack provokes (the device is gone, the port is
 *                taken): without the attack that error cannot happen, so
 *                the case must fail in the control run, and X-control
 *                names, as an extended regular expression, the reason it
 *                must fail with there.
 *   fix-present  TB_FIX_TC.  A check of libxl's own record under /libxl,
 *                with or without an attack: a base fails it because it
 *                keeps no record, which proves the fix is there, not that
 *                an attack worked; verify counts these apart.
 *
 * Each case also names the libxl reader it pins (X-reader), the device kind
 * (X-kind) and the advisory (X-advisory: XSA-175 when the guest is the
 * attacker, XSA-178 when the driver domain is):
 * scripts/lib/readers-table.sh builds docs/readers.md from these.
 */
#ifndef TB_SEC_H
#define TB_SEC_H

#include "tb.h"

#define TB_SEC_CASE_(name, descr, reader, kind, advisory, proves, control) \
    ATF_TC_WITH_CLEANUP(name);                                      \
    ATF_TC_HEAD(name, tc)                                           \
    {                                                               \
        const char *tb_control_ = (control);                        \
                                                                    \
        atf_tc_set_md_var(tc, "descr", descr);                      \
        atf_tc_set_md_var(tc, "timeout", "120");                    \
        atf_tc_set_md_var(tc, "X-reader", reader);                  \
        atf_tc_set_md_var(tc, "X-kind", kind);                      \
        atf_tc_set_md_var(tc, "X-advisory", advisory);              \
        atf_tc_set_md_var(tc, "X-proves", proves);                  \
        if (tb_control_ != NULL)                                    \
            atf_tc_set_md_var(tc, "X-control", "%s", tb_control_);  \
    }                                                               \
    ATF_TC_CLEANUP(name, tc)                                        \
    {                                                               \
        tb_cleanup(tc);                                             \
    }                                                               \
    ATF_TC_BODY(name, tc)

#define TB_SEC_TC(name, descr, reader, kind, advisory)              \
    TB_SEC_CASE_(name, descr, reader, kind, advisory, "attack", NULL)

#define TB_SEC_TC_CONTROL(name, descr, reader, kind, advisory, control) \
    TB_SEC_CASE_(name, descr, reader, kind, advisory, "attack", control)

#define TB_FIX_TC(name, descr, reader, kind, advisory)              \
    TB_SEC_CASE_(name, descr, reader, kind, advisory, "fix-present", NULL)

/*
 * The world of most security cases: dom0 and a driver domain, each serving
 * backends, a PV guest with its frontends, and another PV guest, the
 * victim, whose devices dom0 serves and whose data an attack tries to pass
 * off as the guest's.
 */
#define TB_GUEST    1
#define TB_DRVDOM   2
#define TB_VICTIM   3

struct tb_world {
    struct tb *tb;
    uint32_t bdom;          /* serves the guest's devices: 0 or TB_DRVDOM */
    struct tb_sim *dom0;    /* dom0's backends, the victim's among them */
    struct tb_sim *drvdom;  /* the driver domain's backends */
    struct tb_sim *backend; /* whichever of the two is bdom */
    struct tb_sim *guest;   /* the guest's frontends */
};

/* Start that world: domains declared, sims running, no device yet. */
struct tb_world tb_world_start(const atf_tc_t *tc, uint32_t bdom);
/*
 * The guest's attack of XSA-175: it points the backend and backend-id nodes
 * of its frontend KIND/DEVID at the victim's device KIND/DEVID in dom0.
 */
void tb_point_frontend_at_victim(struct tb_world *w, const char *kind,
                                 unsigned devid);

/* A hostile move of a sim: see tb_hostile(). */
#define TB_HOSTILE(sim, ...) tb_hostile((sim), __VA_ARGS__)

#endif
