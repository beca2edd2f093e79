/* copy.c - copy.h: a whole kith database into another, table by table,
 * over db.h on both backends.
 *
 * Statements about one table are built at run time from names the
 * catalog gave (checked to be plain lower-case names, and quoted), never
 * from user input; they are prepared outside the connection's statement
 * cache, which keys on a literal's address. The SQL verbs of those
 * fragments stand alone ("INSERT", then " INTO ...") so the census
 * (scripts/sql-census) does not take a fragment for a statement; the
 * copy's tests run every built statement on both backends. */
#include "store/copy.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "store/db_backend.h"
#include "store/migrate.h"
#include "store/search.h"

enum { COL_INT = 1, COL_TEXT = 2 };
enum { NAME_LEN = 64, MAX_PK = 8, DIGEST_LEN = crypto_generichash_BYTES };

typedef struct Col {
	char name[NAME_LEN]; /* column name */
	int kind;	     /* COL_INT (integers, booleans as 0/1) or COL_TEXT */
	int pk;		     /* position in the primary key from 1, 0 = not in it */
	int counter;	     /* an identity (PostgreSQL) or AUTOINCREMENT (SQLite) id */
} Col;

typedef struct Table {
	char name[NAME_LEN];	/* table name */
	Col *cols;		/* in the catalog's order */
	int n_cols;		/* entries of cols */
	int pk[MAX_PK];		/* indexes into cols, in key order */
	int n_pk;		/* entries of pk */
	char (*refs)[NAME_LEN]; /* tables its foreign keys reference */
	int n_refs;		/* entries of refs */
	int placed;		/* put in copy order already */
	int seeded;		/* the target holds its migration's rows: delete them first */
	int64_t rows, rows_to;	/* rows read from the source, and back from the target */
	int64_t counter;	/* the source's id counter (0 = none or unused) */
	int64_t max_id;		/* the largest id copied */
	unsigned char sum[DIGEST_LEN], sum_to[DIGEST_LEN]; /* digests of the rows, both sides */
} Table;

typedef struct Schema {
	Table *t; /* tables in copy order once ordered */
	int n;	  /* entries of t */
} Schema;

/* One value read from a row, as both backends give it the same. */
typedef struct Val {
	int null;      /* SQL NULL */
	int64_t i;     /* COL_INT */
	const char *s; /* COL_TEXT: valid until the next step */
	size_t len;    /* its bytes */
} Val;

static int is_pg(Db *db)
{
	return strcmp(db_backend(db), "postgres") == 0;
}

/* The catalog's statements, by backend. */
/* census: sqlite */
static const char lite_tables[] = "SELECT name FROM pragma_table_list "
				  "WHERE schema = 'main' AND type = 'table' "
				  "AND name NOT LIKE 'sqlite%' ORDER BY name";
/* census: sqlite */
static const char lite_cols[] = "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid";
/* census: sqlite */
static const char lite_autoinc[] = "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' "
				   "AND name = ? AND sql LIKE '%AUTOINCREMENT%'";
/* census: sqlite */
static const char lite_refs[] = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)";
/* census: sqlite */
static const char lite_counter[] = "SELECT seq FROM sqlite_sequence WHERE name = ?";
/* census: sqlite */
static const char lite_counter_set[] = "UPDATE sqlite_sequence SET seq = ? WHERE name = ?";
/* census: sqlite */
static const char lite_counter_add[] = "INSERT INTO sqlite_sequence (seq, name) VALUES (?, ?)";
/* census: postgres */
static const char pg_tables[] = "SELECT c.relname FROM pg_catalog.pg_class c "
				"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
				"WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
				"ORDER BY c.relname";
/* Name, type, position in the primary key, whether an identity. */
/* census: postgres */
static const char pg_cols[] =
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
    "COALESCE((SELECT k.n FROM pg_catalog.pg_index i, "
    "unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
    "WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.attnum = a.attnum), 0), "
    "CASE WHEN a.attidentity <> '' THEN 1 ELSE 0 END "
    "FROM pg_catalog.pg_attribute a WHERE a.attrelid = CAST(? AS regclass) "
    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
/* census: postgres */
static const char pg_refs[] = "SELECT DISTINCT r.relname FROM pg_catalog.pg_constraint c "
			      "JOIN pg_catalog.pg_class r ON r.oid = c.confrelid "
			      "WHERE c.contype = 'f' AND c.conrelid = CAST(? AS regclass)";
/* The identity sequence's last value (0 before its first use). */
/* census: postgres */
static const char pg_counter[] =
    "SELECT COALESCE((SELECT s.last_value FROM pg_catalog.pg_sequences s "
    "WHERE quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) = "
    "pg_get_serial_sequence(?, ?)), 0)";
/* The largest id the audit log names for a table's records: ids handed
 * out by db_next_id (contacts, companies) are never reused after a purge,
 * so a counter moves past these too (018_id_sequences). */
static const char audit_max[] =
    "SELECT COALESCE(MAX(record_id), 0) FROM audit_log WHERE entity = ?";
/* census: postgres */
static const char pg_counter_set[] = "SELECT setval(pg_get_serial_sequence(?, ?), ?, ?)";

/* 1 when s is a plain lower-case SQL name: the only names the copy puts
 * into a statement. */
