/* db.c - the SQLite backend of db.h. The only file with sqlite3 calls besides
 * the rest of src/store/. */
#include "store/db.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/text.h"
#include "store/search.h"

struct DbStmt {
	const char *sql;    /* cache key: the caller's string literal */
	sqlite3_stmt *st;   /* prepared statement */
	Db *db;             /* owning connection */
};

typedef struct Deferred {
	const char *sql;   /* statement literal */
	int64_t id;        /* ?1 */
	char *text;        /* ?2, or NULL when the statement has one parameter */
} Deferred;

struct Db {
	sqlite3 *h;                         /* the connection */
	DbStmt cache[KITH_STMT_CACHE];      /* prepared statements by SQL address */
	unsigned n_cache;                   /* entries used in cache */
	unsigned next_evict;                /* round-robin victim when full */
	int depth;                          /* transaction nesting depth */
	int doomed;                         /* an inner level rolled back */
	Deferred *deferred;                 /* writes to run before commit (db_defer) */
	size_t n_deferred;                  /* entries used in deferred */
	void (*on_commit)(void *, int);     /* db_on_commit's callback, or NULL */
	void *on_commit_arg;                /* its argument */
};

static int storage_err(Db *db, Err *err, const char *what)
{
	int ext = sqlite3_extended_errcode(db->h);
	int code = ERR_STORAGE;
	if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
		return err_set(err, ERR_BUSY, NULL,
			       "the database is busy with another change; try again");
	/* A duplicate key is a real conflict the caller may rename (a name that
	 * is taken). CHECK, NOT NULL and foreign-key failures mean the domain let
	 * bad data through: that is our bug, so it stays a storage error. */
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = ERR_CONFLICT;
	return err_set(err, code, NULL, "%s: %s", what, sqlite3_errmsg(db->h));
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
	return sqlite3_create_function(db->h, "kith_search_doc", 1, flags, (void *)&doc,
				       sql_text_fn, NULL, NULL) != SQLITE_OK ||
	       sqlite3_create_function(db->h, "kith_digit_suffixes", 1, flags, (void *)&digits,
				       sql_text_fn, NULL, NULL) != SQLITE_OK ||
	       sqlite3_create_function(db->h, "kith_search_rank", 2, flags, NULL, sql_rank_fn, NULL,
				       NULL) != SQLITE_OK;
}

/* Process-wide settings, before SQLite initialises: no memory statistics,
 * which cost a global mutex on every allocation (server threads contended
 * on it for each statement of a GET). */
static void configure_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int db_open(Db **out, const char *target, int create, Err *err)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, configure_once);
	*out = NULL;
	if (!target || !*target)
		return err_set(err, ERR_INVALID, "db", "no database given (use --db or KITH_DB)");
	if (strncmp(target, "postgres://", 11) == 0 || strncmp(target, "postgresql://", 13) == 0)
		return err_set(err, ERR_INVALID, "db",
			       "the PostgreSQL backend is not available yet; use a file path");
	Db *db = calloc(1, sizeof *db);
	if (!db)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(target, &db->h, flags, NULL) != SQLITE_OK) {
		err_set(err, ERR_STORAGE, "db", "cannot open database %s: %s", target,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		sqlite3_close(db->h);
		free(db);
		return ERR_STORAGE;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, KITH_BUSY_TIMEOUT_MS);
	if (register_functions(db)) {
		err_set(err, ERR_STORAGE, "db", "cannot register SQL functions: %s",
			sqlite3_errmsg(db->h));
		db_close(db);
		return ERR_STORAGE;
	}
	int rc = db_exec_script(db,
				"PRAGMA journal_mode=WAL;"
				"PRAGMA synchronous=FULL;"
				"PRAGMA foreign_keys=ON;"
				"PRAGMA temp_store=MEMORY;"
				"PRAGMA cache_size=-" KITH_STR(KITH_DB_CACHE_KB) ";",
				err);
	if (rc) {
		db_close(db);
		return rc;
	}
	*out = db;
	return KITH_OK;
}

static void drop_deferred(Db *db)
{
	for (size_t i = 0; i < db->n_deferred; i++)
		free(db->deferred[i].text);
	db->n_deferred = 0;
}

void db_close(Db *db)
{
	if (!db)
		return;
	drop_deferred(db);
	free(db->deferred);
	for (unsigned i = 0; i < db->n_cache; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db);
}

