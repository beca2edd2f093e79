/* route.h - the route table (built from routes.def by X-macros) and the
 * matcher that maps METHOD + path to a route. Pure functions: no sockets,
 * no database, so tests/unit/test_route.c drives them directly.
 * Depends on http.h. */
#ifndef KITH_HTTP_ROUTE_H
#define KITH_HTTP_ROUTE_H

#include <stdint.h>

#include "http/http.h"

typedef int (*RouteFn)(Req *req);

typedef struct Route {
	const char *method;  /* "GET", "POST", "PATCH", "DELETE", ... */
	const char *pattern; /* "/api/v1/contacts/{id}/restore" */
	RouteFn fn;	     /* the handler */
	int perm;	     /* PERM_* */
	int flags;	     /* ROUTE_* */
	const char *query;   /* accepted query parameters, "q,limit,cursor"; "" for none */
	const char *summary; /* one line, also the OpenAPI summary */
} Route;

/* Outcome of route_find. */
enum {
	ROUTE_FOUND = 0, /* m->route and m->id are set */
	ROUTE_NO_PATH,	 /* no pattern matches the path: 404 */
	ROUTE_NO_METHOD, /* the path exists with other methods: 405, m->allow lists them */
	ROUTE_BAD_ID,	 /* the path fits a pattern except that {id} or {user_id} is not a
			    positive integer: 404 naming m->bad_param */
};

/* Path parameters a pattern may hold: {id}, then optionally {user_id}. */
enum { ROUTE_MAX_IDS = 2 };

typedef struct RouteMatch {
	const Route *route; /* the matched route (ROUTE_FOUND), else NULL */
	int64_t id;	    /* the {id} value, 0 when the pattern has none */
	int64_t sub_id;	    /* the {user_id} value, 0 when the pattern has none */
	char allow[96];	    /* "GET, PATCH" for ROUTE_NO_METHOD, else "" */
	const char *bad_param; /* "id" or "user_id" for ROUTE_BAD_ID, else NULL */
} RouteMatch;

/* The compiled-in table from routes.def; *n receives its length. */
const Route *route_table(int *n);

/* Match one pattern against path. Returns 1 on a match (with *id set to the
 * {id} value or 0), 0 when the path does not fit, and as route_match_ids
 * -1 / -2 when it fits except that {id} / {user_id} is not a positive
 * integer. */
int route_match(const char *pattern, const char *path, int64_t *id);

/* route_match for every parameter: ids[0] {id}, ids[1] {user_id} (0 when
 * the pattern has none). Returns -1 when the {id} segment is not a
 * positive integer, -2 when only the {user_id} segment is not. */
int route_match_ids(const char *pattern, const char *path, int64_t ids[ROUTE_MAX_IDS]);

/* Find the route for method + path in table[0..n). Literal matches and
 * valid ids win over an invalid id. Returns ROUTE_FOUND or a ROUTE_NO_* /
 * ROUTE_BAD_ID outcome; m is filled as described there. */
int route_find(const Route *table, int n, const char *method, const char *path, RouteMatch *m);

/* 1 when the route's query list names name (a whole entry), else 0. */
int route_query_allowed(const Route *r, const char *name);

/* Check a table for mistakes: patterns starting with "/api/" (or "/" alone),
 * at most one {id} and then one {user_id}; ROUTE_WEB patterns outside
 * /api/, whose other parameters ({hash}) match one segment of
 * [A-Za-z0-9._-] not starting with '.' and are read from req->path by the
 * handler; known methods, no duplicate
 * METHOD + pattern, query lists of [a-z0-9_] names separated by single
 * commas, each once. Returns KITH_OK or ERR_INTERNAL naming the first bad
 * route in err. */
int route_table_check(const Route *table, int n, Err *err) KITH_WARN_UNUSED;

#endif