static int plain_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= NAME_LEN || !((*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* Give an error from db_open or migrate the option of the side it is
 * about: field "db" (or none) becomes opt without its dashes, and "--db"
 * in the message becomes opt. */
static int name_side(int rc, Err *err, const char *opt)
{
	if (rc == KITH_OK || !err || (err->field[0] && strcmp(err->field, "db") != 0))
		return rc;
	snprintf(err->field, sizeof err->field, "%s", opt + 2);
	char msg[sizeof err->msg];
	size_t k = 0;
	for (const char *p = err->msg; *p && k + 1 < sizeof msg;) {
		if (strncmp(p, "--db", 4) == 0 && !(p[4] >= 'a' && p[4] <= 'z')) {
			k += (size_t)snprintf(msg + k, sizeof msg - k, "%s", opt);
			p += 4;
		} else {
			msg[k++] = *p++;
		}
	}
	msg[k < sizeof msg ? k : sizeof msg - 1] = '\0';
	snprintf(err->msg, sizeof err->msg, "%s", msg);
	return rc;
}

/* A statement built from catalog names, prepared outside the cache;
 * release with dyn_free. */
static int dyn_prepare(Db *db, const Buf *sql, DbStmt **out, Err *err)
{
	*out = NULL;
	if (buf_failed(sql))
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	DbStmt *st = calloc(1, sizeof *st);
	if (!st)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	int rc = db->be->prepare(db, buf_str(sql), &st->h, err);
	if (rc) {
		free(st);
		return rc;
	}
	st->db = db;
	*out = st;
	return KITH_OK;
}

static void dyn_free(DbStmt *st)
{
	if (!st)
		return;
	st->db->be->reset(st);
	st->db->be->finalize(st->db, st->h);
	free(st);
}

static void add_name(Buf *b, const char *name)
{
	buf_addf(b, "\"%s\"", name);
}

/* Run a cached statement with text parameters a and b (b may be NULL),
 * stepping each row into fn; DB_DONE becomes KITH_OK. */
static int each_row(Db *db, const char *sql, const char *a, const char *b,
		    int (*fn)(void *arg, DbStmt *st, Err *err), void *arg, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	if (a)
		db_bind_text(st, 1, a);
	if (b)
		db_bind_text(st, 2, b);
	while ((rc = db_step(st, err)) == DB_ROW)
		if ((rc = fn(arg, st, err)))
			break;
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
}

static int first_int(void *arg, DbStmt *st, Err *err)
{
	(void)err;
	*(int64_t *)arg = db_col_int(st, 0);
	return KITH_OK;
}

static int count_row(void *arg, DbStmt *st, Err *err)
{
	(void)st;
	(void)err;
	(*(int64_t *)arg)++;
	return KITH_OK;
}

/* The tables of db to copy: every base table but schema_migration (the
 * target's own migrations write it) and the search indexes. */
static int skip_table(const char *name)
{
	if (strcmp(name, "schema_migration") == 0)
		return 1;
	for (int k = 0; search_kinds[k]; k++)
		if (strcmp(name, search_table(search_kinds[k])) == 0)
			return 1;
	return 0;
}

static int add_table(void *arg, DbStmt *st, Err *err)
{
	Schema *s = arg;
	const char *name = db_col_text(st, 0);
	if (skip_table(name))
		return KITH_OK;
	if (!plain_name(name))
		return err_set(err, ERR_STORAGE, NULL,
			       "table \"%.60s\" has a name kith does not use", name);
	Table *t = realloc(s->t, (size_t)(s->n + 1) * sizeof *t);
	if (!t)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	s->t = t;
	t = &s->t[s->n++];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	return KITH_OK;
}

/* The kind of a column from its declared (SQLite) or formatted
 * (PostgreSQL) type; 0 for a type the copy does not know how to keep
 * exactly (none in kith's schema: a migration that adds one must teach
 * the copy first). */
static int col_kind(const char *type)
{
	char up[64];
	size_t n = 0;
	for (; type[n] && n + 1 < sizeof up; n++)
		up[n] = (char)(type[n] >= 'a' && type[n] <= 'z' ? type[n] - 32 : type[n]);
	up[n] = '\0';
	if (strstr(up, "INT") || strcmp(up, "BOOLEAN") == 0 || strcmp(up, "BOOL") == 0)
		return COL_INT;
	if (strstr(up, "TEXT") || strstr(up, "CHAR") || strstr(up, "CLOB"))
		return COL_TEXT;
	return 0;
}

typedef struct ColsArg {
	Table *t;
	int pg;
} ColsArg;

static int add_col(void *arg, DbStmt *st, Err *err)
{
	ColsArg *a = arg;
	Table *t = a->t;
	const char *name = db_col_text(st, 0), *type = db_col_text(st, 1);
	if (!plain_name(name))
		return err_set(err, ERR_STORAGE, NULL,
			       "column \"%.60s\" of table %s has a name kith does not use", name,
			       t->name);
	int kind = col_kind(type ? type : "");
	if (!kind)
		return err_set(err, ERR_STORAGE, NULL,
			       "column %s.%s has the type \"%.40s\", which the copy cannot keep "
			       "exactly",
			       t->name, name, type ? type : "");
	Col *c = realloc(t->cols, (size_t)(t->n_cols + 1) * sizeof *c);
	if (!c)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	t->cols = c;
	c = &t->cols[t->n_cols];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->kind = kind;
	c->pk = (int)db_col_int(st, 2);
	c->counter = a->pg && db_col_int(st, 3);
	if (c->pk > MAX_PK)
		return err_set(err, ERR_STORAGE, NULL, "table %s has too long a primary key",
			       t->name);
	if (c->pk)
		t->pk[c->pk - 1] = t->n_cols;
	t->n_pk = c->pk > t->n_pk ? c->pk : t->n_pk;
	t->n_cols++;
	return KITH_OK;
}

static int add_ref(void *arg, DbStmt *st, Err *err)
{
	Table *t = arg;
	const char *name = db_col_text(st, 0);
	if (strcmp(name, t->name) == 0) /* rows go in key order: earlier ids first */
		return KITH_OK;
	char(*r)[NAME_LEN] = realloc(t->refs, (size_t)(t->n_refs + 1) * sizeof *r);
	if (!r)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	t->refs = r;
	snprintf(t->refs[t->n_refs++], NAME_LEN, "%s", name);
	return KITH_OK;
}

/* The columns, key, references and id counter of table t on db. */
static int read_table(Db *db, Table *t, Err *err)
{
	int pg = is_pg(db);
	ColsArg a = {t, pg};
	int rc = each_row(db, pg ? pg_cols : lite_cols, t->name, NULL, add_col, &a, err);
	if (rc == KITH_OK)
		rc = each_row(db, pg ? pg_refs : lite_refs, t->name, NULL, add_ref, t, err);
	if (rc)
		return rc;
	if (t->n_cols == 0 || t->n_pk == 0)
		return err_set(err, ERR_STORAGE, NULL, "table %s has no primary key to copy it by",
			       t->name);
	for (int k = 0; k < t->n_pk; k++)
		if (t->cols[t->pk[k]].pk != k + 1)
			return err_set(err, ERR_STORAGE, NULL, "table %s: unreadable primary key",
				       t->name);
	int64_t autoinc = 0;
	if (!pg && t->n_pk == 1 && t->cols[t->pk[0]].kind == COL_INT &&
	    (rc = each_row(db, lite_autoinc, t->name, NULL, first_int, &autoinc, err)))
		return rc;
	if (autoinc)
		t->cols[t->pk[0]].counter = 1;
	for (int c = 0; c < t->n_cols; c++) {
		if (!t->cols[c].counter)
			continue;
		rc = pg ? each_row(db, pg_counter, t->name, t->cols[c].name, first_int, &t->counter,
				   err)
			: each_row(db, lite_counter, t->name, NULL, first_int, &t->counter, err);
		break;
	}
	int64_t audited = 0;
	if (rc == KITH_OK && t->n_pk == 1 && t->cols[t->pk[0]].kind == COL_INT &&
	    strcmp(t->name, "audit_log") != 0 &&
	    (rc = each_row(db, audit_max, t->name, NULL, first_int, &audited, err)) == KITH_OK &&
	    audited > t->counter)
		t->counter = audited;
	return rc;
}

static void schema_free(Schema *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->t[i].cols);
		free(s->t[i].refs);
	}
	free(s->t);
	s->t = NULL;
	s->n = 0;
}

