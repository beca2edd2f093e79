/* meta_api.c - the API's own routes: health, the caller (/me), and the
 * OpenAPI document. Depends on http.h, server.h, crm/user.h. */
#include "crm/user.h"
#include "http/http.h"
#include "http/server.h"

/* GET /api/v1/health: {"status":"ok"}; touches no database (load balancers
 * and the benchmark's trivial route). */
int meta_api_health(Req *req)
{
	return req_reply(req, 200, json_pack("{s:s}", "status", "ok"));
}

/* GET /api/v1/me: the user the bearer token belongs to. */
int meta_api_me(Req *req)
{
	json_t *user = NULL;
	Err err = {0};
	if (user_get(req->db, req->actor.user_id, &user, &err))
		return req_fail(req, &err);
	return req_reply(req, 200, user);
}

/* GET /api/v1/openapi.json: the document merged once at start-up. */
int meta_api_openapi(Req *req)
{
	size_t len;
	const char *doc = server_openapi(req, &len);
	server_reply_static(req, 200, doc, len);
	return KITH_OK;
}
