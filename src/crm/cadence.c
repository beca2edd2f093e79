/* cadence.c - contact cadence, due and too-often lists, key dates and the
 * next planned touch (cadence.h). Depends on base/, store/ and
 * crm/{access,user,workspace}; never on cli/ or http/.
 *
 * Scale (1M contacts, 5M activities): every query is driven by an index of
 * migration 011 or earlier, checked with EXPLAIN QUERY PLAN:
 * - due: contact_cadence (owner_id, id) for contacts with their own
 *   cadence, contact_tag_tag for the contacts of tags with a cadence, then
 *   per candidate the contact_tag primary key and activity_contact for the
 *   last touch. Cost grows with the contacts that have a cadence, not with
 *   all contacts.
 * - too often: activity_occurred over the window only.
 * - birthdays: contact_birthday_owner / contact_birthday, expression
 *   indexes on the birthday's "MM-DD".
 * - date fields: field_value_field (field_id, value) per reminding field.
 * Statement discipline as in contact.c: each statement is stepped to its
 * end and reset before the next prepare. */
#include "crm/cadence.h"

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/tz.h"
#include "crm/collab.h"
#include "crm/task.h"
#include "core/user.h"
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

/* The UTC instant (ISO text, out[21]) at which day z begins in zone; "" for
 * days before 1000-01-01 (no instant is earlier), DAY_MAX's end after. */
static int day_start(const char *zone, int64_t z, char out[21], Err *err)
{
	char date[11];
	time_t t;
	if (z < day_of(DAY_MIN)) {
		out[0] = '\0';
		return KITH_OK;
	}
	if (z > day_of(DAY_MAX)) {
		snprintf(out, 21, "9999-12-31T23:59:59Z");
		return KITH_OK;
	}
	date_of(z, date);
	int rc = tz_local_midnight(zone, date, &t, err);
	if (rc == KITH_OK && time_iso(t, out))
		out[0] = '\0'; /* 1000-01-01 east of UTC began before any instant we hold */
	return rc;
}

/* ---- whose records, and the settings of one call ---- */

/* What one cadence_due call works with. */
typedef struct Ctx {
	Workspace ws;    /* zone and reminder settings */
	int64_t owner;   /* owner filter, 0 = the whole team */
	char today[11];  /* civil date */
	int64_t day;     /* day_of(today) */
	int horizon;     /* days ahead for due */
} Ctx;

/* Whose records (as task_agenda decides): members always their own. */
static int ctx_owner(Db *db, const Actor *actor, int64_t user_id, int64_t *owner, Err *err)
{
	*owner = user_id;
	if (!access_is_admin(actor)) {
		if (user_id && user_id != actor->user_id)
			return err_set(err, ERR_NOT_FOUND, "user_id", "no user %lld",
				       (long long)user_id);
		*owner = actor->user_id;
		return KITH_OK;
	}
	if (user_id && !user_exists(db, user_id))
		return err_set(err, ERR_NOT_FOUND, "user_id", "no active user %lld",
			       (long long)user_id);
	return KITH_OK;
}

static int ctx_init(Db *db, const Actor *actor, const CadenceQuery *q, Ctx *c, Err *err)
{
	int rc = ctx_owner(db, actor, q->user_id, &c->owner, err);
	if (rc || (rc = workspace_get(db, &c->ws, err)))
		return rc;
	if (q->days < 0 || q->days > CADENCE_HORIZON_MAX)
		return err_set(err, ERR_INVALID, "days", "must be from 0 to %d",
			       CADENCE_HORIZON_MAX);
	c->horizon = q->days;
	if (q->today) {
		if (strlen(q->today) != 10 || !date_valid(q->today))
			return err_set(err, ERR_INVALID, "today", "must be a date YYYY-MM-DD");
		snprintf(c->today, sizeof c->today, "%s", q->today);
	} else if ((rc = tz_local_date(c->ws.timezone, time(NULL), c->today, err))) {
		return rc;
	}
	c->day = day_of(c->today);
	if (c->day + 367 > day_of(DAY_MAX))
		return err_set(err, ERR_INVALID, "today", "is too close to the year 9999");
	return KITH_OK;
}

/* SQL: the record alias of table (contact, company, deal) is owned by the
 * user bound as param or shared with them (collab.h's rule, with a
 * numbered parameter). */
#define MINE(table, alias, param)                                                                \
	"(" alias ".owner_id = " param " OR " COLLAB_SHARED_AT(table, alias ".id", param) ")"

