/*
 * tb_fuzz: a guest and a driver domain that attack at random, against
 * libxl's readers of device configuration (issue 14, scripts/kit-fuzz).
 *
 * One ATF-C case, "fuzz", run directly by kit fuzz (not by kyua), with
 * its parameters as config variables:
 *   -v seed=N -v seconds=S -v iterations=N -v mutations=N
 *   -v findings=DIR -v summary=FILE
 *   -v replay=FILE        re-run a saved finding instead of fuzzing
 *
 * The world is tb_world_start's: guest 1 with disks, a cdrom, nics, a
 * vtpm, its console, channels (4.5+) and usb controllers (4.7) served by
 * dom0 and by driver domain 2, HVM guest 4 with a qdisk cdrom in dom0, and
 * the victim guest 3 with its own devices in dom0.  Once the devices are up every sim is made
 * passive (only the fuzzer moves), the directories the attackers own and
 * libxl's /libxl are snapshotted, and libxl's context is freed, so that
 * this process has no thread when it forks.
 *
 * Each step: 1 to 4 hostile moves by the guest (its frontend dirs), the
 * driver domain or dom0's backend (the guest's backend dirs), one step in
 * four another one racing the reader (made while it runs), then one
 * libxl reader, or now and then an operation (a disk, nic, vtpm or usb
 * controller looked up as xl does, then destroyed or removed; a nic, disk
 * or usb controller add; cdrom insert; the guest's eject request and
 * libxl's event), run in a forked child with its own libxl context so that
 * a crash or sanitizer report is caught and the fuzzing goes on.
 * An episode is a few steps from the snapshot; the nodes it touched are
 * put back after it (every node, and libxl's stored domain configurations,
 * after libxl itself wrote).
 *
 * Oracle, after every reader:
 *   crash     the child died (signal, ASan/UBSan abort, hang > 5 s)
 *   leak      a value libxl returned carries a canary: every hostile
 *             string contains CANARY, hostile numbers are 7xxxx, hostile
 *             macs 00:16:3e:7a:7b:xx, hostile uuids c0ffee00-..., the
 *             victim's strings contain VICTIM, and a returned path that
 *             an attacker wrote (another guest's or dom0's dirs) counts;
 *             runtime fields (state, event channel, ring refs) are the
 *             guest's by design and are not checked
 *   record    libxl changed /libxl where the op may not: a reader
 *             anywhere, a destroy outside the record of its own device
 *   other-device  libxl changed a xenstore node outside the op's own
 *             device (its frontend, its configured backend), or ran a
 *             hotplug script for another backend
 *             (both from xenstored's trace and the hotplug log: while the
 *             child runs nobody else writes, the sims being passive)
 *   escape    the stand-in logged a write outside the run dir
 * A finding is keyed by reader and kind; the first of each key is
 * minimized (every op that is not needed to reproduce it is dropped, one
 * at a time, until none can be: a 1-minimal op log) and saved as
 * DIR/finding-N.txt, which -v replay= re-runs.
 */
#define _GNU_SOURCE
/*
 * Consoles and channels are added only by libxl__device_console_add, as
 * domain creation does: kit fuzz links the static libxenlight, and this
 * file is built as libxl is (the tree's config.h, the tools' defines), like
 * the testbed's STATIC_TESTS.  A public function called from here is not
 * libxl calling itself: libxl_internal.h's warning about that does not
 * apply.
 */
#define __XEN_TOOLS__ 1
#define _LARGEFILE_SOURCE 1
#define _LARGEFILE64_SOURCE 1
#include "../config.h"      /* tools/config.h, through tools/libxl */
#pragma GCC diagnostic ignored "-Wattribute-warning"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "libxl_osdeps.h"
#include "libxl_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tb-sec.h"
#include "tb-waits.h"

#define GUEST   TB_GUEST
#define DRVDOM  TB_DRVDOM
#define VICTIM  TB_VICTIM
#define CANARY  "QZX"
#define XVDA    51712
#define XVDB    51728
#define XVDC    51744
#define XVDD    51760   /* the disk R_DISK_ADD adds */
#define HVMG    4       /* an HVM guest: cdrom-insert refuses PV guests */
#define HDC     5632    /* its qdisk cdrom, served by dom0 */
#define GUEST_UUID  "2b9b4d53-17c9-4b8e-9a53-6d0c0a1e5f01"
#define VICTIM_UUID "7c1f0e2a-66a6-4c3b-8d5e-0f3a9b2c4d03"
#define HUGE_LEN 3000
/* the usb device passed through to the guest: host 1-1 (bus 1, address
 * 4) on port 1 of controller 0 */
#define USB_BUSID   "1-1"
#define USB_BUS     1
#define USB_ADDR    4
#define USB_CTRL    0
#define USB_PORT    1
#define USB_OTHER   "1-2"   /* a host device that is not the guest's */
#define USB_OTHER_ADDR 5

static const libxl_mac guest_mac0 = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x00 };
static const libxl_mac guest_mac1 = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x01 };
static const libxl_mac victim_mac = { 0x00, 0x16, 0x3e, 0x66, 0x66, 0x03 };

/* --- the readers ---------------------------------------------------------- */

enum reader {
    R_DISK_LIST, R_DISK_GETINFO, R_VDEV_TO_DISK,
    R_NIC_LIST, R_NIC_GETINFO, R_DEVID_TO_NIC,
    R_VTPM_LIST, R_VTPM_GETINFO, R_DEVID_TO_VTPM, R_UUID_TO_VTPM,
#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
    R_RETRIEVE_CONFIG,
#endif
#ifdef LIBXL_HAVE_PVUSB
    R_USBCTRL_LIST, R_USBCTRL_GETINFO, R_DEVID_TO_USBCTRL, R_USBDEV_LIST,
    R_CTRLPORT_TO_USBDEV,
#endif
    R_CONSOLE_GET_TTY, R_PRIMARY_CONSOLE_GET_TTY,
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    R_CHANNEL_LIST, R_CHANNEL_GETINFO,
#endif
    /* operations: looked up as xl does, then destroyed or removed */
    R_DISK_DESTROY, R_NIC_DESTROY, R_VTPM_DESTROY,
    R_DISK_REMOVE, R_NIC_REMOVE, R_VTPM_REMOVE,
    /* a nic added with devid -1: libxl__device_nextid picks its devid */
    R_NIC_ADD,
    /* a new disk, xvdd, served by dom0 or the driver domain (ARG) */
    R_DISK_ADD,
    /* new media in the HVM guest's qdisk cdrom */
    R_CDROM_INSERT,
    /* the guest asks to eject its cdrom: the event libxl raises */
    R_DISK_EJECT,
#ifdef LIBXL_HAVE_PVUSB
    /* a controller looked up by devid, then destroyed or removed */
    R_USBCTRL_DESTROY, R_USBCTRL_REMOVE,
    /* a usb device looked up by controller:port, then removed */
    R_USBDEV_REMOVE,
    /* a controller added with devid -1, served by dom0 or the driver
     * domain (ARG) */
    R_USBCTRL_ADD,
#endif
    R_COUNT
};
#define R_FIRST_OP R_DISK_DESTROY

static const char *const reader_name[] = {
    "libxl_device_disk_list", "libxl_device_disk_getinfo",
    "libxl_vdev_to_device_disk",
    "libxl_device_nic_list", "libxl_device_nic_getinfo",
    "libxl_devid_to_device_nic",
    "libxl_device_vtpm_list", "libxl_device_vtpm_getinfo",
    "libxl_devid_to_device_vtpm", "libxl_uuid_to_device_vtpm",
#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
    "libxl_retrieve_domain_configuration",
#endif
#ifdef LIBXL_HAVE_PVUSB
    "libxl_device_usbctrl_list", "libxl_device_usbctrl_getinfo",
    "libxl_devid_to_device_usbctrl", "libxl_device_usbdev_list",
    "libxl_ctrlport_to_device_usbdev",
#endif
    "libxl_console_get_tty", "libxl_primary_console_get_tty",
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    "libxl_device_channel_list", "libxl_device_channel_getinfo",
#endif
    "libxl_device_disk_destroy", "libxl_device_nic_destroy",
    "libxl_device_vtpm_destroy",
    "libxl_device_disk_remove", "libxl_device_nic_remove",
    "libxl_device_vtpm_remove",
    "libxl_device_nic_add",
    "libxl_device_disk_add",
    "libxl_cdrom_insert",
    "libxl_evenable_disk_eject",
#ifdef LIBXL_HAVE_PVUSB
    "libxl_device_usbctrl_destroy", "libxl_device_usbctrl_remove",
    "libxl_device_usbdev_remove",
    "libxl_device_usbctrl_add",
#endif
};

/* --- the op log ----------------------------------------------------------- */

/*
 * w SIM REL HEXVALUE   a hostile write (value hex-encoded: any bytes)
 * r SIM REL            a hostile deletion
 * W ..., R ...         the same, made while the next reader runs, a few
 *                      ms after it started (a replay may time it otherwise)
 * c READER ARG         a libxl reader (ARG: vdev or devid, "-" for none)
 * SIM: g the guest's frontends, d the driver domain's backends, 0 dom0's.
 */
struct op {
    char verb, sim;
    bool race;          /* w, r: made while the next reader runs */
    char rel[128];
    char *val;          /* w: the value (NUL-free) */
    int reader;         /* c */
    char arg[16];       /* c */
};

#define MAX_OPS 256
static struct op ep_ops[MAX_OPS];
static int ep_n;

struct fuzz {
    struct tb_world w;
    struct tb_sim *sim_g, *sim_d, *sim_0;
    const char *findings;
    const char *side;
    char release[16];
    uint64_t seed;
    unsigned long steps, mutations, nfindings, occurrences;
    char keys[64][160];     /* reader and kind of each finding saved */
    int nkeys;
};

static struct fuzz F;

/* Values written this episode: a path libxl returns must not be one. */
static char *hostile_paths[MAX_OPS];
static int n_hostile_paths;

/* --- prng: xorshift64*, the seed is the whole of a run's randomness ------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static unsigned rndn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* --- xenstore snapshots --------------------------------------------------- */

struct node {
    char *path, *val;
    unsigned vlen, nperms;
    struct xs_permissions *perms;
    /*
     * Its permissions are its parent's: xenstored gives a node dom0
     * creates its parent's permissions, so a restore that re-creates it
     * below its restored parent needs no set-permissions request.
     */
    bool inherits;
};

struct snap {
    struct node *n;
    int len, cap;
};

static void snap_walk(struct xs_handle *xs, struct snap *s, const char *path,
                      int parent)
{
    unsigned int vlen, np, i;
    char *v = xs_read(xs, XBT_NULL, path, &vlen);
    char **ents;
    struct node *nd;

    if (!v)
        return;
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->n = realloc(s->n, s->cap * sizeof(*s->n));
        ATF_REQUIRE(s->n);
    }
    nd = &s->n[s->len++];
    nd->path = strdup(path);
    nd->val = v;
    nd->vlen = vlen;
    nd->perms = xs_get_permissions(xs, XBT_NULL, path, &nd->nperms);
    nd->inherits = parent >= 0 && nd->perms && s->n[parent].perms &&
                   nd->nperms == s->n[parent].nperms &&
                   !memcmp(nd->perms, s->n[parent].perms,
                           nd->nperms * sizeof(*nd->perms));
    parent = (int)(nd - s->n);
    ents = xs_directory(xs, XBT_NULL, path, &np);
    for (i = 0; ents && i < np; i++) {
        char child[1024];

        snprintf(child, sizeof(child), "%s/%s", path, ents[i]);
        snap_walk(xs, s, child, parent);
    }
    free(ents);
}

