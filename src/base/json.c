/* json.c - strict readers over jansson objects. libc + jansson only. */
#include "base/json.h"

#include <string.h>

int json_check_fields(const json_t *obj, const char *const *allowed, Err *err)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (!ok)
			return err_set(err, ERR_INVALID, key, "unknown field '%s'", key);
	}
	return KITH_OK;
}

int json_get_str(const json_t *obj, const char *key, size_t max, const char **out, int *present,
		 Err *err)
{
	json_t *v = json_object_get(obj, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return KITH_OK;
	if (json_is_null(v)) {
		*out = NULL;
		return KITH_OK;
	}
	if (!json_is_string(v))
		return err_set(err, ERR_INVALID, key, "must be a string");
	if (json_string_length(v) > max)
		return err_set(err, ERR_INVALID, key, "is longer than %zu bytes", max);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(err, ERR_INVALID, key, "must not contain NUL characters");
	*out = json_string_value(v);
	return KITH_OK;
}

int json_get_int(const json_t *obj, const char *key, int64_t *out, int *present, Err *err)
{
	json_t *v = json_object_get(obj, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return KITH_OK;
	if (!json_is_integer(v))
		return err_set(err, ERR_INVALID, key, "must be an integer");
	*out = json_integer_value(v);
	return KITH_OK;
}

int json_get_bool(const json_t *obj, const char *key, int *out, int *present, Err *err)
{
	json_t *v = json_object_get(obj, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return KITH_OK;
	if (!json_is_boolean(v))
		return err_set(err, ERR_INVALID, key, "must be true or false");
	*out = json_is_true(v);
	return KITH_OK;
}

int64_t json_int_of(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

const char *json_str_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

void json_set_str(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s ? json_string(s) : json_null());
}

char *json_dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}
