/* test_dbcheck.c - kith db check (core/dbcheck.c, store's db_check and
 * search_check) on the backend the suite runs on: a clean database has no
 * finding; each deliberate corruption (a search row deleted, a document or
 * its terms changed, a document without its record, a foreign key broken
 * behind the database's back, an older schema) is reported naming its
 * table and record. */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "core/dbcheck.h"
#include "crm/company.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;

static void setup(void)
{
	fixture_open(&fx, NULL);
	/* as hooks_install() does */
	dbcheck_set_search("contact", contact_search_check, contact_reindex_ids);
	dbcheck_set_search("company", company_search_check, company_reindex_ids);
}
static void teardown(void)
{
	fixture_close(&fx);
}

TestSuite(dbcheck, .init = setup, .fini = teardown);

/* The findings of one run, one line each: "check table id message\n". */
typedef struct Found {
	Buf lines;
	int n;
	long progress; /* the last total progress reported */
} Found;

static void collect(void *arg, const DbFinding *f)
{
	Found *o = arg;
	buf_addf(&o->lines, "%s %s %lld %s\n", f->check, f->table, (long long)f->id, f->message);
	o->n++;
}

static void progress(void *arg, long done, long total)
{
	Found *o = arg;
	cr_assert_leq(done, total);
	o->progress = total;
}

static void run(Found *o, int *version)
{
	Err err = {0};
	buf_init(&o->lines, 0);
	o->n = 0;
	o->progress = -1;
	const SearchCheck chk = {collect, progress, o, NULL, NULL};
	cr_assert_eq(dbcheck_run(fx.db, &chk, version, &err), KITH_OK, "%s", err.msg);
}

/* SQL run behind kith's back: on PostgreSQL as the superuser (as an
 * operator would), so session_replication_role can switch off the
 * foreign-key triggers; on SQLite on kith's own connection. */
