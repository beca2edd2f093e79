/* test_activity.c - activities: validation naming fields and storing
 * nothing, access for members, deal links, last contacted, trash and audit.
 * Timelines are tested in test_timeline.c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "crm/activity.h"
#include "core/audit.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "core/user.h"
#include "fixture.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;

static void setup(void)
{
	fixture_open(&fx, "DE");
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(activity, .init = setup, .fini = teardown);

static json_t *load(const char *fmt, long long a, long long b)
{
	char buf[1024];
	snprintf(buf, sizeof buf, fmt, a, b);
	json_t *in = json_loads(buf, 0, NULL);
	cr_assert_not_null(in, "bad test JSON %s", buf);
	return in;
}

static int64_t log_as(const Actor *actor, const char *fmt, long long a, long long b)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = load(fmt, a, b);
	cr_assert_eq(activity_create(fx.db, actor, in, &id, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(in);
	return id;
}

static int64_t add_contact(const Actor *actor, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_loads(json, 0, NULL);
	cr_assert_eq(contact_create(fx.db, actor, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	return id;
}

static int64_t add_company(const Actor *actor, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_loads(json, 0, NULL);
	cr_assert_eq(company_create(fx.db, actor, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	return id;
}

static int64_t count_rows(void)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	ActivityQuery q = {.limit = 500};
	cr_assert_eq(activity_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	int64_t n = (int64_t)json_array_size(items);
	json_decref(items);
	free(next);
	return n;
}

static int64_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

Test(activity, create_defaults_and_get)
{
	int64_t c = add_contact(&sys, "{\"first_name\":\"Anna\"}");
	int64_t id = log_as(&sys,
			    "{\"kind\":\"call\",\"direction\":\"out\",\"subject\":\"  Intro  \","
			    "\"duration_minutes\":15,\"contact_id\":%lld}",
			    (long long)c, 0);
	Err err = {0};
	json_t *a = NULL;
	cr_assert_eq(activity_get(fx.db, &sys, id, 0, &a, &err), KITH_OK);
	cr_assert_str_eq(json_string_value(json_object_get(a, "subject")), "Intro");
	cr_assert_eq(num(a, "duration_minutes"), 15);
	cr_assert_eq(num(a, "contact_id"), c);
	cr_assert(json_is_null(json_object_get(a, "user_id")));
	cr_assert_eq(strlen(json_string_value(json_object_get(a, "occurred_at"))), 20);
	json_decref(a);
	/* a date is midnight UTC */
	id = log_as(&sys, "{\"kind\":\"email\",\"occurred_at\":\"2026-01-02\",\"contact_id\":%lld}",
		    (long long)c, 0);
	cr_assert_eq(activity_get(fx.db, &sys, id, 0, &a, &err), KITH_OK);
	cr_assert_str_eq(json_string_value(json_object_get(a, "occurred_at")),
			 "2026-01-02T00:00:00Z");
	json_decref(a);
}

