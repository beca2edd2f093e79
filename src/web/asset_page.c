/* asset_page.c - the web UI's asset route (routes.def: GET
 * /assets/{hash}/{name}): the embedded stylesheet and script under their
 * versioned URLs, cached for a year. A name this build does not have, or
 * a hash other than its content's (an older or newer build's page), is a
 * 404. Adapter of web/asset.h to http/. */
#include "http/http.h"
#include "web/asset.h"

int asset_page_get(Req *req)
{
	const Asset *a = asset_for_path(req->path);
	if (!a)
		return req_fail_status(req, 404, NULL,
				       "no such asset (the page that linked it may be from "
				       "another version of kith: reload it)");
	return req_reply_asset(req, a->data, a->len, a->type, a->etag);
}
