/*
 * Fixtures of the XSA-178 testbed.
 *
 * A test case calls tb_start() first: it gets a private sandbox (run dir,
 * the tree's own xenstored on unix sockets, the hypervisor stand-in's
 * domain table) with dom0 declared, and every process it starts is
 * recorded there so that tb_cleanup(), called from the ATF cleanup
 * routine, can stop it even when the body was killed.  Any failure in a
 * fixture ends the test case through ATF_REQUIRE.
 */
#ifndef TB_H
#define TB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <atf-c.h>
#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>

#define TB_XENBUS_INITIALISING 1
#define TB_XENBUS_INITWAIT     2
#define TB_XENBUS_INITIALISED  3
#define TB_XENBUS_CONNECTED    4
#define TB_XENBUS_CLOSING      5
#define TB_XENBUS_CLOSED       6

enum tb_domtype { TB_PV, TB_HVM };

/* A simulated backend (driver domain) or frontend (guest) process. */
struct tb_sim {
    pid_t pid;
    int cmd_fd;         /* we write commands */
    FILE *reply;        /* it answers one line each */
    uint32_t domid;
    bool backend;
};

struct tb {
    char dir[512];          /* the sandbox */
    struct xs_handle *xs;   /* privileged, like a dom0 tool */
    libxl_ctx *ctx;
    xentoollog_logger_stdiostream *logger;
    FILE *logfile;
    struct tb_sim sims[8];
    int nsims;
};

/* Test case boilerplate: a head with a description, a cleanup routine. */
#define TB_TC(name, descr)                                          \
    ATF_TC_WITH_CLEANUP(name);                                      \
    ATF_TC_HEAD(name, tc)                                           \
    {                                                               \
        atf_tc_set_md_var(tc, "descr", descr);                      \
        atf_tc_set_md_var(tc, "timeout", "120");                    \
    }                                                               \
    ATF_TC_CLEANUP(name, tc)                                        \
    {                                                               \
        tb_cleanup(tc);                                             \
    }                                                               \
    ATF_TC_BODY(name, tc)

/* --- sandbox ------------------------------------------------------------ */

/*
 * Sandbox dir of a test case: $TB_RUNDIR/<hash of program and case, and
 * of the config variable "sandbox" when given (atf -v sandbox=TAG)>.
 */
void tb_sandbox_dir(const atf_tc_t *tc, char *buf, size_t len);
/* Start xenstored, declare dom0 (hypervisor and xenstore), open libxl. */
struct tb *tb_start(const atf_tc_t *tc);
/*
 * Set before tb_start: xenstored logs every request to
 * SANDBOX/xenstored.trace (kit fuzz's oracle reads it).  Off by default:
 * the trace costs xenstored a write to a file per request.
 */
extern bool tb_xenstored_trace;
/* Where xenstored's trace ends now: what tb_trace_read_since reads from. */
off_t tb_trace_mark(struct tb *tb);
/*
 * Did a client ask xenstored to read PATH (a READ request) after MARK?
 * Needs tb_xenstored_trace.
 */
bool tb_trace_read_since(struct tb *tb, off_t mark, const char *path);
/* Stop everything tb_start and the sims started; safe to call twice. */
void tb_cleanup(const atf_tc_t *tc);
/* Stop, as tb_cleanup, the processes recorded in a sandbox dir. */
void tb_stop_recorded(const char *dir);
/* Number of live processes whose command line mentions dir. */
int tb_count_procs(const char *dir);
/* Path of a testbed program (tb-sim, tb-hotplug, ...). */
const char *tb_bin(const char *name);

/* --- domains -------------------------------------------------------------- */

/*
 * Declare a domain to the hypervisor stand-in and create its xenstore
 * skeleton the way libxl__domain_make and the domain builder do, plus
 * (LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION) the stored JSON config that
 * libxl updates on device add.
 */
void tb_domain_create(struct tb *tb, uint32_t domid, const char *name,
                      enum tb_domtype type);
/* Is domid in the hypervisor's domain list? */
bool tb_domain_exists(struct tb *tb, uint32_t domid);

/* --- simulated backends and frontends ----------------------------------- */

/* Serve /local/domain/$domid/backend as a real backend would. */
struct tb_sim *tb_backend_start(struct tb *tb, uint32_t domid);
/*
 * The usual fixture: a sandbox, a driver domain "driverdom" when bdom is not
 * 0, a backend serving from bdom, and PV guest 1 "guest1".
 */
struct tb *tb_start_guest(const atf_tc_t *tc, uint32_t bdom);
/* Act as the frontend drivers of guest $domid on /local/domain/$domid/device. */
struct tb_sim *tb_frontend_start(struct tb *tb, uint32_t domid);
/*
 * Send one command, wait for its answer; 0 when the sim did it.
 *   write REL VALUE   rm REL   passive   active   ping
 * REL is relative to the sim's own area (backend or device dir): a sim
 * refuses to touch anything else, as xenstore permissions would.
 */
