/*
 * The hypervisor stand-in: every libxenctrl call that libxl makes on the
 * paths under test, answered from a domain table instead of Xen, plus a
 * redirect of the fixed host directories libxl writes to into the sandbox.
 *
 * This file is the one place where the testbed fakes anything.  It is
 * built against the headers of the tree under test (xc_domaininfo_t and
 * xc_dominfo_t differ between releases) and loaded with LD_PRELOAD, so
 * libxl's calls into libxenctrl land here while everything else in
 * libxl, libxenstore and xenstored is the tree's own code.
 *
 * The domain table is $TB_SANDBOX/hv/domains, written by the fixtures
 * (lib/tb.c, tb_domain_declare) and read on every call, one domain a line:
 *     <domid> <pv|hvm> <uuid as 32 hex digits> <running|paused>
 * xc_domain_destroy removes the line, xc_domain_pause/unpause rewrite it,
 * as the hypervisor would change its own domain list.
 *
 * What is faked, and why it is faithful (README.md has the whole story):
 * - xc_interface_open/close: a handle that no real libxenctrl code may
 *   use.  Every libxenctrl entry point libxl reaches on the tested paths
 *   is defined here and logged to $TB_SANDBOX/hv/calls.log; a call that
 *   reaches the real library with this handle faults (a PROT_NONE page).
 * - xc_domain_getinfolist/xc_domain_getinfo: the hypercall's semantics
 *   (domains with id >= the asked one, up to max entries, by domid).
 * - xc_domain_pause/unpause/destroy: state changes of the table;
 *   xc_domain_create adds a paused domain, xc_cpupool_movedomain knows
 *   pool 0 only (libxl__domain_make, run by mirror_domain_test).
 * - xc_assign_device/xc_deassign_device: succeed (a host with an IOMMU).
 * - xc_domain_get_guest_width: 8 bytes, every guest is 64-bit, and
 *   xc_domain_get_native_protocol (libxenguest): "x86_64-abi".
 * - xc_flask_sid_to_context: ENOSYS, as from a hypervisor without XSM.
 * Host paths: /var/lib/xen, /var/run/xen, /run/xen, /var/log/xen,
 * /etc/xen and /var/run/xenstored.pid are compiled into libxl (userdata
 * and its lock file, the domain's JSON config, save files, the default
 * hotplug scripts, 4.3's check that xenstored runs), and so are
 * /sys/bus/usb (4.7's PVUSB reads USB devices there and writes usbback's
 * bind and unbind files) and /sys/bus/pci, where the fixtures lay out the
 * host devices a test declares.  They are redirected to
 * $TB_SANDBOX/root/<path> (by open, stat, execvp and the like),
 * every redirect is logged to $TB_SANDBOX/hv/redirects.log, and a
 * write-intent call on an absolute path outside $TB_RUNDIR is logged to
 * $TB_SANDBOX/hv/escapes.log, which the tests require to stay empty.
 * Not a fake, but here because it must interpose on a library too: the
 * replies of xs_read and xs_get_domain_path are copied in the caller's
 * thread, so that a leak of one names its caller (see below).
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>

#define TB_MAX_DOMS 64

struct tb_dom {
    unsigned int domid;
    int hvm;
    int paused;
    unsigned char uuid[16];
};

static const char *const tb_host_prefixes[] = {
    "/var/lib/xen", "/var/run/xen", "/run/xen", "/var/log/xen", "/etc/xen",
    "/var/run/xenstored.pid", "/run/xenstored.pid",
    /* 4.7's PVUSB finds host USB devices and binds them to usbback here */
    "/sys/bus/usb",
    /* pci passthrough: pciback's assignable devices, a device's resources */
    "/sys/bus/pci", NULL
};

static void *tb_real(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);

    if (!f) {
        fprintf(stderr, "hv_stand_in: no real %s\n", name);
        abort();
    }
    return f;
}

