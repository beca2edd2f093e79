/* db_pg.c - the PostgreSQL backend (db_backend.h), over libpq. The only
 * file with libpq calls besides the rest of src/store/.
 *
 * Statements are prepared on the server under a name of the connection's
 * own (k1, k2, ...), with the `?` and `?N` placeholders rewritten to $n.
 * Parameters are sent as untyped text, so the server infers each one's
 * type from where it stands, as SQLite compares dynamically typed values;
 * results come as text, read whole at the first step (every list is
 * LIMITed), so statements can be interleaved as on SQLite. Booleans read
 * as 0 and 1. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "store/db_backend.h"
#include "store/pg_tool.h"

/* PostgreSQL 15 is the oldest server kith runs on. */
enum { PG_MIN_VERSION = 150000 };

typedef struct PgConn {
	PGconn *c;	   /* the connection */
	unsigned next;	   /* the next statement name's number */
	int64_t changes;   /* rows changed by the last command */
	uint32_t version;  /* db_data_version's counter: never repeats */
	Buf dealloc;	   /* DEALLOCATE commands of evicted statements, run at the next prepare */
	char target[256];  /* the target for messages, without its password */
} PgConn;

typedef struct PgStmt {
	char name[16];	       /* the server's name of the statement */
	char *sql;	       /* the statement with $n placeholders (for a re-prepare) */
	int nparams;	       /* the highest $n */
	char **vals;	       /* parameter values as text (NULL: SQL NULL), nparams of them */
	PGresult *res;	       /* the result after the first step, else NULL */
	int row;	       /* the current row of res */
	int prepared;	       /* the server knows name (a reconnect forgets it) */
} PgStmt;

#define PC(db) ((PgConn *)(db)->h)
#define PS(st) ((PgStmt *)(st)->h)

static const char sql_commit[] = "COMMIT";

/* Every session's settings: instants are compared and stored as text in
 * UTC; bytes are UTF-8; a lock waited for longer than SQLite's busy
 * timeout is ERR_BUSY; notices stay on the server. */
static const char session_sql[] = "SET client_encoding = 'UTF8';"
				  "SET TIME ZONE 'UTC';"
				  "SET client_min_messages = warning;"
				  "SET lock_timeout = " KITH_STR(KITH_BUSY_TIMEOUT_MS) ";";

/* The server's notices (NOTICE, WARNING) are not for the user's terminal. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* err from a failed result (or the connection when res is NULL): the
 * SQLSTATE decides the kind; the message is the server's first line. */
static int pg_err(Db *db, const PGresult *res, Err *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = PQerrorMessage(PC(db)->c);
	int code = ERR_STORAGE;
	if (state && strcmp(state, "23505") == 0)
		code = ERR_CONFLICT; /* unique_violation, as SQLite's UNIQUE */
	else if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
			   strcmp(state, "55P03") == 0)) {
		/* serialization_failure, deadlock_detected, lock_not_available;
		 * the first two roll the transaction back at once, and running
		 * it again may well succeed at once (db_retry) */
		db->transient = state[0] == '4';
		return err_set(err, ERR_BUSY, NULL,
			       "the database is busy with another change; try again");
	}
	size_t len = strcspn(msg ? msg : "", "\n");
	return err_set(err, code, NULL, "%s: %.*s", what, (int)len, msg ? msg : "");
}

/* Rewrite sql's `?` (numbered in order) and `?N` placeholders to $n, into
 * out; *nparams gets the highest number. Quoted strings, quoted names and
 * comments are copied as they are. */
static void rewrite(const char *sql, Buf *out, int *nparams)
{
	int next = 0, max = 0;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			const char *q = p + 1;
			while (*q && *q != *p)
				q++;
			q += *q != 0;
			buf_add(out, p, (size_t)(q - p));
			p = q;
		} else if (p[0] == '-' && p[1] == '-') {
			size_t n = strcspn(p, "\n");
			buf_add(out, p, n);
			p += n;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			size_t n = end ? (size_t)(end + 2 - p) : strlen(p);
			buf_add(out, p, n);
			p += n;
		} else if (*p == '?') {
			int n = 0;
			p++;
			if (*p >= '0' && *p <= '9')
				while (*p >= '0' && *p <= '9' && n < 10000)
					n = n * 10 + (*p++ - '0');
			else
				n = ++next;
			if (n > max)
				max = n;
			buf_addf(out, "$%d", n);
		} else {
			buf_addc(out, *p++);
		}
	}
	*nparams = max;
}