Test(activity, bad_input_names_field_and_stores_nothing)
{
	int64_t c = add_contact(&sys, "{\"first_name\":\"Anna\"}");
	int64_t co = add_company(&sys, "{\"legal_name\":\"Acme\"}");
	fixture_user(&fx, "owner@example.com", "owner");
	Actor member = fixture_user(&fx, "m@example.com", "member");
	int64_t hidden = add_contact(&sys, "{\"first_name\":\"Hidden\"}");
	int64_t trashed = add_contact(&sys, "{\"first_name\":\"Gone\"}");
	Err err = {0};
	cr_assert_eq(contact_delete(fx.db, &sys, trashed, &err), KITH_OK);
	static const struct {
		const char *json;
		const char *field;
		int code;
	} cases[] = {
		{"{\"contact_id\":%lld}", "kind", ERR_INVALID},
		{"{\"kind\":\"fax\",\"contact_id\":%lld}", "kind", ERR_INVALID},
		{"{\"kind\":5,\"contact_id\":%lld}", "kind", ERR_INVALID},
		{"{\"kind\":\"call\"}", "contact_id", ERR_INVALID},
		{"{\"kind\":\"call\",\"contact_id\":null,\"company_id\":null}", "contact_id",
		 ERR_INVALID},
		{"{\"kind\":\"call\",\"contact_id\":\"1\"}", "contact_id", ERR_INVALID},
		{"{\"kind\":\"call\",\"contact_id\":-3}", "contact_id", ERR_INVALID},
		{"{\"kind\":\"call\",\"contact_id\":999}", "contact_id", ERR_NOT_FOUND},
		{"{\"kind\":\"call\",\"company_id\":999}", "company_id", ERR_NOT_FOUND},
		{"{\"kind\":\"call\",\"direction\":\"up\",\"contact_id\":%lld}", "direction",
		 ERR_INVALID},
		{"{\"kind\":\"note\",\"direction\":\"in\",\"contact_id\":%lld}", "direction",
		 ERR_INVALID},
		{"{\"kind\":\"call\",\"duration_minutes\":1441,\"contact_id\":%lld}",
		 "duration_minutes", ERR_INVALID},
		{"{\"kind\":\"call\",\"duration_minutes\":-1,\"contact_id\":%lld}",
		 "duration_minutes", ERR_INVALID},
		{"{\"kind\":\"call\",\"duration_minutes\":1.5,\"contact_id\":%lld}",
		 "duration_minutes", ERR_INVALID},
		{"{\"kind\":\"call\",\"occurred_at\":\"yesterday\",\"contact_id\":%lld}",
		 "occurred_at", ERR_INVALID},
		{"{\"kind\":\"call\",\"occurred_at\":\"2026-02-30\",\"contact_id\":%lld}",
		 "occurred_at", ERR_INVALID},
		{"{\"kind\":\"call\",\"occurred_at\":\"2999-01-01\",\"contact_id\":%lld}",
		 "occurred_at", ERR_INVALID},
		{"{\"kind\":\"call\",\"occurred_at\":null,\"contact_id\":%lld}", "occurred_at",
		 ERR_INVALID},
		{"{\"kind\":\"call\",\"subject\":7,\"contact_id\":%lld}", "subject", ERR_INVALID},
		{"{\"kind\":\"call\",\"user_id\":999,\"contact_id\":%lld}", "user_id", ERR_INVALID},
		{"{\"kind\":\"call\",\"deal_id\":1,\"contact_id\":%lld}", "deal_id", ERR_NOT_FOUND},
		{"{\"kind\":\"call\",\"deal_id\":\"1\",\"contact_id\":%lld}", "deal_id",
		 ERR_INVALID},
		{"{\"kind\":\"call\",\"deal\":1,\"contact_id\":%lld}", "deal", ERR_INVALID},
		{"{\"kind\":\"call\",\"contact_id\":%lld,\"company_id\":\"x\"}", "company_id",
		 ERR_INVALID},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = 0;
		json_t *in = load(cases[i].json, (long long)c, 0);
		err_clear(&err);
		int rc = activity_create(fx.db, &sys, in, &id, &err);
		cr_assert_eq(rc, cases[i].code, "%s: rc %d (%s)", cases[i].json, rc, err.msg);
		cr_assert_str_eq(err.field, cases[i].field, "%s: field %s", cases[i].json,
				 err.field);
		json_decref(in);
	}
	/* too long texts */
	json_t *in = load("{\"kind\":\"call\",\"company_id\":%lld}", (long long)co, 0);
	char *big = malloc(KITH_MAX_TEXT + 2);
	memset(big, 'x', KITH_MAX_TEXT + 1);
	big[KITH_MAX_TEXT + 1] = '\0';
	json_object_set_new(in, "body", json_string(big));
	int64_t id = 0;
	cr_assert_eq(activity_create(fx.db, &sys, in, &id, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "body");
	big[KITH_MAX_SHORT + 1] = '\0';
	json_object_del(in, "body");
	json_object_set_new(in, "outcome", json_string(big));
	cr_assert_eq(activity_create(fx.db, &sys, in, &id, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "outcome");
	free(big);
	json_decref(in);
	/* links a member may not see, or in the trash */
	in = load("{\"kind\":\"call\",\"contact_id\":%lld}", (long long)hidden, 0);
	cr_assert_eq(activity_create(fx.db, &member, in, &id, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "contact_id");
	json_decref(in);
	in = load("{\"kind\":\"call\",\"contact_id\":%lld}", (long long)trashed, 0);
	cr_assert_eq(activity_create(fx.db, &sys, in, &id, &err), ERR_GONE);
	cr_assert_str_eq(err.field, "contact_id");
	json_decref(in);
	/* a member may not log for someone else */
	Actor other = fixture_user(&fx, "o@example.com", "member");
	int64_t mine = add_contact(&member, "{\"first_name\":\"Mine\"}");
	in = load("{\"kind\":\"call\",\"contact_id\":%lld,\"user_id\":%lld}", (long long)mine,
		  (long long)other.user_id);
	cr_assert_eq(activity_create(fx.db, &member, in, &id, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "user_id");
	json_decref(in);
	cr_assert_eq(count_rows(), 0);
	json_t *log = NULL;
	cr_assert_eq(audit_list(fx.db, "activity", 1, 10, &log, &err), KITH_OK);
	cr_assert_eq(json_array_size(log), 0);
	json_decref(log);
}

Test(activity, admin_logs_for_another_user)
{
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor member = fixture_user(&fx, "m@example.com", "member");
	int64_t c = add_contact(&sys, "{\"first_name\":\"Anna\"}");
	int64_t id = log_as(&owner, "{\"kind\":\"meeting\",\"contact_id\":%lld,\"user_id\":%lld}",
			    (long long)c, (long long)member.user_id);
	Err err = {0};
	json_t *a = NULL;
	cr_assert_eq(activity_get(fx.db, &member, id, 0, &a, &err), KITH_OK,
		     "the member did it, so sees it");
	cr_assert_eq(num(a, "user_id"), member.user_id);
	json_decref(a);
	id = log_as(&owner, "{\"kind\":\"meeting\",\"contact_id\":%lld}", (long long)c, 0);
	cr_assert_eq(activity_get(fx.db, &owner, id, 0, &a, &err), KITH_OK);
	cr_assert_eq(num(a, "user_id"), owner.user_id);
	json_decref(a);
}

Test(activity, members_see_only_theirs)
{
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor m1 = fixture_user(&fx, "m1@example.com", "member");
	Actor m2 = fixture_user(&fx, "m2@example.com", "member");
	int64_t c1 = add_contact(&m1, "{\"first_name\":\"One\"}");
	int64_t c2 = add_contact(&m2, "{\"first_name\":\"Two\"}");
	int64_t co2 = add_company(&m2, "{\"legal_name\":\"Two Ltd\"}");
	int64_t a1 = log_as(&m1, "{\"kind\":\"call\",\"contact_id\":%lld}", (long long)c1, 0);
	int64_t a2 = log_as(&m2, "{\"kind\":\"call\",\"contact_id\":%lld}", (long long)c2, 0);
	log_as(&m2, "{\"kind\":\"note\",\"company_id\":%lld}", (long long)co2, 0);
	Err err = {0};
	json_t *a = NULL, *items = NULL;
	char *next = NULL;
	cr_assert_eq(activity_get(fx.db, &m1, a2, 0, &a, &err), ERR_NOT_FOUND);
	cr_assert_eq(activity_get(fx.db, &m1, a1, 0, &a, &err), KITH_OK);
	json_decref(a);
	json_t *patch = json_pack("{ss}", "subject", "x");
	cr_assert_eq(activity_update(fx.db, &m1, a2, patch, 0, NULL, &err), ERR_NOT_FOUND);
	json_decref(patch);
	cr_assert_eq(activity_delete(fx.db, &m1, a2, &err), ERR_NOT_FOUND);
	ActivityQuery q = {0};
	cr_assert_eq(activity_list(fx.db, &m1, &q, &items, &next, &err), KITH_OK);
	cr_assert_eq(json_array_size(items), 1);
	cr_assert_eq(num(json_array_get(items, 0), "id"), a1);
	json_decref(items);
	/* when a hidden contact or company was last contacted is not found */
	char last[21];
	cr_assert_eq(activity_last_contacted(fx.db, &m1, c2, last, &err), ERR_NOT_FOUND);
	cr_assert_eq(activity_last_touch(fx.db, &m1, "company", co2, last, &err), ERR_NOT_FOUND);
	/* a member sees an activity on a record they own, logged by someone else */
	int64_t a3 = log_as(&owner, "{\"kind\":\"sms\",\"contact_id\":%lld}", (long long)c1, 0);
	cr_assert_eq(activity_get(fx.db, &m1, a3, 0, &a, &err), KITH_OK);
	json_decref(a);
	cr_assert_eq(activity_list(fx.db, &owner, &q, &items, &next, &err), KITH_OK);
	cr_assert_eq(json_array_size(items), 4);
	json_decref(items);
}

Test(activity, last_contacted_ignores_notes_and_trash)
{
	int64_t c = add_contact(&sys, "{\"first_name\":\"Anna\"}");
	Err err = {0};
	char last[21];
	cr_assert_eq(activity_last_contacted(fx.db, &sys, c, last, &err), KITH_OK);
	cr_assert_str_eq(last, "");
	log_as(&sys, "{\"kind\":\"call\",\"occurred_at\":\"2026-01-01\",\"contact_id\":%lld}",
	       (long long)c, 0);
	log_as(&sys, "{\"kind\":\"note\",\"occurred_at\":\"2026-03-01\",\"contact_id\":%lld}",
	       (long long)c, 0);
	int64_t late = log_as(
		&sys, "{\"kind\":\"email\",\"occurred_at\":\"2026-02-01\",\"contact_id\":%lld}",
		(long long)c, 0);
	cr_assert_eq(activity_last_contacted(fx.db, &sys, c, last, &err), KITH_OK);
	cr_assert_str_eq(last, "2026-02-01T00:00:00Z");
	cr_assert_eq(activity_delete(fx.db, &sys, late, &err), KITH_OK);
	cr_assert_eq(activity_last_contacted(fx.db, &sys, c, last, &err), KITH_OK);
	cr_assert_str_eq(last, "2026-01-01T00:00:00Z");
	cr_assert_eq(activity_last_contacted(fx.db, &sys, 999, last, &err), ERR_NOT_FOUND);
}

Test(activity, update_trash_restore_and_audit)
{
	int64_t c = add_contact(&sys, "{\"first_name\":\"Anna\"}");
	int64_t co = add_company(&sys, "{\"legal_name\":\"Acme\"}");
	int64_t id = log_as(&sys, "{\"kind\":\"call\",\"direction\":\"in\",\"contact_id\":%lld}",
			    (long long)c, 0);
	Err err = {0};
	json_t *out = NULL, *patch = json_pack("{ss sI}", "subject", "Follow-up", "duration_minutes",
					       (json_int_t)30);
	cr_assert_eq(activity_update(fx.db, &sys, id, patch, 1, &out, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert_eq(num(out, "version"), 2);
	json_decref(out);
	cr_assert_eq(activity_update(fx.db, &sys, id, patch, 1, &out, &err), ERR_STALE);
	json_decref(patch);
	/* a change that breaks a rule stores nothing */
	patch = json_pack("{ss}", "kind", "note");
	cr_assert_eq(activity_update(fx.db, &sys, id, patch, 0, &out, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "direction");
	json_decref(patch);
	patch = json_pack("{sn}", "contact_id");
	cr_assert_eq(activity_update(fx.db, &sys, id, patch, 0, &out, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "contact_id");
	json_decref(patch);
	patch = json_pack("{sn sI}", "contact_id", "company_id", (json_int_t)co);
	cr_assert_eq(activity_update(fx.db, &sys, id, patch, 0, &out, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert(json_is_null(json_object_get(out, "contact_id")));
	cr_assert_eq(num(out, "company_id"), co);
	cr_assert_eq(num(out, "version"), 3);
	json_decref(out);
	json_decref(patch);
	cr_assert_eq(activity_delete(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(activity_delete(fx.db, &sys, id, &err), ERR_GONE);
	cr_assert_eq(activity_get(fx.db, &sys, id, 0, &out, &err), ERR_GONE);
	patch = json_pack("{ss}", "subject", "x");
	cr_assert_eq(activity_update(fx.db, &sys, id, patch, 0, &out, &err), ERR_GONE);
	json_decref(patch);
	cr_assert_eq(count_rows(), 0);
	cr_assert_eq(activity_restore(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(activity_restore(fx.db, &sys, id, &err), ERR_CONFLICT);
	cr_assert_eq(count_rows(), 1);
	json_t *log = NULL;
	cr_assert_eq(audit_list(fx.db, "activity", id, 10, &log, &err), KITH_OK);
	cr_assert_eq(json_array_size(log), 5);
	static const char *const actions[] = {"restore", "delete", "update", "update", "create"};
	for (int i = 0; i < 5; i++)
		cr_assert_str_eq(
			json_string_value(json_object_get(json_array_get(log, (size_t)i), "action")),
			actions[i]);
	json_t *changes = json_object_get(json_array_get(log, 3), "changes");
	cr_assert_not_null(json_object_get(changes, "subject"));
	cr_assert_null(json_object_get(changes, "version"));
	json_decref(log);
}

Test(activity, list_filters)
{
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	int64_t c = add_contact(&sys, "{\"first_name\":\"Anna\"}");
	int64_t co = add_company(&sys, "{\"legal_name\":\"Acme\"}");
	log_as(&sys, "{\"kind\":\"call\",\"occurred_at\":\"2026-01-01\",\"contact_id\":%lld}",
	       (long long)c, 0);
	log_as(&owner, "{\"kind\":\"email\",\"occurred_at\":\"2026-02-01\",\"company_id\":%lld}",
	       (long long)co, 0);
	log_as(&sys, "{\"kind\":\"email\",\"occurred_at\":\"2026-03-01\",\"contact_id\":%lld}",
	       (long long)c, 0);
	struct {
		ActivityQuery q;
		size_t n;
	} cases[] = {
		{{.contact_id = c}, 2},    {{.company_id = co}, 1},
		{{.kind = "email"}, 2},    {{.user_id = owner.user_id}, 1},
		{{.since = "2026-02-01"}, 2}, {{.since = "2026-02-01T00:00:01Z"}, 1},
		{{.kind = "email", .contact_id = c}, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		json_t *items = NULL;
		char *next = NULL;
		cr_assert_eq(activity_list(fx.db, &sys, &cases[i].q, &items, &next, &err), KITH_OK,
			     "%s", err.msg);
		cr_assert_eq(json_array_size(items), cases[i].n, "case %zu", i);
		json_decref(items);
	}
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	ActivityQuery bad = {.kind = "fax"};
	cr_assert_eq(activity_list(fx.db, &sys, &bad, &items, &next, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "kind");
	ActivityQuery bad2 = {.since = "soon"};
	cr_assert_eq(activity_list(fx.db, &sys, &bad2, &items, &next, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "since");
}

Test(activity, purging_a_contact_removes_its_activities)
{
	int64_t c = add_contact(&sys, "{\"first_name\":\"Anna\"}");
	log_as(&sys, "{\"kind\":\"call\",\"contact_id\":%lld}", (long long)c, 0);
	Err err = {0};
	cr_assert_eq(contact_delete(fx.db, &sys, c, &err), KITH_OK);
	cr_assert_eq(contact_purge(fx.db, &sys, c, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(count_rows(), 0);
	int64_t co = add_company(&sys, "{\"legal_name\":\"Acme\"}");
	log_as(&sys, "{\"kind\":\"note\",\"company_id\":%lld}", (long long)co, 0);
	cr_assert_eq(count_rows(), 1);
	cr_assert_eq(company_delete(fx.db, &sys, co, &err), KITH_OK);
	cr_assert_eq(company_purge(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(count_rows(), 0);
}

/* An activity linked to two records survives the purge of one of them. */
Test(activity, purging_one_link_keeps_an_activity_of_another_record)
{
	Err err = {0};
	json_t *a = NULL;
	int64_t c = add_contact(&sys, "{\"first_name\":\"Anna\"}");
	int64_t co = add_company(&sys, "{\"legal_name\":\"Acme\"}");
	int64_t both = log_as(&sys, "{\"kind\":\"call\",\"contact_id\":%lld,\"company_id\":%lld}",
			      (long long)c, (long long)co);
	log_as(&sys, "{\"kind\":\"call\",\"contact_id\":%lld}", (long long)c, 0);
	cr_assert_eq(contact_delete(fx.db, &sys, c, &err), KITH_OK);
	cr_assert_eq(contact_purge(fx.db, &sys, c, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(count_rows(), 1);
	cr_assert_eq(activity_get(fx.db, &sys, both, 0, &a, &err), KITH_OK, "%s", err.msg);
	cr_assert(json_is_null(json_object_get(a, "contact_id")));
	cr_assert_eq(json_integer_value(json_object_get(a, "company_id")), co);
	cr_assert_eq(json_integer_value(json_object_get(a, "version")), 2);
	json_decref(a);
	/* now linked to the company only: its purge takes the activity along */
	cr_assert_eq(company_delete(fx.db, &sys, co, &err), KITH_OK);
	cr_assert_eq(company_purge(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(count_rows(), 0);
}

Test(activity, create_many_bulk_rules_and_all_or_nothing)
{
	Err err = {0};
	int64_t c = add_contact(&sys, "{\"first_name\": \"Bulk\"}"), ids[2] = {0};
	json_t *in[2] = {load("{\"kind\": \"call\", \"contact_id\": %lld}", (long long)c, 0),
			 load("{\"kind\": \"note\", \"contact_id\": %lld}", (long long)c, 0)};
	cr_assert_eq(activity_create_many(fx.db, &sys, in, 2, ACTIVITY_NO_AUDIT, ids, &err), KITH_OK,
		     "%s", err.msg);
	cr_assert(ids[0] > 0 && ids[1] == ids[0] + 1);
	json_t *log = NULL;
	cr_assert_eq(audit_list(fx.db, "activity", ids[0], 10, &log, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_array_size(log), 0, "bulk rows are not audited one by one");
	json_decref(log);
	json_decref(in[1]);
	/* the second row breaks a rule: nothing of the call is kept */
	in[1] = load("{\"kind\": \"note\", \"direction\": \"in\", \"contact_id\": %lld}", (long long)c,
		     0);
	cr_assert_eq(activity_create_many(fx.db, &sys, in, 2, 0, NULL, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "direction");
	cr_assert_eq(count_rows(), 2);
	json_decref(in[0]);
	json_decref(in[1]);
}

Test(activity, link_check_hides_and_names_the_key)
{
	Err err = {0};
	fixture_user(&fx, "o@example.com", "owner");
	Actor m = fixture_user(&fx, "m@example.com", "member");
	int64_t theirs = add_contact(&sys, "{\"first_name\": \"Hidden\"}");
	int64_t co = add_company(&sys, "{\"legal_name\": \"Hidden Co\"}"), id = 0;
	json_t *in = load("{\"kind\": \"call\", \"contact_id\": %lld}", (long long)theirs, 0);
	json_t *many[1] = {in};
	cr_assert_eq(activity_create_many(fx.db, &m, many, 1, 0, NULL, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "contact_id");
	json_decref(in);
	in = load("{\"kind\": \"call\", \"company_id\": %lld}", (long long)co, 0);
	cr_assert_eq(activity_create(fx.db, &m, in, &id, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "company_id");
	cr_assert_eq(company_delete(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(activity_create(fx.db, &sys, in, &id, &err), ERR_GONE);
	cr_assert_str_eq(err.field, "company_id");
	json_decref(in);
	cr_assert_eq(count_rows(), 0);
}
