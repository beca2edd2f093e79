/* reassign_api.c - POST /api/v1/reassign {"from": EMAIL, "to": EMAIL}. */
#include "base/json.h"
#include "base/limits.h"
#include "views/reassign.h"
#include "http/http.h"

int reassign_api(Req *req)
{
	static const char *const fields[] = {"from", "to", NULL};
	Err err = {0};
	const char *from = NULL, *to = NULL;
	json_t *summary = NULL;
	if (json_check_fields(req->body, fields, &err) ||
	    json_get_str(req->body, "from", KITH_MAX_SHORT, &from, NULL, &err) ||
	    json_get_str(req->body, "to", KITH_MAX_SHORT, &to, NULL, &err))
		return req_fail(req, &err);
	if ((!from && req_invalid_or_fail(req, "from", "is required")) ||
	    (!to && req_invalid_or_fail(req, "to", "is required")))
		return KITH_OK;
	if (reassign_all(req->db, &req->actor, from, to, &summary, &err))
		return req_fail(req, &err);
	return req_reply(req, 200, summary);
}
