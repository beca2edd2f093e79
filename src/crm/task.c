/* task.c - follow-ups and tasks: validation, access, completion with
 * repetition, snooze, trash, lists and the agenda. Owns table task.
 * Depends on store/, base/, core/{access,audit,record,user,workspace} and
 * crm/activity (the touch a completion records); the records a task links
 * to are checked with record_check (core/record.h). The CLI and API
 * adapters call only task.h.
 *
 * A change is one transaction: the rows and their audit entries commit
 * together or not at all. Access is decided in SQL (core/record.h's
 * RECORD_TASK_VISIBLE) for lists and single records.
 *
 * Time zones: "today" and the bounds of a civil day are computed in the
 * workspace's IANA zone with base/tz.h, which reads the zone's TZif file
 * and never touches the process's TZ (not thread-safe in the server). */
#include "crm/task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/cursor.h"
#include "base/date.h"
#include "base/tz.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/text.h"
#include "crm/activity.h"
#include "core/audit.h"
#include "core/record.h"
#include "core/user.h"
#include "core/workspace.h"

enum { REPEAT_MAX = KITH_MAX_REPEAT, DAYS_AHEAD_MAX = KITH_AGENDA_DAYS_MAX }; /* limits.h */

static const char *const writable[] = {"title",      "type",       "due_date",    "due_at",
				       "assignee_id", "priority",  "contact_id",  "company_id",
				       "deal_id",    "notes",      "repeat_every", "repeat_unit",
				       NULL};
static const char *const types[] = {"call", "email", "meeting", "todo", NULL};
static const char *const priorities[] = {"low", "normal", "high", NULL};
static const char *const units[] = {"days", "weeks", "months", NULL};
static const char *const links[] = {"contact_id", "company_id", "deal_id", NULL};
static const RecordKind link_kinds[] = {RECORD_CONTACT, RECORD_COMPANY, RECORD_DEAL}; /* links */


/* ---- reading ----------------------------------------------------------- */

/* The record's columns in the representation's key order
 * (core/record_cols.h). Access is decided in SQL (TASK_VISIBLE), for single
 * records too. */
#define TASK_COL_LIST(X)                                                                           \
	X(ID, "t.id", "id")                                                                        \
	X(TEXT, "t.title", "title")                                                                \
	X(TEXT, "t.type", "type")                                                                  \
	X(DATE, "t.due_date", "due_date")                                                          \
	X(INSTANT, "t.due_at", "due_at")                                                           \
	X(INT, "t.assignee_id", "assignee_id")                                                     \
	X(TEXT, "u.name", "assignee_name")                                                         \
	X(TEXT, "t.priority", "priority")                                                          \
	X(INT, "t.contact_id", "contact_id")                                                       \
	X(INT, "t.company_id", "company_id")                                                       \
	X(INT, "t.deal_id", "deal_id")                                                             \
	X(TEXT, "t.notes", "notes")                                                                \
	X(INT, "t.repeat_every", "repeat_every")                                                   \
	X(TEXT, "t.repeat_unit", "repeat_unit")                                                    \
	X(TEXT, "t.status", "status")                                                              \
	X(INSTANT, "t.done_at", "done_at")                                                         \
	X(INT, "t.created_by", "created_by")                                                       \
	X(INT, "t.version", "version")                                                             \
	X(INSTANT, "t.created_at", "created_at")                                                   \
	X(INSTANT, "t.updated_at", "updated_at")                                                   \
	X(INSTANT, "t.deleted_at", "deleted_at")
#define TASK_COLS RECORD_COLS_SELECT(TASK_COL_LIST)
const RecordCols task_record_cols = RECORD_COLS(TASK_COL_LIST);
#define TASK_FROM " FROM task t LEFT JOIN app_user u ON u.id = t.assignee_id "
/* A member sees tasks assigned to or created by them and tasks linked to a
 * record they own or that is shared with them: core/record.h's rule, bound
 * by bind_visible. */
#define TASK_VISIBLE RECORD_TASK_VISIBLE("t")

static int bind_visible(DbStmt *st, int p, const Actor *actor)
{
	return record_bind_visible(st, p, actor, RECORD_TASK);
}

/* The record if the actor may see it: ERR_NOT_FOUND when absent or hidden,
 * ERR_GONE when in the trash and !include_deleted. */
static int task_visible(Db *db, const Actor *actor, int64_t id, int include_deleted,
			json_t **out, Err *err)
{
	static const char sql[] = "SELECT " TASK_COLS TASK_FROM "WHERE t.id = ? AND " TASK_VISIBLE;
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	bind_visible(st, 2, actor);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = record_cols_json(st, &task_record_cols);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "id", "no task %lld", (long long)id);
	}
	db_reset(st);
	if (rc == KITH_OK && !include_deleted && !json_is_null(json_object_get(*out, "deleted_at"))) {
		json_decref(*out);
		*out = NULL;
		rc = err_set(err, ERR_GONE, "id", "task %lld is in the trash; restore it first",
			     (long long)id);
	}
	return rc;
}

/* task_visible after locking the row (record_lock), for a change computed
 * from what it reads: a concurrent writer of the same task waits, then
 * reads what this one committed. */
static int task_locked(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
		       Err *err)
{
	int rc = record_lock(db, RECORD_TASK, id, err);
	return rc ? rc : task_visible(db, actor, id, include_deleted, out, err);
}

int task_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
	     Err *err)
{
	return task_visible(db, actor, id, include_deleted, out, err);
}

int task_get_many(Db *db, const Actor *actor, const int64_t *ids, size_t n, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " TASK_COLS TASK_FROM "WHERE t.id" DB_IN_IDS
				  "AND t.deleted_at IS NULL AND " TASK_VISIBLE;
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
	return record_cols_many(st, &task_record_cols, ids, n, out, err);
}

