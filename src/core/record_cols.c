/* record_cols.c - a row as a record's JSON, read through its kind's column
 * table (record_cols.h), as a jansson object or written as JSON text.
 * Depends on store/db.h and base/{buf,json,money,text}; knows no kind. */
#include "core/record_cols.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "base/text.h"

/* SQL columns one entry reads. */
static int col_width(RecordColType t)
{
	switch (t) {
	case RECORD_COL_MONEY:
		return 2;
	case RECORD_COL_ARRAY:
	case RECORD_COL_OBJECT:
	case RECORD_COL_LATER:
		return 0;
	default:
		return 1;
	}
}

int record_cols_width(const RecordCols *k)
{
	int w = 0;
	for (int i = 0; i < k->n_cols; i++)
		w += col_width(k->cols[i].type);
	return w;
}

/* The value of entry c, whose first column is i; NULL when out of memory. */
static json_t *col_value(DbStmt *st, const RecordCol *c, int i)
{
	switch (c->type) {
	case RECORD_COL_ID:
		return json_integer(db_col_int(st, i));
	case RECORD_COL_INT:
		return db_col_json_int(st, i);
	case RECORD_COL_BOOL:
		return db_col_is_null(st, i) ? json_null() : json_boolean(db_col_int(st, i));
	case RECORD_COL_TEXT:
	case RECORD_COL_INSTANT:
	case RECORD_COL_DATE:
		return db_col_json_text(st, i);
	case RECORD_COL_MONEY:
		return money_to_json(db_col_int(st, i), db_col_text(st, i + 1));
	case RECORD_COL_ARRAY:
		return json_array();
	case RECORD_COL_OBJECT:
		return json_object();
	case RECORD_COL_LATER:
		return json_null();
	}
	return NULL;
}

/* The object key goes into: o itself, or for "parent.child" the object
 * parent of o (created here, at the place of its first child); *leaf gets
 * the key within it. NULL when out of memory or parent is not an object. */
static json_t *col_parent(json_t *o, const char *key, const char **leaf)
{
	const char *dot = strchr(key, '.');
	char name[64];
	*leaf = key;
	if (!dot)
		return o;
	size_t n = (size_t)(dot - key);
	assert(n < sizeof name); /* keys are literals of the kinds' tables */
	memcpy(name, key, n);
	name[n] = 0;
	*leaf = dot + 1;
	json_t *p = json_object_get(o, name);
	if (!p && json_object_set_new(o, name, p = json_object()) != 0)
		return NULL;
	return json_is_object(p) ? p : NULL;
}

json_t *record_cols_json(DbStmt *st, const RecordCols *k)
{
	assert(db_col_count(st) >= record_cols_width(k));
	json_t *o = json_object();
	int i = 0;
	for (int c = 0; o && c < k->n_cols; c++) {
		const RecordCol *col = &k->cols[c];
		const char *leaf;
		json_t *parent = col_parent(o, col->key, &leaf);
		json_t *v = col_value(st, col, i);
		if (!parent || !v || json_object_set_new(parent, leaf, v) != 0) {
			if (!parent)
				json_decref(v);
			json_decref(o);
			o = NULL;
		}
		i += col_width(col->type);
	}
	return o;
}

/* ---- the row as JSON text ---------------------------------------------- */

/* Append s as a JSON string exactly as jansson's json_dumps writes it
 * without flags: '"' and '\\' escaped, control characters as \b \f \n \r
 * \t or \u00XX (upper-case hex), everything else (DEL and non-ASCII
 * included) as is. -1 when s is not valid UTF-8: json_string refuses it
 * (base/text.h's utf8_valid applies jansson's rules: no overlong forms,
 * surrogates or code points past U+10FFFF). */
static int text_string(Buf *b, const char *s)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return -1;
	buf_addc(b, '"');
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\b':
			buf_adds(b, "\\b");
			break;
		case '\f':
			buf_adds(b, "\\f");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		default:
			buf_addf(b, "\\u%04X", (unsigned)c);
		}
	}
	buf_add(b, run, strlen(run));
	buf_addc(b, '"');
	return 0;
}

