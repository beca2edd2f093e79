/* test_demo.c - kith demo data: counts of every kind, links to records that
 * exist, the open/won/lost mix, users, the same data for the same seed, and
 * bad counts named by their option. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "crm/activity.h"
#include "crm/contact.h"
#include "crm/company.h"
#include "crm/deal.h"
#include "demo/demo.h"
#include "crm/pipeline.h"
#include "crm/task.h"
#include "core/user.h"
#include "fixture.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;

static void setup(void)
{
	fixture_open(&fx, "PL");
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(demo, .init = setup, .fini = teardown);

static const DemoOptions small = {.contacts = 60, .companies = 6, .deals = 40,
				  .activities = 120, .tasks = 50, .users = 2, .seed = 7};

static void run(Db *db, const Actor *actor, const DemoOptions *opt)
{
	Err err = {0};
	cr_assert_eq(demo_generate(db, actor, opt, &err), KITH_OK, "%s: %s", err.field, err.msg);
}

static json_t *deals(Db *db)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	DealQuery q = {.limit = 500};
	cr_assert_eq(deal_list(db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	cr_assert_null(next);
	return items;
}

static json_t *activities(Db *db)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	ActivityQuery q = {.limit = 500};
	cr_assert_eq(activity_list(db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	cr_assert_null(next);
	return items;
}

static json_t *tasks(Db *db)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	TaskQuery q = {.limit = 500};
	cr_assert_eq(task_list(db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	cr_assert_null(next);
	return items;
}

/* 1 when the record linked under key (absent or null: no link) exists. */
static int link_ok(const json_t *rec, const char *key)
{
	Err err = {0};
	json_t *v = json_object_get(rec, key), *r = NULL;
	int rc;
	if (!json_is_integer(v))
		return 1;
	int64_t id = json_integer_value(v);
	rc = !strcmp(key, "contact_id")   ? contact_get(fx.db, &sys, id, 0, &r, &err)
	     : !strcmp(key, "company_id") ? company_get(fx.db, &sys, id, 0, &r, &err)
					  : deal_get(fx.db, &sys, id, 0, &r, &err);
	json_decref(r);
	return rc == KITH_OK;
}

Test(demo, makes_every_count)
{
	Err err = {0};
	run(fx.db, &sys, &small);
	json_t *d = deals(fx.db), *a = activities(fx.db), *t = tasks(fx.db), *u = NULL, *p = NULL;
	cr_assert_eq(json_array_size(d), 40);
	cr_assert_eq(json_array_size(a), 120);
	cr_assert_eq(json_array_size(t), 50);
	cr_assert_eq(user_list(fx.db, &sys, &u, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_array_size(u), 2);
	cr_assert_eq(pipeline_list(fx.db, &p, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_array_size(p), 2, "the default pipeline and Projects");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(p, 1), "name")),
			 "Projects");
	json_decref(d);
	json_decref(a);
	json_decref(t);
	json_decref(u);
	json_decref(p);
}

Test(demo, links_point_at_records_that_exist)
{
	run(fx.db, &sys, &small);
	json_t *d = deals(fx.db), *a = activities(fx.db), *t = tasks(fx.db), *r;
	size_t i;
	int status[3] = {0}, pipes[2] = {0}, open_tasks = 0;
	json_array_foreach(d, i, r)
	{
		cr_assert(link_ok(r, "contact_id") && link_ok(r, "company_id"));
		const char *s = json_string_value(json_object_get(r, "status"));
		status[!strcmp(s, "open") ? 0 : !strcmp(s, "won") ? 1 : 2]++;
		pipes[json_integer_value(json_object_get(r, "pipeline_id")) == 1 ? 0 : 1]++;
		cr_assert(json_integer_value(json_object_get(json_object_get(r, "value"),
							     "amount_minor")) > 0);
		cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "value"),
								    "currency")),
				 "EUR", "the workspace currency");
		cr_assert(json_is_integer(json_object_get(r, "owner_id")));
	}
	cr_assert(status[0] && status[1] && status[2], "open %d won %d lost %d", status[0],
		  status[1], status[2]);
	cr_assert(pipes[0] && pipes[1]);
	json_array_foreach(a, i, r)
	{
		cr_assert(link_ok(r, "contact_id") && link_ok(r, "company_id"));
		cr_assert(json_is_integer(json_object_get(r, "contact_id")) ||
			  json_is_integer(json_object_get(r, "company_id")));
		cr_assert(json_is_integer(json_object_get(r, "user_id")));
	}
	json_array_foreach(t, i, r)
	{
		cr_assert(link_ok(r, "contact_id") && link_ok(r, "company_id") &&
			  link_ok(r, "deal_id"));
		cr_assert(json_is_integer(json_object_get(r, "assignee_id")));
		open_tasks += !strcmp(json_string_value(json_object_get(r, "status")), "open");
	}
	cr_assert(open_tasks > 25 && open_tasks < 50, "about four in five open: %d", open_tasks);
	json_decref(d);
	json_decref(a);
	json_decref(t);
}

