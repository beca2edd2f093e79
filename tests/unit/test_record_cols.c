/* test_record_cols.c - the per-kind column table (core/record_cols.h):
 * each column type with and without NULL, nested keys, placeholders, the
 * key order, and that every kind's SELECT list holds exactly the columns
 * its table reads. */
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
