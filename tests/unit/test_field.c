/* test_field.c - custom field definitions and typed values. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "core/audit.h"
#include "crm/field.h"
#include "fixture.h"

static Fixture fx;
static const Actor owner = ACTOR_SYSTEM;

static void setup(void)
{
	fixture_open(&fx, NULL);
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(field, .init = setup, .fini = teardown);

/* Define a field from a JSON text; asserts success. */
static int64_t define(const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_loads(json, 0, NULL);
	cr_assert_not_null(in, "bad test JSON %s", json);
	cr_assert_eq(field_define(fx.db, &owner, in, &id, &err), KITH_OK, "%s: %s: %s", json,
		     err.field, err.msg);
	json_decref(in);
	return id;
}

/* Standard set: one field of every type for companies. */
static void define_all(void)
{
	define("{\"entity\":\"company\",\"key\":\"note\",\"label\":\"Note\",\"type\":\"text\"}");
	define("{\"entity\":\"company\",\"key\":\"employees\",\"label\":\"Employees\","
	       "\"type\":\"number\"}");
	define("{\"entity\":\"company\",\"key\":\"founded\",\"label\":\"Founded\",\"type\":\"date\"}");
	define("{\"entity\":\"company\",\"key\":\"budget\",\"label\":\"Budget\",\"type\":\"money\"}");
	define("{\"entity\":\"company\",\"key\":\"tier\",\"label\":\"Tier\",\"type\":\"select\","
	       "\"options\":[\"gold\",\"silver\",\"Złoto\"]}");
	define("{\"entity\":\"company\",\"key\":\"active\",\"label\":\"Active\",\"type\":\"boolean\"}");
}

static int put(int64_t record, const char *json, int creating, Err *err)
{
	json_t *in = json_loads(json, JSON_DECODE_ANY, NULL);
	cr_assert_not_null(in, "bad test JSON %s", json);
	int rc = field_values_put(fx.db, "company", record, in, creating, err);
	json_decref(in);
	return rc;
}

static json_t *get(int64_t record)
{
	Err err = {0};
	json_t *out = NULL;
	cr_assert_eq(field_values_get(fx.db, "company", record, &out, &err), KITH_OK, "%s", err.msg);
	return out;
}

static const char n_defs[] = "SELECT COUNT(*) FROM field_def";
static const char n_values[] = "SELECT COUNT(*) FROM field_value";

Test(field, define_validation_names_the_field_and_stores_nothing)
{
	static const struct {
		const char *json, *field;
		int code;
	} cases[] = {
		{"{\"entity\":\"person\",\"key\":\"a\",\"label\":\"A\",\"type\":\"text\"}", "entity",
		 ERR_INVALID},
		{"{\"key\":\"a\",\"label\":\"A\",\"type\":\"text\"}", "entity", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"A\",\"label\":\"A\",\"type\":\"text\"}", "key",
		 ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"1a\",\"label\":\"A\",\"type\":\"text\"}", "key",
		 ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a-b\",\"label\":\"A\",\"type\":\"text\"}", "key",
		 ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a23456789012345678901234567890123456789012\","
		 "\"label\":\"A\",\"type\":\"text\"}",
		 "key", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"  \",\"type\":\"text\"}", "label",
		 ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"type\":\"text\"}", "label", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"color\"}", "type",
		 ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"text\","
		 "\"required\":\"yes\"}",
		 "required", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"select\"}",
		 "options", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"select\","
		 "\"options\":[]}",
		 "options", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"select\","
		 "\"options\":[\"x\",\"x\"]}",
		 "options", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"select\","
		 "\"options\":[\"x\",\" \"]}",
		 "options", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"select\","
		 "\"options\":[1]}",
		 "options", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"text\","
		 "\"options\":[\"x\"]}",
		 "options", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"text\","
		 "\"colour\":1}",
		 "colour", ERR_INVALID},
		{"{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\",\"type\":\"text\","
		 "\"position\":-1}",
		 "position", ERR_INVALID},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int64_t id = 0;
		json_t *in = json_loads(cases[i].json, 0, NULL);
		cr_assert_not_null(in, "case %zu JSON", i);
		cr_expect_eq(field_define(fx.db, &owner, in, &id, &err), cases[i].code,
			     "case %zu: %s", i, err.msg);
		cr_expect_str_eq(err.field, cases[i].field, "case %zu: %s", i, err.msg);
		json_decref(in);
	}
	cr_expect_eq(fixture_count(&fx, n_defs), 0, "nothing stored by rejected definitions");
}

