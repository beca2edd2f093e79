/* task.h - follow-ups and tasks: a title, a type, a due date or instant, an
 * assignee, a priority, one linked record, notes, an optional repetition;
 * complete/reopen, snooze, trash, and the agenda (overdue, today,
 * upcoming). Rules and SQL in task.c; task_cli.c and task_api.c are
 * adapters. Depends on store/, base/, core/{access,audit,record,user,
 * workspace}, crm/activity. Owns table task.
 *
 * JSON representation (task_get, list and agenda items):
 *   {"id", "title", "type", "due_date", "due_at", "assignee_id",
 *    "assignee_name", "priority", "contact_id", "company_id", "deal_id",
 *    "notes", "repeat_every", "repeat_unit", "status", "done_at",
 *    "created_by", "version", "created_at", "updated_at", "deleted_at"}
 * Writable keys: title, type, due_date, due_at, assignee_id, priority,
 * contact_id, company_id, deal_id, notes, repeat_every, repeat_unit.
 *
 * Access (core/record.h's rule): owners and admins see every task; a
 * member sees a task assigned to them, created by them, or linked to a
 * contact, company or deal they own or that is shared with them (in the
 * trash or not). Hidden tasks answer ERR_NOT_FOUND. A link written must be
 * to a live record the actor may see (record_check: ERR_NOT_FOUND or
 * ERR_GONE naming the key). */
#ifndef KITH_CRM_TASK_H
#define KITH_CRM_TASK_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/access.h"
#include "core/record_cols.h"
#include "core/workspace.h"
#include "store/db.h"

/* The task's column table: its SELECT list and its JSON (core/record_cols.h;
 * test_record_cols checks the two agree). */
extern const RecordCols task_record_cols;

/* Create a task. title is required; type defaults to todo, priority to
 * normal, assignee_id to the actor (members may only assign themselves);
 * at most one of due_date/due_at and of contact_id/company_id/deal_id;
 * due_at is read as base/when.h says (WHEN_INSTANT: UTC, an offset, or
 * local in the workspace zone) and stored in UTC;
 * repeat_every (1..366) and repeat_unit (days, weeks, months) go together
 * and need a due. ERR_INVALID naming the field; ERR_NOT_FOUND / ERR_GONE
 * naming the link key for a hidden, absent or trashed link. Nothing is
 * stored on error. *id gets the new id. Audited. */
int task_create(Db *db, const Actor *actor, const json_t *in, int64_t *id,
		Err *err) KITH_WARN_UNUSED;

/* The task as JSON (caller decrefs). ERR_NOT_FOUND when absent or hidden;
 * ERR_GONE when in the trash and !include_deleted. */
int task_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
	     Err *err) KITH_WARN_UNUSED;

/* The live tasks ids[0..n) the actor may see, in one statement (a page of
 * a timeline): out[i] gets task ids[i] as task_get gives it (caller
 * decrefs), or NULL when it is absent, hidden or in the trash. An id listed
 * twice gets two objects. A storage error leaves out all NULL. */
int task_get_many(Db *db, const Actor *actor, const int64_t *ids, size_t n, json_t **out,
		  Err *err) KITH_WARN_UNUSED;

/* Patch with the writable keys (absent keys unchanged, null clears the
 * optional ones). ERR_STALE when expected_version is non-zero and differs.
 * *out (may be NULL) gets the new record (caller decrefs). Audited. */
int task_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		int64_t expected_version, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Complete an open task (status done, done_at now). A repeating task gets
 * its next occurrence in the same transaction: due + interval, months
 * clamped to the month's last day (Jan 31 + 1 month = Feb 28/29); *next_id
 * (may be NULL) gets its id, 0 when none. ERR_CONFLICT when already done.
 * Audited ("done", and "create" for the next one). */
int task_done(Db *db, const Actor *actor, int64_t id, int64_t *next_id,
	      Err *err) KITH_WARN_UNUSED;

/* What a completion says about the touch it records (task_complete). */
typedef struct TaskDone {
	const char *outcome; /* activity outcome, one line; NULL = none */
	const char *note;    /* activity body; NULL = none */
	int no_touch;	     /* bulk loads (demo) that count their activities apart: log none */
} TaskDone;

