/* db_sqlite.c - the SQLite backend (db_backend.h). The only file with
 * sqlite3 calls besides the rest of src/store/. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/text.h"
#include "store/db_backend.h"
#include "store/search.h"

#define H(db) ((sqlite3 *)(db)->h)
#define ST(st) ((sqlite3_stmt *)(st)->h)

static int storage_err(Db *db, Err *err, const char *what)
{
	int ext = sqlite3_extended_errcode(H(db));
	int code = ERR_STORAGE;
	if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
		return err_set(err, ERR_BUSY, NULL,
			       "the database is busy with another change; try again");
	/* A duplicate key is a real conflict the caller may rename (a name that
	 * is taken). CHECK, NOT NULL and foreign-key failures mean the domain let
	 * bad data through: that is our bug, so it stays a storage error. */
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = ERR_CONFLICT;
	return err_set(err, code, NULL, "%s: %s", what, sqlite3_errmsg(H(db)));
}

/* SQL functions over base/text.h for migrations that rebuild search
 * documents in SQL (015_search_more): kith_search_doc(text) is
 * text_search_doc, kith_digit_suffixes(text) text_digit_suffixes from the
 * second digit. NULL in, NULL out. */
static void sql_text_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in = sqlite3_value_text(argv[0]);
	const int *digits = sqlite3_user_data(ctx); /* 1: kith_digit_suffixes */
	Buf b;
	(void)argc;
	if (!in) {
		sqlite3_result_null(ctx);
		return;
	}
	buf_init(&b, 0);
	if (*digits)
		text_digit_suffixes(&b, (const char *)in, 1);
	else
		text_search_doc(&b, (const char *)in);
	if (buf_failed(&b))
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_text(ctx, buf_str(&b), (int)b.len, SQLITE_TRANSIENT);
	buf_free(&b);
}

/* kith_search_rank(doc, match): search_rank (search.h); NULL doc ranks
 * last. */
static void sql_rank_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *doc = (const char *)sqlite3_value_text(argv[0]);
	const char *match = (const char *)sqlite3_value_text(argv[1]);
	(void)argc;
	sqlite3_result_int64(
	    ctx, doc ? search_rank(doc, (size_t)sqlite3_value_bytes(argv[0]), match) : INT64_MAX);
}

static int register_functions(Db *db)
{
	static const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	static const int doc = 0, digits = 1;
	return sqlite3_create_function(H(db), "kith_search_doc", 1, flags, (void *)&doc,
				       sql_text_fn, NULL, NULL) != SQLITE_OK ||
	       sqlite3_create_function(H(db), "kith_digit_suffixes", 1, flags, (void *)&digits,
				       sql_text_fn, NULL, NULL) != SQLITE_OK ||
	       sqlite3_create_function(H(db), "kith_search_rank", 2, flags, NULL, sql_rank_fn, NULL,
				       NULL) != SQLITE_OK;
}

/* Process-wide settings, before SQLite initialises: no memory statistics,
 * which cost a global mutex on every allocation (server threads contended
 * on it for each statement of a GET). */
static void configure_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int lite_exec_script(Db *db, const char *sql, Err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(H(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		int ext = sqlite3_extended_errcode(H(db));
		err_set(err, ERR_STORAGE, NULL, "database%s: %s", ext == SQLITE_BUSY ? " busy" : "",
			msg ? msg : sqlite3_errmsg(H(db)));
		sqlite3_free(msg);
		return ERR_STORAGE;
	}
	return KITH_OK;
}

static int lite_open(Db *db, const char *target, int create, Err *err)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, configure_once);
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(target, &h, flags, NULL);
	db->h = h;
	if (rc != SQLITE_OK)
		return err_set(err, ERR_STORAGE, "db", "cannot open database %s: %s", target,
			       h ? sqlite3_errmsg(h) : "out of memory");
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, KITH_BUSY_TIMEOUT_MS);
	if (register_functions(db))
		return err_set(err, ERR_STORAGE, "db", "cannot register SQL functions: %s",
			       sqlite3_errmsg(h));
	if (lite_exec_script(db,
			     "PRAGMA journal_mode=WAL;"
			     "PRAGMA synchronous=FULL;"
			     "PRAGMA foreign_keys=ON;"
			     "PRAGMA temp_store=MEMORY;"
			     "PRAGMA cache_size=-" KITH_STR(KITH_DB_CACHE_KB) ";",
			     err) == KITH_OK)
		return KITH_OK;
	/* a WAL database is not even read without its -shm file */
	if ((sqlite3_extended_errcode(h) & 0xff) == SQLITE_READONLY)
		return err_set(err, ERR_STORAGE, "db",
			       "cannot open database %s: %s (a database in WAL mode needs write "
			       "access to its directory, for its -wal and -shm files)",
			       target, sqlite3_errmsg(h));
	return ERR_STORAGE;
}

