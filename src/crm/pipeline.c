/* pipeline.c - pipelines and stages: validation (the open/won/lost rule),
 * ordering, access and audit. Owns tables pipeline and stage; reads table
 * deal only to refuse removing a stage that still holds deals.
 * Depends on store/, base/, core/{access,audit,links}.
 *
 * Every change is one transaction: rows, the rule check and one audit entry
 * (entity "pipeline", the whole pipeline before/after) commit together. */
#include "crm/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/links.h"

/* ---- reading ----------------------------------------------------------- */

const char *stage_kind_name(StageKind k)
{
	return k == STAGE_WON ? "won" : k == STAGE_LOST ? "lost" : "open";
}

StageKind stage_kind_parse(const char *s)
{
	if (!s)
		return 0;
	if (strcmp(s, "open") == 0)
		return STAGE_OPEN;
	if (strcmp(s, "won") == 0)
		return STAGE_WON;
	if (strcmp(s, "lost") == 0)
		return STAGE_LOST;
	return 0;
}

/* A stage's and a pipeline's columns in the representation's key order
 * (core/record_cols.h); a pipeline's stages are filled by load_stages(). */
#define STAGE_COL_LIST(X)                                                                          \
	X(ID, "id", "id")                                                                          \
	X(INT, "pipeline_id", "pipeline_id")                                                       \
	X(TEXT, "name", "name")                                                                    \
	X(INT, "position", "position")                                                             \
	X(INT, "probability", "probability")                                                       \
	X(TEXT, "kind", "kind")
#define STAGE_COLS RECORD_COLS_SELECT(STAGE_COL_LIST)
const RecordCols stage_record_cols = RECORD_COLS(STAGE_COL_LIST);

#define PIPELINE_COL_LIST(X)                                                                       \
	X(ID, "id", "id")                                                                          \
	X(TEXT, "name", "name")                                                                    \
	X(INT, "position", "position")                                                             \
	X(INT, "version", "version")                                                               \
	X(INSTANT, "created_at", "created_at")                                                     \
	X(INSTANT, "updated_at", "updated_at")                                                     \
	X(ARRAY, NULL, "stages")
#define PIPELINE_COLS RECORD_COLS_SELECT(PIPELINE_COL_LIST)
const RecordCols pipeline_record_cols = RECORD_COLS(PIPELINE_COL_LIST);

static int load_stages(Db *db, int64_t pipeline_id, json_t *stages, Err *err)
{
	static const char sql[] = "SELECT " STAGE_COLS " FROM stage WHERE pipeline_id = ? "
				  "ORDER BY position, id";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, pipeline_id);
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(stages, record_cols_json(st, &stage_record_cols));
	return rc == DB_DONE ? KITH_OK : rc;
}

int pipeline_list(Db *db, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " PIPELINE_COLS " FROM pipeline ORDER BY position, id";
	DbStmt *st;
	json_t *arr = json_array();
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		goto done;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, record_cols_json(st, &pipeline_record_cols));
	if (rc != DB_DONE)
		goto done;
	rc = KITH_OK;
	size_t i;
	json_t *p;
	json_array_foreach(arr, i, p)
	{
		if ((rc = load_stages(db, json_integer_value(json_object_get(p, "id")),
				      json_object_get(p, "stages"), err)))
			goto done;
	}
done:
	if (rc == KITH_OK)
		*out = json_incref(arr);
	json_decref(arr);
	return rc;
}

int pipeline_get(Db *db, int64_t id, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " PIPELINE_COLS " FROM pipeline WHERE id = ?";
	DbStmt *st;
	json_t *p = NULL;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW)
		p = record_cols_json(st, &pipeline_record_cols);
	db_reset(st);
	if (rc == DB_DONE)
		return err_set(err, ERR_NOT_FOUND, "id", "no pipeline %lld", (long long)id);
	if (rc != DB_ROW)
		return rc;
	if ((rc = load_stages(db, id, json_object_get(p, "stages"), err))) {
		json_decref(p);
		return rc;
	}
	*out = p;
	return KITH_OK;
}

