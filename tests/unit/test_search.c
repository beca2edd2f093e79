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
	search_bind_match(st, 1, buf_str(&expr));
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

/* search_rank of a document (folded like search_put's) for a query. */
static int64_t rank_of(const char *text, const char *query)
{
	Buf doc, expr;
	Err err = {0};
	buf_init(&doc, 0);
	buf_init(&expr, 0);
	text_search_doc(&doc, text);
	cr_assert_eq(search_match_expr(query, &expr, &err), KITH_OK, "%s", err.msg);
	int64_t r = search_rank(buf_str(&doc), doc.len, buf_str(&expr));
	buf_free(&doc);
	buf_free(&expr);
	return r;
}

/* The rank reads only the document and the query (lower is better): whole
 * words before prefixes, more occurrences, earlier, shorter. */
Test(search, the_rank_depends_on_the_document_and_the_query_only)
{
	cr_expect_lt(rank_of("Jan Kowalski", "kowalski"), rank_of("Jan Kowalskiego", "kowalski"),
		     "a whole word before a prefix");
	cr_expect_lt(rank_of("Kowalski Kowalski", "kowalski"), rank_of("Jan Kowalski", "kowalski"),
		     "two occurrences before one");
	cr_expect_lt(rank_of("Kowalski Jan", "kowalski"), rank_of("Jan Kowalski", "kowalski"),
		     "earlier before later");
	cr_expect_lt(rank_of("Jan Kowalski", "kowalski"),
		     rank_of("Jan Kowalski, call about the offer", "kowalski"),
		     "shorter before longer");
	cr_expect_lt(rank_of("Jan Kowalski", "jan kowalski"),
		     rank_of("Janusz Kowalski", "jan kowalski"), "both words whole");
	cr_expect_eq(rank_of("Łukasz Işık", "isik"), rank_of("Lukasz Isik", "ışık"),
		     "folded like the index");
	cr_expect_lt(rank_of("บริษัทตัวอย่างจำกัด", "ตัวอย่าง"), rank_of("บริษัทจำกัด", "ตัวอย่าง"),
		     "a Thai word inside a run, as the index finds it");
}

/* A walk's cursor key comes back as it went; anything else is refused as
 * "cursor". */
Test(search, walk_keys_round_trip)
{
	Err err = {0};
	Buf k;
	SearchWalk w = {.bound = 420, .rank = -281474976710656, .id = 17}, back;
	buf_init(&k, 0);
	search_walk_key(&w, &k);
	cr_assert_eq(search_walk_parse(buf_str(&k), 17, &back, &err), KITH_OK, "%s", err.msg);
	cr_expect(back.bound == 420 && back.rank == w.rank && back.id == 17);
	buf_free(&k);
	static const char *const bad[] = {"", "420", "420:", "x:1", "420:1x", "0:5", "-3:5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_eq(search_walk_parse(bad[i], 17, &back, &err), ERR_INVALID, "'%s'",
			     bad[i]);
		cr_expect_str_eq(err.field, "cursor");
	}
	cr_expect_eq(search_walk_parse("420:5", 421, &back, &err), ERR_INVALID,
		     "an id past the bound");
}

/* The ranked part of a page (search_rows_*): a first walk starts at the
 * largest id of the first SEARCH_RANK_CANDIDATES matches; the caller's
 * by-id statement runs for the candidates in rank order, with the
 * parameters it bound kept, and the candidates it gives no row for (a
 * record the actor may not see) are passed over; a later page refuses a
 * bound that holds more than SEARCH_RANK_WALK (a cursor we did not make, or
 * the matches changed too much), so a page never ranks more than that. */
