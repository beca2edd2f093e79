/* idempotency.h - remembered responses for POST requests that carried an
 * Idempotency-Key, so a retried request creates nothing twice. Owns table
 * idempotency_key. Keys live KITH_IDEMPOTENCY_TTL_S seconds; older rows are
 * ignored and purged. Depends on store/db.h and base/. */
#ifndef KITH_STORE_IDEMPOTENCY_H
#define KITH_STORE_IDEMPOTENCY_H

#include <stdint.h>
#include <time.h>

#include "store/db.h"

typedef struct IdempotencyRecord {
	char request_hash[65]; /* hex hash of the first request */
	int status;	       /* HTTP status of the first response */
	char *body;	    /* its body (malloc'd, "" when it had none); idempotency_record_free */
	char location[256]; /* its Location header, "" when none */
	char etag[40];	    /* its ETag header, "" when none */
} IdempotencyRecord;

/* Inside a write transaction, wait until no other transaction holds
 * (user_id, key) and hold it until this one ends (db_lock_key): a retry
 * that arrives while the first request still runs waits for it, then
 * finds its stored answer, so the handler never runs twice. Take it
 * before idempotency_find. Errors: ERR_BUSY after the lock timeout,
 * ERR_INTERNAL outside a transaction, ERR_STORAGE. */
int idempotency_lock(Db *db, int64_t user_id, const char *key, Err *err) KITH_WARN_UNUSED;

/* Look up (user_id, key) among keys stored after now - TTL. *found is 1 and
 * *out filled (free with idempotency_record_free) when there is one, else 0.
 * Errors: ERR_STORAGE. */
int idempotency_find(Db *db, int64_t user_id, const char *key, time_t now, IdempotencyRecord *out,
		     int *found, Err *err) KITH_WARN_UNUSED;

/* Store (or replace an expired) response for (user_id, key), stamped now.
 * body may be NULL (no body); location and etag may be NULL or "". Run it inside
 * the caller's transaction. Errors: ERR_STORAGE. */
int idempotency_save(Db *db, int64_t user_id, const char *key, const char *request_hash, int status,
		     const char *body, const char *location, const char *etag, time_t now,
		     Err *err) KITH_WARN_UNUSED;

/* Delete every key stored before now - TTL. Errors: ERR_STORAGE. */
int idempotency_purge(Db *db, time_t now, Err *err) KITH_WARN_UNUSED;

/* Free what idempotency_find put into r (r itself is the caller's). */
void idempotency_record_free(IdempotencyRecord *r);

#endif