static void lite_close(Db *db)
{
	sqlite3_close(H(db));
}

static int lite_prepare(Db *db, const char *sql, void **h, Err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(H(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return storage_err(db, err, "prepare");
	*h = st;
	return KITH_OK;
}

static void lite_finalize(Db *db, void *h)
{
	(void)db;
	sqlite3_finalize(h);
}

static void lite_clear(DbStmt *st)
{
	sqlite3_reset(ST(st));
	sqlite3_clear_bindings(ST(st));
}

static int lite_busy(DbStmt *st)
{
	return sqlite3_stmt_busy(ST(st));
}

static void lite_bind_int(DbStmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(ST(st), i, v);
}

static void lite_bind_text(DbStmt *st, int i, const char *s)
{
	sqlite3_bind_text(ST(st), i, s, -1, SQLITE_TRANSIENT);
}

static void lite_bind_null(DbStmt *st, int i)
{
	sqlite3_bind_null(ST(st), i);
}

static int lite_step(DbStmt *st, Err *err)
{
	int rc = sqlite3_step(ST(st));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	rc = storage_err(st->db, err, "query");
	sqlite3_reset(ST(st));
	return rc;
}

static void lite_reset(DbStmt *st)
{
	sqlite3_reset(ST(st));
}

static int64_t lite_col_int(DbStmt *st, int i)
{
	return sqlite3_column_int64(ST(st), i);
}

static const char *lite_col_text(DbStmt *st, int i)
{
	return (const char *)sqlite3_column_text(ST(st), i);
}

static int lite_col_is_null(DbStmt *st, int i)
{
	return sqlite3_column_type(ST(st), i) == SQLITE_NULL;
}

static int lite_col_count(DbStmt *st)
{
	return sqlite3_column_count(ST(st));
}

static int64_t lite_changes(Db *db)
{
	return sqlite3_changes64(H(db));
}

/* ROLLBACK cannot usefully fail: if it does, SQLite has already rolled back. */
static void lite_rollback(Db *db)
{
	sqlite3_exec(H(db), "ROLLBACK", NULL, NULL, NULL);
}

static int lite_data_version(Db *db, uint32_t *version, Err *err)
{
	/* any read of the file takes the snapshot; this one reads page 1 */
	static const char sql_snapshot[] = "PRAGMA schema_version";
	unsigned int v = 0;
	if (sqlite3_txn_state(H(db), "main") == SQLITE_TXN_NONE) {
		DbStmt *st;
		int rc = db_prepare(db, &st, sql_snapshot, err);
		if (rc)
			return rc;
		rc = db_step(st, err);
		db_reset(st);
		if (rc != DB_ROW)
			return rc == DB_DONE ? err_set(err, ERR_STORAGE, NULL, "no schema version") : rc;
	}
	/* SQLite's pager counter: it moves on every commit of this connection
	 * and whenever a transaction begins on a database others changed (PRAGMA
	 * data_version leaves out this connection's own commits) */
	if (sqlite3_file_control(H(db), "main", SQLITE_FCNTL_DATA_VERSION, &v) != SQLITE_OK)
		return storage_err(db, err, "data version");
	*version = v;
	return KITH_OK;
}

static int lite_set_mmap(Db *db, unsigned mb, Err *err)
{
	char sql[64];
	/* Built from an integer, never from user text. */
	snprintf(sql, sizeof sql, "PRAGMA mmap_size=%llu", (unsigned long long)mb * 1048576ULL);
	return lite_exec_script(db, sql, err);
}

/* sqlite3_wal_hook's callback: hand the WAL's frame count on. */
static int wal_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	Db *db = arg;
	db->on_commit(db->on_commit_arg, frames);
	return SQLITE_OK;
}

static void lite_on_commit(Db *db, int on)
{
	/* Replaces the automatic checkpoint, which is itself a WAL hook. */
	sqlite3_wal_hook(H(db), on ? wal_hook : NULL, on ? db : NULL);
}

static int lite_checkpoint(Db *db, int truncate, int *frames, int *copied, Err *err)
{
	int log = 0, done = 0;
	if (truncate) /* never wait for a writer or a reader: try again later */
		sqlite3_busy_timeout(H(db), 0);
	int rc = sqlite3_wal_checkpoint_v2(
	    H(db), NULL, truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE, &log,
	    &done);
	if (truncate)
		sqlite3_busy_timeout(H(db), KITH_BUSY_TIMEOUT_MS);
	if (frames)
		*frames = log;
	if (copied)
		*copied = done;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_BUSY;
	if (rc != SQLITE_OK)
		return storage_err(db, err, "checkpoint");
	return KITH_OK;
}

static int lite_bulk_mode(Db *db, Err *err)
{
	return lite_exec_script(db,
				"PRAGMA cache_size=-" KITH_STR(KITH_DB_BULK_CACHE_KB) ";"
				"PRAGMA wal_autocheckpoint=" KITH_STR(KITH_DB_BULK_CHECKPOINT) ";",
				err);
}

/* Report the rows of a check pragma (at most KITH_CHECK_MAX_FINDINGS). */
static int lite_check(Db *db, DbCheckFn fn, void *arg, Err *err)
{
	/* integrity_check: "ok", or one row per problem */
	static const char sql[] = "PRAGMA integrity_check(" KITH_STR(KITH_CHECK_MAX_FINDINGS) ")";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *r = db_col_text(st, 0);
		if (r && strcmp(r, "ok") != 0)
			fn(arg, &(DbFinding){"integrity", "", 0, r});
	}
	db_reset(st);
	if (rc != DB_DONE)
		return rc;
	/* foreign_key_check: table, rowid, parent table, foreign key number */
	static const char fk[] = "PRAGMA foreign_key_check";
	if ((rc = db_prepare(db, &st, fk, err)))
		return rc;
	int n = 0;
	while ((rc = db_step(st, err)) == DB_ROW && n++ < (int)KITH_CHECK_MAX_FINDINGS) {
		char msg[256];
		snprintf(msg, sizeof msg, "row %lld references a missing row of %s",
			 (long long)db_col_int(st, 1), db_col_text(st, 2));
		fn(arg, &(DbFinding){"foreign_key", db_col_text(st, 0), db_col_int(st, 1), msg});
	}
	db_reset(st);
	return rc == DB_DONE || rc == DB_ROW ? KITH_OK : rc;
}

