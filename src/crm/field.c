/* field.c - custom field definitions and their values. Owns tables field_def
 * and field_value. Depends on store/, base/, core/{access,audit}; knows
 * nothing of the records (contacts, companies, deals) that carry values.
 *
 * Values are stored as canonical text in field_value.value:
 *   text, select: the string; number: shortest decimal text that reads back
 *   as the same double ("42", "12.5"); date: "YYYY-MM-DD"; money: "<minor>
 *   <ISO 4217>" ("1250 EUR"); boolean: "true" / "false".
 * and typed again on the way out (value_to_json). */
#include "crm/field.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/money.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/links.h"

enum { KEY_MAX = KITH_MAX_FIELD_KEY }; /* limits.h; a key is [a-z][a-z0-9_]{0,39} */

/* One definition as the value code needs it. */
typedef struct FieldDef {
	int64_t id;            /* field_def.id */
	char key[KEY_MAX + 1]; /* snake_case key */
	char type[8];          /* text|number|date|money|select|boolean */
	int required;          /* 1 = a record must carry a value */
	json_t *options;       /* select: array of strings (owned), else NULL */
} FieldDef;

static const char *const types[] = {"text", "number", "date", "money", "select", "boolean", NULL};

static int entity_valid(const char *e)
{
	return e && (!strcmp(e, "contact") || !strcmp(e, "company") || !strcmp(e, "deal"));
}

static const char *entity_plural(const char *e)
{
	return !strcmp(e, "company") ? "companies" : !strcmp(e, "deal") ? "deals" : "contacts";
}

static int type_valid(const char *t)
{
	for (const char *const *p = types; t && *p; p++)
		if (!strcmp(*p, t))
			return 1;
	return 0;
}

