/*
 * tb-victim: an ATF test program whose one case sets up a sandbox with a
 * backend, a frontend and a disk, prints "pid <its pid>" and "ready
 * <sandbox>" and waits to be killed.  sandbox_test kills it in the ways a
 * run can end badly and checks that nothing of the sandbox survives.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tb.h"

ATF_TC_WITH_CLEANUP(victim);
ATF_TC_HEAD(victim, tc)
{
    atf_tc_set_md_var(tc, "descr", "sets up a sandbox and waits to be killed");
}
ATF_TC_BODY(victim, tc)
{
    struct tb *tb = tb_start(tc);
    libxl_device_disk d;

    tb_backend_start(tb, 0);
    tb_domain_create(tb, 1, "guest1", TB_PV);
    tb_frontend_start(tb, 1);
    libxl_device_disk_init(&d);
    d.pdev_path = strdup("/dev/tb/guest1-root");
    d.vdev = strdup("xvda");
    d.backend = LIBXL_DISK_BACKEND_PHY;
    d.format = LIBXL_DISK_FORMAT_RAW;
    d.readwrite = 1;
    d.script = strdup(tb_hotplug_script());
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, 1, &d, NULL));
    libxl_device_disk_dispose(&d);
    printf("pid %d\nready %s\n", (int)getpid(), tb->dir);
    fflush(stdout);
    for (;;)
        pause();
}
ATF_TC_CLEANUP(victim, tc)
{
    tb_cleanup(tc);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, victim);
    return atf_no_error();
}
