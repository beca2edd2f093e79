/* collab_api.c - the collaborator routes of contacts, companies and deals:
 *   GET    /api/v1/{contacts,companies,deals}/{id}/collaborators
 *   POST   /api/v1/{contacts,companies,deals}/{id}/collaborators  {"user_id": N}
 *                                                   or {"email": "..."}
 *   DELETE /api/v1/{contacts,companies,deals}/{id}/collaborators/{user_id}
 * Reads the body, calls one collab.h function, answers JSON. No rules live
 * here. Depends on http/http.h, crm/collab. */
#include "base/json.h"
#include "base/limits.h"
#include "crm/collab.h"
#include "http/http.h"

/* GET: {"items": [...], "next": null}; at most KITH_MAX_COLLABORATORS, so
 * one page. */
static int list(Req *req, RecordKind kind)
{
	Err err = {0};
	json_t *items = NULL;
	if (collab_list(req->db, &req->actor, kind, req->id, &items, &err))
		return req_fail(req, &err);
	return req_reply_list(req, items, NULL);
}

/* The entry of user_id in record id's collaborators (for the POST answer). */
static int entry(Req *req, RecordKind kind, int64_t user_id, json_t **out, Err *err)
{
	json_t *items = NULL, *e;
	size_t i;
	int rc = collab_list(req->db, &req->actor, kind, req->id, &items, err);
	if (rc)
		return rc;
	*out = NULL;
	json_array_foreach(items, i, e)
	{
		if (json_int_of(e, "user_id") == user_id)
			*out = json_incref(e);
	}
	json_decref(items);
	return *out ? KITH_OK : err_set(err, ERR_NOT_FOUND, "user_id", "not a collaborator");
}

/* POST {"user_id": N} or {"email": "..."} (one of them): 201 with the new
 * collaborator, 200 when they were one already. */
static int add(Req *req, RecordKind kind)
{
	static const char *const fields[] = {"user_id", "email", NULL};
	Err err = {0};
	int64_t user_id = 0;
	const char *email = NULL;
	int present = 0, added = 0, rc;
	json_t *e = NULL;
	if (json_check_fields(req->body, fields, &err) ||
	    json_get_int(req->body, "user_id", &user_id, &present, &err) ||
	    json_get_str(req->body, "email", KITH_MAX_SHORT, &email, NULL, &err))
		return req_fail(req, &err);
	if (present && email)
		return req_invalid_or_fail(req, "email", "give user_id or email, not both");
	if (!present && !email)
		return req_invalid_or_fail(req, "user_id", "is required (or email)");
	if (email)
		rc = collab_add_email(req->db, &req->actor, kind, req->id, email, &user_id, &added,
				      &err);
	else
		rc = collab_add(req->db, &req->actor, kind, req->id, user_id, &added, &err);
	if (rc || entry(req, kind, user_id, &e, &err))
		return req_fail(req, &err);
	return req_reply(req, added ? 201 : 200, e);
}

/* DELETE: 204. */
static int remove_one(Req *req, RecordKind kind)
{
	Err err = {0};
	if (collab_remove(req->db, &req->actor, kind, req->id, req->sub_id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}

int collab_api_contact_list(Req *req)
{
	return list(req, RECORD_CONTACT);
}

int collab_api_contact_add(Req *req)
{
	return add(req, RECORD_CONTACT);
}

int collab_api_contact_remove(Req *req)
{
	return remove_one(req, RECORD_CONTACT);
}

int collab_api_company_list(Req *req)
{
	return list(req, RECORD_COMPANY);
}

int collab_api_company_add(Req *req)
{
	return add(req, RECORD_COMPANY);
}

int collab_api_company_remove(Req *req)
{
	return remove_one(req, RECORD_COMPANY);
}

int collab_api_deal_list(Req *req)
{
	return list(req, RECORD_DEAL);
}

int collab_api_deal_add(Req *req)
{
	return add(req, RECORD_DEAL);
}

int collab_api_deal_remove(Req *req)
{
	return remove_one(req, RECORD_DEAL);
}