/* The stages of pipeline_id whose folded name equals (prefix unset) or
 * starts with (prefix set) the folded ref, into hits. */
static void stage_matches(const json_t *stages, const char *ref, int prefix, json_t *hits)
{
	Buf want, name;
	json_t *s;
	size_t i;
	buf_init(&want, KITH_MAX_SHORT * 4);
	buf_init(&name, KITH_MAX_SHORT * 4);
	text_fold(&want, ref);
	json_array_foreach(stages, i, s)
	{
		buf_reset(&name);
		text_fold(&name, json_str_of(s, "name"));
		if (prefix ? strncmp(buf_str(&name), buf_str(&want), want.len) == 0
			   : strcmp(buf_str(&name), buf_str(&want)) == 0)
			json_array_append(hits, s);
	}
	buf_free(&want);
	buf_free(&name);
}

/* "Lead, Proposal, Won" of a stage array, into b. */
static void stage_names(Buf *b, const json_t *stages)
{
	json_t *s;
	size_t i;
	json_array_foreach(stages, i, s)
	{
		buf_addf(b, "%s%s", i ? ", " : "", json_str_of(s, "name"));
	}
}

int stage_find(Db *db, int64_t pipeline_id, const char *ref, const char *field,
	       int64_t *stage_id, Err *err)
{
	json_t *stages = json_array(), *hits = json_array(), *s;
	size_t i, digits = strspn(ref ? ref : "", "0123456789");
	int rc = ref && *ref ? load_stages(db, pipeline_id, stages, err)
			     : err_set(err, ERR_INVALID, field, "give a stage name or id");
	if (rc)
		goto done;
	if (ref[digits] == '\0' && digits < 19) {
		json_array_foreach(stages, i, s)
		{
			if (json_int_of(s, "id") == strtoll(ref, NULL, 10))
				json_array_append(hits, s);
		}
	}
	if (json_array_size(hits) == 0)
		stage_matches(stages, ref, 0, hits);
	if (json_array_size(hits) == 0)
		stage_matches(stages, ref, 1, hits);
	if (json_array_size(hits) == 1) {
		*stage_id = json_int_of(json_array_get(hits, 0), "id");
	} else {
		Buf b;
		buf_init(&b, 0);
		stage_names(&b, json_array_size(hits) ? hits : stages);
		rc = err_set(err, ERR_INVALID, field,
			     json_array_size(hits) ? "'%s' matches several stages: %s"
						   : "no stage '%s' in this pipeline; its stages: %s",
			     ref, buf_str(&b));
		buf_free(&b);
	}
done:
	json_decref(stages);
	json_decref(hits);
	return rc;
}

int stage_info(Db *db, int64_t stage_id, const char *field, StageInfo *out, Err *err)
{
	static const char sql[] = "SELECT id, pipeline_id, probability, kind FROM stage "
				  "WHERE id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, stage_id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->pipeline_id = db_col_int(st, 1);
		out->probability = (int)db_col_int(st, 2);
		out->kind = stage_kind_parse(db_col_text(st, 3));
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, field, "no stage %lld", (long long)stage_id);
	}
	db_reset(st);
	return rc;
}

int stage_first_open(Db *db, int64_t pipeline_id, StageInfo *out, Err *err)
{
	/* stage_info's columns in the same statement: one round trip */
	static const char sql[] =
		"SELECT s.id, s.pipeline_id, s.probability, s.kind FROM pipeline p "
		"JOIN stage s ON s.pipeline_id = p.id "
		"WHERE (CAST(? AS BIGINT) = 0 OR p.id = ?) AND s.kind = 'open' "
		"ORDER BY p.position, p.id, s.position, s.id LIMIT 1";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, pipeline_id);
	db_bind_int(st, 2, pipeline_id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->pipeline_id = db_col_int(st, 1);
		out->probability = (int)db_col_int(st, 2);
		out->kind = stage_kind_parse(db_col_text(st, 3));
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "pipeline_id", "no pipeline %lld",
			     (long long)pipeline_id);
	}
	db_reset(st);
	return rc;
}

