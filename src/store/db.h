/* db.h - the backend-neutral database interface. The only door to storage.
 *
 * Depends on base/ only. Callers write SQL in the subset SQLite and PostgreSQL
 * share, with positional `?` parameters (the PostgreSQL backend rewrites
 * them to $n), RETURNING for generated ids (or db_next_id, for an id needed
 * before the INSERT), and no backend-specific functions;
 * where backends differ (full-text search), store/search.h offers a helper.
 * The target chooses the backend: a file path is an SQLite database (the
 * embedded default); a postgres:// or postgresql:// URL, or libpq's
 * key=value form, a PostgreSQL one (db_pg.c).
 *
 * A Db is one connection, used by one thread at a time. */
#ifndef KITH_STORE_DB_H
#define KITH_STORE_DB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

typedef struct Db Db;
typedef struct DbStmt DbStmt;

enum { DB_ROW = 100, DB_DONE = 101 };

/* Open the database at target. A file path: SQLite, creating the file
 * when create is set; sets WAL, synchronous=FULL, foreign keys and the busy
 * timeout. A PostgreSQL target: connects (create means nothing: the
 * database must exist) and checks the server is PostgreSQL 15 or later.
 * Does not migrate. On success *out is owned by the caller (db_close).
 * Errors name the target without its password (db_target_redact). */
int db_open(Db **out, const char *target, int create, Err *err) KITH_WARN_UNUSED;
void db_close(Db *db);

/* 1 when target is a file path (an SQLite database), 0 for a PostgreSQL
 * URL or key=value string, or an empty target. Pure. */
int db_target_is_file(const char *target);

/* target for messages: a URL's or key=value string's password replaced by
 * "***", into out (n bytes, always terminated). Pure. */
void db_target_redact(const char *target, char *out, size_t n);

/* Prepare sql, or take it from the connection's cache: sql must be a string
 * literal (the cache keys on its address). The statement is reset and its
 * bindings cleared. Owned by the connection; do not finalize. Preparing the
 * same literal again resets the statement, so finish stepping one use
 * before starting another; a statement being stepped is never evicted. */
int db_prepare(Db *db, DbStmt **out, const char *sql, Err *err) KITH_WARN_UNUSED;

/* How many statements ran on this connection so far: each first step
 * after a statement's prepare or reset counts, so a statement run again
 * with other bindings counts again. What a request costs in round trips on
 * PostgreSQL, for tests that check a page reads its rows in a fixed number
 * of statements. */
uint64_t db_exec_count(const Db *db);

/* Bind parameter i (1-based). Text is copied. NULL text binds SQL NULL. */
void db_bind_int(DbStmt *st, int i, int64_t v);
void db_bind_text(DbStmt *st, int i, const char *s);
void db_bind_null(DbStmt *st, int i);
/* Bind text, or NULL when s is NULL or "". */
void db_bind_text_or_null(DbStmt *st, int i, const char *s);

/* Run one step: DB_ROW, DB_DONE, or ERR_STORAGE / ERR_CONFLICT (a UNIQUE or
 * CHECK constraint) with err filled. */
int db_step(DbStmt *st, Err *err);

/* Step a statement that returns no rows, then reset it. KITH_OK or error. */
int db_exec_stmt(DbStmt *st, Err *err) KITH_WARN_UNUSED;

/* Release the statement's read position (call when done stepping early). */
void db_reset(DbStmt *st);

/* Column i (0-based) of the current row. Text stays valid until the next
 * step or reset; NULL reads as NULL text and 0. */
int64_t db_col_int(DbStmt *st, int i);
const char *db_col_text(DbStmt *st, int i);
int db_col_is_null(DbStmt *st, int i);
/* Column i as a new JSON value (caller decrefs): a string or an integer,
 * JSON null when the column is SQL NULL. */
json_t *db_col_json_text(DbStmt *st, int i);
json_t *db_col_json_int(DbStmt *st, int i);
int db_col_count(DbStmt *st);

/* Step st to the end, appending column 0 of every row to ids as int64_t
 * values (an UPDATE ... RETURNING id, a SELECT id). ERR_INTERNAL when ids
 * hits its limit. */
int db_collect_ids(DbStmt *st, Buf *ids, Err *err) KITH_WARN_UNUSED;

/* Run sql (no parameters; one row answering two integers, such as
 * "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM t") into *a, *b.
 * ERR_STORAGE when it answers no row. */
int db_query_int2(Db *db, const char *sql, int64_t *a, int64_t *b, Err *err) KITH_WARN_UNUSED;

/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(Db *db);

/* Run a script of SQL statements without parameters (migrations, pragmas). */
int db_exec_script(Db *db, const char *sql, Err *err) KITH_WARN_UNUSED;

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE), so
 * a read-then-write action cannot deadlock with another writer. Nesting is
 * counted: only the outermost commit commits; a rollback anywhere marks the
 * whole transaction to be rolled back. */
int db_begin(Db *db, Err *err) KITH_WARN_UNUSED;
int db_commit(Db *db, Err *err) KITH_WARN_UNUSED;

