/* problem.c - RFC 9457 problem documents and the Err -> status map.
 * Depends on base/ and jansson only. */
#include "http/problem.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"

int problem_status(int code)
{
	switch (code) {
	case ERR_INVALID:
		return 422;
	case ERR_NOT_FOUND:
		return 404;
	case ERR_CONFLICT:
		return 409;
	case ERR_STALE:
		return 412;
	case ERR_GONE:
		return 410;
	case ERR_UNAUTHORIZED:
		return 401;
	case ERR_FORBIDDEN:
		return 403;
	case ERR_BUSY:
	case ERR_UNAVAILABLE:
		return 503;
	default:
		return 500;
	}
}

const char *problem_title(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 412:
		return "Precondition Failed";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 428:
		return "Precondition Required";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Error";
	}
}

/* A JSON string from s, or from a placeholder when s is not valid UTF-8
 * (jansson refuses invalid UTF-8, and a problem must always be sent). */
static json_t *safe_string(const char *s)
{
	size_t n = strlen(s);
	return json_stringn(utf8_valid(s, n) ? s : "(not valid UTF-8)", utf8_valid(s, n) ? n : 17);
}

json_t *problem_new(int status, const char *code, const char *detail, const char *field,
		    const char *message, long long ref_id)
{
	json_t *p = json_object();
	if (!p)
		return NULL;
	/* RFC 9457 4.2.1: about:blank, the problem means what its status means.
	 * A type URI must be one its owner keeps answering; kith owns no
	 * domain, so it mints none, and says the finer cause in "code". */
	json_object_set_new(p, "type", json_string("about:blank"));
	json_object_set_new(p, "title", json_string(problem_title(status)));
	json_object_set_new(p, "status", json_integer(status));
	if (code)
		json_object_set_new(p, "code", json_string(code));
	json_object_set_new(p, "detail", safe_string(detail ? detail : ""));
	if (field && field[0]) {
		json_t *e = json_object();
		json_object_set_new(e, "field", safe_string(field));
		json_object_set_new(e, "message",
				    safe_string(message	 ? message
						: detail ? detail
							 : ""));
		json_object_set_new(p, "errors", json_pack("[o]", e));
	}
	if (ref_id != 0)
		json_object_set_new(p, "existing_id", json_integer(ref_id));
	return p;
}

json_t *problem_from_err(const Err *err)
{
	int status = problem_status(err->code);
	const char *code = err_code_name(err->code);
	if (status == 500)
		return problem_new(500, code, "internal error; the server log has the details",
				   NULL, NULL, 0);
	if (err->code == ERR_UNAVAILABLE) /* the message names the database server */
		return problem_new(503, code,
				   "the database cannot be reached; try again shortly (the server "
				   "log has the details)",
				   NULL, NULL, 0);
	char detail[sizeof err->field + sizeof err->msg + 2];
	if (err->field[0])
		snprintf(detail, sizeof detail, "%s: %s", err->field, err->msg);
	else
		snprintf(detail, sizeof detail, "%s", err->msg);
	return problem_new(status, code, detail, err->field, err->msg, err->ref_id);
}
