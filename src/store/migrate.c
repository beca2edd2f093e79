/* migrate.c - numbered migrations, applied in order inside a transaction. */
#include "store/migrate.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"

extern const char kith_migration_001[];
extern const char kith_migration_002[];
extern const char kith_migration_003[];
extern const char kith_migration_004[];
extern const char kith_migration_005[];
extern const char kith_migration_006[];
extern const char kith_migration_007[];
extern const char kith_migration_008[];
extern const char kith_migration_009[];
extern const char kith_migration_010[];
extern const char kith_migration_011[];
extern const char kith_migration_012[];
extern const char kith_migration_013[];
extern const char kith_migration_014[];
extern const char kith_migration_015[];
extern const char kith_migration_016[];
extern const char kith_migration_017[];
extern const char kith_migration_018[];
extern const char kith_migration_001_pg[];
extern const char kith_migration_002_pg[];
extern const char kith_migration_003_pg[];
extern const char kith_migration_005_pg[];
extern const char kith_migration_007_pg[];
extern const char kith_migration_008_pg[];
extern const char kith_migration_009_pg[];
extern const char kith_migration_010_pg[];
extern const char kith_migration_011_pg[];
extern const char kith_migration_012_pg[];
extern const char kith_migration_013_pg[];
extern const char kith_migration_014_pg[];
extern const char kith_migration_015_pg[];
extern const char kith_migration_016_pg[];
extern const char kith_migration_017_pg[];
extern const char kith_migration_018_pg[];

/* Each migration's shared SQL, and its PostgreSQL variant (NNN_name.pg.sql,
 * used instead on PostgreSQL) or NULL when the shared file serves both. */
static const struct {
	const char *sql, *pg;
} migrations[] = {
    {kith_migration_001, kith_migration_001_pg}, {kith_migration_002, kith_migration_002_pg},
    {kith_migration_003, kith_migration_003_pg}, {kith_migration_004, NULL},
    {kith_migration_005, kith_migration_005_pg}, {kith_migration_006, NULL},
    {kith_migration_007, kith_migration_007_pg}, {kith_migration_008, kith_migration_008_pg},
    {kith_migration_009, kith_migration_009_pg}, {kith_migration_010, kith_migration_010_pg},
    {kith_migration_011, kith_migration_011_pg}, {kith_migration_012, kith_migration_012_pg},
    {kith_migration_013, kith_migration_013_pg}, {kith_migration_014, kith_migration_014_pg},
    {kith_migration_015, kith_migration_015_pg}, {kith_migration_016, kith_migration_016_pg},
    {kith_migration_017, kith_migration_017_pg}, {kith_migration_018, kith_migration_018_pg},
};
enum { N_MIGRATIONS = sizeof migrations / sizeof migrations[0] };

int migrate_latest(void)
{
	return N_MIGRATIONS;
}

const char *migrate_sql(int n)
{
	return n >= 1 && n <= N_MIGRATIONS ? migrations[n - 1].sql : NULL;
}

const char *migrate_sql_pg(int n)
{
	return n >= 1 && n <= N_MIGRATIONS ? migrations[n - 1].pg : NULL;
}

/* The store's own statements that differ by backend (db_backend chooses);
 * the migrations themselves differ by file. */
/* census: sqlite */
static const char sqlite_has_table[] = "SELECT COUNT(*) FROM sqlite_master "
				       "WHERE type = 'table' AND name = 'schema_migration'";
/* census: postgres */
static const char pg_has_table[] =
    "SELECT COUNT(*) FROM pg_catalog.pg_tables "
    "WHERE schemaname = current_schema() AND tablename = 'schema_migration'";
/* Held until the transaction ends: one kith migrates a PostgreSQL database
 * at a time (two `kith init` at once). The key spells "kithmigr". SQLite
 * needs none: BEGIN IMMEDIATE already lets one writer in. */
/* census: postgres */
static const char pg_lock[] = "SELECT pg_advisory_xact_lock(7739845426473953138)";
/* Its name, collation (an ICU one when the provider is 'i', whatever
 * datcollate says) and encoding. */
/* census: postgres */
static const char pg_database[] =
    "SELECT current_database(), CASE WHEN datlocprovider = 'c' THEN datcollate "
    "ELSE 'ICU ' || COALESCE(daticulocale, '') END, pg_encoding_to_char(encoding) "
    "FROM pg_catalog.pg_database WHERE datname = current_database()";
/* Of the relations in the schema kith would create its tables in: how
 * many are schema_migration, and how many in all. One statement, so one
 * snapshot: schema_migration commits before any other table of kith's, so
 * a kith migrating at the same time never looks like another application. */
/* census: postgres */
static const char pg_relations[] =
    "SELECT COUNT(*) FILTER (WHERE c.relname = 'schema_migration' AND c.relkind = 'r'), "
    "COUNT(*) FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";

static int is_pg(Db *db)
{
	return strcmp(db_backend(db), "postgres") == 0;
}

/* The SQL of migration n on db's backend. */
static const char *migration_for(Db *db, int n)
{
	const char *pg = migrations[n - 1].pg;
	return pg && is_pg(db) ? pg : migrations[n - 1].sql;
}

/* Run sql (a literal answering one row of one integer) into *out. */
static int query_int(Db *db, const char *sql, int64_t *out, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = db_col_int(st, 0);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_STORAGE, NULL, "no answer to a schema query");
	}
	db_reset(st);
	return rc;
}

/* Refuse a PostgreSQL database kith cannot use: one whose collation is not
 * C (cursors and sort keys compare bytes, as on SQLite) or whose encoding
 * is not UTF-8, and one that holds tables but no schema_migration (another
 * application's). Before anything is created in it. SQLite: KITH_OK. */