/* Deals, activities and tasks of db as text without times and ids. */
static char *fingerprint(Db *db)
{
	static const char *const drop[] = {"id",          "created_at", "updated_at", "won_at",
					   "lost_at",     "occurred_at", "done_at",   "version",
					   "due_at",      "stage_since", NULL};
	json_t *all = json_pack("[ooo]", deals(db), activities(db), tasks(db)), *list, *r;
	size_t i, k;
	json_array_foreach(all, k, list)
	{
		json_array_foreach(list, i, r)
		{
			for (int j = 0; drop[j]; j++)
				json_object_del(r, drop[j]);
		}
	}
	char *s = json_dumps(all, JSON_SORT_KEYS);
	json_decref(all);
	return s;
}

Test(demo, same_seed_same_data)
{
	Fixture other;
	Db *db2 = fixture_open(&other, "PL");
	DemoOptions o = small;
	o.users = 0; /* user ids would match too, but keep the run short */
	run(fx.db, &sys, &o);
	run(db2, &sys, &o);
	char *a = fingerprint(fx.db), *b = fingerprint(db2);
	cr_assert_str_eq(a, b);
	free(b);
	fixture_close(&other);
	/* another seed makes other data */
	db2 = fixture_open(&other, "PL");
	o.seed = 8;
	run(db2, &sys, &o);
	b = fingerprint(db2);
	cr_assert_str_neq(a, b);
	free(a);
	free(b);
	fixture_close(&other);
}

Test(demo, later_runs_link_to_existing_records_and_reuse_users)
{
	Err err = {0};
	DemoOptions first = {.contacts = 30, .companies = 3, .users = 2, .seed = 1};
	DemoOptions more = {.deals = 10, .activities = 40, .tasks = 10, .users = 2, .seed = 2};
	run(fx.db, &sys, &first);
	run(fx.db, &sys, &more);
	json_t *a = activities(fx.db), *u = NULL, *r;
	size_t i;
	cr_assert_eq(json_array_size(a), 40);
	json_array_foreach(a, i, r) cr_assert(link_ok(r, "contact_id") && link_ok(r, "company_id"));
	cr_assert_eq(user_list(fx.db, &sys, &u, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_array_size(u), 2, "the demo users are made once");
	json_decref(a);
	json_decref(u);
}

Test(demo, bad_counts_name_the_option_and_store_nothing)
{
	static const struct {
		DemoOptions opt;
		const char *field;
	} cases[] = {
		{{.contacts = -1}, "contacts"},
		{{.companies = -1}, "companies"},
		{{.deals = -5}, "deals"},
		{{.activities = -1}, "activities"},
		{{.tasks = KITH_MAX_DEMO + 1}, "tasks"},
		{{.users = 101}, "users"},
		{{.users = -1}, "users"},
		{{.activities = 10}, "activities"}, /* nothing to link them to */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		cr_assert_eq(demo_generate(fx.db, &sys, &cases[i].opt, &err), ERR_INVALID, "case %zu",
			     i);
		cr_assert_str_eq(err.field, cases[i].field, "case %zu", i);
	}
	json_t *a = activities(fx.db), *d = deals(fx.db);
	cr_assert_eq(json_array_size(a), 0);
	cr_assert_eq(json_array_size(d), 0);
	json_decref(a);
	json_decref(d);
}

Test(demo, a_member_cannot_add_users_or_pipelines)
{
	Err err = {0};
	int64_t id;
	Actor m;
	cr_assert_eq(user_add(fx.db, &sys, "o@example.com", "O", "owner", "password1", &id, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(user_add(fx.db, &sys, "m@example.com", "M", "member", "password1", &id, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(user_actor_by_email(fx.db, "m@example.com", &m, &err), KITH_OK);
	DemoOptions users = {.contacts = 5, .users = 1};
	cr_assert_eq(demo_generate(fx.db, &m, &users, &err), ERR_FORBIDDEN);
	DemoOptions deals_opt = {.contacts = 5, .deals = 5};
	cr_assert_eq(demo_generate(fx.db, &m, &deals_opt, &err), ERR_FORBIDDEN);
	/* a member's own demo contacts, activities and tasks are theirs */
	DemoOptions mine = {.contacts = 5, .companies = 0, .activities = 10, .tasks = 5};
	run(fx.db, &m, &mine);
	json_t *items = NULL;
	char *next = NULL;
	ActivityQuery q = {.limit = 500};
	cr_assert_eq(activity_list(fx.db, &m, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_array_size(items), 10);
	json_decref(items);
}