static int key_valid(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (n == 0 || n > KEY_MAX || k[0] < 'a' || k[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

/* "custom.<key>" into f (truncated to fit an Err field). */
static void value_field(char f[64], const char *key)
{
	snprintf(f, 64, "custom.%s", key);
}

/* ---- numbers ---------------------------------------------------------- */

/* 1 when d is integral and exactly representable as int64 (|d| < 2^53). */
static int real_is_small_int(double d)
{
	return d > -9007199254740992.0 && d < 9007199254740992.0 && (double)(int64_t)d == d;
}

/* Canonical text of a finite double: an integer when integral, else the
 * shortest %.*g form that reads back as the same double. */
static void real_canon(double d, Buf *out)
{
	char s[40];
	if (real_is_small_int(d)) {
		buf_addf(out, "%" PRId64, (int64_t)d); /* also turns -0.0 into "0" */
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof s, "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	buf_adds(out, s);
}

/* 1 when s is [+-]digits: an integer literal. */
static int text_is_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* 1 when s is [+-]digits[.digits]: a plain decimal (no exponent, no hex,
 * no inf/nan). */
static int text_is_decimal(const char *s)
{
	int digits = 0;
	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.') {
		int frac = 0;
		for (s++; *s >= '0' && *s <= '9'; s++)
			frac++;
		if (!frac)
			return 0;
	}
	return digits > 0 && *s == '\0';
}

/* A JSON number for canonical number text: an integer when it is one. */
static json_t *number_to_json(const char *s)
{
	if (text_is_int(s)) {
		errno = 0;
		long long v = strtoll(s, NULL, 10);
		if (!errno)
			return json_integer(v);
	}
	double d = strtod(s, NULL);
	return real_is_small_int(d) ? json_integer((json_int_t)d) : json_real(d);
}

/* ---- money -------------------------------------------------------------- */

/* Split canonical "1250 EUR" into minor units and currency. 0 ok, -1 bad. */
static int money_split(const char *s, int64_t *minor, char cur[4])
{
	const char *sp = strchr(s, ' ');
	if (!sp || strlen(sp + 1) != 3)
		return -1;
	char num[32];
	size_t n = (size_t)(sp - s);
	if (n == 0 || n >= sizeof num)
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (!text_is_int(num))
		return -1;
	errno = 0;
	*minor = strtoll(num, NULL, 10);
	memcpy(cur, sp + 1, 4);
	return errno ? -1 : 0;
}

/* The API money form of canonical "1250 EUR" (money_to_json). */
static json_t *money_value_json(const char *s)
{
	int64_t minor;
	char cur[4];
	if (money_split(s, &minor, cur))
		return json_string(s); /* never written by us; show what is there */
	return money_to_json(minor, cur);
}

/* Check a money value (money_from_json, currency required) into
 * "1250 EUR". A custom value is one field to its user: errors name it
 * (custom.budget), the message names the member. */
static int money_check(const json_t *v, const char *f, Buf *out, Err *err)
{
	Money m;
	int rc = money_from_json(v, f, NULL, &m, NULL, err);
	if (rc) {
		if (err)
			snprintf(err->field, sizeof err->field, "%s", f);
		return rc;
	}
	buf_addf(out, "%" PRId64 " %s", m.minor, m.currency);
	return KITH_OK;
}

/* ---- values --------------------------------------------------------------- */

/* Validate v for d and append its canonical text to out. A JSON null or an
 * empty text is "no value": *none is set and nothing is appended. */
static int value_check(const FieldDef *d, const json_t *v, Buf *out, int *none, Err *err)
{
	char f[64];
	const char *t = d->type;
	value_field(f, d->key);
	*none = json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
	if (*none)
		return KITH_OK;
	if (!strcmp(t, "number")) {
		if (json_is_integer(v)) {
			buf_addf(out, "%" PRId64, (int64_t)json_integer_value(v));
			return KITH_OK;
		}
		if (!json_is_real(v) || !isfinite(json_real_value(v)))
			return err_set(err, ERR_INVALID, f, "must be a number");
		real_canon(json_real_value(v), out);
		return KITH_OK;
	}
	if (!strcmp(t, "boolean")) {
		if (!json_is_boolean(v))
			return err_set(err, ERR_INVALID, f, "must be true or false");
		buf_adds(out, json_is_true(v) ? "true" : "false");
		return KITH_OK;
	}
	if (!strcmp(t, "money"))
		return money_check(v, f, out, err);
	if (!json_is_string(v))
		return err_set(err, ERR_INVALID, f, "must be a string");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n > KITH_MAX_TEXT || strlen(s) != n || !utf8_valid(s, n))
		return err_set(err, ERR_INVALID, f, "must be UTF-8 text of at most %u bytes",
			       KITH_MAX_TEXT);
	if (!strcmp(t, "date") && !date_valid(s))
		return err_set(err, ERR_INVALID, f, "must be a date YYYY-MM-DD, got '%s'", s);
	if (!strcmp(t, "select")) {
		size_t i;
		json_t *o;
		int ok = 0;
		json_array_foreach(d->options, i, o) ok |= !strcmp(json_string_value(o), s);
		if (!ok)
			return err_set(err, ERR_INVALID, f, "'%.200s' is not one of the options", s);
	}
	buf_adds(out, s);
	return KITH_OK;
}

/* Typed JSON for canonical text of type t. */
static json_t *value_to_json(const char *t, const char *s)
{
	if (!strcmp(t, "number"))
		return number_to_json(s);
	if (!strcmp(t, "boolean"))
		return json_boolean(!strcmp(s, "true"));
	if (!strcmp(t, "money"))
		return money_value_json(s);
	return json_string(s);
}

static void def_free(FieldDef *d)
{
	json_decref(d->options);
	d->options = NULL;
}

/* Find the definition of key for entity; *found = 0 when there is none. */
static int def_find(Db *db, const char *entity, const char *key, FieldDef *d, int *found,
		    Err *err)
{
	static const char sql[] = "SELECT id, key, type, required, options FROM field_def "
				  "WHERE entity = ? AND key = ?";
	DbStmt *st;
	*found = 0;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_text(st, 1, entity);
	db_bind_text(st, 2, key);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*found = 1;
		d->id = db_col_int(st, 0);
		snprintf(d->key, sizeof d->key, "%s", db_col_text(st, 1));
		snprintf(d->type, sizeof d->type, "%s", db_col_text(st, 2));
		d->required = (int)db_col_int(st, 3);
		d->options = db_col_is_null(st, 4) ? NULL : json_loads(db_col_text(st, 4), 0, NULL);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

/* The definition of key, or ERR_INVALID naming custom.<key> when none. */
static int def_find_or_fail(Db *db, const char *entity, const char *key, FieldDef *d, Err *err)
{
	char f[64];
	int found;
	int rc = def_find(db, entity, key, d, &found, err);
	if (rc || found)
		return rc;
	value_field(f, key);
	return err_set(err, ERR_INVALID, f, "no custom field '%.64s' for %s", key,
		       entity_plural(entity));
}

/* Every required field of entity must have a non-null value in in. */
static int check_required(Db *db, const char *entity, const json_t *in, Err *err)
{
	static const char sql[] = "SELECT key FROM field_def WHERE entity = ? AND required = 1 "
				  "ORDER BY position, key";
	DbStmt *st;
	char f[64];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_text(st, 1, entity);
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *v = json_object_get(in, db_col_text(st, 0));
		if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
			value_field(f, db_col_text(st, 0));
			db_reset(st);
			return err_set(err, ERR_INVALID, f, "is required");
		}
	}
	return rc == DB_DONE ? KITH_OK : rc;
}

static int value_write(Db *db, int64_t field_id, int64_t record_id, const char *canon, Err *err)
{
	static const char upsert[] = "INSERT INTO field_value (field_id, record_id, value) "
				     "VALUES (?, ?, ?) ON CONFLICT (field_id, record_id) "
				     "DO UPDATE SET value = excluded.value";
	static const char del[] = "DELETE FROM field_value WHERE field_id = ? AND record_id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, canon ? upsert : del, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, field_id);
	db_bind_int(st, 2, record_id);
	if (canon)
		db_bind_text(st, 3, canon);
	return db_exec_stmt(st, err);
}

/* A checked value waiting to be written. */
typedef struct Pending {
	int64_t field_id; /* field_def.id */
	char *canon;      /* canonical text (owned), NULL = delete */
} Pending;

/* Validate every value of in (no writes), filling p[0..*n). */
static int values_check_all(Db *db, const char *entity, const json_t *in, Pending *p, size_t *n,
			    Err *err)
{
	const char *key;
	json_t *v;
	int rc = KITH_OK;
	json_object_foreach((json_t *)in, key, v)
	{
		FieldDef d = {0};
		Buf canon;
		int none;
		char f[64];
		if ((rc = def_find_or_fail(db, entity, key, &d, err)))
			return rc;
		buf_init(&canon, KITH_MAX_TEXT + 1);
		rc = value_check(&d, v, &canon, &none, err);
		if (rc == KITH_OK && none && d.required) {
			value_field(f, key);
			rc = err_set(err, ERR_INVALID, f, "is required and cannot be removed");
		}
		if (rc == KITH_OK && buf_failed(&canon))
			rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
		def_free(&d);
		if (rc) {
			buf_free(&canon);
			return rc;
		}
		p[*n].field_id = d.id;
		p[*n].canon = none ? NULL : buf_take(&canon);
		if (!none && !p[*n].canon)
			p[*n].canon = strdup(""); /* an empty buffer: never for real values */
		(*n)++;
		buf_free(&canon);
	}
	return rc;
}

int field_values_put(Db *db, const char *entity, int64_t record_id, const json_t *in,
		     int creating, Err *err)
{
	size_t n = 0;
	int rc = KITH_OK;
	if (!entity_valid(entity))
		return err_set(err, ERR_INTERNAL, NULL, "unknown entity for custom fields");
	if (in && !json_is_object(in))
		return err_set(err, ERR_INVALID, "custom", "must be an object of custom field values");
	Pending *p = calloc(json_object_size(in) + 1, sizeof *p);
	if (!p)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (in)
		rc = values_check_all(db, entity, in, p, &n, err);
	if (rc == KITH_OK && creating)
		rc = check_required(db, entity, in, err);
	for (size_t i = 0; rc == KITH_OK && i < n; i++)
		rc = value_write(db, p[i].field_id, record_id, p[i].canon, err);
	for (size_t i = 0; i < n; i++)
		free(p[i].canon);
	free(p);
	return rc;
}

int field_values_get(Db *db, const char *entity, int64_t record_id, json_t **out, Err *err)
{
	/* One cached statement: the record's values joined to their definitions. */
	static const char sql[] = "SELECT d.key, d.type, v.value FROM field_value v "
				  "JOIN field_def d ON d.id = v.field_id "
				  "WHERE v.record_id = ? AND d.entity = ? ORDER BY d.position, d.key";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, record_id);
	db_bind_text(st, 2, entity);
	json_t *o = json_object();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_object_set_new(o, db_col_text(st, 0),
				    value_to_json(db_col_text(st, 1), db_col_text(st, 2)));
	if (rc != DB_DONE) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return KITH_OK;
}