static int check_target(Db *db, Err *err)
{
	static const char create[] = "create one with: CREATE DATABASE kith TEMPLATE template0 "
				     "LOCALE 'C' ENCODING 'UTF8'";
	char name[64], coll[64], enc[32];
	int64_t ours = 0, tables = 0;
	DbStmt *st;
	if (!is_pg(db))
		return KITH_OK;
	int rc = db_prepare(db, &st, pg_database, err);
	if (rc)
		return rc;
	if ((rc = db_step(st, err)) == DB_ROW) {
		snprintf(name, sizeof name, "%s", db_col_text(st, 0));
		snprintf(coll, sizeof coll, "%s", db_col_text(st, 1));
		snprintf(enc, sizeof enc, "%s", db_col_text(st, 2));
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_STORAGE, "db",
			     "the database named by --db is not in pg_database");
	}
	db_reset(st);
	if (rc)
		return rc;
	if (strcmp(coll, "C") != 0 && strcmp(coll, "POSIX") != 0)
		return err_set(
		    err, ERR_STORAGE, "db",
		    "the PostgreSQL database \"%s\" named by --db uses the collation \"%s\"; "
		    "kith needs the C collation, so that lists and cursors sort by bytes "
		    "as on SQLite; %s",
		    name, coll, create);
	if (strcmp(enc, "UTF8") != 0)
		return err_set(
		    err, ERR_STORAGE, "db",
		    "the PostgreSQL database \"%s\" named by --db uses the encoding \"%s\"; "
		    "kith needs UTF8; %s",
		    name, enc, create);
	if ((rc = db_query_int2(db, pg_relations, &ours, &tables, err)) || ours || tables == 0)
		return rc;
	return err_set(err, ERR_STORAGE, "db",
		       "the PostgreSQL database \"%s\" named by --db is not empty (%lld table%s) "
		       "and not kith's (no schema_migration table); point --db at an empty "
		       "database or one kith created, or %s",
		       name, (long long)tables, tables == 1 ? "" : "s", create);
}

/* Create schema_migration unless there. BIGINT: SQLite reads it as an
 * integer too. On PostgreSQL under the migration lock, since two CREATE
 * TABLE IF NOT EXISTS at once can collide. */
static int ensure_table(Db *db, Err *err)
{
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if (is_pg(db))
		rc = db_exec_script(db, pg_lock, err);
	if (rc == KITH_OK)
		rc = db_exec_script(db,
				    "CREATE TABLE IF NOT EXISTS schema_migration ("
				    " version BIGINT PRIMARY KEY," /* migration number */
				    " applied_at TEXT NOT NULL)",  /* instant applied */
				    err);
	return db_end(db, rc, err);
}

int migrate_version(Db *db, int *version, Err *err)
{
	int64_t n = 0;
	*version = 0;
	int rc = query_int(db, is_pg(db) ? pg_has_table : sqlite_has_table, &n, err);
	if (rc || n == 0)
		return rc;
	rc = query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migration", &n, err);
	if (rc == KITH_OK)
		*version = (int)n;
	return rc;
}

/* Apply migration n unless the database has it; *done = 1 when this call
 * applied it. */
static int apply_one(Db *db, int n, int *done, Err *err)
{
	static const char sql[] =
	    "INSERT INTO schema_migration (version, applied_at) VALUES (?, ?)";
	char now[21];
	DbStmt *st;
	int version = 0, rc = db_begin(db, err);
	*done = 0;
	if (rc)
		return rc;
	/* Read again under the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL:
	 * the migration lock, then a fresh read at READ COMMITTED): another
	 * process may have applied it since we looked (two `kith init` at once). */
	if (is_pg(db) && (rc = db_exec_script(db, pg_lock, err)))
		return db_end(db, rc, err);
	if ((rc = migrate_version(db, &version, err)) || version >= n)
		return db_end(db, rc, err);
	rc = db_exec_script(db, migration_for(db, n), err);
	if (rc == KITH_OK && (rc = db_prepare(db, &st, sql, err)) == KITH_OK) {
		time_now_iso(now);
		db_bind_int(st, 1, n);
		db_bind_text(st, 2, now);
		rc = db_exec_stmt(st, err);
	}
	if (rc && err) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		err_set(err, rc, NULL, "migration %03d failed: %s", n, why);
	}
	rc = db_end(db, rc, err);
	*done = rc == KITH_OK;
	return rc;
}

int migrate_up(Db *db, int *applied, Err *err)
{
	int version = 0, rc = check_target(db, err);
	if (applied)
		*applied = 0;
	if (rc == KITH_OK && (rc = ensure_table(db, err)) == KITH_OK)
		rc = migrate_version(db, &version, err);
	for (int n = version + 1; rc == KITH_OK && n <= N_MIGRATIONS; n++) {
		int done = 0;
		rc = apply_one(db, n, &done, err);
		if (applied)
			*applied += done;
	}
	return rc;
}

int migrate_require_current(Db *db, Err *err)
{
	int version = 0, rc = migrate_version(db, &version, err);
	if (rc)
		return rc;
	if (version == 0)
		return err_set(err, ERR_INVALID, "db",
			       "database is not initialised; run 'kith init'");
	if (version < N_MIGRATIONS)
		return err_set(
		    err, ERR_INVALID, "db",
		    "database is at version %d, this kith needs %d; run 'kith db migrate'", version,
		    N_MIGRATIONS);
	if (version > N_MIGRATIONS)
		return err_set(err, ERR_CONFLICT, "db",
			       "database version %d is newer than this kith (%d); upgrade kith",
			       version, N_MIGRATIONS);
	return KITH_OK;
}