static Table *find_table(Schema *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->t[i].name, name) == 0)
			return &s->t[i];
	return NULL;
}

/* Put s's tables in dependency order: each after those it references
 * (references to tables the copy skips do not count). */
static int order_tables(Schema *s, Err *err)
{
	Table *sorted = malloc((size_t)(s->n ? s->n : 1) * sizeof *sorted);
	if (!sorted)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	for (int n = 0; n < s->n;) {
		int moved = 0;
		for (int i = 0; i < s->n; i++) {
			Table *t = &s->t[i];
			int ready = !t->placed;
			for (int r = 0; ready && r < t->n_refs; r++) {
				Table *dep = find_table(s, t->refs[r]);
				ready = !dep || dep->placed;
			}
			if (ready) {
				t->placed = 1;
				sorted[n++] = *t;
				moved = 1;
			}
		}
		if (!moved) {
			free(sorted);
			return err_set(err, ERR_STORAGE, NULL,
				       "the tables' foreign keys form a cycle; the copy cannot "
				       "order them");
		}
	}
	free(s->t);
	s->t = sorted;
	return KITH_OK;
}

/* The tables of db with their columns, in copy order. */
static int read_schema(Db *db, Schema *s, Err *err)
{
	int rc = each_row(db, is_pg(db) ? pg_tables : lite_tables, NULL, NULL, add_table, s, err);
	for (int i = 0; rc == KITH_OK && i < s->n; i++)
		rc = read_table(db, &s->t[i], err);
	return rc ? rc : order_tables(s, err);
}

/* The source must have the target's tables and columns, of the same
 * kinds, and nothing the target lacks (which would be lost). */
static int same_schema(const Schema *from, Schema *to, Err *err)
{
	for (int i = 0; i < from->n; i++) {
		const Table *f = &from->t[i];
		Table *t = find_table(to, f->name);
		if (!t)
			return err_set(err, ERR_STORAGE, "to",
				       "the database named by --to has no table %s", f->name);
		if (t->n_cols != f->n_cols)
			return err_set(err, ERR_STORAGE, "to",
				       "table %s has %d columns in --from and %d in --to", f->name,
				       f->n_cols, t->n_cols);
		for (int c = 0; c < t->n_cols; c++) {
			int found = 0;
			for (int k = 0; k < f->n_cols && !found; k++)
				found = strcmp(f->cols[k].name, t->cols[c].name) == 0 &&
					f->cols[k].kind == t->cols[c].kind;
			if (!found)
				return err_set(err, ERR_STORAGE, "to",
					       "column %s.%s differs between --from and --to",
					       t->name, t->cols[c].name);
		}
		t->counter = f->counter;
	}
	if (to->n != from->n)
		return err_set(err, ERR_STORAGE, "from",
			       "the database named by --from has %d tables, "
			       "--to has %d",
			       from->n, to->n);
	return KITH_OK;
}