Test(field, duplicate_key_conflicts_per_entity_only)
{
	Err err = {0};
	int64_t id;
	define("{\"entity\":\"contact\",\"key\":\"budget\",\"label\":\"Budget\",\"type\":\"money\"}");
	define("{\"entity\":\"company\",\"key\":\"budget\",\"label\":\"Budget\",\"type\":\"money\"}");
	json_t *in = json_pack("{ss ss ss ss}", "entity", "contact", "key", "budget", "label", "B",
			       "type", "text");
	cr_expect_eq(field_define(fx.db, &owner, in, &id, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "key");
	json_decref(in);
	cr_expect_eq(fixture_count(&fx, n_defs), 2);
}

Test(field, members_may_not_define_change_or_delete)
{
	Err err = {0};
	int64_t id, fid = define("{\"entity\":\"contact\",\"key\":\"a\",\"label\":\"A\","
				 "\"type\":\"text\"}");
	Actor member = {.user_id = 7, .role = ROLE_MEMBER};
	Actor admin = {.user_id = 0, .role = ROLE_ADMIN};
	json_t *in = json_pack("{ss ss ss ss}", "entity", "contact", "key", "b", "label", "B",
			       "type", "text");
	cr_expect_eq(field_define(fx.db, &member, in, &id, &err), ERR_FORBIDDEN);
	json_t *patch = json_pack("{ss}", "label", "New");
	cr_expect_eq(field_update(fx.db, &member, fid, patch, 0, NULL, &err), ERR_FORBIDDEN);
	cr_expect_eq(field_delete(fx.db, &member, fid, &err), ERR_FORBIDDEN);
	cr_expect_eq(field_define(fx.db, &admin, in, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	json_decref(patch);
	json_t *def = NULL;
	cr_assert_eq(field_get(fx.db, fid, &def, &err), KITH_OK);
	cr_expect_str_eq(json_string_value(json_object_get(def, "label")), "A");
	json_decref(def);
}

Test(field, every_type_accepts_valid_and_rejects_invalid_values)
{
	static const struct {
		const char *json; /* {"key": value} */
		int ok;
	} cases[] = {
		{"{\"note\":\"Zażółć gęślą jaźń\"}", 1},
		{"{\"note\":42}", 0},
		{"{\"note\":true}", 0},
		{"{\"employees\":42}", 1},
		{"{\"employees\":-3.25}", 1},
		{"{\"employees\":\"42\"}", 0},
		{"{\"employees\":false}", 0},
		{"{\"founded\":\"2024-02-29\"}", 1},
		{"{\"founded\":\"2023-02-29\"}", 0},
		{"{\"founded\":\"29.02.2024\"}", 0},
		{"{\"founded\":20240229}", 0},
		{"{\"budget\":{\"amount_minor\":1250,\"currency\":\"EUR\"}}", 1},
		{"{\"budget\":{\"amount\":\"12.50\",\"currency\":\"EUR\"}}", 1},
		{"{\"budget\":{\"amount\":\"1000\",\"currency\":\"JPY\"}}", 1},
		{"{\"budget\":{\"amount\":\"12.5\",\"currency\":\"JPY\"}}", 0},
		{"{\"budget\":{\"amount\":\"12.505\",\"currency\":\"EUR\"}}", 0},
		{"{\"budget\":{\"amount_minor\":1250,\"currency\":\"XXX\"}}", 0},
		{"{\"budget\":{\"amount_minor\":1250,\"currency\":\"eur\"}}", 0},
		{"{\"budget\":{\"amount_minor\":12.5,\"currency\":\"EUR\"}}", 0},
		{"{\"budget\":{\"amount_minor\":1250}}", 0},
		{"{\"budget\":{\"currency\":\"EUR\"}}", 0},
		{"{\"budget\":{\"amount_minor\":1250,\"currency\":\"EUR\",\"amount\":\"12.50\"}}", 1},
		{"{\"budget\":{\"amount_minor\":1251,\"currency\":\"EUR\",\"amount\":\"12.50\"}}", 0},
		{"{\"budget\":{\"amount_minor\":1250,\"currency\":\"EUR\",\"rate\":1}}", 0},
		{"{\"budget\":\"12.50 EUR\"}", 0},
		{"{\"tier\":\"gold\"}", 1},
		{"{\"tier\":\"Złoto\"}", 1},
		{"{\"tier\":\"Gold\"}", 0},
		{"{\"tier\":\"bronze\"}", 0},
		{"{\"tier\":1}", 0},
		{"{\"active\":true}", 1},
		{"{\"active\":false}", 1},
		{"{\"active\":\"true\"}", 0},
		{"{\"active\":1}", 0},
	};
	define_all();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int rc = put(100 + (int64_t)i, cases[i].json, 0, &err);
		json_t *in = json_loads(cases[i].json, 0, NULL);
		const char *key = json_object_iter_key(json_object_iter(in));
		char field[64];
		snprintf(field, sizeof field, "custom.%s", key);
		if (cases[i].ok) {
			cr_expect_eq(rc, KITH_OK, "case %zu %s: %s", i, cases[i].json, err.msg);
			json_t *got = get(100 + (int64_t)i);
			cr_expect_not_null(json_object_get(got, key), "case %zu stored", i);
			json_decref(got);
		} else {
			cr_expect_eq(rc, ERR_INVALID, "case %zu %s", i, cases[i].json);
			cr_expect_str_eq(err.field, field, "case %zu: %s", i, err.msg);
			json_t *got = get(100 + (int64_t)i);
			cr_expect_eq(json_object_size(got), 0, "case %zu stored nothing", i);
			json_decref(got);
		}
		json_decref(in);
	}
}

Test(field, values_round_trip_with_their_types)
{
	Err err = {0};
	define_all();
	cr_assert_eq(put(1,
			 "{\"note\":\"ตัวอย่าง\",\"employees\":12.0,\"founded\":\"1999-12-31\","
			 "\"budget\":{\"amount\":\"12.50\",\"currency\":\"EUR\"},"
			 "\"tier\":\"silver\",\"active\":false}",
			 1, &err),
		     KITH_OK, "%s: %s", err.field, err.msg);
	cr_assert_eq(put(2, "{\"employees\":0.1,\"budget\":{\"amount_minor\":-5,\"currency\":\"BHD\"}}",
			 1, &err),
		     KITH_OK, "%s", err.msg);
	json_t *a = get(1), *b = get(2);
	cr_expect_str_eq(json_string_value(json_object_get(a, "note")), "ตัวอย่าง");
	cr_expect(json_is_integer(json_object_get(a, "employees")), "integral number as integer");
	cr_expect_eq(json_integer_value(json_object_get(a, "employees")), 12);
	cr_expect_str_eq(json_string_value(json_object_get(a, "founded")), "1999-12-31");
	json_t *m = json_object_get(a, "budget");
	cr_expect_eq(json_integer_value(json_object_get(m, "amount_minor")), 1250);
	cr_expect_str_eq(json_string_value(json_object_get(m, "currency")), "EUR");
	cr_expect_str_eq(json_string_value(json_object_get(m, "amount")), "12.50");
	cr_expect_str_eq(json_string_value(json_object_get(a, "tier")), "silver");
	cr_expect(json_is_false(json_object_get(a, "active")));
	cr_expect(json_is_real(json_object_get(b, "employees")), "decimal number as real");
	cr_expect(json_real_value(json_object_get(b, "employees")) == 0.1);
	m = json_object_get(b, "budget");
	cr_expect_eq(json_integer_value(json_object_get(m, "amount_minor")), -5);
	cr_expect_str_eq(json_string_value(json_object_get(m, "amount")), "-0.005");
	/* What we output is accepted back unchanged. */
	cr_expect_eq(field_values_put(fx.db, "company", 3, a, 1, &err), KITH_OK, "%s", err.msg);
	json_t *c = get(3);
	cr_expect(json_equal(a, c), "GET output round-trips through PUT");
	/* Stored canonical text. */
	DbStmt *st;
	static const char sql[] = "SELECT v.value FROM field_value v JOIN field_def d ON "
				  "d.id = v.field_id WHERE v.record_id = 1 AND d.key = ?";
	static const struct {
		const char *key, *text;
	} canon[] = {{"employees", "12"}, {"budget", "1250 EUR"}, {"active", "false"}};
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK);
		db_bind_text(st, 1, canon[i].key);
		cr_assert_eq(db_step(st, &err), DB_ROW);
		cr_expect_str_eq(db_col_text(st, 0), canon[i].text);
		db_reset(st);
	}
	/* null deletes, other values stay. */
	cr_assert_eq(put(1, "{\"note\":null,\"tier\":null}", 0, &err), KITH_OK);
	json_t *d = get(1);
	cr_expect_null(json_object_get(d, "note"));
	cr_expect_null(json_object_get(d, "tier"));
	cr_expect_not_null(json_object_get(d, "founded"));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(d);
}

