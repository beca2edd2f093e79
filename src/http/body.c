/* body.c - request body checks: media type, strict JSON parsing, and
 * naming the field at fault. Depends on base/ and jansson only. */
#include "http/body.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"

#define BODY_MAX_DEPTH 64 /* nesting tracked by body_locate_key; deeper levels have no key */

int body_is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	if (!ct)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, sizeof want - 1) != 0)
		return 0;
	ct += sizeof want - 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

typedef struct Frame {
	int is_obj;	/* object (1) or array (0) */
	int expect_key; /* object: the next string is a key */
	size_t key_at;	/* offset of the current key's first byte */
	size_t key_len; /* its length; 0 with key_at 0 = no key yet */
	int has_key;	/* a key has been read in this object */
} Frame;

/* Copy the nearest key at or below frame index top into key. */
static int key_below(const char *data, const Frame *fr, int top, char *key, size_t n)
{
	for (int i = top; i >= 0; i--) {
		if (!fr[i].is_obj || !fr[i].has_key)
			continue;
		size_t len = fr[i].key_len < n - 1 ? fr[i].key_len : n - 1;
		memcpy(key, data + fr[i].key_at, len);
		key[len] = '\0';
		return 1;
	}
	return 0;
}

int body_locate_key(const char *data, size_t pos, char *key, size_t n, int *in_key)
{
	Frame fr[BODY_MAX_DEPTH];
	int depth = 0; /* frames open; only the first BODY_MAX_DEPTH are recorded */
	int in_str = 0, esc = 0, str_is_key = 0;
	size_t str_at = 0;
	*in_key = 0;
	key[0] = '\0';
	for (size_t i = 0; i < pos; i++) {
		char c = data[i];
		Frame *top = depth > 0 && depth <= BODY_MAX_DEPTH ? &fr[depth - 1] : NULL;
		if (in_str) {
			if (esc) {
				esc = 0;
			} else if (c == '\\') {
				esc = 1;
			} else if (c == '"') {
				in_str = 0;
				if (str_is_key && top) {
					top->key_at = str_at;
					top->key_len = i - str_at;
					top->has_key = 1;
					top->expect_key = 0;
				}
			}
			continue;
		}
		if (c == '"') {
			in_str = 1;
			str_at = i + 1;
			str_is_key = top && top->is_obj && top->expect_key;
		} else if (c == '{' || c == '[') {
			if (depth < BODY_MAX_DEPTH)
				fr[depth] = (Frame){.is_obj = c == '{', .expect_key = c == '{'};
			depth++;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		} else if (c == ',' && top && top->is_obj) {
			top->expect_key = 1;
		}
	}
	int last = (depth < BODY_MAX_DEPTH ? depth : BODY_MAX_DEPTH) - 1;
	if (in_str && str_is_key) {
		*in_key = 1;
		last--; /* the key being read is not a field yet: name the enclosing one */
	}
	return last >= 0 ? key_below(data, fr, last, key, n) : 0;
}

/* ERR_INVALID naming the key in effect at pos, with message what. */
static int located(const char *data, size_t pos, const char *what, Err *err)
{
	char key[sizeof err->field];
	int in_key;
	int found = body_locate_key(data, pos, key, sizeof key, &in_key);
	if (in_key)
		return err_set(err, ERR_INVALID, found ? key : NULL, "%s a key that %s",
			       found ? "has" : "body has", what);
	if (!found)
		return err_set(err, ERR_INVALID, NULL, "body %s", what);
	return err_set(err, ERR_INVALID, key, "%s", what);
}

/* The generic 400 for JSON jansson could not read, with its position. */
static int malformed(json_error_t *je, Err *err)
{
	size_t n = strlen(je->text);
	if (!utf8_valid(je->text, n)) {
		char *near = strstr(je->text, " near ");
		if (near)
			*near = '\0';
		else
			snprintf(je->text, sizeof je->text, "unreadable input");
	}
	return err_set(err, ERR_INVALID, NULL, "malformed JSON at line %d, column %d: %s", je->line,
		       je->column, je->text);
}

int body_parse(const char *data, size_t len, json_t **out, Err *err)
{
	json_error_t je;
	*out = NULL;
	if (!data)
		data = "";
	json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (v && json_is_object(v)) {
		*out = v;
		return KITH_OK;
	}
	if (v) {
		json_decref(v);
		return err_set(err, ERR_INVALID, NULL, "body must be a JSON object");
	}
	size_t pos = je.position > 0 && (size_t)je.position <= len ? (size_t)je.position : 0;
	switch (json_error_code(&je)) {
	case json_error_invalid_utf8:
		return located(data, pos, "is not valid UTF-8", err);
	case json_error_duplicate_key:
		return located(data, pos, "is a duplicate key", err);
	case json_error_null_character:
		return located(data, pos, "must not contain NUL characters", err);
	default:
		if (strncmp(je.text, "invalid Unicode", 15) == 0)
			return located(data, pos, "has an invalid \\u escape", err);
		return malformed(&je, err);
	}
}
