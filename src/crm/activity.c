/* activity.c - interaction history: validation, access, trash, lists and
 * last contacted. Owns table activity. Depends on store/, base/,
 * core/{access,audit,record,user,workspace}; no other crm/ module: the
 * records an activity links to are checked with record_check
 * (core/record.h). The CLI and API adapters call only activity.h. The
 * merged timelines are in views/timeline.c.
 *
 * A change is one transaction: the row and one audit entry commit together
 * or not at all. Access is decided in SQL (core/record.h's
 * RECORD_ACTIVITY_VISIBLE) for lists and single records. */
#include "crm/activity.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/cursor.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/record.h"
#include "core/user.h"
#include "core/workspace.h"
#include "crm/cadence.h"

enum { DURATION_MAX = KITH_MAX_DURATION_MIN }; /* limits.h */
enum { FUTURE_SLACK_S = KITH_FUTURE_SLACK_S }; /* limits.h */

static const char *const writable[] = {"kind",        "direction", "subject", "body",
				       "outcome",     "duration_minutes", "occurred_at",
				       "user_id",     "contact_id", "company_id", "deal_id",
				       NULL};
static const char *const kinds[] = {"call", "email", "meeting", "note", "sms", "letter", NULL};

/* ---- reading ----------------------------------------------------------- */

/* The record's columns in the representation's key order
 * (core/record_cols.h). Access is decided in SQL (ACT_VISIBLE), for single
 * records too. */
#define ACT_COL_LIST(X)                                                                            \
	X(ID, "a.id", "id")                                                                        \
	X(TEXT, "a.kind", "kind")                                                                  \
	X(TEXT, "a.direction", "direction")                                                        \
	X(TEXT, "a.subject", "subject")                                                            \
	X(TEXT, "a.body", "body")                                                                  \
	X(TEXT, "a.outcome", "outcome")                                                            \
	X(INT, "a.duration_minutes", "duration_minutes")                                           \
	X(INSTANT, "a.occurred_at", "occurred_at")                                                 \
	X(INT, "a.user_id", "user_id")                                                             \
	X(TEXT, "u.name", "user_name")                                                             \
	X(INT, "a.contact_id", "contact_id")                                                       \
	X(INT, "a.company_id", "company_id")                                                       \
	X(INT, "a.deal_id", "deal_id")                                                             \
	X(INT, "a.version", "version")                                                             \
	X(INSTANT, "a.created_at", "created_at")                                                   \
	X(INSTANT, "a.updated_at", "updated_at")                                                   \
	X(INSTANT, "a.deleted_at", "deleted_at")
#define ACT_COLS RECORD_COLS_SELECT(ACT_COL_LIST)
const RecordCols activity_record_cols = RECORD_COLS(ACT_COL_LIST);
#define ACT_FROM " FROM activity a LEFT JOIN app_user u ON u.id = a.user_id "
/* A member sees what they logged and what is linked to a record they own
 * or that is shared with them: core/record.h's rule, bound by
 * bind_visible. */
#define ACT_VISIBLE RECORD_ACTIVITY_VISIBLE("a")
/* Keyset for newest first; params: key, key, key, id (key NULL = first page). */
#define ACT_KEYSET                                                                              \
	" AND (CAST(? AS TEXT) IS NULL OR a.occurred_at < ?"                                    \
	" OR (a.occurred_at = ? AND a.id < ?))"                                                 \
	" ORDER BY a.occurred_at DESC, a.id DESC LIMIT ?"

static int bind_visible(DbStmt *st, int p, const Actor *actor)
{
	return record_bind_visible(st, p, actor, RECORD_ACTIVITY);
}

/* The record if the actor may see it: ERR_NOT_FOUND when absent or hidden,
 * ERR_GONE when in the trash and !include_deleted. */
static int activity_visible(Db *db, const Actor *actor, int64_t id, int include_deleted,
			    json_t **out, Err *err)
{
	static const char sql[] = "SELECT " ACT_COLS ACT_FROM "WHERE a.id = ? AND " ACT_VISIBLE;
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	bind_visible(st, 2, actor);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = record_cols_json(st, &activity_record_cols);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "id", "no activity %lld", (long long)id);
	}
	db_reset(st);
	if (rc == KITH_OK && !include_deleted && !json_is_null(json_object_get(*out, "deleted_at"))) {
		json_decref(*out);
		*out = NULL;
		rc = err_set(err, ERR_GONE, "id", "activity %lld is in the trash; restore it first",
			     (long long)id);
	}
	return rc;
}

