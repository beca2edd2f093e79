/* field_api.c - the /api/v1/fields routes: custom field definitions. Reads
 * query parameters and bodies, calls one field.h function, answers JSON
 * (ETag per definition, Location on create). No rules live here; the
 * router enforces PERM_ADMIN on writes, field.c checks again. Depends on
 * http/http.h, crm/field.h. */
#include <stdio.h>
#include <string.h>

#include "crm/field.h"
#include "crm/field_use.h"
#include "http/http.h"

int field_api_list(Req *req)
{
	Err err = {0};
	json_t *list = NULL;
	if (field_list(req->db, req_query(req, "entity"), &list, &err))
		return req_fail(req, &err);
	return req_reply_list(req, list, NULL);
}

int field_api_create(Req *req)
{
	Err err = {0};
	int64_t id = 0;
	json_t *def = NULL;
	if (field_define(req->db, &req->actor, req->body, &id, &err) ||
	    field_get(req->db, id, &def, &err))
		return req_fail(req, &err);
	req_set_location(req, "/api/v1/fields/%lld", (long long)id);
	return req_reply_record(req, 201, def);
}

int field_api_get(Req *req)
{
	Err err = {0};
	json_t *def = NULL;
	if (field_get(req->db, req->id, &def, &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, def);
}

int field_api_update(Req *req)
{
	Err err = {0};
	int64_t version;
	json_t *def = NULL;
	if (req_if_match_or_fail(req, &version))
		return KITH_OK;
	if (field_update(req->db, &req->actor, req->id, req->body, version, &def,
			 &err))
		return req_fail(req, &err);
	return req_reply_record(req, 200, def);
}

int field_api_delete(Req *req)
{
	Err err = {0};
	int force;
	if (req_query_bool_or_fail(req, "force", &force))
		return KITH_OK;
	if (field_use_remove(req->db, &req->actor, req->id, force, NULL, &err)) {
		char *cut = err.code == ERR_CONFLICT ? strstr(err.msg, "; confirm with force") : NULL;
		if (cut) /* on the API, the confirmation is ?force=true */
			snprintf(cut, sizeof err.msg - (size_t)(cut - err.msg),
				 "; repeat with ?force=true to delete them");
		return req_fail(req, &err);
	}
	return req_reply(req, 204, NULL);
}
