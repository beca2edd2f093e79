/* test_tag.c - tags: validation, one tag per folded name keeping the first
 * spelling, arrays of tags, the list by what the actor may see, cadence. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/limits.h"
#include "core/audit.h"
#include "crm/collab.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/tag.h"
#include "fixture.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;
static void setup(void)
{
	fixture_open(&fx, NULL);
}
static void teardown(void)
{
	fixture_close(&fx);
}

TestSuite(tag, .init = setup, .fini = teardown);

Test(tag, check_table)
{
	static char longest[KITH_MAX_SHORT + 1], too_long[KITH_MAX_SHORT + 2];
	memset(longest, 'a', KITH_MAX_SHORT);
	memset(too_long, 'a', KITH_MAX_SHORT + 1);
	static const struct {
		const char *name;
		int ok;
	} cases[] = {
	    {"vip", 1},	      {"VIP customer", 1},
	    {"Zażółć", 1},    {"ลูกค้า", 1},
	    {"İstanbul", 1},  {"a-b_c/d:e", 1},
	    {longest, 1},     {too_long, 0},
	    {"", 0},	      {"   ", 0},
	    {"\t\n", 0},      {NULL, 0},
	    {"a,b", 0},	      {",", 0},
	    {"tab\there", 0}, {"line\nbreak", 0},
	    {"bell\a", 0},    {"bad \xff utf-8", 0},
	    {"\xc3", 0},      {"overlong \xc0\xaf", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int rc = tag_check(cases[i].name, "tags", &err);
		if (cases[i].ok) {
			cr_expect_eq(rc, KITH_OK, "case %zu: %s", i, err.msg);
		} else {
			cr_expect_eq(rc, ERR_INVALID, "case %zu accepted", i);
			cr_expect_str_eq(err.field, "tags", "case %zu", i);
		}
	}
}

Test(tag, one_tag_per_folded_name)
{
	Err err = {0};
	int64_t a = 0, b = 0, c = 0, d = 0, none = -1;
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	cr_assert_eq(tag_resolve(fx.db, "  VIP  ", &a, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(tag_resolve(fx.db, "vip", &b, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(tag_resolve(fx.db, "Łódź", &c, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(tag_resolve(fx.db, "LODZ", &d, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(tag_resolve(fx.db, "a,b", &none, &err), ERR_INVALID);
	cr_assert_eq(db_commit(fx.db, &err), KITH_OK, "%s", err.msg);
	cr_expect_gt(a, 0);
	cr_expect_eq(a, b, "VIP and vip are one tag");
	cr_expect_eq(c, d, "diacritics fold away");
	cr_expect_neq(a, c);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM tag"), 2);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM tag WHERE name = 'VIP'"), 1,
		     "the first spelling, trimmed, is kept");
	int64_t f = -1;
	cr_expect_eq(tag_find(fx.db, "Vip", &f, &err), KITH_OK);
	cr_expect_eq(f, a);
	cr_expect_eq(tag_find(fx.db, "lódź", &f, &err), KITH_OK);
	cr_expect_eq(f, c);
	cr_expect_eq(tag_find(fx.db, "nobody", &f, &err), KITH_OK);
	cr_expect_eq(f, 0, "0 when there is no such tag");
}

Test(tag, check_array_table)
{
	static const struct {
		const char *json;
		int ok;
	} cases[] = {
	    {"[]", 1},
	    {"[\"vip\", \"new\"]", 1},
	    {"[\"ลูกค้า\", \"Zażółć\"]", 1},
	    {"[\"vip\", \"VIP\"]", 0},
	    {"[\"vip\", \" vip \"]", 0},
	    {"[\"Łódź\", \"lodz\"]", 0},
	    {"[\"vip\", 1]", 0},
	    {"[\"vip\", null]", 0},
	    {"[[\"vip\"]]", 0},
	    {"[\"\"]", 0},
	    {"[\"a,b\"]", 0},
	    {"\"vip\"", 0},
	    {"{\"vip\": true}", 0},
	    {"null", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v = fixture_json(cases[i].json);
		Err err = {0};
		int rc = tag_check_array(v, "tags", &err);
		if (cases[i].ok) {
			cr_expect_eq(rc, KITH_OK, "case %s: %s", cases[i].json, err.msg);
		} else {
			cr_expect_eq(rc, ERR_INVALID, "case %s accepted", cases[i].json);
			cr_expect_str_eq(err.field, "tags", "case %s", cases[i].json);
		}
		json_decref(v);
	}
	/* KITH_MAX_TAGS distinct tags are fine, one more is not */
	json_t *arr = json_array();
	for (unsigned i = 0; i < KITH_MAX_TAGS; i++)
		json_array_append_new(arr, json_sprintf("t%u", i));
	Err err = {0};
	cr_expect_eq(tag_check_array(arr, "tags", &err), KITH_OK, "%s", err.msg);
	json_array_append_new(arr, json_string("one more"));
	cr_expect_eq(tag_check_array(arr, "tags", &err), ERR_INVALID);
	json_decref(arr);
}

