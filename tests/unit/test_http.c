/* test_http.c - the handler helpers of http.h that need no socket:
 * If-Match and ?limit= parsing, replies, problems, ETag, Location, lists. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/limits.h"
#include "http/http.h"

Test(http, parse_if_match)
{
	static const struct {
		const char *in;
		int rc;
		int64_t v;
	} cases[] = {
	    {"\"3\"", 0, 3},
	    {"W/\"3\"", 0, 3},
	    {"  \"12\"  ", 0, 12},
	    {"\"0\"", 0, 0},
	    {"\"9223372036854775807\"", 0, INT64_MAX},
	    {"\"9223372036854775808\"", -2, 0},
	    {"\"99999999999999999999\"", -2, 0},
	    {"3", -2, 0},
	    {"\"\"", -2, 0},
	    {"\"3", -2, 0},
	    {"\"3\"x", -2, 0},
	    {"*", -2, 0},
	    {"\"1\", \"2\"", -2, 0},
	    {"\"-1\"", -2, 0},
	    {"\"abc\"", -2, 0},
	    {"w/\"3\"", -2, 0},
	    {"", -2, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = -7;
		int rc = req_parse_if_match(cases[i].in, &v);
		cr_expect_eq(rc, cases[i].rc, "'%s': rc %d", cases[i].in, rc);
		cr_expect_eq(v, rc == 0 ? cases[i].v : -7, "'%s': version %lld", cases[i].in,
			     (long long)v);
	}
	int64_t v = -7;
	cr_expect_eq(req_parse_if_match(NULL, &v), -1);
	cr_expect_eq(v, -7);
}

Test(http, if_match_missing_is_428)
{
	Req req = {0};
	int64_t v = 0;
	cr_expect_neq(req_if_match_or_fail(&req, &v), 0);
	cr_expect_eq(req.status, 428);
	cr_expect(req.problem);
	const char *detail = json_string_value(json_object_get(req.out, "detail"));
	cr_expect(detail && strstr(detail, "If-Match header is required"));
	json_t *e = json_array_get(json_object_get(req.out, "errors"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(e, "field")), "If-Match");
	json_decref(req.out);
}

Test(http, parse_limit)
{
	int limit = 0;
	Err err = {0};
	cr_expect_eq(req_parse_limit(NULL, &limit, &err), KITH_OK);
	cr_expect_eq(limit, KITH_LIST_DEFAULT);
	cr_expect_eq(req_parse_limit("1", &limit, &err), KITH_OK);
	cr_expect_eq(limit, 1);
	cr_expect_eq(req_parse_limit("500", &limit, &err), KITH_OK);
	cr_expect_eq(limit, KITH_LIST_MAX);
	static const char *const bad[] = {
	    "0", "501", "abc", "", "10x", "-5", " 5", "+5", "99999999999999999999", NULL};
	for (const char *const *b = bad; *b; b++) {
		limit = 33;
		err_clear(&err);
		cr_expect_eq(req_parse_limit(*b, &limit, &err), ERR_INVALID, "'%s' accepted", *b);
		cr_expect_str_eq(err.field, "limit");
		cr_expect_eq(limit, 33, "'%s' changed the limit", *b);
	}
}

Test(http, reply_fail_and_headers)
{
	Req req = {.method = "GET", .path = "/api/v1/x"};
	Err err = {0};
	req_reply(&req, 200, json_pack("{s:i}", "a", 1));
	cr_expect_eq(req.status, 200);
	cr_expect_not(req.problem);
	err_set(&err, ERR_GONE, NULL, "the contact is in the trash");
	req_fail(&req, &err); /* replaces the earlier body (ASan would see a leak) */
	cr_expect_eq(req.status, 410);
	cr_expect(req.problem);
	cr_expect_str_eq(json_string_value(json_object_get(req.out, "type")), "about:blank");
	cr_expect_str_eq(json_string_value(json_object_get(req.out, "code")), "gone");
	req_fail_status(&req, 413, NULL, "too big");
	cr_expect_eq(req.status, 413);
	cr_expect_str_eq(json_string_value(json_object_get(req.out, "type")), "about:blank");
	cr_expect_null(json_object_get(req.out, "errors"));
	req_reply(&req, 204, NULL);
	cr_expect_eq(req.status, 204);
	cr_expect_null(req.out);
	cr_expect_not(req.problem);
	req_set_etag(&req, 7);
	cr_expect_str_eq(req.etag, "\"7\"");
	req_set_location(&req, "/api/v1/contacts/%d", 12);
	cr_expect_str_eq(req.location, "/api/v1/contacts/12");
}

Test(http, reply_list_shape)
{
	Req req = {0};
	req_reply_list(&req, json_pack("[i,i]", 1, 2), "abc");
	cr_expect_eq(req.status, 200);
	cr_expect_eq(json_array_size(json_object_get(req.out, "items")), 2);
	cr_expect_str_eq(json_string_value(json_object_get(req.out, "next")), "abc");
	req_reply_list(&req, json_array(), NULL);
	cr_expect(json_is_null(json_object_get(req.out, "next")));
	cr_expect_eq(json_array_size(json_object_get(req.out, "items")), 0);
	json_decref(req.out);
}

Test(http, list_params_without_query)
{
	Req req = {0};
	int limit = 0;
	const char *cursor = "x";
	Err err = {0};
	cr_expect_eq(req_list_params(&req, &limit, &cursor, &err), KITH_OK);
	cr_expect_eq(limit, KITH_LIST_DEFAULT);
	cr_expect_null(cursor);
	cr_expect_null(req_header(&req, "If-Match"));
}

Test(http, invalid_or_fail_names_the_field)
{
	Req req = {.method = "GET", .path = "/api/v1/x"};
	cr_expect_neq(req_invalid_or_fail(&req, "force", "must be true or false"), 0);
	cr_expect_eq(req.status, 422);
	cr_expect(req.problem);
	json_t *e = json_array_get(json_object_get(req.out, "errors"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(e, "field")), "force");
	cr_expect_str_eq(json_string_value(json_object_get(e, "message")),
			 "must be true or false");
	json_decref(req.out);
}

Test(http, query_helpers_without_query)
{
	Req req = {0};
	int flag = 7;
	int64_t id = 7;
	cr_expect_eq(req_query_bool_or_fail(&req, "force", &flag), 0);
	cr_expect_eq(flag, 0);
	cr_expect_eq(req_query_id_or_fail(&req, "owner_id", &id), 0);
	cr_expect_eq(id, 0);
	cr_expect_null(req.out);
	cr_expect_eq(req.status, 0);
}

Test(http, reply_record_sets_etag)
{
	Req req = {0};
	cr_expect_eq(req_reply_record(&req, 201, json_pack("{s:i, s:i}", "id", 4, "version", 9)),
		     KITH_OK);
	cr_expect_eq(req.status, 201);
	cr_expect_str_eq(req.etag, "\"9\"");
	cr_expect_eq(json_integer_value(json_object_get(req.out, "id")), 4);
	json_decref(req.out);
}