/* What the attackers may change, and libxl's record. */
static const char *const snap_roots[] = {
    "/local/domain/1/device", "/local/domain/1/console",
    "/local/domain/2/backend",
    "/local/domain/0/backend", "/local/domain/4/device", "/libxl", NULL
};
static struct snap world_snap;

static double now_s(void);
static double t_restore, t_child, t_record, t_mut;

/* below: its parent was re-created by this restore too */
static void restore_node(struct xs_handle *xs, const struct node *nd,
                         bool below)
{
    ATF_REQUIRE_MSG(xs_write(xs, XBT_NULL, nd->path, nd->val, nd->vlen),
                    "restore %s: %s", nd->path, strerror(errno));
    if (nd->perms && !(below && nd->inherits))
        ATF_REQUIRE(xs_set_permissions(xs, XBT_NULL, nd->path, nd->perms,
                                       nd->nperms));
}

static void restore_node_value(struct xs_handle *xs, const struct node *nd)
{
    ATF_REQUIRE_MSG(xs_write(xs, XBT_NULL, nd->path, nd->val, nd->vlen),
                    "restore %s: %s", nd->path, strerror(errno));
}

/* Put path and everything under it back as the snapshot has it. */
static void restore_subtree(struct xs_handle *xs, const char *path)
{
    size_t len = strlen(path);
    int i;

    xs_rm(xs, XBT_NULL, path);
    for (i = 0; i < world_snap.len; i++) {
        const char *p = world_snap.n[i].path;

        if (!strncmp(p, path, len) && (p[len] == '\0' || p[len] == '/'))
            restore_node(xs, &world_snap.n[i], p[len] == '/');
    }
}

/*
 * The paths the hostile moves of this episode touched; a full restore when
 * something else (libxl itself) may have written.
 */
static char *touched[MAX_OPS + 1];
/* for a write over a leaf the snapshot has: its index there, else -1 */
static int touched_leaf[MAX_OPS + 1];
static int n_touched;
static bool dirty_all = true, userdata_dirty;

/* libxl's stored domain configurations (userdata files): an op updates them. */
struct ufile {
    char path[1024];
    char *data;
    size_t len;
};
static struct ufile ufiles[8];
static int n_ufiles;

static void userdata_save(void)
{
    char dir[1024];
    DIR *d;
    struct dirent *e;

    snprintf(dir, sizeof(dir), "%s/root/var/lib/xen", F.w.tb->dir);
    d = opendir(dir);
    ATF_REQUIRE(d);
    while ((e = readdir(d)) && n_ufiles < 8) {
        struct ufile *u = &ufiles[n_ufiles];
        FILE *f;

        if (strncmp(e->d_name, "userdata-", 9))
            continue;
        snprintf(u->path, sizeof(u->path), "%s/%s", dir, e->d_name);
        f = fopen(u->path, "r");
        ATF_REQUIRE(f);
        u->data = malloc(1 << 16);
        ATF_REQUIRE(u->data);
        u->len = fread(u->data, 1, 1 << 16, f);
        fclose(f);
        n_ufiles++;
    }
    closedir(d);
}

static void userdata_restore(void)
{
    int i;

    for (i = 0; i < n_ufiles; i++) {
        FILE *f = fopen(ufiles[i].path, "w");

        ATF_REQUIRE(f);
        fwrite(ufiles[i].data, 1, ufiles[i].len, f);
        ATF_REQUIRE_EQ(0, fclose(f));
    }
}

static bool under(const char *path, const char *dir);

static void touch_as(const char *path, int leaf)
{
    if (n_touched < MAX_OPS) {
        touched_leaf[n_touched] = leaf;
        touched[n_touched++] = strdup(path);
    } else {
        dirty_all = true;
    }
}

static void touch(const char *path)
{
    touch_as(path, -1);
}

/*
 * A write over a node the snapshot has with nothing below it: putting it
 * back is one write of the old value (a write keeps an existing node's
 * permissions; whatever removed or re-created the node in between was
 * touched too, and is restored as a subtree).
 */
static void touch_write(const char *path)
{
    size_t len = strlen(path);
    int i, leaf = -1;

    for (i = 0; i < world_snap.len; i++) {
        const char *p = world_snap.n[i].path;

        if (!strcmp(p, path))
            leaf = i;
        else if (!strncmp(p, path, len) && p[len] == '/')
            break;
    }
    touch_as(path, i < world_snap.len ? -1 : leaf);
}

/*
 * Restoring touched[i] is redundant when a later touch (restored before it,
 * restores go newest first) put back the same leaf, or a subtree that holds
 * it: every restore writes the snapshot's values.
 */
static bool restored_later(int i)
{
    int j;

    for (j = i + 1; j < n_touched; j++) {
        if (touched_leaf[j] < 0 && under(touched[i], touched[j]))
            return true;
        if (touched_leaf[j] >= 0 && touched_leaf[i] >= 0 &&
            !strcmp(touched[i], touched[j]))
            return true;
    }
    return false;
}

static void world_restore(void)
{
    struct xs_handle *xs = F.w.tb->xs;
    int i;
    double t = now_s();

    if (dirty_all) {
        for (i = 0; snap_roots[i]; i++)
            xs_rm(xs, XBT_NULL, snap_roots[i]);
        for (i = 0; i < world_snap.len; i++)
            restore_node(xs, &world_snap.n[i], true);
        userdata_restore();
    } else {
        for (i = n_touched - 1; i >= 0; i--) {
            if (restored_later(i))
                continue;
            if (touched_leaf[i] >= 0)
                restore_node_value(xs, &world_snap.n[touched_leaf[i]]);
            else
                restore_subtree(xs, touched[i]);
        }
        if (userdata_dirty)
            userdata_restore();
    }
    for (i = 0; i < n_touched; i++)
        free(touched[i]);
    n_touched = 0;
    dirty_all = userdata_dirty = false;
    t_restore += now_s() - t;
}

/* --- the world ------------------------------------------------------------ */

static void add_disk(struct tb *tb, uint32_t domid, uint32_t bdom,
                     const char *vdev, const char *pdev, bool cdrom)
{
    libxl_device_disk d;

    tb_disk_config(&d, bdom, vdev, pdev, cdrom ? TB_DISK_CDROM : TB_DISK_RW);
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, domid, &d, NULL));
    libxl_device_disk_dispose(&d);
}

static void add_nic(struct tb *tb, uint32_t domid, uint32_t bdom, int devid,
                    const libxl_mac mac, const char *bridge)
{
    libxl_device_nic n;

    libxl_device_nic_init(&n);
    n.backend_domid = bdom;
    n.devid = devid;
    memcpy(n.mac, mac, sizeof(libxl_mac));
    n.bridge = strdup(bridge);
    n.script = strdup(tb_hotplug_script());
    n.nictype = LIBXL_NIC_TYPE_VIF;
    ATF_REQUIRE_EQ(0, libxl_device_nic_add(tb->ctx, domid, &n, NULL));
    libxl_device_nic_dispose(&n);
}

static void add_vtpm(struct tb *tb, uint32_t domid, uint32_t bdom,
                     const char *uuid)
{
    libxl_device_vtpm v;

    libxl_device_vtpm_init(&v);
    v.backend_domid = bdom;
    v.devid = 0;
    ATF_REQUIRE_EQ(0, libxl_uuid_from_string(&v.uuid, uuid));
    ATF_REQUIRE_EQ(0, libxl_device_vtpm_add(tb->ctx, domid, &v, NULL));
    libxl_device_vtpm_dispose(&v);
}

#ifdef LIBXL_HAVE_PVUSB
/* A PV USB controller, as vusb_test adds it. */
static void add_usbctrl(struct tb *tb, int devid, uint32_t bdom)
{
    libxl_device_usbctrl c;

    libxl_device_usbctrl_init(&c);
    c.type = LIBXL_USBCTRL_TYPE_PV;
    c.devid = devid;
    c.version = 2;
    c.ports = 4;
    c.backend_domid = bdom;
    ATF_REQUIRE_EQ(0, libxl_device_usbctrl_add(tb->ctx, GUEST, &c, NULL));
    libxl_device_usbctrl_dispose(&c);
}

/* The host's usb device on the dom0 controller, as xl usbdev-attach does. */
static void add_usbdev(struct tb *tb)
{
    libxl_device_usbdev u;

    tb_usb_stand_in(tb, USB_BUSID, USB_ADDR);
    tb_usb_stand_in(tb, USB_OTHER, USB_OTHER_ADDR);
    libxl_device_usbdev_init(&u);
    u.ctrl = USB_CTRL;
    u.port = USB_PORT;
    u.type = LIBXL_USBDEV_TYPE_HOSTDEV;
    u.u.hostdev.hostbus = USB_BUS;
    u.u.hostdev.hostaddr = USB_ADDR;
    ATF_REQUIRE_EQ(0, libxl_device_usbdev_add(tb->ctx, GUEST, &u, NULL));
    libxl_device_usbdev_dispose(&u);
}
#endif

/*
 * The guest's primary console served by dom0 and, where the release has
 * them, channel 1 (pty) in dom0 and channel 2 (socket) in the driver
 * domain, as domain creation adds them (console_test, channel_test).
 */
static void add_console(libxl__gc *gc, libxl__device_console *console,
                        libxl__domain_build_state *state)
{
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    libxl__device device;

    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, console, state,
                                                &device));
#else
    ATF_REQUIRE_EQ(0, libxl__device_console_add(gc, GUEST, console, state));
#endif
}

static void add_consoles(struct tb *tb)
{
    libxl__domain_build_state state;
    libxl__device_console console;
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    int i;
#endif
    GC_INIT(tb->ctx);

    memset(&state, 0, sizeof(state));
    state.console_port = 7;
    state.console_mfn = 0x1234;
    state.console_domid = 0;
    libxl__device_console_init(&console);
    console.devid = 0;
    console.consback = LIBXL__CONSOLE_BACKEND_XENCONSOLED;
    console.output = libxl__strdup(NOGC, "pty");
    console.backend_domid = 0;
    add_console(gc, &console, &state);
    libxl__device_console_dispose(&console);
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    for (i = 1; i <= 2; i++) {
        libxl_device_channel ch;

        libxl_device_channel_init(&ch);
        ch.backend_domid = i == 1 ? 0 : DRVDOM;
        ch.devid = i - 1;
        ch.name = libxl__strdup(NOGC, i == 1 ? "org.example.log"
                                             : "org.example.agent");
        ch.connection = i == 1 ? LIBXL_CHANNEL_CONNECTION_PTY
                               : LIBXL_CHANNEL_CONNECTION_SOCKET;
        if (i == 2)
            ch.u.socket.path = libxl__strdup(NOGC, "/run/tb/agent.sock");
        ATF_REQUIRE_EQ(0, libxl__init_console_from_channel(gc, &console, i,
                                                           &ch));
        add_console(gc, &console, NULL);
        libxl__device_console_dispose(&console);
        libxl_device_channel_dispose(&ch);
    }
#endif
    GC_FREE;
}

/*
 * HVM guest 4 and its cdrom hdc on qemu's qdisk backend in dom0, as
 * sec_cdrom_insert_test sets them up: the traditional device model (no
 * dm-version node), so that a media change is the xenstore write alone.
 */
static void add_hvm_cdrom(struct tb *tb)
{
    libxl_device_disk d;

    tb_domain_create(tb, HVMG, "hvmguest", TB_HVM);
    tb_device_model_running(tb, HVMG);
    tb_qdisk_cdrom_config(&d, "hdc", "/srv/tb/install.iso");
    ATF_REQUIRE_EQ(0, libxl_device_disk_add(tb->ctx, HVMG, &d, NULL));
    libxl_device_disk_dispose(&d);
}

