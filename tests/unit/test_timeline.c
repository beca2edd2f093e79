/* test_timeline.c - merged timelines: order and ties across item types,
 * cursors across types and pages (each item once), a company's contacts
 * and deals, the deal timeline with its stage history, members (hidden
 * records not found, hidden items not leaked), bad limit/cursor/entity
 * naming the field, and the activity deal_id link. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/limits.h"
#include "crm/activity.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/task.h"
#include "views/timeline.h"
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
TestSuite(timeline, .init = setup, .fini = teardown);

static json_t *load(const char *fmt, long long a, long long b)
{
	char buf[1024];
	snprintf(buf, sizeof buf, fmt, a, b);
	json_t *in = json_loads(buf, 0, NULL);
	cr_assert_not_null(in, "bad test JSON %s", buf);
	return in;
}

typedef int (*CreateFn)(Db *, const Actor *, const json_t *, int64_t *, Err *);

static int64_t make(CreateFn fn, const Actor *actor, const char *fmt, long long a, long long b)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = load(fmt, a, b);
	cr_assert_eq(fn(fx.db, actor, in, &id, &err), KITH_OK, "%s: %s: %s", fmt, err.field,
		     err.msg);
	json_decref(in);
	return id;
}

static int contact_make(Db *db, const Actor *a, const json_t *in, int64_t *id, Err *err)
{
	return contact_create(db, a, in, 0, id, err);
}

static int company_make(Db *db, const Actor *a, const json_t *in, int64_t *id, Err *err)
{
	return company_create(db, a, in, 0, id, err);
}

#define CONTACT(actor, fmt, a) make(contact_make, actor, fmt, (long long)(a), 0)
#define COMPANY(actor, fmt) make(company_make, actor, fmt, 0, 0)
#define DEAL(actor, fmt, a) make(deal_create, actor, fmt, (long long)(a), 0)
#define TASK(actor, fmt, a) make(task_create, actor, fmt, (long long)(a), 0)
#define LOG(actor, fmt, a, b) make(activity_create, actor, fmt, (long long)(a), (long long)(b))

/* Pin every task and stage change to one instant, so ties across types
 * are certain (they are stamped with the clock otherwise). */
static void pin_times(const char *sql)
{
	Err err = {0};
	cr_assert_eq(db_exec_script(fx.db, sql, &err), KITH_OK, "%s", err.msg);
}

/* The whole timeline in one page (asserting there is no next). */
static json_t *all(const Actor *actor, const char *entity, int64_t id)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(timeline_get(fx.db, actor, entity, id, KITH_LIST_MAX, NULL, &items, &next,
				  &err),
		     KITH_OK, "%s: %s", err.field, err.msg);
	cr_assert_null(next);
	return items;
}

static const char *type_of(const json_t *items, size_t i)
{
	return json_string_value(json_object_get(json_array_get(items, i), "type"));
}

/* The id of item i's payload. */
static int64_t id_of(const json_t *items, size_t i)
{
	const json_t *item = json_array_get(items, i);
	json_t *p = json_object_get(item, "activity");
	if (!p)
		p = json_object_get(item, "task");
	if (!p)
		p = json_object_get(item, "stage_change");
	cr_assert_not_null(p, "item %zu has no payload", i);
	return json_integer_value(json_object_get(p, "id"));
}

/* 1 when the items hold one of type with payload id. */
static int has(const json_t *items, const char *type, int64_t id)
{
	for (size_t i = 0; i < json_array_size(items); i++)
		if (!strcmp(type_of(items, i), type) && id_of(items, i) == id)
			return 1;
	return 0;
}

