/* user.c - users and their passwords (argon2id via libsodium). */
#include "core/user.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/text.h"
#include "core/audit.h"

static int check_password(const char *pw, Err *err)
{
	size_t n = pw ? strlen(pw) : 0;
	if (n < KITH_MIN_PASSWORD)
		return err_set(err, ERR_INVALID, "password", "must be at least %u characters",
			       KITH_MIN_PASSWORD);
	if (n > KITH_MAX_PASSWORD || !utf8_valid(pw, n))
		return err_set(err, ERR_INVALID, "password", "must be valid UTF-8 of at most %u bytes",
			       KITH_MAX_PASSWORD);
	return KITH_OK;
}

/* argon2id's cost: libsodium's interactive limits (2 passes over 64 MiB).
 * The sanitizer build of `make test` (and the fuzz build) define
 * KITH_PWHASH_MIN and take libsodium's minimum (1 pass over 8 KiB): the
 * tests add hundreds of users, and under ASan each interactive hash costs
 * half a second of CPU; hashing, verifying and refusing run the same code.
 * The release build (`make`, `make install`, `make bench`) never sets it. */
#ifdef KITH_PWHASH_MIN
#define PWHASH_OPSLIMIT crypto_pwhash_OPSLIMIT_MIN
#define PWHASH_MEMLIMIT crypto_pwhash_MEMLIMIT_MIN
#else
#define PWHASH_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#endif

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], Err *err)
{
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(out, pw, strlen(pw), PWHASH_OPSLIMIT, PWHASH_MEMLIMIT) != 0)
		return err_set(err, ERR_INTERNAL, NULL, "cannot hash password (out of memory)");
	return KITH_OK;
}

/* Rules over the whole set of users (the first user needs no admin; one
 * active owner remains) hold because their writers wait for each other
 * here, until the transaction ends: the count or check that follows sees
 * what the previous writer committed. Adding and disabling users is rare,
 * so one key for all of them costs nothing. */
static int roster_lock(Db *db, Err *err)
{
	return db_lock_key(db, "app_user", "roster", err);
}

static int count_users(Db *db, int64_t *n, Err *err)
{
	static const char sql[] = "SELECT COUNT(*) FROM app_user";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	if ((rc = db_step(st, err)) == DB_ROW) {
		*n = db_col_int(st, 0);
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

static int check_new_user(const Actor *actor, int first, const char *email, const char *name,
			  Role role, Err *err)
{
	if (!email || !text_email_valid(email) || strlen(email) > KITH_MAX_SHORT)
		return err_set(err, ERR_INVALID, "email", "must be a valid email address");
	if (text_blank(name) || strlen(name) > KITH_MAX_NAME || !utf8_valid(name, strlen(name)))
		return err_set(err, ERR_INVALID, "name", "must be 1 to %u bytes of UTF-8",
			       KITH_MAX_NAME);
	if (!role)
		return err_set(err, ERR_INVALID, "role", "must be owner, admin or member");
	if (first && role != ROLE_OWNER)
		return err_set(err, ERR_INVALID, "role", "the first user must be an owner");
	if (!first && !access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL, "only an owner or admin may add users");
	if (!first && role == ROLE_OWNER && actor->role != ROLE_OWNER)
		return err_set(err, ERR_FORBIDDEN, "role", "only an owner may add an owner");
	return KITH_OK;
}

int user_add(Db *db, const Actor *actor, const char *email, const char *name, const char *role,
	     const char *password, int64_t *id, Err *err)
{
	static const char sql[] = "INSERT INTO app_user (email, name, role, password_hash, "
				  "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
	char hash[crypto_pwhash_STRBYTES], now[21];
	int64_t n = 0;
	Buf lower;
	DbStmt *st;
	buf_init(&lower, KITH_MAX_SHORT + 1);
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = roster_lock(db, err)) || (rc = count_users(db, &n, err)) ||
	    (rc = check_new_user(actor, n == 0, email, name, role_parse(role), err)) ||
	    (rc = check_password(password, err)) || (rc = hash_password(password, hash, err)) ||
	    (rc = db_prepare(db, &st, sql, err)))
		goto done;
	text_lower_ascii(&lower, email);
	time_now_iso(now);
	db_bind_text(st, 1, buf_str(&lower));
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, role);
	db_bind_text(st, 4, hash);
	db_bind_text(st, 5, now);
	db_bind_text(st, 6, now);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = KITH_OK;
	} else if (rc == ERR_CONFLICT) {
		err_set(err, ERR_CONFLICT, "email", "a user with email %s already exists",
			buf_str(&lower));
	}
	db_reset(st);
	if (rc == KITH_OK) {
		json_t *rec = json_pack("{ss ss ss}", "email", buf_str(&lower), "name", name, "role",
					role);
		rc = audit_write(db, actor, "create", "user", *id, rec, err);
		json_decref(rec);
	}