/* ---- civil dates and zones -------------------------------------------- */

#define PAST_9999 "moves the due past the year 9999"

/* Add n units to a due: a date, or an instant, moved on the local clock of
 * zone (its local date moves, its local time of day stays, so a 09:00 call
 * stays at 09:00 across a DST change). out[21]. ERR_INVALID naming field
 * with message past9999 when the result is past the year 9999; the zone's
 * error when it cannot be read. */
static int due_add(const char *zone, const char *due, int n, char unit, const char *field,
		   const char *past9999, char out[21], Err *err)
{
	char day[11], moved[11];
	int64_t days;
	time_t t;
	long off;
	int rc;
	if (strlen(due) == 10) {
		if (date_add(due, n, unit, out))
			goto range;
		return KITH_OK;
	}
	if (time_parse_iso(due, &t))
		goto range;
	if ((rc = tz_offset(zone, t, &off, err)))
		return rc;
	int64_t local = (int64_t)t + off;
	int64_t secs = ((local % 86400) + 86400) % 86400;
	if (date_format((local - secs) / 86400, day) || date_add(day, n, unit, moved) ||
	    date_parse(moved, &days))
		goto range;
	if ((rc = tz_local_to_utc(zone, days * 86400 + secs, &t, err)))
		return rc;
	if (time_iso(t, out) == 0)
		return KITH_OK;
range:
	return err_set(err, ERR_INVALID, field, "%s", past9999);
}

int task_today(Db *db, char out[11], Err *err)
{
	Workspace ws;
	int rc = workspace_get(db, &ws, err);
	return rc ? rc : tz_local_date(ws.timezone, time(NULL), out, err);
}

/* ---- validation -------------------------------------------------------- */

static int one_of(const char *s, const char *const *set)
{
	for (int i = 0; s && set[i]; i++)
		if (!strcmp(s, set[i]))
			return 1;
	return 0;
}

/* Text member key: absent -> nothing; null or blank -> null in rec (an
 * error when required); else trimmed UTF-8 of at most max bytes. */
static int put_text(const json_t *in, const char *key, size_t max, int required, json_t *rec,
		    Err *err)
{
	json_t *v = json_object_get(in, key);
	Buf t;
	if (!v)
		return KITH_OK;
	if (!json_is_null(v) && !json_is_string(v))
		return err_set(err, ERR_INVALID, key, "must be a string");
	const char *s = json_string_value(v);
	if (s && (strlen(s) != json_string_length(v) || !utf8_valid(s, strlen(s))))
		return err_set(err, ERR_INVALID, key, "must be UTF-8 text");
	buf_init(&t, 0);
	if (s)
		text_trim(&t, s);
	int rc = KITH_OK;
	if (t.len > max)
		rc = err_set(err, ERR_INVALID, key, "must be at most %zu bytes", max);
	else if (!t.len && required)
		rc = err_set(err, ERR_INVALID, key, "must not be empty");
	else
		json_object_set_new(rec, key, t.len ? json_string(buf_str(&t)) : json_null());
	buf_free(&t);
	return rc;
}

/* Enumerated member key (null allowed when nullable). */
static int put_enum(const json_t *in, const char *key, const char *const *set, int nullable,
		    const char *msg, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return KITH_OK;
	if (!(nullable && json_is_null(v)) && !one_of(json_string_value(v), set))
		return err_set(err, ERR_INVALID, key, "must be %s", msg);
	json_object_set(rec, key, v);
	return KITH_OK;
}

/* due_date (a civil date) or due_at (an instant: UTC, with an offset or
 * local in the workspace zone, stored as UTC); a non-null one clears the
 * other. */
static int put_due(Db *db, const json_t *in, json_t *rec, Err *err)
{
	json_t *d = json_object_get(in, "due_date"), *a = json_object_get(in, "due_at");
	When w;
	int rc;
	if (d && !json_is_null(d) && a && !json_is_null(a))
		return err_set(err, ERR_INVALID, "due_at", "give due_date or due_at, not both");
	if (d && !json_is_null(d) && !date_valid(json_string_value(d)))
		return err_set(err, ERR_INVALID, "due_date", "must be a date YYYY-MM-DD");
	if (a && !json_is_null(a) &&
	    (rc = workspace_when(db, json_string_value(a), WHEN_INSTANT, "due_at", &w, err)))
		return rc;
	if (d) {
		json_object_set(rec, "due_date", d);
		if (!json_is_null(d))
			json_object_set_new(rec, "due_at", json_null());
	}
	if (a) {
		if (json_is_null(a)) {
			json_object_set_new(rec, "due_at", json_null());
		} else {
			json_object_set_new(rec, "due_at", json_string(w.iso));
			json_object_set_new(rec, "due_date", json_null());
		}
	}
	return KITH_OK;
}

/* assignee_id: the actor by default; owners and admins may name any active
 * user or null, a member only themselves. */
static int put_assignee(Db *db, const Actor *actor, const json_t *in, json_t *rec, int creating,
			Err *err)
{
	json_t *v = json_object_get(in, "assignee_id");
	int admin = access_is_admin(actor);
	if (!v) {
		if (creating)
			json_object_set_new(rec, "assignee_id", actor->user_id
								     ? json_integer(actor->user_id)
								     : json_null());
		return KITH_OK;
	}
	if (json_is_null(v) && admin) {
		json_object_set_new(rec, "assignee_id", json_null());
		return KITH_OK;
	}
	if (!json_is_integer(v))
		return err_set(err, ERR_INVALID, "assignee_id", "must be a user id");
	int64_t id = json_integer_value(v);
	if (!admin && id != actor->user_id)
		return err_set(err, ERR_INVALID, "assignee_id",
			       "a member may only assign tasks to themselves");
	if (!user_exists(db, id))
		return err_set(err, ERR_INVALID, "assignee_id", "no active user %lld", (long long)id);
	json_object_set_new(rec, "assignee_id", json_integer(id));
	return KITH_OK;
}

