/* deal.c - deals: validation, access, money, stage moves with their
 * history, trash, lists, the pipeline board and the forecast. Owns tables
 * deal and deal_stage_change. Depends on store/, base/,
 * core/{audit,links,record,user,workspace}, crm/{collab,field,pipeline};
 * the CLI and API adapters call only deal.h.
 *
 * A change is one transaction: the row, its custom values, its stage
 * history row and one audit entry commit together or not at all. */
#include "crm/deal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/cursor.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/money.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/links.h"
#include "core/record.h"
#include "core/user.h"
#include "core/workspace.h"
#include "crm/collab.h"
#include "crm/field.h"
#include "crm/pipeline.h"

static const char *const writable[] = {
	"title",  "contact_id",          "company_id", "pipeline_id", "stage_id", "value",
	"expected_close_date", "source", "owner_id",   "notes",       "lost_reason", "custom",
	NULL};

/* ---- reading ----------------------------------------------------------- */

/* The record's columns in the representation's key order (core/record_cols.h);
 * custom is filled by deal_custom(). */
#define DEAL_COL_LIST(X)                                                                           \
	X(ID, "d.id", "id")                                                                        \
	X(TEXT, "d.title", "title")                                                                \
	X(INT, "d.contact_id", "contact_id")                                                       \
	X(INT, "d.company_id", "company_id")                                                       \
	X(INT, "d.pipeline_id", "pipeline_id")                                                     \
	X(INT, "d.stage_id", "stage_id")                                                           \
	X(TEXT, "s.name", "stage")                                                                 \
	X(TEXT, "s.kind", "status")                                                                \
	X(INT, "s.probability", "probability")                                                     \
	X(MONEY, "d.amount_minor, d.currency", "value")                                            \
	X(DATE, "d.expected_close_date", "expected_close_date")                                    \
	X(TEXT, "d.source", "source")                                                              \
	X(INT, "d.owner_id", "owner_id")                                                           \
	X(TEXT, "d.notes", "notes")                                                                \
	X(TEXT, "d.lost_reason", "lost_reason")                                                    \
	X(INSTANT, "d.won_at", "won_at")                                                           \
	X(INSTANT, "d.lost_at", "lost_at")                                                         \
	X(INSTANT, "d.stage_since", "stage_since")                                                 \
	X(OBJECT, NULL, "custom")                                                                  \
	X(INT, "d.version", "version")                                                             \
	X(INSTANT, "d.created_at", "created_at")                                                   \
	X(INSTANT, "d.updated_at", "updated_at")                                                   \
	X(INSTANT, "d.deleted_at", "deleted_at")
#define DEAL_COLS RECORD_COLS_SELECT(DEAL_COL_LIST)
const RecordCols deal_record_cols = RECORD_COLS(DEAL_COL_LIST);

static int deal_custom(Db *db, json_t *rec, Err *err)
{
	json_t *custom = NULL;
	int rc = field_values_get(db, "deal", json_integer_value(json_object_get(rec, "id")),
				  &custom, err);
	if (rc == KITH_OK)
		json_object_set_new(rec, "custom", custom);
	return rc;
}

static int deal_load(Db *db, int64_t id, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " DEAL_COLS " FROM deal d JOIN stage s "
				  "ON s.id = d.stage_id WHERE d.id = ?";
	DbStmt *st;
	json_t *rec = NULL;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rec = record_cols_json(st, &deal_record_cols);
	db_reset(st);
	if (rc == DB_DONE)
		return err_set(err, ERR_NOT_FOUND, "id", "no deal %lld", (long long)id);
	if (rc != DB_ROW)
		return rc;
	if ((rc = deal_custom(db, rec, err))) {
		json_decref(rec);
		return rc;
	}
	*out = rec;
	return KITH_OK;
}

/* The record if the actor may see it: ERR_NOT_FOUND when absent or hidden,
 * ERR_GONE when in the trash and !include_deleted. */
static int deal_visible(Db *db, const Actor *actor, int64_t id, int include_deleted,
			json_t **out, Err *err)
{
	json_t *rec = NULL;
	int rc = deal_load(db, id, &rec, err);
	if (rc)
		return rc;
	if (!record_can_see(db, actor, RECORD_DEAL, id, json_int_of(rec, "owner_id"))) {
		json_decref(rec);
		return err_set(err, ERR_NOT_FOUND, "id", "no deal %lld", (long long)id);
	}
	if (!include_deleted && !json_is_null(json_object_get(rec, "deleted_at"))) {
		json_decref(rec);
		return err_set(err, ERR_GONE, "id", "deal %lld is in the trash; restore it first",
			       (long long)id);
	}
	*out = rec;
	return KITH_OK;
}

/* deal_visible after locking the row (record_lock), for a change computed
 * from what it reads: a concurrent update or move of the same deal waits,
 * then reads where this one left it, so the rollups of a move (visit_end,
 * totals_move) subtract the deal from the stage it is really in. */
static int deal_locked(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
		       Err *err)
{
	int rc = record_lock(db, RECORD_DEAL, id, err);
	return rc ? rc : deal_visible(db, actor, id, include_deleted, out, err);
}

int deal_get(Db *db, const Actor *actor, int64_t id, int include_deleted, json_t **out,
	     Err *err)
{
	return deal_visible(db, actor, id, include_deleted, out, err);
}

/* ---- validation -------------------------------------------------------- */

/* Optional text member key: absent -> nothing; null or blank -> null in
 * rec; else trimmed, checked for UTF-8 and max bytes. */
static int opt_text(const json_t *in, const char *key, size_t max, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, key);
	Buf t;
	if (!v)
		return KITH_OK;
	if (!json_is_null(v) && !json_is_string(v))
		return err_set(err, ERR_INVALID, key, "must be a string or null");
	const char *s = json_string_value(v);
	if (s && (strlen(s) != json_string_length(v) || !utf8_valid(s, strlen(s))))
		return err_set(err, ERR_INVALID, key, "must be UTF-8 text");
	buf_init(&t, 0);
	if (s)
		text_trim(&t, s);
	if (t.len > max) {
		buf_free(&t);
		return err_set(err, ERR_INVALID, key, "must be at most %zu bytes", max);
	}
	json_object_set_new(rec, key, t.len ? json_string(buf_str(&t)) : json_null());
	buf_free(&t);
	return KITH_OK;
}

static int check_title(const json_t *in, json_t *rec, int creating, Err *err)
{
	json_t *v = json_object_get(in, "title");
	if (!v && !creating)
		return KITH_OK;
	if (!v || json_is_null(v) || (json_is_string(v) && text_blank(json_string_value(v))))
		return err_set(err, ERR_INVALID, "title", "is required");
	return opt_text(in, "title", KITH_MAX_NAME, rec, err);
}

static int check_date(const json_t *in, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, "expected_close_date");
	if (!v)
		return KITH_OK;
	if (!json_is_null(v) && !(json_is_string(v) && date_valid(json_string_value(v))))
		return err_set(err, ERR_INVALID, "expected_close_date",
			       "must be a date YYYY-MM-DD or null");
	json_object_set(rec, "expected_close_date", v);
	return KITH_OK;
}

/* A contact or company link: null, or the id of a live record the actor
 * may see (core/record's link check). */
static int check_link(Db *db, const Actor *actor, const json_t *in, const char *key,
		      json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, key);
	if (!v)
		return KITH_OK;
	if (json_is_null(v)) {
		json_object_set_new(rec, key, json_null());
		return KITH_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return err_set(err, ERR_INVALID, key, "must be a record id or null");
	int64_t id = json_integer_value(v);
	int is_contact = strcmp(key, "contact_id") == 0;
	int rc = record_check_link(db, actor, is_contact ? RECORD_CONTACT : RECORD_COMPANY, id, 0,
				   key, NULL, err);
	if (rc == ERR_NOT_FOUND || rc == ERR_GONE)
		return err_set(err, ERR_INVALID, key, "no %s #%lld",
			       is_contact ? "contact" : "company", (long long)id);
	if (rc)
		return rc;
	json_object_set(rec, key, v);
	return KITH_OK;
}