/* The guest's devices: KIND/DEVID, and who serves each. */
static const struct dev {
    const char *kind;
    unsigned devid;
    uint32_t bdom;
} devs[] = {
    { "vbd", XVDA, DRVDOM }, { "vbd", XVDB, 0 }, { "vbd", XVDC, DRVDOM },
    { "vif", 0, 0 }, { "vif", 1, DRVDOM }, { "vtpm", 0, DRVDOM },
#ifdef LIBXL_HAVE_PVUSB
    { "vusb", 0, 0 }, { "vusb", 1, DRVDOM },
#endif
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    /* channels: consoles 1 (pty, dom0) and 2 (socket, the driver domain) */
    { "console", 1, 0 }, { "console", 2, DRVDOM },
#endif
};
#define NDEVS (sizeof(devs) / sizeof(devs[0]))

/*
 * The devid a device of KIND added with devid -1 must get: the one after
 * the guest's highest (the guest may hide its own frontend entries, and
 * cannot add any, so nothing it does may change it); any other is a
 * device that is not the new one.
 */
static unsigned new_devid(const char *kind)
{
    unsigned i, next = 0;

    for (i = 0; i < NDEVS; i++)
        if (!strcmp(devs[i].kind, kind) && devs[i].devid >= next)
            next = devs[i].devid + 1;
    return next;
}

/*
 * Every frontend has seen its backend wait and answered (3 or 4); then,
 * with the sims passive, every state is set to 4, Connected: the same
 * snapshot in every run, however far the sims had come.
 */
static bool fe_ready(struct tb *tb, const char *p)
{
    int i;

    for (i = 0; i < 1000; i++) {
        char *v = tb_xs_read(tb, "%s", p);
        bool ok = v && (!strcmp(v, "3") || !strcmp(v, "4"));

        free(v);
        if (ok)
            return true;
        usleep(10000);
    }
    return false;
}

static void wait_connected(struct tb *tb, bool settle)
{
    unsigned i;
    char p[256];

    for (i = 0; i < NDEVS; i++) {
        snprintf(p, sizeof(p), "/local/domain/%u/device/%s/%u/state", GUEST,
                 devs[i].kind, devs[i].devid);
        if (!settle) {
            ATF_REQUIRE_MSG(fe_ready(tb, p), "%s never 3 or 4", p);
            continue;
        }
        tb_xs_write(tb, p, "4");
        snprintf(p, sizeof(p), "/local/domain/%u/backend/%s/%u/%u/state",
                 devs[i].bdom, devs[i].kind, GUEST, devs[i].devid);
        tb_xs_write(tb, p, "4");
    }
}

static void world_start(const atf_tc_t *tc)
{
    struct tb *tb;

    tb_xenstored_trace = true;
    F.w = tb_world_start(tc, DRVDOM);
    tb = F.w.tb;
    F.sim_g = F.w.guest;
    F.sim_d = F.w.drvdom;
    F.sim_0 = F.w.dom0;
    add_disk(tb, VICTIM, 0, "xvda", "/dev/tb/VICTIM-root", false);
    add_nic(tb, VICTIM, 0, 0, victim_mac, "xenbr-VICTIM");
    add_vtpm(tb, VICTIM, 0, VICTIM_UUID);
    add_disk(tb, GUEST, DRVDOM, "xvda", "/dev/tb/guest1-root", false);
    add_disk(tb, GUEST, 0, "xvdb", "/dev/tb/guest1-data", false);
    add_disk(tb, GUEST, DRVDOM, "xvdc", "/srv/tb/install.iso", true);
    add_nic(tb, GUEST, 0, 0, guest_mac0, "xenbr-tb0");
    add_nic(tb, GUEST, DRVDOM, 1, guest_mac1, "xenbr-tb1");
    add_vtpm(tb, GUEST, DRVDOM, GUEST_UUID);
#ifdef LIBXL_HAVE_PVUSB
    add_usbctrl(tb, USB_CTRL, 0);
    add_usbctrl(tb, 1, DRVDOM);
    add_usbdev(tb);
#endif
    add_hvm_cdrom(tb);
    add_consoles(tb);
    wait_connected(tb, false);
    /* from now on only the fuzzer moves: a replay is deterministic */
    ATF_REQUIRE_EQ(0, tb_sim_cmd(F.sim_g, "passive"));
    ATF_REQUIRE_EQ(0, tb_sim_cmd(F.sim_d, "passive"));
    ATF_REQUIRE_EQ(0, tb_sim_cmd(F.sim_0, "passive"));
    wait_connected(tb, true);
    /* no thread of libxenstore's may be running when this process forks */
    libxl_ctx_free(tb->ctx);
    tb->ctx = NULL;
    {
        int i;

        for (i = 0; snap_roots[i]; i++)
            snap_walk(tb->xs, &world_snap, snap_roots[i], -1);
        userdata_save();
    }
}

/* --- hostile moves ------------------------------------------------------ */

/* The dirs each attacker owns, relative to its area. */
static const char *const dirs_g[] = {
    "vbd/51712", "vbd/51728", "vbd/51744", "vif/0", "vif/1", "vtpm/0",
#ifdef LIBXL_HAVE_PVUSB
    "vusb/0", "vusb/1",
#endif
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    "console/1", "console/2",
#endif
    NULL
};
static const char *const dirs_d[] = {
    "vbd/1/51712", "vbd/1/51744", "vif/1/1", "vtpm/1/0",
#ifdef LIBXL_HAVE_PVUSB
    "vusb/1/1",
#endif
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    "console/1/2",
#endif
    NULL
};
/* dom0 also serves the HVM guest's cdrom (qemu's qdisk backend) */
static const char *const dirs_0[] = {
    "vbd/1/51728", "vif/1/0", "qdisk/4/5632", "console/1/0",
#ifdef LIBXL_HAVE_PVUSB
    "vusb/1/0",
#endif
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    "console/1/1",
#endif
    NULL
};
/*
 * The guest's primary console is not under device/ but its own console
 * dir, outside the frontend sim's area: the fuzzer writes there for the
 * guest (sim 'c'), which owns that dir.
 */
static const char *const dirs_c[] = { "console", NULL };

static struct tb_sim *sim_of(char s)
{
    return s == 'g' ? F.sim_g : s == 'd' ? F.sim_d : F.sim_0;
}

static const char *area_of(char s)
{
    return s == 'g' ? "/local/domain/1/device"
         : s == 'c' ? "/local/domain/1"
         : s == 'd' ? "/local/domain/2/backend" : "/local/domain/0/backend";
}

/* A key of dir: one the snapshot has there, or one libxl might look for. */
static void pick_key(char sim, const char *dir, char *key, size_t len)
{
    static const char *const extra[] = {
        "backend", "backend-id", "frontend", "frontend-id", "state",
        "params", "mode", "type", "dev", "device-type", "removable",
        "mac", "bridge", "ip", "script", "handle", "uuid", "online",
        "physical-device", "vifname", "model", "nat", "gatewaydev",
    };
    char full[256];
    size_t fl;
    int i, cand[64], nc = 0;

#ifdef LIBXL_HAVE_PVUSB
    /* a controller's ports, where the backend names the host devices */
    if (!strncmp(dir, "vusb/", 5) && !rndn(3)) {
        snprintf(key, len, "port/%u", 1 + rndn(2));
        return;
    }
#endif
    snprintf(full, sizeof(full), "%s/%s/", area_of(sim), dir);
    fl = strlen(full);
    for (i = 0; i < world_snap.len && nc < 64; i++) {
        const char *p = world_snap.n[i].path;

        if (!strncmp(p, full, fl) && !strchr(p + fl, '/'))
            cand[nc++] = i;
    }
    if (nc && rndn(4))
        snprintf(key, len, "%s", world_snap.n[cand[rndn(nc)]].path + fl);
    else
        snprintf(key, len, "%s", extra[rndn(sizeof(extra) / sizeof(extra[0]))]);
}

static unsigned canary_no;

/* A hostile value for key; every one that can carry a canary does. */
static char *hostile_value(char sim, const char *dir, const char *key)
{
    char buf[HUGE_LEN + 64], kind[8];
    unsigned devid, c = 70000 + (canary_no++ % 10000);
    bool path = !strcmp(key, "backend") || !strcmp(key, "frontend");
    bool num = strstr(key, "-id") || !strcmp(key, "state") ||
               !strcmp(key, "handle") || !strcmp(key, "online") ||
               !strcmp(key, "removable") || !strcmp(key, "virtual-device");

    sscanf(dir, "%7[a-z]", kind);
    /* "console", the primary console's dir, has no devid: 0 */
    devid = strchr(dir, '/') ? (unsigned)strtoul(strrchr(dir, '/') + 1, NULL, 10)
                             : 0;
    if (path && rndn(4)) {
        switch (rndn(6)) {
        case 0: /* the victim's backend */
            snprintf(buf, sizeof(buf), "/local/domain/0/backend/%s/%u/%u",
                     kind, VICTIM, !strcmp(kind, "vbd") ? XVDA : 0);
            break;
        case 1: /* the victim's frontend */
            snprintf(buf, sizeof(buf), "/local/domain/%u/device/%s/%u",
                     VICTIM, kind, !strcmp(kind, "vbd") ? XVDA : 0);
            break;
        case 2: /* the victim's record */
            snprintf(buf, sizeof(buf), "/libxl/%u/device/%s/%u",
                     VICTIM, kind, !strcmp(kind, "vbd") ? XVDA : 0);
            break;
        case 3: /* dom0's own dirs */
            snprintf(buf, sizeof(buf), "/local/domain/0");
            break;
        case 4: { /* another device of the same guest */
            unsigned i, other = 0, obdom = 0;

            for (i = 0; i < NDEVS; i++)
                if (!strcmp(devs[i].kind, kind) && devs[i].devid != devid) {
                    other = devs[i].devid;
                    obdom = devs[i].bdom;
                }
            if (sim == 'g')
                snprintf(buf, sizeof(buf), "/local/domain/%u/backend/%s/%u/%u",
                         obdom, kind, GUEST, other);
            else
                snprintf(buf, sizeof(buf), "/local/domain/%u/device/%s/%u",
                         GUEST, kind, other);
            break;
        }
        default:
            snprintf(buf, sizeof(buf), "/local/domain/0/backend/%s/%u/" CANARY
                     "%u", kind, GUEST, c);
        }
        return strdup(buf);
    }
#ifdef LIBXL_HAVE_PVUSB
    /* a host device at a port: the guest's own elsewhere, or one of dom0's
     * that the guest was never given (USB_OTHER) */
    if (!strncmp(key, "port/", 5) && rndn(2))
        return strdup(rndn(2) ? USB_OTHER : USB_BUSID);
#endif
    if (!strcmp(key, "mac") && rndn(3)) {
        if (rndn(2))
            return strdup("00:16:3e:66:66:03");
        snprintf(buf, sizeof(buf), "00:16:3e:7a:7b:%02x", c & 0xff);
        return strdup(buf);
    }
    if (!strcmp(key, "uuid") && rndn(3)) {
        if (rndn(2))
            return strdup(VICTIM_UUID);
        snprintf(buf, sizeof(buf), "c0ffee00-0000-4000-8000-%012u", c);
        return strdup(buf);
    }
    if (num && rndn(3)) {
        static const char *const odd[] = {
            "4294967296", "99999999999999999999", "-1", "0x7fffffff", "3",
            "2147483648",
        };

        switch (rndn(4)) {
        case 0: snprintf(buf, sizeof(buf), "%u", c); break;
        case 1: snprintf(buf, sizeof(buf), "-%u", c); break;
        case 2: snprintf(buf, sizeof(buf), "%u" CANARY, c); break;
        default: snprintf(buf, sizeof(buf), "%s", odd[rndn(6)]);
        }
        return strdup(buf);
    }
    switch (rndn(6)) {
    case 0:
        return strdup("");
    case 1: /* huge, marked at both ends */
        snprintf(buf, sizeof(buf), CANARY "%u", c);
        memset(buf + strlen(buf), 'A', HUGE_LEN);
        snprintf(buf + HUGE_LEN, 32, CANARY "%u", c);
        return strdup(buf);
    case 2: /* not UTF-8 */
        snprintf(buf, sizeof(buf), CANARY "%u\xff\xfe\xc3\x28\x80", c);
        return strdup(buf);
    case 3:
        snprintf(buf, sizeof(buf), "/dev/" CANARY "%u", c);
        return strdup(buf);
    case 4:
        snprintf(buf, sizeof(buf), "%u", c);
        return strdup(buf);
    default:
        snprintf(buf, sizeof(buf), CANARY "%u", c);
        return strdup(buf);
    }
}