/* A contact with items of every type, many at the same instant. */
static int64_t busy_contact(void)
{
	int64_t c = CONTACT(&sys, "{\"first_name\":\"Anna\"}", 0);
	int64_t d = DEAL(&sys, "{\"title\":\"Web\",\"contact_id\":%lld}", c);
	Err err = {0};
	cr_assert_eq(deal_move(fx.db, &sys, d, 2, 0, NULL, NULL, &err), KITH_OK, "%s", err.msg);
	static const char *const at[] = {"2026-01-05", "2026-01-03", "2026-01-05", "2026-01-01",
					 "2026-01-05"};
	for (int i = 0; i < 5; i++) {
		char json[200];
		snprintf(json, sizeof json,
			 "{\"kind\":\"call\",\"occurred_at\":\"%s\",\"contact_id\":%%lld}", at[i]);
		LOG(&sys, json, c, 0);
	}
	LOG(&sys, "{\"kind\":\"note\",\"occurred_at\":\"2026-01-05\",\"deal_id\":%lld}", d, 0);
	int64_t t1 = TASK(&sys, "{\"title\":\"Call\",\"contact_id\":%lld}", c);
	TASK(&sys, "{\"title\":\"Quote\",\"deal_id\":%lld}", d);
	cr_assert_eq(task_done(fx.db, &sys, t1, NULL, &err), KITH_OK, "%s", err.msg);
	pin_times("UPDATE task SET created_at = '2026-01-05T00:00:00Z';"
		  "UPDATE task SET done_at = '2026-01-05T00:00:00Z' WHERE done_at IS NOT NULL;"
		  "UPDATE deal_stage_change SET at = '2026-01-05T00:00:00Z';");
	/* noise on another contact */
	int64_t other = CONTACT(&sys, "{\"first_name\":\"Other\"}", 0);
	LOG(&sys, "{\"kind\":\"call\",\"occurred_at\":\"2026-01-05\",\"contact_id\":%lld}", other,
	    0);
	TASK(&sys, "{\"title\":\"Other\",\"contact_id\":%lld}", other);
	return c;
}

Test(timeline, order_and_ties_across_types)
{
	int64_t c = busy_contact();
	json_t *items = all(&sys, "contact", c);
	/* 6 activities (one through the deal), 2 created + 1 done task, 2 stage changes */
	cr_assert_eq(json_array_size(items), 11);
	for (size_t i = 1; i < json_array_size(items); i++) {
		const json_t *a = json_array_get(items, i - 1), *b = json_array_get(items, i);
		int at = strcmp(json_string_value(json_object_get(a, "at")),
				json_string_value(json_object_get(b, "at")));
		int ty = strcmp(type_of(items, i - 1), type_of(items, i));
		cr_assert(at > 0 || (at == 0 && (ty > 0 || (ty == 0 && id_of(items, i - 1) >
								       id_of(items, i)))),
			  "items %zu and %zu out of order", i - 1, i);
	}
	/* at 2026-01-05: task_done first, then task_created, stage_change, activity */
	cr_assert_str_eq(type_of(items, 0), "task_done");
	cr_assert_str_eq(type_of(items, 1), "task_created");
	cr_assert_str_eq(type_of(items, 3), "stage_change");
	cr_assert(json_is_null(json_object_get(
		json_object_get(json_array_get(items, 4), "stage_change"), "from_stage")),
		  "the creation entry comes after the move (same instant, lower id)");
	cr_assert_str_eq(type_of(items, 5), "activity");
	/* activity items keep their shape */
	json_t *item = json_array_get(items, 5);
	cr_assert_eq(json_object_size(item), 3);
	cr_assert_str_eq(json_string_value(json_object_get(item, "at")),
			 json_string_value(json_object_get(json_object_get(item, "activity"),
							   "occurred_at")));
	json_decref(items);
}

