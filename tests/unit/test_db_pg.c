/* test_db_pg.c - the PostgreSQL backend (store/db_pg.c) against a real
 * server: placeholders, parameters and results as text, booleans, errors
 * and their kinds, transactions, interleaved statements, a lost
 * connection. KITH_TEST_PG holds the URL prefix of a throwaway server
 * (scripts/pg-test-server prints it; `make test` sets it); each test gets
 * a database of its own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/limits.h"
#include "store/db.h"

static Db *admin, *db;
static char name[64];

static void open_url(Db **out, const char *dbname)
{
	const char *prefix = getenv("KITH_TEST_PG");
	char url[512];
	Err err = {0};
	cr_assert(prefix && *prefix,
		  "KITH_TEST_PG is not set: run `make test`, or start a server with "
		  "scripts/pg-test-server start DIR and set KITH_TEST_PG to the URL it prints");
	snprintf(url, sizeof url, "%s%s", prefix, dbname);
	cr_assert_eq(db_open(out, url, 0, &err), KITH_OK, "%s", err.msg);
}

static void setup(void)
{
	static int n;
	char sql[128];
	Err err = {0};
	open_url(&admin, "postgres");
	snprintf(name, sizeof name, "kith_db_pg_%d_%d", (int)getpid(), ++n);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	cr_assert_eq(db_exec_script(admin, sql, &err), KITH_OK, "%s", err.msg);
	open_url(&db, name);
	cr_assert_eq(db_exec_script(db,
				    "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, "
				    "n BIGINT NOT NULL DEFAULT 0)",
				    &err),
		     KITH_OK, "%s", err.msg);
}

static void teardown(void)
{
	char sql[128];
	Err err = {0};
	db_close(db);
	db = NULL;
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	cr_expect_eq(db_exec_script(admin, sql, &err), KITH_OK, "%s", err.msg);
	db_close(admin);
	admin = NULL;
}

TestSuite(pg, .init = setup, .fini = teardown);

static const char ins[] = "INSERT INTO t (id, name) VALUES (?, ?)";

static int insert(int64_t id, const char *s, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, ins, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, s);
	return db_exec_stmt(st, err);
}

static int64_t count(void)
{
	static const char both[] = "SELECT COUNT(*), COUNT(*) FROM t";
	int64_t a = -1, b = -1;
	Err err = {0};
	cr_assert_eq(db_query_int2(db, both, &a, &b, &err), KITH_OK, "%s", err.msg);
	return a;
}

Test(pg, the_backend_is_postgres)
{
	cr_expect_str_eq(db_backend(db), "postgres");
}

Test(pg, placeholders_in_order_numbered_and_quoted)
{
	static const char in_order[] = "SELECT CAST(? AS BIGINT) - CAST(? AS BIGINT)";
	static const char numbered[] = "SELECT CAST(?1 AS BIGINT) * CAST(?1 AS BIGINT) + "
				       "CAST(?2 AS BIGINT)";
	static const char quoted[] = "SELECT '?' || \"n\" || CAST(? AS TEXT) FROM "
				     "(SELECT 'a?' AS n) AS \"x?\" -- what? \n";
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(db_prepare(db, &st, in_order, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 10);
	db_bind_int(st, 2, 3);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	cr_expect_eq(db_col_int(st, 0), 7);
	db_reset(st);
	cr_assert_eq(db_prepare(db, &st, numbered, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 3000000000LL); /* past 32 bits */
	db_bind_int(st, 2, 1);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	cr_expect_eq(db_col_int(st, 0), 9000000000000000001LL);
	db_reset(st);
	cr_assert_eq(db_prepare(db, &st, quoted, &err), KITH_OK, "%s", err.msg);
	db_bind_text(st, 1, "b");
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	cr_expect_str_eq(db_col_text(st, 0), "?a?b");
	db_reset(st);
}

/* An E'' string's backslash escapes its quote: what follows is still the
 * string, and its ? no placeholder. */
Test(pg, escape_strings_keep_their_question_marks)
{
	static const char escaped[] = "SELECT E'it\\'s ?' || CAST(? AS TEXT) || e'\\\\' || "
				      "'\\' || CAST(? AS TEXT)";
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(db_prepare(db, &st, escaped, &err), KITH_OK, "%s", err.msg);
	db_bind_text(st, 1, "!");
	db_bind_text(st, 2, "end");
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	cr_expect_str_eq(db_col_text(st, 0), "it's ?!\\\\end");
	db_reset(st);
}