int db_prepare(Db *db, DbStmt **out, const char *sql, Err *err)
{
	for (unsigned i = 0; i < db->n_cache; i++) {
		if (db->cache[i].sql == sql) {
			sqlite3_reset(db->cache[i].st);
			sqlite3_clear_bindings(db->cache[i].st);
			*out = &db->cache[i];
			return KITH_OK;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return storage_err(db, err, "prepare");
	unsigned slot;
	if (db->n_cache < KITH_STMT_CACHE) {
		slot = db->n_cache++;
	} else {
		/* Evict round-robin, never a statement a caller is still stepping. */
		unsigned tries = 0;
		do
			slot = db->next_evict++ % KITH_STMT_CACHE;
		while (sqlite3_stmt_busy(db->cache[slot].st) && ++tries < KITH_STMT_CACHE);
		if (tries == KITH_STMT_CACHE) {
			sqlite3_finalize(st);
			return err_set(err, ERR_INTERNAL, NULL, "every cached statement is in use");
		}
		sqlite3_finalize(db->cache[slot].st);
	}
	db->cache[slot] = (DbStmt){.sql = sql, .st = st, .db = db};
	*out = &db->cache[slot];
	return KITH_OK;
}

void db_bind_int(DbStmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st->st, i, v);
}

void db_bind_text(DbStmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, i);
}

void db_bind_text_or_null(DbStmt *st, int i, const char *s)
{
	db_bind_text(st, i, s && *s ? s : NULL);
}

void db_bind_null(DbStmt *st, int i)
{
	sqlite3_bind_null(st->st, i);
}

int db_step(DbStmt *st, Err *err)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	rc = storage_err(st->db, err, "query");
	sqlite3_reset(st->st);
	return rc;
}

int db_exec_stmt(DbStmt *st, Err *err)
{
	int rc = db_step(st, err);
	sqlite3_reset(st->st);
	return rc == DB_DONE || rc == DB_ROW ? KITH_OK : rc;
}

void db_reset(DbStmt *st)
{
	sqlite3_reset(st->st);
}

int64_t db_col_int(DbStmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

const char *db_col_text(DbStmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->st, i);
}

int db_col_is_null(DbStmt *st, int i)
{
	return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

json_t *db_col_json_text(DbStmt *st, int i)
{
	return db_col_is_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

json_t *db_col_json_int(DbStmt *st, int i)
{
	return db_col_is_null(st, i) ? json_null() : json_integer(db_col_int(st, i));
}

int db_col_count(DbStmt *st)
{
	return sqlite3_column_count(st->st);
}

int db_collect_ids(DbStmt *st, Buf *ids, Err *err)
{
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		buf_add(ids, &id, sizeof id);
	}
	if (rc != DB_DONE)
		return rc;
	return buf_failed(ids) ? err_set(err, ERR_INTERNAL, NULL, "too many records at once")
			       : KITH_OK;
}

int db_query_int2(Db *db, const char *sql, int64_t *a, int64_t *b, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*a = db_col_int(st, 0);
		*b = db_col_int(st, 1);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_STORAGE, NULL, "the query answered no row");
	}
	db_reset(st);
	return rc;
}

int64_t db_changes(Db *db)
{
	return sqlite3_changes64(db->h);
}

int db_exec_script(Db *db, const char *sql, Err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int ext = sqlite3_extended_errcode(db->h);
		err_set(err, ERR_STORAGE, NULL, "database%s: %s", ext == SQLITE_BUSY ? " busy" : "",
			msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return ERR_STORAGE;
	}
	return KITH_OK;
}