Test(field, unknown_key_and_non_object_are_rejected)
{
	Err err = {0};
	define_all();
	cr_expect_eq(put(1, "{\"note\":\"x\",\"colour\":\"red\"}", 0, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.colour");
	cr_expect_str_eq(err.msg, "no custom field 'colour' for companies");
	cr_expect_eq(fixture_count(&fx, n_values), 0, "the valid value was not written either");
	cr_expect_eq(put(1, "[1]", 0, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom");
	/* A contact field is not a company field. */
	define("{\"entity\":\"contact\",\"key\":\"shoe\",\"label\":\"Shoe\",\"type\":\"number\"}");
	cr_expect_eq(put(1, "{\"shoe\":44}", 0, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.shoe");
}

Test(field, required_on_create_and_on_update)
{
	Err err = {0};
	define_all();
	define("{\"entity\":\"company\",\"key\":\"vat_status\",\"label\":\"VAT\",\"type\":\"text\","
	       "\"required\":true}");
	cr_expect_eq(put(1, "{\"note\":\"x\"}", 1, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.vat_status");
	cr_expect_eq(field_values_put(fx.db, "company", 1, NULL, 1, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.vat_status");
	cr_expect_eq(put(1, "{\"vat_status\":\"\"}", 1, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.vat_status");
	cr_expect_eq(fixture_count(&fx, n_values), 0);
	cr_assert_eq(put(1, "{\"vat_status\":\"exempt\"}", 1, &err), KITH_OK, "%s", err.msg);
	/* Update: may leave it out, may not remove it. */
	cr_expect_eq(put(1, "{\"note\":\"y\"}", 0, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(put(1, "{\"vat_status\":null}", 0, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.vat_status");
	json_t *v = get(1);
	cr_expect_str_eq(json_string_value(json_object_get(v, "vat_status")), "exempt");
	json_decref(v);
}

Test(field, select_options_change_checks_values_in_use)
{
	Err err = {0};
	define_all();
	json_t *list = NULL;
	cr_assert_eq(field_list(fx.db, "company", &list, &err), KITH_OK);
	int64_t tier = 0, version = 0;
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d) if (!strcmp(json_string_value(json_object_get(d, "key")),
						 "tier"))
	{
		tier = json_integer_value(json_object_get(d, "id"));
		version = json_integer_value(json_object_get(d, "version"));
	}
	json_decref(list);
	cr_assert(tier > 0);
	cr_assert_eq(put(1, "{\"tier\":\"gold\"}", 0, &err), KITH_OK);
	json_t *patch = json_loads("{\"options\":[\"silver\",\"bronze\"]}", 0, NULL), *out = NULL;
	cr_expect_eq(field_update(fx.db, &owner, tier, patch, version, &out, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "options");
	cr_expect(strstr(err.msg, "'gold'") != NULL, "%s", err.msg);
	json_decref(patch);
	/* Unused options may go; new ones come. */
	patch = json_loads("{\"options\":[\"gold\",\"bronze\"],\"label\":\" Level \"}", 0, NULL);
	cr_assert_eq(field_update(fx.db, &owner, tier, patch, version, &out, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_eq(json_integer_value(json_object_get(out, "version")), version + 1);
	cr_expect_str_eq(json_string_value(json_object_get(out, "label")), "Level");
	cr_expect_eq(json_array_size(json_object_get(out, "options")), 2);
	json_decref(out);
	cr_expect_eq(put(2, "{\"tier\":\"silver\"}", 0, &err), ERR_INVALID);
	cr_expect_eq(put(2, "{\"tier\":\"bronze\"}", 0, &err), KITH_OK);
	/* Stale version, fixed keys, options on a non-select field. */
	cr_expect_eq(field_update(fx.db, &owner, tier, patch, version, &out, &err), ERR_STALE);
	json_decref(patch);
	patch = json_loads("{\"type\":\"text\"}", 0, NULL);
	cr_expect_eq(field_update(fx.db, &owner, tier, patch, 0, &out, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "type");
	json_decref(patch);
	patch = json_loads("{\"options\":[]}", 0, NULL);
	cr_expect_eq(field_update(fx.db, &owner, tier, patch, 0, &out, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "options");
	json_decref(patch);
	cr_expect_eq(field_update(fx.db, &owner, 9999, patch, 0, &out, &err), ERR_NOT_FOUND);
}

Test(field, delete_with_values_needs_force_and_deletes_them)
{
	Err err = {0};
	int64_t n = -1;
	int64_t id = define("{\"entity\":\"company\",\"key\":\"note\",\"label\":\"Note\","
			    "\"type\":\"text\"}");
	int64_t empty = define("{\"entity\":\"company\",\"key\":\"other\",\"label\":\"Other\","
			       "\"type\":\"text\"}");
	cr_assert_eq(put(1, "{\"note\":\"a\"}", 0, &err), KITH_OK);
	cr_assert_eq(put(2, "{\"note\":\"b\"}", 0, &err), KITH_OK);
	cr_expect_eq(field_remove(fx.db, &owner, id, 0, &n, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "force");
	cr_expect(strstr(err.msg, "2 values") != NULL, "%s", err.msg);
	cr_expect_eq(fixture_count(&fx, n_values), 2);
	cr_expect_eq(field_remove(fx.db, &owner, empty, 0, &n, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(n, 0);
	cr_expect_eq(field_remove(fx.db, &owner, id, 1, &n, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(n, 2);
	cr_expect_eq(fixture_count(&fx, n_values), 0);
	cr_expect_eq(fixture_count(&fx, n_defs), 0);
	json_t *def = NULL;
	cr_expect_eq(field_get(fx.db, id, &def, &err), ERR_NOT_FOUND);
	cr_expect_eq(field_delete(fx.db, &owner, id, &err), ERR_NOT_FOUND);
}

Test(field, audit_entries_for_define_update_delete)
{
	Err err = {0};
	int64_t id = define("{\"entity\":\"deal\",\"key\":\"stage_note\",\"label\":\"Note\","
			    "\"type\":\"text\"}");
	json_t *patch = json_pack("{sb}", "required", 1), *log = NULL;
	cr_assert_eq(field_update(fx.db, &owner, id, patch, 0, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(field_delete(fx.db, &owner, id, &err), KITH_OK);
	cr_assert_eq(audit_list(fx.db, "field", id, 10, &log, &err), KITH_OK);
	cr_assert_eq(json_array_size(log), 3);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(log, 0), "action")),
			 "delete");
	json_t *upd = json_object_get(json_array_get(log, 1), "changes");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(log, 1), "action")),
			 "update");
	cr_expect(json_is_true(json_array_get(json_object_get(upd, "required"), 1)));
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(log, 2), "action")),
			 "create");
	json_decref(patch);
	json_decref(log);
}

Test(field, list_orders_by_position_then_key_and_filters_entity)
{
	Err err = {0};
	json_t *list = NULL;
	define("{\"entity\":\"company\",\"key\":\"b\",\"label\":\"B\",\"type\":\"text\","
	       "\"position\":1}");
	define("{\"entity\":\"company\",\"key\":\"a\",\"label\":\"A\",\"type\":\"text\","
	       "\"position\":1}");
	define("{\"entity\":\"company\",\"key\":\"z\",\"label\":\"Z\",\"type\":\"text\","
	       "\"position\":0}");
	define("{\"entity\":\"contact\",\"key\":\"c\",\"label\":\"C\",\"type\":\"text\"}");
	cr_assert_eq(field_list(fx.db, "company", &list, &err), KITH_OK);
	cr_assert_eq(json_array_size(list), 3);
	const char *order[] = {"z", "a", "b"};
	for (size_t i = 0; i < 3; i++)
		cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, i), "key")),
				 order[i]);
	json_decref(list);
	cr_assert_eq(field_list(fx.db, NULL, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 4);
	json_decref(list);
	cr_expect_eq(field_list(fx.db, "person", &list, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "entity");
}

Test(field, text_and_merge_of_record_values)
{
	Err err = {0};
	Buf b;
	define_all();
	cr_assert_eq(put(1, "{\"note\":\"Öl\",\"tier\":\"gold\",\"employees\":5}", 0, &err), KITH_OK);
	cr_assert_eq(put(2, "{\"note\":\"kept\",\"founded\":\"2000-01-01\"}", 0, &err), KITH_OK);
	buf_init(&b, 0);
	cr_assert_eq(field_values_text(fx.db, "company", 1, &b, &err), KITH_OK);
	cr_expect_str_eq(buf_str(&b), "Öl gold");
	buf_free(&b);
	cr_assert_eq(field_values_merge(fx.db, "company", 2, 1, &err), KITH_OK, "%s", err.msg);
	json_t *v = get(2);
	cr_expect_str_eq(json_string_value(json_object_get(v, "note")), "kept", "keep wins");
	cr_expect_str_eq(json_string_value(json_object_get(v, "tier")), "gold");
	cr_expect_eq(json_integer_value(json_object_get(v, "employees")), 5);
	json_decref(v);
}

Test(field, value_from_text_converts_by_type)
{
	static const struct {
		const char *key, *text, *json; /* json NULL = rejected */
	} cases[] = {
		{"note", "hello world", "\"hello world\""},
		{"note", "", "null"},
		{"employees", "42", "42"},
		{"employees", "-9007199254740993", "-9007199254740993"},
		{"employees", "12.50", "12.5"},
		{"employees", "1e3", NULL},
		{"employees", "nan", NULL},
		{"employees", "12,5", NULL},
		{"employees", "0x10", NULL},
		{"founded", "2024-02-29", "\"2024-02-29\""},
		{"founded", "2024-02-30", NULL},
		{"budget", "12.50 EUR", "{\"amount\":\"12.50\",\"currency\":\"EUR\"}"},
		{"budget", "PLN 7", "{\"amount\":\"7\",\"currency\":\"PLN\"}"},
		{"budget", "12.50", NULL},
		{"budget", "12.505 EUR", NULL},
		{"budget", "12.50 XYZ", NULL},
		{"tier", "gold", "\"gold\""},
		{"tier", "platinum", NULL},
		{"active", "yes", "true"},
		{"active", "No", "false"},
		{"active", "1", "true"},
		{"active", "0", "false"},
		{"active", "maybe", NULL},
		{"missing", "x", NULL},
	};
	define_all();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		json_t *v = NULL;
		int rc = field_value_from_text(fx.db, "company", cases[i].key, cases[i].text, &v,
					       &err);
		if (cases[i].json) {
			cr_expect_eq(rc, KITH_OK, "case %zu: %s", i, err.msg);
			json_t *want = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
			cr_expect(json_equal(v, want), "case %zu: got %s", i,
				  v ? json_dumps(v, JSON_ENCODE_ANY) : "NULL");
			json_decref(want);
			json_decref(v);
		} else {
			char field[64];
			snprintf(field, sizeof field, "custom.%s", cases[i].key);
			cr_expect_eq(rc, ERR_INVALID, "case %zu", i);
			cr_expect_str_eq(err.field, field, "case %zu", i);
		}
	}
}

Test(field, limits_on_fields_per_entity_and_options)
{
	Err err = {0};
	int64_t id;
	char json[160];
	for (unsigned i = 0; i < KITH_MAX_FIELDS; i++) {
		snprintf(json, sizeof json,
			 "{\"entity\":\"deal\",\"key\":\"f%u\",\"label\":\"F\",\"type\":\"text\"}", i);
		define(json);
	}
	json_t *in = json_pack("{ss ss ss ss}", "entity", "deal", "key", "one_more", "label", "X",
			       "type", "text");
	cr_expect_eq(field_define(fx.db, &owner, in, &id, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "entity");
	json_object_set_new(in, "entity", json_string("contact"));
	cr_expect_eq(field_define(fx.db, &owner, in, &id, &err), KITH_OK, "other entities unaffected");
	json_decref(in);
	json_t *opts = json_array();
	for (unsigned i = 0; i <= KITH_MAX_FIELD_OPTIONS; i++) {
		snprintf(json, sizeof json, "o%u", i);
		json_array_append_new(opts, json_string(json));
	}
	in = json_pack("{ss ss ss ss so}", "entity", "company", "key", "many", "label", "M", "type",
		       "select", "options", opts);
	cr_expect_eq(field_define(fx.db, &owner, in, &id, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "options");
	json_array_remove(opts, 0);
	cr_expect_eq(field_define(fx.db, &owner, in, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
}

Test(field, values_of_many_records_match_one_by_one)
{
	Err err = {0};
	define_all();
	/* a contact field with a value on record 1: another entity's, never listed */
	define("{\"entity\":\"contact\",\"key\":\"note\",\"label\":\"Note\",\"type\":\"text\"}");
	json_t *cin = json_pack("{ss}", "note", "of a contact");
	cr_assert_eq(field_values_put(fx.db, "contact", 1, cin, 1, &err), KITH_OK, "%s", err.msg);
	json_decref(cin);
	cr_assert_eq(put(1,
			 "{\"tier\":\"gold\",\"note\":\"a\",\"employees\":3,\"founded\":\"2001-02-03\","
			 "\"budget\":{\"amount_minor\":5,\"currency\":\"EUR\"},\"active\":true}",
			 1, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(put(3, "{\"employees\":0.5}", 1, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(put(7, "{\"note\":\"seven\",\"tier\":\"Złoto\"}", 1, &err), KITH_OK, "%s",
		     err.msg);
	/* out of id order, a record without values (2), one listed twice (7) */
	const int64_t ids[] = {7, 2, 1, 3, 7};
	enum { N = sizeof ids / sizeof ids[0] };
	json_t *many[N];
	cr_assert_eq(field_values_get_many(fx.db, "company", ids, N, many, &err), KITH_OK, "%s",
		     err.msg);
	for (size_t i = 0; i < N; i++) {
		json_t *one = get(ids[i]);
		char *a = json_dumps(many[i], JSON_COMPACT), *b = json_dumps(one, JSON_COMPACT);
		/* the same members in the same order */
		cr_expect_str_eq(a, b, "record %lld", (long long)ids[i]);
		free(a);
		free(b);
		json_decref(one);
		json_decref(many[i]);
	}
	json_t *none = get(2);
	cr_expect_eq(json_object_size(none), 0);
	json_decref(none);
	/* none listed: nothing read, nothing written */
	cr_expect_eq(field_values_get_many(fx.db, "company", ids, 0, many, &err), KITH_OK);
}