#define REAL(ret, name, ...) \
    static ret (*real_##name)(__VA_ARGS__); \
    if (!real_##name) real_##name = tb_real(#name)

static const char *tb_sandbox(void)
{
    const char *s = getenv("TB_SANDBOX");

    return (s && *s) ? s : NULL;
}

static void tb_log(const char *file, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void tb_log(const char *file, const char *fmt, ...)
{
    REAL(int, open, const char *, int, ...);
    const char *sb = tb_sandbox();
    char path[4096], line[8192];
    va_list ap;
    int fd, n;

    if (!sb)
        return;
    snprintf(path, sizeof(path), "%s/hv/%s", sb, file);
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line))
        n = sizeof(line) - 1;
    fd = real_open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (write(fd, line, n) != n)
        fprintf(stderr, "hv_stand_in: short write to %s\n", path);
    close(fd);
}

/* --- the domain table ------------------------------------------------ */

static int tb_table_path(char *buf, size_t len)
{
    const char *sb = tb_sandbox();

    if (!sb)
        return -1;
    snprintf(buf, len, "%s/hv/domains", sb);
    return 0;
}

static int tb_parse_uuid(const char *s, unsigned char *uuid)
{
    int i;

    if (strlen(s) != 32)
        return -1;
    for (i = 0; i < 16; i++) {
        unsigned int b;

        if (sscanf(s + 2 * i, "%2x", &b) != 1)
            return -1;
        uuid[i] = (unsigned char)b;
    }
    return 0;
}

static int tb_load(struct tb_dom *doms, int max)
{
    REAL(FILE *, fopen, const char *, const char *);
    char path[4096], line[256];
    FILE *f;
    int n = 0;

    if (tb_table_path(path, sizeof(path)))
        return -1;
    f = real_fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    while (n < max && fgets(line, sizeof(line), f)) {
        char type[8], uuid[40], state[16];
        struct tb_dom *d = &doms[n];

        if (sscanf(line, "%u %7s %39s %15s", &d->domid, type, uuid, state) != 4)
            continue;
        d->hvm = !strcmp(type, "hvm");
        d->paused = !strcmp(state, "paused");
        if (tb_parse_uuid(uuid, d->uuid))
            continue;
        n++;
    }
    fclose(f);
    return n;
}

static int tb_store(const struct tb_dom *doms, int n)
{
    REAL(FILE *, fopen, const char *, const char *);
    char path[4096], tmp[4200];
    FILE *f;
    int i, j;

    if (tb_table_path(path, sizeof(path)))
        return -1;
    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
    f = real_fopen(tmp, "we");
    if (!f)
        return -1;
    for (i = 0; i < n; i++) {
        fprintf(f, "%u %s ", doms[i].domid, doms[i].hvm ? "hvm" : "pv");
        for (j = 0; j < 16; j++)
            fprintf(f, "%02x", doms[i].uuid[j]);
        fprintf(f, " %s\n", doms[i].paused ? "paused" : "running");
    }
    if (fclose(f))
        return -1;
    return rename(tmp, path);
}

static int tb_cmp_dom(const void *a, const void *b)
{
    const struct tb_dom *x = a, *y = b;

    return (x->domid > y->domid) - (x->domid < y->domid);
}

/* --- libxenctrl ------------------------------------------------------ */

/*
 * The handle is a page nobody may read or write: a call that gets past
 * the stand-in into the real libxenctrl dereferences it and faults at
 * once, where a buffer would let it read zeroes and go on.  One page
 * serves every open; it is never unmapped, so a handle used after close
 * faults as well.
 */
static void *tb_handle;

xc_interface *xc_interface_open(xentoollog_logger *logger,
                                xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    (void)logger;
    (void)dombuild_logger;
    tb_log("calls.log", "xc_interface_open %u\n", open_flags);
    if (!tb_handle) {
        void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED)
            return NULL;
        tb_handle = p;
    }
    return tb_handle;
}

int xc_interface_close(xc_interface *xch)
{
    (void)xch;
    tb_log("calls.log", "xc_interface_close\n");
    return 0;
}

int xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain,
                          unsigned int max_domains, xc_domaininfo_t *info)
{
    struct tb_dom doms[TB_MAX_DOMS];
    int n, i, out = 0;

    (void)xch;
    tb_log("calls.log", "xc_domain_getinfolist %u %u\n",
           first_domain, max_domains);
    n = tb_load(doms, TB_MAX_DOMS);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    qsort(doms, n, sizeof(doms[0]), tb_cmp_dom);
    for (i = 0; i < n && (unsigned int)out < max_domains; i++) {
        xc_domaininfo_t *d = &info[out];

        if (doms[i].domid < first_domain)
            continue;
        memset(d, 0, sizeof(*d));
        d->domain = doms[i].domid;
        d->flags = (doms[i].hvm ? XEN_DOMINF_hvm_guest : 0) |
                   (doms[i].paused ? XEN_DOMINF_paused : XEN_DOMINF_running);
        d->tot_pages = 256;
        d->max_pages = 256;
        d->nr_online_vcpus = 1;
        d->max_vcpu_id = 0;
        memcpy(d->handle, doms[i].uuid, sizeof(d->handle));
        out++;
    }
    return out;
}

