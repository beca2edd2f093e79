/* migrate.h - applies the numbered migrations embedded in the binary.
 * Depends on store/db.h. */
#ifndef KITH_STORE_MIGRATE_H
#define KITH_STORE_MIGRATE_H

#include "store/db.h"

/* Apply every migration newer than the database's version, each in its own
 * transaction. *applied (may be NULL) receives how many ran. */
int migrate_up(Db *db, int *applied, Err *err) KITH_WARN_UNUSED;

/* Version of the database (0 = empty) and of the binary. */
int migrate_version(Db *db, int *version, Err *err) KITH_WARN_UNUSED;
int migrate_latest(void);

/* The SQL text of migration n (1 = the first) as embedded in the binary,
 * NULL when n is not from 1 to migrate_latest(). Static storage. For the
 * test that checks every src/store/migrations/ file is embedded in order. */
const char *migrate_sql(int n);

/* KITH_OK when the database is at the binary's version; ERR_INVALID naming
 * "kith db migrate" when older, ERR_CONFLICT when newer. */
int migrate_require_current(Db *db, Err *err) KITH_WARN_UNUSED;

#endif