/* value: the API money form (money_from_json); currency defaults to the
 * deal's current one (on create the workspace's), an absent amount keeps
 * the current one (0 on create) unless the currency changes. Stored in rec as {"amount_minor", "currency"}. */
static int check_value(Db *db, const json_t *in, json_t *rec, Err *err)
{
	json_t *v = json_object_get(in, "value"), *old = json_object_get(rec, "value");
	const char *had = json_str_of(old, "currency"), *cur = had;
	Money m;
	Workspace ws;
	int given = 0, rc;
	if (!v)
		return KITH_OK;
	if (!cur) {
		if ((rc = workspace_get(db, &ws, err)))
			return rc;
		cur = ws.currency;
	}
	if ((rc = money_from_json(v, "value", cur, &m, &given, err)))
		return rc;
	if (!given && had && strcmp(m.currency, had) != 0)
		/* Minor units mean different amounts in another currency (JPY has
		 * 0 decimals, BHD 3): a new currency needs its amount. */
		return err_set(err, ERR_INVALID, "value.amount",
			       "give the amount in %s when changing the currency", m.currency);
	if (!given)
		m.minor = json_int_of(old, "amount_minor");
	else if (m.minor < 0 || m.minor > KITH_MAX_DEAL_MINOR)
		return err_set(err, ERR_INVALID,
			       json_object_get(v, "amount_minor") ? "value.amount_minor"
								  : "value.amount",
			       "must be from 0 to %lld minor units", (long long)KITH_MAX_DEAL_MINOR);
	json_object_set_new(rec, "value", json_pack("{sIss}", "amount_minor", (json_int_t)m.minor,
						    "currency", m.currency));
	return KITH_OK;
}

static int check_id_member(const json_t *v, const char *key, int64_t *id, Err *err)
{
	if (!v)
		return KITH_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return err_set(err, ERR_INVALID, key, "must be a positive integer id");
	*id = json_integer_value(v);
	return KITH_OK;
}

/* A reference in the input to a record that does not exist is bad input
 * (ERR_INVALID naming the same field), not a missing resource. */
static int as_invalid(int rc, Err *err)
{
	if (rc == ERR_NOT_FOUND)
		rc = err->code = ERR_INVALID;
	return rc;
}

/* pipeline_id and stage_id: the stage must belong to the pipeline; a new
 * pipeline without a stage starts in its first open stage; a stage alone
 * selects its pipeline. *si gets the resulting stage. */
static int check_stage(Db *db, const json_t *in, json_t *rec, int creating, StageInfo *si,
		       Err *err)
{
	int64_t pid = 0, sid = 0;
	int rc;
	if ((rc = check_id_member(json_object_get(in, "pipeline_id"), "pipeline_id", &pid, err)) ||
	    (rc = check_id_member(json_object_get(in, "stage_id"), "stage_id", &sid, err)))
		return rc;
	if (sid) {
		if ((rc = stage_info(db, sid, "stage_id", si, err)))
			return as_invalid(rc, err);
		if (pid && si->pipeline_id != pid)
			return err_set(err, ERR_INVALID, "stage_id",
				       "stage %lld is not in pipeline %lld", (long long)sid,
				       (long long)pid);
	} else if (pid && (creating || pid != json_int_of(rec, "pipeline_id"))) {
		if ((rc = stage_first_open(db, pid, si, err)))
			return as_invalid(rc, err);
	} else if (creating) {
		if ((rc = stage_first_open(db, 0, si, err)))
			return rc;
	} else {
		return stage_info(db, json_int_of(rec, "stage_id"), "stage_id", si, err);
	}
	json_object_set_new(rec, "pipeline_id", json_integer(si->pipeline_id));
	json_object_set_new(rec, "stage_id", json_integer(si->id));
	return KITH_OK;
}

/* Validate in and apply its writable members to rec (custom values are
 * checked when written, in the same transaction). */
static int deal_apply(Db *db, const Actor *actor, const json_t *in, json_t *rec, int creating,
		      StageInfo *si, Err *err)
{
	int rc;
	if (!json_is_object(in))
		return err_set(err, ERR_INVALID, NULL, "the deal must be a JSON object");
	if ((rc = json_check_fields(in, writable, err)) ||
	    (rc = check_title(in, rec, creating, err)) ||
	    (rc = check_link(db, actor, in, "contact_id", rec, err)) ||
	    (rc = check_link(db, actor, in, "company_id", rec, err)) ||
	    (rc = check_stage(db, in, rec, creating, si, err)) ||
	    (rc = check_value(db, in, rec, err)) || (rc = check_date(in, rec, err)) ||
	    (rc = opt_text(in, "source", KITH_MAX_SHORT, rec, err)) ||
	    (rc = user_owner_apply(db, actor, in, "deal", creating, rec, err)) ||
	    (rc = opt_text(in, "notes", KITH_MAX_TEXT, rec, err)) ||
	    (rc = opt_text(in, "lost_reason", KITH_MAX_TEXT, rec, err)))
		return rc;
	json_t *custom = json_object_get(in, "custom");
	if (custom && !json_is_null(custom) && !json_is_object(custom))
		return err_set(err, ERR_INVALID, "custom", "must be an object of custom field values");
	return KITH_OK;
}

/* ---- writing ----------------------------------------------------------- */

static void bind_opt_int(DbStmt *st, int i, const json_t *v)
{
	if (json_is_integer(v))
		db_bind_int(st, i, json_integer_value(v));
	else
		db_bind_null(st, i);
}

/* Bind the 16 stored columns of rec from parameter 1 on. */
static void bind_fields(DbStmt *st, const json_t *rec, const char *now)
{
	const json_t *val = json_object_get(rec, "value");
	db_bind_text(st, 1, json_str_of(rec, "title"));
	bind_opt_int(st, 2, json_object_get(rec, "contact_id"));
	bind_opt_int(st, 3, json_object_get(rec, "company_id"));
	db_bind_int(st, 4, json_int_of(rec, "pipeline_id"));
	db_bind_int(st, 5, json_int_of(rec, "stage_id"));
	db_bind_int(st, 6, json_int_of(val, "amount_minor"));
	db_bind_text(st, 7, json_str_of(val, "currency"));
	db_bind_text_or_null(st, 8, json_str_of(rec, "expected_close_date"));
	db_bind_text_or_null(st, 9, json_str_of(rec, "source"));
	bind_opt_int(st, 10, json_object_get(rec, "owner_id"));
	db_bind_text_or_null(st, 11, json_str_of(rec, "notes"));
	db_bind_text_or_null(st, 12, json_str_of(rec, "lost_reason"));
	db_bind_text_or_null(st, 13, json_str_of(rec, "won_at"));
	db_bind_text_or_null(st, 14, json_str_of(rec, "lost_at"));
	db_bind_text(st, 15, json_str_of(rec, "stage_since"));
	db_bind_text(st, 16, now);
}

/* Insert (*id 0) or update row *id from rec. */
static int deal_store(Db *db, const Actor *actor, const json_t *rec, int64_t *id,
		      const char *now, Err *err)
{
	static const char ins[] =
		"INSERT INTO deal (title, contact_id, company_id, pipeline_id, stage_id, "
		"amount_minor, currency, expected_close_date, source, owner_id, notes, lost_reason, "
		"won_at, lost_at, stage_since, updated_at, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	static const char upd[] =
		"UPDATE deal SET title = ?, contact_id = ?, company_id = ?, pipeline_id = ?, "
		"stage_id = ?, amount_minor = ?, currency = ?, expected_close_date = ?, source = ?, "
		"owner_id = ?, notes = ?, lost_reason = ?, won_at = ?, lost_at = ?, stage_since = ?, "
		"updated_at = ?, version = version + 1 WHERE id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, *id ? upd : ins, err);
	if (rc)
		return rc;
	bind_fields(st, rec, now);
	if (*id) {
		db_bind_int(st, 17, *id);
		if ((rc = db_exec_stmt(st, err)))
			return rc;
		return collab_drop_owner(db, actor, RECORD_DEAL, *id, err);
	}
	db_bind_text(st, 17, now);
	rc = db_step(st, err);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? KITH_OK : rc;
}