static int pg_exec_script(Db *db, const char *sql, Err *err)
{
	PGresult *res = PQexec(PC(db)->c, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? KITH_OK
							       : pg_err(db, res, err, "database");
	PQclear(res);
	return rc;
}

static int pg_open(Db *db, const char *target, int create, Err *err)
{
	(void)create;
	PgConn *pc = calloc(1, sizeof *pc);
	if (!pc)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	db->h = pc;
	buf_init(&pc->dealloc, 0);
	db_target_redact(target, pc->target, sizeof pc->target);
	/* libpq's own messages may quote the target: parse it first, and
	 * never show a message that holds its password */
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(target, &perr);
	if (!opts) {
		PQfreemem(perr);
		return err_set(err, ERR_INVALID, "db",
			       "cannot read the connection string %s (a postgres:// URL or "
			       "key=value pairs)",
			       pc->target);
	}
	char password[256] = "";
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (o->val && *o->val && strcmp(o->keyword, "password") == 0)
			snprintf(password, sizeof password, "%s", o->val);
	PQconninfoFree(opts);
	pc->c = PQconnectdb(target);
	if (!pc->c)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (PQstatus(pc->c) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(pc->c);
		int len = (int)strcspn(msg, "\n");
		if (*password && strstr(msg, password))
			msg = "the server refused the connection", len = (int)strlen(msg);
		return err_set(err, ERR_STORAGE, "db", "cannot connect to %s: %.*s", pc->target,
			       len, msg);
	}
	PQsetNoticeProcessor(pc->c, quiet, NULL);
	int v = PQserverVersion(pc->c);
	if (v < PG_MIN_VERSION)
		return err_set(err, ERR_STORAGE, "db",
			       "%s runs PostgreSQL %d.%d; kith needs PostgreSQL 15 or later",
			       pc->target, v / 10000, v % 10000);
	return pg_exec_script(db, session_sql, err);
}

static void pg_close(Db *db)
{
	PgConn *pc = PC(db);
	if (!pc)
		return;
	PQfinish(pc->c);
	buf_free(&pc->dealloc);
	free(pc);
	db->h = NULL;
}

/* Send the statement to the server under its name. */
static int server_prepare(Db *db, PgStmt *ps, Err *err)
{
	PgConn *pc = PC(db);
	if (pc->dealloc.len) { /* names evicted since the last prepare */
		PGresult *r = PQexec(pc->c, buf_str(&pc->dealloc));
		PQclear(r);
		pc->dealloc.len = 0;
	}
	PGresult *res = PQprepare(pc->c, ps->name, ps->sql, ps->nparams, NULL);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? KITH_OK : pg_err(db, res, err, "prepare");
	PQclear(res);
	ps->prepared = rc == KITH_OK;
	return rc;
}

static void stmt_free(PgStmt *ps)
{
	if (!ps)
		return;
	PQclear(ps->res);
	for (int i = 0; ps->vals && i < ps->nparams; i++)
		free(ps->vals[i]);
	free(ps->vals);
	free(ps->sql);
	free(ps);
}

static int may_reconnect(const Db *db, const char *sql);
static int reconnect(Db *db);

static int pg_prepare(Db *db, const char *sql, void **h, Err *err)
{
	PgConn *pc = PC(db);
	PgStmt *ps = calloc(1, sizeof *ps);
	Buf b;
	buf_init(&b, 0);
	if (ps)
		rewrite(sql, &b, &ps->nparams);
	if (!ps || buf_failed(&b) || !(ps->sql = buf_take(&b)) ||
	    (ps->nparams && !(ps->vals = calloc((size_t)ps->nparams, sizeof *ps->vals)))) {
		buf_free(&b);
		stmt_free(ps);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	snprintf(ps->name, sizeof ps->name, "k%u", ++pc->next);
	int rc = server_prepare(db, ps, err);
	if (rc && PQstatus(pc->c) != CONNECTION_OK && may_reconnect(db, sql) && reconnect(db))
		rc = server_prepare(db, ps, err);
	if (rc) {
		stmt_free(ps);
		return rc;
	}
	*h = ps;
	return KITH_OK;
}

static void pg_finalize(Db *db, void *h)
{
	PgStmt *ps = h;
	if (ps && ps->prepared && PC(db))
		buf_addf(&PC(db)->dealloc, "DEALLOCATE %s;", ps->name);
	stmt_free(ps);
}

static void pg_reset(DbStmt *st)
{
	PgStmt *ps = PS(st);
	PQclear(ps->res);
	ps->res = NULL;
	ps->row = 0;
}

static void pg_clear(DbStmt *st)
{
	PgStmt *ps = PS(st);
	pg_reset(st);
	for (int i = 0; i < ps->nparams; i++) {
		free(ps->vals[i]);
		ps->vals[i] = NULL;
	}
}

static int pg_busy(DbStmt *st)
{
	PgStmt *ps = PS(st);
	return ps->res && ps->row < PQntuples(ps->res);
}

static void set_param(DbStmt *st, int i, char *v)
{
	PgStmt *ps = PS(st);
	if (i < 1 || i > ps->nparams) { /* SQLite ignores it too (SQLITE_RANGE) */
		free(v);
		return;
	}
	free(ps->vals[i - 1]);
	ps->vals[i - 1] = v;
}

static void pg_bind_int(DbStmt *st, int i, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	set_param(st, i, strdup(buf));
}

static void pg_bind_text(DbStmt *st, int i, const char *s)
{
	set_param(st, i, strdup(s));
}

static void pg_bind_null(DbStmt *st, int i)
{
	set_param(st, i, NULL);
}

/* Whether a statement (sql: the caller's literal) may be sent again on a
 * new connection after the old one was lost: outside a transaction, or
 * as the BEGIN that opens one (what came before on the lost connection
 * is gone, so nothing inside a transaction may). */
static int may_reconnect(const Db *db, const char *sql)
{
	return db->depth == 0 || (db->depth == 1 && (sql == db->be->sql_begin_write ||
						      sql == db->be->sql_begin_read));
}

/* Connect again after a lost connection: the server forgot every
 * prepared name and the session's settings. 1 when connected. */
static int reconnect(Db *db)
{
	PgConn *pc = PC(db);
	Err ignored = {0};
	PQreset(pc->c);
	if (PQstatus(pc->c) != CONNECTION_OK)
		return 0;
	PQsetNoticeProcessor(pc->c, quiet, NULL);
	for (unsigned i = 0; i < db->n_cache; i++)
		if (db->cache[i].h)
			PS(&db->cache[i])->prepared = 0;
	pc->dealloc.len = 0;
	return pg_exec_script(db, session_sql, &ignored) == KITH_OK;
}

/* Run the statement once; after a lost connection, where may_reconnect
 * allows, connect again and retry once. */
static PGresult *execute(DbStmt *st)
{
	Db *db = st->db;
	PgConn *pc = PC(db);
	PgStmt *ps = PS(st);
	Err ignored = {0};
	for (int attempt = 0;; attempt++) {
		PGresult *res = NULL;
		if (ps->prepared || server_prepare(db, ps, &ignored) == KITH_OK)
			res = PQexecPrepared(pc->c, ps->name, ps->nparams,
					     (const char *const *)ps->vals, NULL, NULL, 0);
		if (PQstatus(pc->c) == CONNECTION_OK || attempt > 0 || !may_reconnect(db, st->sql))
			return res;
		PQclear(res);
		if (!reconnect(db))
			return NULL;
	}
}

static int pg_step(DbStmt *st, Err *err)
{
	PgStmt *ps = PS(st);
	if (ps->res) {
		ps->row++;
		return ps->row < PQntuples(ps->res) ? DB_ROW : DB_DONE;
	}
	PGresult *res = execute(st);
	ExecStatusType s = PQresultStatus(res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		int rc = PQstatus(PC(st->db)->c) == CONNECTION_OK
			     ? pg_err(st->db, res, err, "query")
			     : err_set(err, ERR_STORAGE, "db", "lost the connection to %s",
				       PC(st->db)->target);
		PQclear(res);
		return rc;
	}
	/* rows changed: of an INSERT, UPDATE or DELETE only, as SQLite counts */
	const char *cmd = PQcmdStatus(res), *n = PQcmdTuples(res);
	if (*n && (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
		   strncmp(cmd, "DELETE", 6) == 0))
		PC(st->db)->changes = strtoll(n, NULL, 10);
	/* A COMMIT of a transaction an error had aborted answers ROLLBACK:
	 * nothing was written, and the caller must hear it. */
	if (st->sql == sql_commit && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		PQclear(res);
		return err_set(err, ERR_STORAGE, NULL,
			       "the transaction was rolled back after an earlier error");
	}
	ps->res = res;
	ps->row = 0;
	return s == PGRES_TUPLES_OK && PQntuples(res) > 0 ? DB_ROW : DB_DONE;
}

static int64_t pg_col_int(DbStmt *st, int i)
{
	PgStmt *ps = PS(st);
	if (!ps->res || PQgetisnull(ps->res, ps->row, i))
		return 0;
	const char *v = PQgetvalue(ps->res, ps->row, i);
	if (v[0] == 't' && !v[1])
		return 1; /* boolean */
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(DbStmt *st, int i)
{
	PgStmt *ps = PS(st);
	if (!ps->res || PQgetisnull(ps->res, ps->row, i))
		return NULL;
	return PQgetvalue(ps->res, ps->row, i);
}

static int pg_col_is_null(DbStmt *st, int i)
{
	PgStmt *ps = PS(st);
	return !ps->res || PQgetisnull(ps->res, ps->row, i);
}

static int pg_col_count(DbStmt *st)
{
	PgStmt *ps = PS(st);
	return ps->res ? PQnfields(ps->res) : 0;
}

static int64_t pg_changes(Db *db)
{
	return PC(db)->changes;
}

static void pg_rollback(Db *db)
{
	PQclear(PQexec(PC(db)->c, "ROLLBACK"));
}

/* No cheap PostgreSQL number says "the same content" (db.h): a value that
 * never repeats is always safe; what is remembered by it is then never
 * used again. */
static int pg_data_version(Db *db, uint32_t *version, Err *err)
{
	(void)err;
	*version = ++PC(db)->version;
	return KITH_OK;
}

/* Memory maps, WAL hooks and checkpoints are SQLite's: nothing to do. */
static int pg_set_mmap(Db *db, unsigned mb, Err *err)
{
	(void)db;
	(void)mb;
	(void)err;
	return KITH_OK;
}

static void pg_on_commit(Db *db, int on)
{
	(void)db;
	(void)on;
}

static int pg_checkpoint(Db *db, int truncate, int *frames, int *copied, Err *err)
{
	(void)db;
	(void)truncate;
	(void)err;
	if (frames)
		*frames = 0;
	if (copied)
		*copied = 0;
	return KITH_OK;
}

static int pg_bulk_mode(Db *db, Err *err)
{
	(void)db;
	(void)err;
	return KITH_OK;
}

/* Constraints the server has not validated (added NOT VALID, or disabled
 * by hand) are the PostgreSQL counterpart of a foreign key check. */
static int pg_check(Db *db, Err *err)
{
	static const char sql[] = "SELECT conrelid::regclass::text, conname FROM pg_constraint "
				  "WHERE NOT convalidated AND connamespace = "
				  "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = err_set(err, ERR_STORAGE, NULL, "constraint %s of table %s is not validated",
			     db_col_text(st, 1), db_col_text(st, 0));
	else if (rc == DB_DONE)
		rc = KITH_OK;
	db_reset(st);
	return rc;
}

/* pg_dump (custom format) of this connection's database, with its
 * connection options, into path (pg_tool.h). */
static int pg_backup(Db *db, const char *path, Err *err)
{
	PQconninfoOption *opts = PQconninfo(PC(db)->c);
	if (!opts)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	int rc = pg_tool_dump(opts, path, PC(db)->target, err);
	PQconninfoFree(opts);
	return rc;
}

/* The full-text index: a table of kith's terms (search_pg.h). */
static const DbFragment fragments[] = {
    {"for-update", "FOR UPDATE"},
    {"search-join-contact", "JOIN contact_fts s ON s.id = c.id"},
    {"search-match-contact", "s.terms @@ CAST(? AS tsquery)"},
    {"search-join-company", "JOIN company_fts s ON s.id = c.id"},
    {"search-match-company", "s.terms @@ CAST(? AS tsquery)"},
    {"search-rowid", "s.id"},
    {NULL, NULL},
};

const DbBackend db_pg = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .clear = pg_clear,
    .busy = pg_busy,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_is_null = pg_col_is_null,
    .col_count = pg_col_count,
    .changes = pg_changes,
    .exec_script = pg_exec_script,
    .sql_begin_write = "BEGIN ISOLATION LEVEL READ COMMITTED",
    .sql_begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ",
    .sql_commit = sql_commit,
    .rollback = pg_rollback,
    .sql_lock_key = "SELECT pg_advisory_xact_lock(hashtext(CAST(? AS TEXT)), "
		    "hashtext(CAST(? AS TEXT)))",
    /* the identity column's sequence; nextval never waits for another
     * transaction and never hands a value out twice */
    .sql_next_id = "SELECT nextval(pg_get_serial_sequence(CAST(? AS TEXT), 'id'))",
    .fragments = fragments,
    .data_version = pg_data_version,
    .set_mmap = pg_set_mmap,
    .on_commit = pg_on_commit,
    .checkpoint = pg_checkpoint,
    .bulk_mode = pg_bulk_mode,
    .check = pg_check,
    .backup = pg_backup,
};