Test(timeline, cursor_across_types_and_pages_visits_each_once)
{
	int64_t c = busy_contact();
	json_t *whole = all(&sys, "contact", c);
	for (int limit = 1; limit <= 4; limit++) {
		char *cursor = NULL;
		size_t n = 0;
		for (int pages = 0; pages < 20; pages++) {
			Err err = {0};
			json_t *items = NULL;
			char *next = NULL;
			cr_assert_eq(timeline_get(fx.db, &sys, "contact", c, limit, cursor, &items,
						  &next, &err),
				     KITH_OK, "%s", err.msg);
			cr_assert_leq(json_array_size(items), (size_t)limit);
			for (size_t i = 0; i < json_array_size(items); i++, n++)
				cr_assert(json_equal(json_array_get(items, i), json_array_get(whole, n)),
					  "limit %d: item %zu differs from the one-page timeline", limit,
					  n);
			json_decref(items);
			free(cursor);
			cursor = next;
			if (!cursor)
				break;
		}
		cr_assert_eq(n, json_array_size(whole), "limit %d: %zu items", limit, n);
	}
	json_decref(whole);
}

Test(timeline, bad_limit_cursor_entity_name_the_field)
{
	int64_t c = busy_contact();
	static const struct {
		const char *entity;
		int limit;
		const char *cursor;
		const char *field;
	} cases[] = {
		{"contact", 501, NULL, "limit"},
		{"contact", -1, NULL, "limit"},
		{"contact", 5, "zz", "cursor"},
		{"contact", 5, "", "cursor"},
		/* "1\x1f" + "2026-01-05T00:00:00Z invoice": a type we do not know */
		{"contact", 5, "311f323032362d30312d30355430303a30303a30305a20696e766f696365", "cursor"},
		/* "1\x1f" + "yesterday": not an instant */
		{"contact", 5, "311f7965737465726461792020202020202020202020", "cursor"},
		{"invoice", 5, NULL, "entity"},
		{NULL, 5, NULL, "entity"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		json_t *items = NULL;
		char *next = NULL;
		cr_assert_eq(timeline_get(fx.db, &sys, cases[i].entity, c, cases[i].limit,
					  cases[i].cursor, &items, &next, &err),
			     ERR_INVALID, "case %zu", i);
		cr_assert_str_eq(err.field, cases[i].field, "case %zu: %s", i, err.field);
		cr_assert_null(items);
	}
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(timeline_get(fx.db, &sys, "contact", 999, 5, NULL, &items, &next, &err),
		     ERR_NOT_FOUND);
	cr_assert_eq(timeline_get(fx.db, &sys, "deal", 999, 5, NULL, &items, &next, &err),
		     ERR_NOT_FOUND);
	/* a cursor of the former activity-only timeline still continues */
	char *old = cursor_encode("2026-01-03T00:00:00Z", 999);
	cr_assert_eq(timeline_get(fx.db, &sys, "contact", c, 50, old, &items, &next, &err), KITH_OK,
		     "%s", err.msg);
	cr_assert_eq(json_array_size(items), 2, "the activities at 01-03 and 01-01");
	json_decref(items);
	free(old);
}

Test(timeline, company_includes_its_contacts_and_deals)
{
	int64_t co = COMPANY(&sys, "{\"legal_name\":\"Acme\"}");
	int64_t bob = CONTACT(&sys, "{\"first_name\":\"Bob\",\"company_id\":%lld}", co);
	int64_t stranger = CONTACT(&sys, "{\"first_name\":\"Stranger\"}", 0);
	int64_t a1 = LOG(&sys, "{\"kind\":\"note\",\"company_id\":%lld}", co, 0);
	int64_t a2 = LOG(&sys,
			 "{\"kind\":\"call\",\"occurred_at\":\"2026-01-01\",\"contact_id\":%lld}",
			 bob, 0);
	/* linked to the company and its contact: shown once */
	int64_t a3 = LOG(&sys, "{\"kind\":\"call\",\"contact_id\":%lld,\"company_id\":%lld}", bob,
			 co);
	LOG(&sys, "{\"kind\":\"call\",\"contact_id\":%lld}", stranger, 0);
	int64_t bob_deal = DEAL(&sys, "{\"title\":\"Bob's\",\"contact_id\":%lld}", bob);
	int64_t co_deal = DEAL(&sys, "{\"title\":\"Acme's\",\"company_id\":%lld}", co);
	int64_t a4 = LOG(&sys, "{\"kind\":\"email\",\"deal_id\":%lld}", bob_deal, 0);
	int64_t t1 = TASK(&sys, "{\"title\":\"T1\",\"contact_id\":%lld}", bob);
	int64_t t2 = TASK(&sys, "{\"title\":\"T2\",\"deal_id\":%lld}", co_deal);
	TASK(&sys, "{\"title\":\"T3\",\"contact_id\":%lld}", stranger);
	json_t *items = all(&sys, "company", co);
	cr_assert_eq(json_array_size(items), 8);
	cr_assert(has(items, "activity", a1) && has(items, "activity", a2) &&
		  has(items, "activity", a3) && has(items, "activity", a4));
	cr_assert(has(items, "task_created", t1) && has(items, "task_created", t2));
	int stages = 0;
	for (size_t i = 0; i < json_array_size(items); i++)
		stages += !strcmp(type_of(items, i), "stage_change");
	cr_assert_eq(stages, 2, "the creation entries of both deals");
	json_decref(items);
	/* a trashed deal's items leave the company timeline, not the deal's */
	Err err = {0};
	cr_assert_eq(deal_delete(fx.db, &sys, bob_deal, &err), KITH_OK);
	items = all(&sys, "company", co);
	cr_assert_eq(json_array_size(items), 6);
	json_decref(items);
	items = all(&sys, "deal", bob_deal);
	cr_assert_eq(json_array_size(items), 2);
	json_decref(items);
	char last[21];
	cr_assert_eq(activity_last_touch(fx.db, &sys, "company", co, last, &err), KITH_OK);
	cr_assert_neq(strcmp(last, "2026-01-01T00:00:00Z"), 0, "a3 is newer and not a note");
}

Test(timeline, deal_timeline_has_its_items_and_stage_history)
{
	int64_t c = CONTACT(&sys, "{\"first_name\":\"Anna\"}", 0);
	int64_t d = DEAL(&sys, "{\"title\":\"Web\",\"contact_id\":%lld}", c);
	int64_t other = DEAL(&sys, "{\"title\":\"Other\"}", 0);
	Err err = {0};
	cr_assert_eq(deal_move(fx.db, &sys, d, 3, 0, NULL, NULL, &err), KITH_OK);
	cr_assert_eq(deal_move(fx.db, &sys, other, 2, 0, NULL, NULL, &err), KITH_OK);
	int64_t a = LOG(&sys, "{\"kind\":\"meeting\",\"deal_id\":%lld,\"contact_id\":%lld}", d, c);
	int64_t gone = LOG(&sys, "{\"kind\":\"call\",\"deal_id\":%lld}", d, 0);
	cr_assert_eq(activity_delete(fx.db, &sys, gone, &err), KITH_OK);
	LOG(&sys, "{\"kind\":\"call\",\"contact_id\":%lld}", c, 0);   /* not the deal's */
	int64_t t = TASK(&sys, "{\"title\":\"Send quote\",\"deal_id\":%lld}", d);
	cr_assert_eq(task_done(fx.db, &sys, t, NULL, &err), KITH_OK);
	json_t *items = all(&sys, "deal", d);
	cr_assert_eq(json_array_size(items), 5);
	cr_assert(has(items, "activity", a));
	cr_assert(has(items, "task_created", t) && has(items, "task_done", t));
	json_t *history = NULL;
	cr_assert_eq(deal_history(fx.db, &sys, d, &history, &err), KITH_OK);
	cr_assert_eq(json_array_size(history), 2);
	for (size_t i = 0; i < json_array_size(history); i++) {
		json_t *h = json_array_get(history, i);
		cr_assert(has(items, "stage_change", json_integer_value(json_object_get(h, "id"))));
		cr_assert_eq(json_integer_value(json_object_get(h, "deal_id")), d);
	}
	cr_assert(json_is_null(json_object_get(json_array_get(history, 0), "from_stage")));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(history, 1), "to_stage")),
			 "Follow-up");
	json_decref(history);
	json_decref(items);
	/* a deal in the trash keeps its timeline */
	cr_assert_eq(deal_delete(fx.db, &sys, d, &err), KITH_OK);
	items = all(&sys, "deal", d);
	cr_assert_eq(json_array_size(items), 5);
	json_decref(items);
	char last[21];
	cr_assert_eq(activity_last_touch(fx.db, &sys, "deal", d, last, &err), KITH_OK);
	cr_assert_neq(last[0], '\0');
}

