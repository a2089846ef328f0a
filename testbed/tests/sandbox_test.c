/*
 * Tests of the testbed itself: each case's xenstored is private to it,
 * however a test program ends no process of its sandbox survives, and
 * the sims hold their moves while libxl waits for a backend state.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tb.h"
#include "tb-waits.h"

/*
 * TB_TC with more head variables: pairs of name and value after the
 * description, set after TB_TC's own (so a later "timeout" wins).
 */
#define TB_TC_MD(name, descr, ...)                                  \
    ATF_TC_WITH_CLEANUP(name);                                      \
    ATF_TC_HEAD(name, tc)                                           \
    {                                                               \
        const char *const md_[] = { "descr", descr, "timeout", "120", \
                                    __VA_ARGS__ };                  \
        size_t i_;                                                  \
                                                                    \
        for (i_ = 0; i_ + 1 < sizeof(md_) / sizeof(md_[0]); i_ += 2) \
            atf_tc_set_md_var(tc, md_[i_], "%s", md_[i_ + 1]);      \
    }                                                               \
    ATF_TC_CLEANUP(name, tc)                                        \
    {                                                               \
        tb_cleanup(tc);                                             \
    }                                                               \
    ATF_TC_BODY(name, tc)

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

/*
 * Run argv (a victim, or a tracer running one) with its stdout on a pipe
 * and wait for the victim's "pid N" and "ready DIR"; returns the pid of
 * what was forked, and the victim's pid in *victim.
 */
static pid_t spawn_victim(const atf_tc_t *tc, char *const argv[], char *dir,
                          size_t len, pid_t *victim)
{
    char line[1024];
    int fds[2];
    FILE *f;
    pid_t pid;

    ATF_REQUIRE_EQ(0, pipe(fds));
    pid = fork();
    ATF_REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    f = fdopen(fds[0], "r");
    ATF_REQUIRE(f);
    *victim = -1;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "pid %d", (int *)victim) == 1)
            continue;
        if (!strncmp(line, "ready ", 6))
            break;
    }
    ATF_REQUIRE_MSG(*victim > 0 && !strncmp(line, "ready ", 6),
                    "tb-victim did not start, see %s/victim-%s.result",
                    getenv("TB_RUNDIR"), atf_tc_get_ident(tc));
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    snprintf(dir, len, "%s", line + 6);
    ATF_REQUIRE_MSG(tb_count_procs(dir) >= 3,
                    "expected xenstored and two sims, found %d",
                    tb_count_procs(dir));
    return pid;
}

/*
 * Start tb-victim, wait until its sandbox is up; returns its pid.  Each
 * case's victim gets a sandbox of its own, so that what one left behind
 * cannot be mistaken for, or hide, what another leaves.
 */
static pid_t start_victim(const atf_tc_t *tc, char *dir, size_t len)
{
    char res[1024], tag[512], bin[1024];
    char *argv[] = { bin, (char *)"-v", tag, (char *)"-r", res,
                     (char *)"victim", NULL };
    pid_t victim;

    snprintf(bin, sizeof(bin), "%s", tb_bin("tb-victim"));
    snprintf(tag, sizeof(tag), "sandbox=%s", atf_tc_get_ident(tc));
    snprintf(res, sizeof(res), "%s/victim-%s.result",
             getenv("TB_RUNDIR") ? getenv("TB_RUNDIR") : ".",
             atf_tc_get_ident(tc));
    return spawn_victim(tc, argv, dir, len, &victim);
}

static int wait_gone(const char *dir, int ms)
{
    struct timespec ts = { 0, 20 * 1000000 };
    int n, waited;

    for (waited = 0; (n = tb_count_procs(dir)) > 0 && waited < ms; waited += 20)
        nanosleep(&ts, NULL);
    return n;
}