/* A link key of kind: null, or a live record the actor may see
 * (record_check, its errors naming key). A link left unchanged is not
 * re-checked. */
static int put_link(Db *db, const Actor *actor, const json_t *in, const char *key,
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

static int put_repeat(const json_t *in, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, "repeat_every");
	if (v && !json_is_null(v) &&
	    (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > REPEAT_MAX))
		return err_set(err, ERR_INVALID, "repeat_every", "must be from 1 to %d, or null",
			       REPEAT_MAX);
	if (v)
		json_object_set(rec, "repeat_every", v);
	return put_enum(in, "repeat_unit", units, 1, "days, weeks, months or null", rec, err);
}

/* Rules across keys: at most one link; repeat_every with repeat_unit and
 * a due. */
static int check_record(const json_t *in, const json_t *rec, Err *err)
{
	int n = 0;
	for (int i = 0; links[i]; i++)
		if (!json_is_null(json_object_get(rec, links[i])) && ++n > 1) {
			const char *key = links[i];
			for (int j = 0; links[j]; j++)
				if (json_is_integer(json_object_get(in, links[j])))
					key = links[j];
			return err_set(err, ERR_INVALID, key,
				       "a task links to at most one contact, company or deal");
		}
	int every = !json_is_null(json_object_get(rec, "repeat_every"));
	int unit = !json_is_null(json_object_get(rec, "repeat_unit"));
	if (every != unit)
		return err_set(err, ERR_INVALID, every ? "repeat_unit" : "repeat_every",
			       "repeat_every and repeat_unit go together");
	if (every && json_is_null(json_object_get(rec, "due_date")) &&
	    json_is_null(json_object_get(rec, "due_at")))
		return err_set(err, ERR_INVALID, "repeat_every",
			       "a repeating task needs a due_date or due_at");
	return KITH_OK;
}

/* Validate in and apply its writable members to rec. */
static int task_apply(Db *db, const Actor *actor, const json_t *in, json_t *rec, int creating,
		      Err *err)
{
	int rc;
	if (!json_is_object(in))
		return err_set(err, ERR_INVALID, NULL, "the task must be a JSON object");
	if (creating && !json_object_get(in, "title"))
		return err_set(err, ERR_INVALID, "title", "is required");
	if ((rc = json_check_fields(in, writable, err)) ||
	    (rc = put_text(in, "title", KITH_MAX_SHORT, 1, rec, err)) ||
	    (rc = put_enum(in, "type", types, 0, "call, email, meeting or todo", rec, err)) ||
	    (rc = put_due(db, in, rec, err)) ||
	    (rc = put_assignee(db, actor, in, rec, creating, err)) ||
	    (rc = put_enum(in, "priority", priorities, 0, "low, normal or high", rec, err)))
		return rc;
	for (int i = 0; links[i]; i++)
		if ((rc = put_link(db, actor, in, links[i], link_kinds[i], rec, err)))
			return rc;
	if ((rc = put_text(in, "notes", KITH_MAX_TEXT, 0, rec, err)) ||
	    (rc = put_repeat(in, rec, err)))
		return rc;
	return check_record(in, rec, err);
}

/* ---- writing ----------------------------------------------------------- */

/* Bind the writable columns of rec as params 1..12 in writable[] order. */
static void bind_fields(DbStmt *st, const json_t *rec)
{
	for (int i = 0; writable[i]; i++) {
		json_t *v = json_object_get(rec, writable[i]);
		if (json_is_string(v))
			db_bind_text(st, i + 1, json_string_value(v));
		else if (json_is_integer(v))
			db_bind_int(st, i + 1, json_integer_value(v));
		else
			db_bind_null(st, i + 1);
	}
}

static int task_insert(Db *db, const Actor *actor, const json_t *rec, int64_t *id, Err *err)
{
	static const char sql[] =
		"INSERT INTO task (title, type, due_date, due_at, assignee_id, priority, contact_id, "
		"company_id, deal_id, notes, repeat_every, repeat_unit, created_by, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	DbStmt *st;
	char now[21];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	bind_fields(st, rec);
	if (actor->user_id)
		db_bind_int(st, 13, actor->user_id);
	else
		db_bind_null(st, 13);
	db_bind_text(st, 14, now);
	db_bind_text(st, 15, now);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_STORAGE, NULL, "the task was not stored");
	}
	db_reset(st);
	return rc;
}

static int task_write(Db *db, int64_t id, const json_t *rec, Err *err)
{
	static const char sql[] =
		"UPDATE task SET title = ?, type = ?, due_date = ?, due_at = ?, assignee_id = ?, "
		"priority = ?, contact_id = ?, company_id = ?, deal_id = ?, notes = ?, "
		"repeat_every = ?, repeat_unit = ?, updated_at = ?, version = version + 1 "
		"WHERE id = ?";
	DbStmt *st;
	char now[21];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	bind_fields(st, rec);
	db_bind_text(st, 13, now);
	db_bind_int(st, 14, id);
	return db_exec_stmt(st, err);
}

/* A new record with the defaults of create. */
static json_t *task_blank(void)
{
	json_t *rec = json_object();
	for (int i = 0; writable[i]; i++)
		json_object_set_new(rec, writable[i], json_null());
	json_object_set_new(rec, "type", json_string("todo"));
	json_object_set_new(rec, "priority", json_string("normal"));
	return rec;
}

