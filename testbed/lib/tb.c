/*
 * Fixtures of the XSA-178 testbed: see tb.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tb.h"
#include "tb-sec.h"

#ifndef TB_OUT
#error TB_OUT must name the build output dir
#endif
#ifndef TB_LIBPATH
#error TB_LIBPATH must list the library dirs of the tree
#endif
#ifndef TB_XENSTORED
#error TB_XENSTORED must name the xenstored of the tree
#endif

static struct tb the_tb;

static void tb_mkdirs(const char *path)
{
    char buf[PATH_MAX], *p;

    snprintf(buf, sizeof(buf), "%s", path);
    for (p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        ATF_REQUIRE_MSG(mkdir(buf, 0755) == 0 || errno == EEXIST,
                        "mkdir %s: %s", buf, strerror(errno));
        *p = '/';
    }
    ATF_REQUIRE_MSG(mkdir(buf, 0755) == 0 || errno == EEXIST,
                    "mkdir %s: %s", buf, strerror(errno));
}

static void tb_put_file(const char *path, const char *content, bool append)
{
    FILE *f = fopen(path, append ? "a" : "w");

    ATF_REQUIRE_MSG(f, "open %s: %s", path, strerror(errno));
    fputs(content, f);
    ATF_REQUIRE(fclose(f) == 0);
}

static void tb_now(struct timespec *ts)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
}

static long tb_ms_since(const struct timespec *t0)
{
    struct timespec t;

    tb_now(&t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void tb_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

const char *tb_bin(const char *name)
{
    static char buf[PATH_MAX];
    const char *out = getenv("TB_OUT");

    snprintf(buf, sizeof(buf), "%s/bin/%s", out && *out ? out : TB_OUT, name);
    return buf;
}

const char *tb_hotplug_script(void)
{
    return tb_bin("tb-hotplug");
}

void tb_default_hotplug_script(struct tb *tb, const char *name)
{
    char dir[PATH_MAX], path[PATH_MAX + 32];

    snprintf(dir, sizeof(dir), "%s/root/etc/xen/scripts", tb->dir);
    tb_mkdirs(dir);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    ATF_REQUIRE_MSG(symlink(tb_hotplug_script(), path) == 0,
                    "symlink %s: %s", path, strerror(errno));
}

void tb_sandbox_dir(const atf_tc_t *tc, char *buf, size_t len)
{
    const char *rundir = getenv("TB_RUNDIR");
    const char *ident = atf_tc_get_ident(tc);
    const char *prog = program_invocation_short_name;
    uint32_t h = 2166136261u;
    const char *p;

    /* short and stable: unix socket paths must stay under 108 bytes */
    for (p = prog; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h = (h ^ ':') * 16777619u;
    for (p = ident; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    /* helper programs run by several cases (tb-victim) are told apart */
    if (atf_tc_has_config_var(tc, "sandbox")) {
        h = (h ^ ':') * 16777619u;
        for (p = atf_tc_get_config_var(tc, "sandbox"); *p; p++)
            h = (h ^ (unsigned char)*p) * 16777619u;
    }
    snprintf(buf, len, "%s/%08x",
             rundir && *rundir ? rundir : TB_OUT "/run", h);
}

/* --- processes ------------------------------------------------------------ */

static bool tb_proc_mentions(pid_t pid, const char *needle)
{
    char path[64], buf[8192];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    {
        char *rp = strrchr(buf, ')');

        if (rp && (rp[2] == 'Z' || rp[2] == 'X'))
            return false;
    }
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, buf, sizeof(buf));
    close(fd);
    if (n <= 0)
        return false;
    return memmem(buf, n, needle, strlen(needle)) != NULL;
}

int tb_count_procs(const char *dir)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);

        if (*end || pid <= 0 || pid == getpid())
            continue;
        if (tb_proc_mentions((pid_t)pid, dir))
            n++;
    }
    closedir(d);
    return n;
}

