/* record.c - the record kinds, the bind helper of record.h's visibility
 * fragments, and the point checks. Reads (never writes) the tables contact,
 * company, deal, activity, task and <kind>_collaborator through its own
 * statements, built from record.h's fragments so a point check and a list
 * decide alike. Depends on base/, store/, core/access; no crm/ header. */
#include "core/record.h"

#include <string.h>

/* How a record of one kind is found and named. */
typedef struct KindDef {
	const char *name;   /* API name, table, audit entity */
	const char *label;  /* before the id in messages: "contact #7", "deal 7" */
	const char *check;  /* ?1 id, ?2 admin, ?3 user: deleted, owner, visible */
	const char *shared; /* ?1 record, ?2 user; NULL: not shareable */
	const char *lock;   /* ?1 id: locks the row (record_lock) */
	const char *link;   /* check, locking the row for share (record_check_link) */
	int params;	    /* parameters of the kind's "?" fragment */
} KindDef;

#define CHECK_OWNED(k)                                                                             \
	"SELECT x.deleted_at IS NOT NULL, COALESCE(x.owner_id, 0), " RECORD_VISIBLE_AT(            \
	    k, "x", "?2", "?3") " FROM " k " x WHERE x.id = ?1"
#define SHARED_SQL(k) "SELECT 1 FROM " k "_collaborator WHERE " k "_id = ?1 AND user_id = ?2"
#define LOCK_SQL(k) "SELECT id FROM " k " WHERE id = ?1" DB_FOR_UPDATE
#define OWNED(k, label)                                                                            \
	{                                                                                          \
		k, label, CHECK_OWNED(k), SHARED_SQL(k), LOCK_SQL(k), CHECK_OWNED(k) DB_FOR_SHARE, \
		    RECORD_PARAMS_OWNED                                                            \
	}
#define CHECK_ACTIVITY                                                                             \
	"SELECT x.deleted_at IS NOT NULL, 0, " RECORD_ACTIVITY_VISIBLE_AT(                         \
	    "x", "?2", "?3") " FROM activity x WHERE x.id = ?1"
#define CHECK_TASK                                                                                 \
	"SELECT x.deleted_at IS NOT NULL, 0, " RECORD_TASK_VISIBLE_AT(                             \
	    "x", "?2", "?3") " FROM task x WHERE x.id = ?1"

static const KindDef kinds[] = {
    [RECORD_CONTACT] = OWNED("contact", "contact #"),
    [RECORD_COMPANY] = OWNED("company", "company "),
    [RECORD_DEAL] = OWNED("deal", "deal "),
    [RECORD_ACTIVITY] = {"activity", "activity ", CHECK_ACTIVITY, NULL, LOCK_SQL("activity"),
			 CHECK_ACTIVITY DB_FOR_SHARE, RECORD_PARAMS_ACTIVITY},
    [RECORD_TASK] = {"task", "task ", CHECK_TASK, NULL, LOCK_SQL("task"), CHECK_TASK DB_FOR_SHARE,
		     RECORD_PARAMS_TASK},
};
enum { N_KINDS = sizeof kinds / sizeof kinds[0] };

/* The definition of kind; NULL for no kind. */
static const KindDef *kind_def(RecordKind kind)
{
	return (int)kind > 0 && (int)kind < N_KINDS ? &kinds[kind] : NULL;
}

const char *record_kind_name(RecordKind kind)
{
	const KindDef *k = kind_def(kind);
	return k ? k->name : NULL;
}

RecordKind record_kind_parse(const char *name)
{
	for (int i = 1; name && i < N_KINDS; i++)
		if (!strcmp(name, kinds[i].name))
			return (RecordKind)i;
	return 0;
}

int record_kind_shareable(RecordKind kind)
{
	const KindDef *k = kind_def(kind);
	return k && k->shared;
}

int record_bind_visible(DbStmt *st, int p, const Actor *actor, RecordKind kind)
{
	const KindDef *k = kind_def(kind);
	db_bind_int(st, p++, access_is_admin(actor));
	for (int i = 1; k && i < k->params; i++)
		db_bind_int(st, p++, actor->user_id);
	return p;
}

int record_bind_user(DbStmt *st, int p, const Actor *actor, RecordKind kind)
{
	const KindDef *k = kind_def(kind);
	for (int i = 1; k && i < k->params; i++)
		db_bind_int(st, p++, actor->user_id);
	return p;
}

int record_shared(Db *db, RecordKind kind, int64_t id, int64_t user_id, Err *err)
{
	const KindDef *k = kind_def(kind);
	DbStmt *st;
	if (!k || !k->shared) {
		err_set(err, ERR_INTERNAL, NULL, "records of this kind are not shared");
		return -1;
	}
	if (db_prepare(db, &st, k->shared, err))
		return -1;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, user_id);
	int rc = db_step(st, err);
	db_reset(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int record_can_see(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t owner_id)
{
	Err err = {0};
	if (!record_kind_shareable(kind))
		return kind_def(kind) &&
		       record_check(db, actor, kind, id, 1, NULL, NULL, &err) == KITH_OK;
	if (access_can_see(actor, owner_id))
		return 1;
	return actor->user_id && record_shared(db, kind, id, actor->user_id, &err) == 1;
}

/* record_check with the kind's check statement (link: the one that locks
 * the row for share). */
static int check(Db *db, const Actor *actor, RecordKind kind, int64_t id, int include_deleted,
		 const char *field, int64_t *owner_id, int link, Err *err)
{
	const KindDef *k = kind_def(kind);
	DbStmt *st;
	if (owner_id)
		*owner_id = 0;
	if (!k)
		return err_set(err, ERR_INTERNAL, field, "unknown record kind %d", (int)kind);
	int rc = db_prepare(db, &st, link ? k->link : k->check, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, access_is_admin(actor));
	db_bind_int(st, 3, actor->user_id);
	rc = db_step(st, err);
	int deleted = rc == DB_ROW && db_col_int(st, 0);
	int64_t owner = rc == DB_ROW ? db_col_int(st, 1) : 0;
	int visible = rc == DB_ROW && db_col_int(st, 2);
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	if (!visible)
		return err_set(err, ERR_NOT_FOUND, field, "no %s%lld", k->label, (long long)id);
	if (deleted && !include_deleted)
		return err_set(err, ERR_GONE, field, "%s%lld is in the trash; restore it first",
			       k->label, (long long)id);
	if (owner_id)
		*owner_id = owner;
	return KITH_OK;
}

int record_check(Db *db, const Actor *actor, RecordKind kind, int64_t id, int include_deleted,
		 const char *field, int64_t *owner_id, Err *err)
{
	return check(db, actor, kind, id, include_deleted, field, owner_id, 0, err);
}

int record_check_link(Db *db, const Actor *actor, RecordKind kind, int64_t id, int include_deleted,
		      const char *field, int64_t *owner_id, Err *err)
{
	return check(db, actor, kind, id, include_deleted, field, owner_id, 1, err);
}

int record_lock(Db *db, RecordKind kind, int64_t id, Err *err)
{
	const KindDef *k = kind_def(kind);
	DbStmt *st;
	if (!k)
		return err_set(err, ERR_INTERNAL, NULL, "unknown record kind %d", (int)kind);
	int rc = db_prepare(db, &st, k->lock, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

int record_lock_pair(Db *db, RecordKind kind, int64_t a, int64_t b, Err *err)
{
	int rc = record_lock(db, kind, a < b ? a : b, err);
	return rc || a == b ? rc : record_lock(db, kind, a < b ? b : a, err);
}
