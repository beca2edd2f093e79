/* history_api.c - the audit history of deals, tasks and activities:
 *   GET /api/v1/{deals,tasks,activities}/{id}/history?limit=N
 * newest first, one page, each entry with its fields from what to what
 * (audit_fields); visible with the record, trash included. (Contacts and
 * companies serve theirs from contact_api.c and company_api.c.) Depends on
 * http/http.h, core/audit, crm/{activity, deal, task}. */
#include "crm/activity.h"
#include "core/audit.h"
#include "crm/deal.h"
#include "crm/task.h"
#include "http/http.h"

typedef int (*GetFn)(Db *, const Actor *, int64_t, int, json_t **, Err *);

static int history(Req *req, const char *entity, GetFn get)
{
	Err err = {0};
	json_t *rec = NULL, *items = NULL;
	const char *cursor;
	int limit;
	/* one page, newest first: routes.def allows limit, no cursor */
	if (req_list_params(req, &limit, &cursor, &err))
		return req_fail(req, &err);
	if (get(req->db, &req->actor, req->id, 1, &rec, &err) ||
	    audit_list(req->db, entity, req->id, limit, &items, &err)) {
		json_decref(rec);
		return req_fail(req, &err);
	}
	json_decref(rec);
	return req_reply_list(req, items, NULL);
}

int history_api_deal(Req *req)
{
	return history(req, "deal", deal_get);
}

int history_api_task(Req *req)
{
	return history(req, "task", task_get);
}

int history_api_activity(Req *req)
{
	return history(req, "activity", activity_get);
}
