/* cadence.h - keeping in touch: how often each contact should be touched
 * (its cadence), who is due for a touch, who was touched too often, the key
 * dates ahead (birthdays, date custom fields that remind), and a contact's
 * last and next planned touch. Rules and SQL in cadence.c; cadence_cli.c is
 * the `kith due` adapter, and the agenda (task_api.c, task_cli.c) shows the
 * same sections. Depends on store/, base/, crm/{access,user,workspace}.
 * Owns no table: it reads (never writes) contact.cadence_days,
 * tag.cadence_days, contact_tag, activity, task, field_def.remind_days and
 * field_value through indexed queries (migration 011).
 *
 * Rules:
 * - A touch is a live activity that is not a note (activity.h).
 * - The effective cadence of a contact is its own cadence_days, else the
 *   shortest cadence_days of its tags, else none.
 * - A contact with an effective cadence c is due when it was never touched,
 *   or when (civil date of its last touch in the workspace zone) + c days
 *   <= today + horizon days.
 * - Too often: more than the workspace's touch_limit touches within the
 *   last touch_window_days civil days (today included), among the contacts
 *   with an effective cadence (the ones whose touches are planned).
 * - Key dates: birthdays within birthday_lead_days (29 February counts as
 *   28 February in common years), and values of date custom fields whose
 *   definition has remind_days, within [today, today + remind_days].
 * - Whose records: owners/admins choose a user or the whole team; a member
 *   always gets the records they own. */
#ifndef KITH_CRM_CADENCE_H
#define KITH_CRM_CADENCE_H

#include <jansson.h>
#include <stdint.h>

#include "base/limits.h"
#include "core/access.h"
#include "store/db.h"

enum { CADENCE_DAYS_MAX = KITH_MAX_CADENCE_DAYS, CADENCE_HORIZON_MAX = KITH_AGENDA_DAYS_MAX };

/* SQL, the cadence rules for the contact aliased c (subqueries use the
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

typedef struct CadenceQuery {
	int64_t user_id;   /* whose records: 0 = the whole team (owners/admins only) */
	const char *today; /* civil date YYYY-MM-DD; NULL = today in the workspace zone */
	int days;          /* horizon: also list who falls due within this many days (0..366) */
} CadenceQuery;

/* Who to touch, as {"date": today, "due": [...], "too_often": [...],
 * "key_dates": [...], "counts": {"due", "too_often", "key_dates"}} (caller
 * decrefs *out). Each list holds at most KITH_DUE_MAX items; counts are the
 * totals before that cap.
 *   due: {"id", "name", "owner_id", "cadence_days", "last_contacted_at"
 *        (null = never), "due_date" (null = never touched),
 *        "days_overdue" (null = never touched; negative = due in N days)},
 *        never touched first, then most overdue first.
 *   too_often: {"id", "name", "owner_id", "touches", "window_days",
 *        "last_contacted_at"}, most touches first.
 *   key_dates: {"type" (contact|company|deal), "id", "name", "key"
 *        ("birthday" or the field key), "label", "date", "days"}, soonest
 *        first.
 * A member naming another user gets ERR_NOT_FOUND naming "user_id"; an
 * unknown user ERR_NOT_FOUND naming "user_id"; ERR_INVALID naming "today"
 * or "days". */
int cadence_due(Db *db, const Actor *actor, const CadenceQuery *q, json_t **out,
		Err *err) KITH_WARN_UNUSED;

/* Whose agenda or due list, and how far ahead, from what a surface was
 * given: user_id (0 = not named) or team (1 = the whole team, owners and
 * admins; the domain checks that), not both (ERR_INVALID naming "team");
 * neither = the actor's own (the whole team for the local system, which
 * owns nothing). days_text is a whole number 0..KITH_AGENDA_DAYS_MAX, NULL
 * for default_days; else ERR_INVALID naming "days". */
int cadence_scope(const Actor *actor, int64_t user_id, int team, const char *days_text,
		  int default_days, int64_t *user_out, int *days_out, Err *err) KITH_WARN_UNUSED;

/* The agenda (kith agenda, /api/v1/agenda): task_agenda's sections for
 * user_id (0 = the team) with days_ahead upcoming days, and cadence_due's
 * sections for the same user, today and horizon, read in one snapshot.
 * Errors as those two. *out: caller decrefs. */
int cadence_agenda(Db *db, const Actor *actor, int64_t user_id, const char *today,
		   int days_ahead, json_t **out, Err *err) KITH_WARN_UNUSED;

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
 * (CADENCE_TOUCH_NCOLS columns) in the SELECT list and CADENCE_TOUCH_JOINS
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
enum { CADENCE_TOUCH_NCOLS = 6 };

/* Read the CADENCE_TOUCH_COLS columns of st's current row, from column col. */
void cadence_touch_from_row(DbStmt *st, int col, CadenceTouch *t);

/* cadence_annotate_text from inputs already read (cadence_touch_from_row
 * in the same read transaction). */
int cadence_annotate_touch_text(Db *db, const CadenceTouch *t, char **text,
				Err *err) KITH_WARN_UNUSED;

#endif
