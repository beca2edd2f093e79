/* http.h - what an API handler gets and how it answers. The contract
 * between src/http/ (server, router, auth, idempotency) and the *_api.c
 * adapters in the business contexts. Depends on base/, store/ (the Actor
 * value is base/actor.h; what it may do is core/access.h's).
 *
 * The dispatcher enforces everything in routes.def before a handler runs:
 * method, bearer token (req->actor is set), permission, body limit, JSON
 * parsing (req->body is a JSON object for routes with ROUTE_BODY), and
 * Idempotency-Key replay for POST. A handler reads its input, calls one
 * domain function, and answers with req_reply() or req_fail(). */
#ifndef KITH_HTTP_HTTP_H
#define KITH_HTTP_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/actor.h"
#include "base/err.h"
#include "store/db.h"

typedef struct Req Req;

/* Route permissions (routes.def column 4). */
enum {
	PERM_PUBLIC = 0, /* no token needed */
	PERM_READ,       /* any valid token */
	PERM_WRITE,      /* any valid token; the domain checks record access */
	PERM_ADMIN,      /* owner or admin */
};

/* Route flags (routes.def column 5). */
enum {
	ROUTE_BODY = 1, /* expects a JSON object body; 400/415/413 handled before the handler */
	ROUTE_BODY_OPTIONAL = 2, /* as ROUTE_BODY when a body is sent; req->body NULL without one */
	ROUTE_WEB = 4, /* a route of the web UI (pages, assets), not of the JSON API: its
			  pattern is outside /api/, the OpenAPI document does not describe
			  it, `kith test-routes` lists it only with --web */
};

struct Req {
	Db *db;                  /* this thread's connection */
	Actor actor;             /* the authenticated caller */
	const char *method;      /* "GET", "POST", ... */
	const char *path;        /* URL path without query */
	int64_t id;              /* the {id} path parameter; 0 when the route has none */
	int64_t sub_id;          /* the {user_id} path parameter; 0 when the route has none */
	json_t *body;            /* parsed JSON object for ROUTE_BODY routes, else NULL */
	void *conn;              /* the server's connection handle (opaque) */

	/* Response, filled by req_reply / req_fail / req_set_* */
	int status;              /* HTTP status */
	json_t *out;             /* response JSON (owned by Req) */
	int problem;             /* out is a problem+json document */
	char etag[40];           /* ETag value including quotes, "" for none */
	char location[256];      /* Location header, "" for none */
};

/* Query-string parameter name, or NULL. Valid for the request's lifetime.
 * Both lookups answer NULL when req->conn is NULL (a Req built by a test). */
const char *req_query(Req *req, const char *name);

/* Request header, or NULL. */
const char *req_header(Req *req, const char *name);

/* Answer status with body (stolen; NULL for no body). Returns KITH_OK. */
int req_reply(Req *req, int status, json_t *body);

/* Answer status with a body that is already JSON text (stolen, malloc'd),
 * for records the domain keeps serialized. Returns KITH_OK. */
int req_reply_text(Req *req, int status, char *text);

/* Answer status with an HTML page (stolen, malloc'd; written with the
 * HTML writer, src/web/html.h), sent as text/html; charset=utf-8 with the
 * web UI's headers, set in one place (server.c, add_headers): the strict
 * Content-Security-Policy (scripts, styles and images from this origin
 * only, no inline ones, forms post here only, no framing, no <base>),
 * Referrer-Policy same-origin, X-Content-Type-Options nosniff, and
 * Cache-Control no-store. Returns KITH_OK. */
int req_reply_html(Req *req, int status, char *html);

/* Answer 200 with an immutable static file: data[0..len) sent as is (not
 * copied, not freed: it must outlive the request, e.g. bytes embedded in
 * the binary), Content-Type type, ETag etag (with its quotes) and
 * Cache-Control "public, max-age=31536000, immutable": for the web UI's
 * versioned asset URLs only, whose content never changes under one URL
 * (so browsers do not revalidate, and no 304 is offered: libmicrohttpd
 * would send it with a Content-Length of 0, which RFC 9110 8.6 forbids).
 * Returns KITH_OK. */
int req_reply_asset(Req *req, const char *data, size_t len, const char *type, const char *etag);

/* Answer with an RFC 9457 problem document for err: status from the code
 * (invalid 422, not_found 404, conflict 409, stale 412, gone 410,
 * unauthorized 401, forbidden 403, storage/internal 500), "errors":
 * [{"field","message"}] when err names a field, and "existing_id" when
 * err->ref_id is set. Returns KITH_OK. */
int req_fail(Req *req, const Err *err);

/* Answer a problem with an explicit status (400, 413, 415, 428 ...). */
int req_fail_status(Req *req, int status, const char *field, const char *detail);

/* ETag for a record version: "\"<version>\"". */
void req_set_etag(Req *req, int64_t version);

/* Location header, printf-style. */
void req_set_location(Req *req, const char *fmt, ...) KITH_PRINTF(2, 3);

/* Parse If-Match into *version (never 0: "0" becomes -1, which no record
 * has, since domain calls read 0 as "do not check"). When the header is
 * missing, answers 428 and returns non-zero; when malformed, 412. A
 * handler does:
 *   if (req_if_match_or_fail(req, &v)) return KITH_OK; */
int req_if_match_or_fail(Req *req, int64_t *version);

/* Helpers that answer for the handler: on failure each has already
 * answered 422 (a problem naming the field) and returns non-zero, so a
 * handler does: if (req_query_bool_or_fail(req, "force", &f)) return KITH_OK; */

/* Answer 422 with an ERR_INVALID naming field with msg; returns 1. */
int req_invalid_or_fail(Req *req, const char *field, const char *msg);

/* ?name=true|false into *out; absent means 0. Anything else answers 422
 * naming name ("must be true or false"). */
int req_query_bool_or_fail(Req *req, const char *name, int *out);

/* ?name=<positive integer id> into *out; absent means 0. Anything else
 * answers 422 naming name ("must be a positive integer id"). */
int req_query_id_or_fail(Req *req, const char *name, int64_t *out);

/* ?name=<integer from min to max> into *out; absent leaves *out as it is.
 * Anything else answers 422 naming name and returns non-zero. */
int req_query_int_or_fail(Req *req, const char *name, int min, int max, int *out);

/* Answer status with a versioned record (stolen) and its ETag, taken from
 * the record's "version" member. Returns KITH_OK. */
int req_reply_record(Req *req, int status, json_t *rec);

/* List parameters: ?limit= (default KITH_LIST_DEFAULT, 1..KITH_LIST_MAX)
 * and ?cursor= (opaque string from a previous page's "next"). ERR_INVALID
 * naming "limit" when out of range. */
int req_list_params(Req *req, int *limit, const char **cursor, Err *err) KITH_WARN_UNUSED;

/* Answer 200 with {"items": items, "next": next or null} (items stolen). */
int req_reply_list(Req *req, json_t *items, const char *next);

/* Pure parsers behind the helpers above, for tests and other surfaces. */

/* Parse an If-Match value: "\"N\"" or "W/\"N\"" (N a non-negative integer,
 * surrounding blanks allowed). Returns 0 and sets *version; -1 when hdr is
 * NULL (header missing); -2 when malformed (including "*" and lists). */
int req_parse_if_match(const char *hdr, int64_t *version);

/* Parse a ?limit= value; s NULL (absent) gives KITH_LIST_DEFAULT.
 * ERR_INVALID naming "limit" unless s is an integer in 1..KITH_LIST_MAX. */
int req_parse_limit(const char *s, int *limit, Err *err) KITH_WARN_UNUSED;

#endif