/* activity_visible after locking the row (record_lock), for a change computed
 * from what it reads: a concurrent writer of the same activity waits, then
 * reads what this one committed. */
static int activity_locked(Db *db, const Actor *actor, int64_t id, int include_deleted,
			   json_t **out, Err *err)
{
	int rc = record_lock(db, RECORD_ACTIVITY, id, err);
	return rc ? rc : activity_visible(db, actor, id, include_deleted, out, err);
}

int activity_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
		 Err *err)
{
	return activity_visible(db, actor, id, include_deleted, out, err);
}

int activity_get_many(Db *db, const Actor *actor, const int64_t *ids, size_t n, json_t **out,
		      Err *err)
{
	static const char sql[] = "SELECT " ACT_COLS ACT_FROM "WHERE a.id" DB_IN_IDS
				  "AND a.deleted_at IS NULL AND " ACT_VISIBLE;
	DbStmt *st;
	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	if (!n)
		return KITH_OK;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_ids(st, 1, ids, n);
	bind_visible(st, 2, actor);
	return record_cols_many(st, &activity_record_cols, ids, n, out, err);
}

int activity_kind_valid(const char *s)
{
	for (int i = 0; s && kinds[i]; i++)
		if (!strcmp(s, kinds[i]))
			return 1;
	return 0;
}

/* ---- validation -------------------------------------------------------- */

/* Optional text member key: absent -> nothing; null or blank -> null in
 * rec; else trimmed, checked for UTF-8 and at most max bytes. */
static int opt_text(const json_t *in, const char *key, size_t max, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, key);
	Buf t;
	if (!v)
		return KITH_OK;
	if (!json_is_null(v) && !json_is_string(v))
		return err_set(err, ERR_INVALID, key, "must be a string or null");
	const char *s = json_string_value(v);
	if (s && (strlen(s) != json_string_length(v) || !utf8_valid(s, strlen(s))))
		return err_set(err, ERR_INVALID, key, "must be UTF-8 text");
	buf_init(&t, 0);
	if (s)
		text_trim(&t, s);
	if (t.len > max) {
		buf_free(&t);
		return err_set(err, ERR_INVALID, key, "must be at most %zu bytes", max);
	}
	json_object_set_new(rec, key, t.len ? json_string(buf_str(&t)) : json_null());
	buf_free(&t);
	return KITH_OK;
}

static int check_kind(const json_t *in, json_t *rec, int creating, Err *err)
{
	json_t *v = json_object_get(in, "kind");
	if (!v && !creating)
		return KITH_OK;
	if (!v || json_is_null(v))
		return err_set(err, ERR_INVALID, "kind",
			       "is required: call, email, meeting, note, sms or letter");
	if (!activity_kind_valid(json_string_value(v)))
		return err_set(err, ERR_INVALID, "kind",
			       "must be call, email, meeting, note, sms or letter");
	json_object_set(rec, "kind", v);
	return KITH_OK;
}

static int check_direction(const json_t *in, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, "direction");
	const char *s = json_string_value(v);
	if (!v)
		return KITH_OK;
	if (!json_is_null(v) && !(s && (!strcmp(s, "in") || !strcmp(s, "out"))))
		return err_set(err, ERR_INVALID, "direction", "must be in, out or null");
	json_object_set(rec, "direction", v);
	return KITH_OK;
}

static int check_duration(const json_t *in, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, "duration_minutes");
	if (!v)
		return KITH_OK;
	if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0 ||
				 json_integer_value(v) > DURATION_MAX))
		return err_set(err, ERR_INVALID, "duration_minutes",
			       "must be a whole number of minutes from 0 to %d, or null",
			       DURATION_MAX);
	json_object_set(rec, "duration_minutes", v);
	return KITH_OK;
}

/* occurred_at: an instant (UTC, with an offset or local in the workspace
 * zone) or a date (its local midnight), at most a day ahead; stored in
 * UTC. Defaults to now on create. */
