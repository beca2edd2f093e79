/* audit.h - the audit log: who changed what, when. Every create, update,
 * delete, restore, purge and merge writes one entry in the same transaction
 * as the change. Depends on store/ and base/. */
#ifndef KITH_CORE_AUDIT_H
#define KITH_CORE_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* db_next_id's max_sql (store/db.h) for a table whose records the audit
 * log names by entity = the table's name (contact, company): the largest
 * id of the table and of the audit log's entries for it, so that on
 * SQLite a purged record's id, which its entries keep, is never handed out
 * again (PostgreSQL's sequences never go back; migration 018 moved them
 * past these ids). table is a string literal: the statement stays one
 * literal, for the statement cache and the census. */
#define AUDIT_MAX_ID_SQL(table)                                                                    \
	"SELECT CASE WHEN a > b THEN a ELSE b END FROM "                                           \
	"(SELECT COALESCE((SELECT MAX(id) FROM " table "), 0) AS a, "                              \
	"COALESCE((SELECT MAX(record_id) FROM audit_log WHERE entity = '" table "'), 0) AS b) "    \
	"AS m"

/* Append an entry. changes is a JSON object ({"field": [old, new]} for
 * updates, the record for create/delete); it is borrowed, not stolen. */
int audit_write(Db *db, const Actor *actor, const char *action, const char *entity,
		int64_t record_id, const json_t *changes, Err *err) KITH_WARN_UNUSED;

/* Changes between two JSON objects of the same record: {"key": [old, new]}
 * for each key whose value differs (keys of either side). Caller decrefs. */
json_t *audit_diff(const json_t *before, const json_t *after);

/* What an entry changed, field by field (issue 7: from what to what): a
 * JSON array of {"field","from","to"} (caller decrefs), read from the
 * entry's stored changes, whatever their age:
 *   - {"key": [old, new]} pairs (updates, tags, restore, share, reassign,
 *     disable...): one item per changed key; objects without an "id"
 *     (address, custom) are compared key by key as "address.city";
 *   - a "create" snapshot: every non-empty value, from null;
 *   - "delete": deleted_at from null to at (the snapshot stays in changes);
 *     "purge": nothing (the record is gone; changes keeps its snapshot);
 *   - a merge's {"merged_from", "changes": {pairs}}: merged_from, then the
 *     pairs; other keys holding one value (old rows that stored only the
 *     new state): {"field","to"} without "from", which is unknown.
 * Bookkeeping (version, updated_at, contact_count) is left out. */
json_t *audit_fields(const char *action, const char *at, const json_t *changes);

/* Entries for one record, newest first, at most limit. A JSON array of
 * {"id","at","user_id","action","changes","fields"} (fields: audit_fields);
 * caller decrefs. */
int audit_list(Db *db, const char *entity, int64_t record_id, int limit, json_t **out,
	       Err *err) KITH_WARN_UNUSED;

#endif