/* task_done, and completing a call, email or meeting task records the
 * touch: an activity of that kind (crm/activity.h) by the actor, now, with
 * the task's title as subject, how->outcome and how->note (how may be
 * NULL), linked to the task's contact, company or deal, so last contacted
 * and cadence follow. No activity for a todo, an unlinked task, or one
 * whose linked record is in the trash or hidden from the actor; then an
 * outcome or note is ERR_INVALID naming "outcome" / "note", as is one the
 * activity refuses (too long, not UTF-8). *activity_id
 * (may be NULL) gets the activity's id, 0 when none. One transaction. */
int task_complete(Db *db, const Actor *actor, int64_t id, const TaskDone *how, int64_t *next_id,
		  int64_t *activity_id, Err *err) KITH_WARN_UNUSED;

/* Reopen a done task. ERR_CONFLICT when it is open. Audited. */
int task_reopen(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;

/* Move the due forward. until: a date (sets due_date) or an instant (sets
 * due_at; UTC, with an offset or local in the workspace zone: base/when.h),
 * later than the current due; or forward: "Nd", "Nw" or "Nm" (N 1..366)
 * added to the current due, or to today in the workspace zone when there
 * is none or it is overdue (an overdue instant keeps its time of day).
 * Exactly one of until/forward; ERR_INVALID naming "until" or "for".
 * ERR_CONFLICT for a done task. Audited as "snooze". */
int task_snooze(Db *db, const Actor *actor, int64_t id, const char *until, const char *forward,
		Err *err) KITH_WARN_UNUSED;

/* Move to the trash / restore from it. ERR_GONE when already in the trash,
 * ERR_CONFLICT when restoring one that is not. Audited. */
int task_delete(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;
int task_restore(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;

typedef struct TaskQuery {
	int64_t assignee_id;  /* 0 = any */
	const char *status;   /* "open", "done", NULL = any */
	int64_t contact_id;   /* 0 = any */
	int64_t company_id;   /* 0 = any */
	int64_t deal_id;      /* 0 = any */
	int limit;            /* 1..KITH_LIST_MAX; 0 = KITH_LIST_DEFAULT */
	const char *cursor;   /* from a previous page's next */
} TaskQuery;

/* Live tasks the actor may see, in id order. *items is a JSON array
 * (caller decrefs), *next a malloc'd cursor or NULL (caller frees).
 * ERR_INVALID naming "status", "limit" or "cursor". */
int task_list(Db *db, const Actor *actor, const TaskQuery *q, json_t **items, char **next,
	      Err *err) KITH_WARN_UNUSED;

/* Today's civil date in the workspace time zone into out[11]. */
int task_today(Db *db, char out[11], Err *err) KITH_WARN_UNUSED;

/* The agenda: {"date", "overdue": [...], "today": [...], "upcoming": [...]}
 * of live open tasks with a due the actor may see, assigned to user_id
 * (0 = the whole team for owners/admins; a member always gets their own;
 * a member naming someone else gets ERR_NOT_FOUND naming "user_id": the
 * rule of user_whose_records, core/user.h). today is a civil date in the
 * workspace zone (NULL = task_today); an instant is due "today" when it
 * falls on that civil date in the workspace zone. upcoming holds the next
 * days_ahead (0..366) days. Each list is sorted by due (UTC), then
 * priority (high first), then id. ERR_INVALID naming "today" or "days".
 * *out: caller decrefs. */
int task_agenda(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
		json_t **out, Err *err) KITH_WARN_UNUSED;

/* task_agenda's answer as the JSON text json_dump writes for it, written
 * row by row without building the objects (GET /api/v1/agenda; task_agenda
 * reads this text back). Same arguments and errors, and ERR_INTERNAL when
 * a task's text is not UTF-8. *out: malloc'd, caller frees. */
int task_agenda_text(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
		     char **out, Err *err) KITH_WARN_UNUSED;

/* task_agenda_text for a caller that has already read the workspace (ws)
 * and found whose agenda it is: uid is user_whose_records's answer for the
 * actor (core/user.h; the assignee, 0 = the team), not checked again. The
 * agenda view does so once for its two halves (views/agenda.c): on
 * PostgreSQL each read is a round trip. Errors as task_agenda_text, without
 * the user's. */
int task_agenda_text_for(Db *db, const Actor *actor, int64_t uid, const Workspace *ws,
			 const char *today, int days_ahead, char **out, Err *err) KITH_WARN_UNUSED;

/* Hand every open task assigned to of user `from` to user `to` (ids checked by the
 * caller), bumping versions; the changed ids are appended to ids (int64_t).
 * Runs in the caller's transaction; the caller audits. */
int task_reassign(Db *db, int64_t from, int64_t to, Buf *ids, Err *err) KITH_WARN_UNUSED;

#endif
