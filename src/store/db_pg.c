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
	const char *begin; /* a BEGIN not sent yet (begin_later), or NULL */
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
	int custom;	       /* planned with its parameters at every run (plan_each_run) */
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

/* The kind of a failed connection c: ERR_UNAVAILABLE when the server could
 * not be reached or is not taking connections now (down, starting, shutting
 * down, a database closed to connections), worth a retry; ERR_STORAGE when
 * it answered and refused us (a wrong or missing password: retrying cannot
 * help, and a server must not tell its clients it might). libpq gives no
 * SQLSTATE for a failed connection; the phrases are its own, in English
 * unless the process runs in another language (then a refusal of our
 * password is still told apart by PQconnectionUsedPassword). */
static int connect_failure_code(PGconn *c)
{
	static const char *const away[] = {"not currently accepting connections",
					   "is starting up", "is shutting down",
					   "in recovery mode", NULL};
	const char *msg = PQerrorMessage(c);
	for (const char *const *p = away; *p; p++)
		if (strstr(msg, *p))
			return ERR_UNAVAILABLE;
	return PQconnectionNeedsPassword(c) || PQconnectionUsedPassword(c) ? ERR_STORAGE
									   : ERR_UNAVAILABLE;
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
	else if (state && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
			   strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0))
		code = ERR_UNAVAILABLE; /* connection exception; server shutting down or starting */
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

/* 1 when c may be part of an SQL identifier or keyword. */
static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Rewrite sql's `?` and `?N` placeholders to $n, into out, numbered as
 * SQLite numbers them: `?N` is N, a bare `?` one more than the largest
 * number given so far (so `?` after `?3` is 4; a store marker's `?` may
 * follow a statement's own `?N`). *nparams gets the highest number.
 * Quoted strings (E'...' with its backslash escapes too), quoted names
 * and comments are copied as they are. */
static void rewrite(const char *sql, Buf *out, int *nparams)
{
	int max = 0;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			/* E'...': a backslash escapes the next character */
			int esc = *p == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				  (p - 1 == sql || !ident_char(p[-2]));
			const char *q = p + 1;
			while (*q && *q != *p)
				q += esc && *q == '\\' && q[1] ? 2 : 1;
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
			if (*p >= '0' && *p <= '9') {
				while (*p >= '0' && *p <= '9' && n < 10000)
					n = n * 10 + (*p++ - '0');
			} else {
				n = max + 1;
			}
			if (n > max)
				max = n;
			buf_addf(out, "$%d", n);
		} else {
			buf_addc(out, *p++);
		}
	}
	*nparams = max;
}

/* Run sql as a simple query, as it is. */
static int exec_now(Db *db, const char *sql, Err *err)
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
		return err_set(err, connect_failure_code(pc->c), "db", "cannot connect to %s: %.*s",
			       pc->target, len, msg);
	}
	PQsetNoticeProcessor(pc->c, quiet, NULL);
	int v = PQserverVersion(pc->c);
	if (v < PG_MIN_VERSION)
		return err_set(err, ERR_STORAGE, "db",
			       "%s runs PostgreSQL %d.%d; kith needs PostgreSQL 15 or later",
			       pc->target, v / 10000, v % 10000);
	return exec_now(db, session_sql, err);
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

/* Whether a statement is planned with its parameters at every run instead
 * of once: a full-text match (@@). What it costs depends on the query's
 * terms: a one-letter prefix matches half the contacts, so walking the ids
 * in order and testing each row stops after a few hundred, while a rare
 * word is a few rows of the GIN index, where that walk reads the whole
 * table (17 ms at 3,000 contacts, seconds at a million). A named
 * statement's plan is made for any parameters after its fifth run (the
 * generic plan), and for these it picked the walk; a statement planned
 * with its terms picks per query from the index statistics. Such a
 * statement is still prepared under its name, so db_prepare finds its
 * errors, but runs as an unnamed statement (PQexecParams). */
static int plan_each_run(const char *sql)
{
	return strstr(sql, "@@") != NULL;
}

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
	ps->custom = plan_each_run(ps->sql);
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
	if (PQpipelineStatus(pc->c) != PQ_PIPELINE_OFF && !PQexitPipelineMode(pc->c))
		return 0;
	PQsetNoticeProcessor(pc->c, quiet, NULL);
	for (unsigned i = 0; i < db->n_cache; i++)
		if (db->cache[i].h)
			PS(&db->cache[i])->prepared = 0;
	pc->dealloc.len = 0;
	return exec_now(db, session_sql, &ignored) == KITH_OK;
}

/* A transaction's BEGIN waits on the connection (pc->begin) until its
 * first statement, and goes to the server with it in one round trip
 * (libpq's pipeline mode): every request of `kith serve` runs in a
 * transaction, and a BEGIN of its own cost each one a round trip. A
 * transaction that runs no statement (a route that reads nothing) sends
 * nothing at all: its COMMIT or ROLLBACK has nothing to end. PostgreSQL
 * takes no lock and no snapshot at BEGIN, so nothing changes but the
 * round trips. */