/* Begin a read transaction (deferred: no write lock) so several reads see
 * one snapshot. Nests like db_begin; finish with db_end or db_commit. A
 * write inside it may fail with ERR_STORAGE (busy) where another writer
 * committed meanwhile; use db_begin for read-then-write actions. */
int db_begin_read(Db *db, Err *err) KITH_WARN_UNUSED;
void db_rollback(Db *db);

/* The version of the database this connection's open transaction reads:
 * a number that changes whenever the database changes, by a commit on this
 * connection or on any other (another thread, another process). Equal
 * values from two transactions mean the same database content, so a value
 * derived from it can be remembered and used again while the version holds
 * (a token's verification, http's server threads). A deferred read
 * transaction that has read nothing yet is made to take its snapshot first.
 * What this connection's open transaction changed counts only once it
 * commits. The counter (32 bits) moves by at most two per transaction of this
 * connection (its own commit, and the others' it finds at the start), so
 * two reads a few transactions apart cannot meet by wrapping around.
 * ERR_INTERNAL outside a transaction; ERR_STORAGE. */
int db_data_version(Db *db, uint32_t *version, Err *err) KITH_WARN_UNUSED;

/* Rules that span rows hold on every backend only if writers that could
 * break them wait for each other (DESIGN.md: enforced by the database,
 * never by "SQLite lets one writer in at a time"). SQLite's BEGIN
 * IMMEDIATE already serialises writers; PostgreSQL needs a lock:
 *
 * DB_FOR_UPDATE ends a SELECT that reads rows the transaction will change
 * or whose state it checks: PostgreSQL locks them until the transaction
 * ends ("FOR UPDATE"); SQLite has nothing to add. A string literal (a
 * marker db_prepare replaces per backend), so a statement stays one
 * literal: "SELECT ... WHERE id = ?" DB_FOR_UPDATE. */
#define DB_FOR_UPDATE " /*kith:for-update*/"

/* DB_IN_IDS follows a column and tests it against a list of ids bound as
 * one parameter with db_bind_ids, so a statement that reads the rows of a
 * page (its children, its candidates) stays one literal and one round
 * trip to the server: "... WHERE contact_id" DB_IN_IDS. A marker as
 * DB_FOR_UPDATE: SQLite reads the list with json_each, PostgreSQL as a
 * BIGINT array (= ANY). The list holds no duplicates' meaning: a row
 * matches once however often its id is listed. */
#define DB_IN_IDS " /*kith:in-ids*/ "

/* Bind the n ids (n may be 0: no row matches) as parameter i, the
 * parameter of DB_IN_IDS. Out of memory binds an empty list. */
void db_bind_ids(DbStmt *st, int i, const int64_t *ids, size_t n);
/* DB_FOR_SHARE ends a SELECT, inside a write transaction, that checks a
 * row this transaction will point at (a link's target): PostgreSQL waits
 * for a transaction that locked the row to change or delete it (a purge)
 * and then reads what it committed, so the check sees a purged row gone
 * instead of a foreign-key check failing later; the row cannot be deleted
 * or locked for update until this transaction ends ("FOR KEY SHARE", the
 * foreign-key check's own lock: a plain UPDATE of the row, as a company
 * rename rewriting its contacts, does not wait for it, so no deadlock
 * with a writer that links to both). SQLite: nothing. Never in a
 * read transaction (REPEATABLE READ refuses to lock a row changed since
 * its snapshot). */
#define DB_FOR_SHARE " /*kith:for-share*/"

/* Inside a write transaction, wait until no other transaction holds the
 * lock on (ns, key) and take it until this one ends: for rules about a
 * value no row stands for yet (an email not taken, an idempotency key, the
 * first user). PostgreSQL: a transaction-scoped advisory lock on the two
 * strings' hashes (a collision only makes two writers wait for each
 * other); SQLite: nothing to do. ERR_INTERNAL outside a transaction;
 * ERR_BUSY after the lock timeout; ERR_STORAGE. */
int db_lock_key(Db *db, const char *ns, const char *key, Err *err) KITH_WARN_UNUSED;

/* A new id for a row of table (its key: a column `id`), inside a write
 * transaction, in *id: never one handed out before, so a purged record's
 * id (kept by its audit entries) is never given to another.
 * PostgreSQL: the next value of the table's identity sequence; creators on
 * other connections and servers take theirs side by side without waiting,
 * and an id taken by a transaction that rolls back is skipped (a gap). So
 * rows written with explicit ids (migration seeds, `kith db copy`) must
 * advance the sequence past every id ever used (setval).
 * SQLite: one past what max_sql answers (a literal without parameters
 * answering one row of one integer: the largest id ever used, 0 for none,
 * such as the table's MAX(id) and the audit log's record ids), which holds
 * because BEGIN IMMEDIATE lets one writer in at a time. Read again at
 * every call, so call it once per new row. max_sql is prepared on both
 * backends (the census) but run on SQLite only.
 * ERR_INTERNAL outside a transaction; ERR_STORAGE when table has no
 * identity or its ids are used up. */
