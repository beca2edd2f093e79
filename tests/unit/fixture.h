/* fixture.h - shared setup for unit tests: a fresh, migrated database in a
 * temporary directory (fixture_open() before, fixture_close() after; on
 * PostgreSQL with KITH_TEST_BACKEND=postgres, see fixture_pg), an
 * empty one for the tests of migrations, users to act as, token checks as
 * the server makes them, contacts and their touches, and small readers
 * that fail the test on bad test data. Header-only (static inline) so each
 * test file stays self-contained; use these instead of copying them. */
#ifndef KITH_TESTS_FIXTURE_H
#define KITH_TESTS_FIXTURE_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/access.h"
#include "core/token.h"
#include "core/user.h"
#include "core/workspace.h"
#include "crm/activity.h"
#include "crm/contact.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/search.h"

typedef struct Fixture {
	char dir[64];	/* temporary directory */
	char path[256]; /* database file inside it, or PostgreSQL database URL */
	char pg[64];	/* the PostgreSQL database's name, "" on SQLite */
	Db *db;
	Db *pg_db; /* the fixture's PostgreSQL database while fixture_use_sqlite */
} Fixture;

/* The PostgreSQL server the tests run on (KITH_TEST_BACKEND=postgres, and
 * KITH_TEST_PG its URL prefix: scripts/with-test-pg), or NULL: SQLite. */
static inline const char *fixture_pg(void)
{
	const char *backend = getenv("KITH_TEST_BACKEND");
	if (!backend || strcmp(backend, "postgres") != 0)
		return NULL;
	const char *prefix = getenv("KITH_TEST_PG");
	cr_assert(prefix && *prefix, "KITH_TEST_BACKEND=postgres needs KITH_TEST_PG "
				     "(run through scripts/with-test-pg)");
	return prefix;
}