/* ---- due for a touch ---- */

/* A contact found due. */
typedef struct Due {
	int64_t id;      /* contact.id */
	int64_t cadence; /* effective cadence, days */
	char last[21];   /* last touch instant, "" = never */
	time_t order;    /* last touch + cadence (UTC), sorts most overdue first */
} Due;

/* Candidates: live contacts with their own cadence (contact_cadence) or a
 * tag with one (contact_tag_tag). CROSS JOIN keeps tag as the outer loop:
 * with ANALYZE statistics of a few tags, a plain join or an IN list let the
 * planner scan all of contact_tag. Then each candidate's effective cadence
 * and last touch. */
#define CANDIDATES(own, shared)                                                                  \
	"SELECT id FROM contact WHERE cadence_days IS NOT NULL AND deleted_at IS NULL" own       \
	" UNION SELECT ct.contact_id FROM tag t CROSS JOIN contact_tag ct WHERE ct.tag_id = t.id " \
	"AND t.cadence_days IS NOT NULL" shared
#define DUE_SQL(own, shared, owner_c)                                                            \
	"SELECT c.id, COALESCE(c.cadence_days, (SELECT MIN(t.cadence_days) FROM contact_tag ct " \
	"JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = c.id)), "                          \
	"(SELECT MAX(a.occurred_at) FROM activity a WHERE a.contact_id = c.id "                  \
	"AND a.kind <> 'note' AND a.deleted_at IS NULL) "                                        \
	"FROM contact c WHERE c.id IN (" CANDIDATES(own, shared) ") "                            \
	"AND c.deleted_at IS NULL" owner_c
/* A user's candidates: their own contacts with a cadence, every contact of
 * a tag with one, and the contacts shared with them; then only theirs. */
#define BY_OWNER(sql)                                                                            \
	sql(" AND owner_id = ?1",                                                                \
	    " UNION SELECT contact_id FROM contact_collaborator WHERE user_id = ?1",             \
	    " AND " MINE("contact", "c", "?1"))

