/* record_cols.h - one column table per record kind, read twice: once by
 * the preprocessor into the SELECT list (a string literal, so statements
 * stay static text), once by the compiler into an array that
 * record_cols_json() walks to turn the current row into the record's JSON.
 * A column is written once per kind, so the list and the JSON cannot drift
 * (STYLE.md: "a column list is never written twice").
 *
 * Depends on store/db.h and base/ only; the kinds' tables live with the
 * noun that owns the table (crm/company.c, crm/deal.c, ...).
 *
 * A kind lists its columns as an X-macro, in JSON key order, the record's
 * id first:
 *
 *	#define COMPANY_COL_LIST(X)                          \
 *		X(ID, "c.id", "id")                          \
 *		X(TEXT, "c.legal_name", "legal_name")        \
 *		X(TEXT, "c.street", "address.street")        \
 *		X(INT, "c.owner_id", "owner_id")             \
 *		X(ARRAY, NULL, "tags")
 *	#define COMPANY_COLS RECORD_COLS_SELECT(COMPANY_COL_LIST)
 *	const RecordCols company_record_cols = RECORD_COLS(COMPANY_COL_LIST);
 *
 *	static const char sql[] = "SELECT " COMPANY_COLS " FROM company c ...";
 *	json_t *rec = record_cols_json(st, &company_record_cols);
 *
 * X(type, sql, key): type is one of the RECORD_COL_* names without the
 * prefix, sql the expression(s) selected (NULL for a placeholder), key the
 * JSON key; "parent.child" puts the value into the object "parent", which
 * is created where its first child stands (company's address). A MONEY
 * entry selects two columns: X(MONEY, "d.amount_minor, d.currency",
 * "value"). */
#ifndef KITH_CORE_RECORD_COLS_H
#define KITH_CORE_RECORD_COLS_H

#include <jansson.h>

#include "base/buf.h"
#include "store/db.h"

/* How one entry reads the row and what it writes. Every type that reads a
 * column writes null for SQL NULL, except ID. */
typedef enum RecordColType {
	RECORD_COL_ID,	    /* integer, never NULL; the first entry of every kind */
	RECORD_COL_INT,	    /* integer or null */
	RECORD_COL_TEXT,    /* string or null */
	RECORD_COL_BOOL,    /* 0/1 as false/true, or null */
	RECORD_COL_INSTANT, /* UTC ISO 8601 instant as stored ("...Z"), or null */
	RECORD_COL_DATE,    /* civil date YYYY-MM-DD as stored, or null */
	RECORD_COL_MONEY,   /* two columns, amount in minor units and ISO 4217
			       currency: {"amount_minor","currency","amount"}
			       (base/money.h money_to_json) */
	RECORD_COL_ARRAY,   /* placeholder, no column: [] the caller fills */
	RECORD_COL_OBJECT,  /* placeholder, no column: {} the caller fills */
	RECORD_COL_LATER,   /* placeholder, no column: null the caller replaces
			       (the key keeps its place in the key order) */
} RecordColType;

/* One entry of a kind's table. */
typedef struct RecordCol {
	RecordColType type; /* what it reads and writes */
	const char *sql;    /* the selected expression(s); NULL for placeholders */
	const char *key;    /* JSON key, "parent.child" for a nested object */
} RecordCol;

/* A kind's table with the SELECT list made from the same X-macro. */
typedef struct RecordCols {
	const RecordCol *cols; /* in JSON key order, the id first */
	int n_cols;	       /* entries in cols */
	const char *select;    /* the SELECT list (the literal statements use) */
} RecordCols;

/* The SELECT list of an X-macro column list, as one string literal: the id
 * without a comma, every other column with ", " before it, placeholders
 * not at all. */
#define RECORD_COLS_SELECT(LIST) LIST(RECORD_COL_SQL_)
#define RECORD_COL_SQL_(type, sql, key) RECORD_COL_SQL_##type(sql)
#define RECORD_COL_SQL_ID(sql) sql
#define RECORD_COL_SQL_INT(sql) ", " sql
#define RECORD_COL_SQL_TEXT(sql) ", " sql
#define RECORD_COL_SQL_BOOL(sql) ", " sql
#define RECORD_COL_SQL_INSTANT(sql) ", " sql
#define RECORD_COL_SQL_DATE(sql) ", " sql
#define RECORD_COL_SQL_MONEY(sql) ", " sql
#define RECORD_COL_SQL_ARRAY(sql)
#define RECORD_COL_SQL_OBJECT(sql)
#define RECORD_COL_SQL_LATER(sql)

/* The RecordCols initializer of an X-macro column list. */
#define RECORD_COL_ENTRY_(type, sql, key) {RECORD_COL_##type, sql, key},
#define RECORD_COLS(LIST)                                                                          \
	{                                                                                          \
		(const RecordCol[]){LIST(RECORD_COL_ENTRY_)},                                      \
		    (int)(sizeof((const RecordCol[]){LIST(RECORD_COL_ENTRY_)}) /                   \
			  sizeof(RecordCol)),                                                      \
		    RECORD_COLS_SELECT(LIST)                                                       \
	}

/* The JSON object of the current row of st, which selected k->select first
 * (more columns may follow: they start at record_cols_width(k)). Returns a
 * new object (caller decrefs), NULL when out of memory. */
json_t *record_cols_json(DbStmt *st, const RecordCols *k);

/* Append the JSON text of the current row of st to b, byte for byte what
 * json_dump(record_cols_json(st, k)) writes (compact, key order), without
 * building the object: for long lists on hot paths (the agenda). A kind
 * with nested keys ("parent.child") is built and serialized. Returns 0;
 * -1 when a text is not valid UTF-8 (record_cols_json answers NULL for
 * that row) or out of memory, b then holds a partial row. An allocation
 * failure of b itself shows in buf_failed(b). */
int record_cols_text(DbStmt *st, const RecordCols *k, Buf *b);

/* How many SQL columns k's table reads: 1 per entry, 2 for MONEY, 0 for a
 * placeholder. The first column a statement selects after k->select. */
int record_cols_width(const RecordCols *k);

/* How many columns the SELECT list select holds: its commas outside
 * parentheses and quotes, plus one (0 for ""). */
int record_cols_count_select(const char *select);

/* 1 when k->select holds exactly the columns k's table reads and the first
 * entry is the id; tests run it on every kind. */
int record_cols_check(const RecordCols *k);

/* Step st (bound, selecting k->select first) to the end and put each row's
 * JSON at out[i] for every i where ids[i] is the row's id (its first
 * column), so a statement that reads the records of a list of ids at once
 * (DB_IN_IDS) answers them in the list's order: an id listed twice gets
 * two objects, an id with no row keeps NULL. out[0..n) is set to NULL
 * first; on error every object is released and out is all NULL again.
 * The caller decrefs each non-NULL out[i]. Resets st. ERR_INTERNAL when
 * out of memory or a row's text is not UTF-8; a storage error. */
int record_cols_many(DbStmt *st, const RecordCols *k, const int64_t *ids, size_t n, json_t **out,
		     Err *err) KITH_WARN_UNUSED;

#endif