static int begin_later(DbStmt *st)
{
	const DbBackend *be = st->db->be;
	if (st->sql != be->sql_begin_write && st->sql != be->sql_begin_read)
		return 0;
	PC(st->db)->begin = st->sql;
	return 1;
}

/* Send the statement (its name, or its text when planned at every run). */
static int send_stmt(PGconn *c, const PgStmt *ps)
{
	const char *const *vals = (const char *const *)ps->vals;
	return ps->custom ? PQsendQueryParams(c, ps->sql, ps->nparams, NULL, vals, NULL, NULL, 0)
			  : PQsendQueryPrepared(c, ps->name, ps->nparams, vals, NULL, NULL, 0);
}

/* The pending BEGIN and the statement in one pipeline: the statement's
 * result, or BEGIN's when BEGIN failed (the server then skips the rest);
 * NULL when the connection failed, or when a send failed (*stuck = 1:
 * the connection must be made again). */
static PGresult *exec_after_begin(PgConn *pc, const PgStmt *ps, int *stuck)
{
	PGconn *c = pc->c;
	PGresult *res = NULL, *r;
	if (!PQenterPipelineMode(c))
		return NULL;
	int sent = PQsendQueryParams(c, pc->begin, 0, NULL, NULL, NULL, NULL, 0) &&
		   send_stmt(c, ps) && PQpipelineSync(c);
	/* results: BEGIN's, NULL, the statement's, NULL, the sync */
	for (int i = 0; sent && i < 2; i++) {
		while ((r = PQgetResult(c))) {
			ExecStatusType s = PQresultStatus(r);
			if (!res && (i == 1 || s != PGRES_COMMAND_OK))
				res = r; /* the first failure, else the statement's */
			else
				PQclear(r);
		}
	}
	while (sent && (r = PQgetResult(c))) {
		int sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
		PQclear(r);
		if (sync)
			break;
	}
	if (!PQexitPipelineMode(c) || !sent) {
		/* a send failed on a live connection: results may still be
		 * queued and the connection stuck in pipeline mode; a new
		 * connection is the only clean state (the BEGIN stays pending) */
		PQclear(res);
		if (PQstatus(c) == CONNECTION_OK)
			*stuck = 1;
		return NULL;
	}
	if (res && PQresultStatus(res) == PGRES_PIPELINE_ABORTED) {
		PQclear(res); /* cannot be: a failed BEGIN's result comes first */
		return NULL;
	}
	return res;
}

/* Run the statement once; after a lost connection, where may_reconnect
 * allows (or in the round trip that carries a transaction's BEGIN: nothing
 * of the transaction ran yet), connect again and retry once. */
static PGresult *execute(DbStmt *st)
{
	Db *db = st->db;
	PgConn *pc = PC(db);
	PgStmt *ps = PS(st);
	Err ignored = {0};
	int first = pc->begin != NULL;
	for (int attempt = 0;; attempt++) {
		PGresult *res = NULL;
		int stuck = 0;
		if (ps->prepared || server_prepare(db, ps, &ignored) == KITH_OK) {
			if (pc->begin)
				res = exec_after_begin(pc, ps, &stuck);
			else if (ps->custom)
				res = PQexecParams(pc->c, ps->sql, ps->nparams, NULL,
						   (const char *const *)ps->vals, NULL, NULL, 0);
			else
				res = PQexecPrepared(pc->c, ps->name, ps->nparams,
						     (const char *const *)ps->vals, NULL, NULL, 0);
		}
		if (stuck && !reconnect(db)) {
			pc->begin = NULL;
			return NULL;
		}
		if (PQstatus(pc->c) == CONNECTION_OK || attempt > 0 ||
		    !(first || may_reconnect(db, st->sql))) {
			/* BEGIN reached the server with the statement; when it
			 * did not (a prepare or a send failed), it stays pending,
			 * so a statement after the error still runs inside the
			 * transaction and a rollback has nothing to undo */
			if (res)
				pc->begin = NULL;
			return res;
		}
		PQclear(res);
		if (!reconnect(db)) {
			pc->begin = NULL;
			return NULL;
		}
	}
}

/* Send a BEGIN still waiting now, before SQL that does not go through
 * execute (a script). */
static int begin_now(Db *db, Err *err)
{
	PgConn *pc = PC(db);
	const char *sql = pc->begin;
	pc->begin = NULL;
	return sql ? exec_now(db, sql, err) : KITH_OK;
}

static int pg_exec_script(Db *db, const char *sql, Err *err)
{
	int rc = begin_now(db, err);
	return rc ? rc : exec_now(db, sql, err);
}

