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

#include "base/buf.h"
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

/* ---- civil days ---- */

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
	*day = rc == KITH_OK ? date_day(local) + days : 0;
	return rc;
}

/* ---- last and next touch of one contact ---- */

void cadence_touch_from_row(DbStmt *st, int col, CadenceTouch *t)
{
	*t = (CadenceTouch){0};
	t->cadence = db_col_int(st, col);
	if (!db_col_is_null(st, col + 1))
		snprintf(t->last, sizeof t->last, "%s", db_col_text(st, col + 1));
	if ((t->date_id = db_col_int(st, col + 2)))
		snprintf(t->date, sizeof t->date, "%s", db_col_text(st, col + 3));
	if ((t->at_id = db_col_int(st, col + 4)))
		snprintf(t->at, sizeof t->at, "%s", db_col_text(st, col + 5));
}

/* Read t for contact id in one statement (CADENCE_TOUCH_COLS). */
static int touch_read(Db *db, int64_t id, CadenceTouch *t, Err *err)
{
	static const char sql[] = "SELECT " CADENCE_TOUCH_COLS " FROM contact c "
				  CADENCE_TOUCH_JOINS " WHERE c.id = ?";
	DbStmt *st;
	*t = (CadenceTouch){0};
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW)
		cadence_touch_from_row(st, 0, t);
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

/* The next planned touch of a contact: date "" when there is none, task_id
 * 0 when it comes from the cadence. */
typedef struct Next {
	char date[11];   /* civil date */
	int64_t task_id; /* the task due then, 0 = the cadence */
} Next;

/* The next planned touch from t into *n. The workspace zone is read only
 * when needed. */
static int next_touch(Db *db, const CadenceTouch *t, Next *n, Err *err)
{
	Workspace ws;
	char at_date[11] = "", cad_date[11] = "";
	const char *task_date = NULL;
	int64_t task_id = 0;
	int rc = KITH_OK;
	*n = (Next){0};
	if ((t->at_id || t->cadence) && (rc = workspace_get(db, &ws, err)))
		return rc;
	if (t->at_id && (rc = local_date(ws.timezone, t->at, at_date, err)))
		return rc;
	if (t->cadence && t->last[0] &&
	    (rc = local_date(ws.timezone, t->last, cad_date, err)) == KITH_OK)
		date_format_clamped(date_day(cad_date) + t->cadence, cad_date);
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
	if (task_id && (!cad_date[0] || strcmp(task_date, cad_date) <= 0)) {
		snprintf(n->date, sizeof n->date, "%s", task_date);
		n->task_id = task_id;
	} else if (cad_date[0]) {
		memcpy(n->date, cad_date, sizeof n->date);
	}
	return KITH_OK;
}

/* The keys cadence_annotate adds, as a new object (caller decrefs). */
static int annotation(Db *db, int64_t id, json_t **out, Err *err)
{
	CadenceTouch t;
	Next n;
	int rc = touch_read(db, id, &t, err);
	if (rc || (rc = next_touch(db, &t, &n, err)))
		return rc;
	json_t *next = !n.date[0]    ? json_null()
		       : n.task_id ? json_pack("{ss ss sI}", "date", n.date, "source", "task",
					       "task_id", (json_int_t)n.task_id)
				   : json_pack("{ss ss sn}", "date", n.date, "source", "cadence",
					       "task_id");
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

/* Append v in decimal (what json_dump writes for an integer), without
 * printf's cost on the hot path. */
static void add_int(Buf *b, long long v)
{
	char d[24];
	size_t i = sizeof d;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		d[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		d[--i] = '-';
	buf_add(b, d + i, sizeof d - i);
}

/* Append s as a JSON string, the bytes json_dump writes: instants and
 * dates need no escapes; anything else goes through jansson. Returns
 * non-zero when out of memory. */
static int add_json_string(Buf *b, const char *s)
{
	size_t n = strlen(s);
	if (strspn(s, "0123456789-:.TZ+") == n) {
		buf_addc(b, '"');
		buf_add(b, s, n);
		buf_addc(b, '"');
		return 0;
	}
	json_t *v = json_string(s);
	char *text = v ? json_dump(v) : NULL;
	json_decref(v);
	if (!text)
		return -1;
	buf_adds(b, text);
	free(text);
	return 0;
}

/* Append the keys of annotation() as JSON text, exactly as json_dump
 * writes them, without building and serializing an object (GET by id is a
 * hot path). Returns non-zero when out of memory. */
static int annotation_text(Buf *b, const CadenceTouch *t, const Next *n)
{
	int oom = 0;
	buf_adds(b, "\"last_contacted_at\":");
	if (t->last[0])
		oom |= add_json_string(b, t->last);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"effective_cadence_days\":");
	if (t->cadence)
		add_int(b, (long long)t->cadence);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"next_touch\":");
	if (!n->date[0]) {
		buf_adds(b, "null");
		return oom;
	}
	buf_adds(b, "{\"date\":");
	oom |= add_json_string(b, n->date);
	if (n->task_id) {
		buf_adds(b, ",\"source\":\"task\",\"task_id\":");
		add_int(b, (long long)n->task_id);
		buf_addc(b, '}');
	} else {
		buf_adds(b, ",\"source\":\"cadence\",\"task_id\":null}");
	}
	return oom;
}

int cadence_annotate_touch_buf(Db *db, const CadenceTouch *t, Buf *json, Err *err)
{
	Next n;
	int rc = next_touch(db, t, &n, err);
	if (rc)
		return rc;
	size_t end = json->len; /* just past the object's last '}' */
	while (end > 0 && json->data[end - 1] != '}')
		end--;
	if (!end || json->data[0] != '{')
		return err_set(err, ERR_INTERNAL, NULL, "a contact's JSON is not an object");
	json->len = end - 1; /* the keys go where the '}' was */
	json->data[json->len] = '\0';
	if (json->len > 1) /* not "{}" */
		buf_addc(json, ',');
	int oom = annotation_text(json, t, &n);
	buf_addc(json, '}');
	if (oom || buf_failed(json))
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	return KITH_OK;
}

int cadence_annotate_text(Db *db, int64_t id, char **text, Err *err)
{
	CadenceTouch t;
	Buf b;
	int rc = touch_read(db, id, &t, err);
	if (rc)
		return rc;
	buf_init(&b, 0);
	buf_adds(&b, *text);
	if (buf_failed(&b))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc == KITH_OK)
		rc = cadence_annotate_touch_buf(db, &t, &b, err);
	if (rc) {
		buf_free(&b);
		return rc;
	}
	free(*text);
	*text = buf_take(&b);
	return KITH_OK;
}
