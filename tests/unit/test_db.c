/* test_db.c - the store: migrations, transactions, errors, backup, check. */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "base/limits.h"
#include "base/text.h"
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

static int64_t count(Db *db, const char *sql)
{
	DbStmt *st;
	Err err = {0};
	cr_assert_eq(db_prepare(db, &st, sql, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_step(st, &err), DB_ROW);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

static const char n_tags[] = "SELECT COUNT(*) FROM tag";
static const char ins_tag[] = "INSERT INTO tag (name, name_norm) VALUES (?, ?)";

static int insert_tag(Db *db, const char *name, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, ins_tag, err);
	if (rc)
		return rc;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, name);
	return db_exec_stmt(st, err);
}

TestSuite(db, .init = setup, .fini = teardown);

static int on_pg(void)
{
	return strcmp(db_backend(fx.db), "postgres") == 0;
}

/* How many of the contact ids 1..100 the search index matches for query
 * (through the public SEARCH_* fragments, so on either backend). */
static int64_t matches(const char *query)
{
	static const char q[] =
	    "WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c WHERE id < 100) "
	    "SELECT COUNT(*) FROM c" SEARCH_JOIN_CONTACT "WHERE" SEARCH_MATCH_CONTACT;
	Err err = {0};
	Buf expr;
	DbStmt *st;
	buf_init(&expr, 0);
	cr_assert_eq(search_match_expr(query, &expr, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(fx.db, &st, q, &err), KITH_OK, "%s", err.msg);
	search_bind_match(st, 1, buf_str(&expr));
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	buf_free(&expr);
	return n;
}

Test(db, migrations_are_idempotent)
{
	Err err = {0};
	int applied = -1, version = 0;
	cr_assert_eq(migrate_up(fx.db, &applied, &err), KITH_OK);
	cr_expect_eq(applied, 0);
	cr_assert_eq(migrate_version(fx.db, &version, &err), KITH_OK);
	cr_expect_eq(version, migrate_latest());
	cr_expect_eq(migrate_require_current(fx.db, &err), KITH_OK);
}

Test(db, empty_database_is_not_current)
{
	Db *db;
	Err err = {0};
	char path[128];
	snprintf(path, sizeof path, "%s/empty.db", fx.dir);
	cr_assert_eq(db_open(&db, path, 1, &err), KITH_OK);
	cr_expect_eq(migrate_require_current(db, &err), ERR_INVALID);
	cr_expect_not_null(strstr(err.msg, "kith init"));
	db_close(db);
	unlink(path);
}

Test(db, open_missing_file_without_create_fails)
{
	Db *db;
	Err err = {0};
	cr_expect_eq(db_open(&db, "/nonexistent/dir/x.db", 0, &err), ERR_STORAGE);
	cr_expect_null(db);
	/* nothing listens on port 1: the error names the target, not its password */
	cr_expect_eq(db_open(&db, "postgres://kith:s3cret@127.0.0.1:1/kith", 0, &err), ERR_UNAVAILABLE);
	cr_expect_null(db);
	cr_expect_str_eq(err.field, "db");
	cr_expect(strstr(err.msg, "postgres://kith:***@127.0.0.1:1/kith") != NULL, "%s", err.msg);
	cr_expect(strstr(err.msg, "s3cret") == NULL, "%s", err.msg);
}

Test(db, locks_are_statements_sqlite_accepts)
{
	static const char lock[] = "SELECT id FROM tag WHERE id > ?" DB_FOR_UPDATE;
	DbStmt *st;
	Err err = {0};
	cr_expect_eq(db_lock_key(fx.db, "email", "a@example.com", &err), ERR_INTERNAL);
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	cr_assert_eq(insert_tag(fx.db, "locked", &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(db_lock_key(fx.db, "email", "a@example.com", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(fx.db, &st, lock, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, 0);
	cr_expect_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	db_reset(st);
	cr_expect_eq(db_commit(fx.db, &err), KITH_OK);
}

Test(db, targets_choose_the_backend)
{
	cr_expect(db_target_is_file("kith.db"));
	cr_expect(db_target_is_file("/var/lib/kith/a=b.db"));
	cr_expect(db_target_is_file("./x y=z"));
	cr_expect_not(db_target_is_file(""));
	cr_expect_not(db_target_is_file("postgres://h/db"));
	cr_expect_not(db_target_is_file("postgresql://u@h:5432/db"));
	cr_expect_not(db_target_is_file("host=127.0.0.1 dbname=kith"));
}

Test(db, redacted_targets_hide_the_password)
{
	char out[128];
	db_target_redact("postgres://kith:pw@127.0.0.1:5432/k", out, sizeof out);
	cr_expect_str_eq(out, "postgres://kith:***@127.0.0.1:5432/k");
	db_target_redact("postgresql://kith@h/k?sslmode=disable", out, sizeof out);
	cr_expect_str_eq(out, "postgresql://kith@h/k?sslmode=disable");
	db_target_redact("host=h password='a b\\' c' dbname=k", out, sizeof out);
	cr_expect_str_eq(out, "host=h password=*** dbname=k");
	db_target_redact("password=pw host=h", out, sizeof out);
	cr_expect_str_eq(out, "password=*** host=h");
	db_target_redact("postgres://kith@h/k?sslmode=require&password=pw&x=1", out, sizeof out);
	cr_expect_str_eq(out, "postgres://kith@h/k?sslmode=require&password=***&x=1");
	db_target_redact("postgresql://u:a@h/k?password=b", out, sizeof out);
	cr_expect_str_eq(out, "postgresql://u:***@h/k?password=***");
	db_target_redact("host=h password = 'p w' dbname=k", out, sizeof out);
	cr_expect_str_eq(out, "host=h password=*** dbname=k");
	db_target_redact("host=h\tpassword=pw", out, sizeof out);
	cr_expect_str_eq(out, "host=h\tpassword=***");
	db_target_redact("/tmp/kith.db", out, sizeof out);
	cr_expect_str_eq(out, "/tmp/kith.db");
	db_target_redact("postgres://u:pw@h/k", out, 8); /* always terminated */
	cr_expect_str_eq(out, "postgre");
}

Test(db, nested_rollback_undoes_everything)
{
	Err err = {0};
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	cr_assert_eq(insert_tag(fx.db, "a", &err), KITH_OK);
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	cr_assert_eq(insert_tag(fx.db, "b", &err), KITH_OK);
	db_rollback(fx.db); /* inner failure dooms the outer transaction */
	cr_expect_neq(db_commit(fx.db, &err), KITH_OK);
	cr_expect_eq(count(fx.db, n_tags), 0);
}

Test(db, nested_commit_commits_once)
{
	Err err = {0};
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	cr_assert_eq(insert_tag(fx.db, "a", &err), KITH_OK);
	cr_assert_eq(db_commit(fx.db, &err), KITH_OK);
	cr_assert_eq(db_end(fx.db, KITH_OK, &err), KITH_OK);
	cr_expect_eq(count(fx.db, n_tags), 1);
}

/* The data version in a read transaction of its own. */
static uint32_t version_now(Db *db)
{
	Err err = {0};
	uint32_t v = 0;
	cr_assert_eq(db_begin_read(db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_data_version(db, &v, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_commit(db, &err), KITH_OK, "%s", err.msg);
	return v;
}

Test(db, data_version_moves_with_every_commit_from_anywhere)
{
	Err err = {0};
	Db *other = NULL;
	uint32_t v;
	cr_expect_eq(db_data_version(fx.db, &v, &err), ERR_INTERNAL, "outside a transaction");
	if (on_pg()) {
		/* PostgreSQL: the version never repeats (db_pg.c), so equal
		 * values still mean the same content; it moves on every
		 * call, in a transaction or not, whoever committed */
		uint32_t seen[8];
		int n = 0;
		seen[n++] = version_now(fx.db);
		seen[n++] = version_now(fx.db);
		cr_assert_eq(insert_tag(fx.db, "a", &err), KITH_OK, "%s", err.msg);
		seen[n++] = version_now(fx.db);
		cr_assert_eq(db_open(&other, fx.path, 0, &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(insert_tag(other, "b", &err), KITH_OK, "%s", err.msg);
		seen[n++] = version_now(fx.db);
		cr_assert_eq(db_begin_read(fx.db, &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(db_data_version(fx.db, &seen[n++], &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(insert_tag(other, "c", &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(db_data_version(fx.db, &seen[n++], &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(db_commit(fx.db, &err), KITH_OK, "%s", err.msg);
		seen[n++] = version_now(fx.db);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < i; j++)
				cr_expect_neq(seen[i], seen[j], "versions %d and %d", j, i);
		db_close(other);
		return;
	}
	uint32_t v0 = version_now(fx.db);
	cr_expect_eq(version_now(fx.db), v0, "reads change nothing");
	cr_assert_eq(insert_tag(fx.db, "a", &err), KITH_OK, "%s", err.msg);
	uint32_t v1 = version_now(fx.db);
	cr_expect_neq(v1, v0, "this connection's own commit");
	cr_assert_eq(db_open(&other, fx.path, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(insert_tag(other, "b", &err), KITH_OK, "%s", err.msg);
	uint32_t v2 = version_now(fx.db);
	cr_expect_neq(v2, v1, "another connection's commit");
	cr_expect_eq(version_now(fx.db), v2);
	/* a read transaction keeps its snapshot's version, whatever commits
	 * meanwhile; an uncommitted write of its own does not count */
	cr_assert_eq(db_begin_read(fx.db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_data_version(fx.db, &v, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(v, v2);
	cr_assert_eq(insert_tag(other, "c", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_data_version(fx.db, &v, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(v, v2, "the snapshot holds");
	cr_assert_eq(db_commit(fx.db, &err), KITH_OK, "%s", err.msg);
	uint32_t v3 = version_now(fx.db);
	cr_expect_neq(v3, v2);
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(insert_tag(fx.db, "d", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_data_version(fx.db, &v, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(v, v3, "not committed yet");
	db_rollback(fx.db);
	db_close(other);
}

Test(db, unique_violation_is_conflict)
{
	Err err = {0};
	cr_assert_eq(insert_tag(fx.db, "vip", &err), KITH_OK);
	cr_expect_eq(insert_tag(fx.db, "vip", &err), ERR_CONFLICT);
	cr_expect_eq(count(fx.db, n_tags), 1);
}

/* CHECK and foreign-key failures are the domain's bugs, not the user's
 * conflicts: they must not come back as a 409 the user could "fix". */
Test(db, check_and_foreign_key_violations_are_storage_errors)
{
	Err err = {0};
	cr_assert_eq(db_exec_script(fx.db,
				    "INSERT INTO task (title, type, created_at, updated_at) "
				    "VALUES ('t', 'dance', 'x', 'x')",
				    &err),
		     ERR_STORAGE);
	cr_assert_eq(db_exec_script(fx.db,
				    "INSERT INTO task (title, contact_id, created_at, updated_at) "
				    "VALUES ('t', 424242, 'x', 'x')",
				    &err),
		     ERR_STORAGE);
	cr_expect_eq(count(fx.db, "SELECT COUNT(*) FROM task"), 0);
}

/* SQLite's online backup into a file (on PostgreSQL, of a SQLite database
 * of the test's own: kith backup there is pg_dump's). */
/* db_check's findings, counted. */
static void count_finding(void *arg, const DbFinding *f)
{
	(void)f;
	++*(int *)arg;
}

Test(db, backup_and_check)
{
	Err err = {0};
	char path[128], own[128];
	Db *db = fx.db, *copy;
	own[0] = '\0';
	if (on_pg()) {
		snprintf(own, sizeof own, "%s/own.db", fx.dir);
		cr_assert_eq(db_open(&db, own, 1, &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(migrate_up(db, NULL, &err), KITH_OK, "%s", err.msg);
	}
	cr_assert_eq(insert_tag(db, "kept", &err), KITH_OK);
	snprintf(path, sizeof path, "%s/backup.db", fx.dir);
	cr_assert_eq(db_backup(db, path, &err), KITH_OK, "%s", err.msg);
	if (db != fx.db) {
		db_close(db);
		unlink(own);
	}
	cr_assert_eq(db_open(&copy, path, 0, &err), KITH_OK);
	int problems = 0;
	cr_expect_eq(db_check(copy, count_finding, &problems, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(problems, 0);
	cr_expect_eq(count(copy, n_tags), 1);
	db_close(copy);
	unlink(path);
	char wal[140];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
}

Test(db, search_prefix_and_scripts)
{
	Err err = {0};
	Buf doc, expr;
	const char *docs[] = {"Łukasz Żółkiewski", "İsmail Işık", "บริษัทตัวอย่างจำกัด"};
	const char *queries[] = {"lukasz zol", "ismail isi", "ตัวอย่าง"};
	for (int i = 0; i < 3; i++) {
		buf_init(&doc, 0);
		text_search_doc(&doc, docs[i]);
		cr_assert_eq(search_put(fx.db, "contact", i + 1, buf_str(&doc), &err), KITH_OK);
		buf_free(&doc);
	}
	for (int i = 0; i < 3; i++)
		cr_expect_eq(matches(queries[i]), 1, "query %s", queries[i]);
	buf_init(&expr, 0);
	cr_expect_eq(search_match_expr(" -- \"* ", &expr, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "q");
	buf_free(&expr);
	cr_assert_eq(search_remove(fx.db, "contact", 1, &err), KITH_OK);
}

/* DB_IN_IDS with db_bind_ids: the rows whose id is listed, each once
 * however often it is listed; an empty list matches none. The same
 * statement on both backends (json_each on SQLite, an array on
 * PostgreSQL). */
Test(db, in_ids_reads_the_listed_rows)
{
	static const char sql[] =
	    "SELECT COUNT(*), COALESCE(SUM(id), 0) FROM tag WHERE id" DB_IN_IDS;
	Err err = {0};
	DbStmt *st;
	int64_t first = 0;
	for (int i = 0; i < 5; i++) {
		char name[16];
		snprintf(name, sizeof name, "t%d", i);
		cr_assert_eq(insert_tag(fx.db, name, &err), KITH_OK, "%s", err.msg);
	}
	first = count(fx.db, "SELECT MIN(id) FROM tag");
	const int64_t some[] = {first + 1, first + 3, first + 3, first + 1000};
	const struct {
		const int64_t *ids;
		size_t n;
		int64_t rows, sum;
	} cases[] = {
	    {some, 4, 2, 2 * first + 4},
	    {some, 1, 1, first + 1},
	    {some, 0, 0, 0},
	    {some + 3, 1, 0, 0},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
		db_bind_ids(st, 1, cases[k].ids, cases[k].n);
		cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
		cr_expect_eq(db_col_int(st, 0), cases[k].rows, "case %zu", k);
		cr_expect_eq(db_col_int(st, 1), cases[k].sum, "case %zu", k);
		db_reset(st);
	}
}

/* A list of ids too long for its buffer (KITH_MAX_BUF) is not bound as an
 * empty list, which would read fewer rows without a word: the statement
 * fails at its step with "out of memory", and its next use binds anew. */
Test(db, in_ids_out_of_memory_fails_the_statement)
{
	static const char sql[] = "SELECT COUNT(*) FROM tag WHERE id" DB_IN_IDS;
	size_t n = KITH_MAX_BUF / 16; /* 20 bytes an id in the list */
	int64_t *ids = malloc(n * sizeof *ids);
	Err err = {0};
	DbStmt *st;
	cr_assert(ids);
	for (size_t k = 0; k < n; k++)
		ids[k] = INT64_C(1000000000000000000) + (int64_t)k;
	cr_assert_eq(insert_tag(fx.db, "t", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	db_bind_ids(st, 1, ids, n);
	cr_expect_eq(db_step(st, &err), ERR_INTERNAL, "a statement with a list it lost ran");
	cr_expect(strstr(err.msg, "out of memory"), "%s", err.msg);
	db_reset(st);
	ids[0] = count(fx.db, "SELECT MIN(id) FROM tag");
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	db_bind_ids(st, 1, ids, 1);
	cr_expect_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	cr_expect_eq(db_col_int(st, 0), 1);
	db_reset(st);
	free(ids);
}

Test(db, search_query_must_be_utf8)
{
	Err err = {0};
	Buf expr;
	buf_init(&expr, 0);
	cr_expect_eq(search_match_expr("\xe0\xb8", &expr, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "q");
	buf_free(&expr);
}

Test(db, long_thai_words_are_found_inside_long_runs)
{
	Err err = {0};
	Buf doc;
	/* a word of 23 letters in the middle of a run, searched whole */
	const char *text = "บริษัทเครื่องปรับอากาศและอุปกรณ์ไฟฟ้าจำกัด";
	const char *word = "เครื่องปรับอากาศและอุปกรณ์";
	buf_init(&doc, 0);
	text_search_doc(&doc, text);
	cr_assert_eq(search_put(fx.db, "contact", 1, buf_str(&doc), &err), KITH_OK);
	buf_free(&doc);
	cr_expect_eq(matches(word), 1, "%s", word);
}

Test(db, a_lock_held_past_the_busy_timeout_is_busy, .timeout = 30)
{
	Db *other;
	Err err = {0};
	cr_assert_eq(db_open(&other, fx.path, 0, &err), KITH_OK);
	if (on_pg()) {
		/* PostgreSQL has no database write lock: a row lock held
		 * past the lock timeout makes the waiting writer busy */
		static const char rename[] = "UPDATE tag SET name = ? WHERE name_norm = 'a'";
		DbStmt *st;
		cr_assert_eq(insert_tag(fx.db, "a", &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(db_begin(other, &err), KITH_OK);
		cr_assert_eq(db_prepare(other, &st, rename, &err), KITH_OK, "%s", err.msg);
		db_bind_text(st, 1, "b");
		cr_assert_eq(db_exec_stmt(st, &err), KITH_OK, "%s", err.msg); /* holds the row */
		cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
		cr_assert_eq(db_prepare(fx.db, &st, rename, &err), KITH_OK, "%s", err.msg);
		db_bind_text(st, 1, "c");
		cr_expect_eq(db_exec_stmt(st, &err), ERR_BUSY, "%s", err.msg);
		db_rollback(fx.db);
	} else {
		cr_assert_eq(db_begin(other, &err), KITH_OK); /* holds the write lock */
		cr_expect_eq(db_begin(fx.db, &err), ERR_BUSY, "%s", err.msg);
	}
	cr_expect_not_null(strstr(err.msg, "try again"), "%s", err.msg);
	db_rollback(other);
	db_close(other);
	cr_expect_eq(db_begin(fx.db, &err), KITH_OK);
	db_rollback(fx.db);
}