static int check_occurred(Db *db, const json_t *in, json_t *rec, int creating, Err *err)
{
	json_t *v = json_object_get(in, "occurred_at");
	char iso[21];
	When w;
	if (!v) {
		if (creating) {
			time_now_iso(iso);
			json_object_set_new(rec, "occurred_at", json_string(iso));
		}
		return KITH_OK;
	}
	int rc = workspace_when(db, json_string_value(v), WHEN_INSTANT | WHEN_MIDNIGHT,
				"occurred_at", &w, err);
	if (rc)
		return rc;
	if (w.t > time(NULL) + FUTURE_SLACK_S)
		return err_set(err, ERR_INVALID, "occurred_at",
			       "must not be more than a day in the future");
	json_object_set_new(rec, "occurred_at", json_string(w.iso));
	return KITH_OK;
}

/* user_id: who did it. The actor by default; owners and admins may name
 * another active user (or null: nobody in particular). */
static int check_user(Db *db, const Actor *actor, const json_t *in, json_t *rec, int creating,
		      Err *err)
{
	json_t *v = json_object_get(in, "user_id");
	int admin = access_is_admin(actor);
	if (!v) {
		if (creating)
			json_object_set_new(rec, "user_id", actor->user_id
								   ? json_integer(actor->user_id)
								   : json_null());
		return KITH_OK;
	}
	if (json_is_null(v) && admin) {
		json_object_set_new(rec, "user_id", json_null());
		return KITH_OK;
	}
	if (!json_is_integer(v))
		return err_set(err, ERR_INVALID, "user_id", "must be a user id");
	int64_t id = json_integer_value(v);
	if (!admin && id != actor->user_id)
		return err_set(err, ERR_INVALID, "user_id",
			       "a member may only log activities as themselves");
	if (!user_exists(db, id))
		return err_set(err, ERR_INVALID, "user_id", "no active user %lld", (long long)id);
	json_object_set_new(rec, "user_id", json_integer(id));
	return KITH_OK;
}

/* contact_id / company_id / deal_id (key) of kind: null, or a live record
 * the actor may see (record_check, its errors naming key). A link left
 * unchanged is not re-checked (its record may be in the trash now). */
static int check_link(Db *db, const Actor *actor, const json_t *in, const char *key,
		      RecordKind kind, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return KITH_OK;
	if (json_is_null(v)) {
		json_object_set_new(rec, key, json_null());
		return KITH_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return err_set(err, ERR_INVALID, key, "must be a positive integer id or null");
	int64_t id = json_integer_value(v);
	if (id == json_int_of(rec, key))
		return KITH_OK;
	int rc = record_check_link(db, actor, kind, id, 0, key, NULL, err);
	if (rc)
		return rc;
	json_object_set_new(rec, key, json_integer(id));
	return KITH_OK;
}

/* Validate in and apply its writable members to rec. */
static int activity_apply(Db *db, const Actor *actor, const json_t *in, json_t *rec,
			  int creating, Err *err)
{
	int rc;
	if (!json_is_object(in))
		return err_set(err, ERR_INVALID, NULL, "the activity must be a JSON object");
	if ((rc = json_check_fields(in, writable, err)) ||
	    (rc = check_kind(in, rec, creating, err)) || (rc = check_direction(in, rec, err)) ||
	    (rc = opt_text(in, "subject", KITH_MAX_SHORT, rec, err)) ||
	    (rc = opt_text(in, "body", KITH_MAX_TEXT, rec, err)) ||
	    (rc = opt_text(in, "outcome", KITH_MAX_SHORT, rec, err)) ||
	    (rc = check_duration(in, rec, err)) || (rc = check_occurred(db, in, rec, creating, err)) ||
	    (rc = check_user(db, actor, in, rec, creating, err)) ||
	    (rc = check_link(db, actor, in, "contact_id", RECORD_CONTACT, rec, err)) ||
	    (rc = check_link(db, actor, in, "company_id", RECORD_COMPANY, rec, err)) ||
	    (rc = check_link(db, actor, in, "deal_id", RECORD_DEAL, rec, err)))
		return rc;
	if (json_is_null(json_object_get(rec, "contact_id")) &&
	    json_is_null(json_object_get(rec, "company_id")) &&
	    json_is_null(json_object_get(rec, "deal_id")))
		return err_set(err, ERR_INVALID, "contact_id",
			       "link the activity to a contact_id, a company_id or a deal_id");
	if (!strcmp(json_str_of(rec, "kind"), "note") &&
	    !json_is_null(json_object_get(rec, "direction")))
		return err_set(err, ERR_INVALID, "direction", "a note has no direction");
	return KITH_OK;
}

/* ---- writing ----------------------------------------------------------- */

static void bind_opt_int(DbStmt *st, int p, const json_t *v)
{
	if (json_is_integer(v))
		db_bind_int(st, p, json_integer_value(v));
	else
		db_bind_null(st, p);
}

/* Bind the writable columns of rec as params 1..11 in writable[] order. */
static void bind_fields(DbStmt *st, const json_t *rec)
{
	for (int i = 0; writable[i]; i++) {
		json_t *v = json_object_get(rec, writable[i]);
		if (json_is_string(v))
			db_bind_text(st, i + 1, json_string_value(v));
		else
			bind_opt_int(st, i + 1, v);
	}
}

static int activity_insert(Db *db, const json_t *rec, int64_t *id, Err *err)
{
	static const char sql[] =
		"INSERT INTO activity (kind, direction, subject, body, outcome, duration_minutes, "
		"occurred_at, user_id, contact_id, company_id, deal_id, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	DbStmt *st;
	char now[21];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	bind_fields(st, rec);
	db_bind_text(st, 12, now);
	db_bind_text(st, 13, now);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_STORAGE, NULL, "the activity was not stored");
	}
	db_reset(st);
	return rc;
}