/* ---- validation -------------------------------------------------------- */

/* A required name: trimmed, UTF-8, 1..KITH_MAX_NAME bytes, into *t. */
static int check_name(const json_t *v, const char *field, Buf *t, Err *err)
{
	const char *s = json_string_value(v);
	if (!json_is_string(v) || text_blank(s))
		return err_set(err, ERR_INVALID, field, "is required");
	if (strlen(s) != json_string_length(v) || !utf8_valid(s, strlen(s)))
		return err_set(err, ERR_INVALID, field, "must be UTF-8 text");
	text_trim(t, s);
	if (t->len > KITH_MAX_NAME)
		return err_set(err, ERR_INVALID, field, "must be at most %u bytes", KITH_MAX_NAME);
	return KITH_OK;
}

static int check_probability(const json_t *v, const char *field, int *p, Err *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100)
		return err_set(err, ERR_INVALID, field, "must be an integer percent from 0 to 100");
	*p = (int)json_integer_value(v);
	return KITH_OK;
}

static int check_kind(const json_t *v, const char *field, StageKind *k, Err *err)
{
	if (!v) {
		*k = STAGE_OPEN;
		return KITH_OK;
	}
	*k = stage_kind_parse(json_string_value(v));
	if (!*k)
		return err_set(err, ERR_INVALID, field, "must be open, won or lost");
	return KITH_OK;
}

static int require_admin(const Actor *actor, Err *err)
{
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL,
			       "only an owner or admin may change pipelines");
	return KITH_OK;
}

/* The open/won/lost rule and unique stage names, over the stored rows. */
static int check_rules(Db *db, int64_t pipeline_id, Err *err)
{
	static const char sql[] = "SELECT kind, COUNT(*) FROM stage WHERE pipeline_id = ? "
				  "GROUP BY kind";
	static const char dup_sql[] = "SELECT name FROM stage WHERE pipeline_id = ? ORDER BY id";
	DbStmt *st;
	int64_t n[4] = {0};
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, pipeline_id);
	while ((rc = db_step(st, err)) == DB_ROW)
		n[stage_kind_parse(db_col_text(st, 0))] = db_col_int(st, 1);
	if (rc != DB_DONE)
		return rc;
	if (n[STAGE_OPEN] < 1)
		return err_set(err, ERR_INVALID, "kind", "a pipeline needs at least one open stage");
	if (n[STAGE_WON] != 1)
		return err_set(err, ERR_INVALID, "kind", "a pipeline needs exactly one won stage");
	if (n[STAGE_LOST] != 1)
		return err_set(err, ERR_INVALID, "kind", "a pipeline needs exactly one lost stage");
	json_t *seen = json_object();
	Buf k;
	buf_init(&k, 0);
	if ((rc = db_prepare(db, &st, dup_sql, err)) == KITH_OK) {
		db_bind_int(st, 1, pipeline_id);
		while ((rc = db_step(st, err)) == DB_ROW) {
			buf_reset(&k);
			text_fold(&k, db_col_text(st, 0));
			if (json_object_get(seen, buf_str(&k))) {
				rc = err_set(err, ERR_CONFLICT, "name",
					     "the pipeline already has a stage named \"%s\"",
					     db_col_text(st, 0));
				db_reset(st);
				break;
			}
			json_object_set_new(seen, buf_str(&k), json_true());
		}
		if (rc == DB_DONE)
			rc = KITH_OK;
	}
	buf_free(&k);
	json_decref(seen);
	return rc;
}

/* ---- writing ----------------------------------------------------------- */

