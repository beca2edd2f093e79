/* activity_api.c - the /api/v1/activities routes: reads query parameters
 * and bodies, calls one activity.h function, answers JSON (ETag on every single activity,
 * Location on create, problems from the domain's Err). No rules live here.
 * Depends on http/http.h, crm/activity. */
#include <stdlib.h>

#include "crm/activity.h"
#include "http/http.h"

static int reply_get(Req *req, int status, int include_deleted)
{
	Err err = {0};
	json_t *a = NULL;
	if (activity_get(req->db, &req->actor, req->id, include_deleted, &a, &err))
		return req_fail(req, &err);
	return req_reply_record(req, status, a);
}

int activity_api_list(Req *req)
{
	ActivityQuery q = {0};
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	if (req_list_params(req, &q.limit, &q.cursor, &err))
		return req_fail(req, &err);
	if (req_query_id_or_fail(req, "contact_id", &q.contact_id) ||
	    req_query_id_or_fail(req, "company_id", &q.company_id) ||
	    req_query_id_or_fail(req, "deal_id", &q.deal_id) ||
	    req_query_id_or_fail(req, "user_id", &q.user_id))
		return KITH_OK;
	q.kind = req_query(req, "kind");
	q.since = req_query(req, "since");
	if (activity_list(req->db, &req->actor, &q, &items, &next, &err))
		return req_fail(req, &err);
	req_reply_list(req, items, next);
	free(next);
	return KITH_OK;
}

int activity_api_create(Req *req)
{
	Err err = {0};
	int64_t id = 0;
	if (activity_create(req->db, &req->actor, req->body, &id, &err))
		return req_fail(req, &err);
	req_set_location(req, "/api/v1/activities/%lld", (long long)id);
	req->id = id;
	return reply_get(req, 201, 0);
}

int activity_api_get(Req *req)
{
	int include_deleted;
	if (req_query_bool_or_fail(req, "include_deleted", &include_deleted))
		return KITH_OK;
	return reply_get(req, 200, include_deleted);
}

int activity_api_update(Req *req)
{
	Err err = {0};
	int64_t version;
	json_t *a = NULL;
	if (req_if_match_or_fail(req, &version))
		return KITH_OK;
	if (activity_update(req->db, &req->actor, req->id, req->body, version, &a, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, a);
}

int activity_api_delete(Req *req)
{
	Err err = {0};
	if (activity_delete(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}

int activity_api_restore(Req *req)
{
	Err err = {0};
	if (activity_restore(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return reply_get(req, 200, 0);
}
