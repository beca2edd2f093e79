/* idempotency.c - the SQL of table idempotency_key (see idempotency.h).
 * Depends on store/db.h and base/. */
#include "store/idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/limits.h"

/* The oldest created_at still honoured at time now. */
static void cutoff(time_t now, char out[21])
{
	time_iso(now - KITH_IDEMPOTENCY_TTL_S, out);
}

int idempotency_lock(Db *db, int64_t user_id, const char *key, Err *err)
{
	char claim[KITH_MAX_IDEMPOTENCY_KEY + 32];
	snprintf(claim, sizeof claim, "%lld:%s", (long long)user_id, key);
	return db_lock_key(db, "idempotency_key", claim, err);
}

int idempotency_find(Db *db, int64_t user_id, const char *key, time_t now, IdempotencyRecord *out,
		     int *found, Err *err)
{
	static const char sql[] =
	    "SELECT request_hash, status, body, location, etag FROM idempotency_key "
	    "WHERE user_id = ? AND key = ? AND created_at >= ?";
	char since[21];
	DbStmt *st;
	*found = 0;
	memset(out, 0, sizeof *out);
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	cutoff(now, since);
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, since);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		const char *hash = db_col_text(st, 0), *body = db_col_text(st, 2);
		const char *loc = db_col_text(st, 3), *etag = db_col_text(st, 4);
		snprintf(out->request_hash, sizeof out->request_hash, "%s", hash ? hash : "");
		out->status = (int)db_col_int(st, 1);
		snprintf(out->location, sizeof out->location, "%s", loc ? loc : "");
		snprintf(out->etag, sizeof out->etag, "%s", etag ? etag : "");
		out->body = strdup(body ? body : "");
		rc = out->body ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
		*found = rc == KITH_OK;
	} else if (rc == DB_DONE) {
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

int idempotency_save(Db *db, int64_t user_id, const char *key, const char *request_hash, int status,
		     const char *body, const char *location, const char *etag, time_t now, Err *err)
{
	static const char sql[] =
	    "INSERT INTO idempotency_key (user_id, key, request_hash, status, body, location, "
	    "etag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash, "
	    "status = excluded.status, body = excluded.body, location = excluded.location, "
	    "etag = excluded.etag, created_at = excluded.created_at";
	char at[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_iso(now, at);
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, key);
	db_bind_text(st, 3, request_hash);
	db_bind_int(st, 4, status);
	db_bind_text(st, 5, body ? body : "");
	db_bind_text_or_null(st, 6, location);
	db_bind_text_or_null(st, 7, etag);
	db_bind_text(st, 8, at);
	return db_exec_stmt(st, err);
}

int idempotency_purge(Db *db, time_t now, Err *err)
{
	static const char sql[] = "DELETE FROM idempotency_key WHERE created_at < ?";
	char since[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	cutoff(now, since);
	db_bind_text(st, 1, since);
	return db_exec_stmt(st, err);
}

void idempotency_record_free(IdempotencyRecord *r)
{
	free(r->body);
	r->body = NULL;
}
