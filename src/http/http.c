/* http.c - the handler helpers of http.h: reading query parameters and
 * headers, and filling the response (JSON, problems, ETag, Location).
 * Depends on base/, libmicrohttpd (lookups only) and problem.h. Nothing
 * here touches the database. */
#include "http/http.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "http/problem.h"

const char *req_query(Req *req, const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(Req *req, const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int req_reply(Req *req, int status, json_t *body)
{
	json_decref(req->out);
	req->out = body;
	req->status = status;
	req->problem = 0;
	return KITH_OK;
}

int req_fail(Req *req, const Err *err)
{
	json_decref(req->out);
	req->status = problem_status(err->code);
	req->out = problem_from_err(err);
	req->problem = 1;
	if (req->status == 500 || err->code == ERR_UNAVAILABLE)
		fprintf(stderr, "kith: %s %s: %s%s%s\n", req->method ? req->method : "-",
			req->path ? req->path : "-", err->field, err->field[0] ? ": " : "",
			err->msg);
	return KITH_OK;
}

int req_fail_status(Req *req, int status, const char *field, const char *detail)
{
	json_decref(req->out);
	req->status = status;
	req->out = problem_new(status, NULL, detail, field, detail, 0);
	req->problem = 1;
	return KITH_OK;
}

void req_set_etag(Req *req, int64_t version)
{
	snprintf(req->etag, sizeof req->etag, "\"%lld\"", (long long)version);
}

void req_set_location(Req *req, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(req->location, sizeof req->location, fmt, ap);
	va_end(ap);
}

int req_parse_if_match(const char *hdr, int64_t *version)
{
	if (!hdr)
		return -1;
	const char *p = hdr;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "W/", 2) == 0)
		p += 2;
	if (*p++ != '"' || *p < '0' || *p > '9')
		return -2;
	int64_t v = 0;
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		int d = *p - '0';
		if (digits >= 19 || v > (INT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	if (*p++ != '"')
		return -2;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p)
		return -2;
	*version = v;
	return 0;
}

int req_if_match_or_fail(Req *req, int64_t *version)
{
	int rc = req_parse_if_match(req_header(req, "If-Match"), version);
	if (rc == -1) {
		req_fail_status(req, 428, "If-Match",
				"If-Match header is required: send the ETag from your last GET");
		return 1;
	}
	if (rc < 0) {
		req_fail_status(req, 412, "If-Match",
				"If-Match must be one ETag such as \"3\", as sent by GET");
		return 1;
	}
	/* Versions start at 1, and domain calls read 0 as "any version": an
	 * ETag of "0" can match nothing, so pass a version nothing has. */
	if (*version == 0)
		*version = -1;
	return 0;
}

int req_parse_limit(const char *s, int *limit, Err *err)
{
	if (!s) {
		*limit = KITH_LIST_DEFAULT;
		return KITH_OK;
	}
	char *end = NULL;
	long v = 0;
	if (*s >= '0' && *s <= '9' && strlen(s) <= 9)
		v = strtol(s, &end, 10);
	if (!end || *end || v < 1 || v > KITH_LIST_MAX)
		return err_set(err, ERR_INVALID, "limit", "must be an integer from 1 to %d",
			       KITH_LIST_MAX);
	*limit = (int)v;
	return KITH_OK;
}

int req_list_params(Req *req, int *limit, const char **cursor, Err *err)
{
	int rc = req_parse_limit(req_query(req, "limit"), limit, err);
	if (rc)
		return rc;
	const char *c = req_query(req, "cursor");
	*cursor = c && *c ? c : NULL;
	return KITH_OK;
}

int req_reply_list(Req *req, json_t *items, const char *next)
{
	json_t *page = json_object();
	json_object_set_new(page, "items", items ? items : json_array());
	json_object_set_new(page, "next", next ? json_string(next) : json_null());
	return req_reply(req, 200, page);
}

int req_invalid_or_fail(Req *req, const char *field, const char *msg)
{
	Err err = {0};
	err_set(&err, ERR_INVALID, field, "%s", msg);
	req_fail(req, &err);
	return 1;
}

int req_query_bool_or_fail(Req *req, const char *name, int *out)
{
	const char *v = req_query(req, name);
	*out = 0;
	if (!v || strcmp(v, "false") == 0)
		return 0;
	if (strcmp(v, "true") == 0) {
		*out = 1;
		return 0;
	}
	return req_invalid_or_fail(req, name, "must be true or false");
}

int req_query_id_or_fail(Req *req, const char *name, int64_t *out)
{
	const char *v = req_query(req, name);
	char *end = NULL;
	*out = 0;
	if (!v)
		return 0;
	long long n = *v >= '1' && *v <= '9' && strlen(v) <= 18 ? strtoll(v, &end, 10) : 0;
	if (!end || *end || n <= 0)
		return req_invalid_or_fail(req, name, "must be a positive integer id");
	*out = n;
	return 0;
}

int req_query_int_or_fail(Req *req, const char *name, int min, int max, int *out)
{
	const char *v = req_query(req, name);
	char *end = NULL;
	if (!v)
		return 0;
	long n = ((*v >= '0' && *v <= '9') || *v == '-') && strlen(v) <= 10 ? strtol(v, &end, 10)
									       : 0;
	if (!end || *end || n < min || n > max) {
		Err err = {0};
		err_set(&err, ERR_INVALID, name, "must be an integer from %d to %d", min, max);
		req_fail(req, &err);
		return 1;
	}
	*out = (int)n;
	return 0;
}

int req_reply_record(Req *req, int status, json_t *rec)
{
	req_set_etag(req, json_integer_value(json_object_get(rec, "version")));
	return req_reply(req, status, rec);
}
