/* pipeline_api.c - the /api/v1/pipelines and /api/v1/stages routes: reads
 * bodies, calls one pipeline.h function, answers JSON (ETag = the
 * pipeline's version, Location on create, problems from the domain's Err).
 * No rules live here. Depends on http/http.h, crm/pipeline. */
#include "crm/pipeline.h"
#include "http/http.h"

static int reply_pipeline(Req *req, int status, int64_t id)
{
	Err err = {0};
	json_t *p = NULL;
	if (pipeline_get(req->db, id, &p, &err))
		return req_fail(req, &err);
	return req_reply_record(req, status, p);
}

int pipeline_api_list(Req *req)
{
	Err err = {0};
	json_t *items = NULL;
	if (pipeline_list(req->db, &items, &err))
		return req_fail(req, &err);
	return req_reply_list(req, items, NULL);
}

int pipeline_api_create(Req *req)
{
	Err err = {0};
	int64_t id = 0;
	if (pipeline_create(req->db, &req->actor, req->body, &id, &err))
		return req_fail(req, &err);
	req_set_location(req, "/api/v1/pipelines/%lld", (long long)id);
	return reply_pipeline(req, 201, id);
}

int pipeline_api_get(Req *req)
{
	return reply_pipeline(req, 200, req->id);
}

int pipeline_api_update(Req *req)
{
	Err err = {0};
	int64_t version;
	json_t *p = NULL;
	if (req_if_match_or_fail(req, &version))
		return KITH_OK;
	if (pipeline_update(req->db, &req->actor, req->id, req->body, version, &p, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, p);
}

int pipeline_api_stage_add(Req *req)
{
	Err err = {0};
	int64_t stage_id = 0;
	if (stage_add(req->db, &req->actor, req->id, req->body, &stage_id, &err))
		return req_fail(req, &err);
	req_set_location(req, "/api/v1/pipelines/%lld", (long long)req->id);
	return reply_pipeline(req, 201, req->id);
}

int pipeline_api_stage_update(Req *req)
{
	Err err = {0};
	int64_t version;
	json_t *p = NULL;
	if (req_if_match_or_fail(req, &version))
		return KITH_OK;
	if (stage_update(req->db, &req->actor, req->id, req->body, version, &p, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, p);
}

int pipeline_api_stage_delete(Req *req)
{
	Err err = {0};
	if (stage_remove(req->db, &req->actor, req->id, &err))
		return req_fail(req, &err);
	return req_reply(req, 204, NULL);
}