/* The writable keys of a stored record (for a next occurrence). */
static json_t *task_copy(const json_t *stored)
{
	json_t *rec = json_object();
	for (int i = 0; writable[i]; i++)
		json_object_set(rec, writable[i], json_object_get(stored, writable[i]));
	return rec;
}

/* Insert rec and audit its creation. */
static int task_add(Db *db, const Actor *actor, const json_t *rec, int64_t *id, Err *err)
{
	json_t *after = NULL;
	int rc = task_insert(db, actor, rec, id, err);
	if (rc == KITH_OK && (rc = task_visible(db, &ACTOR_SYSTEM, *id, 1, &after, err)) == KITH_OK)
		rc = audit_write(db, actor, "create", "task", *id, after, err);
	json_decref(after);
	return rc;
}

int task_create(Db *db, const Actor *actor, const json_t *in, int64_t *id, Err *err)
{
	json_t *rec = task_blank();
	int rc = db_begin(db, err);
	if (rc) {
		json_decref(rec);
		return rc;
	}
	if ((rc = task_apply(db, actor, in, rec, 1, err)) == KITH_OK)
		rc = task_add(db, actor, rec, id, err);
	json_decref(rec);
	return db_end(db, rc, err);
}

/* The changed keys between two versions, without bookkeeping keys. */
static json_t *change_diff(const json_t *before, const json_t *after)
{
	json_t *d = audit_diff(before, after);
	json_object_del(d, "version");
	json_object_del(d, "updated_at");
	json_object_del(d, "assignee_name");
	return d;
}

/* Audit the change of task id from before to its stored state; *out (may
 * be NULL) gets the new record. */
static int audit_change(Db *db, const Actor *actor, const char *action, int64_t id,
			const json_t *before, json_t **out, Err *err)
{
	json_t *after = NULL, *diff = NULL;
	int rc = task_visible(db, &ACTOR_SYSTEM, id, 1, &after, err);
	if (rc == KITH_OK) {
		diff = change_diff(before, after);
		rc = audit_write(db, actor, action, "task", id, diff, err);
	}
	if (rc == KITH_OK && out)
		*out = json_incref(after);
	json_decref(after);
	json_decref(diff);
	return rc;
}

int task_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		int64_t expected_version, json_t **out, Err *err)
{
	json_t *before = NULL, *rec = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = task_locked(db, actor, id, 0, &before, err)))
		goto done;
	if (expected_version && expected_version != json_int_of(before, "version")) {
		rc = err_set(err, ERR_STALE, "version",
			     "task %lld changed since you read it (version %lld, now %lld)",
			     (long long)id, (long long)expected_version,
			     (long long)json_int_of(before, "version"));
		goto done;
	}
	rec = json_deep_copy(before);
	if ((rc = task_apply(db, actor, patch, rec, 0, err)) ||
	    (rc = task_write(db, id, rec, err)))
		goto done;
	rc = audit_change(db, actor, "update", id, before, out, err);
done:
	json_decref(before);
	json_decref(rec);
	return db_end(db, rc, err);
}

/* Set the status; now receives the instant written. Only a task with the
 * other status changes (on top of the row lock its caller holds), so two
 * completions never both pass: ERR_CONFLICT naming "status" otherwise. */
static int set_status(Db *db, int64_t id, int done, char now[21], Err *err)
{
	static const char sql[] = "UPDATE task SET status = ?, done_at = ?, updated_at = ?, "
				  "version = version + 1 WHERE id = ? AND status = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_text(st, 1, done ? "done" : "open");
	db_bind_text(st, 2, done ? now : NULL);
	db_bind_text(st, 3, now);
	db_bind_int(st, 4, id);
	db_bind_text(st, 5, done ? "open" : "done");
	if ((rc = db_exec_stmt(st, err)))
		return rc;
	if (db_changes(db) != 1)
		return err_set(err, ERR_CONFLICT, "status", "task %lld is already %s",
			       (long long)id, done ? "done" : "open");
	return KITH_OK;
}

/* The next occurrence of a repeating task: its due moved by the interval. */
static int task_next(Db *db, const Actor *actor, const json_t *done_task, int64_t *next_id,
		     Err *err)
{
	const char *unit = json_str_of(done_task, "repeat_unit");
	const char *date = json_str_of(done_task, "due_date"), *at = json_str_of(done_task, "due_at");
	char moved[21];
	int every = (int)json_int_of(done_task, "repeat_every");
	Workspace ws;
	if (!unit || (!date && !at))
		return KITH_OK;
	int rc = workspace_get(db, &ws, err);
	if (rc)
		return rc;
	char u = unit[0] == 'd' ? 'd' : unit[0] == 'w' ? 'w' : 'm';
	if ((rc = due_add(ws.timezone, date ? date : at, every, u, "repeat_every",
			  "the next occurrence would be past the year 9999", moved, err)))
		return rc;
	json_t *rec = task_copy(done_task);
	json_object_set_new(rec, date ? "due_date" : "due_at", json_string(moved));
	rc = task_add(db, actor, rec, next_id, err);
	json_decref(rec);
	return rc;
}

/* ---- completing records the touch ------------------------------------- */

/* The link of task that a touch goes to: *key ("contact_id", "company_id"
 * or "deal_id") and *id, when the task is a call, email or meeting and its
 * record is live and visible to the actor; *key NULL otherwise. A record
 * that is gone, in the trash or hidden is no link; any other failure (a
 * storage error) is returned, so a completion never silently drops its
 * touch. The record found is locked for share until the transaction ends
 * (record_check_link), as the activity's own link check does: a trash or
 * purge in progress is waited for and seen here, so the activity's check
 * cannot fail the completion afterwards. Only a record that looks live is
 * locked: a purge (of a trashed record) holds its row and waits for this
 * task's, which the caller holds, so locking it would deadlock. */
