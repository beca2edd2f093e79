/* migrate.h - applies the numbered migrations embedded in the binary.
 * Depends on store/db.h. */
#ifndef KITH_STORE_MIGRATE_H
#define KITH_STORE_MIGRATE_H

#include "store/db.h"

/* Apply every migration newer than the database's version, each in its own
 * transaction, with the backend's variant of a migration where it has one
 * (migrate_sql_pg). *applied (may be NULL) receives how many ran. On
 * PostgreSQL one kith migrates a database at a time (an advisory lock), and
 * a database kith cannot use is refused with ERR_STORAGE (field "db")
 * before anything is written: a collation other than C, an encoding other
 * than UTF8, or tables without schema_migration (another application's). */
int migrate_up(Db *db, int *applied, Err *err) KITH_WARN_UNUSED;

/* Version of the database (0 = empty: no schema_migration table; reading
 * it creates nothing) and of the binary. */
int migrate_version(Db *db, int *version, Err *err) KITH_WARN_UNUSED;
int migrate_latest(void);

/* The SQL text of migration n (1 = the first) as embedded in the binary,
 * NULL when n is not from 1 to migrate_latest(). Static storage. For the
 * test that checks every src/store/migrations/ file is embedded in order. */
const char *migrate_sql(int n);

/* The PostgreSQL variant of migration n (src/store/migrations/
 * NNN_name.pg.sql, run instead of migrate_sql(n) on PostgreSQL), NULL when
 * the shared file serves both backends or n is out of range. Static. */
const char *migrate_sql_pg(int n);

/* KITH_OK when the database is at the binary's version; ERR_INVALID naming
 * "kith db migrate" when older, ERR_CONFLICT when newer. */
int migrate_require_current(Db *db, Err *err) KITH_WARN_UNUSED;

#endif