int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid,
                      unsigned int max_doms, xc_dominfo_t *info)
{
    struct tb_dom doms[TB_MAX_DOMS];
    int n, i, out = 0;

    (void)xch;
    tb_log("calls.log", "xc_domain_getinfo %u %u\n", first_domid, max_doms);
    n = tb_load(doms, TB_MAX_DOMS);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    qsort(doms, n, sizeof(doms[0]), tb_cmp_dom);
    for (i = 0; i < n && (unsigned int)out < max_doms; i++) {
        xc_dominfo_t *d = &info[out];

        if (doms[i].domid < first_domid)
            continue;
        memset(d, 0, sizeof(*d));
        d->domid = doms[i].domid;
        d->hvm = doms[i].hvm;
        d->paused = doms[i].paused;
        d->running = !doms[i].paused;
        d->nr_pages = 256;
        d->max_memkb = 1024;
        d->nr_online_vcpus = 1;
        memcpy(d->handle, doms[i].uuid, sizeof(d->handle));
        out++;
    }
    return out;
}

static int tb_change(uint32_t domid, int destroy, int paused)
{
    struct tb_dom doms[TB_MAX_DOMS];
    int n, i;

    n = tb_load(doms, TB_MAX_DOMS);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    for (i = 0; i < n; i++)
        if (doms[i].domid == domid)
            break;
    if (i == n) {
        errno = ESRCH;
        return -1;
    }
    if (destroy)
        doms[i] = doms[--n];
    else
        doms[i].paused = paused;
    if (tb_store(doms, n)) {
        errno = EIO;
        return -1;
    }
    return 0;
}

int xc_domain_pause(xc_interface *xch, uint32_t domid)
{
    (void)xch;
    tb_log("calls.log", "xc_domain_pause %u\n", domid);
    return tb_change(domid, 0, 1);
}

int xc_domain_unpause(xc_interface *xch, uint32_t domid)
{
    (void)xch;
    tb_log("calls.log", "xc_domain_unpause %u\n", domid);
    return tb_change(domid, 0, 0);
}

/*
 * Domain creation, for libxl__domain_make: a new paused domain (Xen
 * creates them paused) with the given handle, under the id asked for when
 * that is a guest's id, else under the lowest free one (Xen's own choice
 * is a rover: what libxl relies on is only that the id is new).
 */
static int tb_create_domain(uint32_t *pdomid, uint32_t flags,
                            const unsigned char *handle)
{
    struct tb_dom doms[TB_MAX_DOMS];
    uint32_t id = *pdomid;
    int n, i;

    n = tb_load(doms, TB_MAX_DOMS);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    if (n == TB_MAX_DOMS) {
        errno = ENOMEM;
        return -1;
    }
    if (id == 0 || id >= DOMID_FIRST_RESERVED) {
        for (id = 1, i = 0; i < n; i++)
            if (doms[i].domid == id) {
                id++;
                i = -1;
            }
    } else {
        for (i = 0; i < n; i++)
            if (doms[i].domid == id) {
                errno = EEXIST;
                return -1;
            }
    }
    doms[n].domid = id;
    doms[n].hvm = !!(flags & XEN_DOMCTL_CDF_hvm_guest);
    doms[n].paused = 1;
    memcpy(doms[n].uuid, handle, sizeof(doms[n].uuid));
    if (tb_store(doms, n + 1)) {
        errno = EIO;
        return -1;
    }
    *pdomid = id;
    return 0;
}

/* The call, logged as any other, whichever entry point the release has. */
static int tb_create(uint32_t ssidref, uint32_t *pdomid, uint32_t flags,
                     const unsigned char *handle)
{
    int rc = tb_create_domain(pdomid, flags, handle);

    tb_log("calls.log", "xc_domain_create %u %#x -> %d %u\n", ssidref,
           flags, rc, *pdomid);
    return rc;
}