static int touch_link(Db *db, const Actor *actor, const json_t *task, const char **key,
		      int64_t *id, Err *err)
{
	static const char *const kinds[] = {"call", "email", "meeting", NULL};
	static const char *const keys[] = {"contact_id", "company_id", "deal_id"};
	*key = NULL;
	if (!one_of(json_str_of(task, "type"), kinds))
		return KITH_OK;
	for (int i = 0; i < 3 && !*key; i++) {
		int64_t v = json_int_of(task, keys[i]);
		Err e = {0};
		if (!v)
			continue;
		int rc = record_check(db, actor, link_kinds[i], v, 0, keys[i], NULL, &e);
		if (rc == KITH_OK)
			rc = record_check_link(db, actor, link_kinds[i], v, 0, keys[i], NULL, &e);
		if (rc == KITH_OK) {
			*key = keys[i];
			*id = v;
		} else if (e.code != ERR_NOT_FOUND && e.code != ERR_GONE) {
			*err = e;
			return rc;
		}
	}
	return KITH_OK;
}

/* Log the touch of a completed task (task_complete). */
static int record_touch(Db *db, const Actor *actor, const json_t *task, const TaskDone *how,
			const char *at, int64_t *activity_id, Err *err)
{
	const char *key;
	int64_t link = 0;
	if (how && how->no_touch)
		return KITH_OK;
	int rc = touch_link(db, actor, task, &key, &link, err);
	if (rc)
		return rc;
	if (!key) {
		if (how && (how->outcome || how->note))
			return err_set(
			    err, ERR_INVALID, how->outcome ? "outcome" : "note",
			    "is recorded on the activity of a call, email or meeting task "
			    "linked to a live contact, company or deal; this task has none");
		return KITH_OK;
	}
	json_t *in =
	    json_pack("{ss ss ss sI}", "kind", json_str_of(task, "type"), "subject",
		      json_str_of(task, "title"), "occurred_at", at, key, (json_int_t)link);
	if (in && how && how->outcome)
		json_object_set_new(in, "outcome", json_string(how->outcome));
	if (in && how && how->note)
		json_object_set_new(in, "body", json_string(how->note));
	/* json_string refuses what is not UTF-8: the activity then misses it
	 * and would store less than asked, so refuse instead. */
	if (in && how &&
	    ((how->outcome && !json_object_get(in, "outcome")) ||
	     (how->note && !json_object_get(in, "body")))) {
		int bad_outcome = how->outcome && !json_object_get(in, "outcome");
		json_decref(in);
		return err_set(err, ERR_INVALID, bad_outcome ? "outcome" : "note",
			       "must be UTF-8 text");
	}
	rc = in ? activity_create(db, actor, in, activity_id, err)
		: err_set(err, ERR_INTERNAL, NULL, "out of memory");
	json_decref(in);
	/* The note is the activity's body: name it as the caller sent it. */
	if (rc && strcmp(err->field, "body") == 0)
		snprintf(err->field, sizeof err->field, "note");
	return rc;
}

/* Complete (done 1) or reopen (0) a task. */
static int task_set_done(Db *db, const Actor *actor, int64_t id, int done, const TaskDone *how,
			 int64_t *next_id, int64_t *activity_id, Err *err)
{
	json_t *before = NULL;
	int64_t touch = 0;
	char now[21];
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if (next_id)
		*next_id = 0;
	if (activity_id)
		*activity_id = 0;
	if ((rc = task_locked(db, actor, id, 0, &before, err)))
		goto done;
	if (!strcmp(json_str_of(before, "status"), done ? "done" : "open")) {
		rc = err_set(err, ERR_CONFLICT, "status", "task %lld is already %s", (long long)id,
			     done ? "done" : "open");
		goto done;
	}
	if ((rc = set_status(db, id, done, now, err)) ||
	    (rc = audit_change(db, actor, done ? "done" : "reopen", id, before, NULL, err)))
		goto done;
	if (done && (rc = record_touch(db, actor, before, how, now, &touch, err)))
		goto done;
	if (activity_id)
		*activity_id = touch;
	int64_t next = 0;
	if (done && (rc = task_next(db, actor, before, &next, err)) == KITH_OK && next_id)
		*next_id = next;
done:
	json_decref(before);
	return db_end(db, rc, err);
}

int task_done(Db *db, const Actor *actor, int64_t id, int64_t *next_id, Err *err)
{
	return task_set_done(db, actor, id, 1, NULL, next_id, NULL, err);
}

int task_complete(Db *db, const Actor *actor, int64_t id, const TaskDone *how, int64_t *next_id,
		  int64_t *activity_id, Err *err)
{
	return task_set_done(db, actor, id, 1, how, next_id, activity_id, err);
}

int task_reopen(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return task_set_done(db, actor, id, 0, NULL, NULL, NULL, err);
}

/* ---- snooze and trash -------------------------------------------------- */

/* "Nd", "Nw" or "Nm" (N 1..REPEAT_MAX) into *n and *unit. */
static int parse_for(const char *s, int *n, char *unit, Err *err)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || errno || v < 1 || v > REPEAT_MAX ||
	    !(end[0] == 'd' || end[0] == 'w' || end[0] == 'm') || end[1])
		return err_set(err, ERR_INVALID, "for",
			       "must be a count and a unit: 3d, 2w or 1m (count 1 to %d)",
			       REPEAT_MAX);
	*n = (int)v;
	*unit = end[0];
	return KITH_OK;
}

/* The due that `snooze --for` counts from: the current one, but today
 * (in the workspace zone) when there is none or it is overdue; an overdue
 * instant keeps its time of day and moves to today's date. Into base[21]. */
