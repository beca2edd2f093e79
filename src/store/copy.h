/* copy.h - copy a whole kith database to another one, on the same backend
 * or the other (SQLite <-> PostgreSQL): every table with its ids, the
 * audit log, and the search index, which is rebuilt on the target through
 * store/search.h since the backends store it differently.
 *
 * Generic over the schema: tables, columns, primary keys and foreign keys
 * are read from each database's catalog (SQLite's pragmas, PostgreSQL's
 * pg_catalog and information_schema), never from a list kept here. Tables
 * go in dependency order (a table after the tables it references), rows in
 * primary-key order, read a page at a time and written as multi-row
 * INSERTs, all inside one transaction on the target. Before it commits,
 * every table is read back from the target and compared with what was read
 * from the source (row count and a BLAKE2b digest of the rows' values,
 * computed in C the same way on both backends): any difference rolls the
 * whole copy back.
 *
 * Depends on store/ (db.h, migrate.h, search.h) and libsodium. */
#ifndef KITH_STORE_COPY_H
#define KITH_STORE_COPY_H

#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

/* One table of the report: what was read from the source and, after the
 * copy, from the target. */
typedef struct CopyTable {
	char name[64];	 /* table name (the search indexes: "contact_fts") */
	int64_t rows;	 /* rows read from the source */
	int64_t rows_to; /* rows read back from the target */
	char digest[65]; /* the source rows' digest, hex */
	int ok;		 /* target rows and digest equal the source's */
} CopyTable;

typedef struct CopyReport {
	CopyTable *tables; /* in copy order; owned (copy_report_free) */
	int n_tables;	   /* entries used */
	int64_t rows;	   /* all rows copied */
	int schema;	   /* schema version of both databases */
	int created;	   /* the target was an SQLite file the copy created */
} CopyReport;

typedef struct CopyOptions {
	/* Called as rows go in (table name, rows done, rows in the table),
	 * at most once per batch and once at a table's end; may be NULL. */
	void (*progress)(void *arg, const char *table, int64_t done, int64_t total);
	void *arg;
	/* For tests: called inside the target's transaction just before the
	 * verification reads it back; a non-zero return aborts the copy. May
	 * be NULL. */
	int (*before_verify)(void *arg, Db *to, Err *err);
} CopyOptions;

/* Copy the kith database at from (a target as db_open takes it) into the
 * one at to. from must be a kith database at this binary's schema version
 * (ERR_INVALID naming "from" otherwise: run kith db migrate). to is created
 * when it is an SQLite file that does not exist; a PostgreSQL database must
 * exist. It is migrated to this version (with migrate_up's checks: the C
 * collation, UTF8, not another application's), and must hold no rows but
 * those its migrations seed: ERR_CONFLICT naming "to" before anything is
 * written otherwise. The same database on both sides is ERR_INVALID.
 * Identity sequences (PostgreSQL) and AUTOINCREMENT counters (SQLite) on
 * the target are set past the largest id and the source's own counter.
 * A difference found by the verification is ERR_STORAGE; on any error the
 * target's transaction rolls back, and a file the copy created is removed.
 * Errors name "from" or "to" and never show a password. report (filled
 * also when the verification fails) is released with copy_report_free. */
int copy_run(const char *from, const char *to, const CopyOptions *opt, CopyReport *report,
	     Err *err) KITH_WARN_UNUSED;

void copy_report_free(CopyReport *report);

#endif
