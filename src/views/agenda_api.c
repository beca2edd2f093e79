/* agenda_api.c - GET /api/v1/agenda: reads user_id, team, today and days,
 * lets due_scope decide whose agenda and how far ahead, answers
 * agenda_get_text's JSON text as is. No rules live here. Depends on
 * http/http.h, views/{agenda,due}. */
#include "base/limits.h"
#include "http/http.h"
#include "views/agenda.h"
#include "views/due.h"

int agenda_api(Req *req)
{
	Err err = {0};
	char *out = NULL;
	int64_t user = 0;
	int team, days;
	if (req_query_id_or_fail(req, "user_id", &user) ||
	    req_query_bool_or_fail(req, "team", &team))
		return KITH_OK;
	if (due_scope(&req->actor, user, team, req_query(req, "days"), KITH_AGENDA_DAYS_DEFAULT,
		      &user, &days, &err))
		return req_fail(req, &err);
	if (agenda_get_text(req->db, &req->actor, user, req_query(req, "today"), days, &out, &err))
		return req_fail(req, &err);
	return req_reply_text(req, 200, out);
}