static int activity_write(Db *db, int64_t id, const json_t *rec, Err *err)
{
	static const char sql[] =
		"UPDATE activity SET kind = ?, direction = ?, subject = ?, body = ?, outcome = ?, "
		"duration_minutes = ?, occurred_at = ?, user_id = ?, contact_id = ?, company_id = ?, "
		"deal_id = ?, updated_at = ?, version = version + 1 WHERE id = ?";
	DbStmt *st;
	char now[21];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	bind_fields(st, rec);
	db_bind_text(st, 12, now);
	db_bind_int(st, 13, id);
	return db_exec_stmt(st, err);
}

/* A blank record: every writable key null, for create. */
static json_t *activity_blank(void)
{
	json_t *rec = json_object();
	for (int i = 0; writable[i]; i++)
		json_object_set_new(rec, writable[i], json_null());
	return rec;
}

/* Validate, insert and (unless ACTIVITY_NO_AUDIT) audit one activity, in
 * the caller's transaction. */
static int activity_add(Db *db, const Actor *actor, const json_t *in, int flags, int64_t *id,
			Err *err)
{
	json_t *rec = activity_blank(), *after = NULL;
	int rc;
	if ((rc = activity_apply(db, actor, in, rec, 1, err)) ||
	    (rc = activity_insert(db, rec, id, err)) || (flags & ACTIVITY_NO_AUDIT) ||
	    (rc = activity_visible(db, &ACTOR_SYSTEM, *id, 1, &after, err)))
		goto done;
	rc = audit_write(db, actor, "create", "activity", *id, after, err);
done:
	json_decref(rec);
	json_decref(after);
	return rc;
}

int activity_create(Db *db, const Actor *actor, const json_t *in, int64_t *id, Err *err)
{
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = activity_add(db, actor, in, 0, id, err);
	return db_end(db, rc, err);
}

int activity_create_many(Db *db, const Actor *actor, json_t *const *in, size_t n, int flags,
			 int64_t *ids, Err *err)
{
	int64_t id;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && rc == KITH_OK; i++) {
		rc = activity_add(db, actor, in[i], flags, &id, err);
		if (rc == KITH_OK && ids)
			ids[i] = id;
	}
	return db_end(db, rc, err);
}

/* The changed keys between two versions, without bookkeeping keys. */
static json_t *change_diff(const json_t *before, const json_t *after)
{
	json_t *d = audit_diff(before, after);
	json_object_del(d, "version");
	json_object_del(d, "updated_at");
	json_object_del(d, "user_name");
	return d;
}

