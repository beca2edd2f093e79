/* record_cols.c - a row as a record's JSON, read through its kind's column
 * table (record_cols.h). Depends on store/db.h and base/money.h; knows no
 * kind. */
#include "core/record_cols.h"

#include <assert.h>
#include <string.h>

#include "base/money.h"

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