static int64_t add_contact(const Actor *a, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json(json);
	cr_assert_eq(contact_create(fx.db, a, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	return id;
}

static json_t *find(json_t *list, const char *name)
{
	size_t i;
	json_t *t;
	json_array_foreach(list, i, t) if (strcmp(fixture_str(t, "name"), name) == 0) return t;
	return NULL;
}

Test(tag, the_list_counts_what_the_actor_may_see)
{
	Actor owner = fixture_user(&fx, "o@example.com", "owner");
	Actor m1 = fixture_user(&fx, "m1@example.com", "member");
	Actor m2 = fixture_user(&fx, "m2@example.com", "member");
	Err err = {0};
	add_contact(&m1, "{\"first_name\": \"A\", \"tags\": [\"vip\", \"secret\"]}");
	add_contact(&m1, "{\"first_name\": \"B\", \"tags\": [\"vip\"]}");
	add_contact(&m2, "{\"first_name\": \"C\", \"tags\": [\"VIP\"]}");
	int64_t gone = add_contact(&m1, "{\"first_name\": \"D\", \"tags\": [\"vip\"]}");
	cr_assert_eq(contact_delete(fx.db, &m1, gone, &err), KITH_OK, "%s", err.msg);
	json_t *in = fixture_json("{\"legal_name\": \"Acme\", \"tags\": [\"vip\"]}");
	int64_t co = 0;
	cr_assert_eq(company_create(fx.db, &owner, in, 0, &co, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	int64_t unused;
	cr_assert_eq(tag_resolve(fx.db, "unused", &unused, &err), KITH_OK);
	cr_assert_eq(db_commit(fx.db, &err), KITH_OK);

	json_t *l = NULL;
	cr_assert_eq(tag_list(fx.db, &owner, &l, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(l), 3, "an owner sees every tag, unused ones too");
	json_t *vip = find(l, "vip");
	cr_assert_not_null(vip);
	cr_expect_eq(fixture_int(vip, "contacts"), 3, "live contacts only");
	cr_expect_eq(fixture_int(vip, "companies"), 1);
	cr_expect_not_null(find(l, "unused"));
	json_decref(l);

	cr_assert_eq(tag_list(fx.db, &m2, &l, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(l), 1, "a member sees only tags on what they see");
	cr_expect_eq(fixture_int(find(l, "vip"), "contacts"), 1);
	cr_expect_eq(fixture_int(find(l, "vip"), "companies"), 0);
	cr_expect_null(find(l, "secret"), "its name could tell about m1's contacts");
	json_decref(l);

	cr_assert_eq(tag_list(fx.db, &m1, &l, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(fixture_int(find(l, "vip"), "contacts"), 2);
	cr_expect_not_null(find(l, "secret"));
	cr_expect_null(find(l, "unused"));
	json_decref(l);
}

Test(tag, cadence_range_rights_and_audit)
{
	fixture_user(&fx, "o@example.com", "owner");
	Actor admin = fixture_user(&fx, "a@example.com", "admin");
	Actor member = fixture_user(&fx, "m@example.com", "member");
	Err err = {0};
	int64_t id = 0;
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	cr_assert_eq(tag_resolve(fx.db, "vip", &id, &err), KITH_OK);
	cr_assert_eq(db_commit(fx.db, &err), KITH_OK);
	static const struct {
		int64_t days;
		int rc;
	} cases[] = {
	    {1, KITH_OK},
	    {3650, KITH_OK},
	    {0, KITH_OK}, /* 0 = none */
	    {-1, ERR_INVALID},
	    {3651, ERR_INVALID},
	    {INT64_MAX, ERR_INVALID},
	    {INT64_MIN, ERR_INVALID},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *out = NULL;
		int rc = tag_set_cadence(fx.db, &admin, id, cases[i].days, &out, &err);
		cr_expect_eq(rc, cases[i].rc, "days %lld: %s", (long long)cases[i].days, err.msg);
		if (rc == KITH_OK) {
			cr_assert_not_null(out);
			cr_expect_str_eq(fixture_str(out, "name"), "vip");
			if (cases[i].days)
				cr_expect_eq(fixture_int(out, "cadence_days"), cases[i].days);
			else
				cr_expect(json_is_null(json_object_get(out, "cadence_days")));
		} else {
			cr_expect_str_eq(err.field, "cadence_days");
			cr_expect_null(out);
		}
		json_decref(out);
	}
	cr_expect_eq(tag_set_cadence(fx.db, &member, id, 7, NULL, &err), ERR_FORBIDDEN);
	cr_expect_eq(tag_set_cadence(fx.db, &admin, id + 100, 7, NULL, &err), ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "id");
	cr_expect_eq(tag_set_cadence(fx.db, &sys, id, 14, NULL, &err), KITH_OK, "out may be NULL");
	json_t *l = NULL;
	cr_assert_eq(tag_list(fx.db, &admin, &l, &err), KITH_OK);
	cr_expect_eq(fixture_int(find(l, "vip"), "cadence_days"), 14);
	json_decref(l);
	/* each accepted change is audited with old and new */
	cr_assert_eq(audit_list(fx.db, "tag", id, 50, &l, &err), KITH_OK);
	cr_expect_eq(json_array_size(l), 4);
	json_t *last =
	    json_object_get(json_object_get(json_array_get(l, 0), "changes"), "cadence_days");
	cr_expect(json_is_null(json_array_get(last, 0)), "from none");
	cr_expect_eq(json_integer_value(json_array_get(last, 1)), 14);
	json_decref(l);
}

/* tag_check refused C0 control characters but let DEL (0x7f) and the C1
 * controls (U+0080..U+009F) through, though its header promises no control
 * characters. A non-control character after 0xC2 stays allowed. */
Test(tag, every_control_character_is_refused)
{
	const char *cases[] = {"del\x7f", "c1\xc2\x85", "c1\xc2\x9f"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		cr_expect_eq(tag_check(cases[i], "tags", &err), ERR_INVALID, "case %zu", i);
	}
	Err err = {0};
	cr_expect_eq(tag_check("\xc2\xa0nbsp and \xc2\xbfqu\xc3\xa9?", "tags", &err), KITH_OK,
		     "%s", err.msg);
}