/* Lock row id of the pipeline or stage table (the sql given) until the
 * transaction ends. Every write to a pipeline or its stages locks the
 * pipeline first, so positions, counts and the open/won/lost rule are
 * computed from what the previous writer committed; a kind change also
 * locks its stages, which a deal moving in locks too (stage_lock). */
static int lock_row(Db *db, const char *sql, int64_t id, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

static int pipeline_lock(Db *db, int64_t id, Err *err)
{
	static const char sql[] = "SELECT id FROM pipeline WHERE id = ?" DB_FOR_UPDATE;
	return lock_row(db, sql, id, err);
}

static const char stage_lock_sql[] = "SELECT id FROM stage WHERE id = ?" DB_FOR_UPDATE;

int stage_lock(Db *db, int64_t stage_id, StageInfo *out, Err *err)
{
	int rc = lock_row(db, stage_lock_sql, stage_id, err);
	return rc ? rc : stage_info(db, stage_id, "stage_id", out, err);
}

/* The stage and its pipeline locked (pipeline first, as every writer of
 * them), then the stage read: what a change of the stage starts from. */
static int stage_hold(Db *db, int64_t stage_id, StageInfo *si, Err *err)
{
	int rc = stage_info(db, stage_id, "id", si, err);
	if (rc || (rc = pipeline_lock(db, si->pipeline_id, err)))
		return rc;
	if ((rc = lock_row(db, stage_lock_sql, stage_id, err)))
		return rc;
	return stage_info(db, stage_id, "id", si, err);
}

static int insert_stage(Db *db, int64_t pipeline_id, const char *name, int position, int prob,
			StageKind kind, int64_t *id, Err *err)
{
	static const char sql[] = "INSERT INTO stage (pipeline_id, name, position, probability, "
				  "kind) VALUES (?, ?, ?, ?, ?) RETURNING id";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, pipeline_id);
	db_bind_text(st, 2, name);
	db_bind_int(st, 3, position);
	db_bind_int(st, 4, prob);
	db_bind_text(st, 5, stage_kind_name(kind));
	rc = db_step(st, err);
	if (rc == DB_ROW && id)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? KITH_OK : rc;
}

/* Bump the pipeline's version and updated_at, check the rules, and audit
 * action with the change between before and the stored pipeline. */
static int pipeline_finish(Db *db, const Actor *actor, const char *action, int64_t id,
			   const json_t *before, json_t **out, Err *err)
{
	static const char sql[] = "UPDATE pipeline SET version = version + 1, updated_at = ? "
				  "WHERE id = ?";
	DbStmt *st;
	json_t *after = NULL, *diff = NULL;
	char now[21];
	int rc = check_rules(db, id, err);
	if (rc == KITH_OK && before && (rc = db_prepare(db, &st, sql, err)) == KITH_OK) {
		time_now_iso(now);
		db_bind_text(st, 1, now);
		db_bind_int(st, 2, id);
		rc = db_exec_stmt(st, err);
	}
	if (rc || (rc = pipeline_get(db, id, &after, err)))
		goto done;
	diff = before ? audit_diff(before, after) : json_incref(after);
	rc = audit_write(db, actor, action, "pipeline", id, diff, err);
done:
	json_decref(diff);
	if (rc == KITH_OK && out)
		*out = json_incref(after);
	json_decref(after);
	return rc;
}

static int name_key(const json_t *v, const char *field, Buf *name, Buf *key, Err *err)
{
	int rc = check_name(v, field, name, err);
	if (rc == KITH_OK)
		text_fold(key, buf_str(name));
	return rc;
}