done:
	buf_free(&lower);
	return db_end(db, rc, err);
}

/* The id and role of the user with email (ASCII case-insensitive), only an
 * active one when active_only. ERR_NOT_FOUND naming "email" when none. */
static int find_by_email(Db *db, const char *email, int active_only, int64_t *id, Role *role,
			 Err *err)
{
	static const char any[] = "SELECT id, role FROM app_user WHERE email = ?";
	static const char active[] = "SELECT id, role FROM app_user WHERE email = ? AND "
				     "disabled_at IS NULL";
	Buf lower;
	DbStmt *st;
	int rc = db_prepare(db, &st, active_only ? active : any, err);
	if (rc)
		return rc;
	buf_init(&lower, KITH_MAX_SHORT + 1);
	text_lower_ascii(&lower, email ? email : "");
	db_bind_text(st, 1, buf_str(&lower));
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*role = role_parse(db_col_text(st, 1));
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "email", "no %suser with email %s",
			     active_only ? "active " : "", buf_str(&lower));
	}
	db_reset(st);
	buf_free(&lower);
	return rc;
}

int user_actor_by_email(Db *db, const char *email, Actor *out, Err *err)
{
	int64_t id;
	Role role;
	int rc = find_by_email(db, email, 1, &id, &role, err);
	if (rc == KITH_OK) {
		out->user_id = id;
		out->role = role;
	}
	return rc;
}

int user_passwd(Db *db, const Actor *actor, const char *email, const char *password, Err *err)
{
	static const char sql[] = "UPDATE app_user SET password_hash = ?, updated_at = ? WHERE id = ?";
	char hash[crypto_pwhash_STRBYTES], now[21];
	Actor target;
	DbStmt *st;
	int rc = user_actor_by_email(db, email, &target, err);
	if (rc)
		return rc;
	if (!access_may_manage(actor, &target))
		return err_set(err, ERR_NOT_FOUND, "email", "no active user with email %s", email);
	if ((rc = check_password(password, err)) || (rc = hash_password(password, hash, err)))
		return rc;
	if ((rc = db_begin(db, err)))
		return rc;
	if ((rc = db_prepare(db, &st, sql, err)))
		goto done;
	time_now_iso(now);
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, target.user_id);
	if ((rc = db_exec_stmt(st, err)))
		goto done;
	json_t *ch = json_pack("{ss}", "password", "changed");
	rc = audit_write(db, actor, "update", "user", target.user_id, ch, err);
	json_decref(ch);
done:
	return db_end(db, rc, err);
}

static json_t *user_from_row(DbStmt *st)
{
	return json_pack("{sI ss ss ss ss sb so}", "id", (json_int_t)db_col_int(st, 0), "email",
			 db_col_text(st, 1), "name", db_col_text(st, 2), "role", db_col_text(st, 3),
			 "created_at", db_col_text(st, 4), "disabled", !db_col_is_null(st, 5),
			 "disabled_at", db_col_json_text(st, 5));
}

/* What a member sees of a colleague: whom they may assign and share with. */
static json_t *user_brief_from_row(DbStmt *st)
{
	return json_pack("{sI ss ss}", "id", (json_int_t)db_col_int(st, 0), "name",
			 db_col_text(st, 2), "email", db_col_text(st, 1));
}

#define USER_COLS "id, email, name, role, created_at, disabled_at"

/* A user as the actor may see them (NULL: all of it); the one rule of
 * user_list and user_get_as. */
static json_t *user_row_for(const Actor *actor, DbStmt *st)
{
	return !actor || access_is_admin(actor) ? user_from_row(st) : user_brief_from_row(st);
}

static int user_fetch(Db *db, const Actor *actor, int64_t id, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " USER_COLS " FROM app_user WHERE id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = user_row_for(actor, st);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "id", "no user %lld", (long long)id);
	}
	db_reset(st);
	return rc;
}

