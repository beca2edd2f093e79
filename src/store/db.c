/* db.c - db.h over a backend (db_backend.h): what every backend shares,
 * the statement cache, transaction nesting and deferred index writes; the
 * rest is handed to the backend the target chose at db_open. */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store/db_backend.h"

int db_target_is_pg(const char *target)
{
	if (strncmp(target, "postgres://", 11) == 0 || strncmp(target, "postgresql://", 13) == 0)
		return 1;
	/* libpq's key=value form: a word, '=' (no path separator before it) */
	const char *eq = strchr(target, '=');
	return eq && eq > target && !memchr(target, '/', (size_t)(eq - target)) &&
	       !memchr(target, ' ', (size_t)(eq - target));
}

int db_target_is_file(const char *target)
{
	return target && *target && !db_target_is_pg(target);
}

/* The password of a URL is between "scheme://user:" and "@", or the
 * value of its password= query parameter (up to '&'); of the key=value
 * form, the value of password= (up to a space, or quoted). */
void db_target_redact(const char *target, char *out, size_t n)
{
	Buf b;
	buf_init(&b, 0);
	const char *scheme = strstr(target, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
	const char *p = target;
	if (colon) {
		buf_add(&b, target, (size_t)(colon - target));
		buf_adds(&b, ":***");
		p = at;
	}
	const char *query = scheme ? strchr(p, '?') : NULL;
	const char *kv = scheme ? (query ? strstr(query, "password=") : NULL)
				: db_target_is_pg(target) ? strstr(p, "password") : NULL;
	char before = kv && kv > target ? kv[-1] : ' ';
	const char *value = kv ? kv + 8 : NULL;
	while (value && !scheme && (*value == ' ' || *value == '\t'))
		value++; /* key = value: spaces around '=' are allowed */
	if (value && *value == '=' &&
	    (scheme ? before == '?' || before == '&' : before == ' ' || before == '\t')) {
		const char *end = value + 1;
		while (!scheme && (*end == ' ' || *end == '\t'))
			end++;
		if (!scheme && *end == '\'') /* a quoted value: up to the closing quote */
			for (end++; *end && *end != '\''; end += *end == '\\' && end[1] ? 2 : 1)
				;
		while (*end && *end != (scheme ? '&' : ' '))
			end++;
		buf_add(&b, p, (size_t)(kv - p));
		buf_adds(&b, "password=***");
		p = end;
	}
	buf_adds(&b, p);
	snprintf(out, n, "%s", buf_failed(&b) ? "(database)" : buf_str(&b));
	buf_free(&b);
}

int db_open(Db **out, const char *target, int create, Err *err)
{
	*out = NULL;
	if (!target || !*target)
		return err_set(err, ERR_INVALID, "db", "no database given (use --db or KITH_DB)");
	Db *db = calloc(1, sizeof *db);
	if (!db)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	db->be = db_target_is_pg(target) ? &db_pg : &db_sqlite;
	int rc = db->be->open(db, target, create, err);
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
		db->be->finalize(db, db->cache[i].h);
	db->be->close(db);
	free(db);
}

/* sql with each marker (an SQL comment holding "kith:NAME") replaced by
 * the backend's text (db_backend.h), into out. */
static int expand(const DbBackend *be, const char *sql, Buf *out, Err *err)
{
	static const char open[] = "/*kith:";
	const char *p = sql, *m;
	while ((m = strstr(p, open))) {
		const char *name = m + sizeof open - 1, *end = strstr(name, "*/");
		const DbFragment *f = be->fragments;
		while (end && f->name &&
		       (strlen(f->name) != (size_t)(end - name) ||
			memcmp(f->name, name, (size_t)(end - name)) != 0))
			f++;
		if (!end || !f->name)
			return err_set(err, ERR_INTERNAL, NULL, "no %s text for the SQL marker %.40s",
				       be->name, m);
		buf_add(out, p, (size_t)(m - p));
		buf_adds(out, f->text);
		p = end + 2;
	}
	buf_adds(out, p);
	return buf_failed(out) ? err_set(err, ERR_INTERNAL, NULL, "out of memory") : KITH_OK;
}

int db_prepare(Db *db, DbStmt **out, const char *sql, Err *err)
{
	for (unsigned i = 0; i < db->n_cache; i++) {
		if (db->cache[i].sql == sql) {
			db->be->clear(&db->cache[i]);
			*out = &db->cache[i];
			db->cache[i].running = 0;
			return KITH_OK;
		}
	}
	void *h = NULL;
	int rc;
	if (strstr(sql, "/*kith:")) {
		Buf text;
		buf_init(&text, 0);
		if ((rc = expand(db->be, sql, &text, err)) == KITH_OK)
			rc = db->be->prepare(db, buf_str(&text), &h, err);
		buf_free(&text);
	} else {
		rc = db->be->prepare(db, sql, &h, err);
	}
	if (rc)
		return rc;
	unsigned slot;
	if (db->n_cache < KITH_STMT_CACHE) {
		slot = db->n_cache++;
	} else {
		/* Evict round-robin, never a statement a caller is still stepping. */
		unsigned tries = 0;
		do
			slot = db->next_evict++ % KITH_STMT_CACHE;
		while (db->be->busy(&db->cache[slot]) && ++tries < KITH_STMT_CACHE);
		if (tries == KITH_STMT_CACHE) {
			db->be->finalize(db, h);
			return err_set(err, ERR_INTERNAL, NULL, "every cached statement is in use");
		}
		db->be->finalize(db, db->cache[slot].h);
	}
	db->cache[slot] = (DbStmt){.sql = sql, .h = h, .db = db};
	*out = &db->cache[slot];
	return KITH_OK;
}

uint64_t db_exec_count(const Db *db)
{
	return db->execs;
}

void db_bind_int(DbStmt *st, int i, int64_t v)
{
	st->db->be->bind_int(st, i, v);
}

void db_bind_text(DbStmt *st, int i, const char *s)
{
	if (s)
		st->db->be->bind_text(st, i, s);
	else
		st->db->be->bind_null(st, i);
}

void db_bind_text_or_null(DbStmt *st, int i, const char *s)
{
	db_bind_text(st, i, s && *s ? s : NULL);
}

void db_bind_ids(DbStmt *st, int i, const int64_t *ids, size_t n)
{
	/* a JSON array for SQLite's json_each, an array literal for PostgreSQL */
	int pg = st->db->be == &db_pg;
	Buf b;
	buf_init(&b, 0);
	buf_addc(&b, pg ? '{' : '[');
	for (size_t k = 0; k < n; k++)
		buf_addf(&b, k ? ",%lld" : "%lld", (long long)ids[k]);
	buf_addc(&b, pg ? '}' : ']');
	db_bind_text(st, i, buf_failed(&b) ? (pg ? "{}" : "[]") : buf_str(&b));
	buf_free(&b);
}

void db_bind_null(DbStmt *st, int i)
{
	st->db->be->bind_null(st, i);
}

/* 1 when sql (a caller's literal) is a plain SELECT, which writes
 * nothing. */
static int is_select(const char *sql)
{
	if (!sql) /* built at run time (store/copy.c): may write */
		return 0;
	while (*sql == ' ' || *sql == '\t' || *sql == '\n')
		sql++;
	return strncasecmp(sql, "SELECT", 6) == 0;
}

int db_step(DbStmt *st, Err *err)
{
	Db *db = st->db;
	if (!st->running) {
		st->running = 1;
		db->execs++;
	}
	int rc = db->be->step(st, err);
	/* a write outside a transaction commits at once (db_retry) */
	if (db->depth == 0 && (rc == DB_ROW || rc == DB_DONE) && st->sql != db->be->sql_commit &&
	    !is_select(st->sql))
		db->writes++;
	return rc;
}

int db_exec_stmt(DbStmt *st, Err *err)
{
	int rc = db_step(st, err);
	db_reset(st);
	return rc == DB_DONE || rc == DB_ROW ? KITH_OK : rc;
}

void db_reset(DbStmt *st)
{
	st->running = 0;
	st->db->be->reset(st);
}

int64_t db_col_int(DbStmt *st, int i)
{
	return st->db->be->col_int(st, i);
}

const char *db_col_text(DbStmt *st, int i)
{
	return st->db->be->col_text(st, i);
}

int db_col_is_null(DbStmt *st, int i)
{
	return st->db->be->col_is_null(st, i);
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
	return st->db->be->col_count(st);
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
	return db->be->changes(db);
}

int db_exec_script(Db *db, const char *sql, Err *err)
{
	return db->be->exec_script(db, sql, err);
}

static void rollback_now(Db *db)
{
	for (unsigned i = 0; i < db->n_cache; i++)
		db->be->reset(&db->cache[i]);
	db->be->rollback(db);
}

/* Run a cached parameterless statement (transaction control). */
static int run_cached(Db *db, const char *sql, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	return rc ? rc : db_exec_stmt(st, err);
}

static int begin(Db *db, const char *sql, Err *err)
{
	if (db->depth++ > 0)
		return KITH_OK;
	db->doomed = 0;
	db->writing = sql == db->be->sql_begin_write;
	int rc = run_cached(db, sql, err);
	if (rc)
		db->depth = 0;
	return rc;
}

int db_begin(Db *db, Err *err)
{
	return begin(db, db->be->sql_begin_write, err);
}

int db_begin_read(Db *db, Err *err)
{
	return begin(db, db->be->sql_begin_read, err);
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

int db_defer_flush(Db *db, Err *err)
{
	return flush_deferred(db, err);
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
		rc = run_cached(db, db->be->sql_commit, err);
	if (rc)
		rollback_now(db);
	else if (db->writing)
		db->writes++;
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
	rollback_now(db);
}

int db_end(Db *db, int rc, Err *err)
{
	if (rc == KITH_OK)
		return db_commit(db, err);
	db_rollback(db);
	return rc;
}

int db_lock_key(Db *db, const char *ns, const char *key, Err *err)
{
	DbStmt *st;
	if (db->depth == 0)
		return err_set(err, ERR_INTERNAL, NULL, "lock outside a transaction");
	if (!db->be->sql_lock_key)
		return KITH_OK;
	int rc = db_prepare(db, &st, db->be->sql_lock_key, err);
	if (rc)
		return rc;
	db_bind_text(st, 1, ns);
	db_bind_text(st, 2, key);
	return db_exec_stmt(st, err);
}

int db_next_id(Db *db, const char *table, const char *max_sql, int64_t *id, Err *err)
{
	const char *seq = db->be->sql_next_id;
	DbStmt *st;
	*id = 0;
	if (db->depth == 0)
		return err_set(err, ERR_INTERNAL, NULL, "a new %s id outside a transaction", table);
	int rc = db_prepare(db, &st, seq ? seq : max_sql, err);
	if (rc)
		return rc;
	if (seq)
		db_bind_text(st, 1, table);
	rc = db_step(st, err);
	int null = rc != DB_ROW || db_col_is_null(st, 0);
	int64_t v = null ? 0 : db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	if (null || v < 0 || (seq && v == 0))
		return err_set(err, ERR_STORAGE, NULL, "table %s hands out no ids", table);
	if (!seq && v == INT64_MAX)
		return err_set(err, ERR_STORAGE, NULL, "the ids of table %s are used up", table);
	*id = seq ? v : v + 1;
	return KITH_OK;
}

/* A pause before running work again: 5 to 25 ms times the attempt, the
 * clock's nanoseconds as the random part (two connections that deadlocked
 * should not meet again at once). */
static void retry_pause(int attempt)
{
	struct timespec now, pause;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (5 + now.tv_nsec % 21) * attempt;
	pause.tv_sec = 0;
	pause.tv_nsec = ms * 1000000L;
	nanosleep(&pause, NULL);
}

int db_retry(Db *db, int (*fn)(Db *db, void *arg, Err *err), void *arg, Err *err)
{
	for (int attempt = 1;; attempt++) {
		uint64_t mark = db->writes;
		db->transient = 0;
		int rc = fn(db, arg, err);
		if (rc != ERR_BUSY || !db->transient || db->depth != 0 || db->writes != mark ||
		    attempt > KITH_BUSY_RETRIES)
			return rc;
		retry_pause(attempt);
	}
}

int db_data_version(Db *db, uint32_t *version, Err *err)
{
	*version = 0;
	if (db->depth == 0)
		return err_set(err, ERR_INTERNAL, NULL, "data version outside a transaction");
	return db->be->data_version(db, version, err);
}

int db_set_mmap(Db *db, unsigned mb, Err *err)
{
	return db->be->set_mmap(db, mb, err);
}

void db_on_commit(Db *db, void (*fn)(void *arg, int frames), void *arg)
{
	db->on_commit = fn;
	db->on_commit_arg = arg;
	db->be->on_commit(db, fn != NULL);
}

int db_checkpoint(Db *db, int truncate, int *frames, int *copied, Err *err)
{
	return db->be->checkpoint(db, truncate, frames, copied, err);
}

int db_bulk_mode(Db *db, Err *err)
{
	return db->be->bulk_mode(db, err);
}

int db_check(Db *db, DbCheckFn fn, void *arg, Err *err)
{
	return db->be->check(db, fn, arg, err);
}

int db_backup(Db *db, const char *path, Err *err)
{
	return db->be->backup(db, path, err);
}

const char *db_backend(const Db *db)
{
	return db->be->name;
}
