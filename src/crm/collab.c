/* collab.c - sharing records with collaborators: adding, removing and
 * listing collaborators, and the shares an owner change, a reassign or a
 * merge removes or copies. Owns tables <kind>_collaborator (migration 010).
 * Depends on base/, store/, core/{access, audit, record, user}; finds the
 * records with record_check (core/record.h), so the access and trash rules
 * every module applies hold here unchanged.
 *
 * A share is one transaction: the row and one audit entry on the record
 * commit together or not at all. The record itself (version, updated_at,
 * JSON) does not change: collaborators are served only by collab_list. */
#include "crm/collab.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "core/audit.h"
#include "core/record.h"
#include "core/user.h"

/* The statements of one kind; every table has the same shape. */
typedef struct KindSql {
	const char *name;      /* audit entity, table prefix */
	const char *insert;    /* ?1 record, ?2 user, ?3 added_by, ?4 added_at */
	const char *remove;    /* ?1 record, ?2 user */
	const char *list;      /* ?1 record */
	const char *count;     /* ?1 record */
	const char *drop_owner; /* ?1 record: its owner is no collaborator */
	const char *prune;     /* ?1 user: off the records they own */
} KindSql;

#define KIND_SQL(k)                                                                                \
	{                                                                                          \
		k, "INSERT INTO " k "_collaborator (" k "_id, user_id, added_by, added_at) "       \
		    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",                              \
		    "DELETE FROM " k "_collaborator WHERE " k "_id = ?1 AND user_id = ?2",         \
		    "SELECT user_id, added_by, added_at FROM " k "_collaborator WHERE " k          \
		    "_id = ?1 ORDER BY added_at, user_id",                                         \
		    "SELECT COUNT(*) FROM " k "_collaborator WHERE " k "_id = ?1",                 \
		    "DELETE FROM " k "_collaborator WHERE " k "_id = ?1 AND user_id = "            \
		    "(SELECT owner_id FROM " k " WHERE id = ?1) RETURNING user_id",                \
		    "DELETE FROM " k "_collaborator WHERE user_id = ?1 AND " k "_id IN "           \
		    "(SELECT id FROM " k " WHERE owner_id = ?1) RETURNING " k "_id"                 \
	}

static const KindSql kinds[] = {KIND_SQL("contact"), KIND_SQL("company"), KIND_SQL("deal")};

/* The statements of kind, a shareable kind (the callers' contract). */
static const KindSql *kind_sql(RecordKind kind)
{
	assert(record_kind_shareable(kind));
	return &kinds[kind - RECORD_CONTACT];
}

/* The owner of record id when the actor may manage its collaborators: the
 * record's owner, an owner or an admin. A collaborator sees the record, so
 * they are told "forbidden"; everyone else "not found". */
static int manage_check(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t *owner_id,
			Err *err)
{
	/* the record's row lock makes writers of its collaborators wait for
	 * each other, so room_check counts what the previous one added */
	int rc = record_lock(db, kind, id, err);
	if (rc || (rc = record_check(db, actor, kind, id, 0, "id", owner_id, err)))
		return rc;
	if (!access_is_admin(actor) && *owner_id != actor->user_id)
		return err_set(err, ERR_FORBIDDEN, NULL,
			       "only the %s's owner or an admin may manage its collaborators",
			       record_kind_name(kind));
	return KITH_OK;
}

/* Audit one share change on the record: {"collaborator_id": [old, new]}. */
static int audit_share(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t user_id,
		       int adding, Err *err)
{
	json_t *u = json_integer(user_id);
	json_t *ch = json_pack("{s[oo]}", "collaborator_id", adding ? json_null() : json_incref(u),
			       adding ? json_incref(u) : json_null());
	json_decref(u);
	int rc = ch ? audit_write(db, actor, adding ? "share" : "unshare", record_kind_name(kind),
				  id, ch, err)
		    : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	json_decref(ch);
	return rc;
}

static int check_user_id(int64_t user_id, Err *err)
{
	if (user_id <= 0)
		return err_set(err, ERR_INVALID, "user_id", "must be a positive integer user id");
	return KITH_OK;
}

/* ERR_INVALID naming "user_id" when record id has KITH_MAX_COLLABORATORS. */
static int room_check(Db *db, RecordKind kind, int64_t id, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, kind_sql(kind)->count, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	int64_t n = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_reset(st);
	if (rc != DB_ROW)
		return rc;
	if (n >= KITH_MAX_COLLABORATORS)
		return err_set(err, ERR_INVALID, "user_id", "a %s has at most %u collaborators",
			       record_kind_name(kind), KITH_MAX_COLLABORATORS);
	return KITH_OK;
}

/* Write the share of record id with user_id, added by the actor now, and
 * its audit entry on the record. The caller checked everything. */
static int share_insert(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t user_id,
			Err *err)
{
	char now[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, kind_sql(kind)->insert, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, user_id);
	if (actor->user_id)
		db_bind_int(st, 3, actor->user_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, now);
	if ((rc = db_exec_stmt(st, err)))
		return rc;
	return audit_share(db, actor, kind, id, user_id, 1, err);
}

int collab_add(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t user_id, int *added,
	       Err *err)
{
	int64_t owner_id = 0;
	if (added)
		*added = 0;
	int rc = check_user_id(user_id, err);
	if (rc || (rc = db_begin(db, err)))
		return rc;
	if ((rc = manage_check(db, actor, kind, id, &owner_id, err)))
		goto done;
	if (!user_exists(db, user_id)) {
		rc =
		    err_set(err, ERR_INVALID, "user_id", "no active user %lld", (long long)user_id);
		goto done;
	}
	if (user_id == owner_id) {
		rc = err_set(err, ERR_INVALID, "user_id", "user %lld owns this %s already",
			     (long long)user_id, record_kind_name(kind));
		goto done;
	}
	int have = record_shared(db, kind, id, user_id, err);
	if (have) { /* already a collaborator: nothing to write or audit */
		rc = have < 0 ? (err ? err->code : ERR_STORAGE) : KITH_OK;
		goto done;
	}
	if ((rc = room_check(db, kind, id, err)) ||
	    (rc = share_insert(db, actor, kind, id, user_id, err)))
		goto done;
	if (added)
		*added = 1;
done:
	return db_end(db, rc, err);
}

int collab_add_email(Db *db, const Actor *actor, RecordKind kind, int64_t id, const char *email,
		     int64_t *user_id, int *added, Err *err)
{
	Actor u;
	if (added)
		*added = 0;
	if (!email || !*email)
		return err_set(err, ERR_INVALID, "email", "must be the email of a user");
	int rc = user_actor_by_email(db, email, &u, err);
	if (rc == ERR_NOT_FOUND)
		return err_set(err, ERR_INVALID, "email", "no active user with email %s", email);
	if (rc == KITH_OK && user_id)
		*user_id = u.user_id;
	if (rc == KITH_OK && (rc = collab_add(db, actor, kind, id, u.user_id, added, err)) && err &&
	    !strcmp(err->field, "user_id"))
		snprintf(err->field, sizeof err->field, "email");
	return rc;
}

int collab_remove(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t user_id,
		  Err *err)
{
	int64_t owner_id = 0;
	DbStmt *st;
	int rc = check_user_id(user_id, err);
	if (rc || (rc = db_begin(db, err)))
		return rc;
	if ((rc = manage_check(db, actor, kind, id, &owner_id, err)) ||
	    (rc = db_prepare(db, &st, kind_sql(kind)->remove, err)))
		goto done;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, user_id);
	if ((rc = db_exec_stmt(st, err)))
		goto done;
	if (db_changes(db) == 0) {
		rc = err_set(err, ERR_NOT_FOUND, "user_id",
			     "user %lld is not a collaborator on %s %lld", (long long)user_id,
			     record_kind_name(kind), (long long)id);
		goto done;
	}
	rc = audit_share(db, actor, kind, id, user_id, 0, err);
done:
	return db_end(db, rc, err);
}