int user_get(Db *db, int64_t id, json_t **out, Err *err)
{
	return user_fetch(db, NULL, id, out, err);
}

int user_get_as(Db *db, const Actor *actor, int64_t id, json_t **out, Err *err)
{
	return user_fetch(db, actor, id, out, err);
}

int user_list(Db *db, const Actor *actor, json_t **out, Err *err)
{
	static const char all[] = "SELECT " USER_COLS " FROM app_user ORDER BY id";
	static const char active[] =
	    "SELECT " USER_COLS " FROM app_user WHERE disabled_at IS NULL ORDER BY id";
	int admin = access_is_admin(actor);
	DbStmt *st;
	int rc = db_prepare(db, &st, admin ? all : active, err);
	if (rc)
		return rc;
	json_t *arr = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, user_row_for(actor, st));
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KITH_OK;
}

int user_id_by_email(Db *db, const char *email, int64_t *id, Err *err)
{
	Role role;
	return find_by_email(db, email, 0, id, &role, err);
}

/* ERR_CONFLICT when disabling user id (role) would leave no active owner.
 * The UPDATE of user_set_disabled enforces it; this names it first. */
static int last_owner_check(Db *db, int64_t id, Role role, Err *err)
{
	static const char sql[] = "SELECT COUNT(*) FROM app_user WHERE role = 'owner' AND "
				  "disabled_at IS NULL AND id <> ?";
	DbStmt *st;
	if (role != ROLE_OWNER)
		return KITH_OK;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	int64_t others = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_reset(st);
	if (rc != DB_ROW)
		return rc;
	if (others == 0)
		return err_set(err, ERR_CONFLICT, "id",
			       "user %lld is the last active owner; add or enable another owner "
			       "first",
			       (long long)id);
	return KITH_OK;
}

/* The checks of user_set_disabled before the write: target is user id as
 * read (role, disabled_at in *was, "" while active). */
static int disable_check(Db *db, const Actor *actor, int64_t id, int disabled, Actor *target,
			 char was[21], Err *err)
{
	static const char sql[] = "SELECT role, disabled_at FROM app_user WHERE id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		target->user_id = id;
		target->role = role_parse(db_col_text(st, 0));
		snprintf(was, 21, "%s", db_col_is_null(st, 1) ? "" : db_col_text(st, 1));
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "id", "no user %lld", (long long)id);
	}
	db_reset(st);
	if (rc)
		return rc;
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL,
			       "only an owner or admin may disable users");
	if (!access_may_manage(actor, target))
		return err_set(err, ERR_FORBIDDEN, NULL, "only an owner may disable an owner");
	if (disabled && !was[0] && (rc = last_owner_check(db, id, target->role, err)))
		return rc;
	if (actor->user_id == id)
		return err_set(err, ERR_INVALID, "id", "you cannot disable or enable yourself");
	return KITH_OK;
}

int user_set_disabled(Db *db, const Actor *actor, int64_t id, int disabled, int *changed, Err *err)
{
	/* The last-owner rule is part of the UPDATE: it changes no row when
	 * the user is the only active owner. */
	static const char off[] =
	    "UPDATE app_user SET disabled_at = ?1, updated_at = ?1 WHERE id = ?2 AND "
	    "disabled_at IS NULL AND (role <> 'owner' OR EXISTS (SELECT 1 FROM app_user o "
	    "WHERE o.role = 'owner' AND o.disabled_at IS NULL AND o.id <> ?2))";
	static const char on[] = "UPDATE app_user SET disabled_at = NULL, updated_at = ?1 "
				 "WHERE id = ?2 AND disabled_at IS NOT NULL";
	char now[21], was[21];
	Actor target;
	DbStmt *st;
	if (changed)
		*changed = 0;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = roster_lock(db, err)) ||
	    (rc = disable_check(db, actor, id, disabled, &target, was, err)))
		goto done;
	if (disabled == (was[0] != 0)) /* already so: nothing to write */
		goto done;
	if ((rc = db_prepare(db, &st, disabled ? off : on, err)))
		goto done;
	time_now_iso(now);
	db_bind_text(st, 1, now);
	db_bind_int(st, 2, id);
	if ((rc = db_exec_stmt(st, err)))
		goto done;
	if (db_changes(db) == 0) {
		rc =
		    err_set(err, ERR_CONFLICT, "id",
			    "user %lld is the last active owner; add or enable another owner first",
			    (long long)id);
		goto done;
	}
	if (changed)
		*changed = 1;
	json_t *ch = disabled ? json_pack("{s[ns]}", "disabled_at", now)
			      : json_pack("{s[sn]}", "disabled_at", was);
	rc = audit_write(db, actor, disabled ? "disable" : "enable", "user", id, ch, err);
	json_decref(ch);
