/*
 * Checks of libxl's own record of a device (XSA-178, CVE-2016-4963).
 *
 * When libxl adds a device it must keep, under /libxl/$DOMID/device/
 * $KIND/$DEVID, the paths of the frontend and the backend and a copy of
 * every node it wrote to the backend directory, where only the toolstack
 * domain can write: the backend directory belongs to the driver domain and
 * cannot be trusted later.  tb_mirror_require() compares that record with
 * the backend directory as libxl wrote it.
 *
 * The backend directory is read after the add, so two of its nodes may no
 * longer be libxl's: `state`, which libxl writes as 1 (Initialising) and
 * the backend then walks through the xenbus states, and `hotplug-status`,
 * which the hotplug script adds.  The copy must hold 1 for the first and
 * need not hold the second; every other node must be copied with its
 * value, and the copy must hold nothing that is not in the backend
 * directory but the `backend` path itself.
 */
#ifndef TB_MIRROR_H
#define TB_MIRROR_H

#include <stdlib.h>
#include <string.h>

#include "tb.h"

/* Path of libxl's record of a device. */
void tb_mirror_path(char *buf, size_t len, uint32_t domid, const char *kind,
                    unsigned int devid);

/*
 * Require libxl's record of the device whose frontend is fe and backend be:
 * both paths, a copy of the backend directory as libxl wrote it (see
 * above), the configured values in want (key, value pairs, NULL ended),
 * and no write access for anyone but dom0.
 */
void tb_mirror_require(struct tb *tb, uint32_t domid, const char *kind,
                       unsigned int devid, const char *fe, const char *be,
                       const char *const *want);

#endif
