/* migrate.c - numbered migrations, applied in order inside a transaction. */
#include "store/migrate.h"

#include <stddef.h>
#include <stdio.h>

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

static const char *const migrations[] = {
	kith_migration_001,
	kith_migration_002,
	kith_migration_003,
	kith_migration_004,
	kith_migration_005,
	kith_migration_006,
	kith_migration_007,
	kith_migration_008,
	kith_migration_009,
	kith_migration_010,
	kith_migration_011,
	kith_migration_012,
	kith_migration_013,
	kith_migration_014,
	kith_migration_015,
	kith_migration_016,
	kith_migration_017,
};
enum { N_MIGRATIONS = sizeof migrations / sizeof migrations[0] };

int migrate_latest(void)
{
	return N_MIGRATIONS;
}

const char *migrate_sql(int n)
{
	return n >= 1 && n <= N_MIGRATIONS ? migrations[n - 1] : NULL;
}

static int ensure_table(Db *db, Err *err)
{
	return db_exec_script(db,
			      "CREATE TABLE IF NOT EXISTS schema_migration ("
			      " version INTEGER PRIMARY KEY,"   /* migration number */
			      " applied_at TEXT NOT NULL)",     /* instant applied */
			      err);
}

int migrate_version(Db *db, int *version, Err *err)
{
	static const char sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migration";
	DbStmt *st;
	int rc = ensure_table(db, err);
	if (rc || (rc = db_prepare(db, &st, sql, err)))
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*version = (int)db_col_int(st, 0);
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

static int apply_one(Db *db, int n, Err *err)
{
	static const char sql[] = "INSERT INTO schema_migration (version, applied_at) VALUES (?, ?)";
	char now[21];
	DbStmt *st;
	int version = 0, rc = db_begin(db, err);
	if (rc)
		return rc;
	/* Read again under the write lock: another process may have applied
	 * it since we looked (two `kith init` at once). */
	if ((rc = migrate_version(db, &version, err)) || version >= n)
		return db_end(db, rc, err);
	rc = db_exec_script(db, migrations[n - 1], err);
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
	return db_end(db, rc, err);
}

int migrate_up(Db *db, int *applied, Err *err)
{
	int version = 0, rc = migrate_version(db, &version, err);
	if (applied)
		*applied = 0;
	for (int n = version + 1; rc == KITH_OK && n <= N_MIGRATIONS; n++) {
		rc = apply_one(db, n, err);
		if (rc == KITH_OK && applied)
			(*applied)++;
	}
	return rc;
}

int migrate_require_current(Db *db, Err *err)
{
	int version = 0, rc = migrate_version(db, &version, err);
	if (rc)
		return rc;
	if (version == 0)
		return err_set(err, ERR_INVALID, "db", "database is not initialised; run 'kith init'");
	if (version < N_MIGRATIONS)
		return err_set(err, ERR_INVALID, "db",
			       "database is at version %d, this kith needs %d; run 'kith db migrate'",
			       version, N_MIGRATIONS);
	if (version > N_MIGRATIONS)
		return err_set(err, ERR_CONFLICT, "db",
			       "database version %d is newer than this kith (%d); upgrade kith", version,
			       N_MIGRATIONS);
	return KITH_OK;
}
