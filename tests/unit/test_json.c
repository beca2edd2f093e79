/* test_json.c - the strict JSON readers: absent, null, wrong type, limits
 * and NUL bytes, each naming the field. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "fixture.h"

Test(json, check_fields_names_the_first_unknown)
{
	static const char *const allowed[] = {"first_name", "last_name", "tags", NULL};
	static const struct {
		const char *json;
		const char *field; /* NULL = accepted */
	} cases[] = {
	    {"{}", NULL},
	    {"{\"first_name\": 1, \"tags\": null}", NULL},
	    {"{\"first_name\": \"A\", \"nick\": \"B\"}", "nick"},
	    {"{\"First_name\": \"A\"}", "First_name"},
	    {"{\"first_name \": \"A\"}", "first_name "},
	    {"{\"\": 1}", ""},
	    {"{\"imię\": 1}", "imię"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *o = fixture_json(cases[i].json);
		Err err = {0};
		int rc = json_check_fields(o, allowed, &err);
		if (!cases[i].field) {
			cr_expect_eq(rc, KITH_OK, "case %s: %s", cases[i].json, err.msg);
		} else {
			cr_expect_eq(rc, ERR_INVALID, "case %s", cases[i].json);
			cr_expect_str_eq(err.field, cases[i].field, "case %s", cases[i].json);
			cr_expect(strstr(err.msg, "unknown field"), "%s", err.msg);
		}
		json_decref(o);
	}
	json_t *o = fixture_json("{\"a\": 1}");
	static const char *const none[] = {NULL};
	cr_expect_eq(json_check_fields(o, none, NULL), ERR_INVALID, "err may be NULL");
	json_decref(o);
}