static void kill_and_check(const atf_tc_t *tc, int sig)
{
    char dir[1024];
    pid_t pid = start_victim(tc, dir, sizeof(dir));
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
    kill_and_check(tc, SIGKILL);
}

TB_TC(sandbox_gone_after_sigint,
      "SIGINT of a test program leaves no xenstored or sim of its sandbox")
{
    kill_and_check(tc, SIGINT);
}

TB_TC(sandbox_gone_after_abort,
      "a crashing test program (SIGABRT) leaves nothing of its sandbox")
{
    kill_and_check(tc, SIGABRT);
}

TB_TC(sandbox_cleanup_stops_recorded_processes,
      "the cleanup routine stops a sandbox's processes while the test "
      "program that started them still runs (a hung body)")
{
    char dir[1024];
    pid_t pid = start_victim(tc, dir, sizeof(dir));

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
    pid_t pid = start_victim(tc, dir, sizeof(dir));

    ATF_CHECK(strcmp(dir, tb->dir) != 0);
    /* the victim added a disk to its guest 1; ours has no guest 1 */
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/1"));
    ATF_CHECK(!tb_xs_exists(tb, "/local/domain/0/backend/vbd"));
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ATF_CHECK_EQ(0, wait_gone(dir, 5000));
}

/* --- sanitizers ----------------------------------------------------------- */

/* Where run_fault keeps the stderr of tb-fault MODE. */
static const char *err_path(char *err, size_t len, const char *mode)
{
    snprintf(err, len, "fault-%s.err", mode);
    return err;
}

/* Run tb-fault MODE with stderr to a file; returns its wait status. */
static int run_fault(const char *mode, char *err, size_t len)
{
    int status;
    pid_t pid;

    err_path(err, len, mode);
    pid = fork();
    ATF_REQUIRE(pid >= 0);
    if (pid == 0) {
        int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (fd < 0)
            _exit(127);
        dup2(fd, 2);
        execl(tb_bin("tb-fault"), tb_bin("tb-fault"), mode, (char *)NULL);
        _exit(127);
    }
    ATF_REQUIRE_EQ(pid, waitpid(pid, &status, 0));
    return status;
}

static void check_fault_caught(const char *mode, const char *report)
{
    char err[256];
    int status = run_fault(mode, err, sizeof(err));

    ATF_CHECK_MSG(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
                  "tb-fault %s exited 0: its mistake went unreported", mode);
    ATF_CHECK_MSG(atf_utils_grep_file("%s", err, report),
                  "tb-fault %s: no \"%s\" in its stderr", mode, report);
}

TB_TC(sandbox_sanitizers_match_the_build,
      "a SANITIZE=1 build runs with ASan, LSan and UBSan live and "
      "reporting (a deliberate use after free, leak and overflow are "
      "caught with the run's own options); an unsanitized build has none")
{
    const char *want = getenv("TB_SANITIZE");
    void *asan = dlsym(RTLD_DEFAULT, "__asan_init");

    (void)tc;
#if defined(__SANITIZE_ADDRESS__)
    ATF_REQUIRE_STREQ_MSG("1", want ? want : "",
                          "test program built with ASan, run says "
                          "TB_SANITIZE=%s", want ? want : "");
    ATF_CHECK_MSG(asan != NULL, "the ASan runtime is not loaded");
    check_fault_caught("use-after-free", "heap-use-after-free");
    check_fault_caught("leak", "detected memory leaks");
    check_fault_caught("overflow", "signed integer overflow");
#else
    char err[256];

    ATF_CHECK_MSG(!want || strcmp(want, "1") != 0,
                  "TB_SANITIZE=1 but the test program has no ASan");
    ATF_CHECK(asan == NULL);
    ATF_CHECK_EQ(0, WEXITSTATUS(run_fault("leak", err, sizeof(err))));
    (void)check_fault_caught;
#endif
}

