/* test_body.c - request body checks: media type, strict JSON, and naming
 * the field that holds invalid UTF-8 or a duplicate key. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/body.h"

Test(body, json_media_type)
{
	static const char *const yes[] = {"application/json",
					  "Application/JSON",
					  "application/json; charset=utf-8",
					  " application/json ",
					  "application/json;charset=UTF-8",
					  NULL};
	static const char *const no[] = {"text/plain",
					 "application/jsonx",
					 "application/json-patch+json",
					 "application/x-www-form-urlencoded",
					 "",
					 "json",
					 NULL};
	for (const char *const *p = yes; *p; p++)
		cr_expect(body_is_json_type(*p), "'%s' refused", *p);
	for (const char *const *p = no; *p; p++)
		cr_expect_not(body_is_json_type(*p), "'%s' accepted", *p);
	cr_expect_not(body_is_json_type(NULL));
}

/* Parse s; expect failure naming field with message msg. */
static void expect_fail(const char *s, const char *field, const char *msg)
{
	json_t *v = (json_t *)1;
	Err err = {0};
	cr_expect_eq(body_parse(s, strlen(s), &v, &err), ERR_INVALID, "accepted: %s", s);
	cr_expect_null(v);
	cr_expect_str_eq(err.field, field, "%s: field '%s'", s, err.field);
	cr_expect(strstr(err.msg, msg) != NULL, "%s: message '%s' lacks '%s'", s, err.msg, msg);
}

Test(body, object_accepted)
{
	static const char s[] = "{\"first_name\": \"Zoë\", \"tags\": [\"a\"], \"n\": {\"x\": 1}}";
	json_t *v = NULL;
	Err err = {0};
	cr_assert_eq(body_parse(s, strlen(s), &v, &err), KITH_OK, "%s", err.msg);
	cr_expect_str_eq(json_string_value(json_object_get(v, "first_name")), "Zoë");
	json_decref(v);
}

Test(body, not_an_object)
{
	expect_fail("[1, 2]", "", "body must be a JSON object");
	expect_fail("\"text\"", "", "body must be a JSON object");
	expect_fail("42", "", "body must be a JSON object");
}

Test(body, malformed_has_position)
{
	expect_fail("{\"a\": 1,", "", "malformed JSON at line 1, column");
	expect_fail("{\"a\":\n tru}", "", "line 2");
	expect_fail("", "", "malformed JSON");
	expect_fail("{\"a\": \"x\x01\"}", "", "malformed JSON");
	Err err = {0};
	json_t *v;
	cr_expect_eq(body_parse(NULL, 0, &v, &err), ERR_INVALID);
}

Test(body, invalid_utf8_names_field)
{
	expect_fail("{\"a\": 1, \"first_name\": \"ab\xff"
		    "cd\", \"b\": 2}",
		    "first_name", "is not valid UTF-8");
	expect_fail("{\"last_name\": \"Kowalsk\xc3\"}", "last_name", "is not valid UTF-8");
	/* overlong encoding of '/', and a UTF-16 surrogate encoded as UTF-8 */
	expect_fail("{\"x\": \"\xc0\xaf\"}", "x", "is not valid UTF-8");
	expect_fail("{\"note\": \"\xed\xa0\x80\"}", "note", "is not valid UTF-8");
	/* nested object: the innermost key */
	expect_fail("{\"address\": {\"city\": \"Krak\xf3w\"}}", "city", "is not valid UTF-8");
	/* array elements belong to the array's key, also after a nested object */
	expect_fail("{\"emails\": [{\"x\": \"1\"}, \"bad\xff\"]}", "emails", "is not valid UTF-8");
	/* quotes, colons and braces inside strings do not fool the scan */
	expect_fail("{\"note\": \"say \\\"hi\\\": {[\", \"b\": \"\xff\"}", "b",
		    "is not valid UTF-8");
	expect_fail("{\"note\": \"x\\\": \xff\"}", "note", "is not valid UTF-8");
	expect_fail("{\"k\\\\\": \"\xff\"}", "k\\\\", "is not valid UTF-8");
}

Test(body, invalid_utf8_in_a_key)
{
	expect_fail("{\"fi\xffrst\": 1}", "", "body has a key that is not valid UTF-8");
	expect_fail("{\"address\": {\"ci\xffty\": 1}}", "address",
		    "has a key that is not valid UTF-8");
}

Test(body, duplicate_keys_named)
{
	expect_fail("{\"a\": 1, \"a\": 2}", "a", "is a duplicate key");
	expect_fail("{\"a\": 1,\n \"first_name\": \"x\", \"first_name\" : \"y\"}", "first_name",
		    "is a duplicate key");
	expect_fail("{\"n\": {\"x\": 1, \"x\": 2}}", "x", "is a duplicate key");
	json_t *v = NULL;
	Err err = {0};
	static const char ok[] = "{\"n\": {\"x\": 1}, \"x\": 2}";
	cr_expect_eq(body_parse(ok, strlen(ok), &v, &err), KITH_OK, "%s", err.msg);
	json_decref(v);
}

Test(body, nul_and_bad_escapes_named)
{
	expect_fail("{\"name\": \"a\\u0000b\"}", "name", "must not contain NUL characters");
	expect_fail("{\"name\": \"\\ud800\"}", "name", "invalid \\u escape");
}

Test(body, locate_key_directly)
{
	char key[64];
	int in_key;
	static const char s[] = "{\"a\": [1, {\"b\": 2}], \"c\": \"x";
	cr_expect_eq(body_locate_key(s, 0, key, sizeof key, &in_key), 0);
	cr_expect_eq(body_locate_key(s, 8, key, sizeof key, &in_key), 1);
	cr_expect_str_eq(key, "a");
	cr_expect_eq(body_locate_key(s, 16, key, sizeof key, &in_key), 1);
	cr_expect_str_eq(key, "b");
	cr_expect_eq(body_locate_key(s, strlen(s), key, sizeof key, &in_key), 1);
	cr_expect_str_eq(key, "c");
	cr_expect_eq(in_key, 0);
	/* a long key is cut to the buffer */
	static const char l[] = "{\"abcdefghij\": \"x";
	cr_expect_eq(body_locate_key(l, strlen(l), key, 5, &in_key), 1);
	cr_expect_str_eq(key, "abcd");
}

Test(body, deep_nesting_does_not_overflow)
{
	char s[600];
	size_t n = 0;
	for (int i = 0; i < 100; i++) {
		memcpy(s + n, "{\"k\":", 5);
		n += 5;
	}
	memcpy(s + n, "\"\xff\"", 3);
	n += 3;
	s[n] = '\0';
	json_t *v = NULL;
	Err err = {0};
	cr_expect_eq(body_parse(s, n, &v, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "k");
}