static int snooze_base(const Workspace *ws, const char *cur_date, const char *cur_at,
		       char base[21], Err *err)
{
	char today[11], cur_day[11];
	int64_t t_days, c_days;
	time_t now = time(NULL), c;
	int rc = tz_local_date(ws->timezone, now, today, err);
	if (rc)
		return rc;
	if (cur_at && time_parse_iso(cur_at, &c) == 0 && c < now) {
		if ((rc = tz_local_date(ws->timezone, c, cur_day, err)))
			return rc;
		if (date_parse(today, &t_days) || date_parse(cur_day, &c_days))
			return err_set(err, ERR_INTERNAL, NULL, "a local date did not read back");
		return due_add(ws->timezone, cur_at, (int)(t_days - c_days), 'd', "for", PAST_9999,
			       base, err);
	}
	if (cur_at)
		snprintf(base, 21, "%s", cur_at);
	else
		snprintf(base, 21, "%s", cur_date && strcmp(cur_date, today) > 0 ? cur_date : today);
	return KITH_OK;
}

/* The new due of a snooze into date[11] or at[21] (the other one ""). */
static int snooze_due(Db *db, const json_t *task, const char *until, const char *forward,
		      char date[11], char at[21], Err *err)
{
	const char *cur_date = json_str_of(task, "due_date"), *cur_at = json_str_of(task, "due_at");
	const char *cur = cur_date ? cur_date : cur_at;
	Workspace ws;
	When w;
	time_t t, c;
	date[0] = at[0] = '\0';
	if (!until == !forward)
		return err_set(err, ERR_INVALID, until ? "for" : "until",
			       until ? "give until or for, not both"
				     : "is required: a date or instant (or give for: 3d, 2w, 1m)");
	if (forward) {
		int n = 0;
		char unit = 'd', base[21];
		int rc = parse_for(forward, &n, &unit, err);
		if (rc || (rc = workspace_get(db, &ws, err)) ||
		    (rc = snooze_base(&ws, cur_date, cur_at, base, err)))
			return rc;
		return due_add(ws.timezone, base, n, unit, "for", PAST_9999, cur_at ? at : date,
			       err);
	}
	int rc = workspace_when(db, until, WHEN_DATE | WHEN_INSTANT, "until", &w, err);
	if (rc)
		return rc;
	if (w.kind == WHEN_DATE_KIND)
		snprintf(date, 11, "%s", w.date);
	else
		snprintf(at, 21, "%s", w.iso);
	if (cur && time_parse_iso(cur, &c) == 0 && time_parse_iso(date[0] ? date : at, &t) == 0 &&
	    t <= c)
		return err_set(err, ERR_INVALID, "until", "must be later than the current due %s",
			       cur);
	return KITH_OK;
}

static int set_due(Db *db, int64_t id, const char *date, const char *at, Err *err)
{
	static const char sql[] = "UPDATE task SET due_date = ?, due_at = ?, updated_at = ?, "
				  "version = version + 1 WHERE id = ?";
	DbStmt *st;
	char now[21];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_text_or_null(st, 1, date);
	db_bind_text_or_null(st, 2, at);
	db_bind_text(st, 3, now);
	db_bind_int(st, 4, id);
	return db_exec_stmt(st, err);
}

int task_snooze(Db *db, const Actor *actor, int64_t id, const char *until, const char *forward,
		Err *err)
{
	json_t *before = NULL;
	char date[11], at[21];
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = task_locked(db, actor, id, 0, &before, err)))
		goto done;
	if (!strcmp(json_str_of(before, "status"), "done")) {
		rc = err_set(err, ERR_CONFLICT, "status", "task %lld is done; reopen it first",
			     (long long)id);
		goto done;
	}
	if ((rc = snooze_due(db, before, until, forward, date, at, err)) ||
	    (rc = set_due(db, id, date, at, err)))
		goto done;
	rc = audit_change(db, actor, "snooze", id, before, NULL, err);
done:
	json_decref(before);
	return db_end(db, rc, err);
}

static int set_deleted(Db *db, int64_t id, int deleted, Err *err)
{
	static const char sql[] = "UPDATE task SET deleted_at = ?, updated_at = ?, "
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
static int task_trash(Db *db, const Actor *actor, int64_t id, int deleted, Err *err)
{
	json_t *before = NULL;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = task_locked(db, actor, id, 1, &before, err)))
		goto done;
	int in_trash = !json_is_null(json_object_get(before, "deleted_at"));
	if (deleted && in_trash) {
		rc = err_set(err, ERR_GONE, "id", "task %lld is already in the trash", (long long)id);
		goto done;
	}
	if (!deleted && !in_trash) {
		rc = err_set(err, ERR_CONFLICT, "id", "task %lld is not in the trash", (long long)id);
		goto done;
	}
	if ((rc = set_deleted(db, id, deleted, err)))
		goto done;
	if (deleted)
		rc = audit_write(db, actor, "delete", "task", id, before, err);
	else
		rc = audit_change(db, actor, "restore", id, before, NULL, err);
done:
	json_decref(before);
	return db_end(db, rc, err);
}

int task_delete(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return task_trash(db, actor, id, 1, err);
}

int task_restore(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return task_trash(db, actor, id, 0, err);
}

/* ---- lists and the agenda ---------------------------------------------- */

/* Filters of task_list; params: assignee x2, status x2, contact x2,
 * company x2, deal x2 (0 / NULL = any). The ids are cast to BIGINT:
 * PostgreSQL would type "? = 0" as a 32-bit integer. */
#define LIST_FILTERS                                                                            \
	" AND (CAST(? AS BIGINT) = 0 OR t.assignee_id = ?)"                                     \
	" AND (CAST(? AS TEXT) IS NULL OR t.status = ?)"                                        \
	" AND (CAST(? AS BIGINT) = 0 OR t.contact_id = ?)"                                      \
	" AND (CAST(? AS BIGINT) = 0 OR t.company_id = ?)"                                      \
	" AND (CAST(? AS BIGINT) = 0 OR t.deal_id = ?)"

