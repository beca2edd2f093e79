/* due.c - the due and too-often lists and the key dates (due.h). Depends
 * on base/, store/, core/{access,user,workspace} and crm/{cadence,collab};
 * never on cli/ or http/.
 *
 * Scale (1M contacts, 5M activities): every query is driven by an index of
 * migration 011 or earlier, checked with EXPLAIN QUERY PLAN:
 * - due: contact_cadence (owner_id, id) for contacts with their own
 *   cadence, contact_tag_tag for the contacts of tags with a cadence, then
 *   per candidate (read by primary key from the candidates' id list) the
 *   contact_tag primary key and activity_contact for the last touch. Cost
 *   grows with the contacts that have a cadence, not with all contacts; on
 *   PostgreSQL too (EXPLAIN ANALYZE), see CANDIDATES.
 * - too often: activity_occurred over the window only.
 * - birthdays: contact_birthday_owner / contact_birthday, expression
 *   indexes on the birthday's "MM-DD".
 * - date fields: field_value_field (field_id, value) per reminding field.
 * Statement discipline as in contact.c: each statement is stepped to its
 * end and reset before the next prepare. */
#include "views/due.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/tz.h"
#include "core/record.h"
#include "core/user.h"
#include "core/workspace.h"
#include "crm/cadence.h"

/* ---- civil days ---- */

/* The UTC instant (ISO text, out[21]) at which day z begins in zone; "" for
 * days before 1000-01-01 (no instant is earlier), DATE_MAX's end after. */
static int day_start(const char *zone, int64_t z, char out[21], Err *err)
{
	char date[11];
	time_t t;
	if (z < DATE_DAY_MIN) {
		out[0] = '\0';
		return KITH_OK;
	}
	if (z > DATE_DAY_MAX) {
		snprintf(out, 21, "9999-12-31T23:59:59Z");
		return KITH_OK;
	}
	date_format_clamped(z, date);
	int rc = tz_local_midnight(zone, date, &t, err);
	if (rc == KITH_OK && time_iso(t, out))
		out[0] = '\0'; /* 1000-01-01 east of UTC began before any instant we hold */
	return rc;
}

/* ---- whose records, and the settings of one call ---- */

/* What one due_list call works with. */
typedef struct Ctx {
	Workspace ws;    /* zone and reminder settings */
	int64_t owner;   /* owner filter, 0 = the whole team */
	char today[11];  /* civil date */
	int64_t day;     /* date_day(today) */
	int horizon;     /* days ahead for due */
	int64_t *cand;   /* the candidates (candidates()), malloc'd */
	size_t ncand;
} Ctx;

static int ctx_init(Db *db, const Actor *actor, const DueQuery *q, Ctx *c, Err *err)
{
	/* whose records: as for the agenda's tasks (core/user.h) */
	int rc = KITH_OK;
	c->owner = q->user_id;
	if (!q->user_checked)
		rc = user_whose_records(db, actor, q->user_id, &c->owner, err);
	if (rc)
		return rc;
	if (q->ws)
		c->ws = *q->ws;
	else if ((rc = workspace_get(db, &c->ws, err)))
		return rc;
	if (q->days < 0 || q->days > KITH_AGENDA_DAYS_MAX)
		return err_set(err, ERR_INVALID, "days", "must be from 0 to %d",
			       KITH_AGENDA_DAYS_MAX);
	c->horizon = q->days;
	if (q->today) {
		if (strlen(q->today) != 10 || !date_valid(q->today))
			return err_set(err, ERR_INVALID, "today", "must be a date YYYY-MM-DD");
		snprintf(c->today, sizeof c->today, "%s", q->today);
	} else if ((rc = tz_local_date(c->ws.timezone, time(NULL), c->today, err))) {
		return rc;
	}
	c->day = date_day(c->today);
	if (c->day + 367 > DATE_DAY_MAX)
		return err_set(err, ERR_INVALID, "today", "is too close to the year 9999");
	return KITH_OK;
}

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
 * planner scan all of contact_tag. A user's: their own contacts with a
 * cadence, every contact of a tag with one, and the contacts shared with
 * them (the user is ?1); the due and too-often statements then keep only
 * theirs. Read first, on their own: within one statement with the
 * ownership check PostgreSQL's planner scanned every contact (it costs the
 * candidates high and the check's lookups in an empty
 * contact_collaborator at nothing), 180 ms at 100,000 contacts; as an id
 * list (DB_IN_IDS) both backends read the candidates by primary key, and
 * with none (no cadence anywhere) the two statements are not run. */
