/* problem.h - RFC 9457 problem documents and the Err code -> HTTP status
 * map. Pure functions over jansson; no sockets. Depends on base/err.h. */
#ifndef KITH_HTTP_PROBLEM_H
#define KITH_HTTP_PROBLEM_H

#include <jansson.h>

#include "base/err.h"

/* HTTP status for an Err code: invalid 422, not_found 404, conflict 409,
 * stale 412, gone 410, unauthorized 401, forbidden 403, anything else 500. */
int problem_status(int code);

/* Short title for a status ("Not Found", "Unprocessable Content", ...);
 * "Error" for a status it does not know. Static string. */
const char *problem_title(int status);

/* Build a problem document:
 *   {"type", "title", "status", "code", "detail",
 *    "errors": [{"field","message"}], "existing_id"}
 * type is always "about:blank" (kith owns no URI to name problem types
 * with); "code" (an extension member) is code when non-NULL, else absent.
 * "errors" is present only when field is non-empty (message
 * defaults to detail); "existing_id" only when ref_id != 0. detail and
 * message must be valid UTF-8 (Err messages are). Returns a new reference
 * (caller decrefs), or NULL when out of memory. */
json_t *problem_new(int status, const char *code, const char *detail, const char *field,
		    const char *message, long long ref_id);

/* The problem document for err (status from problem_status, code from
 * err_code_name). Storage and internal errors get a generic detail, so no
 * SQL or file name reaches a client; the caller logs the real message. */
json_t *problem_from_err(const Err *err);

#endif