/* Column i of the current row of st as t's column c has it. An integer
 * column holding anything but an integer is refused, never guessed. */
static int read_val(DbStmt *st, int i, const Table *t, int c, Val *v, Err *err)
{
	v->null = db_col_is_null(st, i);
	v->s = v->null ? NULL : db_col_text(st, i);
	v->len = v->s ? strlen(v->s) : 0;
	v->i = 0;
	if (v->null || t->cols[c].kind != COL_INT)
		return KITH_OK;
	if ((v->s[0] == 't' || v->s[0] == 'f') && !v->s[1]) { /* a PostgreSQL boolean */
		v->i = v->s[0] == 't';
		return KITH_OK;
	}
	char *end;
	errno = 0;
	long long n = strtoll(v->s, &end, 10);
	if (errno || end == v->s || *end)
		return err_set(err, ERR_STORAGE, NULL, "%s.%s holds \"%.40s\", not an integer",
			       t->name, t->cols[c].name, v->s);
	v->i = n;
	return KITH_OK;
}

/* Feed one value to the digest, so that the same values give the same
 * bytes on both backends: a tag, then an integer as 8 bytes (little
 * endian) or a text's length as 8 bytes and its bytes. */
static void hash_u64(crypto_generichash_state *h, unsigned char tag, uint64_t u)
{
	unsigned char b[9] = {tag};
	for (int k = 0; k < 8; k++)
		b[1 + k] = (unsigned char)(u >> (8 * k));
	crypto_generichash_update(h, b, sizeof b);
}

static void hash_val(crypto_generichash_state *h, const Val *v, int kind)
{
	if (v->null) {
		crypto_generichash_update(h, (const unsigned char *)"N", 1);
	} else if (kind == COL_INT) {
		hash_u64(h, 'I', (uint64_t)v->i);
	} else {
		hash_u64(h, 'T', (uint64_t)v->len);
		crypto_generichash_update(h, (const unsigned char *)v->s, v->len);
	}
}

/* SELECT the columns of t ORDER BY its key LIMIT KITH_COPY_PAGE, from the first row
 * or (after) from the row after a key given in parameters 1..n_pk. */
static void select_sql(const Table *t, int after, Buf *b)
{
	buf_adds(b, "SELECT");
	buf_adds(b, " ");
	for (int c = 0; c < t->n_cols; c++) {
		buf_adds(b, c ? ", " : "");
		add_name(b, t->cols[c].name);
	}
	buf_adds(b, " FROM ");
	add_name(b, t->name);
	if (after) {
		buf_adds(b, " WHERE (");
		for (int k = 0; k < t->n_pk; k++) {
			buf_adds(b, k ? ", " : "");
			add_name(b, t->cols[t->pk[k]].name);
		}
		buf_adds(b, ") > (");
		for (int k = 0; k < t->n_pk; k++)
			buf_adds(b, k ? ", ?" : "?");
		buf_adds(b, ")");
	}
	buf_adds(b, " ORDER BY ");
	for (int k = 0; k < t->n_pk; k++) {
		buf_adds(b, k ? ", " : "");
		add_name(b, t->cols[t->pk[k]].name);
	}
	/* a constant, not a parameter: PostgreSQL's generic plan for an
	 * unknown LIMIT sorts the whole table instead of walking the key */
	buf_addf(b, " LIMIT %d", KITH_COPY_PAGE);
}

/* Where a keyset read is: the key of the last row read. */
typedef struct Key {
	int64_t i[MAX_PK]; /* integer parts */
	char *s[MAX_PK];   /* text parts (owned) */
} Key;

static int key_save(Key *k, const Table *t, const Val *v, Err *err)
{
	for (int p = 0; p < t->n_pk; p++) {
		const Val *x = &v[t->pk[p]];
		if (t->cols[t->pk[p]].kind == COL_INT) {
			k->i[p] = x->i;
			continue;
		}
		free(k->s[p]);
		if (!(k->s[p] = strdup(x->s ? x->s : "")))
			return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	return KITH_OK;
}

static void key_bind(const Key *k, const Table *t, DbStmt *st)
{
	for (int p = 0; p < t->n_pk; p++) {
		if (t->cols[t->pk[p]].kind == COL_INT)
			db_bind_int(st, p + 1, k->i[p]);
		else
			db_bind_text(st, p + 1, k->s[p]);
	}
}

typedef int (*RowFn)(void *arg, const Val *v, Err *err);

/* Read every row of t on db in key order, KITH_COPY_PAGE rows a
 * statement (PostgreSQL answers a statement whole), into the digest out
 * and, when fn is not NULL, through fn. *rows gets how many. */
static int table_read(Db *db, const Table *t, unsigned char out[DIGEST_LEN], RowFn fn, void *arg,
		      int64_t *rows, Err *err)
{
	Buf sql0, sql1;
	DbStmt *first = NULL, *next = NULL;
	Key key = {0};
	crypto_generichash_state h;
	Val *v = calloc((size_t)t->n_cols, sizeof *v);
	buf_init(&sql0, 0);
	buf_init(&sql1, 0);
	select_sql(t, 0, &sql0);
	select_sql(t, 1, &sql1);
	crypto_generichash_init(&h, NULL, 0, DIGEST_LEN);
	*rows = 0;
	int rc = v ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc == KITH_OK && (rc = dyn_prepare(db, &sql0, &first, err)) == KITH_OK)
		rc = dyn_prepare(db, &sql1, &next, err);
	for (int page = 0; rc == KITH_OK; page++) {
		DbStmt *st = page ? next : first;
		int got = 0;
		if (page)
			key_bind(&key, t, st);
		while (rc == KITH_OK && (rc = db_step(st, err)) == DB_ROW) {
			rc = KITH_OK;
			for (int c = 0; c < t->n_cols && rc == KITH_OK; c++)
				if ((rc = read_val(st, c, t, c, &v[c], err)) == KITH_OK)
					hash_val(&h, &v[c], t->cols[c].kind);
			if (rc == KITH_OK && fn)
				rc = fn(arg, v, err);
			if (rc == KITH_OK)
				rc = key_save(&key, t, v, err);
			got++;
		}
		db_reset(st);
		if (rc == DB_DONE)
			rc = KITH_OK;
		*rows += got;
		if (got < KITH_COPY_PAGE)
			break;
	}
	crypto_generichash_final(&h, out, DIGEST_LEN);
	for (int p = 0; p < MAX_PK; p++)
		free(key.s[p]);
	dyn_free(first);
	dyn_free(next);
	buf_free(&sql0);
	buf_free(&sql1);
	free(v);
	return rc;
}

