/* tag.c - tags. Owns table tag (links live with their owners: contact_tag,
 * company_tag). */
#include "crm/tag.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/text.h"
#include "base/json.h"
#include "core/audit.h"
#include "core/record.h"
#include "crm/cadence.h"

int tag_check(const char *name, const char *field, Err *err)
{
	size_t n = name ? strlen(name) : 0;
	if (text_blank(name))
		return err_set(err, ERR_INVALID, field, "a tag must not be empty");
	if (n > KITH_MAX_SHORT || !utf8_valid(name, n))
		return err_set(err, ERR_INVALID, field, "a tag must be UTF-8 of at most %u bytes",
			       KITH_MAX_SHORT);
	/* C0, DEL and the C1 controls (U+0080..U+009F: 0xC2 0x80..0x9F in UTF-8) */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ',' ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return err_set(err, ERR_INVALID, field,
				       "tag '%s' must not contain commas or control characters",
				       name);
	return KITH_OK;
}

static void tag_key(Buf *key, const char *name)
{
	Buf trimmed;
	buf_init(&trimmed, 0);
	text_trim(&trimmed, name);
	text_fold(key, buf_str(&trimmed));
	buf_free(&trimmed);
}

int tag_find(Db *db, const char *name, int64_t *id, Err *err)
{
	static const char sql[] = "SELECT id FROM tag WHERE name_norm = ?";
	DbStmt *st;
	Buf key;
	*id = 0;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	buf_init(&key, 0);
	tag_key(&key, name);
	db_bind_text(st, 1, buf_str(&key));
	rc = db_step(st, err);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	buf_free(&key);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

int tag_resolve(Db *db, const char *name, int64_t *id, Err *err)
{
	/* An upsert, so a writer that meets a tag another one has just created
	 * (and not yet committed) waits for it and takes its id, instead of
	 * failing on UNIQUE(name_norm). The update changes nothing. */
	static const char sql[] =
	    "INSERT INTO tag (name, name_norm) VALUES (?, ?) "
	    "ON CONFLICT (name_norm) DO UPDATE SET name_norm = excluded.name_norm "
	    "RETURNING id";
	DbStmt *st;
	Buf key, trimmed;
	int rc = tag_check(name, "tags", err);
	if (rc || (rc = tag_find(db, name, id, err)) || *id)
		return rc;
	if ((rc = db_prepare(db, &st, sql, err)))
		return rc;
	buf_init(&key, 0);
	buf_init(&trimmed, 0);
	text_trim(&trimmed, name);
	tag_key(&key, name);
	db_bind_text(st, 1, buf_str(&trimmed));
	db_bind_text(st, 2, buf_str(&key));
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = KITH_OK;
	}
	db_reset(st);
	buf_free(&key);
	buf_free(&trimmed);
	return rc;
}

/* One name of tag_order's array: its folded key and its index. */
typedef struct TagOrder {
	char *key;
	size_t i;
} TagOrder;