TB_TC(sandbox_leak_of_xs_read_reply_is_reported,
      "an xs_read reply dropped on a handle with a watch (libxl's kind, "
      "whose replies libxenstore's reader thread allocates) is reported "
      "as a leak with the run's own suppressions; the one libxl leak they "
      "name, 4.3's nic reader dropping its replies, is not")
{
    char err[256];
    int status;

    tb_start(tc);
#if defined(__SANITIZE_ADDRESS__)
    check_fault_caught("xs-read-leak", "detected memory leaks");
    ATF_CHECK_MSG(atf_utils_grep_file("tb_fault_xs_reader", err_path(err,
                  sizeof(err), "xs-read-leak")),
                  "the leak report does not name the reader that dropped "
                  "the reply");
    status = run_fault("xs-read-leak-4.3", err, sizeof(err));
    ATF_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "tb-fault xs-read-leak-4.3: the leak of 4.3's nic reader "
                  "was reported (status %#x, see %s)", status, err);
#else
    status = run_fault("xs-read-leak", err, sizeof(err));
    ATF_CHECK_EQ(0, WEXITSTATUS(status));
#endif
}

TB_TC(sandbox_stand_in_handle_faults_in_real_libxenctrl,
      "a real libxenctrl function called on the stand-in's xenctrl handle "
      "faults at once instead of reading and writing memory")
{
    char err[256];
    int status;

    tb_start(tc);
    status = run_fault("xc-handle", err, sizeof(err));
    ATF_REQUIRE_MSG(!(WIFEXITED(status) && WEXITSTATUS(status) == 3),
                    "tb-fault xc-handle got no handle from the stand-in");
    ATF_CHECK_MSG(WIFSIGNALED(status),
                  "xc_clear_last_error on the stand-in's handle returned "
                  "(status %#x)", status);
#if defined(__SANITIZE_ADDRESS__)
    /* ASan reports the fault, then aborts (abort_on_error) */
    ATF_CHECK_MSG(atf_utils_grep_file("SEGV on unknown address", err),
                  "no SEGV in %s", err);
#else
    ATF_CHECK_EQ(SIGSEGV, WTERMSIG(status));
#endif
}

/* The stand-in's redirect log line of path opened with flags. */
static bool redirected_open_logged(struct tb *tb, const char *op,
                                   const char *path)
{
    char log[1024];

    snprintf(log, sizeof(log), "%s/hv/redirects.log", tb->dir);
    return atf_utils_grep_file("^%s %s -> ", log, op, path);
}

TB_TC(sandbox_stand_in_reads_open_mode_only_when_passed,
      "the stand-in's open reads a mode argument exactly when the flags "
      "call for one (O_CREAT, O_TMPFILE), not for a plain O_DIRECTORY "
      "open, whose bits O_TMPFILE includes")
{
    struct tb *tb = tb_start(tc);
    int fd;

    /* an extra argument the flags do not call for must not be read */
    fd = open("/var/lib/xen", O_RDONLY | O_DIRECTORY, 0123);
    ATF_REQUIRE_MSG(fd >= 0, "open /var/lib/xen: %s", strerror(errno));
    close(fd);
    ATF_CHECK_MSG(!redirected_open_logged(tb, "open mode 0123",
                                          "/var/lib/xen"),
                  "the O_DIRECTORY open of /var/lib/xen read a mode");
    ATF_CHECK(redirected_open_logged(tb, "open", "/var/lib/xen"));
    fd = open("/var/lib/xen/tb-probe", O_WRONLY | O_CREAT | O_EXCL, 0640);
    ATF_REQUIRE_MSG(fd >= 0, "create /var/lib/xen/tb-probe: %s",
                    strerror(errno));
    close(fd);
    ATF_CHECK(redirected_open_logged(tb, "open mode 0640",
                                     "/var/lib/xen/tb-probe"));
    /* logged before the call, whether the file system has O_TMPFILE */
    fd = open("/var/lib/xen", O_RDWR | O_TMPFILE, 0600);
    if (fd >= 0)
        close(fd);
    ATF_CHECK(redirected_open_logged(tb, "open mode 0600", "/var/lib/xen"));
}

