/* err.h - the error record every domain call fills.
 * libc only. Surfaces map codes to exit codes (cli) or HTTP statuses (http). */
#ifndef KITH_BASE_ERR_H
#define KITH_BASE_ERR_H

#define KITH_WARN_UNUSED __attribute__((warn_unused_result))
#define KITH_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum {
	KITH_OK = 0,
	ERR_INVALID,      /* input rejected; field names what */
	ERR_NOT_FOUND,    /* no such record, or not visible to the actor */
	ERR_CONFLICT,     /* duplicate or state conflict */
	ERR_STALE,        /* the record changed since the caller read it (If-Match) */
	ERR_GONE,         /* the record is in the trash */
	ERR_UNAUTHORIZED, /* no valid credentials */
	ERR_FORBIDDEN,    /* known actor, action not allowed (rare: hidden records are NOT_FOUND) */
	ERR_BUSY,         /* the database stayed locked past the busy timeout; retry later */
	ERR_STORAGE,      /* database failure */
	ERR_UNAVAILABLE,  /* the database server cannot be reached (down, refusing); retry later */
	ERR_INTERNAL,     /* bug or resource exhaustion */
};

typedef struct Err {
	int code;            /* one of the enum above; KITH_OK when clear */
	char field[64];      /* the input field at fault, "" when none */
	char msg[512];       /* a sentence fit for a user */
	long long ref_id;    /* a related record (e.g. the existing duplicate), 0 when none */
} Err;

/* Fill err (may be NULL) and return code. field may be NULL. */
int err_set(Err *err, int code, const char *field, const char *fmt, ...) KITH_PRINTF(4, 5);

/* Reset err to KITH_OK. */
void err_clear(Err *err);

/* Short machine name of a code: "invalid", "not_found", ... */
const char *err_code_name(int code);

#endif
