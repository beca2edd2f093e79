/* field.h - custom fields defined per workspace for contacts, companies
 * (and later deals): key, label, type (text, number, date, money, select,
 * boolean), required, select options. Values are validated by type on every
 * write. Depends on store/, base/, crm/{access,audit}.
 * Owns tables field_def, field_value.
 *
 * Definition JSON: {"id","entity","key","label","type","required",
 *   "options": [..] | null,"position","version","created_at","updated_at"}
 * Value JSON by type: text/select: string; number: JSON number; date:
 *   "YYYY-MM-DD"; money: {"amount_minor": int, "currency": "EUR"};
 *   boolean: true/false. null removes a value. */
#ifndef KITH_CRM_FIELD_H
#define KITH_CRM_FIELD_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "crm/access.h"
#include "store/db.h"

/* Define a field (owner/admin). in: {"entity","key","label","type",
 * "required","options","position"}. key: [a-z][a-z0-9_]{0,39}, unique per
 * entity. ERR_INVALID naming the field, ERR_CONFLICT on a duplicate key,
 * ERR_FORBIDDEN for members. */
int field_define(Db *db, const Actor *actor, const json_t *in, int64_t *id,
		 Err *err) KITH_WARN_UNUSED;

int field_get(Db *db, int64_t id, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Change label, required, options, position (type, key and entity are
 * fixed). Removing a select option that values still use is ERR_CONFLICT. */
int field_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		 int64_t expected_version, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Delete a definition and its values (owner/admin). */
int field_delete(Db *db, const Actor *actor, int64_t id, Err *err) KITH_WARN_UNUSED;

/* Definitions for entity ("contact", "company", "deal"; NULL = all), by
 * position then key. */
int field_list(Db *db, const char *entity, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Validate and store custom values for a record, in the caller's
 * transaction. in: {"key": value} (NULL = nothing given). With creating
 * set, every required field must get a non-null value; on update a
 * required field may not be set to null. Errors name "custom.<key>". */
int field_values_put(Db *db, const char *entity, int64_t record_id, const json_t *in,
		     int creating, Err *err) KITH_WARN_UNUSED;

/* The record's values as a JSON object {"key": typed value}. */
int field_values_get(Db *db, const char *entity, int64_t record_id, json_t **out,
		     Err *err) KITH_WARN_UNUSED;

/* Append the record's text and select values, space separated (search). */
int field_values_text(Db *db, const char *entity, int64_t record_id, Buf *out,
		      Err *err) KITH_WARN_UNUSED;

/* Copy other's values into keep where keep has none (merge). */
int field_values_merge(Db *db, const char *entity, int64_t keep, int64_t other,
		       Err *err) KITH_WARN_UNUSED;

/* Delete all values of a record (purge). */
int field_values_delete(Db *db, const char *entity, int64_t record_id, Err *err) KITH_WARN_UNUSED;

#endif
