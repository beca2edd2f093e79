/* tag_api.c - GET /api/v1/tags: the tags contacts and companies share, with
 * how many live records use each. Depends on http/http.h, crm/tag.h. */
#include "crm/tag.h"
#include "http/http.h"

int tag_api_list(Req *req)
{
	static const char *const no_params[] = {NULL};
	Err err = {0};
	json_t *tags = NULL;
	if (req_params_or_fail(req, no_params))
		return KITH_OK;
	if (tag_list(req->db, &req->actor, &tags, &err))
		return req_fail(req, &err);
	return req_reply_list(req, tags, NULL);
}
