/* timeline_api.c - GET /api/v1/{contacts,companies,deals}/{id}/timeline:
 * reads the page parameters, calls timeline_page (the page and the last touch),
 * answers JSON or a problem from the domain's Err. No rules live here.
 * Depends on http/http.h, views/timeline. */
#include <stdlib.h>

#include "views/timeline.h"
#include "http/http.h"

/* {"items", "next", "last_contacted_at"} of the record's timeline. */
static int reply_timeline(Req *req, const char *entity)
{
	Err err = {0};
	json_t *items = NULL, *out;
	char *next = NULL, last[21];
	const char *cursor;
	int limit;
	if (req_list_params(req, &limit, &cursor, &err) ||
	    timeline_page(req->db, &req->actor, entity, req->id, limit, cursor, &items, &next, last,
			  &err)) {
		json_decref(items);
		free(next);
		return req_fail(req, &err);
	}
	out = json_object();
	json_object_set_new(out, "items", items);
	json_object_set_new(out, "next", next ? json_string(next) : json_null());
	json_object_set_new(out, "last_contacted_at", last[0] ? json_string(last) : json_null());
	free(next);
	return req_reply(req, 200, out);
}

int timeline_api_contact(Req *req)
{
	return reply_timeline(req, "contact");
}

int timeline_api_company(Req *req)
{
	return reply_timeline(req, "company");
}

int timeline_api_deal(Req *req)
{
	return reply_timeline(req, "deal");
}
