/* test_search.c - the full-text index behind store/search.h: documents put,
 * replaced and removed (at commit inside a transaction, dropped on
 * rollback), and user queries turned into match expressions: folded, every
 * word a prefix, no operator injection, bad queries named "q".
 * Queries run through the public SEARCH_* fragments, so the test follows
 * the backend. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/text.h"
#include "fixture.h"
#include "store/search.h"

static Fixture fx;
static void setup(void)
{
	fixture_open(&fx, NULL);
}
static void teardown(void)
{
	fixture_close(&fx);
}

TestSuite(search, .init = setup, .fini = teardown);

static void put(const char *kind, int64_t id, const char *text)
{
	Buf doc;
	Err err = {0};
	buf_init(&doc, 0);
	text_search_doc(&doc, text);
	cr_assert_eq(search_put(fx.db, kind, id, buf_str(&doc), &err), KITH_OK, "%s", err.msg);
	buf_free(&doc);
}

/* "1,6": the ids 1..100 of kind whose document matches query, in order;
 * "error q" when the query is refused. */
static const char *ids(const char *kind, const char *query)
{
	static const char contact_sql[] =
	    "WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c WHERE id < 100) "
	    "SELECT c.id FROM c" SEARCH_JOIN_CONTACT "WHERE" SEARCH_MATCH_CONTACT "ORDER BY c.id";
	static const char company_sql[] =
	    "WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c WHERE id < 100) "
	    "SELECT c.id FROM c" SEARCH_JOIN_COMPANY "WHERE" SEARCH_MATCH_COMPANY "ORDER BY c.id";
	static char out[256];
	Buf expr;
	Err err = {0};
	DbStmt *st;
	buf_init(&expr, 0);
	if (search_match_expr(query, &expr, &err)) {
		snprintf(out, sizeof out, "error %s", err.field);
		buf_free(&expr);
		return out;
	}
	int rc = db_prepare(fx.db, &st, strcmp(kind, "contact") ? company_sql : contact_sql, &err);
	cr_assert_eq(rc, KITH_OK, "%s", err.msg);
	db_bind_text(st, 1, buf_str(&expr));
	out[0] = '\0';
	while ((rc = db_step(st, &err)) == DB_ROW)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", out[0] ? "," : "",
			 (long long)db_col_int(st, 0));
	db_reset(st);
	cr_assert_eq(rc, DB_DONE, "query '%s' as '%s': %s", query, buf_str(&expr), err.msg);
	buf_free(&expr);
	return out;
}

static void put_people(void)
{
	put("contact", 1, "Anna Kowalska anna@example.pl +48601234567 vip");
	put("contact", 2, "Zażółć Gęślą Jaźń");
	put("contact", 3, "บริษัทตัวอย่างจำกัด");
	put("contact", 4, "İlker Işık İstanbul");
	put("contact", 5, "Jean-Luc O'Brien");
	put("contact", 6, "Ewa Nowak");
}

Test(search, queries_fold_and_match_every_word_as_a_prefix)
{
	static const struct {
		const char *q, *want;
	} cases[] = {
	    {"kowal", "1"},    {"KOWALSKA anna", "1"}, {"anna   kowalska", "1"}, {"anna nowak", ""},
	    {"e", "1,6"},      {"zazolc", "2"},	       {"ZAŻÓŁĆ jaźń", "2"},	 {"gesla", "2"},
	    {"ตัวอย่าง", "3"}, /* inside a Thai run written without spaces */
	    {"บริษัท", "3"},     {"istanbul", "4"},      {"İSTANBUL", "4"},	 {"jean luc", "5"},
	    {"Jean-Luc", "5"}, {"brien", "5"},	       {"example.pl", "1"},	 {"nobody", ""},
	};
	put_people();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_str_eq(ids("contact", cases[i].q), cases[i].want, "query '%s'",
				 cases[i].q);
}