static int insert_stages(Db *db, int64_t id, const json_t *stages, Err *err)
{
	static const char *const fields[] = {"name", "probability", "kind", NULL};
	char f[64];
	size_t i;
	json_t *s;
	int rc = KITH_OK;
	if (!json_is_array(stages) || json_array_size(stages) < 3)
		return err_set(err, ERR_INVALID, "stages",
			       "must list at least an open, a won and a lost stage");
	if (json_array_size(stages) > KITH_MAX_STAGES)
		return err_set(err, ERR_INVALID, "stages", "must have at most %u stages",
			       KITH_MAX_STAGES);
	json_array_foreach(stages, i, s)
	{
		Buf name;
		int prob = 0;
		StageKind kind = 0;
		buf_init(&name, 0);
		if (!json_is_object(s)) {
			rc = err_set(err, ERR_INVALID, "stages", "each stage must be an object");
		} else if ((rc = json_check_fields(s, fields, err)) == KITH_OK) {
			snprintf(f, sizeof f, "stages[%zu].name", i);
			rc = check_name(json_object_get(s, "name"), f, &name, err);
			snprintf(f, sizeof f, "stages[%zu].probability", i);
			if (rc == KITH_OK)
				rc = check_probability(json_object_get(s, "probability"), f, &prob,
						       err);
			snprintf(f, sizeof f, "stages[%zu].kind", i);
			if (rc == KITH_OK)
				rc = check_kind(json_object_get(s, "kind"), f, &kind, err);
			if (rc == KITH_OK)
				rc = insert_stage(db, id, buf_str(&name), (int)i + 1, prob, kind,
						  NULL, err);
		}
		buf_free(&name);
		if (rc)
			return rc;
	}
	return KITH_OK;
}

int pipeline_create(Db *db, const Actor *actor, const json_t *in, int64_t *id, Err *err)
{
	static const char *const fields[] = {"name", "stages", NULL};
	static const char sql[] =
		"INSERT INTO pipeline (name, name_key, position, created_at, updated_at) "
		"VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM pipeline), ?, ?) "
		"RETURNING id";
	DbStmt *st;
	Buf name, key;
	char now[21];
	buf_init(&name, 0);
	buf_init(&key, 0);
	int rc = require_admin(actor, err);
	if (rc)
		goto out;
	if (!json_is_object(in)) {
		rc = err_set(err, ERR_INVALID, NULL, "the pipeline must be a JSON object");
		goto out;
	}
	if ((rc = json_check_fields(in, fields, err)) ||
	    (rc = name_key(json_object_get(in, "name"), "name", &name, &key, err)) ||
	    (rc = db_begin(db, err)))
		goto out;
	/* The position is one past the largest: creators wait for each other
	 * so two never take the same one. */
	if ((rc = db_lock_key(db, "pipeline", "position", err)) ||
	    (rc = db_prepare(db, &st, sql, err)))
		goto done;
	time_now_iso(now);
	db_bind_text(st, 1, buf_str(&name));
	db_bind_text(st, 2, buf_str(&key));
	db_bind_text(st, 3, now);
	db_bind_text(st, 4, now);
	rc = db_step(st, err);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc == ERR_CONFLICT) {
		rc = err_set(err, ERR_CONFLICT, "name", "a pipeline named \"%s\" exists",
			     buf_str(&name));
		goto done;
	}
	if (rc != DB_ROW)
		goto done;
	if ((rc = insert_stages(db, *id, json_object_get(in, "stages"), err)))
		goto done;
	rc = pipeline_finish(db, actor, "create", *id, NULL, NULL, err);
done:
	rc = db_end(db, rc, err);
out:
	buf_free(&name);
	buf_free(&key);
	return rc;
}

/* ERR_STALE unless expected (0 = any) is the version of pipeline p. */
static int check_version(const json_t *p, int64_t expected, Err *err)
{
	int64_t v = json_integer_value(json_object_get(p, "version"));
	if (expected && expected != v)
		return err_set(err, ERR_STALE, "version",
			       "pipeline %lld changed since you read it (version %lld, now %lld)",
			       (long long)json_integer_value(json_object_get(p, "id")),
			       (long long)expected, (long long)v);
	return KITH_OK;
}

