/* route.c - the route table from routes.def and the matcher over it.
 * Depends on http.h (handler signature) only; no sockets, no database. */
#include "http/route.h"

#include <string.h>

/* Declare every handler named in the table. */
#define ROUTE(method, pattern, fn, perm, flags, query, summary) int fn(Req *req);
#include "http/routes.def"
#undef ROUTE

static const Route routes[] = {
#define ROUTE(method, pattern, fn, perm, flags, query, summary)                                    \
	{#method, pattern, fn, perm, flags, query, summary},
#include "http/routes.def"
#undef ROUTE
};

const Route *route_table(int *n)
{
	*n = (int)(sizeof routes / sizeof routes[0]);
	return routes;
}

/* Parse the path segment [s, end) as a positive decimal integer without
 * sign or leading zero. Returns 1 and sets *id, or 0. */
static int parse_id(const char *s, const char *end, int64_t *id)
{
	int64_t v = 0;
	if (s == end || *s == '0' || end - s > 19)
		return 0;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		int d = *p - '0';
		if (v > (INT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*id = v;
	return 1;
}

/* 1 when the parameter at brace is {id} or {user_id} (a positive integer);
 * any other name ({hash}, {name}) is a word parameter. */
static int is_id_param(const char *brace)
{
	return strncmp(brace, "{id}", 4) == 0 || strncmp(brace, "{user_id}", 9) == 0;
}

/* 1 when the path segment [s, end) may fill a word parameter: one or more
 * of [A-Za-z0-9._-], not starting with '.' (so never "." or ".."). */
static int word_ok(const char *s, const char *end)
{
	if (s == end || *s == '.')
		return 0;
	for (const char *c = s; c < end; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
			return 0;
	return 1;
}

int route_match(const char *pattern, const char *path, int64_t *id)
{
	int64_t ids[ROUTE_MAX_IDS];
	int r = route_match_ids(pattern, path, ids);
	*id = ids[0];
	return r;
}

int route_match_ids(const char *pattern, const char *path, int64_t ids[ROUTE_MAX_IDS])
{
	const char *p = pattern, *s = path;
	int64_t v[ROUTE_MAX_IDS] = {0};
	int bad_id = 0, n = 0;
	for (int i = 0; i < ROUTE_MAX_IDS; i++)
		ids[i] = 0;
	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');
			if (!close)
				return 0;
			if (!seg_end)
				seg_end = s + strlen(s);
			if (!is_id_param(p)) { /* a word: the handler reads it from the path */
				if (!word_ok(s, seg_end))
					return 0;
				p = close + 1;
				s = seg_end;
				continue;
			}
			if (seg_end == s || n == ROUTE_MAX_IDS)
				return 0; /* an empty segment is no segment at all */
			if (!parse_id(s, seg_end, &v[n++]) && !bad_id)
				bad_id = n; /* the first bad parameter, counted from 1 */
			p = close + 1;
			s = seg_end;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*s)
		return 0;
	if (bad_id)
		return -bad_id;
	for (int i = 0; i < ROUTE_MAX_IDS; i++)
		ids[i] = v[i];
	return 1;
}

/* Append method to the comma-separated allow list, once. */
static void allow_add(char *allow, size_t cap, const char *method)
{
	size_t n = strlen(method), len = strlen(allow);
	for (const char *a = allow; (a = strstr(a, method)) != NULL; a += n)
		if ((a == allow || a[-1] == ' ') && (a[n] == ',' || a[n] == '\0'))
			return;
	if (len + n + 3 > cap)
		return;
	if (len) {
		memcpy(allow + len, ", ", 2);
		len += 2;
	}
	memcpy(allow + len, method, n + 1);
}

int route_find(const Route *table, int n, const char *method, const char *path, RouteMatch *m)
{
	int bad_id = 0;
	m->route = NULL;
	m->id = 0;
	m->sub_id = 0;
	m->allow[0] = '\0';
	m->bad_param = NULL;
	for (int i = 0; i < n; i++) {
		int64_t ids[ROUTE_MAX_IDS];
		int r = route_match_ids(table[i].pattern, path, ids);
		if (r < 0) {
			bad_id = 1;
			if (!m->bad_param)
				m->bad_param = r == -1 ? "id" : "user_id";
		} else if (r > 0 && strcmp(table[i].method, method) == 0) {
			m->route = &table[i];
			m->id = ids[0];
			m->sub_id = ids[1];
			m->allow[0] = '\0';
			return ROUTE_FOUND;
		} else if (r > 0) {
			allow_add(m->allow, sizeof m->allow, table[i].method);
		}
	}
	if (m->allow[0])
		return ROUTE_NO_METHOD;
	return bad_id ? ROUTE_BAD_ID : ROUTE_NO_PATH;
}

static int method_known(const char *m)
{
	static const char *const known[] = {"GET", "POST", "PUT", "PATCH", "DELETE", NULL};
	for (const char *const *k = known; *k; k++)
		if (strcmp(*k, m) == 0)
			return 1;
	return 0;
}

/* 1 when the parameter name at brace ("{id}") fills a whole segment;
 * *len receives its length with the braces. */
static int param_ok(const char *brace, const char *name, size_t *len)
{
	*len = strlen(name);
	return strncmp(brace, name, *len) == 0 && brace[-1] == '/' &&
	       (brace[*len] == '\0' || brace[*len] == '/');
}

/* Validate a web route's pattern (ROUTE_WEB): its first segment a literal
 * other than "api" (so no web route, listed before the API's, can match
 * an API path: a parameter there would match "api"), no empty segments,
 * each parameter a whole segment named in [a-z_]: {id} and {user_id} as
 * in API patterns, any other name a word (route_match_ids). */
static int web_pattern_ok(const char *pat)
{
	size_t first = strcspn(pat + 1, "/");
	if (pat[0] != '/' || pat[1] == '{' || (first == 3 && strncmp(pat + 1, "api", 3) == 0) ||
	    strstr(pat, "//") || (pat[1] && pat[strlen(pat) - 1] == '/'))
		return 0;
	for (const char *b = strchr(pat, '{'); b; b = strchr(b + 1, '{')) {
		const char *c = b + 1;
		while ((*c >= 'a' && *c <= 'z') || *c == '_')
			c++;
		if (b[-1] != '/' || c == b + 1 || *c != '}' || (c[1] != '\0' && c[1] != '/'))
			return 0;
	}
	int open = 0, close = 0;
	for (const char *c = pat; *c; c++) {
		open += *c == '{';
		close += *c == '}';
	}
	return open == close; /* every '}' closes a parameter checked above */
}

/* Validate one pattern's shape: "/" alone, or an "/api/" prefix, no empty segments, at most
 * one "{id}" that fills a whole segment, optionally followed by one
 * "{user_id}" segment (the second id, RouteMatch.sub_id). Web routes:
 * web_pattern_ok. */
static int pattern_ok(const char *pat, int flags)
{
	const char *brace = strchr(pat, '{');
	size_t len;
	if (flags & ROUTE_WEB)
		return web_pattern_ok(pat);
	if (strcmp(pat, "/") == 0)
		return 1; /* the index page */
	if (strncmp(pat, "/api/", 5) != 0 || strstr(pat, "//") || pat[strlen(pat) - 1] == '/')
		return 0;
	if (!brace)
		return 1;
	if (!param_ok(brace, "{id}", &len))
		return 0;
	const char *next = strchr(brace + len, '{');
	if (next && !param_ok(next, "{user_id}", &len))
		return 0;
	if (next)
		brace = next;
	return strchr(brace + 1, '{') == NULL && strchr(brace + len, '}') == NULL;
}

int route_query_allowed(const Route *r, const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || strchr(name, ','))
		return 0; /* "q,limit" is one (odd) name, not two */
	for (const char *p = r->query; (p = strstr(p, name)) != NULL; p += n)
		if ((p == r->query || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* 1 when q is "" or names of [a-z0-9_] joined by single commas, none twice. */
static int query_list_ok(const char *q)
{
	const char *start = q;
	if (!q)
		return 0;
	if (!*q)
		return 1;
	for (const char *p = q;; p++) {
		if (*p == ',' || *p == '\0') {
			size_t len = (size_t)(p - start);
			if (len == 0)
				return 0;
			for (const char *o = q; o < start; o++) /* an earlier entry equal to it */
				if ((o == q || o[-1] == ',') && strncmp(o, start, len) == 0 &&
				    o[len] == ',')
					return 0;
			if (!*p)
				return 1;
			start = p + 1;
		} else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
			return 0;
		}
	}
}

int route_table_check(const Route *table, int n, Err *err)
{
	for (int i = 0; i < n; i++) {
		const Route *r = &table[i];
		if (!method_known(r->method))
			return err_set(err, ERR_INTERNAL, "method", "%s %s: unknown method",
				       r->method, r->pattern);
		if (!pattern_ok(r->pattern, r->flags))
			return err_set(err, ERR_INTERNAL, "pattern", "%s %s: bad pattern",
				       r->method, r->pattern);
		if (r->perm < PERM_PUBLIC || r->perm > PERM_ADMIN || !r->summary || !r->summary[0])
			return err_set(err, ERR_INTERNAL, "perm",
				       "%s %s: bad permission or summary", r->method, r->pattern);
		/* the dispatcher knows bearer tokens only: a signed-in web route
		 * waits for sessions (issue 9), it must not take a token */
		if ((r->flags & ROUTE_WEB) && r->perm != PERM_PUBLIC)
			return err_set(err, ERR_INTERNAL, "perm",
				       "%s %s: a web route is public until web sessions exist",
				       r->method, r->pattern);
		if (!query_list_ok(r->query))
			return err_set(err, ERR_INTERNAL, "query",
				       "%s %s: bad query parameter list '%s'", r->method,
				       r->pattern, r->query ? r->query : "(null)");
		for (int j = 0; j < i; j++)
			if (strcmp(table[j].method, r->method) == 0 &&
			    strcmp(table[j].pattern, r->pattern) == 0)
				return err_set(err, ERR_INTERNAL, "pattern", "%s %s: listed twice",
					       r->method, r->pattern);
	}
	return KITH_OK;
}
