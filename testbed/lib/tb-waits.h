/*
 * Where the testbed publishes libxl's waits on a backend's state (see
 * tb-waits.c): while libxl watches /local/domain/B/backend/.../state, the
 * node TB_WAITING/local/domain/B/backend/.../state exists.
 */
#ifndef TB_WAITS_H
#define TB_WAITS_H

#define TB_WAITING "/tb/waiting"

#endif
