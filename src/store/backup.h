/* backup.h - kith backup and kith restore, on both backends.
 *
 * A backup is a file: on SQLite a copy of the database file (SQLite's
 * online backup), on PostgreSQL pg_dump's custom format (store/pg_tool.h).
 * Neither is ever left half-written under its own name: both are written
 * to a temporary file next to the destination and renamed into place.
 *
 * Depends on store/db.h, base/. */
#ifndef KITH_STORE_BACKUP_H
#define KITH_STORE_BACKUP_H

#include "store/db.h"

/* Called now and then while a long copy runs, with bytes done of total. */
typedef void (*BackupProgress)(void *arg, long long done, long long total);

/* Back up db (db_backup) into file. An existing file is refused with
 * ERR_CONFLICT naming "FILE" unless force, which replaces it; the new
 * backup takes its place in one rename, so a failed or interrupted backup
 * leaves the old file as it was (and a temporary FILE.tmp-XXXXXX behind only
 * when the process is killed). ERR_INVALID naming "FILE" when its folder
 * cannot hold it; the backend's errors (ERR_STORAGE naming "db"). */
int backup_save(Db *db, const char *file, int force, Err *err) KITH_WARN_UNUSED;

/* Restore file, a backup made by backup_save, into the database at target
 * (not open: the caller must not hold a connection to it). The backup must
 * match target's backend (an SQLite file for a path, a pg_dump archive for
 * PostgreSQL: ERR_INVALID naming "FILE" otherwise), be kith's and at a
 * schema this kith knows (not newer: ERR_CONFLICT naming "FILE"), and pass
 * an integrity check, all before anything of target changes; *schema gets
 * its schema version. A target that holds data is refused (ERR_CONFLICT
 * naming "db") unless force.
 *
 * SQLite: the backup is copied to a temporary file next to target,
 * checked there and renamed over target, so a crash leaves either the old
 * database or the restored one; the old one's write-ahead log is
 * checkpointed first. A database another process has open (a running kith
 * serve) is refused with ERR_CONFLICT even with force. progress (may be
 * NULL) hears of the copy. PostgreSQL: pg_tool_restore. */
int backup_restore(const char *target, const char *file, int force, BackupProgress progress,
		   void *arg, int *schema, Err *err) KITH_WARN_UNUSED;

#endif