/* --- nothing outside the work dir ----------------------------------------- */

/*
 * The host paths a Xen toolstack writes to: nobody else on the machine
 * writes them, so their listing (names, types, sizes, mtimes) must be the
 * same before and after.
 */
static const char *const host_globs[] = {
    "/var/run/xen*", "/var/lib/xen*", "/run/xen*", "/var/log/xen*",
    "/etc/xen", "/dev/xen", "/var/run/xenstored*", "/run/xenstored*", NULL
};

static char *snap;
static size_t snap_len;

static int snap_one(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    char line[PATH_MAX + 128];
    int n;

    (void)flag;
    (void)ftw;
    n = snprintf(line, sizeof(line), "%s %o %lld %lld.%09ld\n", path,
                 (unsigned)st->st_mode, (long long)st->st_size,
                 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
    snap = realloc(snap, snap_len + n + 1);
    ATF_REQUIRE(snap);
    memcpy(snap + snap_len, line, n + 1);
    snap_len += n;
    return 0;
}

static char *host_snapshot(void)
{
    char *r;
    int i;

    snap = strdup("");
    snap_len = 0;
    for (i = 0; host_globs[i]; i++) {
        glob_t g;
        size_t j;

        if (glob(host_globs[i], 0, NULL, &g) != 0)
            continue;
        for (j = 0; j < g.gl_pathc; j++)
            nftw(g.gl_pathv[j], snap_one, 16, FTW_PHYS);
        globfree(&g);
    }
    r = snap;
    snap = NULL;
    return r;
}

static bool under(const char *path, const char *dir)
{
    size_t l = strlen(dir);

    return !strncmp(path, dir, l) && (path[l] == '/' || path[l] == '\0');
}

/* Writes that are not writes to the file system. */
static bool harmless(const char *path)
{
    return !strcmp(path, "/dev/null") || !strncmp(path, "/dev/pts/", 9) ||
           !strcmp(path, "/dev/tty");
}

/*
 * Every write-intent file system call of a traced run (strace -f -y) names
 * only paths under the testbed's output dir.  Returns the number of
 * offending lines, printed to stderr.
 */
static int trace_escapes(const char *trace, const char *root, const char *cwd)
{
    static const char *const writers[] = {
        "creat", "mkdir", "mkdirat", "unlink", "unlinkat", "rmdir",
        "rename", "renameat", "renameat2", "link", "linkat", "symlink",
        "symlinkat", "chmod", "fchmodat", "chown", "lchown", "fchownat",
        "truncate", "utime", "utimes", "utimensat", "futimesat", "mknod",
        "mknodat", "bind", "setxattr", "lsetxattr", "removexattr",
        "lremovexattr", "chdir", NULL
    };
    char line[8192];
    FILE *f = fopen(trace, "r");
    int bad = 0, lines = 0;

    ATF_REQUIRE_MSG(f, "no trace %s", trace);
    while (fgets(line, sizeof(line), f)) {
        char call[32], *args, *q, dirfd[PATH_MAX];
        bool writes = false;
        int i, nstr = 0;

        lines++;
        if (sscanf(line, "%*d %31[a-z0-9_](", call) != 1)
            continue;
        args = strchr(line, '(');
        if (!args)
            continue;
        if (!strcmp(call, "open") || !strcmp(call, "openat") ||
            !strcmp(call, "openat2"))
            writes = strstr(args, "O_WRONLY") || strstr(args, "O_RDWR") ||
                     strstr(args, "O_CREAT") || strstr(args, "O_TRUNC");
        for (i = 0; writers[i] && !writes; i++)
            writes = !strcmp(call, writers[i]);
        /* a call that failed wrote nothing (mkdir -p meets EEXIST) */
        if (!writes || strstr(args, " = -1 E"))
            continue;
        /* -y shows a directory fd as N</its/path> */
        dirfd[0] = '\0';
        if (sscanf(args, "(%*d<%4095[^>]>", dirfd) != 1)
            dirfd[0] = '\0';
        for (q = args; (q = strchr(q, '"')); nstr++) {
            char path[PATH_MAX], full[2 * PATH_MAX + 2];
            char *end = strchr(q + 1, '"');

            if (!end)
                break;
            snprintf(path, sizeof(path), "%.*s", (int)(end - q - 1), q + 1);
            q = end + 1;
            /* a symlink's target is content, not a path written */
            if (nstr == 0 && !strncmp(call, "symlink", 7))
                continue;
            if (!strcmp(call, "bind") && path[0] == '\0')
                continue;
            if (path[0] == '/')
                snprintf(full, sizeof(full), "%s", path);
            else
                snprintf(full, sizeof(full), "%s/%s",
                         dirfd[0] ? dirfd : cwd, path);
            if (under(full, root) || harmless(full))
                continue;
            fprintf(stderr, "outside %s: %s", root, line);
            bad++;
        }
    }
    fclose(f);
    ATF_REQUIRE_MSG(lines > 0, "empty trace %s", trace);
    return bad;
}

/* argv of strace -f around a testbed program, LSan off (see below). */
static void traced(char **argv, const char *trace)
{
    static const char *const pre[] = {
        "strace", "-f", "-qq", "-y", "-s", "4096", "-e",
        "trace=%file,bind,chdir", "-o", NULL
    };
    int i;

    for (i = 0; pre[i]; i++)
        argv[i] = (char *)pre[i];
    argv[i++] = (char *)trace;
    argv[i] = NULL;
}

/* strace watches the processes the case runs */
TB_TC_MD(sandbox_runs_write_nothing_outside_work_dir,
         "a test run, one killed with SIGKILL and one that completes "
         "with its cleanup, writes no file outside the testbed's output "
         "dir (every write-intent file system call of every process, "
         "traced) and changes nothing in the host's Xen directories; no "
         "process of either sandbox remains",
         "timeout", "300", "require.progs", "strace")
{
    char *before = host_snapshot(), *after;
    char root[PATH_MAX], cwd[PATH_MAX];
    char dir[1024], tag[512], tag2[512], res[1024], prog[1024];
    char case_ok[] = "domain_destroy_removes_devices_and_domain";
    char case_cleanup[] = "domain_destroy_removes_devices_and_domain:cleanup";
    char *argv[32];
    const char *opts = getenv("ASAN_OPTIONS");
    char asan[1024];
    pid_t tracer, victim;
    int status, i, n;

    ATF_REQUIRE(realpath(getenv("TB_OUT") ? getenv("TB_OUT") : TB_OUT, root));
    ATF_REQUIRE(getcwd(cwd, sizeof(cwd)));
    ATF_REQUIRE_MSG(under(cwd, root), "test runs in %s, outside %s", cwd,
                    root);
    /* LeakSanitizer stops the world with ptrace, which strace holds */
    snprintf(asan, sizeof(asan), "%s%sdetect_leaks=0", opts ? opts : "",
             opts && *opts ? ":" : "");
    setenv("ASAN_OPTIONS", asan, 1);

    /* 1: a test program killed with SIGKILL once its sandbox is busy */
    traced(argv, "victim.trace");
    for (n = 0; argv[n]; n++)
        ;
    snprintf(prog, sizeof(prog), "%s", tb_bin("tb-victim"));
    snprintf(tag, sizeof(tag), "sandbox=%s-kill", atf_tc_get_ident(tc));
    snprintf(res, sizeof(res), "%s/victim.result", cwd);
    argv[n++] = (char *)"--";
    argv[n++] = prog;
    argv[n++] = (char *)"-v";
    argv[n++] = tag;
    argv[n++] = (char *)"-r";
    argv[n++] = res;
    argv[n++] = (char *)"victim";
    argv[n] = NULL;
    tracer = spawn_victim(tc, argv, dir, sizeof(dir), &victim);
    ATF_REQUIRE_EQ(0, kill(victim, SIGKILL));
    ATF_REQUIRE_EQ(tracer, waitpid(tracer, &status, 0));
    ATF_CHECK_EQ_MSG(0, wait_gone(dir, 5000), "processes of %s survived",
                     dir);

    /* 2: a whole test case and its cleanup routine, as kyua runs them */
    snprintf(prog, sizeof(prog), "%s/tests/domain_test",
             getenv("TB_OUT") ? getenv("TB_OUT") : TB_OUT);
    snprintf(tag2, sizeof(tag2), "sandbox=%s-full", atf_tc_get_ident(tc));
    for (i = 0; i < 2; i++) {
        pid_t pid;
        char trace[64];

        snprintf(trace, sizeof(trace), "case%d.trace", i);
        traced(argv, trace);
            for (n = 0; argv[n]; n++)
            ;
        argv[n++] = (char *)"--";
        argv[n++] = prog;
        argv[n++] = (char *)"-v";
        argv[n++] = tag2;
        argv[n++] = (char *)"-r";
        argv[n++] = i ? (char *)"cleanup.result" : (char *)"case.result";
        argv[n++] = i ? case_cleanup : case_ok;
        argv[n] = NULL;
        pid = fork();
        ATF_REQUIRE(pid >= 0);
        if (pid == 0) {
            execvp(argv[0], argv);
            _exit(127);
        }
        ATF_REQUIRE_EQ(pid, waitpid(pid, &status, 0));
        ATF_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "%s %s did not pass under strace", prog, argv[n - 1]);
    }
    ATF_CHECK(atf_utils_grep_file("^passed", "case.result"));
    /* both sandboxes are in the run dir, where nothing else runs now */
    ATF_CHECK_EQ_MSG(0, wait_gone(getenv("TB_RUNDIR"), 5000),
                     "processes of %s survived", getenv("TB_RUNDIR"));

    ATF_CHECK_EQ(0, trace_escapes("victim.trace", root, cwd));
    ATF_CHECK_EQ(0, trace_escapes("case0.trace", root, cwd));
    ATF_CHECK_EQ(0, trace_escapes("case1.trace", root, cwd));

    after = host_snapshot();
    ATF_CHECK_MSG(!strcmp(before, after),
                  "the host's Xen directories changed:\nbefore:\n%s\nafter:\n%s",
                  before, after);
    free(before);
    free(after);
}