static void gen_mutation(struct op *op)
{
    const char *const *dirs;
    const char *dir;
    char key[64];
    int nd = 0;
    unsigned r = rndn(100);

    memset(op, 0, sizeof(*op));
    /* the guest's moves: one in six in its primary console's dir */
    op->sim = "gd0"[rndn(3)];
    if (op->sim == 'g' && rndn(6) == 0)
        op->sim = 'c';
    dirs = op->sim == 'g' ? dirs_g : op->sim == 'c' ? dirs_c
         : op->sim == 'd' ? dirs_d : dirs_0;
    while (dirs[nd])
        nd++;
    dir = dirs[rndn(nd)];
    pick_key(op->sim, dir, key, sizeof(key));
    op->val = NULL;
    if (r < 12) {           /* delete one node */
        op->verb = 'r';
        snprintf(op->rel, sizeof(op->rel), "%s/%s", dir, key);
    } else if (r < 16) {    /* delete the device's whole dir */
        op->verb = 'r';
        snprintf(op->rel, sizeof(op->rel), "%s", dir);
    } else if (r < 26) {    /* a state change */
        char v[16];

        op->verb = 'w';
        snprintf(op->rel, sizeof(op->rel), "%s/state", dir);
        snprintf(v, sizeof(v), "%u", rndn(8));
        op->val = strdup(v);
    } else {
        op->verb = 'w';
        snprintf(op->rel, sizeof(op->rel), "%s/%s", dir, key);
        op->val = hostile_value(op->sim, dir, key);
    }
}

static void gen_reader(struct op *op)
{
    static const char *const vdevs[] = { "xvda", "xvdb", "xvdc" };

    memset(op, 0, sizeof(*op));
    op->verb = 'c';
    /* an operation now and then: it ends the episode with a full restore */
    if (rndn(16) == 0)
        op->reader = R_FIRST_OP + (int)rndn(R_COUNT - R_FIRST_OP);
    else
        op->reader = (int)rndn(R_FIRST_OP);
    switch (op->reader) {
    case R_DISK_REMOVE:
    case R_DISK_DESTROY:
    case R_DISK_GETINFO:
    case R_VDEV_TO_DISK:
        snprintf(op->arg, sizeof(op->arg), "%s", vdevs[rndn(3)]);
        break;
    case R_NIC_REMOVE:
    case R_NIC_DESTROY:
    case R_NIC_GETINFO:
    case R_DEVID_TO_NIC:
        snprintf(op->arg, sizeof(op->arg), "%u", rndn(2));
        break;
    case R_VTPM_REMOVE:
    case R_VTPM_DESTROY:
    case R_VTPM_GETINFO:
    case R_DEVID_TO_VTPM:
        snprintf(op->arg, sizeof(op->arg), "0");
        break;
#ifdef LIBXL_HAVE_PVUSB
    case R_USBCTRL_GETINFO:
    case R_DEVID_TO_USBCTRL:
    case R_USBCTRL_DESTROY:
    case R_USBCTRL_REMOVE:
        snprintf(op->arg, sizeof(op->arg), "%u", rndn(2));
        break;
    case R_USBCTRL_ADD:     /* the new controller's backend domain */
        snprintf(op->arg, sizeof(op->arg), "%u", rndn(2) ? DRVDOM : 0);
        break;
    case R_CTRLPORT_TO_USBDEV:
    case R_USBDEV_REMOVE:   /* controller:port, the device's or another */
        snprintf(op->arg, sizeof(op->arg), "%u:%u", rndn(2), 1 + rndn(2));
        break;
#endif
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    case R_CHANNEL_GETINFO:
        snprintf(op->arg, sizeof(op->arg), "%u", rndn(2));
        break;
#endif
    case R_DISK_ADD:        /* the new disk's backend domain */
        snprintf(op->arg, sizeof(op->arg), "%u", rndn(2) ? DRVDOM : 0);
        break;
    case R_CDROM_INSERT:
        snprintf(op->arg, sizeof(op->arg), "hdc");
        break;
    case R_DISK_EJECT:
        snprintf(op->arg, sizeof(op->arg), "xvdc");
        break;
    default:
        snprintf(op->arg, sizeof(op->arg), "-");
    }
}

static void apply_mutation(const struct op *op)
{
    struct tb_sim *sim = sim_of(op->sim);
    double t = now_s();

    {
        char full[512];

        snprintf(full, sizeof(full), "%s/%s", area_of(op->sim), op->rel);
        if (op->verb == 'w')
            touch_write(full);
        else
            touch(full);
    }
    /* a refusal (a node already gone) is part of the game, not an error */
    if (op->sim == 'c') {
        char full[512];

        snprintf(full, sizeof(full), "%s/%s", area_of(op->sim), op->rel);
        if (op->verb == 'r')
            xs_rm(F.w.tb->xs, XBT_NULL, full);
        else
            xs_write(F.w.tb->xs, XBT_NULL, full, op->val, strlen(op->val));
    } else if (op->verb == 'r') {
        tb_sim_cmd(sim, "rm %s", op->rel);
    } else {
        tb_sim_cmd(sim, "write %s %s", op->rel, op->val);
        if (op->val[0] == '/' && n_hostile_paths < MAX_OPS)
            hostile_paths[n_hostile_paths++] = op->val;
    }
    F.mutations++;
    t_mut += now_s() - t;
}

/* --- the oracle, in the child ------------------------------------------- */

static int report_fd = -1;
static const struct op *cur_op;

static void flag(const char *kind, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void flag(const char *kind, const char *field, const char *fmt, ...)
{
    char detail[256], line[512];
    va_list ap;
    int n, i;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    /* printable: a hostile value may be anything */
    for (i = 0; detail[i]; i++)
        if ((unsigned char)detail[i] < 0x20 || (unsigned char)detail[i] > 0x7e)
            detail[i] = '?';
    n = snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\n",
                 reader_name[cur_op->reader], kind, field, detail);
    if (n > 0 && write(report_fd, line, (size_t)n) < 0)
        _exit(4);
}

static void chk_s(const char *field, const char *v, const char *expect)
{
    int i;

    if (!v)
        return;
    if (strstr(v, CANARY) || strstr(v, "VICTIM")) {
        flag("leak", field, "%.100s", v);
        return;
    }
    if (expect && !strcmp(v, expect))
        return;
    for (i = 0; i < n_hostile_paths; i++)
        if (!strcmp(v, hostile_paths[i])) {
            flag("leak", field, "%.100s (an attacker's path)", v);
            return;
        }
}

static void chk_i(const char *field, long long v, bool domid)
{
    long long a = v < 0 ? -v : v;

    if (a >= 70000 && a < 80000)
        flag("leak", field, "%lld", v);
    else if (domid && v == VICTIM)
        flag("leak", field, "%lld (the victim's domid)", v);
}

/*
 * The devid libxl chose for a device added with devid -1: no canary, and
 * the one after the guest's highest of its kind (new_devid); any other is
 * a device that is not the new one.
 */
static void chk_new_devid(int devid, const char *kind)
{
    unsigned want = new_devid(kind);

    chk_i("devid", devid, false);
    if (devid >= 0 && (unsigned)devid != want)
        flag("other-device", "devid", "%d, not the new devid %u", devid,
             want);
}

