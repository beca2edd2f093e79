/* test_migrate.c - the numbered migrations: every src/store/migrations/ file
 * is embedded, in order, numbered without gaps or duplicates; applying them
 * is versioned, all or nothing per migration, and refuses databases from a
 * newer kith. Run from the project root (make unit does). */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store/migrate.h"

static Fixture fx;
static void setup(void)
{
	fixture_open_empty(&fx);
}
static void teardown(void)
{
	fixture_close(&fx);
}

TestSuite(migrate, .init = setup, .fini = teardown);

/* The whole file at path, NUL-terminated; caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	cr_assert_geq(n, 0);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n, "%s", path);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The number of a migration file name "NNN_words.sql", or of a PostgreSQL
 * variant "NNN_words.pg.sql" (then *pg = 1, else 0); -1 when the name has
 * another shape. */
static int migration_number(const char *name, int *pg)
{
	size_t n = strlen(name), stem; /* stem: the name without .sql or .pg.sql */
	*pg = n > 7 && strcmp(name + n - 7, ".pg.sql") == 0;
	if (*pg)
		stem = n - 7;
	else if (n > 4 && strcmp(name + n - 4, ".sql") == 0)
		stem = n - 4;
	else
		return -1;
	if (stem < 5 || name[3] != '_')
		return -1;
	for (int i = 0; i < 3; i++)
		if (name[i] < '0' || name[i] > '9')
			return -1;
	for (size_t i = 4; i < stem; i++)
		if (!(name[i] >= 'a' && name[i] <= 'z') && !(name[i] >= '0' && name[i] <= '9') &&
		    name[i] != '_')
			return -1;
	return (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
}

Test(migrate, every_file_is_embedded_in_order_without_gaps)
{
	glob_t g;
	cr_assert_eq(glob("src/store/migrations/*", 0, NULL, &g), 0, "run from the project root");
	int expect = 1;
	static size_t variant[1000]; /* index + 1 in g of NNN's .pg.sql, 0 = none */
	static char shared[1000][64];
	memset(variant, 0, sizeof variant);
	memset(shared, 0, sizeof shared);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *name = strrchr(g.gl_pathv[i], '/') + 1;
		int pg, n = migration_number(name, &pg);
		cr_expect_neq(n, -1,
			      "%s: a migration is named NNN_lower_case_words.sql, its PostgreSQL "
			      "variant NNN_lower_case_words.pg.sql",
			      g.gl_pathv[i]);
		if (n < 0)
			continue;
		if (pg) { /* checked against its shared file below */
			variant[n] = i + 1;
			continue;
		}
		/* glob sorts, so a repeated number or a hole shows here */
		cr_expect_neq(n, expect - 1, "%s: migration %03d is numbered twice", name, n);
		cr_expect(n <= expect, "%s: migration %03d is missing (numbers run without gaps)",
			  name, expect);
		if (n != expect)
			continue;
		expect++;
		snprintf(shared[n], sizeof shared[n], "%s", name);
		char *text = slurp(g.gl_pathv[i]);
		const char *sql = migrate_sql(n);
		cr_expect_not_null(sql,
				   "%s is not embedded: add it to src/store/migrations.S and the "
				   "list in src/store/migrate.c",
				   name);
		cr_expect(sql && strcmp(sql, text) == 0,
			  "%s is not what the binary embeds as migration %d: check the order in "
			  "src/store/migrations.S and src/store/migrate.c",
			  name, n);
		free(text);
	}
	cr_expect_eq(migrate_latest(), expect - 1,
		     "the binary embeds %d migrations, src/store/migrations/ has %d",
		     migrate_latest(), expect - 1);
	/* a variant sits beside its shared file, under the same name */
	for (int n = 0; n < 1000; n++) {
		if (!variant[n]) {
			cr_expect_null(migrate_sql_pg(n),
				       "the binary embeds a PostgreSQL variant of migration %03d, "
				       "src/store/migrations/ has none",
				       n);
			continue;
		}
		const char *path = g.gl_pathv[variant[n] - 1], *name = strrchr(path, '/') + 1;
		size_t len = strlen(shared[n]);
		cr_expect(len > 4 && strncmp(name, shared[n], len - 4) == 0 &&
			      strcmp(name + len - 4, ".pg.sql") == 0,
			  "%s: a PostgreSQL variant is named as its shared file (%s) with .pg.sql",
			  name, len ? shared[n] : "none");
		char *text = slurp(path);
		const char *sql = migrate_sql_pg(n);
		cr_expect(sql && strcmp(sql, text) == 0,
			  "%s is not what the binary embeds as the PostgreSQL variant of migration "
			  "%d: add it to src/store/migrations.S and the pg column of the list in "
			  "src/store/migrate.c",
			  name, n);
		free(text);
	}
	cr_expect_null(migrate_sql(0));
	cr_expect_null(migrate_sql(migrate_latest() + 1));
	cr_expect_null(migrate_sql_pg(migrate_latest() + 1));
	globfree(&g);
}

