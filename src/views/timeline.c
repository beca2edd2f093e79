/* timeline.c - merged timelines of contacts, companies and deals. Reads
 * tables activity, task and deal_stage_change (owned by activity.c, task.c
 * and deal.c) only to find which items make a page; each item's JSON comes
 * from its owner's public function. Depends on store/, base/,
 * core/{access,record}, crm/{activity,task,deal}; the adapters call only
 * timeline.h. Who sees which item is core/record.h's rule.
 *
 * One page is two steps inside one read transaction:
 *  1. one statement answers the page's keys (at, type, id): a UNION of
 *     branches, one per source (an event kind over one way of being linked
 *     to the record). Each branch walks one index in timeline order from the
 *     cursor on and stops after limit + 1 rows, so a page reads at most
 *     (branches x (limit + 1)) index entries however long the history is;
 *     UNION merges them and drops an item reached two ways.
 *  2. the page's items are loaded by their owners, one statement per item
 *     type on the page (activity_get_many, task_get_many,
 *     deal_stage_change_get_many: primary-key lookups of a list of ids),
 *     not one per item: on PostgreSQL each statement is a round trip.
 * The API and the CLI also show when the record was last contacted
 * (timeline_page): read in the same snapshot, after the one record check.
 * Branches over "all contacts of a company" walk each contact's index range
 * and sort the union of them: bounded by the company's own history, not
 * the table's. */
#include "views/timeline.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cursor.h"
#include "base/date.h"
#include "base/limits.h"
#include "core/record.h"
#include "crm/activity.h"
#include "crm/deal.h"
#include "crm/task.h"

/* Parameters of every timeline statement:
 *   ?1 the record's id
 *   ?2 ?3 ?4 the cursor's at, type and id (the first page binds values
 *            above every key: "~", "~", INT64_MAX)
 *   ?5 rows per branch and per page: limit + 1, to know there is a next page
 *   ?6 the actor's user id
 * Each statement is written twice, for owners and admins and for members:
 * the admin flag is a literal, not a parameter. PostgreSQL folds "1 <> 0
 * OR ..." away when it plans the first and keeps the rule in the second,
 * so each has one plan that suits every execution and is planned once per
 * connection. With the flag as a parameter, a custom plan (the flag
 * known, the rule folded) always looked cheaper than the generic one, so
 * the statement was planned again at every execution (the 14 branches of
 * a company's timeline cost milliseconds to plan). */

/* ---- visibility: core/record.h's rule, with the flag adm and ?6 -------- *
 * An activity or task as activity.c and task.c decide; a stage change as
 * its deal. x is the branch's row, d the deal it came through. */
#define VIS_ACTIVITY(adm) RECORD_ACTIVITY_VISIBLE_AT("x", adm, "?6")
#define VIS_TASK(adm) RECORD_TASK_VISIBLE_AT("x", adm, "?6")
#define VIS_STAGE(adm) RECORD_VISIBLE_AT("deal", "d", adm, "?6")

/* ---- ways of being linked to the record (table: the source's table) ---- */
#define OF_RECORD(table, col) " FROM " table " x WHERE x." col " = ?1"
#define OF_DEALS(table, col)                                                                    \
	" FROM deal d JOIN " table " x ON x.deal_id = d.id WHERE d." col " = ?1"               \
	" AND d.deleted_at IS NULL"
#define OF_CONTACTS(table)                                                                      \
	" FROM contact cc JOIN " table " x ON x.contact_id = cc.id WHERE cc.company_id = ?1"
#define OF_CONTACTS_DEALS(table)                                                                \
	" FROM contact cc JOIN deal d ON d.contact_id = cc.id JOIN " table                     \
	" x ON x.deal_id = d.id WHERE cc.company_id = ?1 AND d.deleted_at IS NULL"

/* ---- one branch: keys of one source, newest first, from the cursor on -- */
#define BRANCH(from_where, at, type, cond, vis)                                                 \
	"SELECT * FROM (SELECT " at " AS at, '" type "' AS type, x.id AS id" from_where        \
	" AND " cond " AND " vis " AND " at " <= ?2 AND (" at " < ?2 OR '" type "' < ?3 OR ('" \
	type "' = ?3 AND x.id < ?4)) ORDER BY " at " DESC, x.id DESC LIMIT ?5) AS br"