Test(timeline, members_cannot_read_others_timelines)
{
	fixture_user(&fx, "owner@example.com", "owner");
	Actor m1 = fixture_user(&fx, "m1@example.com", "member");
	Actor m2 = fixture_user(&fx, "m2@example.com", "member");
	int64_t c = CONTACT(&m2, "{\"first_name\":\"Two\"}", 0);
	int64_t co = COMPANY(&m2, "{\"legal_name\":\"Two Ltd\"}");
	int64_t d = DEAL(&m2, "{\"title\":\"Two's\",\"contact_id\":%lld}", c);
	const struct {
		const char *entity;
		int64_t id;
	} hidden[] = {{"contact", c}, {"company", co}, {"deal", d}};
	for (size_t i = 0; i < 3; i++) {
		Err err = {0};
		json_t *items = NULL;
		char *next = NULL;
		char last[21];
		cr_assert_eq(timeline_get(fx.db, &m1, hidden[i].entity, hidden[i].id, 10, NULL,
					  &items, &next, &err),
			     ERR_NOT_FOUND, "%s", hidden[i].entity);
		cr_assert_eq(activity_last_touch(fx.db, &m1, hidden[i].entity, hidden[i].id, last,
						 &err),
			     ERR_NOT_FOUND);
		json_decref(all(&m2, hidden[i].entity, hidden[i].id));
	}
	Err err = {0};
	json_t *h = NULL;
	cr_assert_eq(deal_history(fx.db, &m1, d, &h, &err), ERR_NOT_FOUND);
}