int task_list(Db *db, const Actor *actor, const TaskQuery *q, json_t **items, char **next,
	      Err *err)
{
	static const char sql[] = "SELECT " TASK_COLS TASK_FROM "WHERE t.deleted_at IS NULL AND "
				  TASK_VISIBLE LIST_FILTERS " AND t.id > ? ORDER BY t.id LIMIT ?";
	DbStmt *st;
	char *key = NULL;
	int64_t after_id = 0;
	int limit = q->limit ? q->limit : KITH_LIST_DEFAULT, rc, p, more = 0;
	json_t *arr = NULL;
	*next = NULL;
	if (limit < 1 || limit > KITH_LIST_MAX)
		return err_set(err, ERR_INVALID, "limit", "must be from 1 to %d", KITH_LIST_MAX);
	if (q->status && strcmp(q->status, "open") != 0 && strcmp(q->status, "done") != 0)
		return err_set(err, ERR_INVALID, "status", "must be open or done");
	if (q->cursor && (rc = cursor_decode(q->cursor, &key, &after_id, err)))
		return rc;
	if (key && strcmp(key, "task") != 0) {
		free(key);
		return err_set(err, ERR_INVALID, "cursor", "is not a cursor of this list");
	}
	free(key);
	if ((rc = db_prepare(db, &st, sql, err)))
		return rc;
	p = bind_visible(st, 1, actor);
	const int64_t ids[] = {q->assignee_id, 0, q->contact_id, q->company_id, q->deal_id};
	for (int i = 0; i < 5; i++) {
		if (i == 1) {
			db_bind_text(st, p++, q->status);
			db_bind_text(st, p++, q->status);
			continue;
		}
		db_bind_int(st, p++, ids[i]);
		db_bind_int(st, p++, ids[i]);
	}
	db_bind_int(st, p++, after_id);
	db_bind_int(st, p, limit + 1);
	arr = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((int)json_array_size(arr) == limit) {
			more = 1;
			break;
		}
		json_array_append_new(arr, record_cols_json(st, &task_record_cols));
	}
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	if (more && !(*next = cursor_encode("task", json_int_of(json_array_get(arr, limit - 1), "id")))) {
		json_decref(arr);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	*items = arr;
	return KITH_OK;
}

/* The bounds of the agenda: civil dates today, tomorrow and the last day
 * (d[0..2]) and the UTC instants of their local midnights (at[0..2]; at[2]
 * is the end: the midnight after the last day). */
typedef struct Bounds {
	char d[3][11];
	char at[3][21];
} Bounds;

static int agenda_bounds(const Workspace *ws, const char *today, int days, Bounds *b, Err *err)
{
	char end[11];
	time_t mid[3];
	int rc;
	if (today) {
		if (!date_valid(today) || strlen(today) != 10)
			return err_set(err, ERR_INVALID, "today", "must be a date YYYY-MM-DD");
		snprintf(b->d[0], 11, "%s", today);
	} else if ((rc = tz_local_date(ws->timezone, time(NULL), b->d[0], err))) {
		return rc;
	}
	if (days < 0 || days > DAYS_AHEAD_MAX)
		return err_set(err, ERR_INVALID, "days", "must be from 0 to %d", DAYS_AHEAD_MAX);
	if (date_add(b->d[0], 1, 'd', b->d[1]) || date_add(b->d[0], days, 'd', b->d[2]) ||
	    date_add(b->d[0], days + 1, 'd', end))
		return err_set(err, ERR_INVALID, "today", "is too close to the year 9999");
	const char *const dates[] = {b->d[0], b->d[1], end};
	for (int i = 0; i < 3; i++) {
		if ((rc = tz_local_midnight(ws->timezone, dates[i], &mid[i], err)))
			return rc;
		if (time_iso(mid[i], b->at[i]))
			return err_set(err, ERR_INVALID, "today", "is too close to the year 1000");
	}
	return KITH_OK;
}

/* The agenda's statement. The tasks come in the order of the index
 * task_agenda_user / task_agenda_team (migration 016): due (UTC, a date
 * standing for its own text), priority, id; the range on that due stops
 * the scan after the last day, the exact test of (due_date, due_at)
 * follows. One statement for the team and one for a user: an OR on the
 * assignee would make SQLite scan every open task of the team. The column
 * after the task's is its bucket: 0 overdue (a date before today, an
 * instant before today's midnight), 1 today, 2 upcoming. Parameters: today
 * twice, today's and tomorrow's midnights, the rule (RECORD_PARAMS_TASK),
 * the assignee (user_sql only), the end of the range, the last day and the
 * midnight after it. Each is written twice, for owners and admins and for
 * members (the admin flag a literal: core/record.h's _IF fragments), so
 * PostgreSQL plans each once per connection, not at every agenda. */
#define AGENDA_SELECT(adm)                                                                         \
	"SELECT " TASK_COLS ", CASE WHEN t.due_date IS NOT NULL THEN "                             \
	"CASE WHEN t.due_date < ? THEN 0 WHEN t.due_date = ? THEN 1 ELSE 2 END "                   \
	"WHEN t.due_at < ? THEN 0 WHEN t.due_at < ? THEN 1 ELSE 2 END" TASK_FROM                   \
	"WHERE t.deleted_at IS NULL AND t.status = 'open' AND " RECORD_TASK_VISIBLE_IF("t", adm)
#define AGENDA_ORDER                                                                               \
	" AND COALESCE(t.due_at, t.due_date) < ? AND (t.due_date <= ? OR t.due_at < ?) "           \
	"ORDER BY COALESCE(t.due_at, t.due_date), "                                                \
	"CASE t.priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, t.id"