#define ACTIVITIES(from_where, adm)                                                             \
	BRANCH(from_where, "x.occurred_at", "activity", "x.deleted_at IS NULL", VIS_ACTIVITY(adm))
#define TASKS_CREATED(from_where, adm)                                                          \
	BRANCH(from_where, "x.created_at", "task_created", "x.deleted_at IS NULL", VIS_TASK(adm))
#define TASKS_DONE(from_where, adm)                                                             \
	BRANCH(from_where, "x.done_at", "task_done",                                           \
	       "x.deleted_at IS NULL AND x.done_at IS NOT NULL", VIS_TASK(adm))
/* A stage change has no condition of its own: "1 = 1" (a bare 1 is no
 * boolean in PostgreSQL). */
#define STAGE_CHANGES(from_where, adm)                                                          \
	BRANCH(from_where, "x.at", "stage_change", "1 = 1", VIS_STAGE(adm))
#define TL_UNION " UNION "
#define PAGE_ORDER " ORDER BY 1 DESC, 2 DESC, 3 DESC LIMIT ?5"

/* A contact: its own items and those of its live deals. */
#define SQL_CONTACT(adm)                                                                        \
	ACTIVITIES(OF_RECORD("activity", "contact_id"), adm) TL_UNION                          \
	ACTIVITIES(OF_DEALS("activity", "contact_id"), adm) TL_UNION                           \
	TASKS_CREATED(OF_RECORD("task", "contact_id"), adm) TL_UNION                           \
	TASKS_CREATED(OF_DEALS("task", "contact_id"), adm) TL_UNION                            \
	TASKS_DONE(OF_RECORD("task", "contact_id"), adm) TL_UNION                              \
	TASKS_DONE(OF_DEALS("task", "contact_id"), adm) TL_UNION                               \
	STAGE_CHANGES(OF_DEALS("deal_stage_change", "contact_id"), adm) PAGE_ORDER

/* A company: its own items, its contacts', and those of the live deals of
 * the company and of its contacts. */
#define SQL_COMPANY(adm)                                                                        \
	ACTIVITIES(OF_RECORD("activity", "company_id"), adm) TL_UNION                          \
	ACTIVITIES(OF_CONTACTS("activity"), adm) TL_UNION                                      \
	ACTIVITIES(OF_DEALS("activity", "company_id"), adm) TL_UNION                           \
	ACTIVITIES(OF_CONTACTS_DEALS("activity"), adm) TL_UNION                                \
	TASKS_CREATED(OF_RECORD("task", "company_id"), adm) TL_UNION                           \
	TASKS_CREATED(OF_CONTACTS("task"), adm) TL_UNION                                       \
	TASKS_CREATED(OF_DEALS("task", "company_id"), adm) TL_UNION                            \
	TASKS_CREATED(OF_CONTACTS_DEALS("task"), adm) TL_UNION                                 \
	TASKS_DONE(OF_RECORD("task", "company_id"), adm) TL_UNION                              \
	TASKS_DONE(OF_CONTACTS("task"), adm) TL_UNION                                          \
	TASKS_DONE(OF_DEALS("task", "company_id"), adm) TL_UNION                               \
	TASKS_DONE(OF_CONTACTS_DEALS("task"), adm) TL_UNION                                    \
	STAGE_CHANGES(OF_DEALS("deal_stage_change", "company_id"), adm) TL_UNION               \
	STAGE_CHANGES(OF_CONTACTS_DEALS("deal_stage_change"), adm) PAGE_ORDER

/* A deal: its own items and its stage history (the deal may be in the
 * trash: its timeline stays readable). */
#define SQL_DEAL(adm)                                                                           \
	ACTIVITIES(OF_RECORD("activity", "deal_id"), adm) TL_UNION                             \
	TASKS_CREATED(OF_RECORD("task", "deal_id"), adm) TL_UNION                              \
	TASKS_DONE(OF_RECORD("task", "deal_id"), adm) TL_UNION                                 \
	STAGE_CHANGES(" FROM deal d JOIN deal_stage_change x ON x.deal_id = d.id WHERE d.id = ?1", \
		      adm) PAGE_ORDER

static const char sql_contact_all[] = SQL_CONTACT("1");
static const char sql_contact_member[] = SQL_CONTACT("0");
static const char sql_company_all[] = SQL_COMPANY("1");
static const char sql_company_member[] = SQL_COMPANY("0");
static const char sql_deal_all[] = SQL_DEAL("1");
static const char sql_deal_member[] = SQL_DEAL("0");