/* Record a move from from_stage (0 = created) to to_stage. */
static int history_add(Db *db, const Actor *actor, int64_t id, int64_t from_stage,
		       int64_t to_stage, const char *now, Err *err)
{
	static const char sql[] = "INSERT INTO deal_stage_change (deal_id, from_stage_id, "
				  "to_stage_id, at, user_id) VALUES (?, ?, ?, ?, ?)";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	if (from_stage)
		db_bind_int(st, 2, from_stage);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, to_stage);
	db_bind_text(st, 4, now);
	if (actor->user_id)
		db_bind_int(st, 5, actor->user_id);
	else
		db_bind_null(st, 5);
	return db_exec_stmt(st, err);
}

/* The visit of a deal to stage_id from since to now has ended: add it to
 * the month's rollup of completed visits (the board's time in stage). */
static int visit_end(Db *db, int64_t stage_id, const char *since, const char *now, Err *err)
{
	static const char sql[] =
		"INSERT INTO stage_visit (stage_id, month, visits, seconds) VALUES (?, ?, 1, ?) "
		"ON CONFLICT (stage_id, month) DO UPDATE SET visits = stage_visit.visits + 1, "
		"seconds = stage_visit.seconds + excluded.seconds";
	time_t from, to;
	char month[8];
	DbStmt *st;
	if (!since || time_parse_iso(since, &from) || time_parse_iso(now, &to))
		return KITH_OK; /* no start known: nothing to add */
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	snprintf(month, sizeof month, "%.7s", now);
	db_bind_int(st, 1, stage_id);
	db_bind_text(st, 2, month);
	db_bind_int(st, 3, to > from ? (int64_t)(to - from) : 0);
	return db_exec_stmt(st, err);
}

/* Add (sign 1) or take away (sign -1) deal rec's share of the closed
 * totals (stage_day_total): only a live deal in a won or lost stage has
 * one. Called with the record before and after every change. */
static int closed_total_apply(Db *db, const json_t *rec, int sign, Err *err)
{
	static const char sql[] =
		"INSERT INTO stage_day_total (stage_id, day, currency, deals, amount_minor) "
		"VALUES (?, ?, ?, ?, ?) ON CONFLICT (stage_id, day, currency) DO UPDATE SET "
		"deals = stage_day_total.deals + excluded.deals, "
		"amount_minor = stage_day_total.amount_minor + excluded.amount_minor";
	const json_t *val = json_object_get(rec, "value");
	const char *since = json_str_of(rec, "stage_since");
	char day[11];
	DbStmt *st;
	if (!rec || !json_is_null(json_object_get(rec, "deleted_at")) || !since ||
	    stage_kind_parse(json_str_of(rec, "status")) == STAGE_OPEN)
		return KITH_OK;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	snprintf(day, sizeof day, "%.10s", since);
	db_bind_int(st, 1, json_int_of(rec, "stage_id"));
	db_bind_text(st, 2, day);
	db_bind_text(st, 3, json_str_of(val, "currency"));
	db_bind_int(st, 4, sign);
	db_bind_int(st, 5, sign * json_int_of(val, "amount_minor"));
	return db_exec_stmt(st, err);
}

/* What a deal adds to the open totals (stage_open_total, migration 017):
 * the row it counts in and its value. */
typedef struct OpenKey {
	int64_t stage_id; /* its open stage */
	char month[8];	  /* YYYY-MM of expected_close_date, "" for none */
	char currency[8]; /* ISO 4217 */
	int64_t amount;	  /* amount_minor; the row's rem is amount % 100 */
} OpenKey;

/* Fill *k from rec (a stored deal, may be NULL); 0 when rec adds nothing:
 * absent, in the trash, or in a won or lost stage. */
static int open_key(const json_t *rec, OpenKey *k)
{
	const json_t *val = json_object_get(rec, "value");
	const char *close = json_str_of(rec, "expected_close_date");
	if (!rec || !json_is_null(json_object_get(rec, "deleted_at")) ||
	    stage_kind_parse(json_str_of(rec, "status")) != STAGE_OPEN)
		return 0;
	*k = (OpenKey){.stage_id = json_int_of(rec, "stage_id"),
		       .amount = json_int_of(val, "amount_minor")};
	snprintf(k->month, sizeof k->month, "%.7s", close ? close : "");
	snprintf(k->currency, sizeof k->currency, "%s", json_str_of(val, "currency"));
	return 1;
}

/* Add sign (1 or -1) times k's deal to its open totals row; a row left
 * with no deals is removed. */
static int open_total_add(Db *db, const OpenKey *k, int sign, Err *err)
{
	static const char add[] =
	    "INSERT INTO stage_open_total (stage_id, month, currency, rem, deals, amount_minor) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (stage_id, month, currency, rem) DO "
	    "UPDATE SET deals = stage_open_total.deals + excluded.deals, "
	    "amount_minor = stage_open_total.amount_minor + excluded.amount_minor";
	static const char drop[] = "DELETE FROM stage_open_total WHERE stage_id = ?1 AND "
				   "month = ?2 AND currency = ?3 AND rem = ?4 AND deals = 0";
	DbStmt *st;
	int rc = KITH_OK;
	for (int i = 0; i < (sign < 0 ? 2 : 1) && rc == KITH_OK; i++) {
		if ((rc = db_prepare(db, &st, i ? drop : add, err)))
			break;
		db_bind_int(st, 1, k->stage_id);
		db_bind_text(st, 2, k->month);
		db_bind_text(st, 3, k->currency);
		db_bind_int(st, 4, k->amount % 100);
		if (!i) {
			db_bind_int(st, 5, sign);
			db_bind_int(st, 6, sign * k->amount);
		}
		rc = db_exec_stmt(st, err);
	}
	return rc;
}

/* Move a deal's share of the open totals from before to after (either may
 * be NULL or add nothing); nothing to write when both add the same. */
static int open_totals_move(Db *db, const json_t *before, const json_t *after, Err *err)
{
	OpenKey b, a;
	int has_b = open_key(before, &b), has_a = open_key(after, &a), rc = KITH_OK;
	if (has_b && has_a && b.stage_id == a.stage_id && b.amount == a.amount &&
	    strcmp(b.month, a.month) == 0 && strcmp(b.currency, a.currency) == 0)
		return KITH_OK;
	if (has_b)
		rc = open_total_add(db, &b, -1, err);
	if (rc == KITH_OK && has_a)
		rc = open_total_add(db, &a, 1, err);
	return rc;
}

/* Keep both rollups (closed and open totals) as a deal changes from before
 * to after (NULL: it did not exist). */
static int totals_move(Db *db, const json_t *before, const json_t *after, Err *err)
{
	int rc = closed_total_apply(db, before, -1, err);
	if (rc == KITH_OK)
		rc = closed_total_apply(db, after, 1, err);
	if (rc == KITH_OK)
		rc = open_totals_move(db, before, after, err);
	return rc;
}

/* won_at/lost_at after entering a stage of kind at now: set for won/lost
 * (kept when already there), cleared otherwise. A move out of the lost
 * stage also clears the lost reason (not a new deal's: moved is 0 then). */
static void stamp_status(json_t *rec, StageKind kind, int moved, const char *now)
{
	json_t *w = json_object_get(rec, "won_at"), *l = json_object_get(rec, "lost_at");
	int was_won = json_is_string(w), was_lost = json_is_string(l);
	json_object_set_new(rec, "won_at",
			    kind == STAGE_WON ? (moved || !was_won ? json_string(now)
							       : json_incref(w))
					      : json_null());
	json_object_set_new(rec, "lost_at",
			    kind == STAGE_LOST ? (moved || !was_lost ? json_string(now)
								 : json_incref(l))
					       : json_null());
	if (kind != STAGE_LOST && moved)
		json_object_set_new(rec, "lost_reason", json_null());
}