Test(migrate, the_numbering_check_catches_bad_names)
{
	static const struct {
		const char *name;
		int n, pg;
	} cases[] = {
	    {"001_init.sql", 1, 0},	{"013_deal_board.sql", 13, 0},
	    {"120_x2.sql", 120, 0},	{"001_init.pg.sql", 1, 1},
	    {"01_init.sql", -1, 0},	{"001-init.sql", -1, 0},
	    {"001_init.SQL", -1, 0},	{"001_Init.sql", -1, 0},
	    {"001_.sql", -1, 0},	{"abc_init.sql", -1, 0},
	    {"001_init.sql~", -1, 0},	{"README", -1, 0},
	    {"001_init", -1, 0},	{"001_init.pg.SQL", -1, 0},
	    {"001_init.my.sql", -1, 0}, {"001_.pg.sql", -1, 0},
	    {"001_init.pg", -1, 0},	{"001_init.sql.pg.sql", -1, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int pg = -1;
		cr_expect_eq(migration_number(cases[i].name, &pg), cases[i].n, "%s", cases[i].name);
		if (cases[i].n >= 0)
			cr_expect_eq(pg, cases[i].pg, "%s", cases[i].name);
	}
}

Test(migrate, up_applies_every_migration_once)
{
	Err err = {0};
	int applied = -1, version = -1;
	cr_assert_eq(migrate_version(fx.db, &version, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(version, 0);
	cr_assert_eq(migrate_up(fx.db, &applied, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(applied, migrate_latest());
	cr_assert_eq(migrate_version(fx.db, &version, &err), KITH_OK);
	cr_expect_eq(version, migrate_latest());
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM schema_migration"), migrate_latest());
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM schema_migration "
					"WHERE applied_at NOT LIKE '____-__-__T__:__:__Z'"),
		     0);
	cr_assert_eq(migrate_up(fx.db, &applied, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(applied, 0);
	cr_expect_eq(migrate_up(fx.db, NULL, &err), KITH_OK, "applied may be NULL");
	cr_expect_eq(migrate_require_current(fx.db, &err), KITH_OK, "%s", err.msg);
}

Test(migrate, an_older_database_is_not_current)
{
	Err err = {0};
	cr_assert_eq(migrate_up(fx.db, NULL, &err), KITH_OK, "%s", err.msg);
	/* pretend the last migration has not run: undo what it records only */
	char sql[96];
	snprintf(sql, sizeof sql, "DELETE FROM schema_migration WHERE version = %d",
		 migrate_latest());
	cr_assert_eq(db_exec_script(fx.db, sql, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(migrate_require_current(fx.db, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "db");
	cr_expect(strstr(err.msg, "kith db migrate"), "%s", err.msg);
}

Test(migrate, a_failing_migration_stores_nothing_and_names_its_number)
{
	Err err = {0};
	int applied = -1, version = -1;
	/* a table 001 creates is already there: 001 fails half way (on
	 * PostgreSQL the database must be kith's, else nothing runs at all:
	 * schema_migration as migrate.c makes it, still empty) */
	if (fx.pg[0])
		cr_assert_eq(db_exec_script(fx.db,
					    "CREATE TABLE schema_migration (version BIGINT PRIMARY "
					    "KEY, applied_at TEXT NOT NULL)",
					    &err),
			     KITH_OK, "%s", err.msg);
	cr_assert_eq(db_exec_script(fx.db, "CREATE TABLE contact (x INTEGER)", &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_neq(migrate_up(fx.db, &applied, &err), KITH_OK);
	cr_expect_eq(applied, 0);
	cr_expect(strstr(err.msg, "migration 001 failed"), "%s", err.msg);
	cr_assert_eq(migrate_version(fx.db, &version, &err), KITH_OK);
	cr_expect_eq(version, 0);
	/* 001 creates workspace before contact: rolled back with the rest */
	cr_expect_eq(fixture_count(&fx, fx.pg[0] ? "SELECT COUNT(*) FROM information_schema.tables "
						   "WHERE table_name = 'workspace'"
						 : "SELECT COUNT(*) FROM sqlite_master "
						   "WHERE name = 'workspace'"),
		     0);
}

Test(migrate, a_newer_database_is_refused)
{
	Err err = {0};
	int applied = -1;
	cr_assert_eq(migrate_up(fx.db, NULL, &err), KITH_OK, "%s", err.msg);
	char sql[128];
	snprintf(sql, sizeof sql,
		 "INSERT INTO schema_migration (version, applied_at) "
		 "VALUES (%d, '2026-01-01T00:00:00Z')",
		 migrate_latest() + 1);
	cr_assert_eq(db_exec_script(fx.db, sql, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(migrate_require_current(fx.db, &err), ERR_CONFLICT);
	cr_assert_eq(migrate_up(fx.db, &applied, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(applied, 0, "nothing to apply to a newer database");
}