int pipeline_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		    int64_t expected_version, json_t **out, Err *err)
{
	static const char *const fields[] = {"name", NULL};
	static const char sql[] = "UPDATE pipeline SET name = ?, name_key = ? WHERE id = ?";
	DbStmt *st;
	json_t *before = NULL;
	Buf name, key;
	buf_init(&name, 0);
	buf_init(&key, 0);
	int rc = require_admin(actor, err);
	if (rc)
		goto out;
	if (!json_is_object(patch)) {
		rc = err_set(err, ERR_INVALID, NULL, "the change must be a JSON object");
		goto out;
	}
	if ((rc = json_check_fields(patch, fields, err)) ||
	    (rc = name_key(json_object_get(patch, "name"), "name", &name, &key, err)) ||
	    (rc = db_begin(db, err)))
		goto out;
	if ((rc = pipeline_lock(db, id, err)) || (rc = pipeline_get(db, id, &before, err)) ||
	    (rc = check_version(before, expected_version, err)) ||
	    (rc = db_prepare(db, &st, sql, err)))
		goto done;
	db_bind_text(st, 1, buf_str(&name));
	db_bind_text(st, 2, buf_str(&key));
	db_bind_int(st, 3, id);
	rc = db_exec_stmt(st, err);
	if (rc == ERR_CONFLICT)
		rc = err_set(err, ERR_CONFLICT, "name", "a pipeline named \"%s\" exists",
			     buf_str(&name));
	if (rc == KITH_OK)
		rc = pipeline_finish(db, actor, "update", id, before, out, err);
done:
	json_decref(before);
	rc = db_end(db, rc, err);
out:
	buf_free(&name);
	buf_free(&key);
	return rc;
}

/* Rewrite the positions of the pipeline's stages so that stage_id (0 =
 * none) sits at position (1-based, clamped) and the others keep order. */
static int reorder(Db *db, int64_t pipeline_id, int64_t stage_id, int64_t position, Err *err)
{
	static const char sel[] = "SELECT id FROM stage WHERE pipeline_id = ? AND id <> ? "
				  "ORDER BY position, id";
	static const char upd[] = "UPDATE stage SET position = ? WHERE id = ?";
	int64_t ids[KITH_MAX_STAGES + 1];
	size_t n = 0;
	DbStmt *st;
	int rc = db_prepare(db, &st, sel, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, pipeline_id);
	db_bind_int(st, 2, stage_id);
	while ((rc = db_step(st, err)) == DB_ROW && n < KITH_MAX_STAGES)
		ids[n++] = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return rc;
	if (stage_id) {
		size_t at = position < 1 ? 0 : (size_t)position - 1;
		if (at > n)
			at = n;
		memmove(ids + at + 1, ids + at, (n - at) * sizeof ids[0]);
		ids[at] = stage_id;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		if ((rc = db_prepare(db, &st, upd, err)))
			return rc;
		db_bind_int(st, 1, (int64_t)i + 1);
		db_bind_int(st, 2, ids[i]);
		if ((rc = db_exec_stmt(st, err)))
			return rc;
	}
	return KITH_OK;
}