static void chk_mac(const char *field, const libxl_mac m)
{
    if ((m[3] == 0x7a && m[4] == 0x7b) || !memcmp(m, victim_mac, 6))
        flag("leak", field, "%02x:%02x:%02x:%02x:%02x:%02x",
             m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void chk_uuid(const char *field, const libxl_uuid *u)
{
    libxl_uuid g = *u, victim;
    char s[40];

    snprintf(s, sizeof(s), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(g));
    libxl_uuid_from_string(&victim, VICTIM_UUID);
    if (!strncmp(s, "c0ffee00", 8) || !libxl_uuid_compare(&g, &victim))
        flag("leak", field, "%s", s);
}

static void chk_disk(const libxl_device_disk *d)
{
    chk_s("pdev_path", d->pdev_path, NULL);
    chk_s("vdev", d->vdev, NULL);
    chk_s("script", d->script, NULL);
    chk_i("backend_domid", d->backend_domid, true);
}

static void chk_nic(const libxl_device_nic *n)
{
    chk_s("bridge", n->bridge, NULL);
    chk_s("ip", n->ip, NULL);
    chk_s("script", n->script, NULL);
    chk_s("ifname", n->ifname, NULL);
    chk_s("model", n->model, NULL);
    chk_s("gatewaydev", n->gatewaydev, NULL);
    chk_mac("mac", n->mac);
    chk_i("devid", n->devid, false);
    chk_i("backend_domid", n->backend_domid, true);
}

static void chk_vtpm(const libxl_device_vtpm *v)
{
    chk_uuid("uuid", &v->uuid);
    chk_i("devid", v->devid, false);
    chk_i("backend_domid", v->backend_domid, true);
}

/* The configured paths of the guest's device KIND/DEVID. */
static void paths_of(const char *kind, unsigned devid, char *be, char *fe)
{
    unsigned i;

    for (i = 0; i < NDEVS; i++)
        if (!strcmp(devs[i].kind, kind) && devs[i].devid == devid)
            break;
    snprintf(be, 128, "/local/domain/%u/backend/%s/%u/%u",
             i < NDEVS ? devs[i].bdom : 0, kind, GUEST, devid);
    snprintf(fe, 128, "/local/domain/%u/device/%s/%u", GUEST, kind, devid);
}

#define CHK_INFO(info, kind, dev_)                                         \
    do {                                                                    \
        char be_[128], fe_[128];                                            \
                                                                            \
        paths_of(kind, dev_, be_, fe_);                                     \
        chk_s("backend", (info)->backend, be_);                             \
        chk_s("frontend", (info)->frontend, fe_);                           \
        chk_i("backend_id", (info)->backend_id, true);                      \
        chk_i("frontend_id", (info)->frontend_id, true);                    \
        chk_i("devid", (info)->devid, false);                               \
    } while (0)

#ifdef LIBXL_HAVE_PVUSB
static void chk_usbctrl(const libxl_device_usbctrl *c)
{
    chk_i("devid", c->devid, false);
    chk_i("version", c->version, false);
    chk_i("ports", c->ports, false);
    chk_i("backend_domid", c->backend_domid, true);
    chk_s("backend_domname", c->backend_domname, NULL);
}

/*
 * The guest has one usb device, host 1-1 at 0:1: a device reported at
 * another place, or as another host device, is one an attacker named.
 */
static void chk_usbdev(const libxl_device_usbdev *u)
{
    chk_i("ctrl", u->ctrl, false);
    chk_i("port", u->port, false);
    if (u->type != LIBXL_USBDEV_TYPE_HOSTDEV)
        return;
    chk_i("hostbus", u->u.hostdev.hostbus, false);
    chk_i("hostaddr", u->u.hostdev.hostaddr, false);
    if (u->ctrl != USB_CTRL || u->port != USB_PORT ||
        u->u.hostdev.hostbus != USB_BUS || u->u.hostdev.hostaddr != USB_ADDR)
        flag("leak", "usbdev", "host %d.%d at %d:%d, not the guest's "
             "%d.%d at %d:%d", u->u.hostdev.hostbus, u->u.hostdev.hostaddr,
             u->ctrl, u->port, USB_BUS, USB_ADDR, USB_CTRL, USB_PORT);
}
#endif

#ifdef LIBXL_HAVE_DEVICE_CHANNEL
static void chk_channel(const libxl_device_channel *c)
{
    chk_i("devid", c->devid, false);
    chk_i("backend_domid", c->backend_domid, true);
    chk_s("backend_domname", c->backend_domname, NULL);
    chk_s("name", c->name, NULL);
    if (c->connection == LIBXL_CHANNEL_CONNECTION_SOCKET)
        chk_s("path", c->u.socket.path, NULL);
}
#endif

static void run_reader(libxl_ctx *ctx, const struct op *op)
{
    int n = 0, i;

    switch (op->reader) {
    case R_DISK_LIST: {
        libxl_device_disk *l = libxl_device_disk_list(ctx, GUEST, &n);

        for (i = 0; l && i < n; i++) {
            chk_disk(&l[i]);
            libxl_device_disk_dispose(&l[i]);
        }
        free(l);
        break;
    }
    case R_DISK_GETINFO:
    case R_VDEV_TO_DISK: {
        libxl_device_disk d;
        libxl_diskinfo info;
        int devid = op->arg[3] == 'a' ? XVDA : op->arg[3] == 'b' ? XVDB : XVDC;

        libxl_device_disk_init(&d);
        if (op->reader == R_VDEV_TO_DISK) {
            if (libxl_vdev_to_device_disk(ctx, GUEST, op->arg, &d) == 0)
                chk_disk(&d);
        } else {
            d.vdev = strdup(op->arg);
            libxl_diskinfo_init(&info);
            if (libxl_device_disk_getinfo(ctx, GUEST, &d, &info) == 0)
                CHK_INFO(&info, "vbd", (unsigned)devid);
            libxl_diskinfo_dispose(&info);
        }
        libxl_device_disk_dispose(&d);
        break;
    }
    case R_NIC_LIST: {
        libxl_device_nic *l = libxl_device_nic_list(ctx, GUEST, &n);

        for (i = 0; l && i < n; i++) {
            chk_nic(&l[i]);
            libxl_device_nic_dispose(&l[i]);
        }
        free(l);
        break;
    }
    case R_NIC_GETINFO:
    case R_DEVID_TO_NIC: {
        libxl_device_nic nic;
        libxl_nicinfo info;
        int devid = atoi(op->arg);

        libxl_device_nic_init(&nic);
        if (op->reader == R_DEVID_TO_NIC) {
            if (libxl_devid_to_device_nic(ctx, GUEST, devid, &nic) == 0)
                chk_nic(&nic);
        } else {
            nic.devid = devid;
            libxl_nicinfo_init(&info);
            if (libxl_device_nic_getinfo(ctx, GUEST, &nic, &info) == 0)
                CHK_INFO(&info, "vif", (unsigned)devid);
            libxl_nicinfo_dispose(&info);
        }
        libxl_device_nic_dispose(&nic);
        break;
    }
    case R_VTPM_LIST: {
        libxl_device_vtpm *l = libxl_device_vtpm_list(ctx, GUEST, &n);

        for (i = 0; l && i < n; i++) {
            chk_vtpm(&l[i]);
            libxl_device_vtpm_dispose(&l[i]);
        }
        free(l);
        break;
    }
    case R_VTPM_GETINFO:
    case R_DEVID_TO_VTPM:
    case R_UUID_TO_VTPM: {
        libxl_device_vtpm v;
        libxl_vtpminfo info;

        libxl_device_vtpm_init(&v);
        if (op->reader == R_DEVID_TO_VTPM) {
            if (libxl_devid_to_device_vtpm(ctx, GUEST, 0, &v) == 0)
                chk_vtpm(&v);
        } else if (op->reader == R_UUID_TO_VTPM) {
            libxl_uuid u;

            libxl_uuid_from_string(&u, GUEST_UUID);
            if (libxl_uuid_to_device_vtpm(ctx, GUEST, &u, &v) == 0)
                chk_vtpm(&v);
        } else {
            v.devid = 0;
            libxl_vtpminfo_init(&info);
            if (libxl_device_vtpm_getinfo(ctx, GUEST, &v, &info) == 0) {
                CHK_INFO(&info, "vtpm", 0);
                chk_uuid("uuid", &info.uuid);
            }
            libxl_vtpminfo_dispose(&info);
        }
        libxl_device_vtpm_dispose(&v);
        break;
    }
    case R_DISK_DESTROY:
    case R_DISK_REMOVE: {
        libxl_device_disk d;

        libxl_device_disk_init(&d);
        if (libxl_vdev_to_device_disk(ctx, GUEST, op->arg, &d) == 0) {
            if (op->reader == R_DISK_REMOVE)
                libxl_device_disk_remove(ctx, GUEST, &d, NULL);
            else
                libxl_device_disk_destroy(ctx, GUEST, &d, NULL);
        }
        libxl_device_disk_dispose(&d);
        break;
    }
    case R_NIC_DESTROY:
    case R_NIC_REMOVE: {
        libxl_device_nic nic;

        libxl_device_nic_init(&nic);
        if (libxl_devid_to_device_nic(ctx, GUEST, atoi(op->arg), &nic) == 0) {
            if (op->reader == R_NIC_REMOVE)
                libxl_device_nic_remove(ctx, GUEST, &nic, NULL);
            else
                libxl_device_nic_destroy(ctx, GUEST, &nic, NULL);
        }
        libxl_device_nic_dispose(&nic);
        break;
    }
    case R_VTPM_DESTROY:
    case R_VTPM_REMOVE: {
        libxl_device_vtpm v;

        libxl_device_vtpm_init(&v);
        if (libxl_devid_to_device_vtpm(ctx, GUEST, 0, &v) == 0) {
            if (op->reader == R_VTPM_REMOVE)
                libxl_device_vtpm_remove(ctx, GUEST, &v, NULL);
            else
                libxl_device_vtpm_destroy(ctx, GUEST, &v, NULL);
        }
        libxl_device_vtpm_dispose(&v);
        break;
    }
    case R_NIC_ADD: {
        /* served by dom0, as xl network-attach does by default */
        static const libxl_mac mac = { 0x00, 0x16, 0x3e, 0x17, 0x8a, 0x02 };
        libxl_device_nic nic;

        libxl_device_nic_init(&nic);
        nic.devid = -1;
        nic.backend_domid = 0;
        memcpy(nic.mac, mac, sizeof(mac));
        /* the add may fail (the backend does not come up): the devid it
         * chose is judged all the same, its writes by the parent */
        libxl_device_nic_add(ctx, GUEST, &nic, NULL);
        chk_new_devid(nic.devid, "vif");
        libxl_device_nic_dispose(&nic);
        break;
    }
    case R_DISK_ADD: {
        /* xl block-attach of a new disk: the vdev names its devid */
        libxl_device_disk d;
        uint32_t bdom = (uint32_t)atoi(op->arg);

        tb_disk_config(&d, bdom, "xvdd", "/dev/tb/guest1-new", TB_DISK_RW);
        /* it may fail (the backend does not come up): its writes are
         * judged by the parent all the same */
        libxl_device_disk_add(ctx, GUEST, &d, NULL);
        chk_disk(&d);
        libxl_device_disk_dispose(&d);
        break;
    }
    case R_CDROM_INSERT: {
        /* what xl cd-insert asks for: the vdev and the new media */
        libxl_device_disk d;

        libxl_device_disk_init(&d);
        d.pdev_path = strdup("/srv/tb/new.iso");
        d.vdev = strdup("hdc");
        d.format = LIBXL_DISK_FORMAT_RAW;
        d.is_cdrom = 1;
        d.removable = 1;
        libxl_cdrom_insert(ctx, HVMG, &d, NULL);
        chk_disk(&d);
        libxl_device_disk_dispose(&d);
        break;
    }
    case R_DISK_EJECT: {
        /* the guest's request is written before the fork (step_reader);
         * a watch fires once when it is set, so the event comes at once */
        libxl_evgen_disk_eject *evg = NULL;
        libxl_event *ev;

        if (libxl_evenable_disk_eject(ctx, GUEST, "xvdc", 0, &evg))
            break;
        ev = tb_next_event(ctx, 300);
        if (ev && ev->type == LIBXL_EVENT_TYPE_DISK_EJECT) {
            const libxl_device_disk *d = &ev->u.disk_eject.disk;

            chk_disk(d);
            chk_i("domid", ev->domid, true);
            /* the event must name the guest's own cdrom: xl would eject
             * whatever disk it names */
            if (d->vdev && strcmp(d->vdev, "xvdc") && !strstr(d->vdev, CANARY))
                flag("other-device", "vdev", "%.100s, not xvdc", d->vdev);
            if (d->backend_domid != DRVDOM && d->backend_domid != VICTIM &&
                (d->backend_domid < 70000 || d->backend_domid >= 80000))
                flag("other-device", "backend_domid", "%u, not %u",
                     d->backend_domid, DRVDOM);
        }
        if (ev)
            libxl_event_free(ctx, ev);
        libxl_evdisable_disk_eject(ctx, evg);
        break;
    }
#ifdef LIBXL_HAVE_PVUSB
    case R_USBCTRL_LIST: {
        libxl_device_usbctrl *l = libxl_device_usbctrl_list(ctx, GUEST, &n);

        for (i = 0; l && i < n; i++)
            chk_usbctrl(&l[i]);
        if (l)
            libxl_device_usbctrl_list_free(l, n);
        break;
    }
    case R_USBCTRL_GETINFO:
    case R_DEVID_TO_USBCTRL: {
        libxl_device_usbctrl c;
        libxl_usbctrlinfo info;
        int devid = atoi(op->arg);

        libxl_device_usbctrl_init(&c);
        if (op->reader == R_DEVID_TO_USBCTRL) {
            if (libxl_devid_to_device_usbctrl(ctx, GUEST, devid, &c) == 0)
                chk_usbctrl(&c);
        } else {
            c.devid = devid;
            c.type = LIBXL_USBCTRL_TYPE_PV;
            libxl_usbctrlinfo_init(&info);
            if (libxl_device_usbctrl_getinfo(ctx, GUEST, &c, &info) == 0) {
                CHK_INFO(&info, "vusb", (unsigned)devid);
                chk_i("version", info.version, false);
                chk_i("ports", info.ports, false);
            }
            libxl_usbctrlinfo_dispose(&info);
        }
        libxl_device_usbctrl_dispose(&c);
        break;
    }
    case R_USBCTRL_DESTROY:
    case R_USBCTRL_REMOVE: {
        libxl_device_usbctrl c;

        libxl_device_usbctrl_init(&c);
        if (libxl_devid_to_device_usbctrl(ctx, GUEST, atoi(op->arg), &c) == 0) {
            chk_usbctrl(&c);
            if (op->reader == R_USBCTRL_REMOVE)
                libxl_device_usbctrl_remove(ctx, GUEST, &c, NULL);
            else
                libxl_device_usbctrl_destroy(ctx, GUEST, &c, NULL);
        }
        libxl_device_usbctrl_dispose(&c);
        break;
    }
    case R_USBCTRL_ADD: {
        /* xl usbctrl-attach with no devid: libxl__device_nextid picks it */
        libxl_device_usbctrl c;

        libxl_device_usbctrl_init(&c);
        c.type = LIBXL_USBCTRL_TYPE_PV;
        c.devid = -1;
        c.version = 2;
        c.ports = 4;
        c.backend_domid = (uint32_t)atoi(op->arg);
        /* it may fail (the backend does not come up): the devid it chose
         * is judged all the same, its writes by the parent */
        libxl_device_usbctrl_add(ctx, GUEST, &c, NULL);
        chk_new_devid(c.devid, "vusb");
        libxl_device_usbctrl_dispose(&c);
        break;
    }
    case R_USBDEV_LIST: {
        libxl_device_usbdev *l = libxl_device_usbdev_list(ctx, GUEST, &n);

        for (i = 0; l && i < n; i++)
            chk_usbdev(&l[i]);
        if (l)
            libxl_device_usbdev_list_free(l, n);
        break;
    }
    case R_CTRLPORT_TO_USBDEV:
    case R_USBDEV_REMOVE: {
        /* xl usbdev-detach: the device at controller:port, then removed */
        libxl_device_usbdev u;
        int ctrl = 0, port = 0;

        sscanf(op->arg, "%d:%d", &ctrl, &port);
        libxl_device_usbdev_init(&u);
        if (libxl_ctrlport_to_device_usbdev(ctx, GUEST, ctrl, port, &u) == 0) {
            chk_usbdev(&u);
            if (op->reader == R_USBDEV_REMOVE)
                libxl_device_usbdev_remove(ctx, GUEST, &u, NULL);
        }
        libxl_device_usbdev_dispose(&u);
        break;
    }
#endif
    case R_CONSOLE_GET_TTY:
    case R_PRIMARY_CONSOLE_GET_TTY: {
        /* the tty is the console daemon's, written into the guest's own
         * dir, and the guest's by design (as a device's state is): what
         * is judged is that libxl survives and writes nothing */
        char *tty = NULL;

        if (op->reader == R_CONSOLE_GET_TTY)
            libxl_console_get_tty(ctx, GUEST, 0, LIBXL_CONSOLE_TYPE_PV, &tty);
        else
            libxl_primary_console_get_tty(ctx, GUEST, &tty);
        free(tty);
        break;
    }
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
    case R_CHANNEL_LIST: {
        libxl_device_channel *l = libxl_device_channel_list(ctx, GUEST, &n);

        for (i = 0; l && i < n; i++) {
            chk_channel(&l[i]);
            libxl_device_channel_dispose(&l[i]);
        }
        free(l);
        break;
    }
    case R_CHANNEL_GETINFO: {
        /* channel DEVID is console DEVID + 1 */
        libxl_device_channel ch;
        libxl_channelinfo info;
        int devid = atoi(op->arg);

        libxl_device_channel_init(&ch);
        ch.devid = devid;
        ch.connection = devid ? LIBXL_CHANNEL_CONNECTION_SOCKET
                              : LIBXL_CHANNEL_CONNECTION_PTY;
        libxl_channelinfo_init(&info);
        if (libxl_device_channel_getinfo(ctx, GUEST, &ch, &info) == 0)
            CHK_INFO(&info, "console", (unsigned)devid + 1);
        libxl_channelinfo_dispose(&info);
        libxl_device_channel_dispose(&ch);
        break;
    }
#endif
#ifdef LIBXL_HAVE_RETRIEVE_DOMAIN_CONFIGURATION
    case R_RETRIEVE_CONFIG: {
        libxl_domain_config dc;

        libxl_domain_config_init(&dc);
        if (libxl_retrieve_domain_configuration(ctx, GUEST, &dc) == 0) {
            for (i = 0; i < dc.num_disks; i++)
                chk_disk(&dc.disks[i]);
            for (i = 0; i < dc.num_nics; i++)
                chk_nic(&dc.nics[i]);
            for (i = 0; i < dc.num_vtpms; i++)
                chk_vtpm(&dc.vtpms[i]);
#ifdef LIBXL_HAVE_PVUSB
            for (i = 0; i < dc.num_usbctrls; i++)
                chk_usbctrl(&dc.usbctrls[i]);
#endif
#ifdef LIBXL_HAVE_DEVICE_CHANNEL
            for (i = 0; i < dc.num_channels; i++)
                chk_channel(&dc.channels[i]);
#endif
        }
        libxl_domain_config_dispose(&dc);
        break;
    }
#endif
    }
}

/* --- one reader step: fork, run, judge ------------------------------------ */

struct result {
    char key[160];      /* reader and kind of the first finding */
    char detail[512];
    int nfound;
};

static void add_found(struct result *res, const char *reader, const char *kind,
                      const char *field, const char *detail)
{
    if (res->nfound++ == 0) {
        snprintf(res->key, sizeof(res->key), "%s %s", reader, kind);
        snprintf(res->detail, sizeof(res->detail), "%s: %s", field, detail);
    }
}

/* The first line of a sanitizer's report, or of what the child said last. */
static void crash_summary(const char *errfile, char *out, size_t len)
{
    FILE *f = fopen(errfile, "r");
    char line[512];

    snprintf(out, len, "no output");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strstr(line, "SUMMARY:") || strstr(line, "runtime error")) {
            snprintf(out, len, "%s", line);
            break;
        }
        if (strstr(line, "ERROR: AddressSanitizer"))
            snprintf(out, len, "%s", line);
    }
    fclose(f);
}