/* dir/node = value */
static void put(struct tb *tb, const char *dir, const char *node,
                const char *value)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s", dir, node);
    tb_xs_write(tb, p, value);
}

/*
 * vtpm 0 of guest 1, served by bdom, as libxl writes it: the backend's
 * dir and the frontend's, linked, in the given state.
 */
static void vtpm_dirs(struct tb *tb, uint32_t bdom, const char *state,
                      const char *online)
{
    const char *fe = "/local/domain/1/device/vtpm/0";
    char be[256], bdomid[16];

    snprintf(be, sizeof(be), "/local/domain/%u/backend/vtpm/1/0", bdom);
    snprintf(bdomid, sizeof(bdomid), "%u", bdom);
    put(tb, fe, "backend", be);
    put(tb, fe, "backend-id", bdomid);
    put(tb, fe, "state", state);
    put(tb, be, "frontend", fe);
    put(tb, be, "frontend-id", "1");
    put(tb, be, "online", online);
    put(tb, be, "state", state);
}

#define BE_STATE "/local/domain/0/backend/vtpm/1/0/state"
#define FE_STATE "/local/domain/1/device/vtpm/0/state"

TB_TC(sandbox_frontend_holds_while_libxl_waits_for_initwait,
      "while libxl watches a backend's state, waiting for InitWait, the "
      "guest's frontend sim does not connect (which would move the backend "
      "past InitWait); once libxl stops watching, it connects")
{
    struct tb *tb = tb_start_guest(tc, 0);

    tb_frontend_start(tb, 1);
    /* libxl's wait, as its add makes it: a watch on the state node */
    ATF_REQUIRE(xs_watch(tb->xs, BE_STATE, "libxl"));
    ATF_REQUIRE_MSG(tb_xs_exists(tb, "%s%s", TB_WAITING, BE_STATE),
                    "no note of libxl's wait at %s%s", TB_WAITING, BE_STATE);
    vtpm_dirs(tb, 0, "1", "1");
    ATF_REQUIRE_MSG(tb_xs_wait(tb, BE_STATE, "2", 5000),
                    "the backend did not reach InitWait");
    /* ten times the frontend's grace */
    ATF_CHECK_MSG(!tb_xs_wait(tb, FE_STATE, "3", 1000),
                  "the frontend connected while libxl waited for InitWait");
    TB_REQUIRE_XS(tb, "2", BE_STATE);
    ATF_REQUIRE(xs_unwatch(tb->xs, BE_STATE, "libxl"));
    ATF_CHECK(!tb_xs_exists(tb, "%s%s", TB_WAITING, BE_STATE));
    ATF_CHECK_MSG(tb_xs_wait(tb, FE_STATE, "3", 5000),
                  "the frontend did not connect once libxl stopped waiting");
}