/* An id and where it stands in the caller's list. */
typedef struct IdAt {
	int64_t id;
	size_t at;
} IdAt;

static int id_at_cmp(const void *a, const void *b)
{
	const IdAt *x = a, *y = b;
	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->at > y->at) - (x->at < y->at);
}

int field_values_get_many(Db *db, const char *entity, const int64_t *ids, size_t n,
			  json_t **outs, Err *err)
{
	/* field_values_get's statement for a list of records: one round trip
	 * for a page instead of one per record; per record the same order */
	static const char sql[] = "SELECT v.record_id, d.key, d.type, v.value FROM field_value v "
				  "JOIN field_def d ON d.id = v.field_id "
				  "WHERE v.record_id" DB_IN_IDS "AND d.entity = ? "
				  "ORDER BY v.record_id, d.position, d.key";
	IdAt *index = n ? malloc(n * sizeof *index) : NULL;
	int64_t *sorted = n ? malloc(n * sizeof *sorted) : NULL;
	size_t i, oom = 0;
	DbStmt *st;
	int rc = KITH_OK;
	if (n && (!index || !sorted)) {
		free(index);
		free(sorted);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	for (i = 0; i < n; i++) {
		index[i] = (IdAt){.id = ids[i], .at = i};
		oom |= !(outs[i] = json_object());
	}
	if (!n || oom || (rc = db_prepare(db, &st, sql, err)))
		goto done;
	qsort(index, n, sizeof *index, id_at_cmp);
	for (i = 0; i < n; i++)
		sorted[i] = index[i].id;
	db_bind_ids(st, 1, sorted, n);
	db_bind_text(st, 2, entity);
	while ((rc = db_step(st, err)) == DB_ROW) {
		/* the first entry of the record's id, then every one listed again */
		int64_t id = db_col_int(st, 0);
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (index[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && index[lo].id == id; lo++) {
			json_t *v = value_to_json(db_col_text(st, 2), db_col_text(st, 3));
			oom |= !v || json_object_set_new(outs[index[lo].at], db_col_text(st, 1), v);
		}
	}
	db_reset(st);
	rc = rc == DB_DONE ? KITH_OK : rc;
done:
	if (rc == KITH_OK && oom)
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	for (i = 0; rc && i < n; i++) {
		json_decref(outs[i]);
		outs[i] = NULL;
	}
	free(index);
	free(sorted);
	return rc;
}

int field_values_text(Db *db, const char *entity, int64_t record_id, Buf *out, Err *err)
{
	static const char sql[] = "SELECT v.value FROM field_value v "
				  "JOIN field_def d ON d.id = v.field_id "
				  "WHERE v.record_id = ? AND d.entity = ? "
				  "AND d.type IN ('text', 'select') ORDER BY d.position, d.key";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, record_id);
	db_bind_text(st, 2, entity);
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (out->len)
			buf_addc(out, ' ');
		buf_adds(out, db_col_text(st, 0));
	}
	return rc == DB_DONE ? KITH_OK : rc;
}

