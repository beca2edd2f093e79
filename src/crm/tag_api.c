/* tag_api.c - GET /api/v1/tags: the tags contacts and companies share, with
 * how many live records use each; PATCH /api/v1/tags/{id}: a tag's cadence.
 * Depends on http/http.h, base/json.h, crm/{tag,cadence}.h. */
#include "base/json.h"
#include "crm/cadence.h"
#include "crm/tag.h"
#include "http/http.h"

int tag_api_list(Req *req)
{
	Err err = {0};
	json_t *tags = NULL;
	if (tag_list(req->db, &req->actor, &tags, &err))
		return req_fail(req, &err);
	return req_reply_list(req, tags, NULL);
}

/* PATCH /api/v1/tags/{id} {"cadence_days": n | null}: a tag has no other
 * writable key and no version, so no If-Match is asked for (last write
 * wins on a single setting). */
int tag_api_update(Req *req)
{
	static const char *const fields[] = {"cadence_days", NULL};
	Err err = {0};
	json_t *out = NULL;
	int64_t days = 0;
	if (!json_is_object(req->body)) {
		err_set(&err, ERR_INVALID, NULL, "the body must be a JSON object");
		return req_fail(req, &err);
	}
	if (json_check_fields(req->body, fields, &err))
		return req_fail(req, &err);
	if (!json_object_get(req->body, "cadence_days")) {
		err_set(&err, ERR_INVALID, "cadence_days", "is required (a number of days or null)");
		return req_fail(req, &err);
	}
	if (cadence_days_check(json_object_get(req->body, "cadence_days"), "cadence_days", &days,
			       &err) ||
	    tag_set_cadence(req->db, &req->actor, req->id, days, &out, &err))
		return req_fail(req, &err);
	return req_reply(req, 200, out);
}
