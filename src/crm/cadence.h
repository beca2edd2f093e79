/* cadence.h - the rules of keeping in touch with a contact: how often it
 * should be touched (its cadence, own or from its tags), what counts as a
 * touch, when it falls due, and its last and next planned touch. Rules and
 * SQL in cadence.c. The lists built on these rules (who is due, who was
 * touched too often, key dates) and the agenda are views (views/due.h,
 * views/agenda.h). Depends on store/, base/, core/{access,workspace};
 * nothing in crm/, so contact, tag and contact_rec can use it. Owns no
 * table: it reads (never writes) contact.cadence_days, tag.cadence_days,
 * contact_tag, activity and task through indexed queries (migration 011).
 *
 * Rules:
 * - A touch is a live activity that is not a note (activity.h).
 * - The effective cadence of a contact is its own cadence_days, else the
 *   shortest cadence_days of its tags, else none.
 * - A contact with an effective cadence c touched last at instant t falls
 *   due on (civil date of t in the workspace zone) + c days; one never
 *   touched is due now. */
#ifndef KITH_CRM_CADENCE_H
#define KITH_CRM_CADENCE_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"
#include "core/access.h"
#include "store/db.h"

enum { CADENCE_DAYS_MAX = KITH_MAX_CADENCE_DAYS };

/* SQL, the rules above for the contact aliased c (subqueries use the
 * aliases a, t and ct): whether activity alias a is a touch, the last
 * touch of c (an instant, NULL = never) and its effective cadence (days,
 * NULL = none). Each is driven by an index (activity_contact, the
 * contact_tag primary key). */
#define CADENCE_IS_TOUCH(a) a ".kind <> 'note' AND " a ".deleted_at IS NULL"
#define CADENCE_LAST_TOUCH                                                                         \
	"(SELECT MAX(a.occurred_at) FROM activity a WHERE a.contact_id = c.id "                    \
	"AND " CADENCE_IS_TOUCH("a") ")"
#define CADENCE_EFFECTIVE                                                                          \
	"COALESCE(c.cadence_days, (SELECT MIN(t.cadence_days) FROM contact_tag ct "                \
	"JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = c.id))"

/* Validate a cadence value v (a JSON integer 1..CADENCE_DAYS_MAX, or null
 * for none) into *days (0 = none). ERR_INVALID naming field. */
int cadence_days_check(const json_t *v, const char *field, int64_t *days,
		       Err *err) KITH_WARN_UNUSED;

/* Parse a cadence given as text ("30", or "none" for none) into *days
 * (0 = none), for the CLI. ERR_INVALID naming field. */
int cadence_days_parse(const char *s, const char *field, int64_t *days, Err *err) KITH_WARN_UNUSED;

/* The day (days since 1970-01-01) on which a contact with effective
 * cadence `days` (1..CADENCE_DAYS_MAX) whose last touch was at instant
 * last (ISO 8601 UTC) falls due: the civil date of last in zone plus days.
 * ERR_INVALID naming "timezone" for an unknown zone (base/tz.h). */
int cadence_due_day(const char *zone, const char *last, int64_t days, int64_t *day,
		    Err *err) KITH_WARN_UNUSED;

/* Add to the JSON of contact id (which the caller has shown the actor may
 * see) "last_contacted_at" (instant or null), "effective_cadence_days"
 * (n or null) and "next_touch": the earliest of the earliest open task
 * linked to the contact that has a due, and the last touch + effective
 * cadence (today when never touched), as {"date", "source": "task" |
 * "cadence", "task_id": id | null}, or null when neither exists. A task
 * wins a tie. Computed live with indexed lookups, never stored. */
int cadence_annotate(Db *db, int64_t id, json_t *contact, Err *err) KITH_WARN_UNUSED;

/* cadence_annotate on a contact's serialized JSON object: *text (malloc'd)
 * is replaced by a new malloc'd text with the three keys appended (caller
 * frees). */
int cadence_annotate_text(Db *db, int64_t id, char **text, Err *err) KITH_WARN_UNUSED;

/* What a contact's next touch is computed from. */
typedef struct CadenceTouch {
	int64_t cadence; /* effective cadence, 0 = none */
	char last[21];   /* last touch instant, "" = never */
	int64_t date_id; /* earliest open task due on a date, 0 = none */
	char date[11];   /* its due_date */
	int64_t at_id;   /* earliest open task due at an instant, 0 = none */
	char at[21];     /* its due_at */
} CadenceTouch;

/* The earliest open task of contact c with a due of one kind (column). */
#define CADENCE_FIRST_TASK(col)                                                                  \
	"(SELECT k.id FROM task k WHERE k.contact_id = c.id AND k.status = 'open' "              \
	"AND k.deleted_at IS NULL AND k." col " IS NOT NULL ORDER BY k." col ", k.id LIMIT 1)"

/* A contact's next-touch inputs in the statement that reads its row (GET
 * by id is a hot path: one statement instead of two): CADENCE_TOUCH_COLS
 * (six columns) in the SELECT list and CADENCE_TOUCH_JOINS
 * after "FROM contact c"; cadence_touch_from_row reads them. The tag
 * cadence (contact_tag primary key), the latest touch (activity_contact)
 * and the earliest open tasks (task_contact_due_date, task_contact_due_at:
 * partial indexes read in order, since an ORDER BY sorter in the subqueries
 * doubled the cost of a GET). The earliest instant is also the earliest in
 * any zone, so one task of each kind is enough. */
#define CADENCE_TOUCH_COLS                                                                       \
	CADENCE_EFFECTIVE ", " CADENCE_LAST_TOUCH ", d.id, d.due_date, i.id, i.due_at"
#define CADENCE_TOUCH_JOINS                                                                      \
	"LEFT JOIN task d ON d.id = " CADENCE_FIRST_TASK("due_date")                             \
	" LEFT JOIN task i ON i.id = " CADENCE_FIRST_TASK("due_at")

/* Read the CADENCE_TOUCH_COLS columns of st's current row, from column col. */
void cadence_touch_from_row(DbStmt *st, int col, CadenceTouch *t);

/* cadence_annotate_text from inputs already read (cadence_touch_from_row
 * in the same read transaction), on the contact's JSON object in json:
 * the keys are appended in place of its closing '}' (no copy of the
 * object). On error json's contents are undefined (the caller frees it). */
int cadence_annotate_touch_buf(Db *db, const CadenceTouch *t, Buf *json,
			       Err *err) KITH_WARN_UNUSED;

#endif