Test(search, ranked_rows_pass_over_what_the_statement_leaves_out)
{
	static const char by_id[] = "SELECT" SEARCH_ROWID "FROM contact_fts s WHERE" SEARCH_ROWID
				    "= ? AND" SEARCH_ROWID "% 3 <> ?";
	Err err = {0};
	Buf expr;
	SearchHit hits[SEARCH_RANK_WALK];
	SearchRows r;
	DbStmt *st;
	int n = 0, all = 1, k = 0, rows = 0, rc;
	int64_t rank = 0;
	buf_init(&expr, 0);
	cr_assert_eq(search_match_expr("alpha", &expr, &err), KITH_OK);
	for (int i = 1; i <= SEARCH_RANK_WALK + 1; i++)
		put("contact", i, i % 2 ? "Alpha Beta" : "Alpha");
	SearchWalk w = {0}, ref = {0};
	cr_assert_eq(search_walk_read(fx.db, "contact", buf_str(&expr), &ref, hits, &n, &all, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(search_rows_open(fx.db, "contact", buf_str(&expr), &w, &r, &err), KITH_OK,
		     "%s", err.msg);
	cr_expect_eq(w.bound, SEARCH_RANK_CANDIDATES);
	cr_expect_eq(w.rank, INT64_MIN);
	cr_expect_eq(r.all, 0, "more matches follow the bound");
	cr_assert_eq(db_prepare(fx.db, &st, by_id, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 2, 0); /* every third is left out */
	while ((rc = search_rows_next(&r, st, &rank, &err)) == DB_ROW) {
		while (k < n && hits[k].id % 3 == 0)
			k++;
		cr_assert_lt(k, n, "row %d is none of the candidates", rows);
		cr_expect_eq(db_col_int(st, 0), hits[k].id, "row %d", rows);
		cr_expect_eq(rank, hits[k].rank, "row %d", rows);
		k++;
		rows++;
	}
	cr_expect_eq(rc, DB_DONE, "%s", err.msg);
	cr_expect_eq(rows, SEARCH_RANK_CANDIDATES - SEARCH_RANK_CANDIDATES / 3);
	search_rows_close(&r, st);
	cr_expect(r.hits == NULL && r.n_hits == 0);
	w = (SearchWalk){.bound = SEARCH_RANK_WALK, .rank = INT64_MIN};
	cr_expect_eq(search_rows_open(fx.db, "contact", buf_str(&expr), &w, &r, &err), KITH_OK);
	cr_expect_eq(r.n_hits, SEARCH_RANK_WALK);
	search_rows_close(&r, NULL);
	w.bound = SEARCH_RANK_WALK + 1;
	cr_expect_eq(search_rows_open(fx.db, "contact", buf_str(&expr), &w, &r, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "cursor");
	search_rows_close(&r, NULL);
	buf_free(&expr);
}

/* search_walk_read: the candidates of a walk read once, with their ranks,
 * best first (rank, then id) after the keyset; a first page's bound is the
 * largest id of the first SEARCH_RANK_CANDIDATES matches; a later page's bound that holds more than
 * SEARCH_RANK_WALK is refused as "cursor"; *all only when the first page
 * found every match. */
Test(search, a_walk_reads_its_candidates_once_in_rank_order)
{
	static const char *const docs[] = {"Alpha Beta", "Alphabet", "Alpha", "Alpha Alpha Gamma"};
	Err err = {0};
	Buf expr;
	SearchHit hits[SEARCH_RANK_WALK];
	int n = 0, all = 1;
	buf_init(&expr, 0);
	cr_assert_eq(search_match_expr("alpha", &expr, &err), KITH_OK);
	for (int i = 1; i <= SEARCH_RANK_WALK + 1; i++)
		put("contact", i, docs[(i * 5) % 4]);
	SearchWalk w = {0};
	cr_assert_eq(search_walk_read(fx.db, "contact", buf_str(&expr), &w, hits, &n, &all, &err),
		     KITH_OK, "%s", err.msg);
	cr_expect(w.rank == INT64_MIN && w.id == 0);
	cr_expect_eq(w.bound, SEARCH_RANK_CANDIDATES);
	cr_expect_eq(n, SEARCH_RANK_CANDIDATES);
	cr_expect_eq(all, 0, "more matches follow the bound");
	char seen[SEARCH_RANK_CANDIDATES + 1] = {0};
	for (int i = 0; i < n; i++) {
		cr_assert(hits[i].id >= 1 && hits[i].id <= SEARCH_RANK_CANDIDATES);
		cr_expect(!seen[hits[i].id], "#%lld twice", (long long)hits[i].id);
		seen[hits[i].id] = 1;
		cr_expect_eq(hits[i].rank, rank_of(docs[(hits[i].id * 5) % 4], "alpha"));
		if (i)
			cr_expect(
			    hits[i - 1].rank < hits[i].rank ||
				(hits[i - 1].rank == hits[i].rank && hits[i - 1].id < hits[i].id),
			    "#%d out of order", i);
	}
	/* after the keyset of the 50th: the rest, in the same order */
	SearchHit first[SEARCH_RANK_CANDIDATES];
	memcpy(first, hits, sizeof first);
	SearchWalk later = {.bound = w.bound, .rank = first[49].rank, .id = first[49].id};
	cr_assert_eq(
	    search_walk_read(fx.db, "contact", buf_str(&expr), &later, hits, &n, &all, &err),
	    KITH_OK, "%s", err.msg);
	cr_expect_eq(n, SEARCH_RANK_CANDIDATES - 50);
	cr_expect_eq(all, 0, "a later page does not know what follows its bound");
	for (int i = 0; i < n; i++)
		cr_expect(hits[i].id == first[50 + i].id && hits[i].rank == first[50 + i].rank,
			  "#%d", i);
	later = (SearchWalk){.bound = SEARCH_RANK_WALK, .rank = INT64_MIN};
	cr_expect_eq(
	    search_walk_read(fx.db, "contact", buf_str(&expr), &later, hits, &n, &all, &err),
	    KITH_OK);
	cr_expect_eq(n, SEARCH_RANK_WALK);
	later.bound = SEARCH_RANK_WALK + 1;
	cr_expect_eq(
	    search_walk_read(fx.db, "contact", buf_str(&expr), &later, hits, &n, &all, &err),
	    ERR_INVALID);
	cr_expect_str_eq(err.field, "cursor");
	/* few matches: every one is a candidate */
	buf_reset(&expr);
	cr_assert_eq(search_match_expr("gamma", &expr, &err), KITH_OK);
	w = (SearchWalk){0};
	cr_assert_eq(search_walk_read(fx.db, "contact", buf_str(&expr), &w, hits, &n, &all, &err),
		     KITH_OK);
	cr_expect_eq(all, 1);
	int gammas = 0;
	for (int i = 1; i <= SEARCH_RANK_WALK + 1; i++)
		gammas += strstr(docs[(i * 5) % 4], "Gamma") != NULL;
	cr_expect_eq(n, gammas);
	cr_expect_eq(w.bound, SEARCH_RANK_WALK - 1, "the last Gamma");
	buf_reset(&expr);
	cr_assert_eq(search_match_expr("zeta", &expr, &err), KITH_OK);
	w = (SearchWalk){0};
	cr_assert_eq(search_walk_read(fx.db, "contact", buf_str(&expr), &w, hits, &n, &all, &err),
		     KITH_OK);
	cr_expect(all == 1 && n == 0 && w.bound == 0, "no match");
	buf_free(&expr);
}

/* A ranked query's words are SEARCH_RANK_MIN_CHARS characters or more, so
 * the index keeps prefixes of every length up to that one (migration 015):
 * without the longest, FTS5 merges the lists of every word with that
 * prefix on each match, a cost that grows with the table. (SQLite: FTS5
 * keeps its options in the table's CREATE statement; PostgreSQL: the terms
 * of a document hold each word's prefixes as lexemes "p:<prefix>",
 * store/search_pg.h.) */
Test(search, every_prefix_up_to_a_ranked_word_has_an_index)
{
	static const char sql[] = "SELECT sql FROM sqlite_master WHERE name = ?";
	const char *const tables[] = {"contact_fts", "company_fts"};
	if (strcmp(db_backend(fx.db), "postgres") == 0) {
		static const char *const terms[] = {
		    "SELECT ' ' || array_to_string(tsvector_to_array(terms), ' ') || ' ' "
		    "FROM contact_fts WHERE id = 1",
		    "SELECT ' ' || array_to_string(tsvector_to_array(terms), ' ') || ' ' "
		    "FROM company_fts WHERE id = 1"};
		const char *word = "kowalskiego";
		put("contact", 1, "Jan Kowalskiego");
		put("company", 1, "Kowalskiego Sp.");
		for (int i = 0; i < 2; i++) {
			Err err = {0};
			DbStmt *st;
			cr_assert_eq(db_prepare(fx.db, &st, terms[i], &err), KITH_OK, "%s",
				     err.msg);
			cr_assert_eq(db_step(st, &err), DB_ROW, "%s", tables[i]);
			for (int n = 1; n <= SEARCH_RANK_MIN_CHARS; n++) {
				char want[32];
				snprintf(want, sizeof want, " p:%.*s ", n, word);
				cr_expect(strstr(db_col_text(st, 0), want), "%s: %s has no%s",
					  tables[i], db_col_text(st, 0), want);
			}
			db_reset(st);
		}
		return;
	}
	char want[64] = "prefix = '";
	for (int n = 1; n <= SEARCH_RANK_MIN_CHARS; n++)
		snprintf(want + strlen(want), sizeof want - strlen(want), "%s%d", n > 1 ? " " : "",
			 n);
	strcat(want, "'");
	for (int i = 0; i < 2; i++) {
		Err err = {0};
		DbStmt *st;
		cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
		db_bind_text(st, 1, tables[i]);
		cr_assert_eq(db_step(st, &err), DB_ROW, "%s", tables[i]);
		cr_expect(strstr(db_col_text(st, 0), want), "%s: %s has no %s", tables[i],
			  db_col_text(st, 0), want);
		db_reset(st);
	}
}

/* A ranked page's next batch: what it needs, scaled up by the share of the
 * candidates bound so far that turned out visible, never past the walk. */
Test(search, rows_want_scales_by_the_share_found)
{
	static const int cases[][4] = {
	    /* need, bound, found, want */
	    {20, 0, 0, 20},			      /* the first batch: what the page needs */
	    {20, 20, 20, 21},			      /* all seen: about the same again */
	    {10, 30, 10, 31},			      /* a third seen: three times as many */
	    {5, 40, 0, SEARCH_RANK_WALK},	      /* none seen yet: every candidate */
	    {200, 400, 1, SEARCH_RANK_WALK},	      /* capped at the walk */
	    {50, 10, 100, 50},			      /* never fewer than needed */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(search_rows_want(cases[i][0], cases[i][1], cases[i][2]), cases[i][3],
			     "case %zu", i);
}
