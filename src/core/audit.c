/* audit.c - the audit log. Owns table audit_log. */
#include "core/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"

int audit_write(Db *db, const Actor *actor, const char *action, const char *entity,
		int64_t record_id, const json_t *changes, Err *err)
{
	static const char sql[] = "INSERT INTO audit_log (at, user_id, action, entity, record_id, "
				  "changes) VALUES (?, ?, ?, ?, ?, ?)";
	char now[21];
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	char *text = changes ? json_dump(changes) : NULL;
	if (changes && !text)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	time_now_iso(now);
	db_bind_text(st, 1, now);
	if (actor->user_id)
		db_bind_int(st, 2, actor->user_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, action);
	db_bind_text(st, 4, entity);
	db_bind_int(st, 5, record_id);
	db_bind_text(st, 6, text ? text : "{}");
	rc = db_exec_stmt(st, err);
	free(text);
	return rc;
}

json_t *audit_diff(const json_t *before, const json_t *after)
{
	json_t *d = json_object();
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)after, key, v)
	{
		json_t *old = json_object_get(before, key);
		if (!old || !json_equal(old, v))
			json_object_set_new(d, key, json_pack("[OO]", old ? old : json_null(), v));
	}
	json_object_foreach((json_t *)before, key, v)
	{
		if (!json_object_get(after, key))
			json_object_set_new(d, key, json_pack("[On]", v));
	}
	return d;
}

/* Keys that change with every write and say nothing about what changed. */
static int bookkeeping(const char *key)
{
	static const char *const keys[] = {"version", "updated_at", "contact_count", NULL};
	for (int i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

/* Compared key by key: objects that are not links ({"id","name"}). */
static int nested(const json_t *v)
{
	return json_is_object(v) && !json_object_get(v, "id");
}

static int empty(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && !json_array_size(v)) ||
	       (json_is_object(v) && !json_object_size(v));
}

static void add_field(json_t *out, const char *field, const json_t *from, const json_t *to)
{
	json_t *f = json_pack("{ss}", "field", field);
	if (from)
		json_object_set(f, "from", (json_t *)from);
	json_object_set(f, "to", to ? (json_t *)to : json_null());
	json_array_append_new(out, f);
}

/* One item per difference between from and to under path; nested objects
 * (or one side null) key by key as path.key. */
static void add_pair(json_t *out, const char *path, const json_t *from, const json_t *to)
{
	if (json_equal((json_t *)from, (json_t *)to))
		return;
	if ((nested(from) || json_is_null(from)) && (nested(to) || json_is_null(to)) &&
	    (nested(from) || nested(to))) {
		const json_t *sides[2] = {from, to};
		for (int s = 0; s < 2; s++) {
			const char *key;
			json_t *v;
			json_object_foreach((json_t *)sides[s], key, v)
			{
				if (s == 1 && json_object_get(from, key))
					continue; /* seen from the left */
				char sub[128];
				snprintf(sub, sizeof sub, "%s.%s", path, key);
				json_t *a = json_object_get(from, key),
				       *b = json_object_get(to, key);
				add_pair(out, sub, a ? a : json_null(), b ? b : json_null());
			}
		}
		return;
	}
	add_field(out, path, from, to);
}

/* A snapshot as the values it set: every non-empty value, from null. */
static void add_snapshot(json_t *out, const json_t *rec)
{
	static const char *const skip[] = {"id", "created_at", "deleted_at", NULL};
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)rec, key, v)
	{
		int drop = bookkeeping(key) || empty(v);
		for (int i = 0; skip[i] && !drop; i++)
			drop = !strcmp(key, skip[i]);
		if (drop)
			continue;
		if (nested(v))
			add_pair(out, key, json_null(), v);
		else
			add_field(out, key, json_null(), v);
	}
}

/* Stored pairs {"key": [old, new]}; a key with one value is a new state. */
static void add_pairs(json_t *out, const json_t *changes)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)changes, key, v)
	{
		if (bookkeeping(key))
			continue;
		if (json_is_array(v) && json_array_size(v) == 2)
			add_pair(out, key, json_array_get(v, 0), json_array_get(v, 1));
		else if (!strcmp(key, "changes") && json_is_object(v))
			add_pairs(out, v); /* a merge's changes to the kept record */
		else
			add_field(out, key, NULL, v);
	}
}

json_t *audit_fields(const char *action, const char *at, const json_t *changes)
{
	json_t *out = json_array();
	if (!strcmp(action, "create"))
		add_snapshot(out, changes);
	else if (!strcmp(action, "delete")) {
		json_t *t = json_string(at);
		add_field(out, "deleted_at", json_null(), t);
		json_decref(t);
	} else if (strcmp(action, "purge") != 0)
		add_pairs(out, changes);
	return out;
}

int audit_list(Db *db, const char *entity, int64_t record_id, int limit, json_t **out, Err *err)
{
	static const char sql[] = "SELECT id, at, user_id, action, changes FROM audit_log "
				  "WHERE entity = ? AND record_id = ? ORDER BY id DESC LIMIT ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_text(st, 1, entity);
	db_bind_int(st, 2, record_id);
	db_bind_int(st, 3, limit);
	json_t *arr = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *changes = json_loads(db_col_text(st, 4), 0, NULL);
		if (!changes)
			changes = json_object();
		json_array_append_new(
		    arr, json_pack("{sI ss so ss so so}", "id", (json_int_t)db_col_int(st, 0), "at",
				   db_col_text(st, 1), "user_id", db_col_json_int(st, 2), "action",
				   db_col_text(st, 3), "changes", changes, "fields",
				   audit_fields(db_col_text(st, 3), db_col_text(st, 1), changes)));
	}
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KITH_OK;
}
