/* activity.h - interaction history: calls, emails, meetings, notes, SMS and
 * letters logged against a contact and/or a company and/or a deal, and when
 * a record was last contacted. Rules and SQL in activity.c; activity_cli.c
 * and activity_api.c are adapters; the merged timelines are timeline.h.
 * Depends on store/, base/, core/{access,audit,record,user,workspace}; no
 * other crm/ module. Owns table activity.
 *
 * JSON representation (activity_get, list items):
 *   {"id", "kind", "direction", "subject", "body", "outcome",
 *    "duration_minutes", "occurred_at", "user_id", "user_name",
 *    "contact_id", "company_id", "deal_id", "version", "created_at",
 *    "updated_at", "deleted_at"}
 * Writable keys: kind, direction, subject, body, outcome, duration_minutes,
 * occurred_at, user_id, contact_id, company_id, deal_id.
 *
 * Access (core/record.h's rule): owners and admins see every activity; a
 * member sees one they logged, or one linked to a contact, company or deal
 * they own or that is shared with them (in the trash or not). Hidden
 * activities answer ERR_NOT_FOUND. A link written must be to a live record
 * the actor may see (record_check: ERR_NOT_FOUND or ERR_GONE naming the
 * key, "contact_id", "company_id" or "deal_id"). */
#ifndef KITH_CRM_ACTIVITY_H
#define KITH_CRM_ACTIVITY_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "core/record_cols.h"
#include "store/db.h"

/* The activity's column table: its SELECT list and its JSON (core/record_cols.h;
 * test_record_cols checks the two agree). */
extern const RecordCols activity_record_cols;

/* Log an activity. kind and at least one of contact_id, company_id and
 * deal_id are required; occurred_at defaults to now (a date means midnight
 * UTC; at most a day ahead); user_id defaults to the actor (owners/admins
 * may name another active user). ERR_INVALID naming the field;
 * ERR_NOT_FOUND / ERR_GONE naming "contact_id", "company_id" or "deal_id"
 * for a hidden, absent or trashed link. Nothing is stored on error. *id
 * gets the new id. Audited. */
int activity_create(Db *db, const Actor *actor, const json_t *in, int64_t *id,
		    Err *err) KITH_WARN_UNUSED;

enum { ACTIVITY_NO_AUDIT = 2 /* bulk loads (demo, import): the caller writes one summary entry */ };

/* Log n activities from in[0..n) in one transaction, each by the rules of
 * activity_create, for bulk loads; with ACTIVITY_NO_AUDIT the caller writes
 * one summary audit entry instead of one per row. ids (may be NULL) gets
 * the new ids in input order. On the first failing row nothing is stored
 * and err is that row's activity_create error. */
int activity_create_many(Db *db, const Actor *actor, json_t *const *in, size_t n, int flags,
			 int64_t *ids, Err *err) KITH_WARN_UNUSED;

/* The activity as JSON (caller decrefs). ERR_NOT_FOUND when absent or
 * hidden; ERR_GONE when in the trash and !include_deleted. */
int activity_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
		 Err *err) KITH_WARN_UNUSED;

/* The live activities ids[0..n) the actor may see, in one statement (a
 * page of a timeline): out[i] gets activity ids[i] as activity_get gives it
 * (caller decrefs), or NULL when it is absent, hidden or in the trash (where
 * activity_get answers ERR_NOT_FOUND or ERR_GONE). An id listed twice gets
 * two objects. A storage error leaves out all NULL. */
int activity_get_many(Db *db, const Actor *actor, const int64_t *ids, size_t n, json_t **out,
		      Err *err) KITH_WARN_UNUSED;

/* Patch with the keys of create (absent keys unchanged, null clears the
 * optional ones). ERR_STALE when expected_version is non-zero and differs.
 * *out (may be NULL) gets the new record. Audited with the changed keys. */
int activity_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		    int64_t expected_version, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Move to the trash / restore from it. ERR_GONE when already in the trash,
 * ERR_CONFLICT when restoring one that is not. Audited. */
int activity_delete(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;
int activity_restore(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;

typedef struct ActivityQuery {
	int64_t contact_id;   /* 0 = any */
	int64_t company_id;   /* 0 = any */
	int64_t deal_id;      /* 0 = any */
	const char *kind;     /* NULL = any */
	int64_t user_id;      /* 0 = any */
	const char *since;    /* date or instant: occurred_at >= since; NULL = any */
	int limit;            /* 1..KITH_LIST_MAX; 0 = KITH_LIST_DEFAULT */
	const char *cursor;   /* from a previous page's next */
} ActivityQuery;

/* Live activities the actor may see, newest first (occurred_at, id). *items
 * is a JSON array (caller decrefs), *next a malloc'd cursor or NULL (caller
 * frees). ERR_INVALID naming "kind", "since", "limit" or "cursor". */
int activity_list(Db *db, const Actor *actor, const ActivityQuery *q, json_t **items,
		  char **next, Err *err) KITH_WARN_UNUSED;

/* When the actor's team last contacted a contact, company or deal (entity
 * "contact", "company", "deal"): the latest occurred_at of a live, non-note
 * activity the actor may see linked to it (for a company also to its
 * contacts), into out ("" when none). ERR_NOT_FOUND when the record is
 * absent or hidden (trashed records still answer); ERR_INVALID naming
 * "entity". */
int activity_last_touch(Db *db, const Actor *actor, const char *entity, int64_t id,
			char out[21], Err *err) KITH_WARN_UNUSED;

/* activity_last_touch of a record the caller has already found visible
 * to the actor (record_check, in the same transaction): one statement
 * fewer. Errors as activity_last_touch but never ERR_NOT_FOUND. */
int activity_last_touch_seen(Db *db, const Actor *actor, const char *entity, int64_t id,
			     char out[21], Err *err) KITH_WARN_UNUSED;

/* activity_last_touch for a contact. */
int activity_last_contacted(Db *db, const Actor *actor, int64_t contact_id, char out[21],
			    Err *err) KITH_WARN_UNUSED;

/* 1 when s names an activity kind (call, email, meeting, note, sms, letter). */
int activity_kind_valid(const char *s);

#endif
