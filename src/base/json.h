/* json.h - strict readers over jansson objects, naming the field at fault.
 * Depends on libc and jansson. Every reader distinguishes "absent" (returns
 * KITH_OK and leaves *out untouched / sets *present = 0) from JSON null and
 * from a wrong type (ERR_INVALID with the field named). */
#ifndef KITH_BASE_JSON_H
#define KITH_BASE_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

/* ERR_INVALID naming the first key of obj not in the NULL-terminated list
 * allowed ("unknown field"). obj must be an object. */
int json_check_fields(const json_t *obj, const char *const *allowed, Err *err) KITH_WARN_UNUSED;

/* String member key: absent -> *out unchanged; null -> *out = NULL;
 * string -> *out points into obj (valid while obj lives), checked to be at
 * most max bytes; anything else -> ERR_INVALID. present (may be NULL) is
 * set to 1 when the key exists (also when null). */
int json_get_str(const json_t *obj, const char *key, size_t max, const char **out, int *present,
		 Err *err) KITH_WARN_UNUSED;

/* Integer member: absent -> unchanged, *present 0; wrong type -> ERR_INVALID. */
int json_get_int(const json_t *obj, const char *key, int64_t *out, int *present,
		 Err *err) KITH_WARN_UNUSED;

/* Boolean member, same rules. */
int json_get_bool(const json_t *obj, const char *key, int *out, int *present,
		  Err *err) KITH_WARN_UNUSED;

/* Member key of a record we built ourselves: its integer (0 when absent or
 * not an integer) or its string (NULL when absent or not a string). For
 * trusted objects; input is read with the json_get_* readers above. */
int64_t json_int_of(const json_t *obj, const char *key);
const char *json_str_of(const json_t *obj, const char *key);

/* Set key to a string, or to JSON null when s is NULL. */
void json_set_str(json_t *obj, const char *key, const char *s);

/* Serialize compactly, keys in insertion order. Caller frees. */
char *json_dump(const json_t *v);

#endif