Test(search, no_search_operators_get_through)
{
	static const struct {
		const char *q, *want;
	} cases[] = {
	    /* each is words, never FTS5 syntax, and never an SQL error */
	    {"kowal\" OR \"nowak", ""},
	    {"kowal OR nowak", ""},
	    {"kowal*", "1"},
	    {"-anna", "1"},
	    {"^anna", "1"},
	    {"anna:", "1"},
	    {"doc: anna", ""},
	    {"NEAR(anna kowalska)", ""},
	    {"(anna)", "1"},
	    {"anna AND", ""},
	    {"\"", "error q"},
	    {"*", "error q"},
	    {"\"\"", "error q"},
	};
	put_people();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_str_eq(ids("contact", cases[i].q), cases[i].want, "query '%s'",
				 cases[i].q);
}

Test(search, bad_queries_are_named_q)
{
	char long_query[KITH_MAX_SHORT * 4 + 2];
	memset(long_query, 'a', sizeof long_query - 1);
	long_query[sizeof long_query - 1] = '\0';
	const char *cases[] = {"", "   ", "!!! ...", "\xff", "anna \xc3", NULL, long_query};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Buf out;
		Err err = {0};
		buf_init(&out, 0);
		cr_expect_eq(search_match_expr(cases[i], &out, &err), ERR_INVALID, "case %zu", i);
		cr_expect_str_eq(err.field, "q", "case %zu", i);
		cr_expect_neq(err.msg[0], '\0');
		buf_free(&out);
	}
}

Test(search, words_past_the_limit_are_ignored)
{
	Buf q;
	buf_init(&q, 0);
	for (unsigned i = 0; i < KITH_MAX_QUERY_TERMS; i++)
		buf_adds(&q, "anna ");
	buf_adds(&q, "zzz");
	put_people();
	cr_expect_str_eq(ids("contact", buf_str(&q)), "1",
			 "only the first KITH_MAX_QUERY_TERMS words count");
	buf_free(&q);
}

Test(search, put_replaces_and_remove_removes)
{
	Err err = {0};
	put_people();
	put("contact", 6, "Ewa Kowal");
	cr_expect_str_eq(ids("contact", "nowak"), "", "the old document is gone");
	cr_expect_str_eq(ids("contact", "kowal"), "1,6");
	cr_assert_eq(search_remove(fx.db, "contact", 6, &err), KITH_OK, "%s", err.msg);
	cr_expect_str_eq(ids("contact", "ewa"), "");
	cr_expect_eq(search_remove(fx.db, "contact", 99, &err), KITH_OK, "absent is no error");
	cr_expect_eq(search_remove(fx.db, "contact", 6, &err), KITH_OK, "twice is no error");
}

Test(search, contacts_and_companies_are_separate)
{
	put("contact", 1, "Acme Person");
	put("company", 1, "Kowalski Sp. z o.o.");
	put("company", 2, "Acme Ltd");
	cr_expect_str_eq(ids("contact", "acme"), "1");
	cr_expect_str_eq(ids("company", "acme"), "2");
	cr_expect_str_eq(ids("company", "kowalski sp"), "1");
	cr_expect_str_eq(ids("contact", "kowalski"), "");
}

Test(search, writes_follow_their_transaction)
{
	Err err = {0};
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	put("contact", 7, "Zygmunt Wolski");
	cr_assert_eq(search_remove(fx.db, "contact", 7, &err), KITH_OK);
	put("contact", 7, "Zygmunt Nowy");
	cr_assert_eq(db_commit(fx.db, &err), KITH_OK, "%s", err.msg);
	cr_expect_str_eq(ids("contact", "zygmunt nowy"), "7", "applied in the order queued");
	cr_expect_str_eq(ids("contact", "wolski"), "");
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	put("contact", 8, "Rolled Back");
	cr_assert_eq(search_remove(fx.db, "contact", 7, &err), KITH_OK);
	db_rollback(fx.db);
	cr_expect_str_eq(ids("contact", "rolled"), "", "dropped on rollback");
	cr_expect_str_eq(ids("contact", "zygmunt"), "7");
}
