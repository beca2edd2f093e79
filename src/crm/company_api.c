/* company_api.c - the /api/v1/companies routes: reads query parameters and
 * bodies, calls one company.h function, answers JSON (ETag on every single
 * company, Location on create, problems from the domain's Err). No rules
 * live here. Depends on http/http.h, crm/{company,contact,audit}. */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "crm/audit.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "http/http.h"

/* Answer 422 naming field; returns non-zero. */
static int invalid_or_fail(Req *req, const char *field, const char *msg)
{
	Err err = {0};
	err_set(&err, ERR_INVALID, field, "%s", msg);
	req_fail(req, &err);
	return 1;
}

/* ?name=true|false; absent = 0. Non-zero (answered 422) when malformed. */
static int query_bool_or_fail(Req *req, const char *name, int *out)
{
	const char *v = req_query(req, name);
	*out = 0;
	if (!v || strcmp(v, "false") == 0)
		return 0;
	if (strcmp(v, "true") == 0) {
		*out = 1;
		return 0;
	}
	return invalid_or_fail(req, name, "must be true or false");
}

/* ?name=<positive id>; absent = 0. */
static int query_id_or_fail(Req *req, const char *name, int64_t *out)
{
	const char *v = req_query(req, name);
	char *end = NULL;
	*out = 0;
	if (!v)
		return 0;
	long long n = *v >= '1' && *v <= '9' && strlen(v) <= 18 ? strtoll(v, &end, 10) : 0;
	if (!end || *end || n <= 0)
		return invalid_or_fail(req, name, "must be a positive integer id");
	*out = n;
	return 0;
}

/* Answer status with the company and its ETag (c is stolen). */
static int reply_company(Req *req, int status, json_t *c)
{
	req_set_etag(req, json_integer_value(json_object_get(c, "version")));
	return req_reply(req, status, c);
}

static int reply_get(Req *req, int status, int include_deleted)
{
	Err err = {0};
	json_t *c = NULL;
	if (company_get(req->db, &req->actor, req->id, include_deleted, &c, &err))
		return req_fail(req, &err);
	return reply_company(req, status, c);
}

int company_api_list(Req *req)
{
	static const char *const params[] = {"q",    "tag",   "owner_id", "updated_since", "sort",
					     "trash", "limit", "cursor",   NULL};
	CompanyQuery q = {0};
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	if (req_query_check(req, params, &err) || req_list_params(req, &q.limit, &q.cursor, &err))
		return req_fail(req, &err);
	if (query_id_or_fail(req, "owner_id", &q.owner_id) ||
	    query_bool_or_fail(req, "trash", &q.trash))
		return KITH_OK;
	q.q = req_query(req, "q");
	q.tag = req_query(req, "tag");
	q.updated_since = req_query(req, "updated_since");
	q.sort = req_query(req, "sort");
	if (company_list(req->db, &req->actor, &q, &items, &next, &err))
		return req_fail(req, &err);
	req_reply_list(req, items, next);
	free(next);
	return KITH_OK;
}

int company_api_create(Req *req)
{
	Err err = {0};
	int64_t id = 0;
	if (company_create(req->db, &req->actor, req->body, 0, &id, &err))
		return req_fail(req, &err);
	req_set_location(req, "/api/v1/companies/%lld", (long long)id);
	req->id = id;
	return reply_get(req, 201, 0);
}

int company_api_get(Req *req)
{
	int include_deleted;
	if (query_bool_or_fail(req, "include_deleted", &include_deleted))
		return KITH_OK;
	return reply_get(req, 200, include_deleted);
}

int company_api_update(Req *req)
{
	Err err = {0};
	int64_t version;
	json_t *c = NULL;
	if (req_if_match_or_fail(req, &version))
		return KITH_OK;
	/* Versions start at 1; "0" must not mean "any version" here. */
	if (company_update(req->db, &req->actor, req->id, req->body, version ? version : -1, &c,
			   &err))
		return req_fail(req, &err);
	return reply_company(req, 200, c);
}

int company_api_delete(Req *req)
{
	Err err = {0};
	if (company_delete(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}

int company_api_restore(Req *req)
{
	Err err = {0};
	if (company_restore(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return reply_get(req, 200, 0);
}

int company_api_purge(Req *req)
{
	Err err = {0};
	if (company_purge(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}

int company_api_tag(Req *req)
{
	static const char *const fields[] = {"add", "remove", NULL};
	Err err = {0};
	json_t *c = NULL;
	json_t *add = json_object_get(req->body, "add"), *remove = json_object_get(req->body, "remove");
	if (json_check_fields(req->body, fields, &err))
		return req_fail(req, &err);
	if (json_array_size(add) + json_array_size(remove) == 0 && (!add || json_is_array(add)) &&
	    (!remove || json_is_array(remove)))
		return invalid_or_fail(req, "add", "give tags to add or remove");
	if (company_tag(req->db, &req->actor, req->id, add, remove, &c, &err))
		return req_fail(req, &err);
	return reply_company(req, 200, c);
}

int company_api_contacts(Req *req)
{
	static const char *const params[] = {"sort", "limit", "cursor", NULL};
	ContactQuery q = {.company_id = req->id};
	Err err = {0};
	json_t *c = NULL, *items = NULL;
	char *next = NULL;
	if (req_query_check(req, params, &err) || req_list_params(req, &q.limit, &q.cursor, &err))
		return req_fail(req, &err);
	q.sort = req_query(req, "sort");
	/* The company must be visible (trash included) before its contacts are. */
	if (company_get(req->db, &req->actor, req->id, 1, &c, &err) ||
	    contact_list(req->db, &req->actor, &q, &items, &next, &err)) {
		json_decref(c);
		return req_fail(req, &err);
	}
	json_decref(c);
	req_reply_list(req, items, next);
	free(next);
	return KITH_OK;
}

int company_api_history(Req *req)
{
	Err err = {0};
	json_t *c = NULL, *items = NULL;
	int limit;
	const char *cursor;
	if (req_list_params(req, &limit, &cursor, &err))
		return req_fail(req, &err);
	if (cursor)
		return invalid_or_fail(req, "cursor",
				       "history is one page, newest first; raise limit instead");
	if (company_get(req->db, &req->actor, req->id, 1, &c, &err) ||
	    audit_list(req->db, "company", req->id, limit, &items, &err)) {
		json_decref(c);
		return req_fail(req, &err);
	}
	json_decref(c);
	return req_reply_list(req, items, NULL);
}
