/* test_census.c - the census of issue 8: every SQL statement of the
 * program, prepared with db_prepare on a freshly migrated SQLite database
 * and on a freshly migrated PostgreSQL one, so a statement only one backend
 * accepts fails the day it is written.
 *
 * The statements come from scripts/sql-census (the Makefile writes them to
 * build/test/census.jsonl before the unit suite runs; KITH_CENSUS names
 * another file): one JSON object per line with file, line, backend ("both",
 * "sqlite" or "postgres": where the statement runs, see the script for the
 * rule), key (a hash of the text) and sql. A statement runs on the backends
 * it names; db_prepare replaces its markers per backend, PostgreSQL checks
 * its syntax, names and parameter types on the server (PQprepare), SQLite
 * in sqlite3_prepare_v3.
 *
 * Two lists keep the test green while saying why:
 *   - not_preparable below: literals that are not statements to prepare by
 *     design (scripts for db_exec_script, printf formats), with the reason;
 *   - tests/unit/census_known.txt: statements that fail today on a backend
 *     and are being fixed ("BACKEND FILE KEY  # note" per line). A failure
 *     not in the list fails the test; so does an entry whose statement now
 *     prepares or is gone (remove it), so the list only shrinks.
 * KITH_TEST_PG holds the URL prefix of a throwaway PostgreSQL server
 * (`make test` and `make unit` set it through scripts/with-test-pg). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "store/db.h"
#include "store/migrate.h"

/* Literals the census lists that are not statements db_prepare ever sees. */
static const struct {
	const char *file, *key, *reason;
} not_preparable[] = {
    {"src/store/db_sqlite.c", "f232fd937372",
     "the connection's PRAGMA script, run with db_exec_script at open"},
    {"src/store/db_sqlite.c", "c87b537ccdcd",
     "db_bulk_mode's PRAGMA script, run with db_exec_script"},
    {"src/store/db_sqlite.c", "10b002c4771a",
     "a printf format (PRAGMA mmap_size=%llu) for db_set_mmap, run with db_exec_script"},
};

enum { MAX_KNOWN = 512 };

typedef struct Known {
	char backend[16], file[128], key[32];
	int seen; /* the statement failed on that backend as listed */
} Known;

static Known known[MAX_KNOWN];
static int n_known;
static int used[sizeof not_preparable / sizeof not_preparable[0]];

static const char *census_path(void)
{
	const char *p = getenv("KITH_CENSUS");
	return p && *p ? p : "build/test/census.jsonl";
}

static void load_known(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s: cannot open the list of known failures", path);
	for (int no = 1; fgets(line, sizeof line, f); no++) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		Known k = {0};
		int n = sscanf(line, "%15s %127s %31s", k.backend, k.file, k.key);
		if (n <= 0)
			continue;
		cr_assert_eq(n, 3, "%s:%d: want BACKEND FILE KEY", path, no);
		cr_assert(strcmp(k.backend, "sqlite") == 0 || strcmp(k.backend, "postgres") == 0,
			  "%s:%d: backend %s is neither sqlite nor postgres", path, no, k.backend);
		cr_assert_lt(n_known, MAX_KNOWN, "%s: more than %d entries", path, MAX_KNOWN);
		known[n_known++] = k;
	}
	fclose(f);
}

static Known *find_known(const char *backend, const char *file, const char *key)
{
	for (int i = 0; i < n_known; i++)
		if (strcmp(known[i].backend, backend) == 0 && strcmp(known[i].file, file) == 0 &&
		    strcmp(known[i].key, key) == 0)
			return &known[i];
	return NULL;
}

static int excluded(const char *file, const char *key)
{
	for (size_t i = 0; i < sizeof not_preparable / sizeof not_preparable[0]; i++)
		if (strcmp(not_preparable[i].file, file) == 0 &&
		    strcmp(not_preparable[i].key, key) == 0) {
			used[i] = 1;
			return 1;
		}
	return 0;
}

