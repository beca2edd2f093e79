/* test_migrate_pg.c - the migrations on PostgreSQL (suite "pg"): a fresh
 * database migrates to the same tables, columns and indexes as SQLite, ids
 * are BIGINT identities that seeds and explicit ids advance, every id,
 * reference, version, count and amount is BIGINT, two kith migrating at
 * once apply each migration once, and databases kith cannot use (another
 * collation, another application's tables) are refused before anything is
 * written.
 *
 * Needs a running throwaway PostgreSQL 15: KITH_TEST_PG holds a URL prefix
 * such as postgres://kith@127.0.0.1:55433/ (a superuser or a role that may
 * create databases); each test creates its own database under it and drops
 * it. `make unit` and `make test` start one (scripts/with-test-pg); without
 * KITH_TEST_PG every test fails and says how to run it:
 *   scripts/with-test-pg build/test/unit --filter 'pg_migrate/ *'
 * (without the space). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "fixture.h"
#include "store/migrate.h"

TestSuite(pg_migrate);

enum { URL_MAX = 512 };

/* A PostgreSQL database of this test, created empty under KITH_TEST_PG. */
typedef struct PgDb {
	char name[64];
	char url[URL_MAX];
	Db *db; /* open on url */
} PgDb;

static const char *pg_prefix(void)
{
	const char *p = getenv("KITH_TEST_PG");
	if (!p || !*p)
		cr_assert_fail(
		    "KITH_TEST_PG is not set: the pg_migrate suite needs a running throwaway "
		    "PostgreSQL 15. Run it as scripts/with-test-pg build/test/unit --filter "
		    "'pg_migrate/*' (or `make unit`)");
	cr_assert_lt(strlen(p), (size_t)URL_MAX - 64, "KITH_TEST_PG is too long");
	return p;
}