int field_values_read(Db *db, const char *entity, int64_t record_id, json_t **custom, Buf *text,
		      Err *err)
{
	/* field_values_get's statement; the text is picked by type. */
	static const char sql[] = "SELECT d.key, d.type, v.value FROM field_value v "
				  "JOIN field_def d ON d.id = v.field_id "
				  "WHERE v.record_id = ? AND d.entity = ? ORDER BY d.position, d.key";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, record_id);
	db_bind_text(st, 2, entity);
	json_t *o = json_object();
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *type = db_col_text(st, 1), *value = db_col_text(st, 2);
		json_object_set_new(o, db_col_text(st, 0), value_to_json(type, value));
		if (text && (!strcmp(type, "text") || !strcmp(type, "select"))) {
			if (text->len)
				buf_addc(text, ' ');
			buf_adds(text, value);
		}
	}
	if (rc != DB_DONE || !custom)
		json_decref(o);
	else
		*custom = o;
	return rc == DB_DONE ? KITH_OK : rc;
}

int field_values_merge(Db *db, const char *entity, int64_t keep, int64_t other, Err *err)
{
	static const char sql[] =
		"INSERT INTO field_value (field_id, record_id, value) "
		"SELECT v.field_id, ?, v.value FROM field_value v "
		"JOIN field_def d ON d.id = v.field_id WHERE d.entity = ? AND v.record_id = ? "
		"AND NOT EXISTS (SELECT 1 FROM field_value k "
		"WHERE k.field_id = v.field_id AND k.record_id = ?)";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, keep);
	db_bind_text(st, 2, entity);
	db_bind_int(st, 3, other);
	db_bind_int(st, 4, keep);
	return db_exec_stmt(st, err);
}

/* ---- text input (CLI) --------------------------------------------------- */

static int bool_from_text(const char *s, int *v)
{
	static const char *const yes[] = {"true", "yes", "1", NULL}, *const no[] = {"false", "no", "0",
										   NULL};
	for (int i = 0; yes[i]; i++) {
		if (!strcasecmp(s, yes[i]))
			return *v = 1, 0;
		if (!strcasecmp(s, no[i]))
			return *v = 0, 0;
	}
	return -1;
}

int field_value_from_text(Db *db, const char *entity, const char *key, const char *text,
			  json_t **out, Err *err)
{
	FieldDef d = {0};
	char f[64];
	int rc = def_find_or_fail(db, entity, key, &d, err);
	if (rc)
		return rc;
	value_field(f, key);
	const char *t = d.type;
	json_t *v = NULL;
	int b;
	if (!text || !*text)
		v = json_null();
	else if (!strcmp(t, "number") && text_is_int(text))
		v = number_to_json(text);
	else if (!strcmp(t, "number") && text_is_decimal(text))
		v = json_real(strtod(text, NULL));
	else if (!strcmp(t, "number"))
		rc = err_set(err, ERR_INVALID, f, "must be a number like 42 or 12.5, got '%.100s'",
			     text);
	else if (!strcmp(t, "boolean") && bool_from_text(text, &b) == 0)
		v = json_boolean(b);
	else if (!strcmp(t, "boolean"))
		rc = err_set(err, ERR_INVALID, f, "must be true or false, got '%.100s'", text);
	else if (!strcmp(t, "money") && !(v = money_json_from_text(text)))
		rc = err_set(err, ERR_INVALID, f, "must be an amount and currency like '12.50 EUR'");
	else if (!v)
		v = json_string(text);
	if (rc == KITH_OK && !v)
		rc = err_set(err, ERR_INVALID, f, "must be UTF-8 text");
	if (rc == KITH_OK && !json_is_null(v)) {
		/* Run the type checks now so the message names what is wrong. */
		Buf canon;
		int none;
		buf_init(&canon, KITH_MAX_TEXT + 1);
		rc = value_check(&d, v, &canon, &none, err);
		buf_free(&canon);
	}
	def_free(&d);
	if (rc) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return KITH_OK;
}

/* ---- definitions ---------------------------------------------------------- */

#define FIELD_COLS                                                                              \
	"id, entity, key, label, type, required, options, position, version, created_at, "     \
	"updated_at, remind_days"