int activity_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		    int64_t expected_version, json_t **out, Err *err)
{
	json_t *before = NULL, *rec = NULL, *after = NULL, *diff = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = activity_locked(db, actor, id, 0, &before, err)))
		goto done;
	if (expected_version && expected_version != json_int_of(before, "version")) {
		rc = err_set(err, ERR_STALE, "version",
			     "activity %lld changed since you read it (version %lld, now %lld)",
			     (long long)id, (long long)expected_version,
			     (long long)json_int_of(before, "version"));
		goto done;
	}
	rec = json_deep_copy(before);
	if ((rc = activity_apply(db, actor, patch, rec, 0, err)) ||
	    (rc = activity_write(db, id, rec, err)) ||
	    (rc = activity_visible(db, &ACTOR_SYSTEM, id, 1, &after, err)))
		goto done;
	diff = change_diff(before, after);
	rc = audit_write(db, actor, "update", "activity", id, diff, err);
done:
	if (rc == KITH_OK && out)
		*out = json_incref(after);
	json_decref(before);
	json_decref(rec);
	json_decref(after);
	json_decref(diff);
	return db_end(db, rc, err);
}

static int set_deleted(Db *db, int64_t id, int deleted, Err *err)
{
	static const char sql[] = "UPDATE activity SET deleted_at = ?, updated_at = ?, "
				  "version = version + 1 WHERE id = ?";
	DbStmt *st;
	char now[21];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_text(st, 1, deleted ? now : NULL);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, id);
	return db_exec_stmt(st, err);
}

/* Move to the trash (deleted 1) or back (0), with one audit entry. */
static int activity_trash(Db *db, const Actor *actor, int64_t id, int deleted, Err *err)
{
	json_t *before = NULL, *after = NULL, *diff = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = activity_locked(db, actor, id, 1, &before, err)))
		goto done;
	int in_trash = !json_is_null(json_object_get(before, "deleted_at"));
	if (deleted && in_trash) {
		rc = err_set(err, ERR_GONE, "id", "activity %lld is already in the trash",
			     (long long)id);
		goto done;
	}
	if (!deleted && !in_trash) {
		rc = err_set(err, ERR_CONFLICT, "id", "activity %lld is not in the trash",
			     (long long)id);
		goto done;
	}
	if ((rc = set_deleted(db, id, deleted, err)) ||
	    (rc = activity_visible(db, &ACTOR_SYSTEM, id, 1, &after, err)))
		goto done;
	diff = deleted ? json_incref(before) : change_diff(before, after);
	rc = audit_write(db, actor, deleted ? "delete" : "restore", "activity", id, diff, err);
done:
	json_decref(before);
	json_decref(after);
	json_decref(diff);
	return db_end(db, rc, err);
}

int activity_delete(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return activity_trash(db, actor, id, 1, err);
}

int activity_restore(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return activity_trash(db, actor, id, 0, err);
}

/* ---- lists and last contacted ------------------------------------------ */

/* Page arguments: limit (0 = default) checked, cursor decoded into *key
 * (malloc'd, NULL on the first page) and *after_id. */
static int page_args(int *limit, const char *cursor, char **key, int64_t *after_id, Err *err)
{
	*key = NULL;
	*after_id = 0;
	if (*limit == 0)
		*limit = KITH_LIST_DEFAULT;
	if (*limit < 1 || *limit > KITH_LIST_MAX)
		return err_set(err, ERR_INVALID, "limit", "must be from 1 to %d", KITH_LIST_MAX);
	if (!cursor)
		return KITH_OK;
	int rc = cursor_decode(cursor, key, after_id, err);
	if (rc == KITH_OK && strlen(*key) != 20) {
		free(*key);
		*key = NULL;
		rc = err_set(err, ERR_INVALID, "cursor", "is not a cursor of this list");
	}
	return rc;
}

/* Bind the keyset and the limit (limit + 1 rows, to know whether a next
 * page exists) from param p on. */
static void bind_keyset(DbStmt *st, int p, const char *key, int64_t after_id, int limit)
{
	for (int i = 0; i < 3; i++)
		db_bind_text(st, p++, key);
	db_bind_int(st, p++, after_id);
	db_bind_int(st, p, limit + 1);
}

/* Step a prepared page query: up to limit records into *items, and *next
 * when there are more. */