/* Run sql (no parameters) on the PostgreSQL server's "postgres" database. */
static inline void fixture_pg_admin(const char *prefix, const char *sql)
{
	char url[320];
	Db *admin;
	Err err = {0};
	snprintf(url, sizeof url, "%spostgres", prefix);
	cr_assert_eq(db_open(&admin, url, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_exec_script(admin, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	db_close(admin);
}

/* The first column of the first row of sql on db, as an integer. */
static inline int64_t fixture_query_int(Db *db, const char *sql)
{
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(db, &st, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s: %s", sql, err.msg);
	int64_t v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

/* On PostgreSQL: the name of a database migrated to the binary's version
 * (kith_migrated_<version>), made once per server from kith_template by the
 * first fixture that needs it, under an advisory lock on the server's
 * "postgres" database, so fixtures copy it instead of migrating each. It
 * takes its name only once migrated and closed, so a copy never starts
 * from a half-migrated template; the lock is released before the copies,
 * which run side by side. Returns the admin connection (caller closes). */
static inline Db *fixture_pg_migrated(const char *prefix, char *name, size_t size)
{
	char url[320], sql[160];
	Db *admin, *tpl;
	Err err = {0};
	snprintf(name, size, "kith_migrated_%d", migrate_latest());
	snprintf(url, sizeof url, "%spostgres", prefix);
	cr_assert_eq(db_open(&admin, url, 0, &err), KITH_OK, "%s", err.msg);
	(void)fixture_query_int(admin, "SELECT 1 FROM pg_advisory_lock(7210531)");
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM pg_database WHERE datname = '%s'", name);
	if (fixture_query_int(admin, sql) == 0) {
		/* what a run that failed while migrating left */
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s_new WITH (FORCE)", name);
		cr_assert_eq(db_exec_script(admin, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s_new TEMPLATE kith_template", name);
		cr_assert_eq(db_exec_script(admin, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
		snprintf(url, sizeof url, "%s%s_new", prefix, name);
		cr_assert_eq(db_open(&tpl, url, 0, &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(migrate_up(tpl, NULL, &err), KITH_OK, "%s", err.msg);
		db_close(tpl);
		/* renamed only once migrated: a failed run leaves no half template */
		snprintf(sql, sizeof sql, "ALTER DATABASE %s_new RENAME TO %s", name, name);
		cr_assert_eq(db_exec_script(admin, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	}
	(void)fixture_query_int(admin, "SELECT 1 FROM pg_advisory_unlock(7210531)");
	return admin;
}

/* Copy the file src to dst (a new file, 0600). */
static inline void fixture_copy_file(const char *src, const char *dst)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(src, "rb");
	cr_assert_not_null(in, "%s", src);
	int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0600);
	cr_assert(fd >= 0, "%s", dst);
	FILE *out = fdopen(fd, "wb");
	cr_assert_not_null(out, "%s", dst);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		cr_assert_eq(fwrite(buf, 1, n, out), n, "%s", dst);
	cr_assert(!ferror(in), "%s", src);
	fclose(in);
	cr_assert_eq(fclose(out), 0, "%s", dst);
}

/* On SQLite: the path of a database file migrated to the binary's version
 * (migrated_<version>.db), made once per run of the suite by the first
 * fixture that needs it, in the directory KITH_UNIT_TEMPLATE_DIR that
 * test_fixture.c's hooks make before the first test (and remove after the
 * last), so fixtures copy it instead of migrating each. It is migrated
 * under a name of its own and renamed when closed, so a copy never starts
 * from a half-migrated file; two fixtures that both make it each rename a
 * whole one. Returns 0 (path untouched) without KITH_UNIT_TEMPLATE_DIR: the
 * fixture migrates its own database. */
static inline int fixture_sqlite_migrated(char *path, size_t size)
{
	char tmp[200], wal[220];
	Db *db;
	Err err = {0};
	const char *dir = getenv("KITH_UNIT_TEMPLATE_DIR");
	if (!dir || !*dir)
		return 0;
	cr_assert_lt(strlen(dir), 160, "KITH_UNIT_TEMPLATE_DIR: %s: too long", dir);
	snprintf(path, size, "%s/migrated_%d.db", dir, migrate_latest());
	if (access(path, F_OK) == 0)
		return 1;
	snprintf(tmp, sizeof tmp, "%s/new_%d.db", dir, (int)getpid());
	cr_assert_eq(db_open(&db, tmp, 1, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(db, NULL, &err), KITH_OK, "%s", err.msg);
	db_close(db);
	/* the last connection closed: the WAL is in the file and removed */
	snprintf(wal, sizeof wal, "%s-wal", tmp);
	cr_assert_neq(access(wal, F_OK), 0, "%s is left after closing", wal);
	cr_assert_eq(rename(tmp, path), 0, "%s", path);
	return 1;
}

/* A new database, not migrated (template kith_template) or migrated
 * (migrated: from fixture_pg_migrated, or on SQLite a copy of
 * fixture_sqlite_migrated's file): a file in a new temporary
 * directory, or on PostgreSQL a database of its own (the directory is made
 * as well, for tests that write other files). */
static inline Db *fixture_open_from(Fixture *f, int migrated)
{
	static int n;
	Err err = {0};
	const char *prefix = fixture_pg();
	snprintf(f->dir, sizeof f->dir, "/tmp/kith-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	f->pg[0] = '\0';
	f->pg_db = NULL;
	if (prefix) {
		char sql[192], tpl[64] = "kith_template";
		Db *admin = NULL;
		if (migrated)
			admin = fixture_pg_migrated(prefix, tpl, sizeof tpl);
		snprintf(f->pg, sizeof f->pg, "kith_unit_%d_%d", (int)getpid(), ++n);
		/* FILE_COPY: copies the files (and checkpoints, cheap with the
		 * test server's fsync off): a fifth of the time the default
		 * WAL_LOG takes, which writes every page of the copy to the WAL */
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", f->pg,
			 tpl);
		if (admin) {
			cr_assert_eq(db_exec_script(admin, sql, &err), KITH_OK, "%s: %s", sql,
				     err.msg);
			db_close(admin);
		} else {
			fixture_pg_admin(prefix, sql);
		}
		snprintf(f->path, sizeof f->path, "%s%s", prefix, f->pg);
	} else if (migrated) {
		char tpl[320];
		if (fixture_sqlite_migrated(tpl, sizeof tpl))
			fixture_copy_file(tpl, f->path);
	}
	contact_links_register(); /* as hooks_install() does */
	cr_assert_eq(db_open(&f->db, f->path, 1, &err), KITH_OK, "%s", err.msg);
	return f->db;
}

/* A new, not migrated database (fixture_open_from). */
static inline Db *fixture_open_empty(Fixture *f)
{
	return fixture_open_from(f, 0);
}

/* A migrated database with a workspace "Test" (country may be NULL, EUR,
 * UTC). */
static inline Db *fixture_open(Fixture *f, const char *country)
{
	Err err = {0};
	fixture_open_from(f, 1);
	cr_assert_eq(migrate_up(f->db, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(workspace_init(f->db, "Test", country, "EUR", "UTC", &err), KITH_OK, "%s",
		     err.msg);
	return f->db;
}

/* For a test about SQLite itself (its FTS5 tables, its migrations'
 * rebuilds): on PostgreSQL, the test goes on with a migrated SQLite
 * database of its own in f->dir as f->db and f->path (a workspace "Test"
 * with country, EUR, UTC), so it runs on SQLite in both passes;
 * fixture_close closes it. Nothing on SQLite. */
static inline void fixture_use_sqlite(Fixture *f, const char *country)
{
	Err err = {0};
	if (!f->pg[0] || f->pg_db)
		return;
	f->pg_db = f->db;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	char tpl[320];
	if (fixture_sqlite_migrated(tpl, sizeof tpl))
		fixture_copy_file(tpl, f->path);
	cr_assert_eq(db_open(&f->db, f->path, 1, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(f->db, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(workspace_init(f->db, "Test", country, "EUR", "UTC", &err), KITH_OK, "%s",
		     err.msg);
}

static inline void fixture_close(Fixture *f)
{
	char p[320];
	if (f->pg_db) {
		const char *sfx[] = {"", "-wal", "-shm"};
		db_close(f->db);
		for (int i = 0; i < 3; i++) {
			snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
			unlink(p);
		}
		f->db = f->pg_db;
		f->pg_db = NULL;
	}
	db_close(f->db);
	f->db = NULL;
	if (f->pg[0]) {
		snprintf(p, sizeof p, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->pg);
		fixture_pg_admin(fixture_pg(), p);
	} else {
		const char *sfx[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
			unlink(p);
		}
	}
	rmdir(f->dir);
}

/* Set the workspace time zone (as the system). */
static inline void fixture_zone(Fixture *f, const char *zone)
{
	Err err = {0};
	Actor sys = ACTOR_SYSTEM;
	cr_assert_eq(workspace_set(f->db, &sys, NULL, NULL, NULL, zone, &err), KITH_OK, "%s",
		     err.msg);
}

/* Add a user (name "User", password "password1") as the system and return
 * them as an actor. role: "owner", "admin" or "member". */
static inline Actor fixture_user(Fixture *f, const char *email, const char *role)
{
	static const Actor sys = ACTOR_SYSTEM;
	Err err = {0};
	int64_t id;
	Actor a;
	cr_assert_eq(user_add(f->db, &sys, email, "User", role, "password1", &id, &err), KITH_OK,
		     "%s: %s", email, err.msg);
	cr_assert_eq(user_actor_by_email(f->db, email, &a, &err), KITH_OK, "%s", err.msg);
	return a;
}

/* The first column of the first row of sql (a COUNT(*) and the like). */
static inline int64_t fixture_count(Fixture *f, const char *sql)
{
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(f->db, &st, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s: %s", sql, err.msg);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

/* Test JSON (any value, NUL allowed in strings); fails the test when it
 * does not parse. Caller decrefs. */
static inline json_t *fixture_json(const char *json)
{
	json_error_t je;
	json_t *v = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	cr_assert_not_null(v, "bad test JSON %s: %s", json, je.text);
	return v;
}

/* Member key of o as a string (NULL when absent or not a string) or as an
 * integer (0 when absent or not an integer). */
static inline const char *fixture_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static inline int64_t fixture_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* A contact from test JSON, created by actor with CONTACT_FORCE (test data
 * never trips the duplicate guard); fails the test on any error. Its id. */
static inline int64_t fixture_contact(Fixture *f, const Actor *actor, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json(json);
	cr_assert_eq(contact_create(f->db, actor, in, CONTACT_FORCE, &id, &err), KITH_OK, "%s: %s",
		     err.field, err.msg);
	json_decref(in);
	return id;
}

/* Log an activity of kind ("call", "meeting", ...: a touch; "note": not
 * one, cadence.h) on contact id at instant at, as the system. */
static inline void fixture_touch(Fixture *f, int64_t id, const char *kind, const char *at)
{
	static const Actor sys = ACTOR_SYSTEM;
	Err err = {0};
	int64_t aid;
	json_t *in =
	    json_pack("{ss sI ss}", "kind", kind, "contact_id", (json_int_t)id, "occurred_at", at);
	cr_assert_eq(activity_create(f->db, &sys, in, &aid, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(in);
}

/* Check an API token as the server does for a request (hooks.c):
 * token_check_memo with a memo of its own, then token_record_use of what
 * it found stale. Its rc; *out as token_check_memo leaves it. */
static inline int fixture_token_auth(Fixture *f, const char *secret, Actor *out, Err *err)
{
	void *memo = NULL;
	int64_t stale = 0;
	int rc = token_check_memo(f->db, &memo, secret, out, &stale, err);
	free(memo);
	if (rc == KITH_OK)
		token_record_use(f->db, stale);
	return rc;
}

/* Order of two ranked candidates: rank, then id. */
static inline int fixture_by_rank_then_id(const void *a, const void *b)
{
	const SearchHit *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The ids of the matches of query among companies (company set) or
 * contacts in the order a ranked search shows them, as store/search.h
 * defines it, before visibility and filters: the first
 * SEARCH_RANK_CANDIDATES matches by (rank, id), then the later matches by
 * id. Read straight from the index, apart from the lists' code. out has
 * room for cap ids; *n receives how many. */
static inline void fixture_ranked_order(Fixture *f, int company, const char *query, int64_t *out,
					int cap, int *n)
{
	static const char contact_candidates[] =
	    "SELECT" SEARCH_ROWID ", doc FROM contact_fts s WHERE" SEARCH_MATCH_CONTACT
	    "ORDER BY" SEARCH_ROWID "LIMIT ?";
	static const char contact_later[] =
	    "SELECT" SEARCH_ROWID "FROM contact_fts s WHERE" SEARCH_MATCH_CONTACT "AND" SEARCH_ROWID
	    "> ? ORDER BY" SEARCH_ROWID;
	static const char company_candidates[] =
	    "SELECT" SEARCH_ROWID ", doc FROM company_fts s WHERE" SEARCH_MATCH_COMPANY
	    "ORDER BY" SEARCH_ROWID "LIMIT ?";
	static const char company_later[] =
	    "SELECT" SEARCH_ROWID "FROM company_fts s WHERE" SEARCH_MATCH_COMPANY "AND" SEARCH_ROWID
	    "> ? ORDER BY" SEARCH_ROWID;
	static SearchHit hits[SEARCH_RANK_CANDIDATES];
	Err err = {0};
	Buf expr;
	DbStmt *st;
	int64_t bound = 0;
	int rc, m = 0;
	buf_init(&expr, 0);
	cr_assert_eq(search_match_expr(query, &expr, &err), KITH_OK);
	/* the candidates ranked in C: kith_search_rank is SQLite's only */
	cr_assert_eq(
	    db_prepare(f->db, &st, company ? company_candidates : contact_candidates, &err),
	    KITH_OK, "%s", err.msg);
	search_bind_match(st, 1, buf_str(&expr));
	db_bind_int(st, 2, SEARCH_RANK_CANDIDATES);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		const char *doc = db_col_text(st, 1);
		hits[m].id = db_col_int(st, 0);
		hits[m].rank = search_rank(doc, strlen(doc), buf_str(&expr));
		bound = hits[m++].id;
	}
	db_reset(st);
	cr_assert_eq(rc, DB_DONE, "%s", err.msg);
	qsort(hits, (size_t)m, sizeof hits[0], fixture_by_rank_then_id);
	cr_assert_leq(m, cap);
	for (*n = 0; *n < m; (*n)++)
		out[*n] = hits[*n].id;
	cr_assert_eq(db_prepare(f->db, &st, company ? company_later : contact_later, &err), KITH_OK,
		     "%s", err.msg);
	search_bind_match(st, 1, buf_str(&expr));
	db_bind_int(st, 2, bound);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		cr_assert_lt(*n, cap);
		out[(*n)++] = db_col_int(st, 0);
	}
	db_reset(st);
	cr_assert_eq(rc, DB_DONE, "%s", err.msg);
	buf_free(&expr);
}

#endif