/*
 * What the child asked xenstored to change, from xenstored's trace (-T,
 * tb_xenstored_trace): while the child runs no other client writes
 * (the sims are passive, this process waits), so every write, rm, mkdir
 * or set-permissions request in the new part of the trace is libxl's.
 * Returns the first such path under /libxl, or "" when libxl changed
 * only other nodes; NULL when it changed nothing.
 */
static off_t file_size(const char *name)
{
    char p[1024];
    struct stat st;

    snprintf(p, sizeof(p), "%s/%s", F.w.tb->dir, name);
    return stat(p, &st) == 0 ? st.st_size : 0;
}

/* Is path (absolute) at or below dir? */
static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/*
 * The dirs of a device: its frontend (DOM's device/FEKIND/DEVID), its
 * backend where it was configured (BDOM's backend/BEKIND/DOM/DEVID) and
 * libxl's record of it.
 */
static void dirs_for(uint32_t dom, const char *fekind, const char *bekind,
                     unsigned devid, uint32_t bdom, char d[3][256])
{
    snprintf(d[0], 256, "/local/domain/%u/device/%s/%u", dom, fekind, devid);
    snprintf(d[1], 256, "/local/domain/%u/backend/%s/%u/%u", bdom, bekind,
             dom, devid);
    snprintf(d[2], 256, "/libxl/%u/device/%s/%u", dom, fekind, devid);
}

/* The devices of the world besides the guest's: the victim's, the HVM
 * guest's cdrom. */
static const struct other {
    uint32_t dom;
    const char *fekind, *bekind;
    unsigned devid;
    uint32_t bdom;
} others[] = {
    { VICTIM, "vbd", "vbd", XVDA, 0 }, { VICTIM, "vif", "vif", 0, 0 },
    { VICTIM, "vtpm", "vtpm", 0, 0 }, { HVMG, "vbd", "qdisk", HDC, 0 },
    { GUEST, "console", "console", 0, 0 },  /* frontend: DOM's console/ */
};
#define NOTHERS (sizeof(others) / sizeof(others[0]))
#define NALL (NDEVS + NOTHERS)

/* The dirs of device i (the guest's, then the others). */
static void dev_dirs(unsigned i, char d[3][256])
{
    if (i < NDEVS) {
        dirs_for(GUEST, devs[i].kind, devs[i].kind, devs[i].devid,
                 devs[i].bdom, d);
    } else {
        const struct other *o = &others[i - NDEVS];

        dirs_for(o->dom, o->fekind, o->bekind, o->devid, o->bdom, d);
        if (!strcmp(o->fekind, "console") && o->devid == 0)
            snprintf(d[0], 256, "/local/domain/%u/console", o->dom);
    }
}

/*
 * The dirs an operation may change: those of its own device (for an add,
 * the new one).  A reader may change nothing.  Returns false for a reader.
 */
static bool op_dirs(const struct op *op, char d[3][256])
{
    const char *kind;
    unsigned devid, i;
    uint32_t bdom = 0;

    switch (op->reader) {
    case R_DISK_DESTROY: case R_DISK_REMOVE:
        kind = "vbd";
        devid = op->arg[3] == 'a' ? XVDA : op->arg[3] == 'b' ? XVDB : XVDC;
        break;
    case R_DISK_EJECT:
        kind = "vbd";
        devid = XVDC;
        break;
    case R_DISK_ADD:
        dirs_for(GUEST, "vbd", "vbd", XVDD, (uint32_t)atoi(op->arg), d);
        return true;
    case R_CDROM_INSERT:
        dirs_for(HVMG, "vbd", "qdisk", HDC, 0, d);
        return true;
    case R_NIC_DESTROY: case R_NIC_REMOVE:
        kind = "vif";
        devid = (unsigned)atoi(op->arg);
        break;
    case R_NIC_ADD:     /* served by dom0 */
        dirs_for(GUEST, "vif", "vif", new_devid("vif"), 0, d);
        return true;
#ifdef LIBXL_HAVE_PVUSB
    case R_USBCTRL_DESTROY: case R_USBCTRL_REMOVE:
        kind = "vusb";
        devid = (unsigned)atoi(op->arg);
        break;
    case R_USBCTRL_ADD:
        dirs_for(GUEST, "vusb", "vusb", new_devid("vusb"),
                 (uint32_t)atoi(op->arg), d);
        return true;
    case R_USBDEV_REMOVE:   /* its controller's port node */
        kind = "vusb";
        devid = (unsigned)atoi(op->arg);
        break;
#endif
    case R_VTPM_DESTROY: case R_VTPM_REMOVE:
        kind = "vtpm";
        devid = 0;
        break;
    default:
        return false;
    }
    for (i = 0; i < NDEVS; i++)
        if (!strcmp(devs[i].kind, kind) && devs[i].devid == devid)
            bdom = devs[i].bdom;
    dirs_for(GUEST, kind, kind, devid, bdom, d);
    return true;
}

/* Which dirs of the devices were there when the operation began. */
static bool dir_present[NALL][3];

static void note_present(void)
{
    unsigned i, k;

    for (i = 0; i < NALL; i++) {
        char d[3][256];

        dev_dirs(i, d);
        for (k = 0; k < 3; k++)
            dir_present[i][k] = tb_xs_exists(F.w.tb, "%s", d[k]);
    }
}

/*
 * libxl removes the parents of a device's dirs that the device leaves
 * empty (libxl__xs_path_cleanup): an rm of an ancestor of the device's own
 * dirs is allowed when no dir of another device, the guest's or another
 * domain's, was below it when the operation began.
 */