static int due_cmp(const void *a, const void *b)
{
	const Due *x = a, *y = b;
	if (!x->last[0] != !y->last[0])
		return x->last[0] ? 1 : -1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Collect the due contacts into *list / *n (malloc'd, caller frees).
 * thr[c] caches the instant before which a last touch makes a contact of
 * cadence c due: the start of day (today + horizon - c + 1). */
static int due_collect(Db *db, const Ctx *c, Due **list, size_t *n, Err *err)
{
	static const char by_owner[] = BY_OWNER(DUE_SQL);
	static const char by_team[] = DUE_SQL("", "", "");
	char(*thr)[21] = calloc(CADENCE_DAYS_MAX + 1, sizeof *thr);
	size_t cap = 0;
	DbStmt *st;
	int rc = thr ? db_prepare(db, &st, c->owner ? by_owner : by_team, err)
		     : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	*list = NULL;
	*n = 0;
	if (rc) {
		free(thr);
		return rc;
	}
	if (c->owner)
		db_bind_int(st, 1, c->owner);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t cad = db_col_int(st, 1);
		const char *last = db_col_is_null(st, 2) ? "" : db_col_text(st, 2);
		if (cad < 1 || cad > CADENCE_DAYS_MAX)
			continue;
		if (last[0] && !thr[cad][0] &&
		    (rc = day_start(c->ws.timezone, c->day + c->horizon - cad + 1, thr[cad], err)))
			break;
		if (last[0] && strcmp(last, thr[cad]) >= 0)
			continue; /* not due yet */
		if (*n == cap) {
			Due *grown = realloc(*list, (cap = cap ? 2 * cap : 64) * sizeof **list);
			if (!grown) {
				rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
				break;
			}
			*list = grown;
		}
		Due *d = &(*list)[(*n)++];
		time_t t = 0;
		d->id = db_col_int(st, 0);
		d->cadence = cad;
		snprintf(d->last, sizeof d->last, "%s", last);
		if (last[0] && time_parse_iso(last, &t) != 0)
			t = 0;
		d->order = t + (time_t)cad * 86400;
	}
	db_reset(st);
	free(thr);
	if (rc != DB_DONE) {
		free(*list);
		*list = NULL;
		*n = 0;
		return rc;
	}
	if (*n)
		qsort(*list, *n, sizeof **list, due_cmp);
	return KITH_OK;
}

/* The name and owner of contact id into the item o. */
static int contact_name(Db *db, int64_t id, json_t *o, Err *err)
{
	static const char sql[] = "SELECT display_name, owner_id FROM contact WHERE id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		json_object_set_new(o, "name", json_string(db_col_text(st, 0)));
		json_object_set_new(o, "owner_id", db_col_json_int(st, 1));
	}
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

/* One item of the due list. */
static int due_item(Db *db, const Ctx *c, const Due *d, json_t **out, Err *err)
{
	char local[11], due[11];
	json_t *o = json_pack("{sI}", "id", (json_int_t)d->id);
	int rc = contact_name(db, d->id, o, err);
	json_object_set_new(o, "cadence_days", json_integer(d->cadence));
	if (rc == KITH_OK && d->last[0])
		rc = local_date(c->ws.timezone, d->last, local, err);
	if (rc) {
		json_decref(o);
		return rc;
	}
	if (d->last[0]) {
		int64_t z = day_of(local) + d->cadence;
		date_of(z, due);
		json_object_set_new(o, "last_contacted_at", json_string(d->last));
		json_object_set_new(o, "due_date", json_string(due));
		json_object_set_new(o, "days_overdue", json_integer(c->day - z));
	} else {
		json_object_set_new(o, "last_contacted_at", json_null());
		json_object_set_new(o, "due_date", json_null());
		json_object_set_new(o, "days_overdue", json_null());
	}
	*out = o;
	return KITH_OK;
}

static int due_section(Db *db, const Ctx *c, json_t *out, json_t *counts, Err *err)
{
	Due *list = NULL;
	size_t n = 0;
	int rc = due_collect(db, c, &list, &n, err);
	json_t *arr = json_array();
	for (size_t i = 0; rc == KITH_OK && i < n && i < KITH_DUE_MAX; i++) {
		json_t *o = NULL;
		if ((rc = due_item(db, c, &list[i], &o, err)) == KITH_OK)
			json_array_append_new(arr, o);
	}
	free(list);
	json_object_set_new(out, "due", arr);
	json_object_set_new(counts, "due", json_integer((json_int_t)n));
	return rc;
}

/* ---- touched too often ---- */

/* Contacts with a cadence (the ones whose touches are planned) touched
 * more than ?4 times in [?2, ?3): the same candidates as due, each counted
 * through its activity_contact range, so the cost follows the contacts
 * with a cadence, not the team's activity in the window. */
#define TOO_OFTEN_SQL(own, shared, owner_c)                                                      \
	"SELECT c.id, COUNT(*), MAX(a.occurred_at), c.display_name, c.owner_id "                  \
	"FROM contact c JOIN activity a ON a.contact_id = c.id AND a.occurred_at >= ?2 "          \
	"AND a.occurred_at < ?3 AND a.kind <> 'note' AND a.deleted_at IS NULL "                   \
	"WHERE c.id IN (" CANDIDATES(own, shared) ") AND c.deleted_at IS NULL" owner_c            \
	" GROUP BY c.id HAVING COUNT(*) > ?4 ORDER BY COUNT(*) DESC, c.id"

static int too_often_section(Db *db, const Ctx *c, json_t *out, json_t *counts, Err *err)
{
	static const char by_owner[] = BY_OWNER(TOO_OFTEN_SQL);
	static const char by_team[] = TOO_OFTEN_SQL("", "", "");
	char from[21], to[21];
	DbStmt *st;
	int64_t total = 0;
	int rc = day_start(c->ws.timezone, c->day - c->ws.touch_window_days + 1, from, err);
	if (rc || (rc = day_start(c->ws.timezone, c->day + 1, to, err)) ||
	    (rc = db_prepare(db, &st, c->owner ? by_owner : by_team, err)))
		return rc;
	if (c->owner)
		db_bind_int(st, 1, c->owner);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_int(st, 4, c->ws.touch_limit);
	json_t *arr = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (total++ >= KITH_DUE_MAX)
			continue;
		json_array_append_new(
		    arr, json_pack("{sI ss? so sI sI ss}", "id", (json_int_t)db_col_int(st, 0), "name",
				   db_col_text(st, 3), "owner_id",
				   db_col_json_int(st, 4),
				   "touches", (json_int_t)db_col_int(st, 1), "window_days",
				   (json_int_t)c->ws.touch_window_days, "last_contacted_at",
				   db_col_text(st, 2)));
	}
	db_reset(st);
	json_object_set_new(out, "too_often", arr);
	json_object_set_new(counts, "too_often", json_integer(total));
	return rc == DB_DONE ? KITH_OK : rc;
}