/* INSERT INTO t (columns) VALUES (?, ...), ... for rows rows. */
static void insert_sql(const Table *t, int rows, Buf *b)
{
	buf_adds(b, "INSERT");
	buf_adds(b, " INTO ");
	add_name(b, t->name);
	buf_adds(b, " (");
	for (int c = 0; c < t->n_cols; c++) {
		buf_adds(b, c ? ", " : "");
		add_name(b, t->cols[c].name);
	}
	buf_adds(b, ") VALUES ");
	for (int r = 0; r < rows; r++) {
		buf_adds(b, r ? ", (" : "(");
		for (int c = 0; c < t->n_cols; c++)
			buf_adds(b, c ? ", ?" : "?");
		buf_adds(b, ")");
	}
}

/* Where the rows of one table go: multi-row INSERTs of per rows, and one
 * of the rows left at the end. */
typedef struct Sink {
	Db *db;			/* the target */
	Table *t;		/* the table */
	const CopyOptions *opt; /* progress */
	DbStmt *full, *tail;	/* statements of per rows and of the last few */
	DbStmt *cur;		/* the one being bound, or NULL */
	int per;		/* rows of full */
	int cur_rows, in_cur;	/* rows of cur, rows bound in it */
	int64_t done;		/* rows written */
} Sink;

static int sink_start(Sink *s, Err *err)
{
	int64_t left = s->t->rows - s->done;
	int rows = left >= s->per ? s->per : (int)left;
	DbStmt **slot = rows == s->per ? &s->full : &s->tail;
	if (left <= 0)
		return err_set(err, ERR_STORAGE, "from", "table %s changed while it was read",
			       s->t->name);
	if (!*slot) {
		Buf sql;
		buf_init(&sql, 0);
		insert_sql(s->t, rows, &sql);
		int rc = dyn_prepare(s->db, &sql, slot, err);
		buf_free(&sql);
		if (rc)
			return rc;
	}
	s->cur = *slot;
	s->cur_rows = rows;
	s->in_cur = 0;
	return KITH_OK;
}

static int sink_row(void *arg, const Val *v, Err *err)
{
	Sink *s = arg;
	const Table *t = s->t;
	int rc = s->cur ? KITH_OK : sink_start(s, err);
	if (rc)
		return rc;
	int base = s->in_cur * t->n_cols;
	for (int c = 0; c < t->n_cols; c++) {
		if (v[c].null)
			db_bind_null(s->cur, base + c + 1);
		else if (t->cols[c].kind == COL_INT)
			db_bind_int(s->cur, base + c + 1, v[c].i);
		else
			db_bind_text(s->cur, base + c + 1, v[c].s);
		if (t->cols[c].counter && !v[c].null && v[c].i > s->t->max_id)
			s->t->max_id = v[c].i;
	}
	if (++s->in_cur < s->cur_rows)
		return KITH_OK;
	rc = db_exec_stmt(s->cur, err);
	if (rc)
		return rc;
	s->done += s->cur_rows;
	s->cur = NULL;
	if (s->opt->progress)
		s->opt->progress(s->opt->arg, t->name, s->done, t->rows);
	return KITH_OK;
}

/* How many rows t holds on db. */
static int count_rows(Db *db, const Table *t, int64_t *n, Err *err)
{
	Buf sql;
	DbStmt *st = NULL;
	buf_init(&sql, 0);
	buf_adds(&sql, "SELECT");
	buf_adds(&sql, " COUNT(*) FROM ");
	add_name(&sql, t->name);
	int rc = dyn_prepare(db, &sql, &st, err);
	if (rc == KITH_OK && (rc = db_step(st, err)) == DB_ROW) {
		*n = db_col_int(st, 0);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_STORAGE, NULL, "no count of table %s", t->name);
	}
	dyn_free(st);
	buf_free(&sql);
	return rc;
}