/*
 * libxl__domain_make's call: 4.6 passes the arch configuration to
 * xc_domain_create_config, 4.7 to xc_domain_create (nothing of it is used
 * for an x86 PV domain).
 */
#if TB_XEN_VERSION >= 40600
#if TB_XEN_VERSION >= 40700
int xc_domain_create(xc_interface *xch, uint32_t ssidref,
                     xen_domain_handle_t handle, uint32_t flags,
                     uint32_t *pdomid, xc_domain_configuration_t *config)
#else
int xc_domain_create_config(xc_interface *xch, uint32_t ssidref,
                            xen_domain_handle_t handle, uint32_t flags,
                            uint32_t *pdomid,
                            xc_domain_configuration_t *config)
#endif
{
    (void)xch;
    (void)config;
    return tb_create(ssidref, pdomid, flags, handle);
}
#else
int xc_domain_create(xc_interface *xch, uint32_t ssidref,
                     xen_domain_handle_t handle, uint32_t flags,
                     uint32_t *pdomid)
{
    (void)xch;
    return tb_create(ssidref, pdomid, flags, handle);
}
#endif

/*
 * Passing a PCI device through: the IOMMU's part.  libxl assigns the
 * devices of a PV guest too (and forgives ENOSYS, a host without an IOMMU,
 * there); the stand-in has one and says yes.
 */
#if TB_XEN_VERSION >= 40600
int xc_assign_device(xc_interface *xch, uint32_t domid, uint32_t machine_sbdf,
                     uint32_t flag)
{
    (void)xch;
    tb_log("calls.log", "xc_assign_device %u %#x %u\n", domid, machine_sbdf,
           flag);
    return 0;
}
#else
int xc_assign_device(xc_interface *xch, uint32_t domid, uint32_t machine_bdf)
{
    (void)xch;
    tb_log("calls.log", "xc_assign_device %u %#x\n", domid, machine_bdf);
    return 0;
}
#endif

int xc_deassign_device(xc_interface *xch, uint32_t domid, uint32_t machine_bdf)
{
    (void)xch;
    tb_log("calls.log", "xc_deassign_device %u %#x\n", domid, machine_bdf);
    return 0;
}

/* Every domain is in the one pool there is, pool 0. */
int xc_cpupool_movedomain(xc_interface *xch, uint32_t poolid, uint32_t domid)
{
    (void)xch;
    tb_log("calls.log", "xc_cpupool_movedomain %u %u\n", poolid, domid);
    if (poolid != 0) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

int xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
    (void)xch;
    tb_log("calls.log", "xc_domain_destroy %u\n", domid);
    return tb_change(domid, 1, 0);
}

/*
 * Every declared guest is a 64-bit one: libxl asks (through libxenguest's
 * xc_domain_get_native_protocol) to write the ring protocol of a disk.
 */
int xc_domain_get_guest_width(xc_interface *xch, uint32_t domid,
                              unsigned int *guest_width)
{
    struct tb_dom doms[TB_MAX_DOMS];
    int n, i;

    (void)xch;
    tb_log("calls.log", "xc_domain_get_guest_width %u\n", domid);
    n = tb_load(doms, TB_MAX_DOMS);
    for (i = 0; i < n; i++) {
        if (doms[i].domid == domid) {
            *guest_width = 8;
            return 0;
        }
    }
    errno = ESRCH;
    return -1;
}

/*
 * libxenguest's answer for a 64-bit x86 guest; 4.3's version asks Xen
 * directly instead of through xc_domain_get_guest_width.
 */
const char *xc_domain_get_native_protocol(xc_interface *xch, uint32_t domid);
const char *xc_domain_get_native_protocol(xc_interface *xch, uint32_t domid)
{
    unsigned int width;

    if (xc_domain_get_guest_width(xch, domid, &width))
        return NULL;
    return "x86_64-abi";
}

/*
 * A hypervisor built without XSM/FLASK (the default) answers every flask
 * op with -ENOSYS; libxl then reports no ssid label.
 */
int xc_flask_sid_to_context(xc_interface *xch, int sid, char *buf,
                            uint32_t size)
{
    (void)xch;
    (void)buf;
    (void)size;
    tb_log("calls.log", "xc_flask_sid_to_context %d\n", sid);
    errno = ENOSYS;
    return -1;
}

