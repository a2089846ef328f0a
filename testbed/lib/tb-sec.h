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

/* A hostile move of a sim: see tb_hostile(). */
#define TB_HOSTILE(sim, ...) tb_hostile((sim), __VA_ARGS__)

#endif
