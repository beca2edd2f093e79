/* field.h - custom fields defined per workspace for contacts, companies
 * (and later deals): key, label, type (text, number, date, money, select,
 * boolean), required, select options. Values are validated by type on every
 * write. Depends on store/, base/, core/{access,audit}.
 * Owns tables field_def, field_value.
 *
 * Definition JSON: {"id","entity","key","label","type","required",
 *   "options": [..] | null,"position","remind_days": n | null,"version",
 *   "created_at","updated_at"}
 * remind_days (date fields only, 0..366 or null): a value within that many
 * days from today is listed among the key dates (crm/cadence.h).
 * Value JSON by type: text/select: string; number: JSON number; date:
 *   "YYYY-MM-DD"; money: {"amount_minor": int, "currency": "EUR"};
 *   boolean: true/false. null (or an empty string) removes a value.
 *   Money is also accepted as {"amount": "12.50", "currency": "EUR"} and is
 *   answered with both plus "amount"; integral numbers come back as JSON
 *   integers. */
#ifndef KITH_CRM_FIELD_H
#define KITH_CRM_FIELD_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/access.h"
#include "store/db.h"

/* Define a field (owner/admin). in: {"entity","key","label","type",
 * "required","options","position","remind_days"}. key: [a-z][a-z0-9_]{0,39}, unique per
 * entity. ERR_INVALID naming the field, ERR_CONFLICT on a duplicate key,
 * ERR_FORBIDDEN for members. */
int field_define(Db *db, const Actor *actor, const json_t *in, int64_t *id,
		 Err *err) KITH_WARN_UNUSED;

int field_get(Db *db, int64_t id, json_t **out, Err *err) KITH_WARN_UNUSED;

/* Change label, required, options, position, remind_days (type, key and entity are
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

/* field_values_get for n records at once, in one statement: outs[i]
 * receives the values object of ids[i] (new references; the caller
 * decrefs each). On error no object is left in outs. */
int field_values_get_many(Db *db, const char *entity, const int64_t *ids, size_t n,
			  json_t **outs, Err *err) KITH_WARN_UNUSED;

/* Append the record's text and select values, space separated (search). */
int field_values_text(Db *db, const char *entity, int64_t record_id, Buf *out,
		      Err *err) KITH_WARN_UNUSED;

/* field_values_get and field_values_text in one read: *custom (may be
 * NULL) receives the values object, text (may be NULL) the text and select
 * values appended as field_values_text appends them. */
int field_values_read(Db *db, const char *entity, int64_t record_id, json_t **custom, Buf *text,
		      Err *err) KITH_WARN_UNUSED;
/* Copy other's values into keep where keep has none (merge). */
int field_values_merge(Db *db, const char *entity, int64_t keep, int64_t other,
		       Err *err) KITH_WARN_UNUSED;


/* Delete a definition (owner/admin) after checking its values: when values
 * exist and force is 0, ERR_CONFLICT naming field "force" with a message
 * that says how many; with force they are deleted with it. *n_values (may
 * be NULL) receives the number of values deleted. ERR_NOT_FOUND naming
 * "id", ERR_FORBIDDEN for members. field_delete() is this with force set. */
int field_remove(Db *db, const Actor *actor, int64_t id, int force, int64_t *n_values,
		 Err *err) KITH_WARN_UNUSED;

/* Convert the text form of a value (CLI --field KEY=VALUE) into the typed
 * JSON value for the field key of entity, ready for field_values_put:
 * text and select as given; number from decimal text ("42" stays an exact
 * integer, "12.5"); date "YYYY-MM-DD"; money "12.50 EUR" or "EUR 12.50"
 * ({"amount","currency"}); boolean true/false/yes/no/1/0 (any case).
 * An empty text gives JSON null (removes the value). *out: new reference
 * (caller decrefs). ERR_INVALID naming "custom.<key>" for an unknown key
 * or a text that is not a value of the field's type. */
int field_value_from_text(Db *db, const char *entity, const char *key, const char *text,
			  json_t **out, Err *err) KITH_WARN_UNUSED;

/* Append to ids (as int64_t values) the records that hold a value of
 * field_id, so callers above this module can re-index them. */
int field_value_records(Db *db, int64_t field_id, Buf *ids, Err *err) KITH_WARN_UNUSED;

/* The custom-field schema generation: it moves on whenever removing a
 * definition deletes values, so caches of records' custom values built at
 * an older generation (the contact doc) are known to be stale. */
int field_generation(Db *db, int64_t *generation, Err *err) KITH_WARN_UNUSED;

#endif