static Db *open_sqlite(char *dir, size_t n)
{
	char path[300];
	Db *db;
	Err err = {0};
	snprintf(dir, n, "/tmp/kith-census-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	cr_assert_eq(db_open(&db, path, 1, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(db, NULL, &err), KITH_OK, "SQLite: %s", err.msg);
	return db;
}

static void close_sqlite(Db *db, const char *dir)
{
	char p[300];
	const char *sfx[] = {"", "-wal", "-shm"};
	db_close(db);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/t.db%s", dir, sfx[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void pg_admin(const char *sql)
{
	const char *prefix = getenv("KITH_TEST_PG");
	char url[512];
	Db *admin;
	Err err = {0};
	snprintf(url, sizeof url, "%spostgres", prefix);
	cr_assert_eq(db_open(&admin, url, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_exec_script(admin, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	db_close(admin);
}

static Db *open_pg(char *name, size_t n)
{
	const char *prefix = getenv("KITH_TEST_PG");
	char url[512], sql[160];
	Db *db;
	Err err = {0};
	cr_assert(prefix && *prefix,
		  "KITH_TEST_PG is not set: run `make unit` (scripts/with-test-pg), or start a "
		  "server with scripts/pg-test-server start DIR and set KITH_TEST_PG to the URL "
		  "it prints");
	snprintf(name, n, "kith_census_%d", (int)getpid());
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	pg_admin(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	pg_admin(sql);
	snprintf(url, sizeof url, "%s%s", prefix, name);
	cr_assert_eq(db_open(&db, url, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(db, NULL, &err), KITH_OK, "PostgreSQL: %s", err.msg);
	return db;
}

/* Prepare sql on db. On a refusal, unless the list expects it, append a
 * report to problems; count it in *failed. */
static void check(Db *db, const char *backend, json_t *rec, Buf *problems, int *failed)
{
	const char *file = json_string_value(json_object_get(rec, "file"));
	const char *key = json_string_value(json_object_get(rec, "key"));
	const char *sql = json_string_value(json_object_get(rec, "sql"));
	int line = (int)json_integer_value(json_object_get(rec, "line"));
	DbStmt *st;
	Err err = {0};
	Known *k = find_known(backend, file, key);
	if (db_prepare(db, &st, sql, &err) == KITH_OK) {
		db_reset(st);
		return;
	}
	(*failed)++;
	if (k) {
		k->seen = 1;
		return;
	}
	buf_addf(problems, "%s:%d: %s refuses it: %s\n    %s %s %s  # %.200s\n", file, line,
		 backend, err.msg, backend, file, key, sql);
}

TestSuite(census);

Test(census, every_statement_prepares_on_its_backends, .timeout = 300)
{
	const char *path = census_path();
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s: no census; `make build/test/census.jsonl` writes it", path);
	load_known("tests/unit/census_known.txt");

	/* Every record stays alive until the end: db_prepare caches by the
	 * address of the text. */
	json_t *recs = json_array();
	char line[1 << 16];
	for (int no = 1; fgets(line, sizeof line, f); no++) {
		json_error_t je;
		cr_assert(strchr(line, '\n'), "%s:%d: line too long", path, no);
		json_t *r = json_loads(line, 0, &je);
		cr_assert_not_null(r, "%s:%d: %s", path, no, je.text);
		cr_assert(json_is_string(json_object_get(r, "file")) &&
			      json_is_string(json_object_get(r, "key")) &&
			      json_is_string(json_object_get(r, "sql")) &&
			      json_is_string(json_object_get(r, "backend")),
			  "%s:%d: not a census record", path, no);
		json_array_append_new(recs, r);
	}
	fclose(f);
	/* A census that finds (almost) nothing is broken, not clean. */
	cr_assert_gt(json_array_size(recs), 300, "%s: only %zu statements", path,
		     json_array_size(recs));

	char dir[64], pgname[64];
	Db *lite = open_sqlite(dir, sizeof dir);
	Db *pg = open_pg(pgname, sizeof pgname);
	Buf problems;
	buf_init(&problems, 0);
	int n_lite = 0, n_pg = 0, failed = 0;
	size_t i;
	json_t *r;
	json_array_foreach(recs, i, r)
	{
		const char *file = json_string_value(json_object_get(r, "file"));
		const char *key = json_string_value(json_object_get(r, "key"));
		const char *backend = json_string_value(json_object_get(r, "backend"));
		if (excluded(file, key))
			continue;
		if (strcmp(backend, "postgres") != 0) {
			check(lite, "sqlite", r, &problems, &failed);
			n_lite++;
		}
		if (strcmp(backend, "sqlite") != 0) {
			check(pg, "postgres", r, &problems, &failed);
			n_pg++;
		}
	}
	for (size_t e = 0; e < sizeof not_preparable / sizeof not_preparable[0]; e++)
		if (!used[e])
			buf_addf(&problems,
				 "test_census.c not_preparable: %s %s is not in the census any "
				 "more: remove it\n",
				 not_preparable[e].file, not_preparable[e].key);
	for (int k = 0; k < n_known; k++)
		if (!known[k].seen)
			buf_addf(&problems,
				 "tests/unit/census_known.txt: %s %s %s prepares now (or is "
				 "gone): remove it\n",
				 known[k].backend, known[k].file, known[k].key);

	close_sqlite(lite, dir);
	db_close(pg);
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pgname);
	pg_admin(sql);

	cr_assert(!buf_failed(&problems));
	fprintf(stderr,
		"census: %d statements on SQLite, %d on PostgreSQL, %d refusals (%d "
		"expected by tests/unit/census_known.txt)%s\n%s",
		n_lite, n_pg, failed, n_known, buf_str(&problems)[0] ? "; problems:" : "",
		buf_str(&problems));
	cr_expect_str_empty(buf_str(&problems),
			    "the census found statements a backend refuses, or stale list entries "
			    "(details on stderr)");
	buf_free(&problems);
	json_decref(recs);
}