/* The share on the current row: {"user_id","added_by","added_at"}. */
static json_t *share_from_row(DbStmt *st)
{
	return json_pack("{sI so ss}", "user_id", (json_int_t)db_col_int(st, 0), "added_by",
			 db_col_json_int(st, 1),
			 "added_at", db_col_text(st, 2));
}

/* Add to share e what the actor may see of its user (user_get_as): email
 * and name, for an owner or admin also role and disabled flag. */
static int share_user(Db *db, const Actor *actor, json_t *e, Err *err)
{
	json_t *u = NULL, *v;
	int rc = user_get_as(db, actor, json_int_of(e, "user_id"), &u, err);
	if (rc)
		return rc;
	const char *const keys[] = {"email", "name", "role", "disabled"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if ((v = json_object_get(u, keys[i])))
			json_object_set(e, keys[i], v);
	json_decref(u);
	return KITH_OK;
}

int collab_list(Db *db, const Actor *actor, RecordKind kind, int64_t id, json_t **out, Err *err)
{
	json_t *arr = json_array(), *e;
	DbStmt *st;
	size_t i;
	int rc = db_begin_read(db, err);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	if ((rc = record_check(db, actor, kind, id, 1, "id", NULL, err)) ||
	    (rc = db_prepare(db, &st, kind_sql(kind)->list, err)))
		goto done;
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, share_from_row(st));
	db_reset(st); /* read the shares, then their users */
	if (rc != DB_DONE)
		goto done;
	rc = KITH_OK;
	json_array_foreach(arr, i, e)
	{
		if ((rc = share_user(db, actor, e, err)))
			break;
	}
done:
	if (rc == KITH_OK)
		*out = json_incref(arr);
	json_decref(arr);
	return db_end(db, rc, err);
}