Test(json, get_str_table)
{
	static const struct {
		const char *json;
		size_t max;
		int rc, present;
		const char *want; /* "(unchanged)" when absent, NULL for JSON null */
	} cases[] = {
	    {"{\"k\": \"Zażółć\"}", 100, KITH_OK, 1, "Zażółć"},
	    {"{\"k\": \"\"}", 100, KITH_OK, 1, ""},
	    {"{\"k\": null}", 100, KITH_OK, 1, NULL},
	    {"{}", 100, KITH_OK, 0, "(unchanged)"},
	    {"{\"other\": \"x\"}", 100, KITH_OK, 0, "(unchanged)"},
	    {"{\"k\": 1}", 100, ERR_INVALID, 1, "(unchanged)"},
	    {"{\"k\": true}", 100, ERR_INVALID, 1, "(unchanged)"},
	    {"{\"k\": [\"a\"]}", 100, ERR_INVALID, 1, "(unchanged)"},
	    {"{\"k\": {\"a\": 1}}", 100, ERR_INVALID, 1, "(unchanged)"},
	    /* max is in bytes, not characters: "żó" is 4 bytes */
	    {"{\"k\": \"żó\"}", 4, KITH_OK, 1, "żó"},
	    {"{\"k\": \"żó\"}", 3, ERR_INVALID, 1, "(unchanged)"},
	    {"{\"k\": \"abc\"}", 3, KITH_OK, 1, "abc"},
	    {"{\"k\": \"abcd\"}", 3, ERR_INVALID, 1, "(unchanged)"},
	    /* a NUL inside would cut the string short */
	    {"{\"k\": \"a\\u0000b\"}", 100, ERR_INVALID, 1, "(unchanged)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *o = fixture_json(cases[i].json);
		const char *out = "(unchanged)";
		int present = -1;
		Err err = {0};
		int rc = json_get_str(o, "k", cases[i].max, &out, &present, &err);
		cr_expect_eq(rc, cases[i].rc, "case %zu %s: %s", i, cases[i].json, err.msg);
		cr_expect_eq(present, cases[i].present, "case %zu", i);
		if (rc == KITH_OK && !cases[i].want)
			cr_expect_null(out, "case %zu", i);
		else if (rc == KITH_OK)
			cr_expect_str_eq(out, cases[i].want, "case %zu", i);
		else {
			cr_expect_str_eq(out, "(unchanged)", "case %zu: nothing written on error",
					 i);
			cr_expect_str_eq(err.field, "k", "case %zu", i);
		}
		json_decref(o);
	}
}

Test(json, get_int_and_bool_tables)
{
	static const struct {
		const char *json;
		int rc, present;
		int64_t want; /* -7 = unchanged */
	} ints[] = {
	    {"{\"k\": 0}", KITH_OK, 1, 0},
	    {"{\"k\": -12}", KITH_OK, 1, -12},
	    {"{\"k\": 9223372036854775807}", KITH_OK, 1, INT64_MAX},
	    {"{\"k\": -9223372036854775808}", KITH_OK, 1, INT64_MIN},
	    {"{}", KITH_OK, 0, -7},
	    {"{\"k\": 1.0}", ERR_INVALID, 1, -7},
	    {"{\"k\": 1.5}", ERR_INVALID, 1, -7},
	    {"{\"k\": \"1\"}", ERR_INVALID, 1, -7},
	    {"{\"k\": null}", ERR_INVALID, 1, -7},
	    {"{\"k\": true}", ERR_INVALID, 1, -7},
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		json_t *o = fixture_json(ints[i].json);
		int64_t out = -7;
		int present = -1;
		Err err = {0};
		cr_expect_eq(json_get_int(o, "k", &out, &present, &err), ints[i].rc, "%s",
			     ints[i].json);
		cr_expect_eq(present, ints[i].present, "%s", ints[i].json);
		cr_expect_eq(out, ints[i].want, "%s", ints[i].json);
		if (ints[i].rc)
			cr_expect_str_eq(err.field, "k");
		json_decref(o);
	}
	static const struct {
		const char *json;
		int rc, present, want; /* -7 = unchanged */
	} bools[] = {
	    {"{\"k\": true}", KITH_OK, 1, 1},
	    {"{\"k\": false}", KITH_OK, 1, 0},
	    {"{}", KITH_OK, 0, -7},
	    {"{\"k\": 1}", ERR_INVALID, 1, -7},
	    {"{\"k\": \"true\"}", ERR_INVALID, 1, -7},
	    {"{\"k\": null}", ERR_INVALID, 1, -7},
	};
	for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
		json_t *o = fixture_json(bools[i].json);
		int out = -7, present = -1;
		Err err = {0};
		cr_expect_eq(json_get_bool(o, "k", &out, &present, &err), bools[i].rc, "%s",
			     bools[i].json);
		cr_expect_eq(present, bools[i].present, "%s", bools[i].json);
		cr_expect_eq(out, bools[i].want, "%s", bools[i].json);
		json_decref(o);
	}
	/* present may be NULL */
	json_t *o = fixture_json("{\"k\": 5}");
	int64_t v = 0;
	cr_expect_eq(json_get_int(o, "k", &v, NULL, NULL), KITH_OK);
	cr_expect_eq(v, 5);
	json_decref(o);
}

Test(json, trusted_readers_and_writers)
{
	json_t *o = fixture_json("{\"n\": 42, \"s\": \"x\", \"f\": 1.5}");
	cr_expect_eq(json_int_of(o, "n"), 42);
	cr_expect_eq(json_int_of(o, "s"), 0, "not an integer");
	cr_expect_eq(json_int_of(o, "f"), 0, "a real is not an integer");
	cr_expect_eq(json_int_of(o, "missing"), 0);
	cr_expect_eq(json_int_of(NULL, "n"), 0);
	cr_expect_str_eq(json_str_of(o, "s"), "x");
	cr_expect_null(json_str_of(o, "n"));
	cr_expect_null(json_str_of(NULL, "s"));
	json_set_str(o, "s", "ตัวอย่าง");
	json_set_str(o, "z", NULL);
	char *d = json_dump(o);
	cr_expect_str_eq(d, "{\"n\":42,\"s\":\"ตัวอย่าง\",\"f\":1.5,\"z\":null}",
			 "compact, insertion order, UTF-8 kept");
	free(d);
	json_decref(o);
	json_t *s = json_string("bare");
	d = json_dump(s);
	cr_expect_str_eq(d, "\"bare\"", "any value, not only objects");
	free(d);
	json_decref(s);
}
