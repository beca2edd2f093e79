/* cadence.c - the rules of keeping in touch with one contact: cadence
 * values, when a contact falls due, and its last and next planned touch
 * (cadence.h). Depends on base/, store/ and core/{access,workspace}; never
 * on other crm/ modules, views/, cli/ or http/.
 *
 * Scale (1M contacts, 5M activities): the next touch of one contact is one
 * statement over the contact_tag primary key, activity_contact and the
 * partial indexes task_contact_due_date / task_contact_due_at (touch_read).
 * Statement discipline as in contact.c: each statement is stepped to its
 * end and reset before the next prepare. */
#include "crm/cadence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/tz.h"
#include "core/workspace.h"

/* ---- cadence values ---- */

int cadence_days_check(const json_t *v, const char *field, int64_t *days, Err *err)
{
	*days = 0;
	if (!v || json_is_null(v))
		return KITH_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > CADENCE_DAYS_MAX)
		return err_set(err, ERR_INVALID, field,
			       "must be a whole number of days from 1 to %d, or null for none",
			       CADENCE_DAYS_MAX);
	*days = json_integer_value(v);
	return KITH_OK;
}

int cadence_days_parse(const char *s, const char *field, int64_t *days, Err *err)
{
	char *end;
	*days = 0;
	if (s && strcmp(s, "none") == 0)
		return KITH_OK;
	long v = 0;
	if (s && *s >= '0' && *s <= '9' && (v = strtol(s, &end, 10), *end))
		v = 0;
	if (v < 1 || v > CADENCE_DAYS_MAX)
		return err_set(err, ERR_INVALID, field,
			       "must be a whole number of days from 1 to %d, or none",
			       CADENCE_DAYS_MAX);
	*days = v;
	return KITH_OK;
}

/* ---- civil days (base/date.h) ---- */

static const char DAY_MIN[] = "1000-01-01", DAY_MAX[] = "9999-12-31";

/* Days since 1970-01-01 of a valid date "YYYY-MM-DD" (callers check;
 * anything else is day 0). */
static int64_t day_of(const char *date)
{
	int64_t z = 0;
	return date_parse(date, &z) ? 0 : z;
}

/* The date "YYYY-MM-DD" of day z into out[11], clamped to the years
 * 1000..9999 (a due past 9999 is as good as never). */
static void date_of(int64_t z, char out[11])
{
	if (date_format(z, out))
		snprintf(out, 11, "%s", z < 0 ? DAY_MIN : DAY_MAX);
}

/* The civil date of instant iso in zone into out[11] (UTC needs no zone
 * file: the hot path of cadence_annotate). */
static int local_date(const char *zone, const char *iso, char out[11], Err *err)
{
	time_t t;
	if (strcmp(zone, "UTC") == 0 || time_parse_iso(iso, &t) != 0) {
		snprintf(out, 11, "%.10s", iso);
		return KITH_OK;
	}
	return tz_local_date(zone, t, out, err);
}

int cadence_due_day(const char *zone, const char *last, int64_t days, int64_t *day, Err *err)
{
	char local[11];
	int rc = local_date(zone, last, local, err);
	*day = rc == KITH_OK ? day_of(local) + days : 0;
	return rc;
}

/* ---- last and next touch of one contact ---- */

/* What the next touch of one contact is computed from. */
typedef struct Touch {
	int64_t cadence;  /* effective cadence, 0 = none */
	char last[21];    /* last touch instant, "" = never */
	int64_t date_id;  /* earliest open task due on a date, 0 = none */
	char date[11];    /* its due_date */
	int64_t at_id;    /* earliest open task due at an instant, 0 = none */
	char at[21];      /* its due_at */
} Touch;

/* The earliest open task of the contact with a due of one kind (column). */
#define FIRST_TASK(col)                                                                          \
	"(SELECT k.id FROM task k WHERE k.contact_id = c.id AND k.status = 'open' "              \
	"AND k.deleted_at IS NULL AND k." col " IS NOT NULL ORDER BY k." col ", k.id LIMIT 1)"

/* Read t for contact id in one statement (GET by id is a hot path): the
 * contact's row, its tags (contact_tag primary key), its latest touch
 * (activity_contact) and its earliest open tasks (task_contact_due_date,
 * task_contact_due_at: partial indexes read in order, since an ORDER BY
 * sorter in the subqueries doubled the cost of a GET). The earliest instant
 * is also the earliest in any zone, so one task of each kind is enough. */