enum { TL_CONTACT, TL_COMPANY, TL_DEAL, TL_N }; /* RECORD_CONTACT.. RECORD_DEAL, from 0 */
/* [which][1 for owners and admins] */
static const char *const statements[TL_N][2] = {{sql_contact_member, sql_contact_all},
						 {sql_company_member, sql_company_all},
						 {sql_deal_member, sql_deal_all}};

/* Item types, and the payload key each one's record goes under. */
static const struct {
	const char *type, *key;
} types[] = {{"activity", "activity"},
	     {"stage_change", "stage_change"},
	     {"task_created", "task"},
	     {"task_done", "task"}};
enum { N_TYPES = sizeof types / sizeof types[0] };

static int type_index(const char *s)
{
	for (int i = 0; i < N_TYPES; i++)
		if (!strcmp(s, types[i].type))
			return i;
	return -1;
}

/* The contact, company or deal named entity must exist and be visible to
 * the actor (trash included; record_check); *which gets its TL_* index. */
static int entity_check(Db *db, const Actor *actor, const char *entity, int64_t id, int *which,
			Err *err)
{
	RecordKind kind = record_kind_parse(entity);
	*which = TL_CONTACT;
	if (!record_kind_shareable(kind))
		return err_set(err, ERR_INVALID, "entity", "must be contact, company or deal");
	*which = TL_CONTACT + (int)(kind - RECORD_CONTACT);
	return record_check(db, actor, kind, id, 1, "id", NULL, err);
}

/* The page position: a cursor "<at> <type>" + id (or the former
 * activity-only "<at>" + id) into at[21], type[16], *after_id; the first
 * page gets values above every key. */
typedef struct Position {
	char at[21];     /* instant, or "~" before the first page */
	char type[16];   /* item type, or "~" */
	int64_t id;      /* item id, or INT64_MAX */
} Position;

static int position_of(const char *cursor, Position *pos, Err *err)
{
	char *key = NULL;
	time_t t;
	snprintf(pos->at, sizeof pos->at, "~");
	snprintf(pos->type, sizeof pos->type, "~");
	pos->id = INT64_MAX;
	if (!cursor)
		return KITH_OK;
	int rc = cursor_decode(cursor, &key, &pos->id, err);
	if (rc)
		return rc;
	size_t n = strlen(key);
	int ok = n >= 20;
	if (ok) {
		memcpy(pos->at, key, 20);
		pos->at[20] = '\0';
		ok = time_parse_iso(pos->at, &t) == 0;
	}
	if (ok && n == 20)
		snprintf(pos->type, sizeof pos->type, "activity");
	else if (ok && key[20] == ' ' && type_index(key + 21) >= 0)
		snprintf(pos->type, sizeof pos->type, "%s", key + 21);
	else
		ok = 0;
	free(key);
	if (!ok)
		return err_set(err, ERR_INVALID, "cursor", "is not a cursor of this timeline");
	return KITH_OK;
}

/* The payloads of keys[0..n) of item type t (types[]) in one statement of
 * their owner, into recs (NULL where the owner hides one: not shown). */
static int items_load(Db *db, const Actor *actor, int t, const int64_t *ids, size_t n,
		      json_t **recs, Err *err)
{
	if (t == 0)
		return activity_get_many(db, actor, ids, n, recs, err);
	if (t == 1)
		return deal_stage_change_get_many(db, actor, ids, n, recs, err);
	return task_get_many(db, actor, ids, n, recs, err);
}

/* Step 1: the keys of the page (up to limit + 1 rows) as a JSON array of
 * [at, type, id]. */
static int page_keys(Db *db, const Actor *actor, int which, int64_t id, const Position *pos,
		     int limit, json_t **keys, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, statements[which][access_is_admin(actor) ? 1 : 0], err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, pos->at);
	db_bind_text(st, 3, pos->type);
	db_bind_int(st, 4, pos->id);
	db_bind_int(st, 5, limit + 1);
	db_bind_int(st, 6, actor->user_id);
	json_t *arr = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, json_pack("[ssI]", db_col_text(st, 0), db_col_text(st, 1),
						     (json_int_t)db_col_int(st, 2)));
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*keys = arr;
	return KITH_OK;
}