static int tag_order_cmp(const void *a, const void *b)
{
	const TagOrder *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

int tag_order(const json_t *names, size_t **order, Err *err)
{
	size_t n = json_array_size(names), i;
	TagOrder *t = n ? calloc(n, sizeof *t) : NULL;
	int rc = KITH_OK;
	*order = n ? malloc(n * sizeof **order) : NULL;
	if (n && (!t || !*order))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	for (i = 0; i < n && rc == KITH_OK; i++) {
		Buf key;
		buf_init(&key, 0);
		tag_key(&key, json_string_value(json_array_get(names, i)));
		t[i].i = i;
		t[i].key = buf_failed(&key) ? NULL : buf_take(&key);
		buf_free(&key);
		if (!t[i].key)
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	if (rc == KITH_OK && n) {
		qsort(t, n, sizeof *t, tag_order_cmp);
		for (i = 0; i < n; i++)
			(*order)[i] = t[i].i;
	}
	for (i = 0; t && i < n; i++)
		free(t[i].key);
	free(t);
	if (rc) {
		free(*order);
		*order = NULL;
	}
	return rc;
}

int tag_check_array(const json_t *tags, const char *field, Err *err)
{
	size_t i, j;
	json_t *v;
	if (!json_is_array(tags))
		return err_set(err, ERR_INVALID, field, "must be an array of strings");
	if (json_array_size(tags) > KITH_MAX_TAGS)
		return err_set(err, ERR_INVALID, field, "at most %u tags", KITH_MAX_TAGS);
	json_array_foreach(tags, i, v)
	{
		if (!json_is_string(v))
			return err_set(err, ERR_INVALID, field, "must be an array of strings");
		int rc = tag_check(json_string_value(v), field, err);
		if (rc)
			return rc;
	}
	for (i = 0; i < json_array_size(tags); i++) {
		Buf a;
		buf_init(&a, 0);
		tag_key(&a, json_string_value(json_array_get(tags, i)));
		for (j = i + 1; j < json_array_size(tags); j++) {
			Buf b;
			buf_init(&b, 0);
			tag_key(&b, json_string_value(json_array_get(tags, j)));
			int same = strcmp(buf_str(&a), buf_str(&b)) == 0;
			buf_free(&b);
			if (same) {
				buf_free(&a);
				return err_set(err, ERR_INVALID, field, "tag '%s' is listed twice",
					       json_string_value(json_array_get(tags, j)));
			}
		}
		buf_free(&a);
	}
	return KITH_OK;
}

/* Add "cadence_days" (n or null) to each item of a tag_list page. */
static int tag_list_cadences(Db *db, json_t *arr, Err *err)
{
	static const char sql[] = "SELECT id, cadence_days FROM tag WHERE cadence_days IS NOT NULL";
	DbStmt *st;
	json_t *t;
	size_t i;
	json_array_foreach(arr, i, t) json_object_set_new(t, "cadence_days", json_null());
	int rc = db_prepare(db, &st, sql, err);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_foreach(arr, i, t)
		{
			if (json_int_of(t, "id") == db_col_int(st, 0))
				json_object_set_new(t, "cadence_days",
						    json_integer(db_col_int(st, 1)));
		}
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	return KITH_OK;
}

int tag_list(Db *db, const Actor *actor, json_t **out, Err *err)
{
	/* Counts only what the actor may see (owned, or shared: core/record.h); a
	 * tag none of whose records the actor may see is not listed (its name
	 * could tell about them). */
	static const char sql[] =
	    "SELECT id, name, contacts, companies FROM ("
	    " SELECT t.id, t.name, t.name_norm,"
	    " (SELECT COUNT(*) FROM contact_tag ct JOIN contact c ON c.id = ct.contact_id"
	    "  WHERE ct.tag_id = t.id AND c.deleted_at IS NULL AND "
	    RECORD_VISIBLE_AT("contact", "c", "?1", "?2") ")"
	    "  AS contacts,"
	    " (SELECT COUNT(*) FROM company_tag mt JOIN company m ON m.id = mt.company_id"
	    "  WHERE mt.tag_id = t.id AND m.deleted_at IS NULL AND "
	    RECORD_VISIBLE_AT("company", "m", "?1", "?2") ")"
	    "  AS companies"
	    " FROM tag t) AS v WHERE ?1 <> 0 OR contacts > 0 OR companies > 0 ORDER BY name_norm";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, access_is_admin(actor));
	db_bind_int(st, 2, actor->user_id);
	json_t *arr = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, json_pack("{sI ss sI sI}", "id",
						     (json_int_t)db_col_int(st, 0), "name",
						     db_col_text(st, 1), "contacts",
						     (json_int_t)db_col_int(st, 2), "companies",
						     (json_int_t)db_col_int(st, 3)));
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	if ((rc = tag_list_cadences(db, arr, err)))
		return rc;
	*out = arr;
	return KITH_OK;
}

int tag_set_cadence(Db *db, const Actor *actor, int64_t id, int64_t days, json_t **out, Err *err)
{
	static const char get[] = "SELECT name, cadence_days FROM tag WHERE id = ?";
	static const char set[] = "UPDATE tag SET cadence_days = ? WHERE id = ?";
	DbStmt *st;
	char *name = NULL;
	int64_t old = 0;
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL, "only an owner or admin may set a tag's cadence");
	if (days < 0 || days > CADENCE_DAYS_MAX)
		return err_set(err, ERR_INVALID, "cadence_days", "must be from 1 to %d, or none",
			       CADENCE_DAYS_MAX);
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = db_prepare(db, &st, get, err)))
		goto done;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		name = strdup(db_col_text(st, 0));
		old = db_col_int(st, 1);
	}
	db_reset(st);
	if (rc == DB_DONE)
		rc = err_set(err, ERR_NOT_FOUND, "id", "no tag #%lld", (long long)id);
	else if (rc == DB_ROW)
		rc = name ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc || (rc = db_prepare(db, &st, set, err)))
		goto done;
	if (days)
		db_bind_int(st, 1, days);
	else
		db_bind_null(st, 1);
	db_bind_int(st, 2, id);
	if ((rc = db_exec_stmt(st, err)))
		goto done;
	json_t *ch = json_pack("{s[oo]}", "cadence_days", old ? json_integer(old) : json_null(),
			       days ? json_integer(days) : json_null());
	rc = audit_write(db, actor, "update", "tag", id, ch, err);
	json_decref(ch);
done:
	rc = db_end(db, rc, err);
	if (rc == KITH_OK && out)
		*out = json_pack("{sI ss so}", "id", (json_int_t)id, "name", name, "cadence_days",
				 days ? json_integer(days) : json_null());
	free(name);
	return rc;
}