#define DRV_BE "/local/domain/2/backend/vtpm/1/0"

TB_TC(sandbox_devd_keeps_closed_device_while_libxl_waits_for_closed,
      "while libxl watches a closed device's backend state, the driver "
      "domain's devd stand-in does not remove the device's dir (libxl "
      "would find it gone, not Closed); once libxl stops watching, it does")
{
    struct tb *tb = tb_start_guest(tc, 2);

    ATF_REQUIRE(xs_watch(tb->xs, DRV_BE "/state", "libxl"));
    vtpm_dirs(tb, 2, "6", "0");
    /* three times devd's grace */
    ATF_CHECK_MSG(!tb_xs_wait(tb, DRV_BE, NULL, 1500),
                  "devd removed the device while libxl waited for Closed");
    ATF_REQUIRE(xs_unwatch(tb->xs, DRV_BE "/state", "libxl"));
    ATF_CHECK_MSG(tb_xs_wait(tb, DRV_BE, NULL, 5000),
                  "devd did not remove the closed device once libxl stopped "
                  "waiting");
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, sandbox_xenstored_serves_private_socket);
    ATF_TP_ADD_TC(tp, sandbox_gone_after_sigkill);
    ATF_TP_ADD_TC(tp, sandbox_gone_after_sigint);
    ATF_TP_ADD_TC(tp, sandbox_gone_after_abort);
    ATF_TP_ADD_TC(tp, sandbox_cleanup_stops_recorded_processes);
    ATF_TP_ADD_TC(tp, sandbox_two_sandboxes_share_nothing);
    ATF_TP_ADD_TC(tp, sandbox_sanitizers_match_the_build);
    ATF_TP_ADD_TC(tp, sandbox_leak_of_xs_read_reply_is_reported);
    ATF_TP_ADD_TC(tp, sandbox_stand_in_handle_faults_in_real_libxenctrl);
    ATF_TP_ADD_TC(tp, sandbox_stand_in_reads_open_mode_only_when_passed);
    ATF_TP_ADD_TC(tp, sandbox_runs_write_nothing_outside_work_dir);
    ATF_TP_ADD_TC(tp, sandbox_frontend_holds_while_libxl_waits_for_initwait);
    ATF_TP_ADD_TC(tp, sandbox_devd_keeps_closed_device_while_libxl_waits_for_closed);
    return atf_no_error();
}
