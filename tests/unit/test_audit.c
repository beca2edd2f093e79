/* test_audit.c - the audit log: entries written in the caller's
 * transaction, listed newest first per record, and the diff of two
 * versions of a record. Behavioural, against audit.h. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "crm/contact.h"
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

TestSuite(audit, .init = setup, .fini = teardown);

static json_t *list(const char *entity, int64_t id, int limit)
{
	Err err = {0};
	json_t *out = NULL;
	cr_assert_eq(audit_list(fx.db, entity, id, limit, &out, &err), KITH_OK, "%s", err.msg);
	cr_assert(json_is_array(out));
	return out;
}

static void write_entry(const Actor *a, const char *action, const char *entity, int64_t id,
			const char *changes)
{
	Err err = {0};
	json_t *c = changes ? fixture_json(changes) : NULL;
	cr_assert_eq(audit_write(fx.db, a, action, entity, id, c, &err), KITH_OK, "%s", err.msg);
	json_decref(c);
}

Test(audit, entries_per_record_newest_first)
{
	Actor owner = fixture_user(&fx, "o@example.com", "owner");
	write_entry(&sys, "create", "widget", 7, "{\"name\": \"Zażółć\"}");
	write_entry(&owner, "update", "widget", 7, "{\"name\": [\"Zażółć\", \"ตัวอย่าง\"]}");
	write_entry(&owner, "delete", "widget", 8, NULL);
	write_entry(&owner, "create", "gadget", 7, "{}");
	json_t *l = list("widget", 7, 50);
	cr_assert_eq(json_array_size(l), 2, "only this entity and record");
	json_t *e0 = json_array_get(l, 0), *e1 = json_array_get(l, 1);
	cr_expect_str_eq(fixture_str(e0, "action"), "update");
	cr_expect_eq(fixture_int(e0, "user_id"), owner.user_id);
	cr_expect_str_eq(json_string_value(json_array_get(
			     json_object_get(json_object_get(e0, "changes"), "name"), 1)),
			 "ตัวอย่าง", "UTF-8 round-trips");
	cr_expect_str_eq(fixture_str(e1, "action"), "create");
	cr_expect(json_is_null(json_object_get(e1, "user_id")), "the system has no user id");
	cr_expect_gt(fixture_int(e0, "id"), fixture_int(e1, "id"));
	const char *at = fixture_str(e0, "at");
	cr_assert_not_null(at);
	cr_expect_eq(strlen(at), 20, "an ISO 8601 UTC instant: %s", at);
	cr_expect_eq(at[19], 'Z');
	json_decref(l);
	/* no changes is an empty object, never null */
	l = list("widget", 8, 50);
	cr_assert_eq(json_array_size(l), 1);
	cr_expect(json_is_object(json_object_get(json_array_get(l, 0), "changes")));
	cr_expect_eq(json_object_size(json_object_get(json_array_get(l, 0), "changes")), 0);
	json_decref(l);
	l = list("widget", 9, 50);
	cr_expect_eq(json_array_size(l), 0, "a record without entries");
	json_decref(l);
}

Test(audit, limit_keeps_the_newest)
{
	for (int i = 0; i < 5; i++) {
		char c[32];
		snprintf(c, sizeof c, "{\"n\": %d}", i);
		write_entry(&sys, "update", "widget", 1, c);
	}
	json_t *l = list("widget", 1, 2);
	cr_assert_eq(json_array_size(l), 2);
	cr_expect_eq(fixture_int(json_object_get(json_array_get(l, 0), "changes"), "n"), 4);
	cr_expect_eq(fixture_int(json_object_get(json_array_get(l, 1), "changes"), "n"), 3);
	json_decref(l);
}

Test(audit, an_entry_belongs_to_its_transaction)
{
	Err err = {0};
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	write_entry(&sys, "create", "widget", 3, "{}");
	db_rollback(fx.db);
	json_t *l = list("widget", 3, 50);
	cr_expect_eq(json_array_size(l), 0, "rolled back with the change it records");
	json_decref(l);
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	write_entry(&sys, "create", "widget", 3, "{}");
	cr_assert_eq(db_commit(fx.db, &err), KITH_OK, "%s", err.msg);
	l = list("widget", 3, 50);
	cr_expect_eq(json_array_size(l), 1);
	json_decref(l);
}

Test(audit, domain_changes_are_audited)
{
	/* a real change through a domain call writes its entry */
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json("{\"first_name\": \"Ann\"}");
	cr_assert_eq(contact_create(fx.db, &sys, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	json_t *l = list("contact", id, 50);
	cr_assert_geq(json_array_size(l), 1);
	cr_expect_str_eq(fixture_str(json_array_get(l, 0), "action"), "create");
	json_decref(l);
}

Test(audit, diff_of_two_versions)
{
	static const struct {
		const char *before, *after, *diff;
	} cases[] = {
	    {"{}", "{}", "{}"},
	    {"{\"a\": 1}", "{\"a\": 1}", "{}"},
	    {"{\"a\": 1}", "{\"a\": 2}", "{\"a\":[1,2]}"},
	    {"{}", "{\"a\": \"x\"}", "{\"a\":[null,\"x\"]}"},
	    {"{\"a\": \"x\"}", "{}", "{\"a\":[\"x\",null]}"},
	    {"{\"a\": null}", "{\"a\": 0}", "{\"a\":[null,0]}"},
	    {"{\"a\": 1}", "{\"a\": 1.0}", "{\"a\":[1,1.0]}"},
	    {"{\"t\": [\"vip\"]}", "{\"t\": [\"vip\"]}", "{}"},
	    {"{\"t\": [\"vip\", \"b\"]}", "{\"t\": [\"b\", \"vip\"]}",
	     "{\"t\":[[\"vip\",\"b\"],[\"b\",\"vip\"]]}"},
	    {"{\"o\": {\"x\": 1}}", "{\"o\": {\"x\": 2}}", "{\"o\":[{\"x\":1},{\"x\":2}]}"},
	    {"{\"a\": 1, \"b\": 2}", "{\"b\": 3, \"c\": 4}",
	     "{\"b\":[2,3],\"c\":[null,4],\"a\":[1,null]}"},
	    {"{\"n\": \"Łódź\"}", "{\"n\": \"Lodz\"}", "{\"n\":[\"Łódź\",\"Lodz\"]}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *b = fixture_json(cases[i].before), *a = fixture_json(cases[i].after);
		json_t *d = audit_diff(b, a), *want = fixture_json(cases[i].diff);
		char *got = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		cr_expect(json_equal(d, want), "case %zu: %s", i, got);
		free(got);
		/* the inputs are borrowed, not changed */
		json_t *b2 = fixture_json(cases[i].before);
		cr_expect(json_equal(b, b2), "case %zu", i);
		json_decref(b2);
		json_decref(want);
		json_decref(d);
		json_decref(a);
		json_decref(b);
	}
}
