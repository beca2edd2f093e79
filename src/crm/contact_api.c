/* contact_api.c - the /api/v1/contacts routes: reads query parameters and
 * bodies, calls one contact.h function, answers JSON (ETag on every single
 * contact, Location on create, problems from the domain's Err). No rules
 * live here. Depends on http/http.h, crm/contact.h, core/audit.h. */
#include <stdlib.h>

#include "base/json.h"
#include "base/limits.h"
#include "core/audit.h"
#include "crm/contact.h"
#include "http/http.h"

/* Fetch contact req->id and answer it with status. */
static int reply_get(Req *req, int status, int include_deleted)
{
	Err err = {0};
	json_t *c = NULL;
	if (contact_get(req->db, &req->actor, req->id, include_deleted, &c, &err))
		return req_fail(req, &err);
	return req_reply_record(req, status, c);
}

int contact_api_list(Req *req)
{
	ContactQuery q = {0};
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	if (req_list_params(req, &q.limit, &q.cursor, &err))
		return req_fail(req, &err);
	if (req_query_id_or_fail(req, "owner_id", &q.owner_id) ||
	    req_query_id_or_fail(req, "company_id", &q.company_id) ||
	    req_query_bool_or_fail(req, "trash", &q.trash))
		return KITH_OK;
	q.q = req_query(req, "q");
	q.tag = req_query(req, "tag");
	q.status = req_query(req, "status");
	q.temperature = req_query(req, "temperature");
	q.source = req_query(req, "source");
	q.updated_since = req_query(req, "updated_since");
	q.sort = req_query(req, "sort");
	if (contact_list(req->db, &req->actor, &q, &items, &next, &err))
		return req_fail(req, &err);
	req_reply_list(req, items, next);
	free(next);
	return KITH_OK;
}

int contact_api_create(Req *req)
{
	Err err = {0};
	int64_t id = 0;
	int force;
	if (req_query_bool_or_fail(req, "force", &force))
		return KITH_OK;
	json_t *c = NULL, *warnings = NULL;
	if (contact_create(req->db, &req->actor, req->body, force ? CONTACT_FORCE : 0, &id, &err))
		return req_fail(req, &err);
	req_set_location(req, "/api/v1/contacts/%lld", (long long)id);
	req->id = id;
	if (contact_get(req->db, &req->actor, id, 0, &c, &err) ||
	    contact_create_warnings(req->db, &req->actor, id, &warnings, &err)) {
		json_decref(c);
		return req_fail(req, &err);
	}
	/* what does not stop a create (a namesake at the same company) */
	if (json_array_size(warnings))
		json_object_set(c, "warnings", warnings);
	json_decref(warnings);
	return req_reply_record(req, 201, c);
}

int contact_api_get(Req *req)
{
	int include_deleted;
	Err err = {0};
	char *text = NULL;
	int64_t version = 0;
	if (req_query_bool_or_fail(req, "include_deleted", &include_deleted))
		return KITH_OK;
	if (contact_get_text_annotated(req->db, &req->actor, req->id, include_deleted, &text,
				       &version, &err)) {
		free(text);
		return req_fail(req, &err);
	}
	req_set_etag(req, version);
	return req_reply_text(req, 200, text);
}

int contact_api_update(Req *req)
{
	Err err = {0};
	int64_t version;
	int force;
	json_t *c = NULL;
	if (req_if_match_or_fail(req, &version) || req_query_bool_or_fail(req, "force", &force))
		return KITH_OK;
	if (contact_update(req->db, &req->actor, req->id, req->body, version,
			   force ? CONTACT_FORCE : 0, &c, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, c);
}

int contact_api_delete(Req *req)
{
	Err err = {0};
	if (contact_delete(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}

int contact_api_restore(Req *req)
{
	Err err = {0};
	if (contact_restore(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return reply_get(req, 200, 0);
}

int contact_api_purge(Req *req)
{
	Err err = {0};
	if (contact_purge(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}

int contact_api_merge(Req *req)
{
	static const char *const fields[] = {"other_id", NULL};
	Err err = {0};
	int64_t other = 0;
	int present = 0;
	json_t *c = NULL;
	if (json_check_fields(req->body, fields, &err) ||
	    json_get_int(req->body, "other_id", &other, &present, &err))
		return req_fail(req, &err);
	if (!present || other <= 0)
		return req_invalid_or_fail(req, "other_id",
					   "the id of the contact to merge into this one is required");
	if (contact_merge(req->db, &req->actor, req->id, other, &c, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, c);
}

int contact_api_tag(Req *req)
{
	static const char *const fields[] = {"add", "remove", NULL};
	Err err = {0};
	json_t *c = NULL;
	json_t *add = json_object_get(req->body, "add"),
	       *remove = json_object_get(req->body, "remove");
	if (json_check_fields(req->body, fields, &err))
		return req_fail(req, &err);
	if (json_array_size(add) + json_array_size(remove) == 0 && (!add || json_is_array(add)) &&
	    (!remove || json_is_array(remove)))
		return req_invalid_or_fail(req, "add", "give tags to add or remove");
	if (contact_tag(req->db, &req->actor, req->id, add, remove, &c, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, c);
}

int contact_api_history(Req *req)
{
	Err err = {0};
	json_t *c = NULL, *items = NULL;
	int limit;
	const char *cursor;
	/* History is one page, newest first: routes.def declares no cursor. */
	if (req_list_params(req, &limit, &cursor, &err))
		return req_fail(req, &err);
	/* Access: the history of a contact is visible with the contact, trash included. */
	if (contact_get(req->db, &req->actor, req->id, 1, &c, &err) ||
	    audit_list(req->db, "contact", req->id, limit, &items, &err)) {
		json_decref(c);
		return req_fail(req, &err);
	}
	json_decref(c);
	return req_reply_list(req, items, NULL);
}
