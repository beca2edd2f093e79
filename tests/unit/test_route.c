/* test_route.c - the route matcher and the compiled-in route table. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/route.h"

static int h(Req *req)
{
	return KITH_OK;
}

typedef struct MatchCase {
	const char *pattern, *path;
	int want; /* 1 match, 0 no, -1 bad id */
	int64_t id;
} MatchCase;

Test(route, match_patterns)
{
	static const MatchCase cases[] = {
	    {"/api/v1/contacts", "/api/v1/contacts", 1, 0},
	    {"/api/v1/contacts", "/api/v1/contacts/", 0, 0},
	    {"/api/v1/contacts", "/api/v1/contact", 0, 0},
	    {"/api/v1/contacts", "/api/v1/contactsx", 0, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/42", 1, 42},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/9223372036854775807", 1, INT64_MAX},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/9223372036854775808", -1, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/99999999999999999999", -1, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/abc", -1, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/0", -1, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/007", -1, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/-1", -1, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/1e3", -1, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/", 0, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts", 0, 0},
	    {"/api/v1/contacts/{id}", "/api/v1/contacts/42/restore", 0, 0},
	    {"/api/v1/contacts/{id}/restore", "/api/v1/contacts/42/restore", 1, 42},
	    {"/api/v1/contacts/{id}/restore", "/api/v1/contacts/x/restore", -1, 0},
	    {"/api/v1/contacts/{id}/restore", "/api/v1/contacts/42/restor", 0, 0},
	    {"/api/v1/contacts/{id}/restore", "/api/v1/contacts/42/restore/", 0, 0},
	    {"/api/v1/contacts/{id}/restore", "/api/v1/contacts/42", 0, 0},
	    {"/api/v1/contacts/{id}/restore", "/api/v1/contacts//restore", 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = -5;
		int got = route_match(cases[i].pattern, cases[i].path, &id);
		cr_expect_eq(got, cases[i].want, "%s vs %s: got %d", cases[i].pattern,
			     cases[i].path, got);
		if (got == 1)
			cr_expect_eq(id, cases[i].id, "%s: id %lld", cases[i].path, (long long)id);
		else
			cr_expect_eq(id, 0, "%s: id must be 0 without a match", cases[i].path);
	}
}

static const Route table[] = {
    {"GET", "/api/v1/contacts", h, PERM_READ, 0, "", "list"},
    {"POST", "/api/v1/contacts", h, PERM_WRITE, ROUTE_BODY, "", "create"},
    {"GET", "/api/v1/contacts/search", h, PERM_READ, 0, "", "search"},
    {"GET", "/api/v1/contacts/{id}", h, PERM_READ, 0, "", "get"},
    {"PATCH", "/api/v1/contacts/{id}", h, PERM_WRITE, ROUTE_BODY, "", "update"},
    {"DELETE", "/api/v1/contacts/{id}", h, PERM_WRITE, 0, "", "delete"},
    {"POST", "/api/v1/contacts/{id}/restore", h, PERM_WRITE, 0, "", "restore"},
};
#define N_TABLE ((int)(sizeof table / sizeof table[0]))

Test(route, find_exact_and_id)
{
	RouteMatch m;
	cr_assert_eq(route_find(table, N_TABLE, "POST", "/api/v1/contacts", &m), ROUTE_FOUND);
	cr_expect_eq(m.route, &table[1]);
	cr_expect_eq(m.id, 0);
	cr_assert_eq(route_find(table, N_TABLE, "PATCH", "/api/v1/contacts/17", &m), ROUTE_FOUND);
	cr_expect_eq(m.route, &table[4]);
	cr_expect_eq(m.id, 17);
	cr_assert_eq(route_find(table, N_TABLE, "POST", "/api/v1/contacts/17/restore", &m),
		     ROUTE_FOUND);
	cr_expect_eq(m.route, &table[6]);
	cr_expect_eq(m.id, 17);
}

Test(route, literal_beats_bad_id)
{
	RouteMatch m;
	cr_assert_eq(route_find(table, N_TABLE, "GET", "/api/v1/contacts/search", &m), ROUTE_FOUND);
	cr_expect_eq(m.route, &table[2]);
	/* search exists only as GET; {id} does not fit "search": 405, not 404 */
	cr_assert_eq(route_find(table, N_TABLE, "DELETE", "/api/v1/contacts/search", &m),
		     ROUTE_NO_METHOD);
	cr_expect_str_eq(m.allow, "GET");
}

Test(route, wrong_method_lists_allowed_once)
{
	RouteMatch m;
	cr_assert_eq(route_find(table, N_TABLE, "PUT", "/api/v1/contacts/5", &m), ROUTE_NO_METHOD);
	cr_expect_null(m.route);
	cr_expect_str_eq(m.allow, "GET, PATCH, DELETE");
	cr_assert_eq(route_find(table, N_TABLE, "DELETE", "/api/v1/contacts", &m), ROUTE_NO_METHOD);
	cr_expect_str_eq(m.allow, "GET, POST");
	cr_assert_eq(route_find(table, N_TABLE, "GET", "/api/v1/contacts/5/restore", &m),
		     ROUTE_NO_METHOD);
	cr_expect_str_eq(m.allow, "POST");
}

Test(route, bad_id_and_unknown_path)
{
	RouteMatch m;
	cr_expect_eq(route_find(table, N_TABLE, "GET", "/api/v1/contacts/abc", &m), ROUTE_BAD_ID);
	cr_expect_eq(route_find(table, N_TABLE, "GET", "/api/v1/contacts/0/restore", &m),
		     ROUTE_BAD_ID);
	cr_expect_eq(route_find(table, N_TABLE, "GET", "/api/v1/nothing", &m), ROUTE_NO_PATH);
	cr_expect_eq(route_find(table, N_TABLE, "GET", "/", &m), ROUTE_NO_PATH);
	cr_expect_eq(route_find(table, N_TABLE, "GET", "", &m), ROUTE_NO_PATH);
	cr_expect_eq(route_find(table, 0, "GET", "/api/v1/contacts", &m), ROUTE_NO_PATH);
}

Test(route, compiled_table_is_valid)
{
	int n;
	Err err = {0};
	const Route *r = route_table(&n);
	cr_assert_gt(n, 0);
	cr_expect_eq(route_table_check(r, n, &err), KITH_OK, "%s", err.msg);
	RouteMatch m;
	cr_assert_eq(route_find(r, n, "GET", "/api/v1/health", &m), ROUTE_FOUND);
	cr_expect_eq(m.route->perm, PERM_PUBLIC);
	cr_assert_eq(route_find(r, n, "GET", "/api/v1/me", &m), ROUTE_FOUND);
	cr_expect_eq(m.route->perm, PERM_READ);
	cr_assert_eq(route_find(r, n, "GET", "/api/v1/openapi.json", &m), ROUTE_FOUND);
	cr_expect_eq(m.route->perm, PERM_PUBLIC);
}

Test(route, table_check_rejects_mistakes)
{
	static const Route bad[][2] = {
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, "", "x"},
	     {"GET", "/api/v1/a", h, PERM_READ, 0, "", "y"}},
	    {{"GET", "/api/v1/{id}/x/{id}", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"GET", "/api/v1/{user_id}", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"GET", "/api/v1/{id}/x/{user_id}/{user_id}", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"GET", "/api/v1/{id}/x/a{user_id}", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"GET", "/api/v1/a{id}", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"GET", "/api/v1/{name}", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"GET", "/api/v1/a/", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"GET", "api/v1/a", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"FETCH", "/api/v1/a", h, PERM_READ, 0, "", "x"}, {0}},
	    {{"GET", "/api/v1/a", h, 9, 0, "", "x"}, {0}},
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, "", ""}, {0}},
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, NULL, "x"}, {0}},
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, "q,", "x"}, {0}},
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, ",q", "x"}, {0}},
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, "q,,limit", "x"}, {0}},
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, "q, limit", "x"}, {0}},
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, "Limit", "x"}, {0}},
	    {{"GET", "/api/v1/a", h, PERM_READ, 0, "limit,q,limit", "x"}, {0}},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		Err err = {0};
		int n = bad[i][1].method ? 2 : 1;
		cr_expect_eq(route_table_check(bad[i], n, &err), ERR_INTERNAL, "case %zu accepted",
			     i);
	}
	Err err = {0};
	cr_expect_eq(route_table_check(table, N_TABLE, &err), KITH_OK, "%s", err.msg);
}