static json_t *def_from_row(DbStmt *st)
{
	json_t *opts = db_col_is_null(st, 6) ? NULL : json_loads(db_col_text(st, 6), 0, NULL);
	json_t *remind = db_col_json_int(st, 11);
	return json_pack("{sI ss ss ss ss sb so sI so sI ss ss}", "id",
			 (json_int_t)db_col_int(st, 0), "entity", db_col_text(st, 1), "key",
			 db_col_text(st, 2), "label", db_col_text(st, 3), "type", db_col_text(st, 4),
			 "required", (int)db_col_int(st, 5), "options", opts ? opts : json_null(),
			 "position", (json_int_t)db_col_int(st, 7), "remind_days", remind, "version",
			 (json_int_t)db_col_int(st, 8), "created_at", db_col_text(st, 9),
			 "updated_at", db_col_text(st, 10));
}

int field_get(Db *db, int64_t id, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " FIELD_COLS " FROM field_def WHERE id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = def_from_row(st);
		rc = KITH_OK;
	} else if (rc == DB_DONE) {
		rc = err_set(err, ERR_NOT_FOUND, "id", "no custom field %lld", (long long)id);
	}
	db_reset(st);
	return rc;
}

int field_list(Db *db, const char *entity, json_t **out, Err *err)
{
	static const char sql[] = "SELECT " FIELD_COLS " FROM field_def "
				  "WHERE (CAST(? AS TEXT) IS NULL OR entity = ?) "
				  "ORDER BY entity, position, key";
	DbStmt *st;
	if (entity && !entity_valid(entity))
		return err_set(err, ERR_INVALID, "entity", "must be contact, company or deal");
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_text(st, 1, entity);
	db_bind_text(st, 2, entity);
	json_t *arr = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, def_from_row(st));
	if (rc != DB_DONE) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KITH_OK;
}

/* Options of a select field: a non-empty array of distinct, non-blank
 * strings of at most KITH_MAX_SHORT bytes, at most KITH_MAX_FIELD_OPTIONS. */
static int options_check(const json_t *opts, Err *err)
{
	size_t i, j, n = json_array_size(opts);
	json_t *o;
	if (!json_is_array(opts) || n == 0)
		return err_set(err, ERR_INVALID, "options",
			       "a select field needs a non-empty array of options");
	if (n > KITH_MAX_FIELD_OPTIONS)
		return err_set(err, ERR_INVALID, "options", "at most %u options",
			       KITH_MAX_FIELD_OPTIONS);
	json_array_foreach(opts, i, o)
	{
		const char *s = json_string_value(o);
		if (!s || text_blank(s) || json_string_length(o) > KITH_MAX_SHORT ||
		    strlen(s) != json_string_length(o))
			return err_set(err, ERR_INVALID, "options",
				       "option %zu must be a non-blank string of at most %u bytes",
				       i + 1, KITH_MAX_SHORT);
		for (j = 0; j < i; j++)
			if (!strcmp(s, json_string_value(json_array_get(opts, j))))
				return err_set(err, ERR_INVALID, "options",
					       "option '%.200s' is listed twice", s);
	}
	return KITH_OK;
}

/* Label: 1..KITH_MAX_SHORT bytes of UTF-8, not blank; trimmed into out. */
static int label_check(const json_t *in, int need, Buf *out, int *present, Err *err)
{
	const char *label = NULL;
	int rc = json_get_str(in, "label", KITH_MAX_SHORT, &label, present, err);
	if (rc)
		return rc;
	if (!*present && !need)
		return KITH_OK;
	if (text_blank(label) || !utf8_valid(label, strlen(label)))
		return err_set(err, ERR_INVALID, "label", "must be 1 to %u bytes of UTF-8",
			       KITH_MAX_SHORT);
	text_trim(out, label);
	return KITH_OK;
}

static int position_check(const json_t *in, int64_t *pos, int *present, Err *err)
{
	int rc = json_get_int(in, "position", pos, present, err);
	if (rc == KITH_OK && *present && (*pos < 0 || *pos > 1000000))
		rc = err_set(err, ERR_INVALID, "position", "must be between 0 and 1000000");
	return rc;
}

/* Number of definitions of entity, and whether key is taken. */
static int def_count(Db *db, const char *entity, const char *key, int64_t *n, int *taken,
		     Err *err)
{
	static const char sql[] = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN key = ? THEN 1 ELSE 0 "
				  "END), 0) FROM field_def WHERE entity = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, entity);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*n = db_col_int(st, 0);
		*taken = db_col_int(st, 1) > 0;
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

/* The validated parts of a definition. */
typedef struct DefIn {
	const char *entity, *key, *type; /* point into the input */
	Buf label;                       /* trimmed label */
	int required;                    /* 0/1 */
	int64_t position;                /* display order */
	int has_position;                /* position was given */
	char *options;                   /* JSON text of the options (owned), NULL for none */
	int64_t remind_days;             /* date fields: days ahead to remind (crm/cadence.h), -1 = never */
} DefIn;

/* "remind_days" of a date field: 0..366 or null (*days = -1); other types
 * take none. *present: the key was given. */
static int remind_check(const json_t *in, const char *type, int64_t *days, int *present, Err *err)
{
	json_t *v = json_object_get(in, "remind_days");
	*present = v != NULL;
	*days = -1;
	if (!v || json_is_null(v))
		return KITH_OK;
	if (strcmp(type, "date") != 0)
		return err_set(err, ERR_INVALID, "remind_days", "only date fields remind");
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 366)
		return err_set(err, ERR_INVALID, "remind_days",
			       "must be a whole number of days from 0 to 366, or null");
	*days = json_integer_value(v);
	return KITH_OK;
}

