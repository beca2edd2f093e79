/* meta_api.c - the API's own routes: the index page (/), health and the
 * OpenAPI document (the caller, /me, is core/user_api.c's). Depends on
 * http.h, route.h, server.h, base/buf.h. */
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "http/http.h"
#include "http/route.h"
#include "http/server.h"

/* Append s to b escaped for HTML text and quoted attribute values. */
static void html_text(Buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

/* Who may call a route, in words. */
static const char *perm_words(int perm)
{
	return perm == PERM_PUBLIC  ? "no token"
	       : perm == PERM_ADMIN ? "owner or admin token"
				    : "token";
}

/* One table row: method, path (a link when it is a GET anyone may follow),
 * who may call it, summary. */
static void index_row(Buf *b, const Route *r)
{
	int link =
	    r->perm == PERM_PUBLIC && strcmp(r->method, "GET") == 0 && !strchr(r->pattern, '{');
	buf_adds(b, "<tr><td>");
	html_text(b, r->method);
	buf_adds(b, "</td><td><code>");
	if (link) {
		buf_adds(b, "<a href=\"");
		html_text(b, r->pattern);
		buf_adds(b, "\">");
	}
	html_text(b, r->pattern);
	buf_adds(b, link ? "</a></code></td><td>" : "</code></td><td>");
	html_text(b, perm_words(r->perm));
	buf_adds(b, "</td><td>");
	html_text(b, r->summary);
	buf_adds(b, "</td></tr>\n");
}

/* GET /: until the web UI exists, a page that says what answers here: the
 * route table (the same one the dispatcher and the OpenAPI test read) and a
 * link to the OpenAPI document. Touches no database. */
int meta_api_index(Req *req)
{
	int n;
	const Route *r = route_table(&n);
	Buf b;
	buf_init(&b, KITH_MAX_BUF);
	buf_adds(&b, "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\" />"
		     "<title>kith API</title></head>\n<body>\n<h1>kith API</h1>\n"
		     "<p>This is the kith HTTP JSON API. The web interface is not built yet: "
		     "use the <code>kith</code> command or the API below. Every route except "
		     "the public ones needs <code>Authorization: Bearer kith_...</code> "
		     "(create one with <code>kith token create --user EMAIL</code>).</p>\n"
		     "<p>The full description: <a href=\"/api/v1/openapi.json\">"
		     "/api/v1/openapi.json</a> (OpenAPI 3.1).</p>\n"
		     "<table>\n<thead><tr><th>method</th><th>path</th><th>needs</th>"
		     "<th>what it does</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++)
		if (!(r[i].flags & ROUTE_WEB))
			index_row(&b, &r[i]);
	buf_adds(&b, "</tbody>\n</table>\n</body>\n</html>\n");
	if (buf_failed(&b)) {
		buf_free(&b);
		Err err = {0};
		err_set(&err, ERR_INTERNAL, NULL, "out of memory");
		return req_fail(req, &err);
	}
	return req_reply_html(req, 200, buf_take(&b));
}

/* GET /api/v1/health: {"status":"ok"}; touches no database (load balancers
 * and the benchmark's trivial route). */
int meta_api_health(Req *req)
{
	return req_reply(req, 200, json_pack("{s:s}", "status", "ok"));
}

/* GET /api/v1/openapi.json: the document merged once at start-up. */
int meta_api_openapi(Req *req)
{
	size_t len;
	const char *doc = server_openapi(req, &len);
	server_reply_static(req, 200, doc, len);
	return KITH_OK;
}