static bool lone_parent(const char *path, char own[3][256])
{
    unsigned i, k;
    bool ancestor = false;

    for (k = 0; k < 3; k++)
        if (under(own[k], path) && strcmp(own[k], path))
            ancestor = true;
    if (!ancestor)
        return false;
    /* an rm is recursive: no other device's dir may have been below */
    for (i = 0; i < NALL; i++) {
        char d[3][256];

        dev_dirs(i, d);
        if (!strcmp(d[0], own[0]))
            continue;
        for (k = 0; k < 3; k++)
            if (dir_present[i][k] && under(d[k], path))
                return false;
    }
    return true;
}

static bool allowed(const struct op *op, const char *path, bool rm)
{
    char own[3][256];
    unsigned k;

    if (!op_dirs(op, own))
        return false;
    if (rm && lone_parent(path, own))
        return true;
#ifdef LIBXL_HAVE_PVUSB
    /* the drivers libxl saved for the usb device it gives back to dom0:
     * a remove of the device, or of its controller, which removes it */
    if (rm && under(path, "/libxl/usbback/" USB_BUSID) &&
        (op->reader == R_USBDEV_REMOVE || op->reader == R_USBCTRL_REMOVE ||
         op->reader == R_USBCTRL_DESTROY) &&
        atoi(op->arg) == USB_CTRL)
        return true;
#endif
    for (k = 0; k < 3; k++)
        if (under(path, own[k]))
            return true;
    return false;
}

/*
 * Judges what the child's libxl asked xenstored to change and which
 * hotplug scripts it ran: a write, rm, mkdir or set-permissions outside
 * what the op may change is a finding, "record" under /libxl, "other-device"
 * elsewhere.  Returns whether libxl changed anything at all.
 */
static void add_found(struct result *res, const char *reader, const char *kind,
                      const char *field, const char *detail);

static bool judge_writes(const struct op *op, off_t from, off_t hp_from,
                         struct result *res)
{
    static const char *const verbs[] = {
        " WRITE (", " RM (", " MKDIR (", " SET_PERMS (", NULL
    };
    char p[1024], line[8192], path[1024], conns[16][40];
    FILE *f;
    bool wrote = false;
    int nconns = 0;

    snprintf(p, sizeof(p), "%s/xenstored.trace", F.w.tb->dir);
    f = fopen(p, "r");
    ATF_REQUIRE_MSG(f, "%s: %s (the oracle needs xenstored's trace)", p,
                    strerror(errno));
    ATF_REQUIRE(fseeko(f, from, SEEK_SET) == 0);
    while (fgets(line, sizeof(line), f)) {
        int i, c;
        char conn[40];

        /*
         * Only the connections made while the op ran are libxl's (and its
         * hotplug scripts'): the sims, answering during an operation, have
         * theirs from the start.
         */
        if (sscanf(line, "CREATE connection %39s", conn) == 1 &&
            nconns < 16) {
            snprintf(conns[nconns++], sizeof(conns[0]), "%s", conn);
            continue;
        }
        if (strncmp(line, "IN ", 3) || sscanf(line + 3, "%39s", conn) != 1)
            continue;
        for (c = 0; c < nconns && strcmp(conns[c], conn); c++)
            ;
        if (c == nconns)
            continue;
        for (i = 0; verbs[i]; i++) {
            char *v = strstr(line, verbs[i]), what[300];

            if (!v)
                continue;
            v += strlen(verbs[i]);
            v[strcspn(v, " )\n")] = '\0';
            /* a unix-socket client's relative path is dom0's */
            snprintf(path, sizeof(path), "%s%s",
                     v[0] == '/' ? "" : "/local/domain/0/", v);
            /* the testbed's note of libxl's wait (lib/tb-waits.c) */
            if (under(path, TB_WAITING))
                break;
            wrote = true;
            if (allowed(op, path, i == 1))
                continue;
            snprintf(what, sizeof(what), "%.10s %.250s", verbs[i] + 1, path);
            what[strcspn(what, "(")] = ' ';
            add_found(res, reader_name[op->reader],
                      under(path, "/libxl") ? "record" : "other-device",
                      under(path, "/libxl") ? "/libxl" : "xenstore", what);
            break;
        }
    }
    fclose(f);
    /* the hotplug scripts libxl ran, and for which backend */
    snprintf(p, sizeof(p), "%s/hotplug.log", F.w.tb->dir);
    f = fopen(p, "r");
    if (f) {
        ATF_REQUIRE(fseeko(f, hp_from, SEEK_SET) == 0);
        while (fgets(line, sizeof(line), f)) {
            char *sp = strchr(line, ' ');

            line[strcspn(line, "\n")] = '\0';
            if (sp && !allowed(op, sp + 1, false))
                add_found(res, reader_name[op->reader], "other-device",
                          "hotplug", line);
        }
        fclose(f);
    }
    return wrote;
}

static off_t escapes_size(void)
{
    char p[1024];
    struct stat st;

    snprintf(p, sizeof(p), "%s/hv/escapes.log", F.w.tb->dir);
    return stat(p, &st) == 0 ? st.st_size : 0;
}

/* How long after the fork a racing move comes: from its path, so a replay
 * makes it at the same moment (the child's timing still varies). */
static useconds_t race_delay(const struct op *op)
{
    uint32_t h = 2166136261u;
    const char *p;

    for (p = op->rel; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h % 4000;
}

static void step_reader(const struct op *op, struct result *res,
                        const struct op *race, int nrace)
{
    char errfile[1024], buf[4096];
    int pfd[2], status, errfd;
    pid_t pid;
    size_t have = 0;
    ssize_t r;
    int k;
    off_t esc0 = escapes_size(), tr0 = file_size("xenstored.trace");
    off_t hp0 = file_size("hotplug.log");
    double t = now_s();

    memset(res, 0, sizeof(*res));
    snprintf(errfile, sizeof(errfile), "%s/fuzz-child.err", F.w.tb->dir);
    errfd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ATF_REQUIRE(errfd >= 0);
    ATF_REQUIRE(pipe2(pfd, O_CLOEXEC) == 0);
    /*
     * A removal waits for the backend to close (Closed, 6) up to libxl's
     * 10 s timeout: the backends answer while an operation runs (their
     * writes are in the op's own device dirs, unless libxl sent them
     * elsewhere, which is the finding).
     */
    if (op->reader == R_DISK_EJECT) {
        /* the guest's honest request, part of the op (not a mutation) */
        char p[128];

        snprintf(p, sizeof(p), "/local/domain/%u/device/vbd/%u/eject", GUEST,
                 XVDC);
        touch(p);
        tb_sim_cmd(F.sim_g, "write vbd/%u/eject eject", XVDC);
    }
    if (op->reader >= R_FIRST_OP) {
        note_present();
        ATF_REQUIRE_EQ(0, tb_sim_cmd(F.sim_0, "active"));
        ATF_REQUIRE_EQ(0, tb_sim_cmd(F.sim_d, "active"));
    }
    /* the child must know the racing moves' paths to recognize them */
    for (k = 0; k < nrace; k++)
        if (race[k].val && race[k].val[0] == '/' && n_hostile_paths < MAX_OPS)
            hostile_paths[n_hostile_paths++] = race[k].val;
    fflush(NULL);
    pid = fork();
    ATF_REQUIRE(pid >= 0);
    if (pid == 0) {
        xentoollog_logger_stdiostream *lg;
        libxl_ctx *ctx;

        close(pfd[0]);
        dup2(errfd, 2);
        alarm(op->reader >= R_FIRST_OP ? 15 : 5);
        report_fd = pfd[1];
        cur_op = op;
        lg = xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
        if (!lg || libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0,
                                   (xentoollog_logger *)lg))
            _exit(3);
        run_reader(ctx, op);
        libxl_ctx_free(ctx);
        /* leaks are not this oracle's subject: no LSan at exit */
        _exit(0);
    }
    close(pfd[1]);
    close(errfd);
    /* writes racing libxl: the attackers do not wait for it to finish */
    for (k = 0; k < nrace; k++) {
        usleep(race_delay(&race[k]));
        apply_mutation(&race[k]);
    }
    while ((r = read(pfd[0], buf + have, sizeof(buf) - 1 - have)) > 0)
        have += (size_t)r;
    close(pfd[0]);
    buf[have] = '\0';
    ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
    if (op->reader >= R_FIRST_OP) {
        char own[3][256], d[256], bekind[16] = "";
        unsigned k;

        ATF_REQUIRE_EQ(0, tb_sim_cmd(F.sim_0, "passive"));
        ATF_REQUIRE_EQ(0, tb_sim_cmd(F.sim_d, "passive"));
        /* what the op may have changed (anything else is a finding): its
         * kind's dirs, in the frontend's domain, both backends, the record */
        op_dirs(op, own);
        sscanf(own[1], "/local/domain/%*u/backend/%15[a-z]", bekind);
        for (k = 0; k < 3; k += 2) {
            snprintf(d, sizeof(d), "%s", own[k]);
            *strrchr(d, '/') = '\0';
            touch(d);
        }
        snprintf(d, sizeof(d), "/local/domain/0/backend/%s", bekind);
        touch(d);
        snprintf(d, sizeof(d), "/local/domain/%u/backend/%s", DRVDOM, bekind);
        touch(d);
        userdata_dirty = true;
    }
    t_child += now_s() - t;
    t = now_s();
    {
        char *line, *save = NULL;

        for (line = strtok_r(buf, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            char *f[4] = { line, NULL, NULL, NULL };
            int i;

            for (i = 1; i < 4; i++) {
                f[i] = strchr(f[i - 1], '\t');
                if (!f[i])
                    break;
                *f[i]++ = '\0';
            }
            if (i == 4)
                add_found(res, f[0], f[1], f[2], f[3]);
        }
    }
    if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status))) {
        char sum[400], kind[16];

        crash_summary(errfile, sum, sizeof(sum));
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
            snprintf(kind, sizeof(kind), "hang");
        else
            snprintf(kind, sizeof(kind), "crash");
        snprintf(buf, sizeof(buf), "%s %d: %s",
                 WIFSIGNALED(status) ? "signal" : "exit",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                 sum);
        add_found(res, reader_name[op->reader], kind, "-", buf);
    }
    /* libxl wrote where it may not: the next restore puts all back */
    if (judge_writes(op, tr0, hp0, res) &&
        (op->reader < R_FIRST_OP || res->nfound))
        dirty_all = true;
    t_record += now_s() - t;
    if (escapes_size() != esc0)
        add_found(res, reader_name[op->reader], "escape", "-",
                  "a write outside the run dir (hv/escapes.log)");
}

/* --- episodes, findings, minimizing ------------------------------------- */

static void ep_reset(void)
{
    int i;

    for (i = 0; i < ep_n; i++)
        free(ep_ops[i].val);
    ep_n = 0;
    n_hostile_paths = 0;
}

/* Run ops from the snapshot; the result of the last (a reader). */
static void run_ops(const struct op *ops, int n, struct result *res)
{
    int i;

    world_restore();
    n_hostile_paths = 0;
    memset(res, 0, sizeof(*res));
    for (i = 0; i < n; i++) {
        int j = i;

        if (ops[i].race)
            continue;
        if (ops[i].verb != 'c') {
            apply_mutation(&ops[i]);
            continue;
        }
        while (j > 0 && ops[j - 1].race)
            j--;
        step_reader(&ops[i], res, &ops[j], i - j);
    }
}

/* Drop every op the finding does not need, one at a time, until none can go. */
static int minimize(struct op *ops, int n, const char *key)
{
    int i;
    bool changed = true;

    while (changed) {
        changed = false;
        for (i = n - 2; i >= 0; i--) {
            struct op keep = ops[i];
            struct result res;

            memmove(&ops[i], &ops[i + 1], (n - i - 1) * sizeof(*ops));
            run_ops(ops, n - 1, &res);
            if (res.nfound && !strcmp(res.key, key)) {
                n--;
                changed = true;
                free(keep.val);
            } else {
                memmove(&ops[i + 1], &ops[i], (n - i - 1) * sizeof(*ops));
                ops[i] = keep;
            }
        }
    }
    return n;
}

