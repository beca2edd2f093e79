/* test_fixture.c - the fixture's template of a migrated SQLite database
 * (fixture.h): the hooks that make its directory for a run of the suite
 * and remove it after, and tests that a copy of it is what migrating gives. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>

#include "fixture.h"

static char template_dir[] = "/tmp/kith-unit-template-XXXXXX";

/* In the runner, before any test: the directory for the templates, named
 * in the environment the test processes inherit. */
ReportHook(PRE_ALL)(struct criterion_test_set *tests)
{
	(void)tests;
	if (getenv("KITH_UNIT_TEMPLATE_DIR"))
		return; /* the caller's own */
	if (mkdtemp(template_dir))
		setenv("KITH_UNIT_TEMPLATE_DIR", template_dir, 1);
}

/* In the runner, after the last test: the directory goes, with the
 * templates (and what a test that crashed while making one left). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	const char *dir = getenv("KITH_UNIT_TEMPLATE_DIR");
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	if (!dir || strcmp(dir, template_dir) != 0 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

/* The schema of a database, as SQLite or PostgreSQL lists it: tables,
 * indexes, triggers and their SQL (SQLite) or columns (PostgreSQL). */
static char *schema_of(Db *db)
{
	const char *sql =
	    strcmp(db_backend(db), "postgres") == 0
		? "SELECT table_name || '.' || column_name || ':' || data_type FROM "
		  "information_schema.columns WHERE table_schema = 'public' ORDER BY 1"
		: "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master "
		  "ORDER BY type, name";
	Err err = {0};
	DbStmt *st;
	size_t len = 0;
	char *out = calloc(1, 1);
	cr_assert_eq(db_prepare(db, &st, sql, &err), KITH_OK, "%s", err.msg);
	while (db_step(st, &err) == DB_ROW) {
		const char *row = db_col_text(st, 0);
		size_t n = strlen(row);
		out = realloc(out, len + n + 2);
		memcpy(out + len, row, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	db_reset(st);
	return out;
}

Test(fixture, a_migrated_fixture_has_the_schema_migrating_gives)
{
	Fixture copy, fresh;
	Err err = {0};
	fixture_open(&copy, "PL");
	fixture_open_empty(&fresh);
	cr_assert_eq(migrate_up(fresh.db, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(workspace_init(fresh.db, "Test", "PL", "EUR", "UTC", &err), KITH_OK, "%s",
		     err.msg);
	char *a = schema_of(copy.db), *b = schema_of(fresh.db);
	cr_assert(strlen(a) > 1000, "a schema: %s", a);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	cr_assert_eq(fixture_count(&copy, "SELECT COUNT(*) FROM schema_migration"),
		     migrate_latest());
	cr_assert_eq(fixture_count(&copy, "SELECT COUNT(*) FROM workspace"), 1);
	fixture_close(&fresh);
	fixture_close(&copy);
}

Test(fixture, fixtures_are_separate_copies)
{
	Fixture one, two;
	fixture_open(&one, NULL);
	fixture_open(&two, NULL);
	cr_assert_str_neq(one.path, two.path);
	Actor a = fixture_user(&one, "one@example.com", "owner");
	(void)fixture_contact(&one, &a, "{\"first_name\":\"Only in one\"}");
	cr_assert_eq(fixture_count(&one, "SELECT COUNT(*) FROM contact"), 1);
	cr_assert_eq(fixture_count(&two, "SELECT COUNT(*) FROM contact"), 0);
	cr_assert_eq(fixture_count(&two, "SELECT COUNT(*) FROM app_user"), 0);
	fixture_close(&two);
	fixture_close(&one);
}

Test(fixture, the_template_is_made_once_in_the_runs_directory)
{
	Fixture fx;
	char path[PATH_MAX];
	fixture_open(&fx, NULL);
	const char *dir = getenv("KITH_UNIT_TEMPLATE_DIR");
	cr_assert(dir && *dir, "the PRE_ALL hook names a directory");
	if (fx.pg[0]) {
		fixture_close(&fx);
		return; /* PostgreSQL's template is a database (fixture_pg_migrated) */
	}
	snprintf(path, sizeof path, "%s/migrated_%d.db", dir, migrate_latest());
	cr_assert_eq(access(path, R_OK), 0, "%s", path);
	fixture_close(&fx);
}