static int touch_read(Db *db, int64_t id, Touch *t, Err *err)
{
	static const char sql[] =
		"SELECT COALESCE(c.cadence_days, (SELECT MIN(t.cadence_days) FROM contact_tag ct "
		"JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = c.id)), "
		"(SELECT MAX(a.occurred_at) FROM activity a WHERE a.contact_id = c.id "
		"AND a.kind <> 'note' AND a.deleted_at IS NULL), d.id, d.due_date, i.id, i.due_at "
		"FROM contact c LEFT JOIN task d ON d.id = " FIRST_TASK("due_date")
		" LEFT JOIN task i ON i.id = " FIRST_TASK("due_at") " WHERE c.id = ?";
	DbStmt *st;
	*t = (Touch){0};
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		t->cadence = db_col_int(st, 0);
		if (!db_col_is_null(st, 1))
			snprintf(t->last, sizeof t->last, "%s", db_col_text(st, 1));
		if ((t->date_id = db_col_int(st, 2)))
			snprintf(t->date, sizeof t->date, "%s", db_col_text(st, 3));
		if ((t->at_id = db_col_int(st, 4)))
			snprintf(t->at, sizeof t->at, "%s", db_col_text(st, 5));
	}
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

/* The next planned touch from t: *next is {"date","source","task_id"} or
 * null (caller decrefs). The workspace zone is read only when needed. */
static int next_touch(Db *db, const Touch *t, json_t **next, Err *err)
{
	Workspace ws;
	char at_date[11] = "", cad_date[11] = "";
	const char *task_date = NULL;
	int64_t task_id = 0;
	int rc = KITH_OK;
	if ((t->at_id || t->cadence) && (rc = workspace_get(db, &ws, err)))
		return rc;
	if (t->at_id && (rc = local_date(ws.timezone, t->at, at_date, err)))
		return rc;
	if (t->cadence && t->last[0] &&
	    (rc = local_date(ws.timezone, t->last, cad_date, err)) == KITH_OK)
		date_of(day_of(cad_date) + t->cadence, cad_date);
	else if (t->cadence && !t->last[0])
		rc = tz_local_date(ws.timezone, time(NULL), cad_date, err);
	if (rc)
		return rc;
	if (t->date_id) {
		task_id = t->date_id;
		task_date = t->date;
	}
	if (t->at_id && (!task_id || strcmp(at_date, task_date) < 0 ||
			 (strcmp(at_date, task_date) == 0 && t->at_id < task_id))) {
		task_id = t->at_id;
		task_date = at_date;
	}
	if (task_id && (!cad_date[0] || strcmp(task_date, cad_date) <= 0))
		*next = json_pack("{ss ss sI}", "date", task_date, "source", "task", "task_id",
				  (json_int_t)task_id);
	else if (cad_date[0])
		*next = json_pack("{ss ss sn}", "date", cad_date, "source", "cadence", "task_id");
	else
		*next = json_null();
	return KITH_OK;
}

/* The keys cadence_annotate adds, as a new object (caller decrefs). */
static int annotation(Db *db, int64_t id, json_t **out, Err *err)
{
	Touch t;
	json_t *next = NULL;
	int rc = touch_read(db, id, &t, err);
	if (rc || (rc = next_touch(db, &t, &next, err)))
		return rc;
	*out = json_pack("{so so so}", "last_contacted_at",
			 t.last[0] ? json_string(t.last) : json_null(), "effective_cadence_days",
			 t.cadence ? json_integer(t.cadence) : json_null(), "next_touch", next);
	return *out ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
}

int cadence_annotate(Db *db, int64_t id, json_t *contact, Err *err)
{
	json_t *a = NULL;
	int rc = annotation(db, id, &a, err);
	if (rc == KITH_OK)
		json_object_update(contact, a);
	json_decref(a);
	return rc;
}

int cadence_annotate_text(Db *db, int64_t id, char **text, Err *err)
{
	json_t *a = NULL;
	int rc = annotation(db, id, &a, err);
	if (rc)
		return rc;
	char *add = json_dump(a), *end = strrchr(*text, '}');
	json_decref(a);
	if (!add || !end || end == *text) {
		free(add);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	size_t head = (size_t)(end - *text), tail = strlen(add + 1);
	int empty = head == 1; /* "{}" */
	char *joined = malloc(head + 1 + tail + 1);
	if (!joined) {
		free(add);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	memcpy(joined, *text, head);
	if (!empty)
		joined[head++] = ',';
	memcpy(joined + head, add + 1, tail + 1); /* its "}" and NUL */
	free(add);
	free(*text);
	*text = joined;
	return KITH_OK;
}