static void hex_put(FILE *f, const char *s)
{
    for (; *s; s++)
        fprintf(f, "%02x", (unsigned char)*s);
}

static void write_ops(FILE *f, const struct op *ops, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        if (ops[i].verb == 'c') {
            fprintf(f, "c %s %s\n", reader_name[ops[i].reader], ops[i].arg);
        } else if (ops[i].verb == 'r') {
            fprintf(f, "%c %c %s\n", ops[i].race ? 'R' : 'r', ops[i].sim,
                    ops[i].rel);
        } else {
            fprintf(f, "%c %c %s ", ops[i].race ? 'W' : 'w', ops[i].sim,
                    ops[i].rel);
            hex_put(f, ops[i].val);
            fputs(ops[i].val[0] ? "\n" : "-\n", f);
        }
    }
}

static void save_finding(const struct result *res, unsigned long episode,
                         int orig_n, struct op *ops, int n)
{
    char path[1024];
    FILE *f;
    int i, k;

    snprintf(path, sizeof(path), "%s/finding-%lu.txt", F.findings,
             F.nfindings);
    f = fopen(path, "w");
    ATF_REQUIRE_MSG(f, "%s: %s", path, strerror(errno));
    fprintf(f, "# kit fuzz finding: replay with "
               "scripts/kit fuzz %s --side %s --replay %s\n",
            F.release, F.side, path);
    fprintf(f, "release %s\nside %s\nseed %" PRIu64 "\nepisode %lu\n",
            F.release, F.side, F.seed, episode);
    for (i = 0; i < n && ops[i].verb == 'c'; i++)
        ;
    fprintf(f, "finding %s\ndetail %s\nops %d (minimized from %d)\n",
            res->key, res->detail, n, orig_n);
    for (k = 0; k < n && !ops[k].race; k++)
        ;
    if (k < n)
        fprintf(f, "note a move races libxl: a replay may not time it the "
                   "same\n");
    /* not an attack: the tree does it unprovoked */
    if (i == n)
        fprintf(f, "note no hostile move needed: a defect of the tree, "
                   "not an attack\n");
    write_ops(f, ops, n);
    ATF_REQUIRE_EQ(0, fclose(f));
    printf("fuzz: FINDING %s: %s (%s), %d ops%s: %s\n", F.release, res->key,
           res->detail, n, i == n ? ", no hostile move" : "", path);
}

static bool seen_key(const char *key)
{
    int i;

    for (i = 0; i < F.nkeys; i++)
        if (!strcmp(F.keys[i], key))
            return true;
    return false;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t cfg_u64(const atf_tc_t *tc, const char *name, uint64_t dflt)
{
    return atf_tc_has_config_var(tc, name)
               ? strtoull(atf_tc_get_config_var(tc, name), NULL, 0) : dflt;
}

static void fuzz_loop(const atf_tc_t *tc, FILE *summary)
{
    uint64_t seconds = cfg_u64(tc, "seconds", 0);
    uint64_t iterations = cfg_u64(tc, "iterations", 0);
    /* a budget of hostile moves (the benchmark's unit), checked per step */
    uint64_t mutations = cfg_u64(tc, "mutations", 0);
    double t0 = now_s(), last = t0, fuzz_time = 0;
    unsigned long episode;

    if (!seconds && !iterations && !mutations)
        seconds = 30;
    for (episode = 0;; episode++) {
        int steps = 2 + (int)rndn(5), s;
        double te = now_s();

        if ((seconds && now_s() - t0 >= (double)seconds) ||
            (iterations && F.steps >= iterations) ||
            (mutations && F.mutations >= mutations))
            break;
        world_restore();
        ep_reset();
        for (s = 0; s < steps; s++) {
            int m = 1 + (int)rndn(4), k;
            struct result res;

            int race0;

            for (k = 0; k < m && ep_n < MAX_OPS - 2; k++) {
                gen_mutation(&ep_ops[ep_n]);
                apply_mutation(&ep_ops[ep_n++]);
            }
            /* one step in four, a move racing the reader */
            race0 = ep_n;
            if (rndn(4) == 0) {
                gen_mutation(&ep_ops[ep_n]);
                ep_ops[ep_n++].race = true;
            }
            gen_reader(&ep_ops[ep_n]);
            step_reader(&ep_ops[ep_n], &res, &ep_ops[race0], ep_n - race0);
            ep_n++;
            F.steps++;
            if (res.nfound) {
                F.occurrences++;
                if (!seen_key(res.key) && F.nkeys < 64) {
                    struct op *copy = calloc(ep_n, sizeof(*copy));
                    int i, n;

                    fuzz_time += now_s() - te;
                    snprintf(F.keys[F.nkeys++], sizeof(F.keys[0]), "%s",
                             res.key);
                    for (i = 0; i < ep_n; i++) {
                        copy[i] = ep_ops[i];
                        copy[i].val = ep_ops[i].val ? strdup(ep_ops[i].val)
                                                    : NULL;
                    }
                    n = minimize(copy, ep_n, res.key);
                    save_finding(&res, episode, ep_n, copy, n);
                    fprintf(summary, "finding\t%s/finding-%lu.txt\t%s\n",
                            F.findings, F.nfindings, res.key);
                    F.nfindings++;
                    for (i = 0; i < n; i++)
                        free(copy[i].val);
                    free(copy);
                    te = now_s();
                }
                break;  /* the world is off the rails: a fresh episode */
            }
            /* after an op the world has one device less: a fresh episode */
            if (ep_ops[ep_n - 1].reader >= R_FIRST_OP)
                break;
            if ((iterations && F.steps >= iterations) ||
                (mutations && F.mutations >= mutations))
                break;
        }
        fuzz_time += now_s() - te;
        if (now_s() - last >= 5) {
            last = now_s();
            printf("fuzz: %s %s: %.0f s, %lu steps, %lu mutations "
                   "(%.0f/s), %lu findings\n", F.release, F.side,
                   last - t0, F.steps, F.mutations,
                   fuzz_time > 0 ? F.mutations / fuzz_time : 0.0,
                   F.nfindings);
            fflush(stdout);
        }
    }
    fprintf(summary, "steps\t%lu\nmutations\t%lu\nseconds\t%.1f\n"
                     "rate\t%.0f\nfindings\t%lu\noccurrences\t%lu\n",
            F.steps, F.mutations, fuzz_time,
            fuzz_time > 0 ? F.mutations / fuzz_time : 0.0, F.nfindings,
            F.occurrences);
    fprintf(summary, "profile\trestore %.1f child %.1f record %.1f mut %.1f\n",
            t_restore, t_child, t_record, t_mut);
}

/* --- replay ------------------------------------------------------------- */

static int hexval(int c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static void replay(const char *file, FILE *summary)
{
    FILE *f = fopen(file, "r");
    char line[2 * HUGE_LEN + 512], want[160] = "";
    struct result res;
    bool found = false;

    ATF_REQUIRE_MSG(f, "%s: %s", file, strerror(errno));
    ep_reset();
    while (fgets(line, sizeof(line), f)) {
        struct op *op = &ep_ops[ep_n];
        char a[256], b[256];

        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "finding ", 8))
            snprintf(want, sizeof(want), "%s", line + 8);
        if (line[1] != ' ' || ep_n >= MAX_OPS)
            continue;
        memset(op, 0, sizeof(*op));
        op->verb = line[0];
        /* W, R: a move racing the reader that follows */
        if (op->verb == 'W' || op->verb == 'R') {
            op->race = true;
            op->verb = (char)(op->verb - 'A' + 'a');
        }
        if (op->verb == 'c' &&
            sscanf(line + 2, "%255s %15s", a, op->arg) == 2) {
            for (op->reader = 0; op->reader < R_COUNT; op->reader++)
                if (!strcmp(reader_name[op->reader], a))
                    break;
            ATF_REQUIRE_MSG(op->reader < R_COUNT,
                            "%s: reader %s is not in this release", file, a);
            ep_n++;
        } else if (op->verb == 'r' &&
                   sscanf(line + 2, "%c %127s", &op->sim, op->rel) == 2) {
            ep_n++;
        } else if (op->verb == 'w' &&
                   sscanf(line + 2, "%c %127s %255s", &op->sim, op->rel,
                          b) >= 2) {
            const char *hex = strrchr(line, ' ') + 1;
            size_t i, n = strcmp(hex, "-") ? strlen(hex) / 2 : 0;

            op->val = calloc(n + 1, 1);
            for (i = 0; i < n; i++)
                op->val[i] = (char)(hexval(hex[2 * i]) * 16 +
                                    hexval(hex[2 * i + 1]));
            ep_n++;
        }
    }
    fclose(f);
    ATF_REQUIRE_MSG(ep_n > 0 && ep_ops[ep_n - 1].verb == 'c',
                    "%s: no op log ending in a reader", file);
    run_ops(ep_ops, ep_n, &res);
    found = res.nfound && !strcmp(res.key, want);
    printf("fuzz: replay of %s (%d ops): %s%s%s\n", file, ep_n,
           res.nfound ? res.key : "no finding",
           res.nfound ? ": " : "", res.nfound ? res.detail : "");
    printf("fuzz: %s\n", found ? "reproduced" : "not reproduced");
    fprintf(summary, "replay\t%s\t%s\n",
            found ? "reproduced" : "not-reproduced",
            res.nfound ? res.key : "-");
    ep_reset();
}

/* --- the case ------------------------------------------------------------- */

ATF_TC_WITH_CLEANUP(fuzz);
ATF_TC_HEAD(fuzz, tc)
{
    atf_tc_set_md_var(tc, "descr", "a hostile guest and driver domain "
                      "mutate their dirs at random while libxl reads");
}
ATF_TC_CLEANUP(fuzz, tc)
{
    tb_cleanup(tc);
}
ATF_TC_BODY(fuzz, tc)
{
    const char *sum = atf_tc_has_config_var(tc, "summary")
                          ? atf_tc_get_config_var(tc, "summary") : "/dev/null";
    FILE *summary;

    memset(&F, 0, sizeof(F));
    F.seed = cfg_u64(tc, "seed", 1);
    rng_state = F.seed * 0x9e3779b97f4a7c15ULL + 1;
    F.findings = atf_tc_has_config_var(tc, "findings")
                     ? atf_tc_get_config_var(tc, "findings") : ".";
    F.side = getenv("TB_SIDE") ? getenv("TB_SIDE") : "?";
    snprintf(F.release, sizeof(F.release), "%d.%d", TB_XEN_VERSION / 10000,
             TB_XEN_VERSION / 100 % 100);
    summary = fopen(sum, "w");
    ATF_REQUIRE_MSG(summary, "%s: %s", sum, strerror(errno));
    setvbuf(summary, NULL, _IOLBF, 0);
    world_start(tc);
    printf("fuzz: %s %s: world up (%d nodes in the snapshot), seed %" PRIu64
           "\n", F.release, F.side, world_snap.len, F.seed);
    fflush(stdout);
    if (atf_tc_has_config_var(tc, "replay"))
        replay(atf_tc_get_config_var(tc, "replay"), summary);
    else
        fuzz_loop(tc, summary);
    fclose(summary);
}

ATF_TP_ADD_TCS(tp)
{
    ATF_TP_ADD_TC(tp, fuzz);
    return atf_no_error();
}