static const json_t *custom_of(const json_t *in)
{
	const json_t *c = json_object_get(in, "custom");
	return json_is_object(c) ? c : NULL;
}

/* Write rec (a changed copy of before, NULL on create) with its custom
 * values and stage history, and audit action. *id in/out; *out (may be
 * NULL) gets the stored deal. */
static int deal_save(Db *db, const Actor *actor, const char *action, const json_t *before,
		     json_t *rec, const StageInfo *si, const json_t *custom, int64_t *id,
		     json_t **out, Err *err)
{
	json_t *after = NULL, *diff = NULL;
	char now[21];
	int64_t from = before ? json_int_of(before, "stage_id") : 0;
	int moved = from != si->id;
	time_now_iso(now);
	if (moved || !before) {
		stamp_status(rec, si->kind, moved && before, now);
		json_object_set_new(rec, "stage_since", json_string(now));
	}
	int rc = deal_store(db, actor, rec, id, now, err);
	if (rc || (rc = field_values_put(db, "deal", *id, custom, before == NULL, err)) ||
	    (moved && (rc = history_add(db, actor, *id, from, si->id, now, err))) ||
	    (moved && before &&
	     (rc = visit_end(db, from, json_str_of(before, "stage_since"), now, err))) ||
	    (rc = deal_load(db, *id, &after, err)) || (rc = totals_move(db, before, after, err)))
		goto done;
	diff = before ? audit_diff(before, after) : json_incref(after);
	rc = audit_write(db, actor, action, "deal", *id, diff, err);
done:
	json_decref(diff);
	if (rc == KITH_OK && out)
		*out = json_incref(after);
	json_decref(after);
	return rc;
}

int deal_create(Db *db, const Actor *actor, const json_t *in, int64_t *id, Err *err)
{
	json_t *rec = json_pack("{snsnsnsn}", "contact_id", "company_id", "owner_id", "won_at");
	StageInfo si = {0};
	int64_t new_id = 0;
	int rc = db_begin(db, err);
	if (rc) {
		json_decref(rec);
		return rc;
	}
	/* the stage's kind decides the deal's status and rollups: hold it */
	if ((rc = deal_apply(db, actor, in, rec, 1, &si, err)) ||
	    (rc = stage_lock(db, si.id, &si, err)))
		goto done;
	if (!json_object_get(rec, "value")) {
		json_t *dflt = json_pack("{s{}}", "value"); /* zero in the workspace currency */
		rc = check_value(db, dflt, rec, err);
		json_decref(dflt);
		if (rc)
			goto done;
	}
	rc = deal_save(db, actor, "create", NULL, rec, &si, custom_of(in), &new_id, NULL, err);
	if (rc == KITH_OK)
		*id = new_id;
done:
	json_decref(rec);
	return db_end(db, rc, err);
}

/* Lock the stage a deal leaves (from; 0: none) and the one it enters (to,
 * read into *si), the lower id first. A move writes the rollups of both
 * and checks both keys, so two deals crossing between two stages in
 * opposite directions, each holding the stage it enters, would wait for
 * each other (on PostgreSQL a deadlock, which fails one as busy). */
static int stages_lock(Db *db, int64_t from, int64_t to, StageInfo *si, Err *err)
{
	StageInfo left;
	int rc = KITH_OK;
	if (from && from < to)
		rc = stage_lock(db, from, &left, err);
	if (rc == KITH_OK)
		rc = stage_lock(db, to, si, err);
	if (rc == KITH_OK && from > to)
		rc = stage_lock(db, from, &left, err);
	return rc;
}

/* Stale check for expected_version (0 = any). */
static int version_check(const json_t *rec, int64_t expected, Err *err)
{
	int64_t v = json_int_of(rec, "version");
	if (expected && expected != v)
		return err_set(err, ERR_STALE, "version",
			       "deal %lld changed since you read it (version %lld, now %lld)",
			       (long long)json_int_of(rec, "id"), (long long)expected, (long long)v);
	return KITH_OK;
}

int deal_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		int64_t expected_version, json_t **out, Err *err)
{
	json_t *before = NULL, *rec = NULL;
	StageInfo si = {0};
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = deal_locked(db, actor, id, 0, &before, err)) ||
	    (rc = version_check(before, expected_version, err)))
		goto done;
	rec = json_deep_copy(before);
	if ((rc = deal_apply(db, actor, patch, rec, 0, &si, err)) ||
	    (si.id != json_int_of(before, "stage_id") &&
	     (rc = stages_lock(db, json_int_of(before, "stage_id"), si.id, &si, err))))
		goto done;
	rc = deal_save(db, actor, "update", before, rec, &si, custom_of(patch), &id, out, err);
done:
	json_decref(before);
	json_decref(rec);
	return db_end(db, rc, err);
}

int deal_move(Db *db, const Actor *actor, int64_t id, int64_t stage_id, int64_t expected_version,
	      const char *lost_reason, json_t **out, Err *err)
{
	json_t *before = NULL, *rec = NULL, *patch = json_object();
	StageInfo si = {0};
	int rc = db_begin(db, err);
	if (rc) {
		json_decref(patch);
		return rc;
	}
	if ((rc = deal_locked(db, actor, id, 0, &before, err)) ||
	    (rc = version_check(before, expected_version, err)))
		goto done;
	if (stage_id < 1) {
		rc = err_set(err, ERR_INVALID, "stage_id", "must be a positive integer id");
		goto done;
	}
	if ((rc = as_invalid(stages_lock(db, json_int_of(before, "stage_id"), stage_id, &si, err),
			     err)))
		goto done;
	if (si.pipeline_id != json_int_of(before, "pipeline_id")) {
		rc = err_set(err, ERR_INVALID, "stage_id", "stage %lld is not in the deal's pipeline",
			     (long long)stage_id);
		goto done;
	}
	if (si.id == json_int_of(before, "stage_id")) {
		rc = err_set(err, ERR_CONFLICT, "stage_id", "the deal is already in stage %lld",
			     (long long)stage_id);
		goto done;
	}
	if (lost_reason && si.kind != STAGE_LOST) {
		rc = err_set(err, ERR_INVALID, "lost_reason", "is only for a move to a lost stage");
		goto done;
	}
	if (lost_reason)
		json_object_set_new(patch, "lost_reason", json_string(lost_reason));
	rec = json_deep_copy(before);
	if ((rc = opt_text(patch, "lost_reason", KITH_MAX_TEXT, rec, err)))
		goto done;
	json_object_set_new(rec, "stage_id", json_integer(si.id));
	rc = deal_save(db, actor, "move", before, rec, &si, NULL, &id, out, err);
done:
	json_decref(patch);
	json_decref(before);
	json_decref(rec);
	return db_end(db, rc, err);
}

/* ---- trash ------------------------------------------------------------- */

static int deal_trash(Db *db, const Actor *actor, int64_t id, int deleted, Err *err)
{
	static const char sql[] = "UPDATE deal SET deleted_at = ?, updated_at = ?, "
				  "version = version + 1 WHERE id = ?";
	json_t *before = NULL, *after = NULL, *diff = NULL;
	DbStmt *st;
	char now[21];
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = deal_locked(db, actor, id, 1, &before, err)))
		goto done;
	int in_trash = !json_is_null(json_object_get(before, "deleted_at"));
	if (deleted && in_trash) {
		rc = err_set(err, ERR_GONE, "id", "deal %lld is already in the trash", (long long)id);
		goto done;
	}
	if (!deleted && !in_trash) {
		rc = err_set(err, ERR_CONFLICT, "id", "deal %lld is not in the trash", (long long)id);
		goto done;
	}
	if ((rc = db_prepare(db, &st, sql, err)))
		goto done;
	time_now_iso(now);
	db_bind_text(st, 1, deleted ? now : NULL);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, id);
	if ((rc = db_exec_stmt(st, err)) || (rc = deal_load(db, id, &after, err)) ||
	    (rc = totals_move(db, before, after, err)) ||
	    (rc = (deleted ? links_trash : links_restore)(db, "deal", id, err)))
		goto done;
	diff = deleted ? json_incref(before) : audit_diff(before, after);
	rc = audit_write(db, actor, deleted ? "delete" : "restore", "deal", id, diff, err);
