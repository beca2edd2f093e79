/* test_record_cols.c - the per-kind column table (core/record_cols.h):
 * each column type with and without NULL, nested keys, placeholders, the
 * key order, the row written as JSON text byte for byte as json_dump
 * writes the object, and that every kind's SELECT list holds exactly the
 * columns its table reads. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_cols.h"
#include "crm/activity.h"
#include "crm/company.h"
#include "crm/contact_rec.h"
#include "crm/deal.h"
#include "crm/pipeline.h"
#include "crm/task.h"
#include "fixture.h"

static Fixture fx;

static void setup(void)
{
	fixture_open_empty(&fx);
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(record_cols, .init = setup, .fini = teardown);

/* Every type once with a value and once NULL; literals stand in for a
 * table's columns. */
#define SAMPLE_COL_LIST(X)                                                                         \
	X(ID, "7", "id")                                                                           \
	X(TEXT, "'Łódź'", "name")                                                                  \
	X(TEXT, "NULL", "title")                                                                   \
	X(INT, "42", "count")                                                                      \
	X(INT, "NULL", "owner_id")                                                                 \
	X(BOOL, "1", "yes")                                                                        \
	X(BOOL, "0", "no")                                                                         \
	X(BOOL, "NULL", "maybe")                                                                   \
	X(TEXT, "'Main St 1'", "address.street")                                                   \
	X(TEXT, "NULL", "address.city")                                                            \
	X(ARRAY, NULL, "tags")                                                                     \
	X(INSTANT, "'2026-12-03T12:00:00Z'", "at")                                                 \
	X(INSTANT, "NULL", "deleted_at")                                                           \
	X(DATE, "'2026-12-31'", "due_date")                                                        \
	X(DATE, "NULL", "birthday")                                                                \
	X(MONEY, "123456, 'EUR'", "value")                                                         \
	X(MONEY, "500, 'JPY'", "fee")                                                              \
	X(MONEY, "1, 'BHD'", "tip")                                                                \
	X(OBJECT, NULL, "custom")                                                                  \
	X(LATER, NULL, "contact_count")                                                            \
	X(TEXT, "'last'", "address.country")
static const RecordCols sample = RECORD_COLS(SAMPLE_COL_LIST);

/* The JSON of the one row "SELECT <sample> , 99" (a column after the
 * table's), compact, in key order; caller frees. */
static char *sample_row(int *after)
{
	static const char sql[] = "SELECT " RECORD_COLS_SELECT(SAMPLE_COL_LIST) ", 99";
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	json_t *rec = record_cols_json(st, &sample);
	*after = (int)db_col_int(st, record_cols_width(&sample));
	db_reset(st);
	cr_assert_not_null(rec);
	char *s = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(rec);
	return s;
}

Test(record_cols, every_type_in_key_order)
{
	int after = 0;
	char *s = sample_row(&after);
	cr_expect_str_eq(
	    s, "{\"id\":7,\"name\":\"Łódź\",\"title\":null,\"count\":42,\"owner_id\":null,"
	       "\"yes\":true,\"no\":false,\"maybe\":null,"
	       "\"address\":{\"street\":\"Main St 1\",\"city\":null,\"country\":\"last\"},"
	       "\"tags\":[],\"at\":\"2026-12-03T12:00:00Z\",\"deleted_at\":null,"
	       "\"due_date\":\"2026-12-31\",\"birthday\":null,"
	       "\"value\":{\"amount_minor\":123456,\"currency\":\"EUR\",\"amount\":\"1234.56\"},"
	       "\"fee\":{\"amount_minor\":500,\"currency\":\"JPY\",\"amount\":\"500\"},"
	       "\"tip\":{\"amount_minor\":1,\"currency\":\"BHD\",\"amount\":\"0.001\"},"
	       "\"custom\":{},\"contact_count\":null}");
	cr_expect_eq(after, 99, "the first column after the table is at its width");
	free(s);
}

/* A flat table (no nested keys): every type, NULL, and texts that need
 * escapes (each control character, quote, backslash, DEL, slash, Thai,
 * Polish, an emoji). */
