/*
 * Security test cases of the XSA-178 testbed.
 *
 * A security test sets a device up through libxl with an honest backend,
 * lets the simulated driver domain or guest act hostile, then asserts
 * what libxl's public API returns.  It fails on an unpatched base and
 * passes once the reader it names trusts only libxl's own record.
 *
 * Each case names, in its head, the libxl reader it pins (X-reader), the
 * device kind (X-kind) and the advisory (X-advisory: XSA-175 when the
 * guest is the attacker, XSA-178 when the driver domain is):
 * scripts/lib/readers-table.sh builds docs/readers.md from these.
 */
#ifndef TB_SEC_H
#define TB_SEC_H

#include "tb.h"

#define TB_SEC_TC(name, descr, reader, kind, advisory)              \
    ATF_TC_WITH_CLEANUP(name);                                      \
    ATF_TC_HEAD(name, tc)                                           \
    {                                                               \
        atf_tc_set_md_var(tc, "descr", descr);                      \
        atf_tc_set_md_var(tc, "timeout", "120");                    \
        atf_tc_set_md_var(tc, "X-reader", reader);                  \
        atf_tc_set_md_var(tc, "X-kind", kind);                      \
        atf_tc_set_md_var(tc, "X-advisory", advisory);              \
    }                                                               \
    ATF_TC_CLEANUP(name, tc)                                        \
    {                                                               \
        tb_cleanup(tc);                                             \
    }                                                               \
    ATF_TC_BODY(name, tc)

/* A hostile move of a sim; the sim must have made it. */
#define TB_HOSTILE(sim, ...) \
    ATF_REQUIRE_EQ_MSG(0, tb_sim_cmd((sim), __VA_ARGS__), "hostile move refused")

#endif
