/* test_problem.c - Err codes to HTTP statuses and RFC 9457 documents. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "http/problem.h"

Test(problem, status_map)
{
	static const int map[][2] = {
	    {ERR_INVALID, 422},
	    {ERR_NOT_FOUND, 404},
	    {ERR_CONFLICT, 409},
	    {ERR_STALE, 412},
	    {ERR_GONE, 410},
	    {ERR_UNAUTHORIZED, 401},
	    {ERR_FORBIDDEN, 403},
	    {ERR_BUSY, 503},
	    {ERR_UNAVAILABLE, 503},
	    {ERR_STORAGE, 500},
	    {ERR_INTERNAL, 500},
	    {KITH_OK, 500},
	    {77, 500},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		cr_expect_eq(problem_status(map[i][0]), map[i][1], "code %d", map[i][0]);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

Test(problem, from_err_names_field)
{
	Err err = {0};
	err_set(&err, ERR_INVALID, "first_name", "must not be empty");
	json_t *p = problem_from_err(&err);
	cr_assert_not_null(p);
	cr_expect_str_eq(str(p, "type"), "about:blank"); /* no URI kith does not control */
	cr_expect_str_eq(str(p, "code"), "invalid");
	cr_expect_str_eq(str(p, "title"), "Unprocessable Content");
	cr_expect_eq(json_integer_value(json_object_get(p, "status")), 422);
	cr_expect_str_eq(str(p, "detail"), "first_name: must not be empty");
	json_t *e = json_array_get(json_object_get(p, "errors"), 0);
	cr_assert_not_null(e);
	cr_expect_eq(json_array_size(json_object_get(p, "errors")), 1);
	cr_expect_str_eq(str(e, "field"), "first_name");
	cr_expect_str_eq(str(e, "message"), "must not be empty");
	cr_expect_null(json_object_get(p, "existing_id"));
	json_decref(p);
}

Test(problem, conflict_carries_existing_id)
{
	Err err = {0};
	err_set(&err, ERR_CONFLICT, "email", "a contact with this email exists");
	err.ref_id = 31;
	json_t *p = problem_from_err(&err);
	cr_expect_eq(json_integer_value(json_object_get(p, "status")), 409);
	cr_expect_eq(json_integer_value(json_object_get(p, "existing_id")), 31);
	cr_expect_str_eq(str(p, "type"), "about:blank");
	cr_expect_str_eq(str(p, "code"), "conflict");
	json_decref(p);
}

Test(problem, no_field_no_errors)
{
	Err err = {0};
	err_set(&err, ERR_NOT_FOUND, NULL, "no such contact");
	json_t *p = problem_from_err(&err);
	cr_expect_eq(json_integer_value(json_object_get(p, "status")), 404);
	cr_expect_str_eq(str(p, "detail"), "no such contact");
	cr_expect_null(json_object_get(p, "errors"));
	json_decref(p);
}

Test(problem, storage_detail_is_generic)
{
	Err err = {0};
	err_set(&err, ERR_STORAGE, NULL, "query: no such table: contact_secret");
	json_t *p = problem_from_err(&err);
	cr_expect_eq(json_integer_value(json_object_get(p, "status")), 500);
	cr_expect_str_eq(str(p, "type"), "about:blank");
	cr_expect_str_eq(str(p, "code"), "storage");
	cr_expect_null(strstr(str(p, "detail"), "contact_secret"));
	json_decref(p);
}

Test(problem, about_blank_and_bad_utf8)
{
	json_t *p = problem_new(415, NULL, "Content-Type must be application/json", "Content-Type",
				NULL, 0);
	cr_expect_str_eq(str(p, "type"), "about:blank");
	cr_expect_null(json_object_get(p, "code"));
	cr_expect_str_eq(str(p, "title"), "Unsupported Media Type");
	json_t *e = json_array_get(json_object_get(p, "errors"), 0);
	cr_expect_str_eq(str(e, "message"), "Content-Type must be application/json");
	json_decref(p);
	p = problem_new(400, NULL, "bad \xff byte", "a\xfe", "m\xc3", 0);
	cr_assert_not_null(p);
	cr_expect_str_eq(str(p, "detail"), "(not valid UTF-8)");
	e = json_array_get(json_object_get(p, "errors"), 0);
	cr_expect_str_eq(str(e, "field"), "(not valid UTF-8)");
	char *dump = json_dumps(p, 0);
	cr_expect_not_null(dump);
	free(dump);
	json_decref(p);
}