#define FLAT_COL_LIST(X)                                                                           \
	X(ID, "-7", "id")                                                                          \
	X(TEXT, "?", "name")	 /* flat_name */                                                   \
	X(TEXT, "?", "controls") /* flat_controls */                                               \
	X(TEXT, "NULL", "title")                                                                   \
	X(INT, "-9223372036854775807 - 1", "min")                                                  \
	X(INT, "9223372036854775807", "max")                                                       \
	X(INT, "0", "zero")                                                                        \
	X(INT, "NULL", "owner_id")                                                                 \
	X(BOOL, "2", "yes")                                                                        \
	X(BOOL, "0", "no")                                                                         \
	X(BOOL, "NULL", "maybe")                                                                   \
	X(ARRAY, NULL, "tags")                                                                     \
	X(INSTANT, "'2026-12-03T12:00:00Z'", "at")                                                 \
	X(DATE, "NULL", "birthday")                                                                \
	X(MONEY, "123456, 'EUR'", "value")                                                         \
	X(OBJECT, NULL, "custom")                                                                  \
	X(LATER, NULL, "contact_count")
static const RecordCols flat = RECORD_COLS(FLAT_COL_LIST);
/* Its texts, as parameters (no SQL function makes characters on both
 * backends) */
static const char flat_name[] = "Łódź \"q\" \\ / \x7f ก 😀";
static const char flat_controls[] =
    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20";

/* record_cols_text of the one row of sql (which selects k's columns; its
 * parameters 1 and 2 p1 and p2 unless NULL) against json_dump of
 * record_cols_json of the same row. */
static void expect_text_is_json_dump(const char *sql, const RecordCols *k, const char *p1,
				     const char *p2)
{
	Err err = {0};
	DbStmt *st;
	Buf b;
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	if (p1)
		db_bind_text(st, 1, p1);
	if (p2)
		db_bind_text(st, 2, p2);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	json_t *rec = record_cols_json(st, k);
	cr_assert_not_null(rec);
	char *want = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(rec);
	buf_init(&b, 0);
	buf_adds(&b, "[1,"); /* appends to what the buffer holds */
	cr_assert_eq(record_cols_text(st, k, &b), 0);
	db_reset(st);
	cr_assert_eq(strncmp(buf_str(&b), "[1,", 3), 0);
	cr_expect_str_eq(buf_str(&b) + 3, want);
	free(want);
	buf_free(&b);
}

Test(record_cols, text_is_what_json_dump_writes)
{
	expect_text_is_json_dump("SELECT " RECORD_COLS_SELECT(FLAT_COL_LIST), &flat, flat_name,
				 flat_controls);
	/* nested keys: built and serialized */
	expect_text_is_json_dump("SELECT " RECORD_COLS_SELECT(SAMPLE_COL_LIST), &sample, NULL,
				 NULL);
}

/* An id and one text, for rows of single texts. */
#define ONE_TEXT_LIST(X) X(ID, "1", "id") X(TEXT, "?", "s")
static const RecordCols one = RECORD_COLS(ONE_TEXT_LIST);

/* Every byte value that can start a one-byte character, as a text. */
Test(record_cols, text_escapes_every_ascii_byte_as_jansson)
{
	static const char sql[] = "SELECT 1, ?";
	Err err = {0};
	DbStmt *st;
	for (int c = 1; c < 128; c++) {
		char s[4] = {'a', (char)c, 'z', 0};
		Buf b;
		cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
		db_bind_text(st, 1, s);
		cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
		json_t *rec = record_cols_json(st, &one);
		char *want = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
		buf_init(&b, 0);
		cr_assert_eq(record_cols_text(st, &one, &b), 0);
		db_reset(st);
		cr_expect_str_eq(buf_str(&b), want, "byte %d", c);
		json_decref(rec);
		free(want);
		buf_free(&b);
	}
}

/* A text that is not UTF-8 (an overlong '/', a lone surrogate, a cut
 * sequence): json_string refuses it, so record_cols_json answers NULL and
 * record_cols_text -1. */
Test(record_cols, text_refuses_what_is_not_utf8)
{
	static const char *const sqls[] = {
	    "SELECT 1, CAST(x'41C0AF42' AS TEXT)",
	    "SELECT 1, CAST(x'EDA080' AS TEXT)",
	    "SELECT 1, CAST(x'41E282' AS TEXT)",
	};
	static const char *const texts[] = {"\x41\xc0\xaf\x42", "\xed\xa0\x80", "\x41\xe2\x82"};
	if (fx.pg[0]) {
		/* PostgreSQL refuses such a text at the door, so none is read
		 * back; SQLite stores it, so record_cols is checked there */
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
			Err err = {0};
			DbStmt *st;
			cr_assert_eq(db_prepare(fx.db, &st, "SELECT 1, ?", &err), KITH_OK, "%s",
				     err.msg);
			db_bind_text(st, 1, texts[i]);
			cr_expect_eq(db_step(st, &err), ERR_STORAGE, "text %zu", i);
			db_reset(st);
		}
		fixture_use_sqlite(&fx, NULL);
	}
	for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
		Err err = {0};
		DbStmt *st;
		Buf b;
		cr_assert_eq(db_prepare(fx.db, &st, sqls[i], &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
		json_t *rec = record_cols_json(st, &one);
		buf_init(&b, 0);
		cr_expect_null(rec, "%s", sqls[i]);
		cr_expect_eq(record_cols_text(st, &one, &b), -1, "%s", sqls[i]);
		db_reset(st);
		json_decref(rec);
		buf_free(&b);
	}
}