/* A bare ? is one more than the largest number given so far, as SQLite
 * numbers it: ?1, ?2 then ? is 1, 2 and 3; ? then ?1 is 1
 * twice (a store marker's ? may follow a statement's own ?N). */
Test(pg, bare_placeholders_are_numbered_as_sqlite_numbers_them)
{
	static const char after[] =
	    "SELECT CAST(?1 AS BIGINT) * 100 + CAST(?2 AS BIGINT) * 10 + CAST(? AS BIGINT)";
	static const char before[] = "SELECT CAST(? AS BIGINT) * 10 + CAST(?1 AS BIGINT)";
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(db_prepare(db, &st, after, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 1);
	db_bind_int(st, 2, 2);
	db_bind_int(st, 3, 3);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	cr_expect_eq(db_col_int(st, 0), 123);
	db_reset(st);
	cr_assert_eq(db_prepare(db, &st, before, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 7);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	cr_expect_eq(db_col_int(st, 0), 77);
	db_reset(st);
}

Test(pg, booleans_nulls_and_text_round_trip)
{
	static const char sql[] = "SELECT 1 = 1, 1 = 2, CAST(NULL AS TEXT), CAST(? AS TEXT), "
				  "CAST(? AS TEXT) IS NULL";
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(db_prepare(db, &st, sql, &err), KITH_OK, "%s", err.msg);
	db_bind_text(st, 1, "zażółć İı ภาษาไทย 'quoted' \\");
	db_bind_text(st, 2, NULL);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	cr_expect_eq(db_col_count(st), 5);
	cr_expect_eq(db_col_int(st, 0), 1);
	cr_expect_eq(db_col_int(st, 1), 0);
	cr_expect(db_col_is_null(st, 2));
	cr_expect_null(db_col_text(st, 2));
	cr_expect_eq(db_col_int(st, 2), 0);
	cr_expect_str_eq(db_col_text(st, 3), "zażółć İı ภาษาไทย 'quoted' \\");
	cr_expect_eq(db_col_int(st, 4), 1);
	cr_expect_eq(db_step(st, &err), DB_DONE);
	db_reset(st);
}

Test(pg, rows_changed_and_unique_violation_is_a_conflict)
{
	static const char bump[] = "UPDATE t SET n = n + 1 WHERE id <= ?";
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(insert(2, "b", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(db, &st, bump, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 2);
	cr_assert_eq(db_exec_stmt(st, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(db_changes(db), 2);
	cr_expect_eq(insert(3, "a", &err), ERR_CONFLICT);
	cr_expect(strstr(err.msg, "duplicate key") != NULL, "%s", err.msg);
	cr_expect_eq(count(), 2);
}

Test(pg, a_failed_statement_makes_the_commit_fail_and_nothing_is_written)
{
	Err err = {0};
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(insert(2, "a", &err), ERR_CONFLICT); /* the server aborts the transaction */
	/* a caller that went on anyway: PostgreSQL answers COMMIT with ROLLBACK */
	cr_expect_eq(db_commit(db, &err), ERR_STORAGE);
	cr_expect(strstr(err.msg, "rolled back") != NULL, "%s", err.msg);
	cr_expect_eq(count(), 0);
	/* the connection works on */
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(count(), 1);
}

Test(pg, nested_rollback_undoes_everything)
{
	Err err = {0};
	cr_assert_eq(db_begin(db, &err), KITH_OK);
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(db, &err), KITH_OK);
	cr_assert_eq(insert(2, "b", &err), KITH_OK, "%s", err.msg);
	db_rollback(db);
	cr_expect_eq(db_commit(db, &err), ERR_STORAGE);
	cr_expect_eq(count(), 0);
}

Test(pg, statements_interleave_while_one_is_being_read)
{
	static const char all[] = "SELECT id, name FROM t ORDER BY id";
	DbStmt *a;
	Err err = {0};
	for (int i = 1; i <= 3; i++) {
		char s[16];
		snprintf(s, sizeof s, "n%d", i);
		cr_assert_eq(insert(i, s, &err), KITH_OK, "%s", err.msg);
	}
	cr_assert_eq(db_prepare(db, &a, all, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_step(a, &err), DB_ROW);
	cr_expect_eq(db_col_int(a, 0), 1);
	cr_expect_eq(count(), 3); /* another statement between two rows */
	cr_assert_eq(insert(4, "n4", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_step(a, &err), DB_ROW);
	cr_expect_str_eq(db_col_text(a, 1), "n2");
	cr_assert_eq(db_step(a, &err), DB_ROW);
	cr_expect_eq(db_step(a, &err), DB_DONE); /* read once, at the first step */
	db_reset(a);
}

Test(pg, a_read_transaction_sees_one_snapshot)
{
	Db *other;
	Err err = {0};
	open_url(&other, name);
	cr_assert_eq(db_begin_read(db, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(count(), 0);
	Db *mine = db;
	db = other;
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	db = mine;
	cr_expect_eq(count(), 0); /* still the snapshot of the first read */
	cr_assert_eq(db_commit(db, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(count(), 1);
	db_close(other);
}

Test(pg, a_lock_held_past_the_timeout_is_busy)
{
	static const char lock[] = "SELECT id FROM t WHERE id = ? FOR UPDATE";
	Db *other;
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	open_url(&other, name);
	cr_assert_eq(db_exec_script(db, "SET lock_timeout = 100", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(other, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(other, &st, lock, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 1);
	cr_assert_eq(db_exec_stmt(st, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(db, &st, lock, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 1);
	cr_expect_eq(db_exec_stmt(st, &err), ERR_BUSY);
	db_rollback(db);
	db_rollback(other);
	db_close(other);
}

Test(pg, a_lost_connection_is_made_again_at_the_next_begin)
{
	static const char pid[] = "SELECT pg_backend_pid(), 0";
	static const char kill[] = "SELECT pg_terminate_backend(CAST(? AS INTEGER))";
	int64_t before = 0, after = 0, zero;
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg); /* ins is prepared */
	cr_assert_eq(db_query_int2(db, pid, &before, &zero, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(admin, &st, kill, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, before);
	cr_assert_eq(db_exec_stmt(st, &err), KITH_OK, "%s", err.msg);
	for (int i = 0; i < 100; i++) { /* the backend ends shortly after the signal */
		int64_t n = -1;
		static const char alive[] = "SELECT COUNT(*), 0 FROM pg_stat_activity WHERE pid = "
					    "CAST(? AS INTEGER)";
		cr_assert_eq(db_prepare(admin, &st, alive, &err), KITH_OK, "%s", err.msg);
		db_bind_int(st, 1, before);
		cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
		n = db_col_int(st, 0);
		db_reset(st);
		if (n == 0)
			break;
		usleep(10000);
	}
	/* the next transaction's BEGIN connects again (a server's requests all
	 * start with one), and a statement prepared before the loss is
	 * prepared again */
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(insert(2, "b", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_commit(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_query_int2(db, pid, &after, &zero, &err), KITH_OK, "%s", err.msg);
	cr_expect_neq(after, before);
	cr_expect_eq(count(), 2);
}

Test(pg, data_versions_never_repeat)
{
	uint32_t a = 0, b = 0;
	Err err = {0};
	cr_assert_eq(db_begin_read(db, &err), KITH_OK);
	cr_assert_eq(db_data_version(db, &a, &err), KITH_OK);
	db_rollback(db);
	cr_assert_eq(db_begin_read(db, &err), KITH_OK);
	cr_assert_eq(db_data_version(db, &b, &err), KITH_OK);
	db_rollback(db);
	cr_expect_neq(a, b);
}

Test(pg, for_update_locks_the_rows_read)
{
	static const char lock[] = "SELECT id FROM t WHERE id = ?" DB_FOR_UPDATE;
	static const char bump[] = "UPDATE t SET n = n + 1 WHERE id = ?";
	Db *other;
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	open_url(&other, name);
	cr_assert_eq(db_exec_script(other, "SET lock_timeout = 100", &err), KITH_OK);
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(db, &st, lock, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 1);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	db_reset(st);
	cr_assert_eq(db_prepare(other, &st, bump, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 1);
	cr_expect_eq(db_exec_stmt(st, &err), ERR_BUSY); /* the row is locked */
	cr_assert_eq(db_commit(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(other, &st, bump, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 1);
	cr_expect_eq(db_exec_stmt(st, &err), KITH_OK, "%s", err.msg); /* and free again */
	db_close(other);
}

Test(pg, a_key_lock_makes_writers_of_one_value_wait)
{
	Db *other;
	Err err = {0};
	open_url(&other, name);
	cr_assert_eq(db_exec_script(other, "SET lock_timeout = 100", &err), KITH_OK);
	cr_expect_eq(db_lock_key(db, "email", "a@example.com", &err), ERR_INTERNAL);
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_lock_key(db, "email", "a@example.com", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(other, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(db_lock_key(other, "email", "a@example.com", &err), ERR_BUSY);
	db_rollback(other);
	cr_assert_eq(db_begin(other, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(db_lock_key(other, "email", "b@example.com", &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(db_lock_key(other, "phone", "a@example.com", &err), KITH_OK, "%s", err.msg);
	db_rollback(other);
	cr_assert_eq(db_commit(db, &err), KITH_OK, "%s", err.msg); /* ends the lock */
	cr_assert_eq(db_begin(other, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(db_lock_key(other, "email", "a@example.com", &err), KITH_OK, "%s", err.msg);
	db_rollback(other);
	db_close(other);
}

/* A transaction's BEGIN goes to the server with its first statement (one
 * round trip, db_pg.c begin_later): that statement still runs inside the
 * transaction, unseen by others until the commit and undone by a
 * rollback; when it fails, the transaction fails as a whole; a
 * transaction that ran nothing commits and rolls back as nothing. */
Test(pg, the_first_statement_runs_inside_its_transaction)
{
	static const char others[] = "SELECT COUNT(*), 0 FROM t";
	Db *other;
	int64_t n = -1, zero;
	Err err = {0};
	open_url(&other, name);
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_query_int2(other, others, &n, &zero, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(n, 0, "another connection sees the row before the commit");
	db_rollback(db);
	cr_expect_eq(count(), 0, "the rollback undid the first statement");

	cr_assert_eq(insert(1, "a", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(insert(2, "a", &err), ERR_CONFLICT, "the first statement's own error");
	cr_expect_eq(insert(3, "c", &err), ERR_STORAGE, "the transaction is aborted");
	cr_expect_eq(db_commit(db, &err), ERR_STORAGE);
	cr_expect_eq(count(), 1);

	cr_assert_eq(db_begin_read(db, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(db_commit(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	db_rollback(db);
	cr_assert_eq(db_begin(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(insert(2, "b", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_commit(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_query_int2(other, others, &n, &zero, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(n, 2);
	db_close(other);
}

/* db_retry's work: each run inserts row runs (in a transaction of its own
 * first when commit_first, else in the one that fails; base + runs), then, while runs
 * <= fail_runs, fails with SQLSTATE code as a concurrent writer would
 * make it fail (40001 serialization_failure, 55P03 lock_not_available). */
typedef struct Work {
	int runs, fail_runs, commit_first;
	int64_t base; /* rows are base + runs */
	const char *code;
} Work;

static int insert_row(Db *d, int64_t id, Err *err)
{
	static const char one[] = "INSERT INTO t (id) VALUES (?)";
	DbStmt *st;
	int rc = db_prepare(d, &st, one, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	return db_exec_stmt(st, err);
}

static int work(Db *d, void *arg, Err *err)
{
	static const char serialization[] =
	    "DO $$BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END$$";
	static const char lock_wait[] =
	    "DO $$BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '55P03'; END$$";
	Work *w = arg;
	DbStmt *st;
	int rc = KITH_OK;
	w->runs++;
	if (w->commit_first && (rc = db_begin(d, err)) == KITH_OK)
		rc = db_end(d, insert_row(d, w->base + w->runs, err), err);
	if (rc || (rc = db_begin(d, err)))
		return rc;
	if (!w->commit_first)
		rc = insert_row(d, w->base + w->runs, err);
	if (rc == KITH_OK && w->runs <= w->fail_runs &&
	    (rc = db_prepare(d, &st, w->code[0] == '4' ? serialization : lock_wait, err)) ==
		KITH_OK)
		rc = db_exec_stmt(st, err);
	return db_end(d, rc, err);
}

Test(pg, work_undone_by_a_serialization_failure_runs_again)
{
	Err err = {0};
	Work w = {.fail_runs = 2, .code = "40001"};
	cr_expect_eq(db_retry(db, work, &w, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(w.runs, 3);
	cr_expect_eq(count(), 1, "only the run that succeeded wrote");
	w = (Work){.fail_runs = 100, .base = 100, .code = "40001"};
	cr_expect_eq(db_retry(db, work, &w, &err), ERR_BUSY);
	cr_expect_eq(w.runs, 1 + KITH_BUSY_RETRIES, "a bounded number of times");
	cr_expect_eq(count(), 1);
}

Test(pg, work_is_not_run_again_after_a_lock_wait_or_a_commit)
{
	Err err = {0};
	Work w = {.fail_runs = 1, .code = "55P03"};
	cr_expect_eq(db_retry(db, work, &w, &err), ERR_BUSY);
	cr_expect_eq(w.runs, 1, "a timed-out lock wait is answered busy at once");
	w = (Work){.fail_runs = 1, .commit_first = 1, .code = "40001"};
	cr_expect_eq(db_retry(db, work, &w, &err), ERR_BUSY);
	cr_expect_eq(w.runs, 1, "what committed is not written twice");
	cr_expect_eq(count(), 1);
}