static int lite_backup(Db *db, const char *path, Err *err)
{
	sqlite3 *to = NULL;
	int rc = KITH_OK;
	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		rc = err_set(err, ERR_STORAGE, "file", "cannot create %s: %s", path,
			     to ? sqlite3_errmsg(to) : "out of memory");
		goto done;
	}
	sqlite3_backup *b = sqlite3_backup_init(to, "main", H(db), "main");
	if (!b) {
		rc = err_set(err, ERR_STORAGE, "file", "backup: %s", sqlite3_errmsg(to));
		goto done;
	}
	/* One step copies every page inside one read transaction: writers go on
	 * (WAL), and no write can restart the copy. Only a lock held by another
	 * process's checkpoint makes it wait, with a bounded number of retries. */
	int s, busy = 0;
	while ((s = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || s == SQLITE_LOCKED) {
		if (++busy > KITH_BUSY_TIMEOUT_MS / 20)
			break;
		sqlite3_sleep(20);
	}
	sqlite3_backup_finish(b);
	if (s != SQLITE_DONE)
		rc = err_set(err, ERR_STORAGE, "file", "backup: %s", sqlite3_errstr(s));
done:
	sqlite3_close(to);
	return rc;
}

/* SQLite serialises writers (BEGIN IMMEDIATE): nothing to lock. The
 * full-text index is FTS5's (search.h). */
static const DbFragment fragments[] = {
    {"for-update", ""},
    {"in-ids", "IN (SELECT value FROM json_each(?))"},
    {"for-share", ""},
    {"search-join-contact", "JOIN contact_fts s ON s.rowid = c.id"},
    {"search-match-contact", "s.contact_fts MATCH ?"},
    {"search-join-company", "JOIN company_fts s ON s.rowid = c.id"},
    {"search-match-company", "s.company_fts MATCH ?"},
    {"search-rowid", "s.rowid"},
    {NULL, NULL},
};

const DbBackend db_sqlite = {
    .name = "sqlite",
    .open = lite_open,
    .close = lite_close,
    .prepare = lite_prepare,
    .finalize = lite_finalize,
    .clear = lite_clear,
    .busy = lite_busy,
    .bind_int = lite_bind_int,
    .bind_text = lite_bind_text,
    .bind_null = lite_bind_null,
    .step = lite_step,
    .reset = lite_reset,
    .col_int = lite_col_int,
    .col_text = lite_col_text,
    .col_is_null = lite_col_is_null,
    .col_count = lite_col_count,
    .changes = lite_changes,
    .exec_script = lite_exec_script,
    .sql_begin_write = "BEGIN IMMEDIATE",
    .sql_begin_read = "BEGIN",
    .sql_commit = "COMMIT",
    .rollback = lite_rollback,
    .fragments = fragments,
    .data_version = lite_data_version,
    .set_mmap = lite_set_mmap,
    .on_commit = lite_on_commit,
    .checkpoint = lite_checkpoint,
    .bulk_mode = lite_bulk_mode,
    .check = lite_check,
    .backup = lite_backup,
};