static const char agenda_team_all_sql[] = AGENDA_SELECT("1") AGENDA_ORDER;
static const char agenda_team_member_sql[] = AGENDA_SELECT("0") AGENDA_ORDER;
static const char agenda_user_all_sql[] = AGENDA_SELECT("1") " AND t.assignee_id = ?" AGENDA_ORDER;
static const char agenda_user_member_sql[] =
	AGENDA_SELECT("0") " AND t.assignee_id = ?" AGENDA_ORDER;
#undef AGENDA_SELECT
#undef AGENDA_ORDER

/* Prepare and bind the agenda's statement into *st, its bounds into *b;
 * uid: the assignee filter, 0 = the team (user_whose_records). */
static int agenda_open(Db *db, const Actor *actor, int64_t uid, const Workspace *ws,
		       const char *today, int days_ahead, Bounds *b, DbStmt **st, Err *err)
{
	char end[11];
	int rc = agenda_bounds(ws, today, days_ahead, b, err);
	if (rc)
		return rc;
	/* The range holds every due the exact test lets through: a date up
	 * to the last day is below the day after it, an instant below the
	 * midnight after the last day; both are below the larger bound. */
	if (date_add(b->d[2], 1, 'd', end))
		return err_set(err, ERR_INVALID, "today", "is too close to the year 9999");
	const char *hi = strcmp(end, b->at[2]) > 0 ? end : b->at[2];
	int all = access_is_admin(actor);
	const char *sql = uid ? (all ? agenda_user_all_sql : agenda_user_member_sql)
			      : (all ? agenda_team_all_sql : agenda_team_member_sql);
	if ((rc = db_prepare(db, st, sql, err)))
		return rc;
	db_bind_text(*st, 1, b->d[0]);
	db_bind_text(*st, 2, b->d[0]);
	db_bind_text(*st, 3, b->at[0]);
	db_bind_text(*st, 4, b->at[1]);
	int p = record_bind_user(*st, 5, actor, RECORD_TASK);
	if (uid)
		db_bind_int(*st, p++, uid);
	db_bind_text(*st, p++, hi);
	db_bind_text(*st, p++, b->d[2]);
	db_bind_text(*st, p, b->at[2]);
	return KITH_OK;
}

/* The bucket of the current row (0..2, agenda_open). */
static int agenda_bucket(DbStmt *st)
{
	int64_t v = db_col_int(st, record_cols_width(&task_record_cols));
	return v < 0 ? 0 : v > 2 ? 2 : (int)v;
}

int task_agenda_text(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
		     char **out, Err *err)
{
	Workspace ws;
	int64_t uid;
	/* whose agenda: uid is the assignee filter, 0 = the team (core/user.h) */
	int rc = user_whose_records(db, actor, user_id, &uid, err);
	if (rc || (rc = workspace_get(db, &ws, err)))
		return rc;
	return task_agenda_text_for(db, actor, uid, &ws, today, days_ahead, out, err);
}

int task_agenda_text_for(Db *db, const Actor *actor, int64_t uid, const Workspace *ws,
			 const char *today, int days_ahead, char **out, Err *err)
{
	static const char *const names[] = {"overdue", "today", "upcoming"};
	Bounds b;
	DbStmt *st;
	Buf lists[3], o;
	int rc = agenda_open(db, actor, uid, ws, today, days_ahead, &b, &st, err);
	if (rc)
		return rc;
	for (int i = 0; i < 3; i++)
		buf_init(&lists[i], 0);
	while ((rc = db_step(st, err)) == DB_ROW) {
		Buf *l = &lists[agenda_bucket(st)];
		buf_addc(l, l->len ? ',' : '[');
		if (record_cols_text(st, &task_record_cols, l)) {
			rc = err_set(err, ERR_INTERNAL, NULL,
				     "task %lld could not be written as JSON",
				     (long long)db_col_int(st, 0));
			break;
		}
	}
	db_reset(st);
	buf_init(&o, 0);
	if (rc == DB_DONE) {
		/* {"date","overdue","today","upcoming"}, as json_dump writes it */
		int oom = 0;
		buf_adds(&o, "{\"date\":\"");
		buf_adds(&o, b.d[0]); /* a valid date: nothing to escape */
		buf_addc(&o, '"');
		for (int i = 0; i < 3; i++) {
			buf_addf(&o, ",\"%s\":", names[i]);
			if (lists[i].len)
				buf_add(&o, lists[i].data, lists[i].len);
			else
				buf_addc(&o, '[');
			buf_addc(&o, ']');
			oom |= buf_failed(&lists[i]);
		}
		buf_addc(&o, '}');
		rc = oom || buf_failed(&o) ? err_set(err, ERR_INTERNAL, NULL, "out of memory")
					   : KITH_OK;
	}
	for (int i = 0; i < 3; i++)
		buf_free(&lists[i]);
	if (rc == KITH_OK)
		*out = buf_take(&o);
	buf_free(&o);
	return rc;
}

int task_agenda(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
		json_t **out, Err *err)
{
	char *text = NULL;
	int rc = task_agenda_text(db, actor, user_id, today, days_ahead, &text, err);
	if (rc)
		return rc;
	*out = json_loads(text, 0, NULL);
	free(text);
	return *out ? KITH_OK
		    : err_set(err, ERR_INTERNAL, NULL, "the agenda's JSON did not read back");
}

int task_reassign(Db *db, int64_t from, int64_t to, Buf *ids, Err *err)
{
	static const char sql[] = "UPDATE task SET assignee_id = ?, version = version + 1, "
				  "updated_at = ? WHERE assignee_id = ? AND status = 'open' RETURNING id";
	char now[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_int(st, 1, to);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, from);
	return db_collect_ids(st, ids, err);
}
