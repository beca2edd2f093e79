/* body.h - request body checks done before a ROUTE_BODY handler runs:
 * the media type, JSON parsing with duplicate-key rejection, and naming the
 * field whose value holds invalid UTF-8. Pure functions; no sockets.
 * Depends on base/ and jansson. */
#ifndef KITH_HTTP_BODY_H
#define KITH_HTTP_BODY_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

/* 1 when the Content-Type value is application/json (any case, optional
 * parameters such as "; charset=utf-8"); 0 for anything else or NULL. */
int body_is_json_type(const char *content_type);

/* Parse data[0..len) as a JSON object (duplicate keys rejected). On success
 * *out is a new reference (caller decrefs). On failure returns ERR_INVALID
 * with err->field naming the key at fault ("" when none) and err->msg a
 * sentence: "malformed JSON at line L, column C: ...", "is not valid
 * UTF-8", "is a duplicate key", "must not contain NUL characters", or
 * "body must be a JSON object". The caller answers 400. */
int body_parse(const char *data, size_t len, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Name the key in effect at byte offset pos of a JSON text that is valid up
 * to pos: the key of the innermost object member whose key or value holds
 * that byte (array elements belong to the array's key). Copies at most
 * n - 1 bytes of the raw key into key. *in_key is set when pos lies inside
 * a key string itself. Returns 1 when a key was found, 0 when pos is at the
 * top level. */
int body_locate_key(const char *data, size_t pos, char *key, size_t n, int *in_key);

#endif