static void raw(const char *sql_sqlite, const char *sql_pg)
{
	Err err = {0};
	if (!fx.pg[0]) {
		cr_assert_eq(db_exec_script(fx.db, sql_sqlite, &err), KITH_OK, "%s", err.msg);
		return;
	}
	char url[320];
	const char *prefix = fixture_pg(), *at = strchr(prefix, '@'),
		   *scheme = strstr(prefix, "://");
	cr_assert(at && scheme);
	snprintf(url, sizeof url, "%.*spostgres%s%s", (int)(scheme + 3 - prefix), prefix, at,
		 fx.pg);
	Db *su;
	cr_assert_eq(db_open(&su, url, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_exec_script(su, sql_pg, &err), KITH_OK, "%s: %s", sql_pg, err.msg);
	db_close(su);
}

static int64_t company(const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json(json);
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	return id;
}

static void sample(int64_t *a, int64_t *b, int64_t *co)
{
	*co = company("{\"legal_name\": \"Łódź Okna Sp. z o.o.\", \"tags\": [\"vip\"]}");
	char json[200];
	snprintf(json, sizeof json,
		 "{\"first_name\": \"İpek\", \"last_name\": \"Yılmaz\", \"company_id\": %lld, "
		 "\"tags\": [\"vip\"], \"emails\": [{\"value\": \"ipek@example.com\"}]}",
		 (long long)*co);
	*a = fixture_contact(&fx, &sys, json);
	*b = fixture_contact(&fx, &sys, "{\"first_name\": \"สมชาย\", \"last_name\": \"ใจดี\"}");
}

Test(dbcheck, clean_database_has_no_finding)
{
	int64_t a, b, co, version = 0;
	int v = 0;
	sample(&a, &b, &co);
	/* a contact in the trash has no document, a company in the trash has one */
	int64_t gone = fixture_contact(&fx, &sys, "{\"first_name\": \"Gone\"}");
	Err err = {0};
	cr_assert_eq(contact_delete(fx.db, &sys, gone, &err), KITH_OK, "%s", err.msg);
	Found o;
	run(&o, &v);
	version = v;
	cr_expect_eq(o.n, 0, "%s", buf_str(&o.lines));
	cr_expect_eq(version, migrate_latest());
	cr_expect_eq(o.progress, 1, "the last progress counts the companies");
	buf_free(&o.lines);
}

Test(dbcheck, search_rows_deleted_changed_or_orphaned)
{
	int64_t a, b, co;
	int v;
	sample(&a, &b, &co);
	char sqlite[400], pg[400];
	snprintf(sqlite, sizeof sqlite,
		 "DELETE FROM contact_fts WHERE rowid = %lld;"
		 "UPDATE contact_fts SET doc = 'someone else' WHERE rowid = %lld;"
		 "INSERT INTO company_fts (rowid, doc) VALUES (4242, 'ghost');",
		 (long long)a, (long long)b);
	snprintf(pg, sizeof pg,
		 "DELETE FROM contact_fts WHERE id = %lld;"
		 "UPDATE contact_fts SET doc = 'someone else' WHERE id = %lld;"
		 "INSERT INTO company_fts (id, doc, terms) VALUES (4242, 'ghost', 'ghost');",
		 (long long)a, (long long)b);
	raw(sqlite, pg);
	Found o;
	run(&o, &v);
	char want[3][160];
	snprintf(want[0], sizeof want[0],
		 "search contact_fts %lld contact %lld has no search document\n", (long long)a,
		 (long long)a);
	snprintf(want[1], sizeof want[1],
		 "search contact_fts %lld the search document of contact %lld differs from the "
		 "record\n",
		 (long long)b, (long long)b);
	snprintf(want[2], sizeof want[2],
		 "search company_fts 4242 a search document is stored for company 4242, which has "
		 "none\n");
	for (int i = 0; i < 3; i++)
		cr_expect(strstr(buf_str(&o.lines), want[i]), "missing: %sgot:\n%s", want[i],
			  buf_str(&o.lines));
	cr_expect_eq(o.n, 3, "%s", buf_str(&o.lines));
	buf_free(&o.lines);
}

/* PostgreSQL: the terms are checked too, against the document. */
Test(dbcheck, pg_terms_changed)
{
	int64_t a, b, co;
	int v;
	if (!fx.pg[0])
		cr_skip_test("the terms are PostgreSQL's");
	sample(&a, &b, &co);
	char pg[200];
	snprintf(pg, sizeof pg, "UPDATE contact_fts SET terms = 'nobody' WHERE id = %lld",
		 (long long)a);
	raw("", pg);
	Found o;
	run(&o, &v);
	char want[160];
	snprintf(want, sizeof want,
		 "search contact_fts %lld the search terms of contact %lld differ from its "
		 "document\n",
		 (long long)a, (long long)a);
	cr_expect_str_eq(buf_str(&o.lines), want);
	buf_free(&o.lines);
}

/* SQLite: FTS5's own check of its inverted index against its documents. */
Test(dbcheck, sqlite_fts5_index_broken)
{
	int64_t a, b, co;
	int v;
	if (fx.pg[0])
		cr_skip_test("FTS5 is SQLite's");
	sample(&a, &b, &co);
	raw("DELETE FROM contact_fts_data WHERE id > 10", "");
	Found o;
	run(&o, &v);
	cr_expect(strstr(buf_str(&o.lines),
			 "search contact_fts 0 the full-text index does not match its documents"),
		  "got:\n%s", buf_str(&o.lines));
	buf_free(&o.lines);
}

/* SQLite: FTS5's integrity-check is an INSERT, which a database kith may
 * not write refuses before FTS5 looks: the check fails with that error,
 * it does not report a broken index (kith db check on a read-only file). */
Test(dbcheck, sqlite_fts5_check_refused_is_no_finding)
{
	int64_t a, b, co;
	int v;
	Err err = {0};
	if (fx.pg[0])
		cr_skip_test("FTS5 is SQLite's");
	sample(&a, &b, &co);
	raw("PRAGMA query_only = ON", "");
	Found o;
	buf_init(&o.lines, 0);
	o.n = 0;
	const SearchCheck chk = {collect, NULL, &o, NULL, NULL};
	cr_expect_eq(dbcheck_run(fx.db, &chk, &v, &err), ERR_STORAGE);
	cr_expect(strstr(err.msg, "readonly"), "got: %s", err.msg);
	cr_expect_eq(o.n, 0, "%s", buf_str(&o.lines));
	buf_free(&o.lines);
	raw("PRAGMA query_only = OFF", "");
}

Test(dbcheck, foreign_key_broken_behind_its_back)
{
	int64_t a, b, co;
	int v;
	sample(&a, &b, &co);
	char sqlite[300], pg[300];
	snprintf(sqlite, sizeof sqlite,
		 "PRAGMA foreign_keys = OFF; DELETE FROM company WHERE id = %lld; "
		 "PRAGMA foreign_keys = ON;",
		 (long long)co);
	snprintf(pg, sizeof pg,
		 "SET session_replication_role = replica; DELETE FROM company WHERE id = %lld;",
		 (long long)co);
	raw(sqlite, pg);
	Found o;
	run(&o, &v);
	char want[200];
	if (fx.pg[0])
		snprintf(want, sizeof want,
			 "foreign_key contact %lld contact (company_id) = (%lld) references no row "
			 "of company (foreign key contact_company_id_fkey)\n",
			 (long long)a, (long long)co);
	else
		snprintf(want, sizeof want,
			 "foreign_key contact %lld row %lld references a missing row of company\n",
			 (long long)a, (long long)a);
	cr_expect(strstr(buf_str(&o.lines), want), "missing: %sgot:\n%s", want, buf_str(&o.lines));
	buf_free(&o.lines);
}

/* PostgreSQL: a foreign key whose triggers are off, or not validated. */
Test(dbcheck, pg_constraint_not_enforced)
{
	if (!fx.pg[0])
		cr_skip_test("PostgreSQL's catalog");
	raw("", "ALTER TABLE deal DISABLE TRIGGER ALL;"
		"ALTER TABLE task DROP CONSTRAINT task_deal_id_fkey;"
		"ALTER TABLE task ADD CONSTRAINT task_deal_id_fkey FOREIGN KEY (deal_id) "
		"REFERENCES deal (id) NOT VALID;");
	Found o;
	int v;
	run(&o, &v);
	cr_expect(strstr(buf_str(&o.lines),
			 "constraint deal 0 constraint deal_stage_id_fkey of "
			 "table deal is not enforced: its triggers are disabled\n"),
		  "got:\n%s", buf_str(&o.lines));
	cr_expect(strstr(buf_str(&o.lines), "constraint task 0 constraint task_deal_id_fkey of "
					    "table task is not validated\n"),
		  "got:\n%s", buf_str(&o.lines));
	buf_free(&o.lines);
}

/* An older schema says to migrate, and the documents are not compared. */
Test(dbcheck, older_schema)
{
	int64_t a, b, co;
	int v;
	sample(&a, &b, &co);
	char sql[120];
	snprintf(sql, sizeof sql, "DELETE FROM schema_migration WHERE version = %d",
		 migrate_latest());
	raw(sql, sql);
	raw("DELETE FROM contact_fts", "DELETE FROM contact_fts");
	Found o;
	run(&o, &v);
	char want[200];
	snprintf(want, sizeof want,
		 "schema schema_migration 0 the database is at schema %d, this kith needs %d; run "
		 "'kith db migrate'\n",
		 migrate_latest() - 1, migrate_latest());
	cr_expect_str_eq(buf_str(&o.lines), want);
	cr_expect_eq(v, migrate_latest() - 1);
	buf_free(&o.lines);
}

Test(dbcheck, newer_schema)
{
	int v;
	raw("INSERT INTO schema_migration (version, applied_at) VALUES (9999, "
	    "'2026-01-01T00:00:00Z')",
	    "INSERT INTO schema_migration (version, applied_at) VALUES (9999, "
	    "'2026-01-01T00:00:00Z')");
	Found o;
	run(&o, &v);
	char want[200];
	snprintf(want, sizeof want,
		 "schema schema_migration 0 the database is at schema 9999, newer than this kith "
		 "(%d); upgrade kith\n",
		 migrate_latest());
	cr_expect_str_eq(buf_str(&o.lines), want);
	buf_free(&o.lines);
}

/* --repair-search: every wrong document is rebuilt, every stray one
 * removed (more than the findings listed), and the next check is clean. */
Test(dbcheck, repair_search)
{
	int64_t a, b, co;
	int v;
	long repaired = 0;
	Err err = {0};
	sample(&a, &b, &co);
	for (int i = 0; i < 3; i++)
		fixture_contact(&fx, &sys, "{\"first_name\": \"Extra\"}");
	char sqlite[300], pg[300];
	snprintf(sqlite, sizeof sqlite,
		 "DELETE FROM contact_fts;"
		 "UPDATE company_fts SET doc = 'changed' WHERE rowid = %lld;"
		 "INSERT INTO company_fts (rowid, doc) VALUES (4242, 'ghost');",
		 (long long)co);
	snprintf(pg, sizeof pg,
		 "DELETE FROM contact_fts;"
		 "UPDATE company_fts SET doc = 'changed' WHERE id = %lld;"
		 "INSERT INTO company_fts (id, doc, terms) VALUES (4242, 'ghost', 'ghost');",
		 (long long)co);
	raw(sqlite, pg);
	Found o;
	buf_init(&o.lines, 0);
	o.n = 0;
	const SearchCheck chk = {collect, NULL, &o, NULL, NULL};
	cr_assert_eq(dbcheck_repair(fx.db, &chk, &v, &repaired, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(o.n, 7, "%s", buf_str(&o.lines));
	cr_expect_eq(repaired, 7);
	buf_free(&o.lines);
	run(&o, &v);
	cr_expect_eq(o.n, 0, "%s", buf_str(&o.lines));
	buf_free(&o.lines);
	/* and search finds them again */
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact_fts"), 5);
}

/* SQLite: a broken FTS5 index is rebuilt from its documents. */
Test(dbcheck, sqlite_fts5_index_rebuilt)
{
	int64_t a, b, co;
	int v;
	long repaired = 0;
	Err err = {0};
	if (fx.pg[0])
		cr_skip_test("FTS5 is SQLite's");
	sample(&a, &b, &co);
	raw("DELETE FROM contact_fts_data WHERE id > 10", "");
	Found o;
	buf_init(&o.lines, 0);
	o.n = 0;
	const SearchCheck chk = {collect, NULL, &o, NULL, NULL};
	cr_assert_eq(dbcheck_repair(fx.db, &chk, &v, &repaired, &err), KITH_OK, "%s", err.msg);
	cr_expect_geq(repaired, 1);
	buf_free(&o.lines);
	run(&o, &v);
	cr_expect_eq(o.n, 0, "%s", buf_str(&o.lines));
	buf_free(&o.lines);
}