Test(timeline, items_a_member_may_not_see_are_not_leaked)
{
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor m1 = fixture_user(&fx, "m1@example.com", "member");
	int64_t co = COMPANY(&m1, "{\"legal_name\":\"Mine\"}");
	int64_t mine = CONTACT(&m1, "{\"first_name\":\"Mine\",\"company_id\":%lld}", co);
	int64_t theirs = CONTACT(&owner, "{\"first_name\":\"Theirs\",\"company_id\":%lld}", co);
	/* the owner's deal on the member's contact: its stage changes, its
	 * activities and tasks stay hidden from the member */
	int64_t their_deal = DEAL(&owner, "{\"title\":\"Theirs\",\"contact_id\":%lld}", mine);
	int64_t my_deal = DEAL(&m1, "{\"title\":\"Mine\",\"contact_id\":%lld}", mine);
	int64_t hidden_a = LOG(&owner, "{\"kind\":\"call\",\"deal_id\":%lld}", their_deal, 0);
	int64_t hidden_t = TASK(&owner, "{\"title\":\"Secret\",\"deal_id\":%lld}", their_deal);
	int64_t hidden_b = LOG(&owner, "{\"kind\":\"call\",\"contact_id\":%lld}", theirs, 0);
	int64_t hidden_u = TASK(&owner, "{\"title\":\"Theirs\",\"contact_id\":%lld}", theirs);
	/* what the member may see: on their contact, their deal, or logged by them */
	int64_t seen_a = LOG(&owner, "{\"kind\":\"call\",\"contact_id\":%lld}", mine, 0);
	int64_t seen_b = LOG(&owner, "{\"kind\":\"sms\",\"deal_id\":%lld}", my_deal, 0);
	int64_t seen_t = TASK(&owner, "{\"title\":\"Visible\",\"deal_id\":%lld}", my_deal);
	json_t *items = all(&m1, "contact", mine);
	cr_assert(has(items, "activity", seen_a) && has(items, "activity", seen_b));
	cr_assert(has(items, "task_created", seen_t));
	cr_assert(!has(items, "activity", hidden_a) && !has(items, "task_created", hidden_t));
	for (size_t i = 0; i < json_array_size(items); i++)
		if (!strcmp(type_of(items, i), "stage_change"))
			cr_assert_eq(json_integer_value(json_object_get(
					     json_object_get(json_array_get(items, i), "stage_change"),
					     "deal_id")),
				     my_deal, "a stage change of the owner's deal leaked");
	cr_assert_eq(json_array_size(items), 4, "2 activities, 1 task, 1 stage change");
	json_decref(items);
	items = all(&m1, "company", co);
	cr_assert(!has(items, "activity", hidden_b) && !has(items, "task_created", hidden_u));
	cr_assert_eq(json_array_size(items), 4);
	json_decref(items);
	items = all(&owner, "contact", mine);
	cr_assert_eq(json_array_size(items), 7);
	json_decref(items);
	/* the member asking for the owner's deal's timeline: not found */
	Err err = {0};
	char *next = NULL;
	cr_assert_eq(timeline_get(fx.db, &m1, "deal", their_deal, 10, NULL, &items, &next, &err),
		     ERR_NOT_FOUND);
}

