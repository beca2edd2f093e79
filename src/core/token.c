/* token.c - API tokens: random secrets, stored as BLAKE2b hashes. */
#include "core/token.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/limits.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/user.h"

/* The BLAKE2b hash of a secret, raw and as the hex stored in token_hash. */
static void token_hash_raw(const char *secret, unsigned char h[TOKEN_HASH_BYTES])
{
	crypto_generichash(h, TOKEN_HASH_BYTES, (const unsigned char *)secret, strlen(secret), NULL,
			   0);
}

static void token_hash(const char *secret, char hex[65])
{
	unsigned char h[TOKEN_HASH_BYTES];
	token_hash_raw(secret, h);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

static int insert_token(Db *db, int64_t user_id, const char *name, const char *secret,
			int64_t *id, Err *err)
{
	static const char sql[] = "INSERT INTO api_token (user_id, name, prefix, token_hash, "
				  "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id";
	char hex[65], now[21], prefix[13];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	token_hash(secret, hex);
	time_now_iso(now);
	snprintf(prefix, sizeof prefix, "%.12s", secret);
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, prefix);
	db_bind_text(st, 4, hex);
	db_bind_text(st, 5, now);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

int token_create(Db *db, const Actor *actor, const char *user_email, const char *name,
		 char secret[TOKEN_SECRET_LEN + 1], int64_t *id, Err *err)
{
	unsigned char raw[32];
	Actor target;
	if (!name || !*name)
		name = "api";
	if (strlen(name) > KITH_MAX_SHORT || !utf8_valid(name, strlen(name)))
		return err_set(err, ERR_INVALID, "name", "must be UTF-8 of at most %u bytes",
			       KITH_MAX_SHORT);
	int rc = user_actor_by_email(db, user_email, &target, err);
	if (rc)
		return rc;
	if (!access_may_manage(actor, &target))
		return err_set(err, ERR_NOT_FOUND, "user", "no active user with email %s", user_email);
	if (sodium_init() < 0)
		return err_set(err, ERR_INTERNAL, NULL, "libsodium failed to initialise");
	randombytes_buf(raw, sizeof raw);
	memcpy(secret, "kith_", 5);
	sodium_bin2base64(secret + 5, TOKEN_SECRET_LEN - 4, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((rc = db_begin(db, err)))
		return rc;
	rc = insert_token(db, target.user_id, name, secret, id, err);
	if (rc == KITH_OK) {
		json_t *rec = json_pack("{sI ss}", "user_id", (json_int_t)target.user_id, "name", name);
		rc = audit_write(db, actor, "create", "token", *id, rec, err);
		json_decref(rec);
	}
	return db_end(db, rc, err);
}

int token_list(Db *db, const Actor *actor, json_t **out, Err *err)
{
	static const char sql[] =
		"SELECT t.id, t.user_id, u.email, t.name, t.prefix, t.created_at, t.last_used_at, "
		"t.revoked_at FROM api_token t JOIN app_user u ON u.id = t.user_id "
		"WHERE ? <> 0 OR t.user_id = ? ORDER BY t.id";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, access_is_admin(actor));
	db_bind_int(st, 2, actor->user_id);
	json_t *arr = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *o = json_pack("{sI sI ss ss ss ss}", "id", (json_int_t)db_col_int(st, 0),
				      "user_id", (json_int_t)db_col_int(st, 1), "user_email",
				      db_col_text(st, 2), "name", db_col_text(st, 3), "prefix",
				      db_col_text(st, 4), "created_at", db_col_text(st, 5));
		json_object_set_new(o, "last_used_at", db_col_json_text(st, 6));
		json_object_set_new(o, "revoked", json_boolean(!db_col_is_null(st, 7)));
		json_array_append_new(arr, o);
	}
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KITH_OK;
}

int token_revoke(Db *db, const Actor *actor, int64_t id, Err *err)
{
	static const char sql[] = "UPDATE api_token SET revoked_at = ? WHERE id = ? AND "
				  "revoked_at IS NULL AND (? <> 0 OR user_id = ?)";
	char now[21];
	DbStmt *st;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = db_prepare(db, &st, sql, err)))
		goto done;
	time_now_iso(now);
	db_bind_text(st, 1, now);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, access_is_admin(actor));
	db_bind_int(st, 4, actor->user_id);
	if ((rc = db_exec_stmt(st, err)))
		goto done;
	if (db_changes(db) == 0) {
		rc = err_set(err, ERR_NOT_FOUND, "id", "no active token %lld", (long long)id);
		goto done;
	}
	rc = audit_write(db, actor, "revoke", "token", id, NULL, err);
done:
	return db_end(db, rc, err);
}

void token_record_use(Db *db, int64_t id)
{
	static const char sql[] = "UPDATE api_token SET last_used_at = ? WHERE id = ?";
	char now[21];
	DbStmt *st;
	if (!id)
		return;
	time_now_iso(now);
	if (db_prepare(db, &st, sql, NULL))
		return;
	db_bind_text(st, 1, now);
	db_bind_int(st, 2, id);
	if (db_exec_stmt(st, NULL) != KITH_OK)
		return; /* best effort: a busy database must not fail the request */
}