/* Append a JSON value built with jansson (caller's reference stolen). */
static int text_value(Buf *b, json_t *v)
{
	char *s = v ? json_dump(v) : NULL;
	json_decref(v);
	if (!s)
		return -1;
	buf_adds(b, s);
	free(s);
	return 0;
}

/* Append v in decimal, as jansson's "%lld" writes it (no printf: a list
 * writes thousands). */
static void text_int(Buf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* Append the value of entry c, whose first column is i: col_value's value
 * as json_dump writes it. */
static int col_text(Buf *b, DbStmt *st, const RecordCol *c, int i)
{
	if (c->type == RECORD_COL_MONEY)
		return text_value(b, money_to_json(db_col_int(st, i), db_col_text(st, i + 1)));
	if (c->type == RECORD_COL_ARRAY || c->type == RECORD_COL_OBJECT) {
		buf_adds(b, c->type == RECORD_COL_ARRAY ? "[]" : "{}");
		return 0;
	}
	if (c->type == RECORD_COL_LATER || (c->type != RECORD_COL_ID && db_col_is_null(st, i))) {
		buf_add(b, "null", 4);
		return 0;
	}
	switch (c->type) {
	case RECORD_COL_ID:
	case RECORD_COL_INT:
		text_int(b, db_col_int(st, i));
		return 0;
	case RECORD_COL_BOOL:
		buf_adds(b, db_col_int(st, i) ? "true" : "false");
		return 0;
	default: /* TEXT, INSTANT, DATE */
		return text_string(b, db_col_text(st, i));
	}
}

int record_cols_text(DbStmt *st, const RecordCols *k, Buf *b)
{
	assert(db_col_count(st) >= record_cols_width(k));
	for (int c = 0; c < k->n_cols; c++)
		if (strchr(k->cols[c].key, '.')) /* a nested object: jansson places its children */
			return text_value(b, record_cols_json(st, k));
	int i = 0;
	buf_addc(b, '{');
	for (int c = 0; c < k->n_cols; c++) {
		const RecordCol *col = &k->cols[c];
		/* keys are literals of the kinds' tables: nothing to escape */
		if (c)
			buf_addc(b, ',');
		buf_addc(b, '"');
		buf_adds(b, col->key);
		buf_add(b, "\":", 2);
		if (col_text(b, st, col, i))
			return -1;
		i += col_width(col->type);
	}
	buf_addc(b, '}');
	return buf_failed(b) ? -1 : 0;
}

int record_cols_count_select(const char *select)
{
	int n = 1, depth = 0, empty = 1;
	char quote = 0;
	for (const char *p = select; *p; p++) {
		if (*p != ' ')
			empty = 0;
		if (quote)
			quote = *p == quote ? 0 : quote; /* 'it''s' closes and reopens */
		else if (*p == '\'' || *p == '"')
			quote = *p;
		else if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == ',' && depth == 0)
			n++;
	}
	return empty ? 0 : n;
}

int record_cols_check(const RecordCols *k)
{
	return k->n_cols > 0 && k->cols[0].type == RECORD_COL_ID &&
	       record_cols_count_select(k->select) == record_cols_width(k);
}

int record_cols_many(DbStmt *st, const RecordCols *k, const int64_t *ids, size_t n, json_t **out,
		     Err *err)
{
	size_t i;
	int rc;
	for (i = 0; i < n; i++)
		out[i] = NULL;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		json_t *rec = record_cols_json(st, k);
		if (!rec) {
			rc = err_set(err, ERR_INTERNAL, NULL, "a record could not be read as JSON");
			break;
		}
		/* one object per slot: a record listed twice is not shared */
		for (i = 0; i < n; i++) {
			if (ids[i] == id && !(out[i] = json_deep_copy(rec)))
				break;
		}
		json_decref(rec);
		if (i < n) {
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
			break;
		}
	}
	db_reset(st);
	if (rc == DB_DONE)
		return KITH_OK;
	for (i = 0; i < n; i++) {
		json_decref(out[i]);
		out[i] = NULL;
	}
	return rc;
}