done:
	json_decref(before);
	json_decref(after);
	json_decref(diff);
	return db_end(db, rc, err);
}

int deal_delete(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return deal_trash(db, actor, id, 1, err);
}

int deal_restore(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return deal_trash(db, actor, id, 0, err);
}

/* A deal_stage_change row (see deal_history), then the deal's owner for
 * the access check (the column after the table's: record_cols_width). */
#define CHANGE_COL_LIST(X)                                                                         \
	X(ID, "h.id", "id")                                                                        \
	X(INT, "h.deal_id", "deal_id")                                                             \
	X(TEXT, "d.title", "deal_title")                                                           \
	X(INT, "h.from_stage_id", "from_stage_id")                                                 \
	X(TEXT, "f.name", "from_stage")                                                            \
	X(INT, "h.to_stage_id", "to_stage_id")                                                     \
	X(TEXT, "t.name", "to_stage")                                                              \
	X(INSTANT, "h.at", "at")                                                                   \
	X(INT, "h.user_id", "user_id")                                                             \
	X(TEXT, "u.name", "user_name")
#define CHANGE_COLS RECORD_COLS_SELECT(CHANGE_COL_LIST) ", d.owner_id"
const RecordCols stage_change_record_cols = RECORD_COLS(CHANGE_COL_LIST);
#define CHANGE_FROM                                                                             \
	" FROM deal_stage_change h JOIN deal d ON d.id = h.deal_id "                           \
	"JOIN stage t ON t.id = h.to_stage_id LEFT JOIN stage f ON f.id = h.from_stage_id "    \
	"LEFT JOIN app_user u ON u.id = h.user_id "

int deal_history(Db *db, const Actor *actor, int64_t id, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " CHANGE_COLS CHANGE_FROM "WHERE h.deal_id = ? ORDER BY h.id";
	json_t *rec = NULL, *arr = NULL;
	DbStmt *st;
	int rc = deal_visible(db, actor, id, 1, &rec, err);
	json_decref(rec);
	if (rc || (rc = db_prepare(db, &st, sql, err)))
		return rc;
	arr = json_array();
	db_bind_int(st, 1, id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, record_cols_json(st, &stage_change_record_cols));
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KITH_OK;
}

int deal_stage_change_get(Db *db, const Actor *actor, int64_t change_id, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " CHANGE_COLS CHANGE_FROM "WHERE h.id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, change_id);
	rc = db_step(st, err);
	json_t *row = rc == DB_ROW ? record_cols_json(st, &stage_change_record_cols) : NULL;
	int owner_col = record_cols_width(&stage_change_record_cols);
	int64_t owner = rc == DB_ROW ? db_col_int(st, owner_col) : 0;
	db_reset(st); /* before record_can_see prepares its own statement */
	if (row && record_can_see(db, actor, RECORD_DEAL, json_int_of(row, "deal_id"), owner)) {
		*out = row;
		return KITH_OK;
	}
	json_decref(row);
	if (rc == DB_ROW || rc == DB_DONE)
		rc = err_set(err, ERR_NOT_FOUND, "id", "no stage change %lld", (long long)change_id);
	return rc;
}

int deal_stage_change_get_many(Db *db, const Actor *actor, const int64_t *ids, size_t n,
			       json_t **out, Err *err)
{
	/* deal_stage_change_get's record_can_see, as SQL: its deal's rule */
	static const char sql[] = "SELECT " CHANGE_COLS CHANGE_FROM "WHERE h.id" DB_IN_IDS
				  "AND " RECORD_VISIBLE("deal", "d");
	DbStmt *st;
	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	if (!n)
		return KITH_OK;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_ids(st, 1, ids, n);
	record_bind_visible(st, 2, actor, RECORD_DEAL);
	return record_cols_many(st, &stage_change_record_cols, ids, n, out, err);
}

/* ---- lists --------------------------------------------------------------- */

/* Bind v (0 = no filter) to parameters p and p + 1 of
 * "(CAST(? AS BIGINT) IS NULL OR x = ?)". */
static void bind_filter(DbStmt *st, int p, int64_t v)
{
	if (v) {
		db_bind_int(st, p, v);
		db_bind_int(st, p + 1, v);
	} else {
		db_bind_null(st, p);
		db_bind_null(st, p + 1);
	}
}

/* Check q; *since gets stage_since normalized to an instant ("" = none). */
static int list_check(Db *db, const DealQuery *q, int *limit, int64_t *after, char since[21],
		      Err *err)
{
	char *key = NULL;
	When w;
	int rc;
	since[0] = 0;
	if (q->stage_since) {
		if ((rc = workspace_when(db, q->stage_since, WHEN_INSTANT | WHEN_MIDNIGHT,
					 "stage_since", &w, err)))
			return rc;
		memcpy(since, w.iso, 21);
	}
	*limit = q->limit ? q->limit : KITH_LIST_DEFAULT;
	if (*limit < 1 || *limit > KITH_LIST_MAX)
		return err_set(err, ERR_INVALID, "limit", "must be from 1 to %d", KITH_LIST_MAX);
	if (q->status && !stage_kind_parse(q->status))
		return err_set(err, ERR_INVALID, "status", "must be open, won or lost");
	*after = 0;
	if (q->cursor) {
		rc = cursor_decode(q->cursor, &key, after, err);
		free(key);
		if (rc)
			return rc;
	}
	return KITH_OK;
}

/* Step st (bound, LIMIT limit + 1) into one page: *items gets at most
 * limit deals with their custom values, *next a cursor when more follow. */
/* The custom values of every deal in the arrays lists[0..n) in one
 * statement, not one per deal (a round trip each on PostgreSQL). */
static int deals_custom(Db *db, json_t *const *lists, size_t n, Err *err)
{
	size_t i, j, k, m = 0;
	json_t *d;
	for (i = 0; i < n; i++)
		m += json_array_size(lists[i]);
	if (!m)
		return KITH_OK;
	int64_t *ids = malloc(m * sizeof *ids);
	json_t **custom = malloc(m * sizeof *custom);
	int rc = !ids || !custom ? err_set(err, ERR_INTERNAL, NULL, "out of memory") : KITH_OK;
	for (i = 0, k = 0; rc == KITH_OK && i < n; i++)
		json_array_foreach(lists[i], j, d) ids[k++] = json_int_of(d, "id");
	if (rc == KITH_OK && (rc = field_values_get_many(db, "deal", ids, m, custom, err)) == KITH_OK)
		for (i = 0, k = 0; i < n; i++)
			json_array_foreach(lists[i], j, d)
				json_object_set_new(d, "custom", custom[k++]);
	free(ids);
	free(custom);
	return rc;
}

/* A page of deals from st; with_custom: their custom values too (else the
 * caller reads them, deals_custom). */
static int page_read(Db *db, DbStmt *st, int limit, int with_custom, json_t **items, char **next,
		     Err *err)
{
	json_t *arr = json_array();
	int n = 0, rc;
	int64_t last = 0;
	while ((rc = db_step(st, err)) == DB_ROW && n < limit) {
		last = db_col_int(st, 0);
		json_array_append_new(arr, record_cols_json(st, &deal_record_cols));
		n++;
	}
	int more = rc == DB_ROW;
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		goto done;
	rc = with_custom ? deals_custom(db, &arr, 1, err) : KITH_OK;
	if (rc)
		goto done;
	*next = NULL;
	if (more && !(*next = cursor_encode(NULL, last)))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
done:
	if (rc == KITH_OK)
		*items = json_incref(arr);
	json_decref(arr);
	return rc;
}

/* A page of deals by id: one equality ("driver") walks an index whose
 * entries are already in id order (single-column indexes end with the
 * rowid), so a narrow filter never walks every deal; the other filters are
 * checks on the rows it finds. */