/* ---- key dates ---- */

/* The next day (>= c->day) on which a yearly date with month-day md
 * ("MM-DD") falls; 29 February falls on 28 February in common years. */
static int64_t next_yearly(const Ctx *c, const char *md)
{
	char date[11];
	int y = atoi(c->today);
	for (int k = 0; k < 3; k++) {
		int common_feb29 = strcmp(md, "02-29") == 0 && !date_leap_year(y + k);
		snprintf(date, sizeof date, "%04u-%.5s", (unsigned)(y + k) % 10000u,
			 common_feb29 ? "02-28" : md);
		if (date_valid(date) && day_of(date) >= c->day)
			return day_of(date);
	}
	return c->day + 1000; /* not a real month-day: never within any lead */
}

/* Append {"type","id","name","key","label","date","days"} to arr. */
static void key_date_add(json_t *arr, const char *type, int64_t id, const char *name,
			 const char *key, const char *label, int64_t day, int64_t today)
{
	char date[11];
	date_of(day, date);
	json_array_append_new(arr, json_pack("{ss sI ss? ss ss ss sI}", "type", type, "id",
					     (json_int_t)id, "name", name, "key", key, "label",
					     label, "date", date, "days", (json_int_t)(day - today)));
}

#define BIRTHDAY_SQL(own)                                                                        \
	"SELECT id, display_name, substr(birthday, 6, 5) FROM contact "                          \
	"WHERE birthday IS NOT NULL AND deleted_at IS NULL" own                                   \
	" AND substr(birthday, 6, 5) BETWEEN ?2 AND ?3"
/* A user's: their own (contact_birthday_owner) and those shared with them. */
#define BIRTHDAY_MINE_SQL                                                                        \
	BIRTHDAY_SQL(" AND owner_id = ?1") " UNION SELECT c.id, c.display_name, "                \
	"substr(c.birthday, 6, 5) FROM contact_collaborator cl JOIN contact c "                   \
	"ON c.id = cl.contact_id WHERE cl.user_id = ?1 AND c.birthday IS NOT NULL "               \
	"AND c.deleted_at IS NULL AND substr(c.birthday, 6, 5) BETWEEN ?2 AND ?3"

/* Birthdays in [today, today + birthday_lead_days]: one or two month-day
 * ranges (two when the window crosses New Year; the whole year when it is
 * a year long). A range ending on 28 February of a common year takes in
 * 29 February, which is celebrated that day. */
static int birthdays(Db *db, const Ctx *c, json_t *arr, Err *err)
{
	static const char by_owner[] = BIRTHDAY_MINE_SQL;
	static const char by_team[] = BIRTHDAY_SQL("");
	char end[11], lo[2][6], hi[2][6];
	int lead = c->ws.birthday_lead_days, n = 1, rc = KITH_OK;
	date_of(c->day + lead, end);
	snprintf(lo[0], 6, "%.5s", c->today + 5);
	snprintf(hi[0], 6, "%.5s", end + 5);
	if (lead >= 365) {
		snprintf(lo[0], 6, "01-01");
		snprintf(hi[0], 6, "12-31");
	} else if (strncmp(end, c->today, 4) != 0) {
		snprintf(hi[0], 6, "12-31");
		snprintf(lo[1], 6, "01-01");
		snprintf(hi[1], 6, "%.5s", end + 5);
		n = 2;
	}
	if (strcmp(hi[n - 1], "02-28") == 0 && !date_leap_year(atoi(end)))
		snprintf(hi[n - 1], 6, "02-29");
	for (int i = 0; i < n && rc == KITH_OK; i++) {
		DbStmt *st;
		if ((rc = db_prepare(db, &st, c->owner ? by_owner : by_team, err)))
			return rc;
		if (c->owner)
			db_bind_int(st, 1, c->owner);
		db_bind_text(st, 2, lo[i]);
		db_bind_text(st, 3, hi[i]);
		while ((rc = db_step(st, err)) == DB_ROW) {
			int64_t day = next_yearly(c, db_col_text(st, 2));
			if (day - c->day <= lead)
				key_date_add(arr, "contact", db_col_int(st, 0), db_col_text(st, 1),
					     "birthday", "Birthday", day, c->day);
		}
		db_reset(st);
		rc = rc == DB_DONE ? KITH_OK : rc;
	}
	return rc;
}

