/* test_reassign.c - handing a user's records to a colleague: every kind
 * moves, history records it, stored contact JSON follows, refusals change
 * nothing. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "core/audit.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "views/reassign.h"
#include "crm/task.h"
#include "core/user.h"
#include "fixture.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;
static Actor owner, ann, bob;

static Actor user(const char *email, const char *role)
{
	Err err = {0};
	int64_t id;
	Actor a;
	cr_assert_eq(user_add(fx.db, &sys, email, "U", role, "password1", &id, &err), KITH_OK,
		     "%s", err.msg);
	cr_assert_eq(user_actor_by_email(fx.db, email, &a, &err), KITH_OK);
	return a;
}

static void setup(void)
{
	fixture_open(&fx, "PL");
	owner = user("owner@example.com", "owner");
	ann = user("ann@example.com", "member");
	bob = user("bob@example.com", "member");
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(reassign, .init = setup, .fini = teardown);

static int64_t make(int (*fn)(Db *, const Actor *, const json_t *, int, int64_t *, Err *),
		    const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_loads(json, 0, NULL);
	cr_assert_eq(fn(fx.db, &ann, in, 0, &id, &err), KITH_OK, "%s: %s", json, err.msg);
	json_decref(in);
	return id;
}

static int64_t count(const json_t *s, const char *key)
{
	return json_integer_value(json_object_get(s, key));
}

Test(reassign, everything_of_one_user_moves_to_another)
{
	Err err = {0};
	json_t *summary = NULL, *in, *c = NULL;
	int64_t contact = make(contact_create, "{\"first_name\": \"Ola\"}");
	make(company_create, "{\"legal_name\": \"Acme\"}");
	int64_t deal = 0, task = 0;
	in = json_loads("{\"title\": \"Deal\"}", 0, NULL);
	cr_assert_eq(deal_create(fx.db, &ann, in, &deal, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	in = json_loads("{\"title\": \"Call\"}", 0, NULL);
	cr_assert_eq(task_create(fx.db, &ann, in, &task, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(reassign_all(fx.db, &owner, "ann@example.com", "bob@example.com", &summary,
				  &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(count(summary, "contacts"), 1);
	cr_expect_eq(count(summary, "companies"), 1);
	cr_expect_eq(count(summary, "deals"), 1);
	cr_expect_eq(count(summary, "tasks"), 1);
	json_decref(summary);
	/* Bob sees the contact (its stored JSON names him), Ann no longer does */
	cr_assert_eq(contact_get(fx.db, &bob, contact, 0, &c, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(count(c, "owner_id"), bob.user_id);
	json_decref(c);
	cr_expect_eq(contact_get(fx.db, &ann, contact, 0, &c, &err), ERR_NOT_FOUND);
	json_t *d = NULL;
	cr_expect_eq(deal_get(fx.db, &bob, deal, 0, &d, &err), KITH_OK, "%s", err.msg);
	json_decref(d);
	json_t *hist = NULL;
	cr_assert_eq(audit_list(fx.db, "contact", contact, 10, &hist, &err), KITH_OK);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(hist, 0), "action")),
			 "reassign");
	json_decref(hist);
}

Test(reassign, refusals_change_nothing)
{
	Err err = {0};
	json_t *summary = NULL, *c = NULL;
	int64_t contact = make(contact_create, "{\"first_name\": \"Ola\"}");
	cr_expect_eq(reassign_all(fx.db, &bob, "ann@example.com", "bob@example.com", &summary,
				  &err),
		     ERR_FORBIDDEN, "members may not");
	cr_expect_eq(reassign_all(fx.db, &owner, "ann@example.com", "ann@example.com", &summary,
				  &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "to");
	cr_expect_eq(reassign_all(fx.db, &owner, "nobody@example.com", "bob@example.com", &summary,
				  &err),
		     ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "from");
	cr_expect_eq(reassign_all(fx.db, &owner, "ann@example.com", "nobody@example.com", &summary,
				  &err),
		     ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "to");
	cr_assert_eq(contact_get(fx.db, &ann, contact, 0, &c, &err), KITH_OK, "still Ann's");
	json_decref(c);
}

/* issue 7: a colleague who leaves is disabled, then their records are
 * handed on: reassign takes a disabled user as from, never as to. */
Test(reassign, from_a_disabled_user_not_to_one)
{
	Err err = {0};
	json_t *s = NULL;
	int64_t c = make(contact_create, "{\"first_name\": \"Ola\"}");
	cr_assert_eq(user_set_disabled(fx.db, &owner, ann.user_id, 1, NULL, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert_eq(reassign_all(fx.db, &owner, "ann@example.com", "bob@example.com", &s, &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(count(s, "contacts"), 1);
	json_decref(s);
	json_t *r = NULL;
	cr_assert_eq(contact_get(fx.db, &bob, c, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	cr_expect_eq(reassign_all(fx.db, &owner, "bob@example.com", "ann@example.com", &s, &err),
		     ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "to");
}