static int run_page(DbStmt *st, int limit, json_t **items, char **next, Err *err)
{
	json_t *arr = json_array(), *last = NULL;
	int rc, more = 0;
	*next = NULL;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((int)json_array_size(arr) == limit) {
			more = 1;
			break;
		}
		last = record_cols_json(st, &activity_record_cols);
		json_array_append_new(arr, last);
	}
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	if (more) {
		*next = cursor_encode(json_str_of(last, "occurred_at"), json_int_of(last, "id"));
		if (!*next) {
			json_decref(arr);
			return err_set(err, ERR_INTERNAL, NULL, "out of memory");
		}
	}
	*items = arr;
	return KITH_OK;
}

/* since: a date (its local midnight) or an instant, as UTC into out; ""
 * when absent. */
static int since_arg(Db *db, const char *since, char out[21], Err *err)
{
	When w;
	out[0] = '\0';
	if (!since)
		return KITH_OK;
	int rc = workspace_when(db, since, WHEN_INSTANT | WHEN_MIDNIGHT, "since", &w, err);
	if (rc == KITH_OK)
		memcpy(out, w.iso, 21);
	return rc;
}

/* Filters of activity_list; params: contact_id x2, company_id x2, deal_id
 * x2, kind x2, user_id x2, since x2 (0 / NULL = any). The ids are cast to
 * BIGINT: PostgreSQL would type "? = 0" as a 32-bit integer. */
#define LIST_FILTERS                                                                            \
	" AND (CAST(? AS BIGINT) = 0 OR a.contact_id = ?)"                                      \
	" AND (CAST(? AS BIGINT) = 0 OR a.company_id = ?)"                                      \
	" AND (CAST(? AS BIGINT) = 0 OR a.deal_id = ?)"                                         \
	" AND (CAST(? AS TEXT) IS NULL OR a.kind = ?)"                                          \
	" AND (CAST(? AS BIGINT) = 0 OR a.user_id = ?)"                                         \
	" AND (CAST(? AS TEXT) IS NULL OR a.occurred_at >= ?)"

/* The statement for q: driven by the contact, company or deal index when
 * one is given (param 1 = its id, *p = 2), else by occurred_at (*p = 1). */
static int list_prepare(Db *db, const ActivityQuery *q, DbStmt **st, int *p, Err *err)
{
	static const char any[] = "SELECT " ACT_COLS ACT_FROM "WHERE a.deleted_at IS NULL AND "
				  ACT_VISIBLE LIST_FILTERS ACT_KEYSET;
	static const char by_contact[] = "SELECT " ACT_COLS ACT_FROM
					 "WHERE a.contact_id = ? AND a.deleted_at IS NULL AND "
					 ACT_VISIBLE LIST_FILTERS ACT_KEYSET;
	static const char by_company[] = "SELECT " ACT_COLS ACT_FROM
					 "WHERE a.company_id = ? AND a.deleted_at IS NULL AND "
					 ACT_VISIBLE LIST_FILTERS ACT_KEYSET;
	static const char by_deal[] = "SELECT " ACT_COLS ACT_FROM
				      "WHERE a.deal_id = ? AND a.deleted_at IS NULL AND "
				      ACT_VISIBLE LIST_FILTERS ACT_KEYSET;
	int64_t drive = q->contact_id ? q->contact_id : q->company_id ? q->company_id : q->deal_id;
	const char *sql = q->contact_id   ? by_contact
			  : q->company_id ? by_company
			  : q->deal_id    ? by_deal
					  : any;
	int rc = db_prepare(db, st, sql, err);
	if (rc)
		return rc;
	*p = 1;
	if (drive)
		db_bind_int(*st, (*p)++, drive);
	return KITH_OK;
}