/* Copy table t's rows from src into dst. */
static int copy_table(Db *src, Db *dst, Table *t, const CopyOptions *opt, Err *err)
{
	Sink s = {.db = dst, .t = t, .opt = opt};
	int per = KITH_COPY_BATCH_PARAMS / t->n_cols;
	s.per = per < 1 ? 1 : per > KITH_COPY_BATCH_ROWS ? KITH_COPY_BATCH_ROWS : per;
	int64_t read = 0;
	int rc = count_rows(src, t, &t->rows, err);
	if (rc == KITH_OK)
		rc = table_read(src, t, t->sum, sink_row, &s, &read, err);
	if (rc == KITH_OK && (s.cur || read != t->rows))
		rc = err_set(err, ERR_STORAGE, "from", "table %s changed while it was read",
			     t->name);
	if (rc == KITH_OK && opt->progress && t->rows == 0)
		opt->progress(opt->arg, t->name, 0, 0);
	dyn_free(s.full);
	dyn_free(s.tail);
	return rc;
}

/* DELETE FROM t: the rows the target's migrations seeded. */
static int clear_table(Db *db, const Table *t, Err *err)
{
	Buf sql;
	DbStmt *st = NULL;
	buf_init(&sql, 0);
	buf_adds(&sql, "DELETE");
	buf_adds(&sql, " FROM ");
	add_name(&sql, t->name);
	int rc = dyn_prepare(db, &sql, &st, err);
	if (rc == KITH_OK)
		rc = db_exec_stmt(st, err);
	dyn_free(st);
	buf_free(&sql);
	return rc;
}

/* Set t's id counter on dst past its largest id and the source's counter:
 * PostgreSQL's identity sequence (setval; an empty table starts at 1), or
 * SQLite's sqlite_sequence row for an AUTOINCREMENT table. */
static int set_counter(Db *dst, const Table *t, Err *err)
{
	DbStmt *st;
	int64_t next = t->max_id > t->counter ? t->max_id : t->counter;
	int rc = KITH_OK;
	for (int c = 0; c < t->n_cols && rc == KITH_OK; c++) {
		if (!t->cols[c].counter)
			continue;
		if (is_pg(dst)) {
			if ((rc = db_prepare(dst, &st, pg_counter_set, err)))
				return rc;
			db_bind_text(st, 1, t->name);
			db_bind_text(st, 2, t->cols[c].name);
			db_bind_int(st, 3, next > 0 ? next : 1);
			db_bind_text(st, 4, next > 0 ? "true" : "false");
			rc = db_exec_stmt(st, err);
		} else if (next > 0) {
			if ((rc = db_prepare(dst, &st, lite_counter_set, err)))
				return rc;
			db_bind_int(st, 1, next);
			db_bind_text(st, 2, t->name);
			if ((rc = db_exec_stmt(st, err)) || db_changes(dst) > 0)
				return rc;
			if ((rc = db_prepare(dst, &st, lite_counter_add, err)))
				return rc;
			db_bind_int(st, 1, next);
			db_bind_text(st, 2, t->name);
			rc = db_exec_stmt(st, err);
		}
	}
	return rc;
}

/* The search index of one kind: documents in id order, a page at a time,
 * into a digest and, when dst is not NULL, into dst's index. */
typedef struct Docs {
	crypto_generichash_state h; /* digest of (id, doc) pairs */
	Db *dst;		    /* where they go, or NULL to only read */
	const char *kind;	    /* the index */
	int64_t last, done, total;  /* last id read, documents read, documents in all */
	const CopyOptions *opt;	    /* progress */
	int64_t *ids;		    /* a page's ids and documents (owned), for dst */
	char **docs;
	size_t n; /* entries used in ids and docs */
} Docs;

static int doc_row(void *arg, int64_t id, const char *doc, Err *err)
{
	Docs *d = arg;
	Val v = {.i = id};
	hash_val(&d->h, &v, COL_INT);
	v = (Val){.s = doc, .len = strlen(doc)};
	hash_val(&d->h, &v, COL_TEXT);
	d->last = id;
	d->done++;
	if (!d->dst)
		return KITH_OK;
	if (d->n == KITH_COPY_PAGE || !(d->docs[d->n] = strdup(doc)))
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	d->ids[d->n++] = id;
	return KITH_OK;
}

/* Write the page of documents read into dst's index (unless rc already
 * says the copy failed), and forget them. */
static int docs_flush(Docs *d, int rc, Err *err)
{
	if (rc == KITH_OK)
		rc = search_put_many(d->dst, d->kind, d->ids, (const char *const *)d->docs, d->n,
				     err);
	for (size_t i = 0; i < d->n; i++)
		free(d->docs[i]);
	d->n = 0;
	return rc;
}

static int docs_read(Db *db, Docs *d, unsigned char out[DIGEST_LEN], Err *err)
{
	int n = 0, rc = KITH_OK;
	crypto_generichash_init(&d->h, NULL, 0, DIGEST_LEN);
	if (d->dst && (!(d->ids = calloc(KITH_COPY_PAGE, sizeof *d->ids)) ||
		       !(d->docs = calloc(KITH_COPY_PAGE, sizeof *d->docs))))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	while (rc == KITH_OK) {
		rc = search_docs(db, d->kind, d->last, KITH_COPY_PAGE, doc_row, d, &n, err);
		if (d->dst && d->n)
			rc = docs_flush(d, rc, err);
		if (rc == KITH_OK && d->dst && d->opt->progress)
			d->opt->progress(d->opt->arg, search_table(d->kind), d->done, d->total);
		if (n < KITH_COPY_PAGE)
			break;
	}
	crypto_generichash_final(&d->h, out, DIGEST_LEN);
	free(d->ids);
	free(d->docs);
	d->ids = NULL;
	d->docs = NULL;
	return rc;
}