Test(timeline, activity_deal_link_is_checked)
{
	fixture_user(&fx, "owner@example.com", "owner");
	Actor m1 = fixture_user(&fx, "m1@example.com", "member");
	Actor m2 = fixture_user(&fx, "m2@example.com", "member");
	int64_t d1 = DEAL(&m1, "{\"title\":\"One's\"}", 0);
	int64_t d2 = DEAL(&m2, "{\"title\":\"Two's\"}", 0);
	int64_t trashed = DEAL(&sys, "{\"title\":\"Gone\"}", 0);
	Err err = {0};
	cr_assert_eq(deal_delete(fx.db, &sys, trashed, &err), KITH_OK);
	static const struct {
		const char *json;
		int code;
	} bad[] = {
		{"{\"kind\":\"call\",\"deal_id\":%lld}", ERR_NOT_FOUND},   /* someone else's */
		{"{\"kind\":\"call\",\"deal_id\":%lld0}", ERR_NOT_FOUND},  /* absent */
		{"{\"kind\":\"call\",\"deal_id\":0}", ERR_INVALID},
		{"{\"kind\":\"call\",\"deal_id\":\"%lld\"}", ERR_INVALID},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t id = 0;
		json_t *in = load(bad[i].json, (long long)d2, 0);
		cr_assert_eq(activity_create(fx.db, &m1, in, &id, &err), bad[i].code, "case %zu", i);
		cr_assert_str_eq(err.field, "deal_id", "case %zu: %s", i, err.field);
		json_decref(in);
	}
	json_t *in = load("{\"kind\":\"call\",\"deal_id\":%lld}", (long long)trashed, 0);
	int64_t id = 0;
	cr_assert_eq(activity_create(fx.db, &sys, in, &id, &err), ERR_GONE);
	cr_assert_str_eq(err.field, "deal_id");
	json_decref(in);
	/* the owner logs on m1's deal: m1 sees it through the deal */
	Actor owner;
	cr_assert_eq(user_actor_by_email(fx.db, "owner@example.com", &owner, &err), KITH_OK);
	int64_t a = LOG(&owner, "{\"kind\":\"call\",\"deal_id\":%lld}", d1, 0);
	json_t *got = NULL;
	cr_assert_eq(activity_get(fx.db, &m1, a, 0, &got, &err), KITH_OK);
	cr_assert_eq(json_integer_value(json_object_get(got, "deal_id")), d1);
	json_decref(got);
	cr_assert_eq(activity_get(fx.db, &m2, a, 0, &got, &err), ERR_NOT_FOUND);
	/* list filter */
	ActivityQuery q = {.deal_id = d1};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(activity_list(fx.db, &m1, &q, &items, &next, &err), KITH_OK);
	cr_assert_eq(json_array_size(items), 1);
	json_decref(items);
	q.deal_id = d2;
	cr_assert_eq(activity_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	cr_assert_eq(json_array_size(items), 0);
	json_decref(items);
	/* PATCH: moving it to a hidden deal is not found; dropping the only link is invalid */
	json_t *patch = json_pack("{sI}", "deal_id", (json_int_t)d2);
	cr_assert_eq(activity_update(fx.db, &m1, a, patch, 0, NULL, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "deal_id");
	json_decref(patch);
	patch = json_pack("{sn}", "deal_id");
	cr_assert_eq(activity_update(fx.db, &m1, a, patch, 0, NULL, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "contact_id");
	json_decref(patch);
	int64_t c = CONTACT(&m1, "{\"first_name\":\"Mine\"}", 0);
	patch = json_pack("{sIsn}", "contact_id", (json_int_t)c, "deal_id");
	cr_assert_eq(activity_update(fx.db, &m1, a, patch, 0, &got, &err), KITH_OK, "%s", err.msg);
	cr_assert(json_is_null(json_object_get(got, "deal_id")));
	json_decref(got);
	json_decref(patch);
}

/* A page costs a few statements whatever its length (one per item type,
 * not one per item: a round trip each on PostgreSQL), for owners and
 * members, and timeline_page's last touch is activity_last_touch's, read
 * without a second record check. */
Test(timeline, a_page_costs_a_few_statements_whatever_its_length)
{
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor m1 = fixture_user(&fx, "m1@example.com", "member");
	int64_t c = CONTACT(&m1, "{\"first_name\":\"Busy\"}", 0);
	int64_t d = DEAL(&m1, "{\"title\":\"Big\",\"contact_id\":%lld}", c);
	for (int i = 0; i < 12; i++) {
		LOG(&m1, "{\"kind\":\"call\",\"contact_id\":%lld}", c, 0);
		LOG(&m1, "{\"kind\":\"call\",\"contact_id\":%lld,\"deal_id\":%lld}", c, d);
	}
	for (int i = 0; i < 6; i++)
		TASK(&m1, "{\"title\":\"Call back\",\"contact_id\":%lld}", c);
	const Actor *actors[] = {&owner, &m1};
	for (size_t a = 0; a < 2; a++) {
		Err err = {0};
		json_t *items = NULL, *page = NULL;
		char *next = NULL, last[21], want_last[21];
		uint64_t before = db_statements(fx.db);
		cr_assert_eq(timeline_page(fx.db, actors[a], "contact", c, KITH_LIST_MAX, NULL,
					   &items, &next, last, &err),
			     KITH_OK, "%s: %s", err.field, err.msg);
		uint64_t ran = db_statements(fx.db) - before;
		/* 24 activities, 6 tasks, the deal's creation */
		cr_assert_eq(json_array_size(items), 31);
		/* the check, the keys, activities, tasks, stage changes, the last
		 * touch (and a BEGIN and COMMIT where the backend counts them) */
		cr_assert_leq(ran, 8, "%llu statements for one page", (unsigned long long)ran);
		cr_assert_eq(activity_last_touch(fx.db, actors[a], "contact", c, want_last, &err),
			     KITH_OK);
		cr_assert_str_eq(last, want_last);
		page = all(actors[a], "contact", c);
		cr_assert(json_equal(page, items), "timeline_page and timeline_get differ");
		json_decref(page);
		json_decref(items);
		free(next);
	}
}