#define DEAL_LIST_SQL(driver)                                                                   \
	"SELECT " DEAL_COLS " FROM deal d JOIN stage s ON s.id = d.stage_id WHERE " driver     \
	" AND ((? = 0 AND d.deleted_at IS NULL) OR (? = 1 AND d.deleted_at IS NOT NULL)) "     \
	"AND " RECORD_VISIBLE("deal", "d")                                                     \
	" AND (CAST(? AS BIGINT) IS NULL OR d.owner_id = ?) "                                  \
	"AND (CAST(? AS BIGINT) IS NULL OR d.pipeline_id = ?) "                                \
	"AND (CAST(? AS BIGINT) IS NULL OR d.stage_id = ?) "                                   \
	"AND (CAST(? AS TEXT) IS NULL OR s.kind = ?) "                                         \
	"AND (CAST(? AS BIGINT) IS NULL OR d.contact_id = ?) "                                 \
	"AND (CAST(? AS BIGINT) IS NULL OR d.company_id = ?) "                                 \
	"AND (CAST(? AS TEXT) IS NULL OR d.stage_since >= ?) "                                 \
	"AND d.id > ? ORDER BY d.id LIMIT ?"

typedef enum { DRIVE_ALL, DRIVE_CONTACT, DRIVE_COMPANY, DRIVE_STAGE, DRIVE_MINE, DRIVE_N } Drive;

static const char *const list_sql[DRIVE_N] = {
	[DRIVE_ALL] = DEAL_LIST_SQL("1 = 1"), /* no driver (a bare 1 is no boolean in PostgreSQL) */
	[DRIVE_CONTACT] = DEAL_LIST_SQL("d.contact_id = ?"),
	[DRIVE_COMPANY] = DEAL_LIST_SQL("d.company_id = ?"),
	[DRIVE_STAGE] = DEAL_LIST_SQL("d.stage_id = ?"),
	/* a member's live deals: the ids of those they own (the deal_owner
	 * index) or that are shared with them */
	[DRIVE_MINE] = DEAL_LIST_SQL("d.id IN (SELECT o.id FROM deal o WHERE o.owner_id = ? "
				     "AND o.deleted_at IS NULL UNION SELECT cl.deal_id "
				     "FROM deal_collaborator cl WHERE cl.user_id = ?)"),
};

/* The narrowest driver for q, bound from parameter 1; returns the next one. */
static int bind_driver(DbStmt *st, Drive d, const Actor *actor, const DealQuery *q)
{
	switch (d) {
	case DRIVE_CONTACT:
		db_bind_int(st, 1, q->contact_id);
		return 2;
	case DRIVE_COMPANY:
		db_bind_int(st, 1, q->company_id);
		return 2;
	case DRIVE_STAGE:
		db_bind_int(st, 1, q->stage_id);
		return 2;
	case DRIVE_MINE:
		db_bind_int(st, 1, actor->user_id);
		db_bind_int(st, 2, actor->user_id);
		return 3;
	default:
		return 1;
	}
}

int deal_list(Db *db, const Actor *actor, const DealQuery *q, json_t **items, char **next,
	      Err *err)
{
	DbStmt *st;
	int limit = 0;
	int64_t after = 0;
	char since[21];
	Drive d = q->contact_id			? DRIVE_CONTACT
		  : q->company_id		? DRIVE_COMPANY
		  : q->stage_id			? DRIVE_STAGE
		  : !access_is_admin(actor) && !q->trash ? DRIVE_MINE
					    : DRIVE_ALL;
	int rc = list_check(db, q, &limit, &after, since, err);
	if (rc || (rc = db_prepare(db, &st, list_sql[d], err)))
		return rc;
	int p = bind_driver(st, d, actor, q);
	db_bind_int(st, p++, q->trash ? 1 : 0);
	db_bind_int(st, p++, q->trash ? 1 : 0);
	p = record_bind_visible(st, p, actor, RECORD_DEAL);
	bind_filter(st, p, q->owner_id);
	bind_filter(st, p + 2, q->pipeline_id);
	bind_filter(st, p + 4, q->stage_id);
	db_bind_text(st, p + 6, q->status);
	db_bind_text(st, p + 7, q->status);
	bind_filter(st, p + 8, q->contact_id);
	bind_filter(st, p + 10, q->company_id);
	db_bind_text_or_null(st, p + 12, since[0] ? since : NULL);
	db_bind_text_or_null(st, p + 13, since[0] ? since : NULL);
	db_bind_int(st, p + 14, after);
	db_bind_int(st, p + 15, limit + 1);
	return page_read(db, st, limit, 1, items, next, err);
}

/* ---- board, forecast ------------------------------------------------------ */

/* The board's statements for owners and admins are written with the admin
 * flag as a literal (core/record.h's _IF fragments), so PostgreSQL plans
 * each once per connection; with the flag as a parameter it planned them
 * again at every board. */

/* The column of stage id in cols (NULL when none). */
static json_t *col_of(json_t *cols, int64_t stage_id)
{
	size_t i;
	json_t *col;
	json_array_foreach(cols, i, col)
	{
		if (json_int_of(json_object_get(col, "stage"), "id") == stage_id)
			return col;
	}
	return NULL;
}

/* The deals of one board column, without their custom values (the board
 * reads every column's at once): for an open stage the first limit by id
 * (the deal_board index), with a next cursor for deal_list; for a won or
 * lost stage the limit most recently closed since `closed`, newest first
 * (deal_stage_since read backwards), and no cursor: deal_list with
 * stage_since lists them all. Owners and admins: the _all statements.
 * Members' open columns keep the flag a parameter: a plan made once for
 * every member (the generic plan) walked the primary key in id order and
 * filtered every deal of every stage, where the plan made for the values
 * at hand (a custom plan, PostgreSQL's choice while the flag is a
 * parameter) walks the stage's own deals (deal_board). */
#define BOARD_OPEN_SQL(vis)                                                                     \
	"SELECT " DEAL_COLS " FROM deal d JOIN stage s ON s.id = d.stage_id "                  \
	"WHERE d.pipeline_id = ? AND d.stage_id = ? AND d.deleted_at IS NULL "                 \
	"AND " vis " ORDER BY d.id LIMIT ?"
#define BOARD_CLOSED_SQL(vis)                                                                   \
	"SELECT " DEAL_COLS " FROM deal d JOIN stage s ON s.id = d.stage_id "                  \
	"WHERE d.stage_id = ? AND d.stage_since >= ? AND d.deleted_at IS NULL "                \
	"AND " vis " ORDER BY d.stage_since DESC, d.id DESC LIMIT ?"
static const char board_open_all_sql[] = BOARD_OPEN_SQL(RECORD_VISIBLE_IF("deal", "d", "1"));
static const char board_open_member_sql[] = BOARD_OPEN_SQL(RECORD_VISIBLE("deal", "d"));
static const char board_closed_all_sql[] = BOARD_CLOSED_SQL(RECORD_VISIBLE_IF("deal", "d", "1"));
static const char board_closed_member_sql[] =
	BOARD_CLOSED_SQL(RECORD_VISIBLE_IF("deal", "d", "0"));

static int stage_deals(Db *db, const Actor *actor, int64_t pipeline_id, const json_t *stage,
		       const char *closed, int limit, json_t **items, char **next, Err *err)
{
	int is_open = stage_kind_parse(json_str_of(stage, "kind")) == STAGE_OPEN;
	int all = access_is_admin(actor);
	const char *sql = is_open ? (all ? board_open_all_sql : board_open_member_sql)
				  : (all ? board_closed_all_sql : board_closed_member_sql);
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err), p = 1;
	if (rc)
		return rc;
	if (is_open)
		db_bind_int(st, p++, pipeline_id);
	db_bind_int(st, p++, json_int_of(stage, "id"));
	if (!is_open)
		db_bind_text(st, p++, closed);
	if (is_open && !all)
		p = record_bind_visible(st, p, actor, RECORD_DEAL);
	else
		p = record_bind_user(st, p, actor, RECORD_DEAL);
	db_bind_int(st, p, limit + 1);
	rc = page_read(db, st, limit, 0, items, next, err);
	if (rc == KITH_OK && !is_open) {
		free(*next);
		*next = NULL;
	}
	return rc;
}