/* --- libxenstore's replies ------------------------------------------- */

/*
 * Not a fake: xs_read and xs_get_domain_path return the tree's own reply,
 * copied into a block allocated here, in the caller's thread.  On a handle
 * with a watch (libxl's) libxenstore's reader thread allocates every reply,
 * so LeakSanitizer would report a dropped one with a stack that ends in
 * that thread and names no caller; the copy's stack names the function
 * that dropped it, which is what lsan.supp matches.  Built with frame
 * pointers (Makefile) so that the sanitizers' fast unwinder walks through
 * these frames to that caller.
 */
static void *tb_caller_copy(void *reply, unsigned int len)
{
    char *copy;

    if (!reply)
        return NULL;
    copy = malloc((size_t)len + 1);
    if (copy) {
        memcpy(copy, reply, len);
        copy[len] = '\0';      /* as libxenstore ends every reply */
    } else {
        errno = ENOMEM;
    }
    free(reply);
    return copy;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len)
{
    REAL(void *, xs_read, struct xs_handle *, xs_transaction_t, const char *,
         unsigned int *);
    unsigned int n = 0;
    void *r = real_xs_read(h, t, path, &n);

    r = tb_caller_copy(r, n);
    if (r && len)
        *len = n;
    return r;
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    REAL(char *, xs_get_domain_path, struct xs_handle *, unsigned int);
    char *r = real_xs_get_domain_path(h, domid);

    return tb_caller_copy(r, r ? (unsigned int)strlen(r) : 0);
}

/* --- host paths ------------------------------------------------------ */

/*
 * Returns the path to use: the redirected one in buf when path is one of
 * the host paths libxl hard-codes, path itself otherwise.
 */
static const char *tb_redirect(const char *op, const char *path,
                               char *buf, size_t len, int writes)
{
    const char *sb = tb_sandbox(), *rundir = getenv("TB_RUNDIR");
    int i;

    if (!sb || !path || path[0] != '/')
        return path;
    for (i = 0; tb_host_prefixes[i]; i++) {
        size_t l = strlen(tb_host_prefixes[i]);

        if (!strncmp(path, tb_host_prefixes[i], l) &&
            (path[l] == '/' || path[l] == '\0')) {
            snprintf(buf, len, "%s/root%s", sb, path);
            tb_log("redirects.log", "%s %s -> %s\n", op, path, buf);
            return buf;
        }
    }
    if (writes && rundir && *rundir &&
        strncmp(path, rundir, strlen(rundir)) && strcmp(path, "/dev/null"))
        tb_log("escapes.log", "%s %s\n", op, path);
    return path;
}

static int tb_open_writes(int flags)
{
    return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC));
}

static int tb_mode_writes(const char *mode)
{
    return strpbrk(mode, "wa+") != NULL;
}

/*
 * Whether open's caller passed a mode, decided as glibc does
 * (__OPEN_NEEDS_MODE): O_TMPFILE includes O_DIRECTORY, so `flags &
 * O_TMPFILE` is true for a plain O_DIRECTORY open, which passes none.
 */
static bool tb_open_needs_mode(int flags)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/*
 * The redirect log names the mode read, so that a test can see that one
 * is read exactly when the flags call for it.
 */
static void tb_open_op(char *op, size_t len, int flags, mode_t mode)
{
    if (tb_open_needs_mode(flags))
        snprintf(op, len, "open mode %04o", (unsigned)mode);
    else
        snprintf(op, len, "open");
}