int activity_list(Db *db, const Actor *actor, const ActivityQuery *q, json_t **items,
		  char **next, Err *err)
{
	DbStmt *st;
	char *key = NULL, since[21];
	int64_t after_id;
	int limit = q->limit, p;
	int rc = page_args(&limit, q->cursor, &key, &after_id, err);
	if (rc == KITH_OK && q->kind && !activity_kind_valid(q->kind))
		rc = err_set(err, ERR_INVALID, "kind",
			     "must be call, email, meeting, note, sms or letter");
	if (rc || (rc = since_arg(db, q->since, since, err)) ||
	    (rc = list_prepare(db, q, &st, &p, err)))
		goto done;
	p = bind_visible(st, p, actor);
	const int64_t ids[] = {q->contact_id, q->company_id, q->deal_id};
	for (int i = 0; i < 3; i++) {
		db_bind_int(st, p++, ids[i]);
		db_bind_int(st, p++, ids[i]);
	}
	db_bind_text(st, p++, q->kind);
	db_bind_text(st, p++, q->kind);
	db_bind_int(st, p++, q->user_id);
	db_bind_int(st, p++, q->user_id);
	db_bind_text_or_null(st, p++, since);
	db_bind_text_or_null(st, p++, since);
	bind_keyset(st, p, key, after_id, limit);
	rc = run_page(st, limit, items, next, err);
done:
	free(key);
	return rc;
}

/* The contact, company or deal named entity must exist and be visible
 * (trash included; record_check). *which: 0 contact, 1 company, 2 deal. */
static int entity_check(Db *db, const Actor *actor, const char *entity, int64_t id, int *which,
			Err *err)
{
	RecordKind kind = record_kind_parse(entity);
	*which = 0;
	if (!record_kind_shareable(kind))
		return err_set(err, ERR_INVALID, "entity", "must be contact, company or deal");
	*which = kind - RECORD_CONTACT;
	return record_check(db, actor, kind, id, 1, "id", NULL, err);
}

/* activity_last_touch's statement for the record; which: 0 contact, 1 company, 2 deal. */
static int last_touch_of(Db *db, const Actor *actor, int which, int64_t id, char out[21], Err *err)
{
	static const char by_contact[] = "SELECT max(a.occurred_at)" ACT_FROM
					 "WHERE a.contact_id = ? AND " CADENCE_IS_TOUCH("a")
					 " AND " ACT_VISIBLE;
	/* two index walks, the company's and its contacts': "company_id = ? OR
	 * contact_id IN (...)" read every activity on PostgreSQL */
	static const char by_company[] =
		"SELECT max(m) FROM (SELECT max(a.occurred_at) AS m" ACT_FROM
		"WHERE a.company_id = ? AND " CADENCE_IS_TOUCH("a") " AND " ACT_VISIBLE
		" UNION ALL SELECT max(a.occurred_at)" ACT_FROM "JOIN contact c ON c.id = a.contact_id "
		"WHERE c.company_id = ? AND " CADENCE_IS_TOUCH("a") " AND " ACT_VISIBLE ") AS t";
	static const char by_deal[] = "SELECT max(a.occurred_at)" ACT_FROM
				      "WHERE a.deal_id = ? AND " CADENCE_IS_TOUCH("a")
				      " AND " ACT_VISIBLE;
	const char *const sql[] = {by_contact, by_company, by_deal};
	DbStmt *st;
	int p = 1;
	int rc = db_prepare(db, &st, sql[which], err);
	out[0] = '\0';
	if (rc)
		return rc;
	db_bind_int(st, p++, id);
	p = bind_visible(st, p, actor);
	if (which == 1) {
		db_bind_int(st, p++, id);
		bind_visible(st, p, actor);
	}
	rc = db_step(st, err);
	if (rc == DB_ROW && !db_col_is_null(st, 0))
		snprintf(out, 21, "%s", db_col_text(st, 0));
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

int activity_last_touch(Db *db, const Actor *actor, const char *entity, int64_t id, char out[21],
			Err *err)
{
	int which;
	int rc = entity_check(db, actor, entity, id, &which, err);
	out[0] = '\0';
	return rc ? rc : last_touch_of(db, actor, which, id, out, err);
}

int activity_last_touch_seen(Db *db, const Actor *actor, const char *entity, int64_t id,
			     char out[21], Err *err)
{
	RecordKind kind = record_kind_parse(entity);
	out[0] = '\0';
	if (!record_kind_shareable(kind))
		return err_set(err, ERR_INVALID, "entity", "must be contact, company or deal");
	return last_touch_of(db, actor, (int)(kind - RECORD_CONTACT), id, out, err);
}

int activity_last_contacted(Db *db, const Actor *actor, int64_t contact_id, char out[21],
			    Err *err)
{
	return activity_last_touch(db, actor, "contact", contact_id, out, err);
}
