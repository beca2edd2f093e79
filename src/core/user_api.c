/* user_api.c - the user routes:
 *   GET  /api/v1/me                   the user the token belongs to
 *   GET  /api/v1/users                users for assignment and sharing
 *   POST /api/v1/users/{id}/disable   (owners/admins) the user may no longer act
 *   POST /api/v1/users/{id}/enable    (owners/admins) and may again
 * Reads the request, calls one user.h function, answers JSON. No rules
 * live here: what a member sees of a colleague is user_list's. Depends on
 * http/http.h, core/user. */
#include "core/user.h"
#include "http/http.h"

/* GET /api/v1/me: the user the bearer token belongs to. */
int user_api_me(Req *req)
{
	json_t *user = NULL;
	Err err = {0};
	if (user_get(req->db, req->actor.user_id, &user, &err))
		return req_fail(req, &err);
	return req_reply(req, 200, user);
}

/* GET: {"items": [...], "next": null}; a workspace has a few dozen users,
 * so one page. */
int user_api_list(Req *req)
{
	Err err = {0};
	json_t *items = NULL;
	if (user_list(req->db, &req->actor, &items, &err))
		return req_fail(req, &err);
	return req_reply_list(req, items, NULL);
}

/* POST disable/enable: 200 with the user. */
static int set_disabled(Req *req, int disabled)
{
	Err err = {0};
	json_t *u = NULL;
	if (user_set_disabled(req->db, &req->actor, req->id, disabled, NULL, &err) ||
	    user_get(req->db, req->id, &u, &err))
		return req_fail(req, &err);
	return req_reply(req, 200, u);
}

int user_api_disable(Req *req)
{
	return set_disabled(req, 1);
}

int user_api_enable(Req *req)
{
	return set_disabled(req, 0);
}