/* The payloads of the first n keys, recs[i] for keys[i]: one statement
 * per item type on the page, not one per item (a round trip each on
 * PostgreSQL). recs[i] NULL: hidden by its owner's rule. */
static int page_payloads(Db *db, const Actor *actor, const json_t *keys, size_t n, json_t **recs,
			 Err *err)
{
	int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
	size_t *at = malloc((n ? n : 1) * sizeof *at);
	json_t **got = malloc((n ? n : 1) * sizeof *got);
	int rc = ids && at && got ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		recs[i] = NULL;
	/* task_created and task_done are both tasks: one statement for them */
	for (int t = 0; rc == KITH_OK && t < N_TYPES && strcmp(types[t].type, "task_done"); t++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			const json_t *key = json_array_get(keys, i);
			int ti = type_index(json_string_value(json_array_get(key, 1)));
			if (ti == t || (t == 2 && ti == 3)) {
				ids[m] = json_integer_value(json_array_get(key, 2));
				at[m++] = i;
			}
		}
		if (m && (rc = items_load(db, actor, t, ids, m, got, err)) == KITH_OK)
			for (size_t j = 0; j < m; j++)
				recs[at[j]] = got[j];
	}
	free(ids);
	free(at);
	free(got);
	return rc;
}

/* Step 2: items for the first limit keys; *next from the last one when
 * there are more. */
static int page_items(Db *db, const Actor *actor, const json_t *keys, int limit, json_t **items,
		      char **next, Err *err)
{
	size_t n = json_array_size(keys) < (size_t)limit ? json_array_size(keys) : (size_t)limit;
	json_t *arr = json_array(), **recs = malloc((n ? n : 1) * sizeof *recs);
	int rc = recs ? page_payloads(db, actor, keys, n, recs, err)
		      : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	*next = NULL;
	for (size_t i = 0; rc == KITH_OK && i < n; i++) {
		const json_t *key = json_array_get(keys, i);
		int type = type_index(json_string_value(json_array_get(key, 1)));
		if (!recs[i])
			continue; /* hidden by its owner's rule: not shown */
		json_array_append_new(arr, json_pack("{sssssO}", "type", types[type].type, "at",
						     json_string_value(json_array_get(key, 0)),
						     types[type].key, recs[i]));
	}
	if (rc == KITH_OK && json_array_size(keys) > (size_t)limit) {
		const json_t *last = json_array_get(keys, (size_t)limit - 1);
		char mark[48];
		snprintf(mark, sizeof mark, "%s %s", json_string_value(json_array_get(last, 0)),
			 json_string_value(json_array_get(last, 1)));
		if (!(*next = cursor_encode(mark, json_integer_value(json_array_get(last, 2)))))
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	for (size_t i = 0; recs && i < n; i++)
		json_decref(recs[i]);
	free(recs);
	if (rc == KITH_OK)
		*items = json_incref(arr);
	json_decref(arr);
	return rc;
}

int timeline_page(Db *db, const Actor *actor, const char *entity, int64_t id, int limit,
		  const char *cursor, json_t **items, char **next, char last_touch[21], Err *err)
{
	Position pos;
	json_t *keys = NULL;
	int which;
	*items = NULL;
	*next = NULL;
	if (limit == 0)
		limit = KITH_LIST_DEFAULT;
	int rc = db_begin_read(db, err);
	if (rc)
		return rc;
	if ((rc = entity_check(db, actor, entity, id, &which, err)))
		goto done;
	if (limit < 1 || limit > KITH_LIST_MAX) {
		rc = err_set(err, ERR_INVALID, "limit", "must be from 1 to %d", KITH_LIST_MAX);
		goto done;
	}
	if ((rc = position_of(cursor, &pos, err)) ||
	    (rc = page_keys(db, actor, which, id, &pos, limit, &keys, err)))
		goto done;
	if ((rc = page_items(db, actor, keys, limit, items, next, err)) == KITH_OK && last_touch &&
	    (rc = activity_last_touch_seen(db, actor, entity, id, last_touch, err))) {
		json_decref(*items);
		free(*next);
		*items = NULL;
		*next = NULL;
	}
done:
	json_decref(keys);
	return db_end(db, rc, err);
}

int timeline_get(Db *db, const Actor *actor, const char *entity, int64_t id, int limit,
		 const char *cursor, json_t **items, char **next, Err *err)
{
	return timeline_page(db, actor, entity, id, limit, cursor, items, next, NULL, err);
}
