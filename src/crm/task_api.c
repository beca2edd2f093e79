/* task_api.c - the /api/v1/tasks routes: reads query parameters and
 * bodies, calls one task.h function, answers JSON (ETag on every single
 * task, Location on create, problems from the domain's Err). No rules
 * live here. Depends on http/http.h, crm/task. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "crm/task.h"
#include "http/http.h"

static int reply_get(Req *req, int status, int include_deleted)
{
	Err err = {0};
	json_t *t = NULL;
	if (task_get(req->db, &req->actor, req->id, include_deleted, &t, &err))
		return req_fail(req, &err);
	return req_reply_record(req, status, t);
}

int task_api_list(Req *req)
{
	TaskQuery q = {0};
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	if (req_list_params(req, &q.limit, &q.cursor, &err))
		return req_fail(req, &err);
	if (req_query_id_or_fail(req, "assignee_id", &q.assignee_id) ||
	    req_query_id_or_fail(req, "contact_id", &q.contact_id) ||
	    req_query_id_or_fail(req, "company_id", &q.company_id) ||
	    req_query_id_or_fail(req, "deal_id", &q.deal_id))
		return KITH_OK;
	q.status = req_query(req, "status");
	if (task_list(req->db, &req->actor, &q, &items, &next, &err))
		return req_fail(req, &err);
	req_reply_list(req, items, next);
	free(next);
	return KITH_OK;
}

int task_api_create(Req *req)
{
	Err err = {0};
	int64_t id = 0;
	if (task_create(req->db, &req->actor, req->body, &id, &err))
		return req_fail(req, &err);
	req_set_location(req, "/api/v1/tasks/%lld", (long long)id);
	req->id = id;
	return reply_get(req, 201, 0);
}

int task_api_get(Req *req)
{
	int include_deleted;
	if (req_query_bool_or_fail(req, "include_deleted", &include_deleted))
		return KITH_OK;
	return reply_get(req, 200, include_deleted);
}

int task_api_update(Req *req)
{
	Err err = {0};
	int64_t version;
	json_t *t = NULL;
	if (req_if_match_or_fail(req, &version))
		return KITH_OK;
	if (task_update(req->db, &req->actor, req->id, req->body, version, &t, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, t);
}

int task_api_delete(Req *req)
{
	Err err = {0};
	if (task_delete(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}

int task_api_restore(Req *req)
{
	Err err = {0};
	if (task_restore(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return reply_get(req, 200, 0);
}

/* The optional body of POST /tasks/{id}/done: {"outcome", "note"}, each a
 * string or null. */
static int done_body(const json_t *b, TaskDone *how, Err *err)
{
	static const char *const fields[] = {"outcome", "note", NULL};
	*how = (TaskDone){0};
	if (!b)
		return KITH_OK;
	if (json_check_fields(b, fields, err))
		return ERR_INVALID;
	for (int i = 0; fields[i]; i++) {
		json_t *v = json_object_get(b, fields[i]);
		if (v && !json_is_null(v) && !json_is_string(v))
			return err_set(err, ERR_INVALID, fields[i], "must be a string or null");
	}
	how->outcome = json_string_value(json_object_get(b, "outcome"));
	how->note = json_string_value(json_object_get(b, "note"));
	return KITH_OK;
}

/* The task, with "next_id" of the occurrence a repeating task got and
 * "activity_id" of the touch a call, email or meeting recorded. */
int task_api_done(Req *req)
{
	Err err = {0};
	int64_t next = 0, activity = 0;
	TaskDone how;
	json_t *t = NULL;
	if (done_body(req->body, &how, &err) ||
	    task_complete(req->db, &req->actor, req->id, &how, &next, &activity, &err) ||
	    task_get(req->db, &req->actor, req->id, 0, &t, &err))
		return req_fail(req, &err);
	json_object_set_new(t, "next_id", next ? json_integer(next) : json_null());
	json_object_set_new(t, "activity_id", activity ? json_integer(activity) : json_null());
	return req_reply_record(req, 200, t);
}

int task_api_reopen(Req *req)
{
	Err err = {0};
	if (task_reopen(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return reply_get(req, 200, 0);
}

/* Body {"until": WHEN} or {"for": "3d"}. */
int task_api_snooze(Req *req)
{
	static const char *const fields[] = {"until", "for", NULL};
	Err err = {0};
	const json_t *b = req->body;
	json_t *u = json_object_get(b, "until"), *f = json_object_get(b, "for");
	if (!json_is_object(b)) {
		err_set(&err, ERR_INVALID, NULL, "the body must be a JSON object");
		return req_fail(req, &err);
	}
	if (json_check_fields(b, fields, &err))
		return req_fail(req, &err);
	if ((u && !json_is_string(u)) || (f && !json_is_string(f))) {
		err_set(&err, ERR_INVALID, u && !json_is_string(u) ? "until" : "for",
			"must be a string");
		return req_fail(req, &err);
	}
	if (task_snooze(req->db, &req->actor, req->id, json_string_value(u), json_string_value(f),
			&err))
		return req_fail(req, &err);
	return reply_get(req, 200, 0);
}