static int define_check(const json_t *in, DefIn *d, Err *err)
{
	static const char *const allowed[] = {"entity",	  "key",      "label",	     "type",
					      "required", "options",  "position",    "remind_days",
					      NULL};
	int present, rc;
	if (!json_is_object(in))
		return err_set(err, ERR_INVALID, NULL, "the field definition must be a JSON object");
	if ((rc = json_check_fields(in, allowed, err)) ||
	    (rc = json_get_str(in, "entity", 16, &d->entity, &present, err)) ||
	    (rc = json_get_str(in, "key", 64, &d->key, &present, err)) ||
	    (rc = json_get_str(in, "type", 16, &d->type, &present, err)))
		return rc;
	if (!entity_valid(d->entity))
		return err_set(err, ERR_INVALID, "entity", "must be contact, company or deal");
	if (!key_valid(d->key))
		return err_set(err, ERR_INVALID, "key",
			       "must start with a-z and hold only a-z, 0-9 and _ (at most %d)",
			       KEY_MAX);
	if ((rc = label_check(in, 1, &d->label, &present, err)))
		return rc;
	if (!type_valid(d->type))
		return err_set(err, ERR_INVALID, "type",
			       "must be text, number, date, money, select or boolean");
	if ((rc = json_get_bool(in, "required", &d->required, &present, err)) ||
	    (rc = position_check(in, &d->position, &d->has_position, err)) ||
	    (rc = remind_check(in, d->type, &d->remind_days, &present, err)))
		return rc;
	json_t *opts = json_object_get(in, "options");
	if (!strcmp(d->type, "select")) {
		if ((rc = options_check(opts, err)))
			return rc;
		d->options = json_dump(opts);
	} else if (opts && !json_is_null(opts)) {
		return err_set(err, ERR_INVALID, "options", "only select fields have options");
	}
	return KITH_OK;
}

static int def_insert(Db *db, const DefIn *d, int64_t position, int64_t *id, Err *err)
{
	static const char sql[] = "INSERT INTO field_def (entity, key, label, type, required, "
				  "options, position, created_at, updated_at, remind_days) "
				  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	DbStmt *st;
	char now[21];
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	time_now_iso(now);
	db_bind_text(st, 1, d->entity);
	db_bind_text(st, 2, d->key);
	db_bind_text(st, 3, buf_str(&d->label));
	db_bind_text(st, 4, d->type);
	db_bind_int(st, 5, d->required);
	db_bind_text(st, 6, d->options);
	db_bind_int(st, 7, position);
	db_bind_text(st, 8, now);
	db_bind_text(st, 9, now);
	if (d->remind_days >= 0)
		db_bind_int(st, 10, d->remind_days);
	else
		db_bind_null(st, 10);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		rc = KITH_OK;
	} else if (rc == ERR_CONFLICT) {
		err_set(err, ERR_CONFLICT, "key", "a custom field '%s' already exists", d->key);
	}
	db_reset(st);
	return rc;
}

int field_define(Db *db, const Actor *actor, const json_t *in, int64_t *id, Err *err)
{
	DefIn d = {0};
	int64_t n = 0;
	int taken = 0;
	json_t *rec = NULL;
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL,
			       "only an owner or admin may define custom fields");
	buf_init(&d.label, KITH_MAX_SHORT + 1);
	int rc = define_check(in, &d, err);
	if (rc || (rc = db_begin(db, err)))
		goto out;
	/* definers of one entity wait for each other, so the count below
	 * includes every field defined before and the limit holds */
	if ((rc = db_lock_key(db, "field_def", d.entity, err)) ||
	    (rc = def_count(db, d.entity, d.key, &n, &taken, err)))
		goto done;
	if (taken)
		rc = err_set(err, ERR_CONFLICT, "key", "a custom field '%s' already exists for %s",
			     d.key, entity_plural(d.entity));
	else if (n >= KITH_MAX_FIELDS)
		rc = err_set(err, ERR_CONFLICT, "entity", "%s already have %u custom fields, the most",
			     entity_plural(d.entity), KITH_MAX_FIELDS);
	else if ((rc = def_insert(db, &d, d.has_position ? d.position : n, id, err)) == KITH_OK &&
		 (rc = field_get(db, *id, &rec, err)) == KITH_OK)
		rc = audit_write(db, actor, "create", "field", *id, rec, err);