Test(record_cols, width_counts_money_twice_and_placeholders_never)
{
	/* 21 entries: 3 placeholders, 3 money pairs */
	cr_expect_eq(sample.n_cols, 21);
	cr_expect_eq(record_cols_width(&sample), 21 - 3 + 3);
	cr_expect_eq(record_cols_count_select(sample.select), record_cols_width(&sample));
	cr_expect(record_cols_check(&sample));
}

Test(record_cols, count_select)
{
	static const struct {
		const char *select;
		int n;
	} cases[] = {
	    {"", 0},
	    {"  ", 0},
	    {"a", 1},
	    {"a, b", 2},
	    {"c.id, COALESCE(c.a, c.b), 'x, y', \"q,r\"", 4},
	    {"(SELECT COUNT(*) FROM t WHERE a IN (1, 2)), 'it''s, here', b", 3},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(record_cols_count_select(cases[i].select), cases[i].n, "'%s'",
			     cases[i].select);
}

/* A list whose money entry selects one column instead of two, one whose
 * id is not first, and a select list with a column the table lacks: the
 * check refuses each. */
#define SHORT_MONEY_LIST(X) X(ID, "d.id", "id") X(MONEY, "d.amount_minor", "value")
#define ID_LATE_LIST(X) X(TEXT, "d.title", "title") X(ID, "d.id", "id")
static const RecordCols short_money = RECORD_COLS(SHORT_MONEY_LIST);
static const RecordCols id_late = RECORD_COLS(ID_LATE_LIST);
Test(record_cols, check_refuses_a_column_on_one_side_only)
{
	RecordCols extra = short_money;
	extra.select = "d.id, d.amount_minor, d.currency, d.title";
	cr_expect_not(record_cols_check(&short_money));
	cr_expect_not(record_cols_check(&id_late));
	cr_expect_not(record_cols_check(&extra));
	extra.select = "d.id, d.amount_minor, d.currency";
	cr_expect(record_cols_check(&extra));
}

/* Every kind that reads its rows through a table: the SELECT list the
 * statements use and the table the JSON is read with hold the same
 * columns. Add a kind here when it gains a table. */
Test(record_cols, every_kind_select_matches_its_table)
{
	static const struct {
		const char *name;
		const RecordCols *k;
	} kinds[] = {
	    {"company", &company_record_cols},
	    {"deal", &deal_record_cols},
	    {"stage_change", &stage_change_record_cols},
	    {"pipeline", &pipeline_record_cols},
	    {"stage", &stage_record_cols},
	    {"activity", &activity_record_cols},
	    {"task", &task_record_cols},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		const RecordCols *k = kinds[i].k;
		cr_expect(record_cols_check(k), "%s: select has %d columns, table reads %d",
			  kinds[i].name, record_cols_count_select(k->select), record_cols_width(k));
		for (int c = 0; c < k->n_cols; c++)
			cr_expect_eq(k->cols[c].sql == NULL, k->cols[c].type >= RECORD_COL_ARRAY,
				     "%s: %s", kinds[i].name, k->cols[c].key);
	}
}

/* Contacts read into a ContactRec, not through a table (contact_rec.h), but
 * their two SELECT lists come from one X-macro too: ids, the S_* texts,
 * cadence_days. */
Test(record_cols, contact_selects_match_contact_rec)
{
	cr_expect_eq(record_cols_count_select(CONTACT_COLS), 4 + N_S + 1);
	cr_expect_eq(record_cols_count_select(CONTACT_LIST_COLS), 4 + N_S + 1);
	cr_expect_not_null(strstr(CONTACT_COLS, ", c.notes, c.consent_note, c.created_at,"));
	cr_expect_not_null(strstr(CONTACT_LIST_COLS, ", c.source, NULL, NULL, c.created_at,"));
}
