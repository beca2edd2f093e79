/* cursor.h - opaque keyset-pagination cursors: the last row's sort key and
 * id, hex-encoded so they survive URLs and shells. libc only. */
#ifndef KITH_BASE_CURSOR_H
#define KITH_BASE_CURSOR_H

#include <stdint.h>

#include "base/err.h"

/* Encode (key, id) as a malloc'd cursor string (caller frees); key may be
 * NULL for id-only ordering. NULL on out of memory. */
char *cursor_encode(const char *key, int64_t id);

/* Decode a cursor: *key is malloc'd ("" when none; caller frees), *id > 0.
 * ERR_INVALID naming field "cursor" when it is not one we made. */
int cursor_decode(const char *cursor, char **key, int64_t *id, Err *err) KITH_WARN_UNUSED;

#endif