Test(route, query_lists)
{
	static const Route ok[] = {
	    {"GET", "/api/v1/a", h, PERM_READ, 0, "q,limit,cursor,sort_by", "list"},
	    {"GET", "/api/v1/b", h, PERM_READ, 0, "", "none"},
	    {"GET", "/api/v1/c", h, PERM_READ, 0, "limit,limit_x", "prefix"},
	};
	Err err = {0};
	cr_expect_eq(route_table_check(ok, 3, &err), KITH_OK, "%s", err.msg);
	const char *yes[] = {"q", "limit", "cursor", "sort_by"};
	const char *no[] = {"", "l", "imit", "limi", "cursorx", "sort", "by", "q,limit", ","};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		cr_expect(route_query_allowed(&ok[0], yes[i]), "%s refused", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		cr_expect(!route_query_allowed(&ok[0], no[i]), "'%s' allowed", no[i]);
	cr_expect(!route_query_allowed(&ok[1], "q"));
	cr_expect(route_query_allowed(&ok[2], "limit_x"));
	cr_expect(route_query_allowed(&ok[2], "limit"));
}

Test(route, second_id_is_the_user_id)
{
	static const Route sub[] = {
	    {"GET", "/api/v1/deals/{id}/collaborators", h, PERM_READ, 0, "", "list"},
	    {"DELETE", "/api/v1/deals/{id}/collaborators/{user_id}", h, PERM_WRITE, 0, "",
	     "remove"},
	};
	RouteMatch m;
	Err err = {0};
	int64_t ids[ROUTE_MAX_IDS];
	cr_expect_eq(route_table_check(sub, 2, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(route_find(sub, 2, "DELETE", "/api/v1/deals/7/collaborators/12", &m),
		     ROUTE_FOUND);
	cr_expect_eq(m.id, 7);
	cr_expect_eq(m.sub_id, 12);
	cr_assert_eq(route_find(sub, 2, "GET", "/api/v1/deals/7/collaborators", &m), ROUTE_FOUND);
	cr_expect_eq(m.sub_id, 0);
	cr_expect_eq(route_find(sub, 2, "DELETE", "/api/v1/deals/7/collaborators/x", &m),
		     ROUTE_BAD_ID);
	cr_expect_str_eq(m.bad_param, "user_id");
	cr_expect_eq(route_find(sub, 2, "DELETE", "/api/v1/deals/x/collaborators/3", &m),
		     ROUTE_BAD_ID);
	cr_expect_str_eq(m.bad_param, "id");
	cr_expect_eq(route_match_ids("/api/v1/deals/{id}/collaborators/{user_id}",
				     "/api/v1/deals/1/collaborators/zero", ids),
		     -2);
	cr_expect_eq(route_match_ids("/api/v1/deals/{id}/collaborators/{user_id}",
				     "/api/v1/deals/1/collaborators/2", ids),
		     1);
	cr_expect(ids[0] == 1 && ids[1] == 2);
}

/* Web UI routes (ROUTE_WEB): outside /api/, word parameters match one
 * segment of [A-Za-z0-9._-] not starting with '.'; no id is read. */
Test(route, web_routes_and_word_parameters)
{
	static const Route web[] = {
	    {"GET", "/assets/{hash}/{name}", h, PERM_PUBLIC, ROUTE_WEB, "", "asset"},
	    {"GET", "/contacts/{id}", h, PERM_PUBLIC, ROUTE_WEB, "", "page"},
	    {"GET", "/api/v1/contacts", h, PERM_READ, 0, "", "list"},
	};
	Err err = {0};
	RouteMatch m;
	cr_expect_eq(route_table_check(web, 3, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(route_find(web, 3, "GET", "/assets/0123abcd/kith.css", &m), ROUTE_FOUND);
	cr_expect_eq(m.route, &web[0]);
	cr_expect_eq(m.id, 0);
	cr_assert_eq(route_find(web, 3, "GET", "/contacts/42", &m), ROUTE_FOUND);
	cr_expect_eq(m.id, 42);
	static const char *const no[] = {
	    "/assets/0123/..",
	    "/assets/../kith.css",
	    "/assets/0123/.hidden",
	    "/assets/0123/a b.css",
	    "/assets/0123/a%2f.css",
	    "/assets/0123/kith.css/x",
	    "/assets//kith.css",
	    "/assets/0123/",
	    "/assets/0123",
	    "/assets/0123/kith.css/",
	    "/assets/0123/k\xc3\xa9.css",
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		cr_expect_eq(route_find(web, 3, "GET", no[i], &m), ROUTE_NO_PATH, "%s matched",
			     no[i]);
	cr_expect_eq(route_find(web, 3, "POST", "/assets/0123/kith.css", &m), ROUTE_NO_METHOD);
}

Test(route, web_route_table_check)
{
	static const Route bad[] = {
	    {"GET", "/api/v1/assets/{hash}", h, PERM_PUBLIC, ROUTE_WEB, "", "under /api/"},
	    {"GET", "/assets/{Hash}", h, PERM_PUBLIC, ROUTE_WEB, "", "upper-case name"},
	    {"GET", "/assets/{}", h, PERM_PUBLIC, ROUTE_WEB, "", "empty name"},
	    {"GET", "/assets/a{hash}", h, PERM_PUBLIC, ROUTE_WEB, "", "half a segment"},
	    {"GET", "/assets/{hash}x", h, PERM_PUBLIC, ROUTE_WEB, "", "half a segment"},
	    {"GET", "/assets/{hash", h, PERM_PUBLIC, ROUTE_WEB, "", "unclosed"},
	    {"GET", "/assets/hash}", h, PERM_PUBLIC, ROUTE_WEB, "", "stray brace"},
	    {"GET", "/assets//x", h, PERM_PUBLIC, ROUTE_WEB, "", "empty segment"},
	    {"GET", "/assets/", h, PERM_PUBLIC, ROUTE_WEB, "", "trailing slash"},
	    {"GET", "assets", h, PERM_PUBLIC, ROUTE_WEB, "", "relative"},
	    /* a first segment that is a parameter would match /api/...: web
	     * routes come first in the table and would take API paths */
	    {"GET", "/{noun}/{slug}/{tab}", h, PERM_PUBLIC, ROUTE_WEB, "", "first segment a word"},
	    {"GET", "/{id}/x", h, PERM_PUBLIC, ROUTE_WEB, "", "first segment an id"},
	    {"GET", "/api", h, PERM_PUBLIC, ROUTE_WEB, "", "/api itself"},
	    {"GET", "/api/{page}", h, PERM_PUBLIC, ROUTE_WEB, "", "under /api"},
	    {"GET", "/assets/{hash}", h, PERM_READ, ROUTE_WEB, "", "a token on a web route"},
	    /* an API route may not take a word parameter, nor leave /api/ */
	    {"GET", "/api/v1/{hash}", h, PERM_PUBLIC, 0, "", "word in the API"},
	    {"GET", "/assets/x", h, PERM_PUBLIC, 0, "", "API route outside /api/"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		Err err = {0};
		cr_expect_eq(route_table_check(&bad[i], 1, &err), ERR_INTERNAL, "%s (%s) accepted",
			     bad[i].pattern, bad[i].summary);
	}
}

Test(route, compiled_table_serves_assets_as_a_web_route)
{
	int n;
	const Route *r = route_table(&n);
	RouteMatch m;
	cr_assert_eq(route_find(r, n, "GET", "/assets/0123456789abcdef/kith.css", &m), ROUTE_FOUND);
	cr_expect(m.route->flags & ROUTE_WEB);
	cr_expect_eq(m.route->perm, PERM_PUBLIC);
	for (int i = 0; i < n; i++) /* web routes live outside /api/, API routes inside */
		cr_expect_eq(!(r[i].flags & ROUTE_WEB),
			     strncmp(r[i].pattern, "/api/", 5) == 0 ||
				 strcmp(r[i].pattern, "/") == 0,
			     "%s %s", r[i].method, r[i].pattern);
}
