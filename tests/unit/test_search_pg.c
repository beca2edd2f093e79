/* test_search_pg.c - PostgreSQL's search terms (store/search_pg.c): the
 * tokens are those SQLite's FTS5 index makes of the same document (read
 * back from the index itself), and the tsvector and tsquery literals. */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "base/text.h"
#include "store/search.h"
#include "store/search_pg.h"

static Fixture fx;
static void setup(void)
{
	fixture_open(&fx, NULL);
}
static void teardown(void)
{
	fixture_close(&fx);
}

TestSuite(search_pg, .init = setup, .fini = teardown);

static void collect(void *arg, const char *tok, size_t len)
{
	Buf *b = arg;
	buf_add(b, tok, len);
	buf_addc(b, '|');
}

/* The tokens FTS5 made of document id, in order, each followed by '|'. */
static void fts5_tokens(int64_t id, Buf *out)
{
	static const char vocab[] =
	    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, contact_fts, instance)";
	static const char sql[] = "SELECT term FROM temp.v WHERE doc = ? AND term NOT LIKE '%:%' "
				  "ORDER BY offset";
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(db_exec_script(fx.db, vocab, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, id);
	while (db_step(st, &err) == DB_ROW) {
		buf_adds(out, db_col_text(st, 0));
		buf_addc(out, '|');
	}
	db_reset(st);
}

Test(search_pg, tokens_are_those_fts5_makes)
{
	static const char *const texts[] = {
	    "Zażółć gęślą jaźń, ŁÓDŹ",
	    "İstanbul Işık ığdır ŞÇĞÜÖ",
	    "บริษัทตัวอย่างจำกัด นายสมชาย ใจดี ๆ ฿100 ๏",
	    "o'brien-smith jan.kowalski@example.com +48 601-234-567",
	    "Ωmega Ζεύς Москва ĳsselmeer ﬁle",
	    "emoji 😀 mid😀word «quoted» — dash… ellipsis",
	    "x² ½ Ⅻ ٣٤ tab\there\nnew line",
	    "ñandú Ærø straße Ǆemal",
	    "Nguyễn Trần Đức ǅ Ș",
	    "",
	};
	fixture_use_sqlite(&fx, NULL); /* FTS5 is the reference: on SQLite in both passes */
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		Buf doc, want, got;
		Err err = {0};
		buf_init(&doc, 0);
		buf_init(&want, 0);
		buf_init(&got, 0);
		text_search_doc(&doc, texts[i]);
		cr_assert_eq(search_put(fx.db, "contact", (int64_t)i + 1, buf_str(&doc), &err),
			     KITH_OK, "%s", err.msg);
		fts5_tokens((int64_t)i + 1, &want);
		search_pg_tokens(buf_str(&doc), collect, &got);
		cr_expect_str_eq(buf_str(&got), buf_str(&want), "text %zu: %s: %s / %s", i, texts[i],
				 buf_str(&got), buf_str(&want));
		buf_free(&doc);
		buf_free(&want);
		buf_free(&got);
	}
}

Test(search_pg, terms_are_tokens_and_their_prefixes)
{
	Buf b;
	buf_init(&b, 0);
	search_pg_terms("ab łódź 12345", &b);
	cr_expect_str_eq(buf_str(&b), " 'ab' 'p:a' 'p:ab' 'łodz' 'p:ł' 'p:ło' 'p:łod' 'p:łodz'"
				      " '12345' 'p:1' 'p:12' 'p:123' 'p:1234'");
	buf_free(&b);
	buf_init(&b, 0);
	search_pg_terms("", &b);
	cr_expect_str_eq(buf_str(&b), "");
	buf_free(&b);
}

Test(search_pg, queries_use_a_prefix_lexeme_or_a_prefix_match)
{
	Buf match, b;
	Err err = {0};
	buf_init(&match, 0);
	buf_init(&b, 0);
	cr_assert_eq(search_match_expr("Łó kowalski 601", &match, &err), KITH_OK);
	search_pg_query(buf_str(&match), &b);
	cr_expect_str_eq(buf_str(&b), " 'p:lo' & 'kowalski':* & 'p:601'");
	buf_free(&match);
	buf_free(&b);
	buf_init(&match, 0);
	buf_init(&b, 0);
	cr_assert_eq(search_match_expr("+48 601-234-567", &match, &err), KITH_OK);
	search_pg_query(buf_str(&match), &b);
	cr_expect_str_eq(buf_str(&b), " '48601234567':*");
	buf_free(&match);
	buf_free(&b);
}

static void longest(void *arg, const char *tok, size_t len)
{
	(void)tok;
	size_t *max = arg;
	if (len > *max)
		*max = len;
}

Test(search_pg, long_tokens_are_cut_at_a_character)
{
	Buf doc, q, match;
	size_t max = 0;
	buf_init(&doc, 0);
	buf_init(&q, 0);
	buf_init(&match, 0);
	for (int i = 0; i < 1000; i++)
		buf_adds(&doc, "ก"); /* 3 bytes each */
	search_pg_tokens(buf_str(&doc), longest, &max);
	cr_expect_leq(max, (size_t)SEARCH_PG_TOKEN_MAX);
	cr_expect_eq(max % 3, 0, "cut inside a character: %zu bytes", max);
	/* a match expression as search_match_expr writes one (a user's query
	 * is shorter: KITH_MAX_URL) */
	buf_addc(&match, '"');
	buf_adds(&match, buf_str(&doc));
	buf_adds(&match, "\"*");
	search_pg_query(buf_str(&match), &q);
	cr_expect_lt(q.len, (size_t)SEARCH_PG_TOKEN_MAX + 16);
	buf_free(&doc);
	buf_free(&q);
	buf_free(&match);
}
