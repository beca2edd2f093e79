/* pg_tool.h - store-internal: PostgreSQL's own client programs (pg_dump,
 * pg_restore) run as child processes for kith backup and kith restore.
 *
 * The tools are the first ones on PATH (a user's choice wins), else
 * PostgreSQL 15's (/usr/lib/postgresql/15/bin, Debian's
 * postgresql-client-15): pg_dump must not be older than the server. They are started with posix_spawn, never
 * through a shell; the connection goes to them as --dbname=CONNINFO
 * without the password, which travels in PGPASSWORD in the child's
 * environment only (not on its command line, which every user of the
 * machine can read in ps), and --no-password keeps them from prompting.
 * The other secret options (libpq marks them: sslpassword) have no
 * environment variable: they go in a service file of their own (mode
 * 0600, in a new 0700 folder, removed when the tool ends) that the child
 * finds through PGSERVICEFILE, with service=kith in its --dbname. A file
 * argument starting with '-' is passed as "./-..." so it is not read as an
 * option.
 *
 * Only src/store/ includes this header (it includes libpq-fe.h).
 * Depends on store/db.h, base/. */
#ifndef KITH_STORE_PG_TOOL_H
#define KITH_STORE_PG_TOOL_H

#include <libpq-fe.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* Append to conn libpq's key='value' form of the options in opts that have
 * a value, except the secret ones (password, sslpassword) and service
 * (quotes and backslashes escaped as libpq reads them). *password gets
 * the password's value (borrowed from opts), or NULL when there is none.
 * Pure. */
void pg_tool_conninfo(const PQconninfoOption *opts, Buf *conn, const char **password);

/* Append to service the service file (section [kith]) holding the secret
 * options of opts other than the password. Returns how many, 0 when none
 * (nothing appended), -1 when a value cannot be written in a service file
 * (a line break, leading or trailing blanks). Pure. */
int pg_tool_secrets(const PQconninfoOption *opts, Buf *service);

/* The largest value of column in the rows of table's COPY block in sql (a
 * pg_restore --data-only script): *max gets it, 0 when the block has no
 * row. ERR_NOT_FOUND when sql holds no COPY of table (in any schema) or
 * the table has no such column; ERR_INVALID when a value is not an
 * integer. Pure. */
int pg_tool_copy_max(const char *sql, const char *table, const char *column, int64_t *max);

/* What a tool said on stderr (text), fit for a message: its first line
 * with the "pg_dump: error: " prefix taken off, every occurrence of
 * password (may be NULL) replaced by "***", into out (n bytes, always
 * terminated). Pure. */
void pg_tool_message(const char *text, const char *password, char *out, size_t n);

/* pg_dump --format=custom of the database opts connect to (PQconninfo of
 * an open connection) into the file at path. ERR_STORAGE naming "db" with
 * target (already redacted) and pg_dump's reason when it fails or cannot
 * be started. */
int pg_tool_dump(const PQconninfoOption *opts, const char *path, const char *target, Err *err);

/* Restore the custom-format archive file into the PostgreSQL database at
 * target: the archive must be kith's (a schema_migration table, checked
 * with pg_restore --list, at a version this kith knows: not newer) and the
 * database empty (no table, sequence or view), unless force, which then
 * drops what the archive holds before creating it again (--clean
 * --if-exists). pg_restore runs with --exit-on-error --single-transaction
 * --no-owner --no-privileges: it restores everything or nothing. *schema
 * gets the archive's schema version. Errors: ERR_INVALID naming "FILE" (not
 * an archive, not kith's), ERR_CONFLICT naming "FILE" (a newer schema) or
 * "db" (not empty), ERR_STORAGE naming "db" (cannot connect, pg_restore
 * failed), the target always without its password. */
int pg_tool_restore(const char *target, const char *file, int force, int *schema, Err *err);

#endif