/* The report's entry for a table (or a search index: name) */
static int report_add(CopyReport *r, const char *name, int64_t rows, int64_t rows_to,
		      const unsigned char *sum, const unsigned char *sum_to, Err *err)
{
	CopyTable *t = realloc(r->tables, (size_t)(r->n_tables + 1) * sizeof *t);
	if (!t)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	r->tables = t;
	t = &r->tables[r->n_tables++];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->rows = rows;
	t->rows_to = rows_to;
	sodium_bin2hex(t->digest, sizeof t->digest, sum, DIGEST_LEN);
	t->ok = rows == rows_to && sodium_memcmp(sum, sum_to, DIGEST_LEN) == 0;
	r->rows += rows;
	return KITH_OK;
}

/* Copy and verify the search indexes. */
static int copy_search(Db *src, Db *dst, const CopyOptions *opt, CopyReport *r, Err *err)
{
	int rc = KITH_OK;
	for (int k = 0; rc == KITH_OK && search_kinds[k]; k++) {
		unsigned char sum[DIGEST_LEN], sum_to[DIGEST_LEN];
		Docs d = {.dst = dst, .kind = search_kinds[k], .opt = opt};
		if ((rc = search_count(src, d.kind, &d.total, err)) ||
		    (rc = docs_read(src, &d, sum, err)) || (rc = db_defer_flush(dst, err)))
			return rc;
		if (opt->progress && d.total == 0)
			opt->progress(opt->arg, search_table(d.kind), 0, 0);
		Docs back = {.kind = d.kind, .opt = opt};
		if ((rc = docs_read(dst, &back, sum_to, err)) == KITH_OK)
			rc = report_add(r, search_table(d.kind), d.done, back.done, sum, sum_to,
					err);
	}
	return rc;
}

/* A database migrated in memory: what a target's tables hold when only
 * its migrations wrote them. */
static int reference(Db **ref, Err *err)
{
	if (*ref)
		return KITH_OK;
	int rc = db_open(ref, ":memory:", 1, err);
	return rc ? rc : migrate_up(*ref, NULL, err);
}

/* Refuse a target with rows of its own: every table of s on dst must be
 * empty or hold exactly what a fresh migration puts there (then marked
 * seeded: its rows are deleted before the copy). With search, the search
 * indexes must be empty too. ERR_CONFLICT naming "to". */
static int target_empty(Db *dst, Schema *s, Db **ref, int search, Err *err)
{
	int rc = KITH_OK;
	for (int i = 0; rc == KITH_OK && i < s->n; i++) {
		Table *t = &s->t[i];
		int64_t n = 0, n_ref = 0;
		unsigned char sum[DIGEST_LEN], sum_ref[DIGEST_LEN];
		if ((rc = count_rows(dst, t, &n, err)) || n == 0)
			continue;
		if ((rc = reference(ref, err)) ||
		    (rc = table_read(dst, t, sum, NULL, NULL, &n, err)))
			break;
		Err ignored = {0};
		t->seeded = table_read(*ref, t, sum_ref, NULL, NULL, &n_ref, &ignored) == KITH_OK &&
			    n == n_ref && memcmp(sum, sum_ref, DIGEST_LEN) == 0;
		if (!t->seeded)
			rc = err_set(err, ERR_CONFLICT, "to",
				     "the database named by --to is not empty (table %s holds %lld "
				     "row%s); copy into a new SQLite file or an empty PostgreSQL "
				     "database",
				     t->name, (long long)n, n == 1 ? "" : "s");
	}
	for (int k = 0; rc == KITH_OK && search && search_kinds[k]; k++) {
		int64_t n = 0;
		if ((rc = search_count(dst, search_kinds[k], &n, err)) == KITH_OK && n > 0)
			rc = err_set(err, ERR_CONFLICT, "to",
				     "the database named by --to is not empty (its search index "
				     "holds %lld %ss)",
				     (long long)n, search_kinds[k]);
	}
	return rc;
}

/* Open the source: a kith database at this binary's version. */
static int open_source(const char *from, Db **src, Err *err)
{
	char shown[256];
	db_target_redact(from, shown, sizeof shown);
	if (db_target_is_file(from) && access(from, F_OK) != 0)
		return err_set(err, ERR_NOT_FOUND, "from", "no database at %s", shown);
	int rc = name_side(db_open(src, from, 0, err), err, "--from"), version = 0;
	if (rc == KITH_OK)
		rc = name_side(migrate_version(*src, &version, err), err, "--from");
	if (rc == KITH_OK && version == 0)
		return err_set(err, ERR_INVALID, "from", "%s is not a kith database", shown);
	if (rc == KITH_OK && (rc = migrate_require_current(*src, err)))
		snprintf(err->field, sizeof err->field, "from");
	return rc;
}