/* The pipeline (0 = the first one) as JSON. ERR_NOT_FOUND naming
 * "pipeline_id". */
static int board_pipeline(Db *db, int64_t pipeline_id, json_t **out, Err *err)
{
	StageInfo si;
	int rc = stage_first_open(db, pipeline_id, &si, err);
	if (rc == KITH_OK)
		rc = pipeline_get(db, si.pipeline_id, out, err);
	if (rc == ERR_NOT_FOUND)
		err_set(err, ERR_NOT_FOUND, "pipeline_id", "no pipeline %lld",
			(long long)pipeline_id);
	return rc;
}

/* Count and per-currency totals of the live deals a member may see in every
 * column of pipeline ?1: an open stage's all; a won or lost stage's those
 * that entered it since `closed` ?2 (the start of a UTC day), from their
 * visible deals (deal_stage_values, deal_stage_since), in currency order
 * per stage. One statement for the whole board, not one per stage.
 * Owners and admins read the rollups instead (board_rollups). Members get
 * no avg_days_in_stage: a pipeline-wide measure over every deal, which
 * must not tell them about deals hidden from them. Parameters: the
 * pipeline, the rule's user ids, the pipeline, closed, the rule's user ids. */
static int member_totals(Db *db, const Actor *actor, int64_t pid, const char *closed, json_t *cols,
			 Err *err)
{
	static const char sql[] =
	    "SELECT d.stage_id, d.currency, COUNT(*), SUM(d.amount_minor) FROM stage s "
	    "JOIN deal d ON d.stage_id = s.id WHERE s.pipeline_id = ? AND s.kind = 'open' "
	    "AND d.deleted_at IS NULL AND " RECORD_VISIBLE_IF("deal", "d", "0")
	    " GROUP BY d.stage_id, d.currency "
	    "UNION ALL SELECT d.stage_id, d.currency, COUNT(*), SUM(d.amount_minor) FROM stage s "
	    "JOIN deal d ON d.stage_id = s.id WHERE s.pipeline_id = ? AND s.kind <> 'open' "
	    "AND d.stage_since >= ? AND d.deleted_at IS NULL AND " RECORD_VISIBLE_IF("deal", "d", "0")
	    " GROUP BY d.stage_id, d.currency ORDER BY 1, 2";
	DbStmt *st;
	json_t *col;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, pid);
	int p = record_bind_user(st, 2, actor, RECORD_DEAL);
	db_bind_int(st, p++, pid);
	db_bind_text(st, p++, closed);
	record_bind_user(st, p, actor, RECORD_DEAL);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (!(col = col_of(cols, db_col_int(st, 0))))
			continue;
		json_object_set_new(col, "count",
				    json_integer(json_int_of(col, "count") + db_col_int(st, 2)));
		json_array_append_new(json_object_get(col, "totals"),
				      money_to_json(db_col_int(st, 3), db_col_text(st, 1)));
	}
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
}

/* Count and per-currency totals of every column of pipeline pid for
 * owners and admins, from the rollups (a few rows per stage): open stages'
 * from stage_open_total, won and lost ones' from stage_day_total since
 * `closed` (the start of a UTC day), in currency order per stage. And the
 * mean days per completed visit of each open stage over the visits that
 * ended in the months since `month` (YYYY-MM), to one decimal (null when
 * none, and for won/lost stages, where a visit only ends when a deal is
 * reopened), from stage_visit. Two statements for the whole board, not
 * two per stage (a round trip each on PostgreSQL). */
static int board_rollups(Db *db, int64_t pid, const char *closed, const char *month,
			 json_t *cols, Err *err)
{
	static const char totals_sql[] =
	    "SELECT o.stage_id, o.currency, SUM(o.deals), SUM(o.amount_minor) FROM stage s "
	    "JOIN stage_open_total o ON o.stage_id = s.id WHERE s.pipeline_id = ?1 "
	    "AND s.kind = 'open' GROUP BY o.stage_id, o.currency HAVING SUM(o.deals) > 0 "
	    "UNION ALL SELECT t.stage_id, t.currency, SUM(t.deals), SUM(t.amount_minor) "
	    "FROM stage s JOIN stage_day_total t ON t.stage_id = s.id WHERE s.pipeline_id = ?1 "
	    "AND s.kind <> 'open' AND t.day >= substr(?2, 1, 10) GROUP BY t.stage_id, t.currency "
	    "HAVING SUM(t.deals) > 0 ORDER BY 1, 2";
	static const char visits_sql[] =
	    "SELECT v.stage_id, COALESCE(SUM(v.visits), 0), COALESCE(SUM(v.seconds), 0) "
	    "FROM stage s JOIN stage_visit v ON v.stage_id = s.id WHERE s.pipeline_id = ? "
	    "AND s.kind = 'open' AND v.month >= ? GROUP BY v.stage_id";
	DbStmt *st;
	json_t *col;
	int rc = db_prepare(db, &st, totals_sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, pid);
	db_bind_text(st, 2, closed);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (!(col = col_of(cols, db_col_int(st, 0))))
			continue;
		json_object_set_new(col, "count",
				    json_integer(json_int_of(col, "count") + db_col_int(st, 2)));
		json_array_append_new(json_object_get(col, "totals"),
				      money_to_json(db_col_int(st, 3), db_col_text(st, 1)));
	}
	db_reset(st);
	if (rc != DB_DONE || (rc = db_prepare(db, &st, visits_sql, err)))
		return rc;
	db_bind_int(st, 1, pid);
	db_bind_text(st, 2, month);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t visits = db_col_int(st, 1), secs = db_col_int(st, 2);
		/* tenths of days rounded half up, without floating-point sums */
		if ((col = col_of(cols, db_col_int(st, 0))) && visits)
			json_object_set_new(
			    col, "avg_days_in_stage",
			    json_real((double)((secs * 10 + visits * 43200) / (visits * 86400)) / 10.0));
	}
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
}

int deal_board(Db *db, const Actor *actor, const DealBoardQuery *q, json_t **out, Err *err)
{
	json_t *p = NULL, *cols = json_array(), *s;
	int limit = q->limit ? q->limit : KITH_BOARD_DEFAULT;
	int closed_days = q->closed_days ? q->closed_days : KITH_BOARD_CLOSED_DAYS;
	char closed[21], month[16];
	size_t i;
	int rc = KITH_OK;
	if (limit < 1 || limit > KITH_LIST_MAX)
		rc = err_set(err, ERR_INVALID, "limit", "must be from 1 to %d", KITH_LIST_MAX);
	else if (closed_days < 1 || closed_days > KITH_BOARD_CLOSED_DAYS_MAX)
		rc = err_set(err, ERR_INVALID, "closed_days", "must be from 1 to %d",
			     KITH_BOARD_CLOSED_DAYS_MAX);
	if (rc || (rc = db_begin_read(db, err))) {
		json_decref(cols);
		return rc;
	}
	time_t now = time(NULL);
	/* from the start of the UTC day closed_days ago, so the rollup by day
	 * and the deals' instants agree on what is in the window */
	time_t from = now - (time_t)closed_days * 86400;
	time_iso(from - from % 86400, closed);
	/* the visits that ended this month and in the KITH_BOARD_VISIT_MONTHS - 1 before */
	struct tm tm;
	gmtime_r(&now, &tm);
	int m = tm.tm_year * 12 + tm.tm_mon - (KITH_BOARD_VISIT_MONTHS - 1);
	snprintf(month, sizeof month, "%04d-%02d", 1900 + m / 12, m % 12 + 1);
	if ((rc = board_pipeline(db, q->pipeline_id, &p, err)))
		goto done;
	int64_t pid = json_int_of(p, "id");
	int rollup = access_is_admin(actor);
	/* the columns, their members in place; the totals (owners' and
	 * admins' from the rollups) for all of them at once */
	json_array_foreach(json_object_get(p, "stages"), i, s)
	{
		json_array_append_new(cols, json_pack("{sOsIs[]sns[]sn}", "stage", s, "count",
						      (json_int_t)0, "totals", "avg_days_in_stage",
						      "deals", "next"));
	}
	if ((rc = rollup ? board_rollups(db, pid, closed, month, cols, err)
			 : member_totals(db, actor, pid, closed, cols, err)))
		goto done;
	json_array_foreach(json_object_get(p, "stages"), i, s)
	{
		json_t *col = json_array_get(cols, i), *items = NULL;
		char *next = NULL;
		if ((rc = stage_deals(db, actor, pid, s, closed, limit, &items, &next, err)))
			goto done;
		json_object_set_new(col, "deals", items);
		json_object_set_new(col, "next", next ? json_string(next) : json_null());
		free(next);
	}
	/* every card's custom values in one statement */
	size_t ncols = json_array_size(cols);
	json_t **lists = ncols ? malloc(ncols * sizeof *lists) : NULL;
	if (ncols && !lists) {
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < ncols; i++)
		lists[i] = json_object_get(json_array_get(cols, i), "deals");
	rc = deals_custom(db, lists, ncols, err);
	free(lists);
	if (rc)
		goto done;
	json_object_del(p, "stages");
	*out = json_pack("{sOsssOss}", "pipeline", p, "closed_since", closed, "stages", cols,
			 "visits_since", month);
done:
	json_decref(p);
	json_decref(cols);
	return db_end(db, rc, err);
}