#define CANDIDATES(own, shared)                                                                  \
	"SELECT id FROM contact WHERE cadence_days IS NOT NULL AND deleted_at IS NULL" own       \
	" UNION SELECT ct.contact_id FROM tag t CROSS JOIN contact_tag ct WHERE ct.tag_id = t.id " \
	"AND t.cadence_days IS NOT NULL" shared
/* Each candidate's effective cadence and last touch; the ids are the
 * first parameter (DB_IN_IDS), the user ?2. */
#define DUE_SQL(owner_c)                                                                         \
	"SELECT c.id, " CADENCE_EFFECTIVE ", " CADENCE_LAST_TOUCH " "                          \
	"FROM contact c WHERE c.id" DB_IN_IDS "AND c.deleted_at IS NULL" owner_c

/* The candidates into c->cand / c->ncand. */
static int candidates(Db *db, Ctx *c, Err *err)
{
	static const char by_owner[] =
	    CANDIDATES(" AND owner_id = ?1",
		       " UNION SELECT contact_id FROM contact_collaborator WHERE user_id = ?1");
	static const char by_team[] = CANDIDATES("", "");
	size_t cap = 0;
	DbStmt *st;
	int rc = db_prepare(db, &st, c->owner ? by_owner : by_team, err);
	if (rc)
		return rc;
	if (c->owner)
		db_bind_int(st, 1, c->owner);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (c->ncand == cap) {
			int64_t *grown = realloc(c->cand, (cap = cap ? 2 * cap : 64) * sizeof *grown);
			if (!grown) {
				rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
				break;
			}
			c->cand = grown;
		}
		c->cand[c->ncand++] = db_col_int(st, 0);
	}
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
}

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
	static const char by_owner[] = DUE_SQL(" AND " RECORD_MINE_AT("contact", "c", "?2"));
	static const char by_team[] = DUE_SQL("");
	char(*thr)[21];
	size_t cap = 0;
	DbStmt *st;
	int rc;
	*list = NULL;
	*n = 0;
	if (!c->ncand)
		return KITH_OK;
	thr = calloc(CADENCE_DAYS_MAX + 1, sizeof *thr);
	rc = thr ? db_prepare(db, &st, c->owner ? by_owner : by_team, err)
		 : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc) {
		free(thr);
		return rc;
	}
	db_bind_ids(st, 1, c->cand, c->ncand);
	if (c->owner)
		db_bind_int(st, 2, c->owner);
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
	char due[11];
	int64_t z = 0;
	json_t *o = json_pack("{sI}", "id", (json_int_t)d->id);
	int rc = contact_name(db, d->id, o, err);
	json_object_set_new(o, "cadence_days", json_integer(d->cadence));
	if (rc == KITH_OK && d->last[0])
		rc = cadence_due_day(c->ws.timezone, d->last, d->cadence, &z, err);
	if (rc) {
		json_decref(o);
		return rc;
	}
	if (d->last[0]) {
		date_format_clamped(z, due);
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
 * more than ?4 times in [?2, ?3) (?5: the owner): the same candidates as
 * due (the first parameter, DB_IN_IDS, first in the text so that it is
 * ?1 on both backends), each counted through its activity_contact range,
 * so the cost follows the contacts with a cadence, not the team's
 * activity in the window. */
#define TOO_OFTEN_SQL(owner_c)                                                                   \
	"SELECT c.id, COUNT(*), MAX(a.occurred_at), c.display_name, c.owner_id "                  \
	"FROM contact c JOIN activity a ON c.id" DB_IN_IDS "AND a.contact_id = c.id "             \
	"AND a.occurred_at >= ?2 AND a.occurred_at < ?3 AND " CADENCE_IS_TOUCH("a") " "           \
	"WHERE c.deleted_at IS NULL" owner_c                                                     \
	" GROUP BY c.id HAVING COUNT(*) > ?4 ORDER BY COUNT(*) DESC, c.id"

static int too_often_section(Db *db, const Ctx *c, json_t *out, json_t *counts, Err *err)
{
	static const char by_owner[] = TOO_OFTEN_SQL(" AND " RECORD_MINE_AT("contact", "c", "?5"));
	static const char by_team[] = TOO_OFTEN_SQL("");
	char from[21], to[21];
	DbStmt *st;
	int64_t total = 0;
	json_t *arr = json_array();
	int prepared = 0;
	int rc = c->ncand ? KITH_OK : DB_DONE; /* no candidate: none touched too often */
	if (rc == KITH_OK &&
	    (rc = day_start(c->ws.timezone, c->day - c->ws.touch_window_days + 1, from, err)) ==
		KITH_OK &&
	    (rc = day_start(c->ws.timezone, c->day + 1, to, err)) == KITH_OK &&
	    (rc = db_prepare(db, &st, c->owner ? by_owner : by_team, err)) == KITH_OK) {
		prepared = 1;
		db_bind_ids(st, 1, c->cand, c->ncand);
		db_bind_text(st, 2, from);
		db_bind_text(st, 3, to);
		db_bind_int(st, 4, c->ws.touch_limit);
		if (c->owner)
			db_bind_int(st, 5, c->owner);
		rc = db_step(st, err);
	}
	for (; rc == DB_ROW; rc = db_step(st, err)) {
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
	if (prepared)
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
		if (date_valid(date) && date_day(date) >= c->day)
			return date_day(date);
	}
	return c->day + 1000; /* not a real month-day: never within any lead */
}

/* Append {"type","id","name","key","label","date","days"} to arr. */
static void key_date_add(json_t *arr, const char *type, int64_t id, const char *name,
			 const char *key, const char *label, int64_t day, int64_t today)
{
	char date[11];
	date_format_clamped(day, date);
	json_array_append_new(arr, json_pack("{ss sI ss? ss ss ss sI}", "type", type, "id",
					     (json_int_t)id, "name", name, "key", key, "label",
					     label, "date", date, "days", (json_int_t)(day - today)));
}

#define BIRTHDAY_SQL(own)                                                                        \
	"SELECT id, display_name, substr(birthday, 6, 5) FROM contact "                          \
	"WHERE birthday IS NOT NULL AND deleted_at IS NULL" own                                   \
	" AND substr(birthday, 6, 5) BETWEEN ?1 AND ?2"
/* A user's: their own (contact_birthday_owner) and those shared with them;
 * the user is ?3, last, as in BY_OWNER. */
#define BIRTHDAY_MINE_SQL                                                                        \
	BIRTHDAY_SQL(" AND owner_id = ?3") " UNION SELECT c.id, c.display_name, "                \
	"substr(c.birthday, 6, 5) FROM contact_collaborator cl JOIN contact c "                   \
	"ON c.id = cl.contact_id WHERE cl.user_id = ?3 AND c.birthday IS NOT NULL "               \
	"AND c.deleted_at IS NULL AND substr(c.birthday, 6, 5) BETWEEN ?1 AND ?2"

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
	date_format_clamped(c->day + lead, end);
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
			db_bind_int(st, 3, c->owner);
		db_bind_text(st, 1, lo[i]);
		db_bind_text(st, 2, hi[i]);
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
	{"contact", FIELD_SQL("contact", "display_name", " AND " RECORD_MINE_AT("contact", "r", "?4")),
	 FIELD_SQL("contact", "display_name", "")},
	{"company", FIELD_SQL("company", "legal_name", " AND " RECORD_MINE_AT("company", "r", "?4")),
	 FIELD_SQL("company", "legal_name", "")},
	{"deal", FIELD_SQL("deal", "title", " AND " RECORD_MINE_AT("deal", "r", "?4")),
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
	date_format_clamped(c->day + remind, end);
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
				     date_day(db_col_text(st, 1)), c->day);
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

int due_list(Db *db, const Actor *actor, const DueQuery *q, json_t **out, Err *err)
{
	Ctx c = {0};
	int rc = ctx_init(db, actor, q, &c, err);
	if (rc || (rc = db_begin_read(db, err))) /* one snapshot for the three sections */
		return rc;
	json_t *o = json_object(), *counts = json_object();
	json_object_set_new(o, "date", json_string(c.today));
	if ((rc = candidates(db, &c, err)) == KITH_OK &&
	    (rc = due_section(db, &c, o, counts, err)) == KITH_OK &&
	    (rc = too_often_section(db, &c, o, counts, err)) == KITH_OK)
		rc = key_dates_section(db, &c, o, counts, err);
	json_object_set_new(o, "counts", counts);
	free(c.cand);
	rc = db_end(db, rc, err);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return KITH_OK;
}

/* ---- whose list and how far ahead, for the surfaces ---- */

int due_scope(const Actor *actor, int64_t user_id, int team, const char *days_text,
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
