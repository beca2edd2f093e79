/* db_backend.h - store-internal: what a database backend provides to db.c.
 *
 * db.c owns what every backend shares (the statement cache keyed by the
 * SQL literal's address, transaction nesting, deferred index writes, the
 * public db.h API); a backend (db_sqlite.c, db_pg.c) fills a DbBackend
 * with its operations. Only src/store/ includes this header.
 *
 * Depends on store/db.h and base/. */
#ifndef KITH_STORE_DB_BACKEND_H
#define KITH_STORE_DB_BACKEND_H

#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "store/db.h"

/* One cached statement: the caller's literal and the backend's handle. */
struct DbStmt {
	const char *sql; /* cache key: the caller's string literal */
	void *h;	 /* the backend's prepared statement */
	Db *db;		 /* owning connection */
	int running;	 /* stepped since its prepare or reset (db_exec_count) */
};

typedef struct Deferred {
	const char *sql; /* statement literal */
	int64_t id;	 /* ?1 */
	char *text;	 /* ?2, or NULL when the statement has one parameter */
} Deferred;

typedef struct DbBackend DbBackend;

/* A marker (an SQL comment holding "kith:NAME") in a statement stands
 * for SQL that differs by backend (db.h: DB_FOR_UPDATE; search.h: the full-text fragments):
 * db_prepare replaces it with the backend's text for NAME before the
 * backend sees the statement. A marker the backend does not know is an
 * error (ERR_INTERNAL). */
typedef struct DbFragment {
	const char *name; /* NAME */
	const char *text; /* what the backend runs in its place */
} DbFragment;

struct Db {
	const DbBackend *be;		    /* the backend's operations */
	void *h;			    /* the backend's connection */
	DbStmt cache[KITH_STMT_CACHE];	    /* prepared statements by SQL address */
	unsigned n_cache;		    /* entries used in cache */
	unsigned next_evict;		    /* round-robin victim when full */
	int depth;			    /* transaction nesting depth */
	int doomed;			    /* an inner level rolled back */
	Deferred *deferred;		    /* writes to run before commit (db_defer) */
	size_t n_deferred;		    /* entries used in deferred */
	void (*on_commit)(void *, int);	    /* db_on_commit's callback, or NULL */
	void *on_commit_arg;		    /* its argument */
	int writing;			    /* the open transaction began with db_begin */
	uint64_t writes;		    /* writes committed: write transactions, autocommits */
	int transient;			    /* the backend undid a busy whole (deadlock) */
	uint64_t execs;			    /* statements run: db_exec_count */
};

/* The operations of a backend. Statement operations take the DbStmt whose
 * h the backend's prepare filled. Unless said otherwise, errors are
 * ERR_STORAGE, ERR_CONFLICT (a unique key) or ERR_BUSY with err filled. */
struct DbBackend {
	const char *name; /* db_backend's answer */

	/* Connect db->h to target (create: a file may be created). On error
	 * db->h may be set: close is called next. */
	int (*open)(Db *db, const char *target, int create, Err *err);
	void (*close)(Db *db);

	/* Prepare sql into *h; finalize releases it. */
	int (*prepare)(Db *db, const char *sql, void **h, Err *err);
	void (*finalize)(Db *db, void *h);
	/* Reset a cached statement and clear its bindings for its next use. */
	void (*clear)(DbStmt *st);
	/* 1 while a statement is between its first step and its reset. */
	int (*busy)(DbStmt *st);

	void (*bind_int)(DbStmt *st, int i, int64_t v);
	void (*bind_text)(DbStmt *st, int i, const char *s); /* s not NULL; copied */
	void (*bind_null)(DbStmt *st, int i);
	int (*step)(DbStmt *st, Err *err); /* DB_ROW, DB_DONE or an error (then reset) */
	void (*reset)(DbStmt *st);
	int64_t (*col_int)(DbStmt *st, int i);
	const char *(*col_text)(DbStmt *st, int i);
	int (*col_is_null)(DbStmt *st, int i);
	int (*col_count)(DbStmt *st);
	int64_t (*changes)(Db *db);
	int (*exec_script)(Db *db, const char *sql, Err *err);

	/* Transaction control statements, as literals (db_prepare caches them). */
	const char *sql_begin_write, *sql_begin_read, *sql_commit;
	/* Roll back the open transaction; cannot usefully fail. */
	void (*rollback)(Db *db);
	/* db_lock_key's statement with two text parameters, or NULL when
	 * writers are serialised anyway. */
	const char *sql_lock_key;
	/* db_next_id's statement with one text parameter (the table),
	 * answering a new id from the table's sequence, or NULL when writers
	 * are serialised anyway (the caller's max_sql is run instead). */
	const char *sql_next_id;
	/* The markers' texts, ended by a {NULL, NULL} entry. */
	const DbFragment *fragments;

	/* What only some backends have: see db.h for each contract. */
	int (*data_version)(Db *db, uint32_t *version, Err *err);
	int (*set_mmap)(Db *db, unsigned mb, Err *err);
	void (*on_commit)(Db *db, int on);
	int (*checkpoint)(Db *db, int truncate, int *frames, int *copied, Err *err);
	int (*bulk_mode)(Db *db, Err *err);
	int (*check)(Db *db, DbCheckFn fn, void *arg, Err *err);
	int (*backup)(Db *db, const char *path, Err *err);
};

extern const DbBackend db_sqlite;
extern const DbBackend db_pg;

/* 1 when target names a PostgreSQL database (a postgres:// or
 * postgresql:// URL, or libpq's key=value form), else 0 (a file path). */
int db_target_is_pg(const char *target);

#endif