/* The same database on both sides: the same text, or the same file. */
static int same_target(const char *from, const char *to, Err *err)
{
	struct stat a, b;
	int same = strcmp(from, to) == 0 ||
		   (db_target_is_file(from) && db_target_is_file(to) && stat(from, &a) == 0 &&
		    stat(to, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	return same ? err_set(err, ERR_INVALID, "to",
			      "--to names the same database as --from; copy into another one")
		    : KITH_OK;
}

/* Open the target, creating an SQLite file that is not there (*created),
 * and refuse it when it holds rows of its own. migrate_target brings it to
 * this kith's schema inside the copy's transaction. */
static int open_target(const char *to, Db **dst, int *created, Db **ref, Err *err)
{
	int version = 0, rc;
	*created = db_target_is_file(to) && access(to, F_OK) != 0;
	if ((rc = name_side(db_open(dst, to, 1, err), err, "--to")) ||
	    (rc = name_side(migrate_version(*dst, &version, err), err, "--to")))
		return rc;
	if (version > 0 && version < migrate_latest()) {
		/* an older kith database: check before migrating writes to it */
		Schema old = {0};
		if ((rc = read_schema(*dst, &old, err)) == KITH_OK)
			rc = target_empty(*dst, &old, ref, 0, err);
		schema_free(&old);
	} else if (version == 0 && !is_pg(*dst)) {
		int64_t tables = 0;
		if ((rc = each_row(*dst, lite_tables, NULL, NULL, count_row, &tables, err)) ==
			KITH_OK &&
		    tables > 0)
			rc = err_set(err, ERR_CONFLICT, "to",
				     "the file named by --to holds tables but is not a kith "
				     "database; copy into a new file");
	}
	return rc;
}

/* Migrate the target inside the copy's open transaction (migrate_up's own
 * transactions nest in it), so a copy that fails leaves the target as it
 * was, unmigrated too. On PostgreSQL migrate_up refuses another
 * application's database, another collation or encoding, before it
 * writes anything. */
static int migrate_target(Db *dst, Err *err)
{
	int rc = name_side(migrate_up(dst, NULL, err), err, "--to");
	return rc ? rc : name_side(migrate_require_current(dst, err), err, "--to");
}

/* Copy the tables and the search index inside dst's open transaction,
 * then read everything back and compare. */
static int copy_all(Db *src, Db *dst, Schema *ts, const CopyOptions *opt, CopyReport *r, Err *err)
{
	int rc = KITH_OK;
	for (int i = ts->n - 1; rc == KITH_OK && i >= 0; i--)
		if (ts->t[i].seeded)
			rc = clear_table(dst, &ts->t[i], err);
	for (int i = 0; rc == KITH_OK && i < ts->n; i++)
		rc = copy_table(src, dst, &ts->t[i], opt, err);
	for (int i = 0; rc == KITH_OK && i < ts->n; i++)
		rc = set_counter(dst, &ts->t[i], err);
	if (rc == KITH_OK && opt->before_verify)
		rc = opt->before_verify(opt->arg, dst, err);
	for (int i = 0; rc == KITH_OK && i < ts->n; i++) {
		Table *t = &ts->t[i];
		if ((rc = table_read(dst, t, t->sum_to, NULL, NULL, &t->rows_to, err)) == KITH_OK)
			rc = report_add(r, t->name, t->rows, t->rows_to, t->sum, t->sum_to, err);
	}
	if (rc == KITH_OK)
		rc = copy_search(src, dst, opt, r, err);
	for (int i = 0; rc == KITH_OK && i < r->n_tables; i++)
		if (!r->tables[i].ok)
			rc = err_set(err, ERR_STORAGE, "to",
				     "verification failed: table %s has %lld rows in --from and "
				     "%lld read back from --to, or other content; nothing was "
				     "copied",
				     r->tables[i].name, (long long)r->tables[i].rows,
				     (long long)r->tables[i].rows_to);
	return rc;
}

static void remove_file(const char *path)
{
	char p[4096];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

int copy_run(const char *from, const char *to, const CopyOptions *opt, CopyReport *report, Err *err)
{
	static const CopyOptions none = {0};
	Db *src = NULL, *dst = NULL, *ref = NULL;
	Schema ss = {0}, ts = {0};
	int created = 0, reading = 0, writing = 0;
	memset(report, 0, sizeof *report);
	if (!opt)
		opt = &none;
	if (!from || !*from)
		return err_set(err, ERR_INVALID, "from", "missing: the database to copy");
	if (!to || !*to)
		return err_set(err, ERR_INVALID, "to", "missing: the database to copy into");
	int rc = same_target(from, to, err);
	if (rc == KITH_OK)
		rc = open_source(from, &src, err);
	if (rc == KITH_OK)
		rc = open_target(to, &dst, &created, &ref, err);
	if (rc == KITH_OK)
		rc = db_bulk_mode(dst, err);
	if (rc == KITH_OK && (rc = db_begin(dst, err)) == KITH_OK)
		writing = 1;
	if (rc == KITH_OK)
		rc = migrate_target(dst, err);
	if (rc == KITH_OK && (rc = db_begin_read(src, err)) == KITH_OK)
		reading = 1;
	if (rc == KITH_OK)
		rc = name_side(read_schema(src, &ss, err), err, "--from");
	if (rc == KITH_OK)
		rc = name_side(read_schema(dst, &ts, err), err, "--to");
	if (rc == KITH_OK)
		rc = same_schema(&ss, &ts, err);
	if (rc == KITH_OK)
		rc = target_empty(dst, &ts, &ref, 1, err);
	if (rc == KITH_OK)
		rc = copy_all(src, dst, &ts, opt, report, err);
	if (writing)
		rc = db_end(dst, rc, err);
	if (reading)
		db_rollback(src);
	report->schema = migrate_latest();
	report->created = created;
	schema_free(&ss);
	schema_free(&ts);
	db_close(ref);
	db_close(src);
	db_close(dst);
	if (rc && created)
		remove_file(to);
	return rc;
}

void copy_report_free(CopyReport *report)
{
	free(report->tables);
	report->tables = NULL;
	report->n_tables = 0;
}