/* Run sql (no parameters, no transaction) on the server's postgres database. */
static void pg_admin(const char *sql)
{
	char url[URL_MAX];
	Err err = {0};
	Db *db;
	snprintf(url, sizeof url, "%spostgres", pg_prefix());
	cr_assert_eq(db_open(&db, url, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_exec_script(db, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	db_close(db);
}

/* A new empty database (create: the rest of CREATE DATABASE after its
 * name), opened. */
static void pg_create(PgDb *p, const char *create)
{
	static int seq;
	char sql[256];
	Err err = {0};
	/* not kith_unit_<pid>_<n>: those are the fixtures' */
	snprintf(p->name, sizeof p->name, "kith_unit_pg_%ld_%d", (long)getpid(), ++seq);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", p->name);
	pg_admin(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s %s", p->name, create);
	pg_admin(sql);
	snprintf(p->url, sizeof p->url, "%s%s", pg_prefix(), p->name);
	cr_assert_eq(db_open(&p->db, p->url, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_str_eq(db_backend(p->db), "postgres");
}

static void pg_fresh(PgDb *p)
{
	pg_create(p, "TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'");
}

/* The SQLite side of a comparison: the fixture on SQLite whatever
 * KITH_TEST_BACKEND says (each test runs in a process of its own). */
static void lite_backend(void)
{
	cr_assert_eq(unsetenv("KITH_TEST_BACKEND"), 0);
}

static void pg_drop(PgDb *p)
{
	char sql[128];
	db_close(p->db);
	p->db = NULL;
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", p->name);
	pg_admin(sql);
}

/* Column 0 of every row of sql (one text parameter, or none when arg is
 * NULL), joined with commas. */
static char *rows(Db *db, const char *sql, const char *arg)
{
	Buf b;
	Err err = {0};
	DbStmt *st;
	int rc;
	buf_init(&b, 0);
	cr_assert_eq(db_prepare(db, &st, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	if (arg)
		db_bind_text(st, 1, arg);
	while ((rc = db_step(st, &err)) == DB_ROW)
		buf_addf(&b, "%s%s", b.len ? "," : "", db_col_text(st, 0));
	cr_assert_eq(rc, DB_DONE, "%s: %s", sql, err.msg);
	db_reset(st);
	cr_assert(!buf_failed(&b));
	char *s = strdup(buf_str(&b));
	buf_free(&b);
	return s;
}

static int64_t one_int(Db *db, const char *sql)
{
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(db, &st, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s: %s", sql, err.msg);
	int64_t v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

static void migrate(Db *db)
{
	Err err = {0};
	int applied = -1;
	cr_assert_eq(migrate_up(db, &applied, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(applied, migrate_latest());
}

/* SQLite's tables after every migration, without its own (sqlite_*) and
 * FTS5's shadow tables. */
static const char sqlite_tables[] =
    "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' "
    "AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND NOT EXISTS ("
    " SELECT 1 FROM sqlite_master v WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'"
    " AND m.name IN (v.name || '_data', v.name || '_idx', v.name || '_content',"
    "  v.name || '_docsize', v.name || '_config')) ORDER BY m.name";
static const char sqlite_virtual[] = "SELECT COUNT(*) FROM sqlite_master WHERE name = ? "
				     "AND sql LIKE 'CREATE VIRTUAL TABLE%'";
static const char sqlite_columns[] = "SELECT name FROM pragma_table_info(?) ORDER BY cid";
/* Indexes written in the migrations (not those SQLite makes for UNIQUE
 * and PRIMARY KEY). */
static const char sqlite_indexes[] = "SELECT name FROM sqlite_master "
				     "WHERE type = 'index' AND sql IS NOT NULL ORDER BY name";
static const char pg_tables[] = "SELECT table_name FROM information_schema.tables "
				"WHERE table_schema = current_schema() "
				"AND table_type = 'BASE TABLE' ORDER BY table_name";
static const char pg_columns[] = "SELECT column_name FROM information_schema.columns "
				 "WHERE table_schema = current_schema() AND table_name = ? "
				 "ORDER BY ordinal_position";
/* The same, without the indexes of constraints and of the search terms
 * (002_search.pg.sql's GIN indexes, which FTS5 keeps inside its table). */
static const char pg_indexes[] = "SELECT indexname FROM pg_indexes "
				 "WHERE schemaname = current_schema() "
				 "AND indexname NOT IN (SELECT conname FROM pg_constraint) "
				 "AND indexname NOT IN ('contact_fts_terms', 'company_fts_terms') "
				 "ORDER BY indexname";

Test(pg_migrate, a_fresh_database_has_sqlites_tables_columns_and_indexes)
{
	Fixture lite;
	PgDb pg;
	lite_backend();
	fixture_open_empty(&lite);
	migrate(lite.db);
	pg_fresh(&pg);
	migrate(pg.db);

	char *lt = rows(lite.db, sqlite_tables, NULL), *pt = rows(pg.db, pg_tables, NULL);
	cr_expect_str_eq(pt, lt, "tables: PostgreSQL has [%s], SQLite [%s]", pt, lt);
	cr_expect(strstr(lt, "contact_fts") && strstr(lt, "schema_migration"), "%s", lt);
	/* every SQLite table's columns, in order */
	char *save = NULL;
	for (char *t = strtok_r(lt, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		DbStmt *st;
		Err err = {0};
		char *lc = rows(lite.db, sqlite_columns, t), *pc = rows(pg.db, pg_columns, t);
		cr_assert_eq(db_prepare(lite.db, &st, sqlite_virtual, &err), KITH_OK);
		db_bind_text(st, 1, t);
		cr_assert_eq(db_step(st, &err), DB_ROW);
		int fts = (int)db_col_int(st, 0);
		db_reset(st);
		if (fts) {
			/* FTS5 keeps the id as its rowid and the terms inside */
			cr_expect_str_eq(lc, "doc", "%s", t);
			cr_expect_str_eq(pc, "id,doc,terms", "%s", t);
		} else {
			cr_expect_str_eq(pc, lc, "columns of %s: PostgreSQL [%s], SQLite [%s]", t,
					 pc, lc);
		}
		free(lc);
		free(pc);
	}
	char *li = rows(lite.db, sqlite_indexes, NULL), *pi = rows(pg.db, pg_indexes, NULL);
	cr_expect_str_eq(pi, li, "indexes: PostgreSQL [%s], SQLite [%s]", pi, li);
	cr_expect(strstr(li, "task_agenda_user"), "%s", li);
	free(lt);
	free(pt);
	free(li);
	free(pi);
	pg_drop(&pg);
	fixture_close(&lite);
}

Test(pg_migrate, ids_references_versions_counts_and_money_are_bigint)
{
	PgDb pg;
	pg_fresh(&pg);
	migrate(pg.db);
	static const char narrow[] =
	    "SELECT table_name || '.' || column_name || ' ' || data_type "
	    "FROM information_schema.columns WHERE table_schema = current_schema() "
	    "AND data_type <> 'bigint' AND (column_name = 'id' OR column_name LIKE '%\\_id' "
	    "OR column_name IN ('version', 'amount_minor', 'deals', 'visits', 'seconds', "
	    "'generation', 'doc_gen', 'added_by', 'created_by')) "
	    "AND column_name <> 'tax_id' ORDER BY 1";
	char *bad = rows(pg.db, narrow, NULL);
	cr_expect_str_eq(bad, "", "not BIGINT: %s", bad);
	/* every id column is an identity, but for the fixed single rows and
	 * the search tables (whose id is the record's) */
	static const char not_identity[] =
	    "SELECT table_name FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'NO' "
	    "ORDER BY 1";
	char *fixed = rows(pg.db, not_identity, NULL);
	cr_expect_str_eq(fixed, "company_fts,contact_fts,field_schema,workspace", "%s", fixed);
	/* flags stay integers the domain compares with 0 and 1 */
	static const char required[] = "SELECT data_type FROM information_schema.columns "
				       "WHERE table_schema = current_schema() "
				       "AND table_name = 'field_def' AND column_name = 'required'";
	char *req = rows(pg.db, required, NULL);
	cr_expect_str_eq(req, "integer");
	static const char terms[] = "SELECT data_type FROM information_schema.columns "
				    "WHERE table_schema = current_schema() "
				    "AND table_name = 'contact_fts' AND column_name = 'terms'";
	char *tv = rows(pg.db, terms, NULL);
	cr_expect_str_eq(tv, "tsvector");
	cr_expect_eq(one_int(pg.db, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = "
				    "'company_fts_terms' AND indexdef LIKE '%USING gin (terms)%'"),
		     1);
	free(bad);
	free(fixed);
	free(req);
	free(tv);
	pg_drop(&pg);
}

Test(pg_migrate, seeded_and_explicit_ids_advance_the_identity)
{
	PgDb pg;
	Err err = {0};
	pg_fresh(&pg);
	migrate(pg.db);
	/* 008 seeds pipeline 1 with an explicit id and stages 1-7 */
	cr_expect_eq(one_int(pg.db, "SELECT COUNT(*) FROM stage WHERE pipeline_id = 1"), 7);
	cr_expect_eq(one_int(pg.db, "INSERT INTO pipeline (name, name_key, position, created_at, "
				    "updated_at) VALUES ('B', 'b', 2, 'x', 'x') RETURNING id"),
		     2);
	cr_expect_eq(one_int(pg.db, "INSERT INTO stage (pipeline_id, name, position, probability, "
				    "kind) VALUES (2, 'S', 1, 0, 'open') RETURNING id"),
		     8);
	/* contacts and companies may still come with their ids (MAX + 1) */
	cr_assert_eq(db_exec_script(pg.db,
				    "INSERT INTO contact (id, display_name, sort_key, created_at, "
				    "updated_at) VALUES (5, 'A', 'a', 'x', 'x')",
				    &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(one_int(pg.db, "SELECT MAX(id) FROM contact"), 5);
	cr_expect_eq(one_int(pg.db, "SELECT version FROM contact WHERE id = 5"), 1);
	/* a BIGINT id past 2^31 */
	cr_expect_eq(one_int(pg.db,
			     "INSERT INTO audit_log (at, action, entity, record_id, changes) "
			     "VALUES ('x', 'create', 'contact', 5000000000, '{}') "
			     "RETURNING record_id"),
		     5000000000LL);
	pg_drop(&pg);
}

/* The next id of table from db_next_id (its sequence), in a transaction
 * of its own. */
static int64_t next_id(Db *db, const char *table)
{
	Err err = {0};
	int64_t id = 0;
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_next_id(db, table, "SELECT 0", &id, &err), KITH_OK, "%s", err.msg);
	db_rollback(db);
	return id;
}

/* 018: contact and company ids come from their sequences now; rows an
 * earlier kith wrote with explicit ids (one past the largest) left the
 * sequences at their start, so the migration moves them past every id
 * used, the audit log's included, and never back. */
Test(pg_migrate, sequences_move_past_ids_written_before_018)
{
	PgDb pg;
	Err err = {0};
	int applied = 0;
	pg_fresh(&pg);
	migrate(pg.db);
	cr_expect_eq(one_int(pg.db, "SELECT COUNT(*) FROM pg_sequences WHERE last_value IS NULL "
				    "AND sequencename IN ('contact_id_seq', 'company_id_seq')"),
		     2, "a fresh database's sequences still start at 1");
	cr_assert_eq(db_exec_script(
			 pg.db,
			 "INSERT INTO contact (id, display_name, sort_key, created_at, updated_at) "
			 "VALUES (5, 'A', 'a', 'x', 'x');"
			 "INSERT INTO audit_log (at, action, entity, record_id, changes) "
			 "VALUES ('x', 'purge', 'contact', 9, '{}');"
			 "INSERT INTO company (id, legal_name, sort_key, created_at, updated_at) "
			 "VALUES (3, 'C', 'c', 'x', 'x');"
			 "DELETE FROM schema_migration WHERE version = 18",
			 &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(pg.db, &applied, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(applied, 1);
	cr_expect_eq(next_id(pg.db, "contact"), 10, "past the purged contact 9");
	cr_expect_eq(next_id(pg.db, "company"), 4);
	cr_assert_eq(db_exec_script(pg.db, "DELETE FROM schema_migration WHERE version = 18", &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(pg.db, &applied, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(next_id(pg.db, "contact"), 11, "never back to an id handed out");
	pg_drop(&pg);
}

Test(pg_migrate, migrating_again_is_a_no_op_and_current)
{
	PgDb pg;
	Err err = {0};
	int applied = -1, version = -1;
	pg_fresh(&pg);
	cr_assert_eq(migrate_version(pg.db, &version, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(version, 0);
	cr_expect_eq(one_int(pg.db, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = "
				    "current_schema()"),
		     0, "reading the version creates nothing");
	migrate(pg.db);
	cr_assert_eq(migrate_up(pg.db, &applied, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(applied, 0);
	cr_expect_eq(migrate_require_current(pg.db, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(one_int(pg.db, "SELECT COUNT(*) FROM schema_migration"), migrate_latest());
	char *type = rows(pg.db,
			  "SELECT data_type FROM information_schema.columns WHERE table_name = "
			  "'schema_migration' AND column_name = 'version'",
			  NULL);
	cr_expect_str_eq(type, "bigint");
	free(type);
	pg_drop(&pg);
}

/* One kith migrating the database named by arg (a PgDb). */
typedef struct Racer {
	const char *url;
	int applied, rc;
	char msg[512];
} Racer;

static void *race(void *arg)
{
	Racer *r = arg;
	Err err = {0};
	Db *db;
	r->rc = db_open(&db, r->url, 0, &err);
	if (r->rc == KITH_OK) {
		r->rc = migrate_up(db, &r->applied, &err);
		db_close(db);
	}
	snprintf(r->msg, sizeof r->msg, "%s", err.msg);
	return NULL;
}

Test(pg_migrate, several_kith_migrating_at_once_apply_each_migration_once)
{
	PgDb pg;
	enum { N = 4 };
	Racer r[N];
	pthread_t th[N];
	pg_fresh(&pg);
	for (int i = 0; i < N; i++) {
		r[i] = (Racer){.url = pg.url};
		cr_assert_eq(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	int total = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		cr_expect_eq(r[i].rc, KITH_OK, "kith %d: %s", i, r[i].msg);
		total += r[i].applied;
	}
	cr_expect_eq(total, migrate_latest(), "each migration applied once in all");
	cr_expect_eq(one_int(pg.db, "SELECT COUNT(*) FROM schema_migration"), migrate_latest());
	cr_expect_eq(one_int(pg.db, "SELECT COUNT(*) FROM stage"), 7, "the seed ran once");
	pg_drop(&pg);
}

Test(pg_migrate, a_database_without_the_c_collation_is_refused)
{
	/* glibc's C.UTF-8, and ICU under a datcollate of C */
	static const char *const creates[] = {
	    "TEMPLATE template0 LOCALE 'C.UTF-8' ENCODING 'UTF8'",
	    "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C' ENCODING 'UTF8'",
	};
	for (size_t i = 0; i < sizeof creates / sizeof creates[0]; i++) {
		PgDb pg;
		Err err = {0};
		int applied = -1;
		pg_create(&pg, creates[i]);
		cr_expect_eq(migrate_up(pg.db, &applied, &err), ERR_STORAGE, "%s", creates[i]);
		cr_expect_eq(applied, 0);
		cr_expect_str_eq(err.field, "db");
		cr_expect(strstr(err.msg, "--db") && strstr(err.msg, "collation") &&
			      strstr(err.msg, pg.name) &&
			      strstr(err.msg, "CREATE DATABASE kith TEMPLATE template0 LOCALE 'C' "
					      "ENCODING 'UTF8'"),
			  "%s", err.msg);
		cr_expect_eq(one_int(pg.db, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = "
					    "current_schema()"),
			     0, "nothing written");
		pg_drop(&pg);
	}
}

Test(pg_migrate, another_applications_database_is_refused)
{
	PgDb pg;
	Err err = {0};
	int applied = -1;
	pg_fresh(&pg);
	cr_assert_eq(db_exec_script(pg.db, "CREATE TABLE orders (id BIGINT PRIMARY KEY)", &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(migrate_up(pg.db, &applied, &err), ERR_STORAGE);
	cr_expect_eq(applied, 0);
	cr_expect_str_eq(err.field, "db");
	cr_expect(strstr(err.msg, "--db") && strstr(err.msg, "not empty") &&
		      strstr(err.msg, "not kith's") && strstr(err.msg, pg.name),
		  "%s", err.msg);
	char *tables = rows(pg.db, pg_tables, NULL);
	cr_expect_str_eq(tables, "orders", "nothing written: %s", tables);
	free(tables);
	/* a kith database is not "another application's" */
	PgDb ours;
	pg_fresh(&ours);
	migrate(ours.db);
	cr_expect_eq(migrate_up(ours.db, &applied, &err), KITH_OK, "%s", err.msg);
	pg_drop(&ours);
	pg_drop(&pg);
}

Test(pg_migrate, check_constraints_refuse_what_they_refuse_on_sqlite)
{
	static const char *const bad[] = {
	    "INSERT INTO workspace (id, name, created_at) VALUES (2, 'W', 'x')",
	    "INSERT INTO contact (display_name, sort_key, status, created_at, updated_at) "
	    "VALUES ('A', 'a', 'bogus', 'x', 'x')",
	    "INSERT INTO stage (pipeline_id, name, position, probability, kind) "
	    "VALUES (1, 'S', 9, 101, 'open')",
	    "INSERT INTO task (title, due_date, due_at, created_at, updated_at) "
	    "VALUES ('T', '2026-01-01', '2026-01-01T00:00:00Z', 'x', 'x')",
	    "INSERT INTO task (title, repeat_every, created_at, updated_at) VALUES ('T', 2, 'x', "
	    "'x')",
	    "UPDATE workspace SET touch_limit = 0",
	    "INSERT INTO field_def (entity, key, label, type, created_at, updated_at) "
	    "VALUES ('invoice', 'k', 'K', 'text', 'x', 'x')",
	};
	Fixture lite;
	PgDb pg;
	Err err = {0};
	lite_backend();
	fixture_open(&lite, NULL);
	pg_fresh(&pg);
	migrate(pg.db);
	cr_assert_eq(
	    db_exec_script(
		pg.db, "INSERT INTO workspace (id, name, created_at) VALUES (1, 'W', 'x')", &err),
	    KITH_OK, "%s", err.msg);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_neq(db_exec_script(lite.db, bad[i], &err), KITH_OK, "SQLite: %s", bad[i]);
		cr_expect_neq(db_exec_script(pg.db, bad[i], &err), KITH_OK, "PostgreSQL: %s",
			      bad[i]);
	}
	/* and accept the same row made valid */
	static const char good[] =
	    "INSERT INTO task (title, repeat_every, repeat_unit, created_at, "
	    "updated_at) VALUES ('T', 2, 'weeks', 'x', 'x')";
	cr_expect_eq(db_exec_script(lite.db, good, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(db_exec_script(pg.db, good, &err), KITH_OK, "%s", err.msg);
	pg_drop(&pg);
	fixture_close(&lite);
}