done:
	return db_end(db, rc, err);
}

int user_exists(Db *db, int64_t id)
{
	static const char sql[] = "SELECT 1 FROM app_user WHERE id = ? AND disabled_at IS NULL";
	DbStmt *st;
	if (db_prepare(db, &st, sql, NULL))
		return 0;
	db_bind_int(st, 1, id);
	int found = db_step(st, NULL) == DB_ROW;
	db_reset(st);
	return found;
}

int user_whose_records(Db *db, const Actor *actor, int64_t user_id, int64_t *uid, Err *err)
{
	*uid = user_id;
	if (!access_is_admin(actor)) {
		if (user_id && user_id != actor->user_id)
			return err_set(err, ERR_NOT_FOUND, "user_id", "no user %lld",
				       (long long)user_id);
		*uid = actor->user_id;
		return KITH_OK;
	}
	if (user_id && !user_exists(db, user_id))
		return err_set(err, ERR_NOT_FOUND, "user_id", "no active user %lld",
			       (long long)user_id);
	return KITH_OK;
}

int user_login(Db *db, const char *email, const char *password, Actor *out, Err *err)
{
	static const char sql[] = "SELECT password_hash FROM app_user WHERE id = ?";
	DbStmt *st;
	char dummy[crypto_pwhash_STRBYTES];
	Actor a;
	int ok = 0, checked = 0;
	if (user_actor_by_email(db, email, &a, NULL) == KITH_OK && password &&
	    db_prepare(db, &st, sql, NULL) == KITH_OK) {
		db_bind_int(st, 1, a.user_id);
		if (db_step(st, NULL) == DB_ROW && sodium_init() >= 0) {
			ok = crypto_pwhash_str_verify(db_col_text(st, 0), password,
						      strlen(password)) == 0;
			checked = 1;
		}
		db_reset(st);
	}
	/* Spend the same argon2id time for unknown emails, so the answer's
	 * timing does not tell which emails have accounts. */
	if (!checked && password)
		(void)hash_password(password, dummy, NULL);
	if (!ok)
		return err_set(err, ERR_UNAUTHORIZED, NULL, "wrong email or password");
	*out = a;
	return KITH_OK;
}

int user_owner_apply(Db *db, const Actor *actor, const json_t *in, const char *noun,
		     int creating, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, "owner_id");
	int member = !access_is_admin(actor);
	if (!v) {
		if (creating && actor->user_id)
			json_object_set_new(rec, "owner_id", json_integer(actor->user_id));
		return KITH_OK;
	}
	if (json_is_null(v)) {
		if (member)
			return err_set(err, ERR_INVALID, "owner_id",
				       "a member may not leave a %s unassigned", noun);
		json_object_set_new(rec, "owner_id", json_null());
		return KITH_OK;
	}
	if (!json_is_integer(v))
		return err_set(err, ERR_INVALID, "owner_id", "must be a user id or null");
	int64_t id = json_integer_value(v);
	/* An update that sends the owner it already has changes nothing: no
	 * check, so a record read and sent back whole still saves when its
	 * owner has been disabled or the actor is a collaborator. */
	if (!creating && id == json_int_of(rec, "owner_id"))
		return KITH_OK;
	if (member && id != actor->user_id)
		return err_set(err, ERR_INVALID, "owner_id", "a member may only assign themselves");
	/* collab.h: a collaborator may not change the owner */
	if (member && !creating)
		return err_set(err, ERR_FORBIDDEN, "owner_id",
			       "only the %s's owner or an admin may change its owner", noun);
	if (!user_exists(db, id))
		return err_set(err, ERR_INVALID, "owner_id", "no active user %lld", (long long)id);
	json_object_set_new(rec, "owner_id", json_integer(id));
	return KITH_OK;
}