int tb_sim_cmd(struct tb_sim *sim, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A hostile move of a sim (same commands as tb_sim_cmd), which the sim must
 * make; logged on stderr.  In a control run (TB_ATTACKS=off) it is logged as
 * skipped and not made.
 */
void tb_hostile(struct tb_sim *sim, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* false in a control run (TB_ATTACKS=off). */
bool tb_attacks_on(void);

/*
 * Whether the tree keeps libxl's record under /libxl/$DOMID/device: true on
 * the patched side, false on the base, as the run declares it (TB_SIDE).
 */
bool tb_tree_keeps_record(void);

/*
 * Write CONTENT to REL under the sandbox's stand-in of /sys/bus/usb (where
 * the hypervisor stand-in redirects libxl), making the directories on the
 * way; CONTENT NULL makes REL a directory.
 */
void tb_sys_put(struct tb *tb, const char *rel, const char *content);
/* What REL under that stand-in holds (up to 255 bytes); free() it. */
char *tb_sys_get(struct tb *tb, const char *rel);

/*
 * A host USB device as the kernel shows it under /sys/bus/usb (in the
 * sandbox's stand-in): BUSID ("1-2": bus 1, port 2) at address DEVNUM,
 * class 00 with one interface BUSID:1.0, and usbback's bind and unbind
 * files, made empty when absent and otherwise left as they are.
 */
void tb_usb_stand_in(struct tb *tb, const char *busid, unsigned devnum);

/*
 * A host PCI device BDF ("0000:03:00.0") as the kernel shows it under
 * /sys/bus/pci (in the sandbox's stand-in), bound to pciback, so that
 * libxl finds it assignable: no I/O or memory resource and no interrupt,
 * which is all libxl reads of it for a PV guest; pciback's control files
 * (do_flr, permissive, slots) are made empty when absent.
 */
void tb_pci_stand_in(struct tb *tb, const char *bdf);

/* --- device configuration ---------------------------------------------- */

enum tb_disk_kind { TB_DISK_RO, TB_DISK_RW, TB_DISK_CDROM };

/*
 * A vbd of the phy backend, raw format: VDEV on PDEV served by domain BDOM,
 * read-only, read-write or a cdrom (read-only and removable).  The hotplug
 * script stand-in is given only when dom0 serves it: libxl runs a disk's
 * script itself only for a backend in the toolstack domain, and the tests
 * that serve disks from a driver domain leave it out.  Dispose with
 * libxl_device_disk_dispose.
 */
void tb_disk_config(libxl_device_disk *d, uint32_t bdom, const char *vdev,
                    const char *pdev, enum tb_disk_kind kind);

/*
 * A cdrom VDEV on qemu's qdisk backend in dom0: MEDIA as a raw image, or
 * no media (format empty) when MEDIA is NULL.  Dispose with
 * libxl_device_disk_dispose.
 */
void tb_qdisk_cdrom_config(libxl_device_disk *d, const char *vdev,
                           const char *media);

/*
 * DOMID's device model runs, as libxl records once it spawned it: 4.7
 * refuses a qdisk disk without it.  Nothing in the testbed stops it.
 */
void tb_device_model_running(struct tb *tb, uint32_t domid);

/* --- xenstore ----------------------------------------------------------- */

/* Read a node (malloc'd, caller frees) or NULL. */
char *tb_xs_read(struct tb *tb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool tb_xs_exists(struct tb *tb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tb_xs_write(struct tb *tb, const char *path, const char *value);
/* Wait until path reads value (NULL: until it is gone); false on timeout. */
bool tb_xs_wait(struct tb *tb, const char *path, const char *value,
                int timeout_ms);
/* Require that path reads exactly value (NULL: does not exist). */
#define TB_REQUIRE_XS(tb, value, ...)                                      \
    do {                                                                    \
        char *tb_v_ = tb_xs_read((tb), __VA_ARGS__);                        \
        const char *tb_e_ = (value);                                        \
        if (tb_e_ == NULL)                                                  \
            ATF_REQUIRE_MSG(tb_v_ == NULL, "unexpected node = %s", tb_v_);  \
        else                                                                \
            ATF_REQUIRE_MSG(tb_v_ && !strcmp(tb_v_, tb_e_),                 \
                            "node is %s, expected %s",                      \
                            tb_v_ ? tb_v_ : "(absent)", tb_e_);             \
        free(tb_v_);                                                        \
    } while (0)

/* Path of the hotplug script stand-in, for disk->script and nic->script. */
const char *tb_hotplug_script(void);
/*
 * Make the hotplug script stand-in libxl's default script NAME ("block"),
 * which libxl runs from /etc/xen/scripts (the sandbox's, by the redirect)
 * for a disk that names no script of its own, as a tap disk cannot.
 */
void tb_default_hotplug_script(struct tb *tb, const char *name);
/* Lines of $sandbox/hotplug.log: "<action> <XENBUS_PATH>"; count matches. */
int tb_hotplug_count(struct tb *tb, const char *action, const char *be_path);
/* Lines of the stand-in's escapes log (writes outside the run dir). */
int tb_escapes(struct tb *tb);

/* --- libxl events ------------------------------------------------------- */

/*
 * Run CTX's event loop (libxl's osevent hooks, as an application's own
 * loop does) until an event comes or TIMEOUT_MS pass; the event or NULL.
 * Free it with libxl_event_free.
 */
libxl_event *tb_next_event(libxl_ctx *ctx, int timeout_ms);

#endif
