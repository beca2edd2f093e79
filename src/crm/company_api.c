/* company_api.c - the /api/v1/companies routes: reads query parameters and
 * bodies, calls one company.h function, answers JSON (ETag on every single
 * company, Location on create, problems from the domain's Err). No rules
 * live here. Depends on http/http.h, core/audit, crm/{company,contact}. */
#include <stdlib.h>

#include "base/json.h"
#include "base/limits.h"
#include "core/audit.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "http/http.h"

static int reply_get(Req *req, int status, int include_deleted)
{
	Err err = {0};
	json_t *c = NULL;
	if (company_get(req->db, &req->actor, req->id, include_deleted, &c, &err))
		return req_fail(req, &err);
	return req_reply_record(req, status, c);
}

int company_api_list(Req *req)
{
	CompanyQuery q = {0};
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	if (req_list_params(req, &q.limit, &q.cursor, &err))
		return req_fail(req, &err);
	if (req_query_id_or_fail(req, "owner_id", &q.owner_id) ||
	    req_query_bool_or_fail(req, "trash", &q.trash))
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
	if (req_query_bool_or_fail(req, "include_deleted", &include_deleted))
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
	if (company_update(req->db, &req->actor, req->id, req->body, version, &c,
			   &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, c);
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
		return req_invalid_or_fail(req, "add", "give tags to add or remove");
	if (company_tag(req->db, &req->actor, req->id, add, remove, &c, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, c);
}

int company_api_contacts(Req *req)
{
	ContactQuery q = {.company_id = req->id};
	Err err = {0};
	json_t *c = NULL, *items = NULL;
	char *next = NULL;
	if (req_list_params(req, &q.limit, &q.cursor, &err))
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
	/* History is one page, newest first: routes.def declares no cursor. */
	if (req_list_params(req, &limit, &cursor, &err))
		return req_fail(req, &err);
	if (company_get(req->db, &req->actor, req->id, 1, &c, &err) ||
	    audit_list(req->db, "company", req->id, limit, &items, &err)) {
		json_decref(c);
		return req_fail(req, &err);
	}
	json_decref(c);
	return req_reply_list(req, items, NULL);
}
