/*
 * Tests of the testbed itself: each case's xenstored is private to it,
 * and however a test program ends, no process of its sandbox survives.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tb.h"

TB_TC(sandbox_xenstored_serves_private_socket,
      "the case's xenstored listens in the case's own run dir and holds "
      "dom0's entries only")
{
    struct tb *tb = tb_start(tc);
    const char *rundir = getenv("TB_RUNDIR");
    struct stat st;
    char p[1024];

    snprintf(p, sizeof(p), "%s/socket", tb->dir);
    ATF_REQUIRE_EQ(0, stat(p, &st));
    ATF_CHECK(S_ISSOCK(st.st_mode));
    ATF_CHECK_STREQ(tb->dir, getenv("XENSTORED_RUNDIR"));
    ATF_REQUIRE(rundir);
    ATF_CHECK(!strncmp(tb->dir, rundir, strlen(rundir)));
    TB_REQUIRE_XS(tb, "Domain-0", "/local/domain/0/name");
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/1"));
    ATF_CHECK_EQ(1, tb_count_procs(tb->dir));
}

/* Start tb-victim, wait until its sandbox is up; returns its pid. */
static pid_t start_victim(char *dir, size_t len)
{
    char line[1024];
    int fds[2];
    FILE *f;
    pid_t pid;

    ATF_REQUIRE_EQ(0, pipe(fds));
    pid = fork();
    ATF_REQUIRE(pid >= 0);
    if (pid == 0) {
        char res[1024];

        dup2(fds[1], 1);
        close(fds[0]);
        snprintf(res, sizeof(res), "%s/victim.result",
                 getenv("TB_RUNDIR") ? getenv("TB_RUNDIR") : ".");
        execl(tb_bin("tb-victim"), tb_bin("tb-victim"), "-r", res, "victim",
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    f = fdopen(fds[0], "r");
    ATF_REQUIRE(f);
    ATF_REQUIRE_MSG(fgets(line, sizeof(line), f) &&
                    !strncmp(line, "ready ", 6), "tb-victim did not start");
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    snprintf(dir, len, "%s", line + 6);
    ATF_REQUIRE_MSG(tb_count_procs(dir) >= 3,
                    "expected xenstored and two sims, found %d",
                    tb_count_procs(dir));
    return pid;
}

static int wait_gone(const char *dir, int ms)
{
    struct timespec ts = { 0, 20 * 1000000 };
    int n, waited;

    for (waited = 0; (n = tb_count_procs(dir)) > 0 && waited < ms; waited += 20)
        nanosleep(&ts, NULL);
    return n;
}

static void kill_and_check(int sig)
{
    char dir[1024];
    pid_t pid = start_victim(dir, sizeof(dir));
    int status;

    ATF_REQUIRE_EQ(0, kill(pid, sig));
    ATF_REQUIRE_EQ(pid, waitpid(pid, &status, 0));
    ATF_CHECK(WIFSIGNALED(status));
    ATF_CHECK_EQ_MSG(0, wait_gone(dir, 5000),
                     "processes of %s survived signal %d", dir, sig);
}

TB_TC(sandbox_gone_after_sigkill,
      "SIGKILL of a test program leaves no xenstored or sim of its sandbox")
{
    (void)tc;
    kill_and_check(SIGKILL);
}

TB_TC(sandbox_gone_after_sigint,
      "SIGINT of a test program leaves no xenstored or sim of its sandbox")
{
    (void)tc;
    kill_and_check(SIGINT);
}

TB_TC(sandbox_gone_after_abort,
      "a crashing test program (SIGABRT) leaves nothing of its sandbox")
{
    (void)tc;
    kill_and_check(SIGABRT);
}

TB_TC(sandbox_cleanup_stops_recorded_processes,
      "the cleanup routine stops a sandbox's processes while the test "
      "program that started them still runs (a hung body)")
{
    char dir[1024];
    pid_t pid = start_victim(dir, sizeof(dir));

    (void)tc;
    tb_stop_recorded(dir);
    ATF_CHECK_EQ(0, tb_count_procs(dir));
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

TB_TC(sandbox_two_sandboxes_share_nothing,
      "a second sandbox running at the same time has its own xenstored: "
      "what one writes the other does not see")
{
    struct tb *tb = tb_start(tc);
    char dir[1024];
    pid_t pid = start_victim(dir, sizeof(dir));

    ATF_CHECK(strcmp(dir, tb->dir) != 0);
    /* the victim added a disk to its guest 1; ours has no guest 1 */
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/1"));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/0/backend/vbd"));
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ATF_CHECK_EQ(0, wait_gone(dir, 5000));
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, sandbox_xenstored_serves_private_socket);
    ATF_TP_ADD_TC(tp, sandbox_gone_after_sigkill);
    ATF_TP_ADD_TC(tp, sandbox_gone_after_sigint);
    ATF_TP_ADD_TC(tp, sandbox_gone_after_abort);
    ATF_TP_ADD_TC(tp, sandbox_cleanup_stops_recorded_processes);
    ATF_TP_ADD_TC(tp, sandbox_two_sandboxes_share_nothing);
    return atf_no_error();
}