int open(const char *path, int flags, ...)
{
    REAL(int, open, const char *, int, ...);
    char buf[4096], op[32];
    mode_t mode = 0;

    if (tb_open_needs_mode(flags)) {
        va_list ap;

        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    tb_open_op(op, sizeof(op), flags, mode);
    path = tb_redirect(op, path, buf, sizeof(buf), tb_open_writes(flags));
    return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    REAL(int, open64, const char *, int, ...);
    char buf[4096], op[32];
    mode_t mode = 0;

    if (tb_open_needs_mode(flags)) {
        va_list ap;

        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    tb_open_op(op, sizeof(op), flags, mode);
    path = tb_redirect(op, path, buf, sizeof(buf), tb_open_writes(flags));
    return real_open64(path, flags, mode);
}

FILE *fopen(const char *path, const char *mode)
{
    REAL(FILE *, fopen, const char *, const char *);
    char buf[4096];

    path = tb_redirect("fopen", path, buf, sizeof(buf), tb_mode_writes(mode));
    return real_fopen(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    REAL(FILE *, fopen64, const char *, const char *);
    char buf[4096];

    path = tb_redirect("fopen", path, buf, sizeof(buf), tb_mode_writes(mode));
    return real_fopen64(path, mode);
}

int stat(const char *path, struct stat *st)
{
    REAL(int, stat, const char *, struct stat *);
    char buf[4096];

    return real_stat(tb_redirect("stat", path, buf, sizeof(buf), 0), st);
}

int lstat(const char *path, struct stat *st)
{
    REAL(int, lstat, const char *, struct stat *);
    char buf[4096];

    return real_lstat(tb_redirect("lstat", path, buf, sizeof(buf), 0), st);
}

int stat64(const char *path, struct stat64 *st)
{
    REAL(int, stat64, const char *, struct stat64 *);
    char buf[4096];

    return real_stat64(tb_redirect("stat", path, buf, sizeof(buf), 0), st);
}

int lstat64(const char *path, struct stat64 *st)
{
    REAL(int, lstat64, const char *, struct stat64 *);
    char buf[4096];

    return real_lstat64(tb_redirect("lstat", path, buf, sizeof(buf), 0), st);
}

int access(const char *path, int amode)
{
    REAL(int, access, const char *, int);
    char buf[4096];

    return real_access(tb_redirect("access", path, buf, sizeof(buf), 0),
                       amode);
}

/*
 * libxl execs a dom0 backend's hotplug script by the path in its "script"
 * node: a disk that names no script of its own (a tap disk cannot) gets
 * XEN_SCRIPT_DIR/block, under /etc/xen, where a test puts the stand-in
 * (tb_default_hotplug_script).
 */
int execvp(const char *file, char *const argv[])
{
    REAL(int, execvp, const char *, char *const *);
    char buf[4096];

    return real_execvp(tb_redirect("execvp", file, buf, sizeof(buf), 0),
                       argv);
}

int unlink(const char *path)
{
    REAL(int, unlink, const char *);
    char buf[4096];

    return real_unlink(tb_redirect("unlink", path, buf, sizeof(buf), 1));
}

int rename(const char *from, const char *to)
{
    REAL(int, rename, const char *, const char *);
    char b1[4096], b2[4096];

    return real_rename(tb_redirect("rename", from, b1, sizeof(b1), 1),
                       tb_redirect("rename", to, b2, sizeof(b2), 1));
}

int mkdir(const char *path, mode_t mode)
{
    REAL(int, mkdir, const char *, mode_t);
    char buf[4096];

    return real_mkdir(tb_redirect("mkdir", path, buf, sizeof(buf), 1), mode);
}

int rmdir(const char *path)
{
    REAL(int, rmdir, const char *);
    char buf[4096];

    return real_rmdir(tb_redirect("rmdir", path, buf, sizeof(buf), 1));
}

long pathconf(const char *path, int name)
{
    REAL(long, pathconf, const char *, int);
    char buf[4096];

    return real_pathconf(tb_redirect("pathconf", path, buf, sizeof(buf), 0),
                         name);
}

DIR *opendir(const char *path)
{
    REAL(DIR *, opendir, const char *);
    char buf[4096];

    return real_opendir(tb_redirect("opendir", path, buf, sizeof(buf), 0));
}

int glob(const char *pattern, int flags,
         int (*errfunc)(const char *, int), glob_t *g)
{
    REAL(int, glob, const char *, int, int (*)(const char *, int), glob_t *);
    char buf[4096];

    return real_glob(tb_redirect("glob", pattern, buf, sizeof(buf), 0),
                     flags, errfunc, g);
}

int glob64(const char *pattern, int flags,
           int (*errfunc)(const char *, int), glob64_t *g)
{
    REAL(int, glob64, const char *, int, int (*)(const char *, int),
         glob64_t *);
    char buf[4096];

    return real_glob64(tb_redirect("glob", pattern, buf, sizeof(buf), 0),
                       flags, errfunc, g);
}
