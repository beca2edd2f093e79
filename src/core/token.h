/* token.h - API bearer tokens. The secret is shown once at creation; only
 * its BLAKE2b hash is stored. Depends on store/, base/, libsodium, core/user.
 * Owns table api_token. */
#ifndef KITH_CORE_TOKEN_H
#define KITH_CORE_TOKEN_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

#define TOKEN_SECRET_LEN 48 /* "kith_" + 43 base64url characters */
#define TOKEN_HASH_BYTES 32 /* BLAKE2b-256 of the secret, stored as hex */

/* Create a token for the user with email user_email. Owners/admins may make
 * tokens for anyone, others only for themselves. secret receives the
 * NUL-terminated secret. Errors: ERR_INVALID (name), ERR_NOT_FOUND (email). */
int token_create(Db *db, const Actor *actor, const char *user_email, const char *name,
		 char secret[TOKEN_SECRET_LEN + 1], int64_t *id, Err *err) KITH_WARN_UNUSED;

/* Tokens visible to the actor (all for admins, own for members), as a JSON
 * array of {"id","user_id","user_email","name","prefix","created_at",
 * "last_used_at","revoked"}. Caller decrefs. */
int token_list(Db *db, const Actor *actor, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Revoke token id. ERR_NOT_FOUND when absent or not the actor's to revoke. */
int token_revoke(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;

/* Resolve a presented secret to its user, as the server does for every
 * request (hooks.c), remembering on *memo the last KITH_TOKEN_MEMO tokens
 * it verified (*memo: NULL at first, then malloc'd here; the caller frees
 * it with free() when done with db). ERR_UNAUTHORIZED when the secret is
 * unknown, revoked, or its user is disabled (*out is left alone then),
 * ERR_STORAGE when the database cannot be read.
 * Writes nothing: *stale is the token's id when its last use is not
 * recorded today (pass it to token_record_use after the request's
 * transaction), else 0. While the database is at the version they were
 * verified at (db_data_version), the same secret is the same actor
 * without a lookup; any commit (a revocation, a disabled user, a role
 * change, a recorded use), on this connection or another, forces a lookup,
 * so a revoked token or a disabled user fails on the very next check. One
 * memo per connection (a server thread's). Reads in a read transaction of
 * its own, or nested in the caller's. */
int token_check_memo(Db *db, void **memo, const char *secret, Actor *out, int64_t *stale,
		     Err *err) KITH_WARN_UNUSED;

/* Record today as the last use of token id (0: nothing to do). Best effort:
 * a busy database leaves it for the next request. Outside a transaction. */
void token_record_use(Db *db, int64_t id);

#endif