done:
	rc = db_end(db, rc, err);
out:
	json_decref(rec);
	buf_free(&d.label);
	free(d.options);
	return rc;
}

/* ERR_CONFLICT naming "options" when a value still uses an option of old
 * that is missing from new_opts. */
static int options_removal_check(Db *db, int64_t field_id, const json_t *old,
				 const json_t *new_opts, Err *err)
{
	static const char sql[] = "SELECT COUNT(*) FROM field_value WHERE field_id = ? AND value = ?";
	size_t i, j;
	json_t *o, *p;
	json_array_foreach(old, i, o)
	{
		int kept = 0;
		json_array_foreach(new_opts, j, p) kept |= json_equal(o, p);
		if (kept)
			continue;
		DbStmt *st;
		int rc = db_prepare(db, &st, sql, err);
		if (rc)
			return rc;
		db_bind_int(st, 1, field_id);
		db_bind_text(st, 2, json_string_value(o));
		rc = db_step(st, err);
		int64_t used = rc == DB_ROW ? db_col_int(st, 0) : 0;
		db_reset(st);
		if (rc != DB_ROW)
			return rc;
		if (used)
			return err_set(err, ERR_CONFLICT, "options",
				       "option '%.200s' is still used by %lld record%s; change them "
				       "first",
				       json_string_value(o), (long long)used, used == 1 ? "" : "s");
	}
	return KITH_OK;
}

/* Entity, key and type are fixed: a patch may repeat them, not change them. */
static int fixed_check(const json_t *patch, const json_t *cur, Err *err)
{
	static const char *const fixed[] = {"entity", "key", "type", NULL};
	for (const char *const *f = fixed; *f; f++) {
		json_t *v = json_object_get(patch, *f);
		if (v && !json_equal(v, json_object_get(cur, *f)))
			return err_set(err, ERR_INVALID, *f, "cannot be changed; define a new field");
	}
	return KITH_OK;
}

/* Apply patch to a copy of cur (after), checking every key. */
static int update_check(Db *db, const json_t *patch, const json_t *cur, json_t *after, Err *err)
{
	static const char *const allowed[] = {"label", "required", "options", "position",
					      "entity", "key",     "type",    "remind_days", NULL};
	int present, required, rc;
	int64_t pos;
	Buf label;
	if (!json_is_object(patch))
		return err_set(err, ERR_INVALID, NULL, "the change must be a JSON object");
	if ((rc = json_check_fields(patch, allowed, err)) || (rc = fixed_check(patch, cur, err)))
		return rc;
	buf_init(&label, KITH_MAX_SHORT + 1);
	rc = label_check(patch, 0, &label, &present, err);
	if (rc == KITH_OK && present)
		json_object_set_new(after, "label", json_string(buf_str(&label)));
	buf_free(&label);
	if (rc || (rc = json_get_bool(patch, "required", &required, &present, err)))
		return rc;
	if (present)
		json_object_set_new(after, "required", json_boolean(required));
	if ((rc = position_check(patch, &pos, &present, err)))
		return rc;
	if (present)
		json_object_set_new(after, "position", json_integer(pos));
	if ((rc = remind_check(patch, json_str_of(cur, "type"), &pos, &present, err)))
		return rc;
	if (present)
		json_object_set_new(after, "remind_days", pos >= 0 ? json_integer(pos) : json_null());
	json_t *opts = json_object_get(patch, "options");
	if (!opts)
		return KITH_OK;
	if (strcmp(json_string_value(json_object_get(cur, "type")), "select") != 0)
		return json_is_null(opts) ? KITH_OK
					  : err_set(err, ERR_INVALID, "options",
						    "only select fields have options");
	if ((rc = options_check(opts, err)) ||
	    (rc = options_removal_check(db, json_integer_value(json_object_get(cur, "id")),
					json_object_get(cur, "options"), opts, err)))
		return rc;
	json_object_set(after, "options", opts);
	return KITH_OK;
}

static int def_store(Db *db, int64_t id, const json_t *after, Err *err)
{
	static const char sql[] = "UPDATE field_def SET label = ?, required = ?, options = ?, "
				  "position = ?, version = version + 1, updated_at = ?, remind_days = ? "
				  "WHERE id = ?";
	DbStmt *st;
	char now[21];
	json_t *opts = json_object_get(after, "options");
	char *opts_text = json_is_array(opts) ? json_dump(opts) : NULL;
	int rc = db_prepare(db, &st, sql, err);
	if (rc == KITH_OK) {
		time_now_iso(now);
		db_bind_text(st, 1, json_string_value(json_object_get(after, "label")));
		db_bind_int(st, 2, json_is_true(json_object_get(after, "required")));
		db_bind_text(st, 3, opts_text);
		db_bind_int(st, 4, json_integer_value(json_object_get(after, "position")));
		db_bind_text(st, 5, now);
		if (json_is_integer(json_object_get(after, "remind_days")))
			db_bind_int(st, 6, json_int_of(after, "remind_days"));
		else
			db_bind_null(st, 6);
		db_bind_int(st, 7, id);
		rc = db_exec_stmt(st, err);
	}
	free(opts_text);
	return rc;
}