/* ROLLBACK cannot usefully fail: if it does, SQLite has already rolled back. */
static void rollback_now(Db *db)
{
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* Run a cached parameterless statement (transaction control). */
static int run_cached(Db *db, const char *sql, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	return rc ? rc : db_exec_stmt(st, err);
}

static const char sql_begin_write[] = "BEGIN IMMEDIATE";
static const char sql_begin_read[] = "BEGIN";
static const char sql_commit[] = "COMMIT";

static int begin(Db *db, const char *sql, Err *err)
{
	if (db->depth++ > 0)
		return KITH_OK;
	db->doomed = 0;
	int rc = run_cached(db, sql, err);
	if (rc)
		db->depth = 0;
	return rc;
}

int db_begin(Db *db, Err *err)
{
	return begin(db, sql_begin_write, err);
}

int db_begin_read(Db *db, Err *err)
{
	return begin(db, sql_begin_read, err);
}

static int run_one(Db *db, const char *sql, int64_t id, const char *text, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	if (text)
		db_bind_text(st, 2, text);
	return db_exec_stmt(st, err);
}

static int flush_deferred(Db *db, Err *err)
{
	int rc = KITH_OK;
	for (size_t i = 0; i < db->n_deferred && rc == KITH_OK; i++)
		rc = run_one(db, db->deferred[i].sql, db->deferred[i].id, db->deferred[i].text, err);
	drop_deferred(db);
	return rc;
}

int db_defer(Db *db, const char *sql, int64_t id, const char *text, Err *err)
{
	if (db->depth == 0)
		return run_one(db, sql, id, text, err);
	if (db->n_deferred == KITH_MAX_DEFERRED) {
		int rc = flush_deferred(db, err);
		if (rc)
			return rc;
	}
	if (!db->deferred && !(db->deferred = malloc(KITH_MAX_DEFERRED * sizeof *db->deferred)))
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	char *copy = text ? strdup(text) : NULL;
	if (text && !copy)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	db->deferred[db->n_deferred++] = (Deferred){.sql = sql, .id = id, .text = copy};
	return KITH_OK;
}

int db_commit(Db *db, Err *err)
{
	if (db->depth == 0)
		return err_set(err, ERR_INTERNAL, NULL, "commit without a transaction");
	if (--db->depth > 0)
		return KITH_OK;
	if (db->doomed) {
		drop_deferred(db);
		rollback_now(db);
		return err_set(err, ERR_STORAGE, NULL, "transaction was rolled back");
	}
	db->depth++; /* deferred writes run inside the transaction */
	int rc = flush_deferred(db, err);
	db->depth--;
	if (rc == KITH_OK)
		rc = run_cached(db, sql_commit, err);
	if (rc)
		rollback_now(db);
	return rc;
}

void db_rollback(Db *db)
{
	if (db->depth == 0)
		return;
	if (--db->depth > 0) {
		db->doomed = 1;
		return;
	}
	drop_deferred(db);
	for (unsigned i = 0; i < db->n_cache; i++)
		sqlite3_reset(db->cache[i].st);
	rollback_now(db);
}

int db_end(Db *db, int rc, Err *err)
{
	if (rc == KITH_OK)
		return db_commit(db, err);
	db_rollback(db);
	return rc;
}

int db_data_version(Db *db, uint32_t *version, Err *err)
{
	/* any read of the file takes the snapshot; this one reads page 1 */
	static const char sql_snapshot[] = "PRAGMA schema_version";
	unsigned int v = 0;
	*version = 0;
	if (db->depth == 0)
		return err_set(err, ERR_INTERNAL, NULL, "data version outside a transaction");
	if (sqlite3_txn_state(db->h, "main") == SQLITE_TXN_NONE) {
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
	if (sqlite3_file_control(db->h, "main", SQLITE_FCNTL_DATA_VERSION, &v) != SQLITE_OK)
		return storage_err(db, err, "data version");
	*version = v;
	return KITH_OK;
}

int db_set_mmap(Db *db, unsigned mb, Err *err)
{
	char sql[64];
	/* Built from an integer, never from user text. */
	snprintf(sql, sizeof sql, "PRAGMA mmap_size=%llu", (unsigned long long)mb * 1048576ULL);
	return db_exec_script(db, sql, err);
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

void db_on_commit(Db *db, void (*fn)(void *arg, int frames), void *arg)
{
	db->on_commit = fn;
	db->on_commit_arg = arg;
	/* Replaces the automatic checkpoint, which is itself a WAL hook. */
	sqlite3_wal_hook(db->h, fn ? wal_hook : NULL, fn ? db : NULL);
}

int db_checkpoint(Db *db, int truncate, int *frames, int *copied, Err *err)
{
	int log = 0, done = 0;
	if (truncate) /* never wait for a writer or a reader: try again later */
		sqlite3_busy_timeout(db->h, 0);
	int rc = sqlite3_wal_checkpoint_v2(
	    db->h, NULL, truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE, &log,
	    &done);
	if (truncate)
		sqlite3_busy_timeout(db->h, KITH_BUSY_TIMEOUT_MS);
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

int db_bulk_mode(Db *db, Err *err)
{
	return db_exec_script(db,
			      "PRAGMA cache_size=-" KITH_STR(KITH_DB_BULK_CACHE_KB) ";"
			      "PRAGMA wal_autocheckpoint=" KITH_STR(KITH_DB_BULK_CHECKPOINT) ";",
			      err);
}

int db_check(Db *db, Err *err)
{
	static const char sql[] = "PRAGMA integrity_check";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		const char *r = db_col_text(st, 0);
		rc = r && strcmp(r, "ok") == 0 ? KITH_OK
					       : err_set(err, ERR_STORAGE, NULL, "integrity: %s", r ? r : "?");
	}
	db_reset(st);
	if (rc)
		return rc;
	static const char fk[] = "PRAGMA foreign_key_check";
	if ((rc = db_prepare(db, &st, fk, err)))
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = err_set(err, ERR_STORAGE, NULL, "foreign key violation in table %s",
			     db_col_text(st, 0));
	else if (rc == DB_DONE)
		rc = KITH_OK;
	db_reset(st);
	return rc;
}

int db_backup(Db *db, const char *path, Err *err)
{
	sqlite3 *to = NULL;
	int rc = KITH_OK;
	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		rc = err_set(err, ERR_STORAGE, "file", "cannot create %s: %s", path,
			     to ? sqlite3_errmsg(to) : "out of memory");
		goto done;
	}
	sqlite3_backup *b = sqlite3_backup_init(to, "main", db->h, "main");
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

const char *db_backend(const Db *db)
{
	(void)db;
	return "sqlite";
}