int64_t deal_weighted(int64_t amount_minor, int probability)
{
	int64_t x = amount_minor * probability, q = x / 100, r = x % 100;
	if (r >= 50)
		q++;
	else if (r <= -50)
		q--;
	return q;
}

/* Append one forecast group. */
static void forecast_add(json_t *months, const char *month, const char *cur, int64_t count,
			 int64_t amount, int64_t weighted)
{
	json_array_append_new(
		months, json_pack("{sosssIsIsIsoso}", "month", month ? json_string(month) : json_null(),
				  "currency", cur, "count", (json_int_t)count, "amount_minor",
				  (json_int_t)amount, "weighted_minor", (json_int_t)weighted,
				  "amount", money_amount_json(amount, cur), "weighted",
				  money_amount_json(weighted, cur)));
}

/* One forecast group being summed: a month ("" = no date) and a currency. */
typedef struct ForecastSum {
	char month[8];    /* YYYY-MM, "" for deals without a close date */
	char currency[4]; /* ISO 4217 */
	int64_t count, amount, weighted;
} ForecastSum;

static int forecast_cmp(const void *a, const void *b)
{
	const ForecastSum *x = a, *y = b;
	if (!x->month[0] != !y->month[0]) /* undated last */
		return x->month[0] ? -1 : 1;
	int c = strcmp(x->month, y->month);
	return c ? c : strcmp(x->currency, y->currency);
}

/* Add one (month, currency) partial sum to sums/n, bounded by
 * KITH_FORECAST_GROUPS. */
static int forecast_sum(ForecastSum *sums, size_t *n, const char *month, const char *cur,
			int64_t count, int64_t amount, int64_t weighted, Err *err)
{
	size_t i = 0;
	while (i < *n && (strcmp(sums[i].month, month) || strcmp(sums[i].currency, cur)))
		i++;
	if (i == *n) {
		if (*n == KITH_FORECAST_GROUPS)
			return err_set(err, ERR_INTERNAL, NULL,
				       "more than %d month and currency groups in a forecast",
				       KITH_FORECAST_GROUPS);
		sums[i] = (ForecastSum){0};
		snprintf(sums[i].month, sizeof sums[i].month, "%s", month);
		snprintf(sums[i].currency, sizeof sums[i].currency, "%s", cur);
		(*n)++;
	}
	sums[i].count += count;
	sums[i].amount += amount;
	sums[i].weighted += weighted;
	return KITH_OK;
}

int deal_forecast(Db *db, const Actor *actor, int64_t pipeline_id, json_t **out, Err *err)
{
	/* Members: every open stage of the pipeline in one statement (one
	 * round trip, not one per stage), each stage's deals in
	 * deal_stage_close index order: sums per stage, close date and
	 * currency, each deal weighted by its stage's probability as
	 * deal_weighted() does (amounts are never negative, check_value, so
	 * half away from zero is + 50 then integer division). Months and
	 * stages are merged here. The rule with the flag a literal (members
	 * only), so PostgreSQL plans it once per connection. */
	static const char sql[] =
		"SELECT substr(d.expected_close_date, 1, 7), d.currency, COUNT(*), "
		"SUM(d.amount_minor), SUM((d.amount_minor * s.probability + 50) / 100) "
		"FROM stage s JOIN deal d ON d.stage_id = s.id WHERE s.pipeline_id = ? "
		"AND s.kind = 'open' AND d.deleted_at IS NULL AND "
		RECORD_VISIBLE_IF("deal", "d", "0")
		" GROUP BY d.stage_id, d.expected_close_date, d.currency";
	/* Owners and admins: the same sums from the open totals (migration
	 * 017), every open stage of the pipeline in one statement (one round
	 * trip, not one per stage). A row's deals are each 100 q + rem, so
	 * they weigh p * sum(q) + deals * ((rem * p + 50) / 100), exactly as
	 * above; a row's weight is its own stage's, so summing the stages'
	 * rows in one group gives the per-stage sums' total. No row has 0
	 * deals (017 removes them), so HAVING drops what it dropped per stage. */
	static const char rollup_sql[] =
	    "SELECT NULLIF(o.month, ''), o.currency, SUM(o.deals), SUM(o.amount_minor), "
	    "SUM(s.probability * ((o.amount_minor - o.deals * o.rem) / 100) "
	    "+ o.deals * ((o.rem * s.probability + 50) / 100)) "
	    "FROM stage s JOIN stage_open_total o ON o.stage_id = s.id "
	    "WHERE s.pipeline_id = ? AND s.kind = 'open' GROUP BY o.month, o.currency "
	    "HAVING SUM(o.deals) > 0";
	int rollup = access_is_admin(actor);
	json_t *p = NULL, *months = json_array();
	ForecastSum *sums = calloc(KITH_FORECAST_GROUPS, sizeof *sums);
	size_t n = 0, i;
	DbStmt *st;
	int rc = sums ? db_begin_read(db, err) : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc) {
		free(sums);
		json_decref(months);
		return rc;
	}
	if ((rc = board_pipeline(db, pipeline_id, &p, err)))
		goto done;
	/* one statement for every open stage, owners' and admins' or members' */
	if ((rc = db_prepare(db, &st, rollup ? rollup_sql : sql, err)))
		goto done;
	db_bind_int(st, 1, json_int_of(p, "id"));
	if (!rollup)
		record_bind_user(st, 2, actor, RECORD_DEAL);
	while ((rc = db_step(st, err)) == DB_ROW &&
	       (rc = forecast_sum(sums, &n, db_col_is_null(st, 0) ? "" : db_col_text(st, 0),
				  db_col_text(st, 1), db_col_int(st, 2), db_col_int(st, 3),
				  db_col_int(st, 4), err)) == KITH_OK)
		;
	db_reset(st);
	if (rc != DB_DONE)
		goto done;
	rc = KITH_OK;
	if (n)
		qsort(sums, n, sizeof *sums, forecast_cmp);
	for (i = 0; i < n; i++)
		forecast_add(months, sums[i].month[0] ? sums[i].month : NULL, sums[i].currency,
			     sums[i].count, sums[i].amount, sums[i].weighted);
	*out = json_pack("{sIsO}", "pipeline_id", (json_int_t)json_int_of(p, "id"), "months",
			 months);
done:
	free(sums);
	json_decref(p);
	json_decref(months);
	return db_end(db, rc, err);
}

int deal_reassign(Db *db, int64_t from, int64_t to, Buf *ids, Err *err)
{
	static const char sql[] = "UPDATE deal SET owner_id = ?, version = version + 1, "
				  "updated_at = ? WHERE owner_id = ? RETURNING id";
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