/* A verified token: what its lookup found. */
typedef struct Verified {
	unsigned char hash[TOKEN_HASH_BYTES]; /* the token's BLAKE2b */
	int64_t id;			      /* api_token.id */
	Actor actor;			      /* who it acts for */
	int64_t used_day;		      /* day of its last recorded use, -1 = none */
} Verified;

/* The tokens verified on one connection at one database version
 * (token_check_memo): valid while db_data_version equals version. */
typedef struct TokenMemo {
	uint32_t version;	     /* the database version they were verified at */
	unsigned n;		     /* entries used in v */
	unsigned next;		     /* entry replaced when v is full */
	Verified v[KITH_TOKEN_MEMO]; /* the tokens */
} TokenMemo;

/* 1 when secret has the shape of a token: anything else is refused before
 * it is hashed. */
static int secret_shape_ok(const char *secret)
{
	return secret && strlen(secret) == TOKEN_SECRET_LEN && strncmp(secret, "kith_", 5) == 0;
}

/* The day (since 1970-01-01) of a last_used_at instant, -1 for none or
 * one that is not a date. */
static int64_t used_day(DbStmt *st, int col)
{
	char date[11];
	int64_t z;
	if (db_col_is_null(st, col))
		return -1;
	snprintf(date, sizeof date, "%.10s", db_col_text(st, col));
	return date_parse(date, &z) ? -1 : z;
}

/* The live token with hash h, of an active user: its id, actor and the day
 * of its last recorded use. ERR_UNAUTHORIZED when there is none. */
static int lookup(Db *db, const unsigned char h[TOKEN_HASH_BYTES], Verified *m, Err *err)
{
	static const char sql[] =
		"SELECT t.id, t.user_id, u.role, t.last_used_at FROM api_token t "
		"JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = ? AND "
		"t.revoked_at IS NULL AND u.disabled_at IS NULL";
	char hex[65];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	sodium_bin2hex(hex, sizeof hex, h, TOKEN_HASH_BYTES);
	db_bind_text(st, 1, hex);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		memcpy(m->hash, h, TOKEN_HASH_BYTES);
		m->id = db_col_int(st, 0);
		m->actor.user_id = db_col_int(st, 1);
		m->actor.role = role_parse(db_col_text(st, 2));
		m->used_day = used_day(st, 3);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_UNAUTHORIZED, NULL, "invalid or revoked token");
	}
	db_reset(st);
	return rc;
}

/* The actor of verified token m, and whether its use is still to be
 * recorded today (day precision: no write on every request). */
static void verified(const Verified *m, Actor *out, int64_t *stale)
{
	*out = m->actor;
	*stale = m->used_day == (int64_t)time(NULL) / 86400 ? 0 : m->id;
}

/* The entry of memo m for hash h, or NULL. */
static const Verified *memo_find(const TokenMemo *m, const unsigned char h[TOKEN_HASH_BYTES])
{
	for (unsigned i = 0; i < m->n; i++)
		if (sodium_memcmp(m->v[i].hash, h, TOKEN_HASH_BYTES) == 0)
			return &m->v[i];
	return NULL;
}

/* Verify h at version: from m while the database is at m's version, else
 * by a lookup remembered in m. */
static int memo_check(Db *db, TokenMemo *m, uint32_t version,
		      const unsigned char h[TOKEN_HASH_BYTES], Actor *out, int64_t *stale, Err *err)
{
	if (m->version != version) /* the database changed: forget everything */
		*m = (TokenMemo){.version = version};
	const Verified *found = memo_find(m, h);
	if (found) {
		verified(found, out, stale);
		return KITH_OK;
	}
	Verified v;
	int rc = lookup(db, h, &v, err);
	if (rc)
		return rc;
	verified(&v, out, stale);
	unsigned i = m->n < KITH_TOKEN_MEMO ? m->n++ : m->next++ % KITH_TOKEN_MEMO;
	m->v[i] = v;
	return KITH_OK;
}

int token_check_memo(Db *db, void **memo, const char *secret, Actor *out, int64_t *stale,
		     Err *err)
{
	unsigned char h[TOKEN_HASH_BYTES];
	uint32_t version;
	TokenMemo scratch = {0}, *m = *memo;
	Err ignored = {0};
	*stale = 0;
	if (!secret_shape_ok(secret))
		return err_set(err, ERR_UNAUTHORIZED, NULL, "invalid or revoked token");
	if (!m && !(m = *memo = calloc(1, sizeof *m)))
		m = &scratch; /* out of memory: check without remembering */
	token_hash_raw(secret, h);
	/* the version and the lookup it vouches for in one snapshot (nested in
	 * the request's read transaction when there is one) */
	int rc = db_begin_read(db, err);
	if (rc)
		return rc;
	if ((rc = db_data_version(db, &version, err)) == KITH_OK)
		rc = memo_check(db, m, version, h, out, stale, err);
	/* only read: nothing to roll back, and a refused token must not doom
	 * the request's transaction */
	int end = db_commit(db, &ignored);
	if (rc == KITH_OK && end) {
		if (err)
			*err = ignored;
		rc = end;
	}
	return rc;
}
