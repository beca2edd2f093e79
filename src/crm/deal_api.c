/* deal_api.c - the /api/v1/deals routes and the board and forecast of a
 * pipeline: reads query parameters and bodies, calls one deal.h function,
 * answers JSON (ETag on every single deal, Location on create, problems
 * from the domain's Err). No rules live here. Depends on http/http.h,
 * crm/deal. */
#include <stdlib.h>

#include "base/json.h"
#include "base/limits.h"
#include "crm/deal.h"
#include "http/http.h"

static int reply_get(Req *req, int status, int include_deleted)
{
	Err err = {0};
	json_t *d = NULL;
	if (deal_get(req->db, &req->actor, req->id, include_deleted, &d, &err))
		return req_fail(req, &err);
	return req_reply_record(req, status, d);
}

int deal_api_list(Req *req)
{
	DealQuery q = {0};
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	if (req_list_params(req, &q.limit, &q.cursor, &err))
		return req_fail(req, &err);
	if (req_query_id_or_fail(req, "pipeline_id", &q.pipeline_id) ||
	    req_query_id_or_fail(req, "stage_id", &q.stage_id) ||
	    req_query_id_or_fail(req, "owner_id", &q.owner_id) ||
	    req_query_id_or_fail(req, "contact_id", &q.contact_id) ||
	    req_query_id_or_fail(req, "company_id", &q.company_id) ||
	    req_query_bool_or_fail(req, "trash", &q.trash))
		return KITH_OK;
	q.status = req_query(req, "status");
	q.stage_since = req_query(req, "stage_since");
	if (deal_list(req->db, &req->actor, &q, &items, &next, &err))
		return req_fail(req, &err);
	req_reply_list(req, items, next);
	free(next);
	return KITH_OK;
}

int deal_api_create(Req *req)
{
	Err err = {0};
	int64_t id = 0;
	if (deal_create(req->db, &req->actor, req->body, &id, &err))
		return req_fail(req, &err);
	req_set_location(req, "/api/v1/deals/%lld", (long long)id);
	req->id = id;
	return reply_get(req, 201, 0);
}

int deal_api_get(Req *req)
{
	int include_deleted;
	if (req_query_bool_or_fail(req, "include_deleted", &include_deleted))
		return KITH_OK;
	return reply_get(req, 200, include_deleted);
}

int deal_api_update(Req *req)
{
	Err err = {0};
	int64_t version;
	json_t *d = NULL;
	if (req_if_match_or_fail(req, &version))
		return KITH_OK;
	if (deal_update(req->db, &req->actor, req->id, req->body, version, &d, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, d);
}

int deal_api_delete(Req *req)
{
	Err err = {0};
	if (deal_delete(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}

int deal_api_restore(Req *req)
{
	Err err = {0};
	if (deal_restore(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return reply_get(req, 200, 0);
}

int deal_api_move(Req *req)
{
	static const char *const fields[] = {"stage_id", "lost_reason", NULL};
	Err err = {0};
	int64_t version, stage_id = 0;
	const char *reason = NULL;
	int present = 0;
	json_t *d = NULL;
	if (req_if_match_or_fail(req, &version))
		return KITH_OK;
	if (json_check_fields(req->body, fields, &err) ||
	    json_get_int(req->body, "stage_id", &stage_id, &present, &err) ||
	    json_get_str(req->body, "lost_reason", KITH_MAX_TEXT, &reason, NULL, &err))
		return req_fail(req, &err);
	if (!present)
		return req_invalid_or_fail(req, "stage_id", "is required");
	if (deal_move(req->db, &req->actor, req->id, stage_id, version, reason, &d, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, d);
}

int deal_api_board(Req *req)
{
	Err err = {0};
	json_t *b = NULL;
	DealBoardQuery q = {.pipeline_id = req->id, .limit = KITH_BOARD_DEFAULT};
	const char *s = req_query(req, "limit");
	if (req_query_int_or_fail(req, "closed_days", 1, KITH_BOARD_CLOSED_DAYS_MAX,
				  &q.closed_days))
		return KITH_OK;
	if ((s && req_parse_limit(s, &q.limit, &err)) || deal_board(req->db, &req->actor, &q, &b, &err))
		return req_fail(req, &err);
	return req_reply(req, 200, b);
}

int deal_api_forecast(Req *req)
{
	Err err = {0};
	json_t *f = NULL;
	if (deal_forecast(req->db, &req->actor, req->id, &f, &err))
		return req_fail(req, &err);
	return req_reply(req, 200, f);
}

int deal_api_stages(Req *req)
{
	Err err = {0};
	json_t *history = NULL;
	if (deal_history(req->db, &req->actor, req->id, &history, &err))
		return req_fail(req, &err);
	return req_reply(req, 200, json_pack("{so}", "items", history));
}