static int count_stages(Db *db, int64_t pipeline_id, int64_t *n, int64_t *last_open, Err *err)
{
	static const char sql[] = "SELECT COUNT(*), COALESCE(MAX(CASE WHEN kind = 'open' "
				  "THEN position END), 0) FROM stage WHERE pipeline_id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, pipeline_id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*n = db_col_int(st, 0);
		*last_open = db_col_int(st, 1);
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

static int check_position(const json_t *v, int64_t *pos, Err *err)
{
	if (!v)
		return KITH_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return err_set(err, ERR_INVALID, "position", "must be a positive integer");
	*pos = json_integer_value(v);
	return KITH_OK;
}

int stage_add(Db *db, const Actor *actor, int64_t pipeline_id, const json_t *in,
	      int64_t *stage_id, Err *err)
{
	static const char *const fields[] = {"name", "probability", "kind", "position", NULL};
	json_t *before = NULL;
	Buf name;
	int prob = 0;
	StageKind kind = 0;
	int64_t pos = 0, n = 0, last_open = 0;
	buf_init(&name, 0);
	int rc = require_admin(actor, err);
	if (rc)
		goto out;
	if (!json_is_object(in)) {
		rc = err_set(err, ERR_INVALID, NULL, "the stage must be a JSON object");
		goto out;
	}
	if ((rc = json_check_fields(in, fields, err)) ||
	    (rc = check_name(json_object_get(in, "name"), "name", &name, err)) ||
	    (rc = check_probability(json_object_get(in, "probability"), "probability", &prob,
				    err)) ||
	    (rc = check_kind(json_object_get(in, "kind"), "kind", &kind, err)) ||
	    (rc = check_position(json_object_get(in, "position"), &pos, err)) ||
	    (rc = db_begin(db, err)))
		goto out;
	if ((rc = pipeline_lock(db, pipeline_id, err)) ||
	    (rc = pipeline_get(db, pipeline_id, &before, err)) ||
	    (rc = count_stages(db, pipeline_id, &n, &last_open, err)))
		goto done;
	if (n >= KITH_MAX_STAGES) {
		rc = err_set(err, ERR_INVALID, "stages", "a pipeline has at most %u stages",
			     KITH_MAX_STAGES);
		goto done;
	}
	if (!pos)
		pos = last_open + 1;
	if ((rc = insert_stage(db, pipeline_id, buf_str(&name), (int)n + 1, prob, kind, stage_id,
			       err)) ||
	    (rc = reorder(db, pipeline_id, *stage_id, pos, err)))
		goto done;
	rc = pipeline_finish(db, actor, "update", pipeline_id, before, NULL, err);
done:
	json_decref(before);
	rc = db_end(db, rc, err);
out:
	buf_free(&name);
	return rc;
}

/* How many deals (trashed ones too: restore brings them back there) are in
 * the stage. */
static int stage_deal_count(Db *db, int64_t stage_id, int64_t *deals, Err *err)
{
	static const char sql[] = "SELECT COUNT(*) FROM deal WHERE stage_id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, stage_id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*deals = db_col_int(st, 0);
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

/* A deal's status follows its stage's kind (won_at/lost_at were set by the
 * move), so only an empty stage may change kind. */
static int require_empty_for_kind(Db *db, int64_t stage_id, Err *err)
{
	int64_t n = 0;
	int rc = stage_deal_count(db, stage_id, &n, err);
	if (rc == KITH_OK && n)
		rc = err_set(err, ERR_CONFLICT, "kind",
			     "stage %lld holds %lld deal(s), trashed ones included; only an "
			     "empty stage can change kind (move the deals first)",
			     (long long)stage_id, (long long)n);
	return rc;
}

/* Give stage si the kind `to` (it differs from its own). Won and lost are
 * roles a pipeline has exactly one of, so taking one is a swap: the stage
 * that held it takes si's former kind (open, or the other role). Both
 * stages must be empty. */
static int stage_change_kind(Db *db, const StageInfo *si, StageKind to, Err *err)
{
	static const char holder_sql[] = "SELECT id FROM stage WHERE pipeline_id = ? AND kind = ? "
					 "AND id <> ?" DB_FOR_UPDATE;
	static const char set_sql[] = "UPDATE stage SET kind = ? WHERE id = ?";
	DbStmt *st;
	int64_t holder = 0;
	int rc = require_empty_for_kind(db, si->id, err);
	if (rc == KITH_OK && to != STAGE_OPEN && (rc = db_prepare(db, &st, holder_sql, err)) == 0) {
		db_bind_int(st, 1, si->pipeline_id);
		db_bind_text(st, 2, stage_kind_name(to));
		db_bind_int(st, 3, si->id);
		rc = db_step(st, err);
		if (rc == DB_ROW)
			holder = db_col_int(st, 0);
		db_reset(st);
		rc = rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
	}
	if (rc == KITH_OK && holder && (rc = require_empty_for_kind(db, holder, err)) == 0 &&
	    (rc = db_prepare(db, &st, set_sql, err)) == 0) {
		db_bind_text(st, 1, stage_kind_name(si->kind));
		db_bind_int(st, 2, holder);
		rc = db_exec_stmt(st, err);
	}
	if (rc == KITH_OK && (rc = db_prepare(db, &st, set_sql, err)) == 0) {
		db_bind_text(st, 1, stage_kind_name(to));
		db_bind_int(st, 2, si->id);
		rc = db_exec_stmt(st, err);
	}
	return rc;
}

int stage_update(Db *db, const Actor *actor, int64_t stage_id, const json_t *patch,
		 int64_t expected_version, json_t **out, Err *err)
{
	static const char *const fields[] = {"name", "probability", "kind", "position", NULL};
	static const char sql[] = "UPDATE stage SET name = COALESCE(?, name), "
				  "probability = COALESCE(?, probability) WHERE id = ?";
	json_t *before = NULL, *v;
	StageInfo si;
	DbStmt *st;
	Buf name;
	int prob = -1;
	StageKind kind = 0;
	int64_t pos = 0;
	buf_init(&name, 0);
	int rc = require_admin(actor, err);
	if (rc)
		goto out;
	if (!json_is_object(patch)) {
		rc = err_set(err, ERR_INVALID, NULL, "the change must be a JSON object");
		goto out;
	}
	if ((rc = json_check_fields(patch, fields, err)) ||
	    ((v = json_object_get(patch, "name")) && (rc = check_name(v, "name", &name, err))) ||
	    ((v = json_object_get(patch, "probability")) &&
	     (rc = check_probability(v, "probability", &prob, err))) ||
	    ((v = json_object_get(patch, "kind")) && (rc = check_kind(v, "kind", &kind, err))) ||
	    (rc = check_position(json_object_get(patch, "position"), &pos, err)) ||
	    (rc = db_begin(db, err)))
		goto out;
	if ((rc = stage_hold(db, stage_id, &si, err)) ||
	    (rc = pipeline_get(db, si.pipeline_id, &before, err)))
		goto done;
	if ((rc = check_version(before, expected_version, err)) ||
	    (rc = db_prepare(db, &st, sql, err)))
		goto done;
	db_bind_text_or_null(st, 1, name.len ? buf_str(&name) : NULL);
	if (prob >= 0)
		db_bind_int(st, 2, prob);
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, stage_id);
	if ((rc = db_exec_stmt(st, err)) ||
	    (kind && kind != si.kind && (rc = stage_change_kind(db, &si, kind, err))) ||
	    (pos && (rc = reorder(db, si.pipeline_id, stage_id, pos, err))))
		goto done;
	rc = pipeline_finish(db, actor, "update", si.pipeline_id, before, out, err);
done:
	json_decref(before);
	rc = db_end(db, rc, err);
out:
	buf_free(&name);
	return rc;
}

int stage_remove(Db *db, const Actor *actor, int64_t stage_id, Err *err)
{
	static const char del[] = "DELETE FROM stage WHERE id = ?";
	json_t *before = NULL;
	StageInfo si;
	DbStmt *st;
	int rc = require_admin(actor, err);
	if (rc || (rc = db_begin(db, err)))
		return rc;
	/* Refused while deals or their history name it (core/links.def). */
	if ((rc = stage_hold(db, stage_id, &si, err)) ||
	    (rc = pipeline_get(db, si.pipeline_id, &before, err)) ||
	    (rc = links_purge(db, "stage", stage_id, "stage_id", err)) ||
	    (rc = db_prepare(db, &st, del, err)))
		goto done;
	db_bind_int(st, 1, stage_id);
	if ((rc = db_exec_stmt(st, err)) || (rc = reorder(db, si.pipeline_id, 0, 0, err)))
		goto done;
	rc = pipeline_finish(db, actor, "update", si.pipeline_id, before, NULL, err);
done:
	json_decref(before);
	return db_end(db, rc, err);
}