void tb_stop_recorded(const char *dir)
{
    char piddir[PATH_MAX];
    DIR *d;
    struct dirent *e;
    struct timespec t0;

    snprintf(piddir, sizeof(piddir), "%s/pids", dir);
    d = opendir(piddir);
    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[PATH_MAX + 256];
        FILE *f;
        int pid;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", piddir, e->d_name);
        f = fopen(path, "r");
        if (!f)
            continue;
        /* pid reuse: only a process that names this sandbox is ours */
        if (fscanf(f, "%d", &pid) == 1 && pid > 0 &&
            tb_proc_mentions(pid, dir))
            kill(pid, SIGKILL);
        fclose(f);
    }
    closedir(d);
    tb_now(&t0);
    while (tb_ms_since(&t0) < 5000) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (tb_count_procs(dir) == 0)
            break;
        tb_sleep_ms(20);
    }
}

/*
 * Our children must not outlive us, whatever kills us: the kernel sends
 * them SIGKILL when we die (PR_SET_PDEATHSIG), and tb_stop_recorded finds
 * them by the pid files when the cleanup routine runs.
 */
static pid_t tb_spawn(const char *name, char *const argv[], int in_fd,
                      int out_fd)
{
    struct tb *tb = &the_tb;
    char log[PATH_MAX], pidfile[PATH_MAX], pidbuf[32];
    pid_t parent = getpid(), pid;

    snprintf(log, sizeof(log), "%s/%s.log", tb->dir, name);
    fflush(NULL);
    pid = fork();
    ATF_REQUIRE(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        if (fd < 0)
            _exit(127);
        dup2(in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY), 0);
        dup2(out_fd >= 0 ? out_fd : fd, 1);
        dup2(fd, 2);
        /* the stand-in is for libxl's process, not for the tree's daemons */
        unsetenv("LD_PRELOAD");
        execv(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    snprintf(pidfile, sizeof(pidfile), "%s/pids/%s", tb->dir, name);
    snprintf(pidbuf, sizeof(pidbuf), "%d\n", (int)pid);
    tb_put_file(pidfile, pidbuf, false);
    return pid;
}

/* --- sandbox -------------------------------------------------------------- */

static int tb_rm_one(const char *path, const struct stat *st, int flag,
                     struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

bool tb_xenstored_trace;

static void tb_trace_path(struct tb *tb, char *buf, size_t len)
{
    ATF_REQUIRE_MSG(tb_xenstored_trace, "xenstored runs without its trace");
    snprintf(buf, len, "%s/xenstored.trace", tb->dir);
}

off_t tb_trace_mark(struct tb *tb)
{
    char p[PATH_MAX];
    struct stat st;

    tb_trace_path(tb, p, sizeof(p));
    return stat(p, &st) == 0 ? st.st_size : 0;
}

/* xenstored traces a request as "IN CONN TIME TYPE (ARGS )", each argument
 * followed by a space. */
bool tb_trace_read_since(struct tb *tb, off_t mark, const char *path)
{
    char p[PATH_MAX], line[8192], want[PATH_MAX + 16];
    bool found = false;
    FILE *f;

    tb_trace_path(tb, p, sizeof(p));
    f = fopen(p, "r");
    ATF_REQUIRE_MSG(f, "%s: %s", p, strerror(errno));
    ATF_REQUIRE(fseeko(f, mark, SEEK_SET) == 0);
    snprintf(want, sizeof(want), " READ (%s ", path);
    while (!found && fgets(line, sizeof(line), f))
        found = !strncmp(line, "IN ", 3) && strstr(line, want);
    fclose(f);
    return found;
}

static void tb_start_xenstored(struct tb *tb)
{
    char pidfile[PATH_MAX], trace[PATH_MAX];
    char *argv[] = { (char *)TB_XENSTORED, (char *)"-D", (char *)"-N",
                     (char *)"-F", pidfile, (char *)"-T", trace, NULL };
    const char *override = getenv("TB_XENSTORED");
    struct timespec t0;

    if (override && *override)
        argv[0] = (char *)override;
    /* 4.3's libxl_ctx_alloc checks that this file exists */
    snprintf(pidfile, sizeof(pidfile), "%s/root/var/run/xenstored.pid",
             tb->dir);
    snprintf(trace, sizeof(trace), "%s/xenstored.trace", tb->dir);
    if (!tb_xenstored_trace)
        argv[5] = NULL;
    tb_spawn("xenstored", argv, -1, -1);

    tb_now(&t0);
    for (;;) {
        struct xs_handle *xs = xs_open(0);

        if (xs) {
            unsigned int len;
            char *v = xs_read(xs, XBT_NULL, "/", &len);

            if (v) {
                free(v);
                tb->xs = xs;
                return;
            }
            xs_close(xs);
        }
        ATF_REQUIRE_MSG(tb_ms_since(&t0) < 10000,
                        "xenstored did not answer within 10 s, see %s/xenstored.log",
                        tb->dir);
        tb_sleep_ms(10);
    }
}

struct tb *tb_start(const atf_tc_t *tc)
{
    struct tb *tb = &the_tb;
    static const char *const sub[] = {
        "hv", "pids", "lib", "root/var/lib/xen", "root/var/run/xen",
        "root/run/xen", "root/var/log/xen", "root/etc/xen", NULL
    };
    char path[PATH_MAX];
    const char *rundir = getenv("TB_RUNDIR");
    int i;

    memset(tb, 0, sizeof(*tb));
    tb_sandbox_dir(tc, tb->dir, sizeof(tb->dir));
    ATF_REQUIRE_MSG(strlen(tb->dir) + sizeof("/socket_ro") < 108,
                    "run dir too long for a unix socket: %s", tb->dir);
    /* a previous run of this case may have been killed: start clean */
    tb_stop_recorded(tb->dir);
    nftw(tb->dir, tb_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    for (i = 0; sub[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", tb->dir, sub[i]);
        tb_mkdirs(path);
    }
    snprintf(path, sizeof(path), "%s/case", tb->dir);
    tb_put_file(path, atf_tc_get_ident(tc), false);

    if (!rundir || !*rundir)
        setenv("TB_RUNDIR", TB_OUT "/run", 1);
    setenv("TB_SANDBOX", tb->dir, 1);
    setenv("XENSTORED_RUNDIR", tb->dir, 1);
    snprintf(path, sizeof(path), "%s/lib", tb->dir);
    setenv("XENSTORED_ROOTDIR", path, 1);
    unsetenv("XENSTORED_PATH");
    {
        /* the tree's daemons and scripts find the tree's libraries */
        const char *old = getenv("LD_LIBRARY_PATH");
        char lp[8192];

        snprintf(lp, sizeof(lp), "%s%s%s", TB_LIBPATH, old && *old ? ":" : "",
                 old && *old ? old : "");
        setenv("LD_LIBRARY_PATH", lp, 1);
    }

    tb_start_xenstored(tb);

    /* dom0, as xencommons leaves it */
    snprintf(path, sizeof(path), "%s/hv/domains", tb->dir);
    tb_put_file(path, "0 pv 00000000000000000000000000000000 running\n",
                false);
    tb_xs_write(tb, "/local/domain/0/domid", "0");
    tb_xs_write(tb, "/local/domain/0/name", "Domain-0");

    snprintf(path, sizeof(path), "%s/libxl.log", tb->dir);
    tb->logfile = fopen(path, "a");
    ATF_REQUIRE(tb->logfile);
    setvbuf(tb->logfile, NULL, _IOLBF, 0);
    tb->logger = xtl_createlogger_stdiostream(tb->logfile, XTL_DEBUG,
                                              XTL_STDIOSTREAM_HIDE_PROGRESS);
    ATF_REQUIRE(tb->logger);
    ATF_REQUIRE_EQ(0, libxl_ctx_alloc(&tb->ctx, LIBXL_VERSION, 0,
                                      (xentoollog_logger *)tb->logger));
    return tb;
}

void tb_cleanup(const atf_tc_t *tc)
{
    char dir[PATH_MAX];

    tb_sandbox_dir(tc, dir, sizeof(dir));
    tb_stop_recorded(dir);
}

/* --- domains -------------------------------------------------------------- */

static void tb_uuid(uint32_t domid, libxl_uuid *uuid, char *hex)
{
    char s[40];

    snprintf(s, sizeof(s), "5b3a1e00-7e57-4000-8000-%012x", (unsigned)domid);
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(uuid, s));
    snprintf(hex, 33, "5b3a1e007e5740008000%012x", (unsigned)domid);
}

static void tb_xs_mkdir_perms(struct tb *tb, xs_transaction_t t,
                              const char *path, struct xs_permissions *p,
                              unsigned int n)
{
    ATF_REQUIRE(xs_mkdir(tb->xs, t, path));
    ATF_REQUIRE(xs_set_permissions(tb->xs, t, path, p, n));
}

static void tb_xs_put(struct tb *tb, xs_transaction_t t, const char *path,
                      const char *value)
{
    ATF_REQUIRE_MSG(xs_write(tb->xs, t, path, value, strlen(value)),
                    "xs_write %s: %s", path, strerror(errno));
}

void tb_domain_create(struct tb *tb, uint32_t domid, const char *name,
                      enum tb_domtype type)
{
    struct xs_permissions roperm[2], rwperm[1], noperm[1];
    char dom[64], vm[96], lx[64], p[256], hex[40], line[128], uuid_s[40];
    libxl_uuid uuid;
    xs_transaction_t t;

    tb_uuid(domid, &uuid, hex);
    snprintf(line, sizeof(line), "%u %s %s running\n", (unsigned)domid,
             type == TB_HVM ? "hvm" : "pv", hex);
    snprintf(p, sizeof(p), "%s/hv/domains", tb->dir);
    tb_put_file(p, line, true);

    snprintf(uuid_s, sizeof(uuid_s), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(uuid));
    snprintf(dom, sizeof(dom), "/local/domain/%u", (unsigned)domid);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid_s);
    snprintf(lx, sizeof(lx), "/libxl/%u", (unsigned)domid);

    /* the permissions libxl__domain_make gives these directories */
    noperm[0].id = 0;
    noperm[0].perms = XS_PERM_NONE;
    roperm[0].id = 0;
    roperm[0].perms = XS_PERM_NONE;
    roperm[1].id = domid;
    roperm[1].perms = XS_PERM_READ;
    rwperm[0].id = domid;
    rwperm[0].perms = XS_PERM_NONE;

    for (;;) {
        t = xs_transaction_start(tb->xs);
        ATF_REQUIRE(t);
        tb_xs_mkdir_perms(tb, t, dom, roperm, 2);
        tb_xs_mkdir_perms(tb, t, vm, roperm, 2);
        tb_xs_mkdir_perms(tb, t, lx, noperm, 1);
        tb_xs_put(tb, t, (snprintf(p, sizeof(p), "%s/vm", dom), p), vm);
        tb_xs_put(tb, t, (snprintf(p, sizeof(p), "%s/name", dom), p), name);
        tb_xs_mkdir_perms(tb, t, (snprintf(p, sizeof(p), "%s/cpu", dom), p),
                          roperm, 2);
        tb_xs_mkdir_perms(tb, t, (snprintf(p, sizeof(p), "%s/memory", dom), p),
                          roperm, 2);
        tb_xs_mkdir_perms(tb, t, (snprintf(p, sizeof(p), "%s/device", dom), p),
                          roperm, 2);
        tb_xs_mkdir_perms(tb, t, (snprintf(p, sizeof(p), "%s/control", dom), p),
                          roperm, 2);
        if (type == TB_HVM)
            tb_xs_mkdir_perms(tb, t,
                              (snprintf(p, sizeof(p), "%s/hvmloader", dom), p),
                              roperm, 2);
        tb_xs_mkdir_perms(tb, t,
                          (snprintf(p, sizeof(p), "%s/control/shutdown", dom), p),
                          rwperm, 1);
        tb_xs_mkdir_perms(tb, t,
                          (snprintf(p, sizeof(p),
                                    "%s/device/suspend/event-channel", dom), p),
                          rwperm, 1);
        tb_xs_mkdir_perms(tb, t, (snprintf(p, sizeof(p), "%s/data", dom), p),
                          rwperm, 1);
        tb_xs_put(tb, t, (snprintf(p, sizeof(p), "%s/uuid", vm), p), uuid_s);
        tb_xs_put(tb, t, (snprintf(p, sizeof(p), "%s/name", vm), p), name);
        /* what libxl__build_post adds once the domain is built */
        tb_xs_put(tb, t, (snprintf(p, sizeof(p), "%s/domid", dom), p),
                  (snprintf(line, sizeof(line), "%u", (unsigned)domid), line));
        tb_xs_put(tb, t, (snprintf(p, sizeof(p), "%s/memory/static-max", dom), p),
                  "1024");
        tb_xs_put(tb, t, (snprintf(p, sizeof(p), "%s/memory/target", dom), p),
                  "1024");
        /*
         * Up to 4.4 domain creation records that libxl, not udev, runs
         * the hotplug scripts (run_hotplug_scripts, on by default).
         */
        tb_xs_put(tb, t, "/local/domain/0/libxl/disable_udev", "1");
        if (xs_transaction_end(tb->xs, t, false))
            break;
        ATF_REQUIRE_EQ(EAGAIN, errno);
    }

#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
    {
        /* libxl__set_domain_configuration at create time; device add updates it */
        libxl_domain_config dc;
        char *json;

        libxl_domain_config_init(&dc);
        dc.c_info.type = type == TB_HVM ? LIBXL_DOMAIN_TYPE_HVM
                                        : LIBXL_DOMAIN_TYPE_PV;
        dc.c_info.name = strdup(name);
        libxl_uuid_copy(
#ifdef LIBXL_HAVE_UUID_COPY_CTX_PARAM
                        tb->ctx,
#endif
                        &dc.c_info.uuid, &uuid);
        libxl_domain_build_info_init_type(&dc.b_info, dc.c_info.type);
        json = libxl_domain_config_to_json(tb->ctx, &dc);
        ATF_REQUIRE(json);
        ATF_REQUIRE_EQ(0, libxl_userdata_store(tb->ctx, domid, "libxl-json",
                                               (const uint8_t *)json,
                                               strlen(json) + 1));
        free(json);
        libxl_domain_config_dispose(&dc);
    }
#endif
}

bool tb_domain_exists(struct tb *tb, uint32_t domid)
{
    char p[PATH_MAX], line[256];
    FILE *f;
    bool found = false;

    snprintf(p, sizeof(p), "%s/hv/domains", tb->dir);
    f = fopen(p, "r");
    ATF_REQUIRE(f);
    while (fgets(line, sizeof(line), f)) {
        unsigned int d;

        if (sscanf(line, "%u", &d) == 1 && d == domid)
            found = true;
    }
    fclose(f);
    return found;
}

/* --- sims --------------------------------------------------------------- */

static struct tb_sim *tb_sim_start(struct tb *tb, uint32_t domid, bool backend)
{
    struct tb_sim *sim;
    char name[64], domid_s[16], line[64];
    char *argv[8];
    int cmd[2], rep[2];

    ATF_REQUIRE(tb->nsims < (int)(sizeof(tb->sims) / sizeof(tb->sims[0])));
    sim = &tb->sims[tb->nsims++];
    snprintf(name, sizeof(name), "sim-%s-%u", backend ? "backend" : "frontend",
             (unsigned)domid);
    snprintf(domid_s, sizeof(domid_s), "%u", (unsigned)domid);
    argv[0] = strdup(tb_bin("tb-sim"));
    argv[1] = (char *)(backend ? "--backend" : "--frontend");
    argv[2] = domid_s;
    argv[3] = (char *)"--sandbox";
    argv[4] = tb->dir;
    argv[5] = NULL;
    ATF_REQUIRE(pipe2(cmd, O_CLOEXEC) == 0);
    ATF_REQUIRE(pipe2(rep, O_CLOEXEC) == 0);
    /* dup2 in the child clears O_CLOEXEC on the copies it keeps */
    sim->pid = tb_spawn(name, argv, cmd[0], rep[1]);
    free(argv[0]);
    close(cmd[0]);
    close(rep[1]);
    sim->cmd_fd = cmd[1];
    sim->reply = fdopen(rep[0], "r");
    ATF_REQUIRE(sim->reply);
    sim->domid = domid;
    sim->backend = backend;
    ATF_REQUIRE_MSG(fgets(line, sizeof(line), sim->reply) &&
                    !strncmp(line, "ready", 5),
                    "%s did not start, see %s/%s.log", name, tb->dir, name);
    return sim;
}

struct tb_sim *tb_backend_start(struct tb *tb, uint32_t domid)
{
    return tb_sim_start(tb, domid, true);
}

struct tb *tb_start_guest(const atf_tc_t *tc, uint32_t bdom)
{
    struct tb *tb = tb_start(tc);

    if (bdom != 0)
        tb_domain_create(tb, bdom, "driverdom", TB_PV);
    tb_backend_start(tb, bdom);
    tb_domain_create(tb, 1, "guest1", TB_PV);
    return tb;
}

struct tb_sim *tb_frontend_start(struct tb *tb, uint32_t domid)
{
    return tb_sim_start(tb, domid, false);
}

int tb_sim_cmd(struct tb_sim *sim, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    ATF_REQUIRE(n > 0 && (size_t)n < sizeof(line) - 1);
    line[n++] = '\n';
    ATF_REQUIRE_EQ(n, write(sim->cmd_fd, line, n));
    ATF_REQUIRE_MSG(fgets(line, sizeof(line), sim->reply),
                    "sim %d went away", (int)sim->pid);
    return strncmp(line, "ok", 2) ? -1 : 0;
}

/*
 * The experiment's switch: TB_ATTACKS=off is the control run, in which no
 * hostile move is made, so that a security case can show it passes on the
 * base without its attack.  Anything but "on", "off" or unset is a
 * misconfigured run, not a control.
 */
bool tb_attacks_on(void)
{
    const char *v = getenv("TB_ATTACKS");

    if (v == NULL || !strcmp(v, "on"))
        return true;
    ATF_REQUIRE_MSG(!strcmp(v, "off"), "TB_ATTACKS=%s: neither on nor off", v);
    return false;
}

void tb_hostile(struct tb_sim *sim, const char *fmt, ...)
{
    char move[4096];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(move, sizeof(move), fmt, ap);
    va_end(ap);
    ATF_REQUIRE(n > 0 && (size_t)n < sizeof(move));
    /* kit verify reads these lines: a base failure proves an attack only
     * when it came after the attack's first move. */
    if (!tb_attacks_on()) {
        fprintf(stderr, "tb: attack skipped (control run): dom%u %s\n",
                sim->domid, move);
        return;
    }
    fprintf(stderr, "tb: attack: dom%u %s\n", sim->domid, move);
    ATF_REQUIRE_EQ_MSG(0, tb_sim_cmd(sim, "%s", move),
                       "hostile move refused: %s", move);
}

/*
 * Whether the tree under test keeps libxl's record under /libxl: what the
 * stack adds, so the patched tree of every release keeps it and no base
 * does.  The kit declares the side (TB_SIDE); a case never infers it from
 * xenstore, where a patched tree that lost its record would pass for a base.
 */
bool tb_tree_keeps_record(void)
{
    const char *v = getenv("TB_SIDE");

    ATF_REQUIRE_MSG(v != NULL && (!strcmp(v, "base") || !strcmp(v, "patched")),
                    "TB_SIDE=%s: the run must say whether it tests the base "
                    "or the patched tree", v ? v : "(unset)");
    return !strcmp(v, "patched");
}

/* --- the world of the security cases (tb-sec.h) ----------------------------- */

struct tb_world tb_world_start(const atf_tc_t *tc, uint32_t bdom)
{
    struct tb_world w;

    ATF_REQUIRE_MSG(bdom == 0 || bdom == TB_DRVDOM,
                    "the guest's devices are served by dom0 or domain %d, "
                    "not %u", TB_DRVDOM, bdom);
    w.tb = tb_start(tc);
    w.bdom = bdom;
    tb_domain_create(w.tb, TB_DRVDOM, "driverdom", TB_PV);
    w.dom0 = tb_backend_start(w.tb, 0);
    w.drvdom = tb_backend_start(w.tb, TB_DRVDOM);
    w.backend = bdom == 0 ? w.dom0 : w.drvdom;
    tb_domain_create(w.tb, TB_GUEST, "guest1", TB_PV);
    tb_domain_create(w.tb, TB_VICTIM, "victim", TB_PV);
    w.guest = tb_frontend_start(w.tb, TB_GUEST);
    return w;
}

void tb_point_frontend_at_victim(struct tb_world *w, const char *kind,
                                 unsigned devid)
{
    tb_hostile(w->guest, "write %s/%u/backend /local/domain/0/backend/%s/%u/%u",
               kind, devid, kind, TB_VICTIM, devid);
    tb_hostile(w->guest, "write %s/%u/backend-id 0", kind, devid);
}

/* tb_sys_put for /sys/bus/BUS, with fopen's mode for a file: "a" creates
 * it and keeps what is in it. */
static void tb_sys_write(struct tb *tb, const char *bus, const char *rel,
                         const char *content, const char *fmode)
{
    char path[PATH_MAX], *p;
    FILE *f;

    snprintf(path, sizeof(path), "%s/root/sys/bus/%s/%s", tb->dir, bus, rel);
    for (p = strchr(path + strlen(tb->dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        ATF_REQUIRE_MSG(mkdir(path, 0755) == 0 || errno == EEXIST,
                        "mkdir %s: %s", path, strerror(errno));
        *p = '/';
    }
    if (!content) {
        ATF_REQUIRE(mkdir(path, 0755) == 0 || errno == EEXIST);
        return;
    }
    f = fopen(path, fmode);
    ATF_REQUIRE_MSG(f, "%s: %s", path, strerror(errno));
    fputs(content, f);
    ATF_REQUIRE_EQ(0, fclose(f));
}

void tb_sys_put(struct tb *tb, const char *rel, const char *content)
{
    tb_sys_write(tb, "usb", rel, content, "w");
}

char *tb_sys_get(struct tb *tb, const char *rel)
{
    char path[PATH_MAX], buf[256];
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "%s/root/sys/bus/usb/%s", tb->dir, rel);
    f = fopen(path, "r");
    ATF_REQUIRE_MSG(f, "%s: %s", path, strerror(errno));
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

void tb_usb_stand_in(struct tb *tb, const char *busid, unsigned devnum)
{
    char rel[128], val[32], *end;
    unsigned long busnum;

    /* Linux names a device "<bus>-<port>[.<port>...]": the bus number is
     * the busid's first field, so the two cannot disagree. */
    busnum = strtoul(busid, &end, 10);
    ATF_REQUIRE_MSG(end != busid && *end == '-', "busid %s", busid);
    snprintf(rel, sizeof(rel), "devices/%s/busnum", busid);
    snprintf(val, sizeof(val), "%lu\n", busnum);
    tb_sys_put(tb, rel, val);
    snprintf(rel, sizeof(rel), "devices/%s/devnum", busid);
    snprintf(val, sizeof(val), "%u\n", devnum);
    tb_sys_put(tb, rel, val);
    /* class 00 (given per interface): not a hub (09), which libxl
     * refuses to assign */
    snprintf(rel, sizeof(rel), "devices/%s/bDeviceClass", busid);
    tb_sys_put(tb, rel, "00\n");
    snprintf(rel, sizeof(rel), "devices/%s:1.0", busid);
    tb_sys_put(tb, rel, NULL);
    /* usbback is loaded: created empty once, never emptied, since they may
     * already hold what libxl wrote for another device */
    tb_sys_write(tb, "usb", "drivers/usbback/bind", "", "a");
    tb_sys_write(tb, "usb", "drivers/usbback/unbind", "", "a");
}

void tb_pci_stand_in(struct tb *tb, const char *bdf)
{
    char rel[128];
    int i;

    /* bound to pciback: what libxl_device_pci_assignable_list lists */
    snprintf(rel, sizeof(rel), "drivers/pciback/%s", bdf);
    tb_sys_write(tb, "pci", rel, NULL, "w");
    /* six BARs and the ROM, all unused: no I/O port or memory range for
     * libxl to grant; no legacy interrupt either */
    snprintf(rel, sizeof(rel), "devices/%s/resource", bdf);
    tb_sys_write(tb, "pci", rel, "", "w");
    for (i = 0; i < 7; i++)
        tb_sys_write(tb, "pci", rel, "0x0000000000000000 0x0000000000000000 "
                     "0x0000000000000000\n", "a");
    snprintf(rel, sizeof(rel), "devices/%s/irq", bdf);
    tb_sys_write(tb, "pci", rel, "0\n", "w");
    /* pciback's control files, written by libxl (reset, permissive) */
    tb_sys_write(tb, "pci", "drivers/pciback/do_flr", "", "a");
    tb_sys_write(tb, "pci", "drivers/pciback/permissive", "", "a");
    tb_sys_write(tb, "pci", "drivers/pciback/slots", "", "a");
}

void tb_disk_config(libxl_device_disk *d, uint32_t bdom, const char *vdev,
                    const char *pdev, enum tb_disk_kind kind)
{
    libxl_device_disk_init(d);
    d->backend_domid = bdom;
    d->pdev_path = strdup(pdev);
    d->vdev = strdup(vdev);
    d->backend = LIBXL_DISK_BACKEND_PHY;
    d->format = LIBXL_DISK_FORMAT_RAW;
    d->readwrite = kind == TB_DISK_RW;
    d->is_cdrom = kind == TB_DISK_CDROM;
    d->removable = kind == TB_DISK_CDROM;
    if (bdom == 0)
        d->script = strdup(tb_hotplug_script());
}

void tb_qdisk_cdrom_config(libxl_device_disk *d, const char *vdev,
                           const char *media)
{
    libxl_device_disk_init(d);
    d->backend_domid = 0;
    d->vdev = strdup(vdev);
    d->backend = LIBXL_DISK_BACKEND_QDISK;
    d->is_cdrom = 1;
    d->removable = 1;
    d->readwrite = 0;
    if (media) {
        d->pdev_path = strdup(media);
        d->format = LIBXL_DISK_FORMAT_RAW;
    } else {
        d->format = LIBXL_DISK_FORMAT_EMPTY;
    }
}

void tb_device_model_running(struct tb *tb, uint32_t domid)
{
    char pid[64];

    snprintf(pid, sizeof(pid), "/local/domain/%u/image/device-model-pid",
             domid);
    tb_xs_write(tb, pid, "999999");
}

/* --- xenstore ------------------------------------------------------------- */

static char *tb_vread(struct tb *tb, const char *fmt, va_list ap)
{
    char path[1024];
    unsigned int len;

    vsnprintf(path, sizeof(path), fmt, ap);
    return xs_read(tb->xs, XBT_NULL, path, &len);
}

char *tb_xs_read(struct tb *tb, const char *fmt, ...)
{
    va_list ap;
    char *v;

    va_start(ap, fmt);
    v = tb_vread(tb, fmt, ap);
    va_end(ap);
    return v;
}

bool tb_xs_exists(struct tb *tb, const char *fmt, ...)
{
    va_list ap;
    char *v;

    va_start(ap, fmt);
    v = tb_vread(tb, fmt, ap);
    va_end(ap);
    free(v);
    return v != NULL;
}

void tb_xs_write(struct tb *tb, const char *path, const char *value)
{
    tb_xs_put(tb, XBT_NULL, path, value);
}

bool tb_xs_wait(struct tb *tb, const char *path, const char *value,
                int timeout_ms)
{
    struct timespec t0;

    tb_now(&t0);
    for (;;) {
        unsigned int len;
        char *v = xs_read(tb->xs, XBT_NULL, path, &len);
        bool done = value ? (v && !strcmp(v, value)) : !v;

        free(v);
        if (done)
            return true;
        if (tb_ms_since(&t0) > timeout_ms)
            return false;
        tb_sleep_ms(10);
    }
}

int tb_hotplug_count(struct tb *tb, const char *action, const char *be_path)
{
    char p[PATH_MAX], line[1024], want[1024];
    FILE *f;
    int n = 0;

    snprintf(p, sizeof(p), "%s/hotplug.log", tb->dir);
    snprintf(want, sizeof(want), "%s %s\n", action, be_path);
    f = fopen(p, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (!strcmp(line, want))
            n++;
    fclose(f);
    return n;
}

int tb_escapes(struct tb *tb)
{
    char p[PATH_MAX], line[1024];
    FILE *f;
    int n = 0;

    snprintf(p, sizeof(p), "%s/hv/escapes.log", tb->dir);
    f = fopen(p, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        fprintf(stderr, "write outside the run dir: %s", line);
        n++;
    }
    fclose(f);
    return n;
}

/* --- libxl events ---------------------------------------------------------- */

libxl_event *tb_next_event(libxl_ctx *ctx, int timeout_ms)
{
    struct timeval t0, now;

    gettimeofday(&t0, NULL);
    for (;;) {
        struct pollfd fds[32];
        int nfds = 32, timeout = 20;
        libxl_event *ev = NULL;

        if (libxl_event_check(ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL) == 0)
            return ev;
        gettimeofday(&now, NULL);
        if ((now.tv_sec - t0.tv_sec) * 1000 +
            (now.tv_usec - t0.tv_usec) / 1000 > timeout_ms)
            return NULL;
        if (libxl_osevent_beforepoll(ctx, &nfds, fds, &timeout, now))
            return NULL;
        /* a slice at most: libxl's timeouts may be far off */
        if (timeout < 0 || timeout > 20)
            timeout = 20;
        poll(fds, nfds, timeout);
        gettimeofday(&now, NULL);
        libxl_osevent_afterpoll(ctx, nfds, fds, now);
    }
}