static int pg_step(DbStmt *st, Err *err)
{
	PgStmt *ps = PS(st);
	if (ps->res) {
		ps->row++;
		return ps->row < PQntuples(ps->res) ? DB_ROW : DB_DONE;
	}
	if (begin_later(st))
		return DB_DONE;
	/* the end of a transaction that never reached the server */
	if (PC(st->db)->begin && st->sql == sql_commit) {
		PC(st->db)->begin = NULL;
		return DB_DONE;
	}
	PGresult *res = execute(st);
	ExecStatusType s = PQresultStatus(res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		const char *why = PQerrorMessage(PC(st->db)->c); /* libpq's: never the password */
		int rc = PQstatus(PC(st->db)->c) == CONNECTION_OK
			     ? pg_err(st->db, res, err, "query")
			     : err_set(err, connect_failure_code(PC(st->db)->c), "db",
				       "lost the connection to %s: %.*s", PC(st->db)->target,
				       (int)strcspn(why, "\n"), why);
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
	if (PC(db)->begin) { /* nothing reached the server */
		PC(db)->begin = NULL;
		return;
	}
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

/* The constraints of the current schema the server has not validated
 * (added NOT VALID), and the foreign keys whose triggers are disabled
 * (ALTER TABLE ... DISABLE TRIGGER ALL): rows written meanwhile were not
 * checked. */
/* census: postgres */
static const char pg_check_unvalidated[] =
    "SELECT conrelid::regclass::text, conname, 'is not validated' FROM pg_constraint "
    "WHERE NOT convalidated AND connamespace = CAST(current_schema() AS regnamespace) "
    "UNION ALL "
    "SELECT DISTINCT c.conrelid::regclass::text, c.conname, "
    "'is not enforced: its triggers are disabled' FROM pg_trigger t "
    "JOIN pg_constraint c ON c.oid = t.tgconstraint "
    "WHERE t.tgenabled = 'D' AND c.contype = 'f' "
    "AND c.connamespace = CAST(current_schema() AS regnamespace) ORDER BY 1, 2";

/* Each foreign key of the current schema with the statement that finds
 * the rows breaking it (MATCH SIMPLE: a row with a NULL in the key is not
 * checked): the row's id (0 when its table has none) and its key values,
 * at most ?1 (KITH_CHECK_MAX_FINDINGS). The server quotes every name. */
/* census: postgres */
static const char pg_check_fks[] =
    "SELECT con.conrelid::regclass::text, con.conname, con.confrelid::regclass::text, "
    "string_agg(ca.attname, ',' ORDER BY k.n), "
    "format('SELECT %s, concat_ws('','', %s) FROM %s k WHERE %s AND NOT EXISTS "
    "(SELECT 1 FROM %s p WHERE %s) ORDER BY 1 LIMIT %s', "
    "CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid "
    "AND a.attname = 'id' AND NOT a.attisdropped) THEN 'k.id' ELSE '0' END, "
    "string_agg(format('k.%I', ca.attname), ', ' ORDER BY k.n), con.conrelid::regclass, "
    "string_agg(format('k.%I IS NOT NULL', ca.attname), ' AND ' ORDER BY k.n), "
    "con.confrelid::regclass, "
    "string_agg(format('p.%I = k.%I', pa.attname, ca.attname), ' AND ' ORDER BY k.n), "
    "CAST(? AS integer)) "
    "FROM pg_constraint con "
    "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(c, p, n) "
    "JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.c "
    "JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.p "
    "WHERE con.contype = 'f' AND con.connamespace = CAST(current_schema() AS regnamespace) "
    "GROUP BY con.oid, con.conrelid, con.conname, con.confrelid ORDER BY 1, 2";

/* Run one foreign key's finder (sql, made by pg_check_fks) and report its
 * rows: table's key columns cols hold values no row of parent has. */
static int check_fk(Db *db, const char *table, const char *name, const char *parent,
		    const char *cols, const char *sql, DbCheckFn fn, void *arg, Err *err)
{
	PGresult *res = PQexec(PC(db)->c, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = pg_err(db, res, err, "check");
		PQclear(res);
		return rc;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s (%s) = (%s) references no row of %s (foreign key %s)",
			 table, cols, PQgetvalue(res, r, 1), parent, name);
		fn(arg, &(DbFinding){"foreign_key", table, strtoll(PQgetvalue(res, r, 0), NULL, 10),
				     msg});
	}
	PQclear(res);
	return KITH_OK;
}

static int pg_check(Db *db, DbCheckFn fn, void *arg, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, pg_check_unvalidated, err);
	if (rc)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char msg[256];
		snprintf(msg, sizeof msg, "constraint %s of table %s %s", db_col_text(st, 1),
			 db_col_text(st, 0), db_col_text(st, 2));
		fn(arg, &(DbFinding){"constraint", db_col_text(st, 0), 0, msg});
	}
	db_reset(st);
	if (rc != DB_DONE)
		return rc;
	if ((rc = db_prepare(db, &st, pg_check_fks, err)))
		return rc;
	db_bind_int(st, 1, KITH_CHECK_MAX_FINDINGS);
	/* every row is read at the first step: the finders may run meanwhile */
	while ((rc = db_step(st, err)) == DB_ROW)
		if ((rc = check_fk(db, db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
				   db_col_text(st, 3), db_col_text(st, 4), fn, arg, err)))
			break;
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
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
    {"in-ids", "= ANY(CAST(? AS BIGINT[]))"},
    {"for-share", "FOR KEY SHARE"},
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