int db_next_id(Db *db, const char *table, const char *max_sql, int64_t *id,
	       Err *err) KITH_WARN_UNUSED;

/* Run fn(db, arg, err) and, when it fails with ERR_BUSY that running it
 * again can cure, run it again, up to KITH_BUSY_RETRIES more times after a
 * short pause of random length; returns fn's last result. fn is a whole
 * piece of work (a request's handler), begun outside any transaction. It
 * runs again only when all of this holds: the busy was a deadlock or a
 * serialization failure (PostgreSQL), which the server undid whole, not a
 * lock wait that timed out (the holder may hold it still: the caller
 * answers busy at once); no transaction is left open; and nothing fn
 * wrote has committed (no write transaction, no write outside one), so
 * nothing is applied twice. SQLite, whose busy is a timed-out wait, never
 * runs fn again. */
int db_retry(Db *db, int (*fn)(Db *db, void *arg, Err *err), void *arg, Err *err);

/* Finish a transaction from a function's cleanup label: commit when rc is
 * KITH_OK, otherwise roll back. Returns the final rc. */
int db_end(Db *db, int rc, Err *err);

/* Store-internal: run `sql` (a string literal with `?1` = id and, when
 * text is not NULL, `?2` = text) just before the outermost transaction
 * commits, in the order queued; at once when no transaction is open. Used
 * for full-text index writes: FTS5 flushes its pending terms at every
 * statement savepoint, so index writes interleaved with row writes cost a
 * segment each, while a batch at the end costs one. The queue is flushed
 * early when it holds KITH_MAX_DEFERRED writes, and dropped on rollback. */
int db_defer(Db *db, const char *sql, int64_t id, const char *text, Err *err) KITH_WARN_UNUSED;

/* Store-internal: run the writes db_defer queued now, inside the open
 * transaction, so what they wrote can be read before it commits (a copy
 * verifies its target's search index). KITH_OK when none are queued. */
int db_defer_flush(Db *db, Err *err) KITH_WARN_UNUSED;

/* Read the database through a memory map of up to mb MiB instead of
 * pread: reads of pages the OS has cached cost no system call, at the price
 * of the mapped file pages counting in the process's resident size. */
int db_set_mmap(Db *db, unsigned mb, Err *err) KITH_WARN_UNUSED;

/* Call fn(arg, frames) after each commit of this connection, with the
 * number of frames the WAL then holds, instead of SQLite's automatic
 * checkpoint (which copies the WAL into the database inside the commit
 * that crosses 1000 pages): the caller checkpoints with db_checkpoint,
 * from another thread. fn runs on the committing thread, must be quick
 * and must not use db. NULL fn restores no automatic checkpoint either:
 * only connections that someone checkpoints for should call this. */
void db_on_commit(Db *db, void (*fn)(void *arg, int frames), void *arg);

/* Checkpoint the WAL: PASSIVE (copy what no reader still needs, never
 * waiting, never blocking a writer) or, with truncate, TRUNCATE (copy all
 * and empty the WAL file; gives up at once with ERR_BUSY when a writer or
 * reader is active). *frames and *copied (may be NULL) receive the WAL's
 * frames and how many of them are now in the database. ERR_BUSY, or
 * ERR_STORAGE with err filled. */
int db_checkpoint(Db *db, int truncate, int *frames, int *copied, Err *err) KITH_WARN_UNUSED;

/* Bulk loads (demo data, imports): a page cache of KITH_DB_BULK_CACHE_KB
 * so index pages stay in memory while millions of rows go in. Durability
 * settings are unchanged. */
int db_bulk_mode(Db *db, Err *err) KITH_WARN_UNUSED;

/* One problem a check found (db_check, search_check). */
typedef struct DbFinding {
	const char *check;   /* "integrity", "constraint", "foreign_key", "schema", "search" */
	const char *table;   /* the table it is in ("" when none) */
	int64_t id;	     /* the record's id (rowid on SQLite), 0 when none */
	const char *message; /* what is wrong, for a user */
} DbFinding;

/* Receives each finding of a check; the strings live during the call. */
typedef void (*DbCheckFn)(void *arg, const DbFinding *f);

/* Check the database's own consistency and report every problem to fn
 * (arg its first argument): SQLite's integrity_check and foreign_key_check;
 * on PostgreSQL every constraint validated, no foreign-key trigger
 * disabled, and every foreign key holding (an anti-join per key, from the
 * catalog). Findings are not errors: KITH_OK once checked, ERR_STORAGE when
 * a check could not run. At most KITH_CHECK_MAX_FINDINGS per check. */
int db_check(Db *db, DbCheckFn fn, void *arg, Err *err);

/* Online backup of the live database into the file at path, which it
 * overwrites: SQLite's backup API (a database file), or pg_dump
 * --format=custom on PostgreSQL (store/pg_tool.h). Commands use
 * backup_save (store/backup.h), which never leaves half a file. */
int db_backup(Db *db, const char *path, Err *err);

/* Name of the backend: "sqlite" or "postgres". */
const char *db_backend(const Db *db);

#endif