int collab_drop_owner(Db *db, const Actor *actor, RecordKind kind, int64_t id, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, kind_sql(kind)->drop_owner, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	int64_t user_id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	if (rc == DB_ROW) /* at most one row: finish the statement */
		rc = db_step(st, err);
	db_reset(st);
	if (rc != DB_DONE)
		return rc == DB_ROW ? err_set(err, ERR_INTERNAL, NULL, "two owner shares") : rc;
	return user_id ? audit_share(db, actor, kind, id, user_id, 0, err) : KITH_OK;
}

int collab_prune_owned(Db *db, const Actor *actor, RecordKind kind, int64_t user_id, Err *err)
{
	DbStmt *st;
	Buf ids; /* the records whose share went, audited after the statement */
	int64_t id;
	int rc = db_prepare(db, &st, kind_sql(kind)->prune, err);
	if (rc)
		return rc;
	buf_init(&ids, 0);
	db_bind_int(st, 1, user_id);
	while ((rc = db_step(st, err)) == DB_ROW) {
		id = db_col_int(st, 0);
		buf_add(&ids, &id, sizeof id);
	}
	db_reset(st);
	rc = rc != DB_DONE ? rc
	     : buf_failed(&ids) ? err_set(err, ERR_INTERNAL, NULL, "out of memory")
				 : KITH_OK;
	for (size_t off = 0; rc == KITH_OK && off + sizeof id <= ids.len; off += sizeof id) {
		memcpy(&id, ids.data + off, sizeof id);
		rc = audit_share(db, actor, kind, id, user_id, 0, err);
	}
	buf_free(&ids);
	return rc;
}

/* The user ids of record id's collaborators into ids[0..*n) (at most
 * KITH_MAX_COLLABORATORS, the most a record has). */
static int share_ids(Db *db, RecordKind kind, int64_t id, int64_t *ids, size_t *n, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, kind_sql(kind)->list, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	*n = 0;
	while ((rc = db_step(st, err)) == DB_ROW && *n < KITH_MAX_COLLABORATORS)
		ids[(*n)++] = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

int collab_merge_contacts(Db *db, const Actor *actor, int64_t keep, int64_t keep_owner,
			  int64_t other, Err *err)
{
	int64_t ids[KITH_MAX_COLLABORATORS];
	size_t n = 0;
	/* the rule of manage_check: only these may share keep directly */
	if (!access_is_admin(actor) && (keep_owner == 0 || keep_owner != actor->user_id))
		return KITH_OK;
	int rc = share_ids(db, RECORD_CONTACT, other, ids, &n, err);
	for (size_t i = 0; rc == KITH_OK && i < n; i++) {
		if (ids[i] == keep_owner || !user_exists(db, ids[i]))
			continue; /* an owner needs no share; a disabled user gets none */
		int have = record_shared(db, RECORD_CONTACT, keep, ids[i], err);
		if (have < 0)
			return err && err->code ? err->code : ERR_STORAGE;
		if (have)
			continue;
		rc = room_check(db, RECORD_CONTACT, keep, err);
		if (rc == ERR_INVALID)
			rc = err_set(err, ERR_INVALID, "other_id",
				     "the merged contact would have more than %u collaborators",
				     KITH_MAX_COLLABORATORS);
		if (rc == KITH_OK)
			rc = share_insert(db, actor, RECORD_CONTACT, keep, ids[i], err);
	}
	return rc;
}