/* field_get after locking the definition's row until the transaction ends:
 * a concurrent change or removal of the same field waits, then reads what
 * this one committed (If-Match compares with the latest version). */
static int field_get_locked(Db *db, int64_t id, json_t **out, Err *err)
{
	static const char sql[] = "SELECT id FROM field_def WHERE id = ?" DB_FOR_UPDATE;
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	return field_get(db, id, out, err);
}

int field_update(Db *db, const Actor *actor, int64_t id, const json_t *patch,
		 int64_t expected_version, json_t **out, Err *err)
{
	json_t *cur = NULL, *after = NULL, *fresh = NULL, *diff = NULL;
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL,
			       "only an owner or admin may change custom fields");
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = field_get_locked(db, id, &cur, err)))
		goto done;
	int64_t version = json_integer_value(json_object_get(cur, "version"));
	if (expected_version && expected_version != version) {
		rc = err_set(err, ERR_STALE, "version",
			     "custom field %lld changed since you read it (version %lld, now %lld)",
			     (long long)id, (long long)expected_version, (long long)version);
		goto done;
	}
	after = json_deep_copy(cur);
	if ((rc = update_check(db, patch, cur, after, err)))
		goto done;
	diff = audit_diff(cur, after);
	if (json_object_size(diff) == 0) { /* nothing changed: no new version */
		fresh = json_incref(cur);
		goto done;
	}
	if ((rc = def_store(db, id, after, err)) || (rc = field_get(db, id, &fresh, err)))
		goto done;
	json_decref(diff);
	diff = audit_diff(cur, fresh);
	rc = audit_write(db, actor, "update", "field", id, diff, err);
done:
	rc = db_end(db, rc, err);
	if (rc == KITH_OK && out)
		*out = json_incref(fresh);
	json_decref(cur);
	json_decref(after);
	json_decref(fresh);
	json_decref(diff);
	return rc;
}

static int count_values(Db *db, int64_t id, int64_t *n, Err *err)
{
	static const char sql[] = "SELECT COUNT(*) FROM field_value WHERE field_id = ?";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*n = db_col_int(st, 0);
		rc = KITH_OK;
	}
	db_reset(st);
	return rc;
}

/* The definition's values go with it (core/links.def: the schema's ON
 * DELETE CASCADE). */
static int def_delete_rows(Db *db, int64_t id, Err *err)
{
	static const char def[] = "DELETE FROM field_def WHERE id = ?";
	DbStmt *st;
	int rc = links_purge(db, "field", id, "id", err);
	if (rc || (rc = db_prepare(db, &st, def, err)))
		return rc;
	db_bind_int(st, 1, id);
	return db_exec_stmt(st, err);
}

int field_value_records(Db *db, int64_t field_id, Buf *ids, Err *err)
{
	static const char sql[] = "SELECT record_id FROM field_value WHERE field_id = ? "
				  "ORDER BY record_id";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	db_bind_int(st, 1, field_id);
	return db_collect_ids(st, ids, err);
}

static int bump_generation(Db *db, Err *err)
{
	static const char sql[] = "UPDATE field_schema SET generation = generation + 1 WHERE id = 1";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	return rc ? rc : db_exec_stmt(st, err);
}

int field_generation(Db *db, int64_t *generation, Err *err)
{
	static const char sql[] = "SELECT generation FROM field_schema WHERE id = 1";
	DbStmt *st;
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	rc = db_step(st, err);
	*generation = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_reset(st);
	return rc == DB_ROW ? KITH_OK : rc == DB_DONE ? err_set(err, ERR_STORAGE, NULL, "field_schema row missing") : rc;
}

int field_remove(Db *db, const Actor *actor, int64_t id, int force, int64_t *n_values, Err *err)
{
	json_t *cur = NULL;
	int64_t n = 0;
	if (!access_is_admin(actor))
		return err_set(err, ERR_FORBIDDEN, NULL,
			       "only an owner or admin may delete custom fields");
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if ((rc = field_get_locked(db, id, &cur, err)) || (rc = count_values(db, id, &n, err)))
		goto done;
	if (n && !force) {
		rc = err_set(err, ERR_CONFLICT, "force",
			     "custom field '%s' has %lld value%s, which would be deleted with it; "
			     "confirm with force",
			     json_string_value(json_object_get(cur, "key")), (long long)n,
			     n == 1 ? "" : "s");
		goto done;
	}
	if ((rc = def_delete_rows(db, id, err)) || (n && (rc = bump_generation(db, err))))
		goto done;
	json_object_set_new(cur, "values_deleted", json_integer(n));
	rc = audit_write(db, actor, "delete", "field", id, cur, err);
done:
	rc = db_end(db, rc, err);
	if (rc == KITH_OK && n_values)
		*n_values = n;
	json_decref(cur);
	return rc;
}

int field_delete(Db *db, const Actor *actor, int64_t id, Err *err)
{
	return field_remove(db, actor, id, 1, NULL, err);
}
