/* err.c - filling Err records. libc only. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(Err *err, int code, const char *field, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	err->ref_id = 0;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void err_clear(Err *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

const char *err_code_name(int code)
{
	switch (code) {
	case KITH_OK: return "ok";
	case ERR_INVALID: return "invalid";
	case ERR_NOT_FOUND: return "not_found";
	case ERR_CONFLICT: return "conflict";
	case ERR_STALE: return "stale";
	case ERR_GONE: return "gone";
	case ERR_UNAUTHORIZED: return "unauthorized";
	case ERR_FORBIDDEN: return "forbidden";
	case ERR_BUSY: return "busy";
	case ERR_STORAGE: return "storage";
	case ERR_UNAVAILABLE: return "unavailable";
	default: return "internal";
	}
}
