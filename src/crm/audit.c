/* audit.c - the audit log. Owns table audit_log. */
#include "crm/audit.h"

#include <stdlib.h>

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
		json_array_append_new(
			arr, json_pack("{sI ss so ss so}", "id", (json_int_t)db_col_int(st, 0), "at",
				       db_col_text(st, 1), "user_id",
				       db_col_json_int(st, 2),
				       "action", db_col_text(st, 3), "changes",
				       changes ? changes : json_object()));
	}
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KITH_OK;
}