/* Values of one date field in [?2, ?3] on live records (?4 = owner). */
#define FIELD_SQL(table, name, own)                                                              \
	"SELECT v.record_id, v.value, r." name " FROM field_value v JOIN " table                  \
	" r ON r.id = v.record_id WHERE v.field_id = ?1 AND v.value >= ?2 AND v.value <= ?3 "     \
	"AND r.deleted_at IS NULL" own

static const struct {
	const char *entity;   /* field_def.entity */
	const char *by_owner; /* values on records of one owner */
	const char *by_team;  /* values on every record */
} field_sql[] = {
	{"contact", FIELD_SQL("contact", "display_name", " AND " MINE("contact", "r", "?4")),
	 FIELD_SQL("contact", "display_name", "")},
	{"company", FIELD_SQL("company", "legal_name", " AND " MINE("company", "r", "?4")),
	 FIELD_SQL("company", "legal_name", "")},
	{"deal", FIELD_SQL("deal", "title", " AND " MINE("deal", "r", "?4")),
	 FIELD_SQL("deal", "title", "")},
};

/* The values of date field def ({"id","entity","key","label","remind_days"})
 * that fall within its reminder window. */
static int field_dates(Db *db, const Ctx *c, const json_t *def, json_t *arr, Err *err)
{
	const char *entity = json_str_of(def, "entity"), *sql = NULL;
	int64_t remind = json_int_of(def, "remind_days");
	char end[11];
	DbStmt *st;
	for (size_t i = 0; i < sizeof field_sql / sizeof field_sql[0]; i++)
		if (strcmp(field_sql[i].entity, entity) == 0)
			sql = c->owner ? field_sql[i].by_owner : field_sql[i].by_team;
	if (!sql)
		return KITH_OK;
	date_of(c->day + remind, end);
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, json_int_of(def, "id"));
	db_bind_text(st, 2, c->today);
	db_bind_text(st, 3, end);
	if (c->owner)
		db_bind_int(st, 4, c->owner);
	while ((rc = db_step(st, err)) == DB_ROW)
		if (date_valid(db_col_text(st, 1)))
			key_date_add(arr, entity, db_col_int(st, 0), db_col_text(st, 2),
				     json_str_of(def, "key"), json_str_of(def, "label"),
				     day_of(db_col_text(st, 1)), c->day);
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
}

/* The date fields that remind, read before their values are (statement
 * discipline). */
static int reminding_fields(Db *db, json_t **defs, Err *err)
{
	static const char sql[] = "SELECT id, entity, key, label, remind_days FROM field_def "
				  "WHERE type = 'date' AND remind_days IS NOT NULL";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	*defs = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(*defs, json_pack("{sI ss ss ss sI}", "id",
						       (json_int_t)db_col_int(st, 0), "entity",
						       db_col_text(st, 1), "key", db_col_text(st, 2),
						       "label", db_col_text(st, 3), "remind_days",
						       (json_int_t)db_col_int(st, 4)));
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
}

static int key_date_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t dx = json_int_of(x, "days"), dy = json_int_of(y, "days");
	if (dx != dy)
		return dx < dy ? -1 : 1;
	int t = strcmp(json_str_of(x, "type"), json_str_of(y, "type"));
	if (t)
		return t;
	int64_t ix = json_int_of(x, "id"), iy = json_int_of(y, "id");
	return ix < iy ? -1 : ix > iy;
}

static int key_dates_section(Db *db, const Ctx *c, json_t *out, json_t *counts, Err *err)
{
	json_t *all = json_array(), *defs = NULL, *def, *sorted = json_array();
	size_t i, n;
	int rc = birthdays(db, c, all, err);
	if (rc == KITH_OK)
		rc = reminding_fields(db, &defs, err);
	json_array_foreach(defs, i, def)
	{
		if (rc == KITH_OK)
			rc = field_dates(db, c, def, all, err);
	}
	n = json_array_size(all);
	json_t **items = rc == KITH_OK && n ? malloc(n * sizeof *items) : NULL;
	if (rc == KITH_OK && n && !items)
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	for (i = 0; items && i < n; i++)
		items[i] = json_array_get(all, i);
	if (items)
		qsort(items, n, sizeof *items, key_date_cmp);
	for (i = 0; items && i < n && i < KITH_DUE_MAX; i++)
		json_array_append(sorted, items[i]);
	free(items);
	json_decref(all);
	json_decref(defs);
	json_object_set_new(out, "key_dates", sorted);
	json_object_set_new(counts, "key_dates", json_integer((json_int_t)n));
	return rc;
}

int cadence_due(Db *db, const Actor *actor, const CadenceQuery *q, json_t **out, Err *err)
{
	Ctx c;
	int rc = ctx_init(db, actor, q, &c, err);
	if (rc || (rc = db_begin_read(db, err))) /* one snapshot for the three sections */
		return rc;
	json_t *o = json_object(), *counts = json_object();
	json_object_set_new(o, "date", json_string(c.today));
	if ((rc = due_section(db, &c, o, counts, err)) == KITH_OK &&
	    (rc = too_often_section(db, &c, o, counts, err)) == KITH_OK)
		rc = key_dates_section(db, &c, o, counts, err);
	json_object_set_new(o, "counts", counts);
	rc = db_end(db, rc, err);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return KITH_OK;
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

/* Append s as a JSON string, the bytes json_dump writes: instants and
 * dates need no escapes; anything else goes through jansson. Returns
 * non-zero when out of memory. */
static int add_json_string(Buf *b, const char *s)
{
	if (strspn(s, "0123456789-:.TZ+") == strlen(s)) {
		buf_addf(b, "\"%s\"", s);
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
	if (t->cadence)
		buf_addf(b, ",\"effective_cadence_days\":%lld", (long long)t->cadence);
	else
		buf_adds(b, ",\"effective_cadence_days\":null");
	buf_adds(b, ",\"next_touch\":");
	if (!n->date[0]) {
		buf_adds(b, "null");
		return oom;
	}
	buf_adds(b, "{\"date\":");
	oom |= add_json_string(b, n->date);
	if (n->task_id)
		buf_addf(b, ",\"source\":\"task\",\"task_id\":%lld}", (long long)n->task_id);
	else
		buf_adds(b, ",\"source\":\"cadence\",\"task_id\":null}");
	return oom;
}

int cadence_annotate_touch_text(Db *db, const CadenceTouch *t, char **text, Err *err)
{
	Next n;
	Buf b;
	int rc = next_touch(db, t, &n, err);
	if (rc)
		return rc;
	char *end = strrchr(*text, '}');
	if (!end || **text != '{')
		return err_set(err, ERR_INTERNAL, NULL, "a contact's JSON is not an object");
	size_t head = (size_t)(end - *text);
	buf_init(&b, 0);
	buf_add(&b, *text, head);
	if (head > 1) /* not "{}" */
		buf_addc(&b, ',');
	int oom = annotation_text(&b, t, &n);
	buf_addc(&b, '}');
	if (oom || buf_failed(&b)) {
		buf_free(&b);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	free(*text);
	*text = buf_take(&b);
	return KITH_OK;
}

int cadence_annotate_text(Db *db, int64_t id, char **text, Err *err)
{
	CadenceTouch t;
	int rc = touch_read(db, id, &t, err);
	return rc ? rc : cadence_annotate_touch_text(db, &t, text, err);
}

int cadence_scope(const Actor *actor, int64_t user_id, int team, const char *days_text,
		  int default_days, int64_t *user_out, int *days_out, Err *err)
{
	char *end;
	long v = default_days;
	if (team && user_id)
		return err_set(err, ERR_INVALID, "team", "give a user or the team, not both");
	if (days_text) {
		errno = 0;
		v = strtol(days_text, &end, 10);
		if (!*days_text || *end || errno)
			return err_set(err, ERR_INVALID, "days", "must be a whole number of days");
	}
	if (v < 0 || v > KITH_AGENDA_DAYS_MAX)
		return err_set(err, ERR_INVALID, "days", "must be from 0 to %d", KITH_AGENDA_DAYS_MAX);
	*days_out = (int)v;
	*user_out = team ? 0 : user_id ? user_id : actor->user_id;
	return KITH_OK;
}

int cadence_agenda(Db *db, const Actor *actor, int64_t user_id, const char *today,
		   int days_ahead, json_t **out, Err *err)
{
	CadenceQuery q = {.user_id = user_id, .today = today, .days = days_ahead};
	json_t *tasks = NULL, *due = NULL;
	int rc = db_begin_read(db, err);
	if (rc)
		return rc;
	if ((rc = task_agenda(db, actor, user_id, today, days_ahead, &tasks, err)) == KITH_OK &&
	    (rc = cadence_due(db, actor, &q, &due, err)) == KITH_OK) {
		json_object_update(tasks, due);
		*out = json_incref(tasks);
	}
	json_decref(tasks);
	json_decref(due);
	return db_end(db, rc, err);
}
