/* test_due.c - who to keep in touch with (views/due.h): due boundaries in
 * a non-UTC zone and with a horizon, tag vs contact cadence, the too-often
 * window, birthdays across New Year and on 29 February, date fields with
 * remind_days, members seeing only their own and shared records, whose
 * list and how far ahead (due_scope), and bad input naming the field. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "crm/cadence.h"
#include "crm/collab.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/field.h"
#include "crm/tag.h"
#include "core/user.h"
#include "core/workspace.h"
#include "views/due.h"
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

TestSuite(due, .init = setup, .fini = teardown);

static json_t *due_as(const Actor *actor, int64_t user, const char *today, int days)
{
	Err err = {0};
	json_t *out = NULL;
	DueQuery q = {.user_id = user, .today = today, .days = days};
	cr_assert_eq(due_list(fx.db, actor, &q, &out, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	return out;
}

static json_t *due(const char *today, int days)
{
	return due_as(&sys, 0, today, days);
}

/* The item of section with "id" id, NULL when none. */
static json_t *find(const json_t *out, const char *section, int64_t id)
{
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(out, section), i, v)
	{
		if (json_int_of(v, "id") == id)
			return v;
	}
	return NULL;
}

Test(due, due_boundary_uses_the_workspace_zone_and_horizon)
{
	fixture_zone(&fx, "America/New_York");
	int64_t id = fixture_contact(&fx, &sys, "{\"first_name\":\"Ann\",\"cadence_days\":10}");
	/* 03:00 UTC on 2 November is still 1 November in New York. */
	fixture_touch(&fx, id, "call", "2026-11-02T03:00:00Z");
	json_t *out = due("2026-11-10", 0);
	cr_assert_null(find(out, "due", id), "not due before 1 Nov + 10 days");
	json_decref(out);
	out = due("2026-11-11", 0);
	json_t *d = find(out, "due", id);
	cr_assert_not_null(d, "due on 11 Nov (local date of the touch + 10)");
	cr_assert_str_eq(json_str_of(d, "due_date"), "2026-11-11");
	cr_assert_eq(json_int_of(d, "days_overdue"), 0);
	cr_assert_str_eq(json_str_of(d, "last_contacted_at"), "2026-11-02T03:00:00Z");
	json_decref(out);
	out = due("2026-11-10", 1);
	d = find(out, "due", id);
	cr_assert_not_null(d, "within a one-day horizon");
	cr_assert_eq(json_int_of(d, "days_overdue"), -1);
	json_decref(out);
	/* a note is no touch: a newer note does not move the due date */
	fixture_touch(&fx, id, "note", "2026-11-09T12:00:00Z");
	out = due("2026-11-11", 0);
	cr_assert_not_null(find(out, "due", id));
	json_decref(out);
}

Test(due, never_touched_comes_first_then_most_overdue)
{
	int64_t a = fixture_contact(&fx, &sys, "{\"first_name\":\"A\",\"cadence_days\":5}");
	int64_t b = fixture_contact(&fx, &sys, "{\"first_name\":\"B\",\"cadence_days\":5}");
	int64_t c = fixture_contact(&fx, &sys, "{\"first_name\":\"C\",\"cadence_days\":5}");
	fixture_contact(&fx, &sys, "{\"first_name\":\"No cadence\"}");
	fixture_touch(&fx, a, "email", "2026-10-20T10:00:00Z");
	fixture_touch(&fx, b, "email", "2026-10-01T10:00:00Z");
	json_t *out = due("2026-11-01", 0), *list = json_object_get(out, "due");
	cr_assert_eq(json_array_size(list), 3);
	cr_assert_eq(json_int_of(json_array_get(list, 0), "id"), c);
	cr_assert(json_is_null(json_object_get(json_array_get(list, 0), "days_overdue")));
	cr_assert_eq(json_int_of(json_array_get(list, 1), "id"), b);
	cr_assert_eq(json_int_of(json_array_get(list, 2), "id"), a);
	cr_assert_eq(json_int_of(json_object_get(out, "counts"), "due"), 3);
	json_decref(out);
}

Test(due, contact_cadence_beats_the_shortest_tag_cadence)
{
	Err err = {0};
	int64_t slow, fast;
	int64_t by_tag =
	    fixture_contact(&fx, &sys, "{\"first_name\":\"T\",\"tags\":[\"slow\",\"fast\"]}");
	int64_t own = fixture_contact(
	    &fx, &sys, "{\"first_name\":\"O\",\"tags\":[\"fast\"],\"cadence_days\":60}");
	cr_assert_eq(tag_find(fx.db, "slow", &slow, &err), KITH_OK);
	cr_assert_eq(tag_find(fx.db, "fast", &fast, &err), KITH_OK);
	cr_assert_eq(tag_set_cadence(fx.db, &sys, slow, 30, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(tag_set_cadence(fx.db, &sys, fast, 7, NULL, &err), KITH_OK, "%s", err.msg);
	fixture_touch(&fx, by_tag, "call", "2026-11-01T10:00:00Z");
	fixture_touch(&fx, own, "call", "2026-11-01T10:00:00Z");
	json_t *out = due("2026-11-08", 0), *d = find(out, "due", by_tag);
	cr_assert_not_null(d, "the shortest tag cadence (7) applies");
	cr_assert_eq(json_int_of(d, "cadence_days"), 7);
	cr_assert_null(find(out, "due", own), "its own 60 days win over the tag's 7");
	json_decref(out);
	/* annotate shows the effective cadence */
	json_t *c = json_object();
	cr_assert_eq(cadence_annotate(fx.db, by_tag, c, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_int_of(c, "effective_cadence_days"), 7);
	json_decref(c);
	/* clearing the tag cadence falls back to the other tag */
	cr_assert_eq(tag_set_cadence(fx.db, &sys, fast, 0, NULL, &err), KITH_OK);
	out = due("2026-11-08", 0);
	cr_assert_null(find(out, "due", by_tag));
	json_decref(out);
}

Test(due, too_often_counts_touches_in_the_window)
{
	Err err = {0};
	WorkspaceReminders r = {.touch_limit = 3, .touch_window_days = 7, .birthday_lead_days = -1};
	cr_assert_eq(workspace_set_reminders(fx.db, &sys, &r, &err), KITH_OK, "%s", err.msg);
	int64_t busy = fixture_contact(&fx, &sys, "{\"first_name\":\"Busy\",\"cadence_days\":30}");
	int64_t ok = fixture_contact(&fx, &sys, "{\"first_name\":\"Fine\",\"cadence_days\":30}");
	/* touches are only planned, so only counted, for contacts with a cadence */
	int64_t unplanned = fixture_contact(&fx, &sys, "{\"first_name\":\"Unplanned\"}");
	/* window for today 2026-11-10: 2026-11-04 .. 2026-11-10 (UTC) */
	const char *in_window[] = {"2026-11-04T00:00:00Z", "2026-11-06T09:00:00Z",
				   "2026-11-08T09:00:00Z", "2026-11-10T23:59:59Z"};
	for (int i = 0; i < 4; i++) {
		fixture_touch(&fx, busy, "call", in_window[i]);
		fixture_touch(&fx, unplanned, "call", in_window[i]);
	}
	fixture_touch(&fx, ok, "call", "2026-11-03T23:59:59Z"); /* the day before the window */
	fixture_touch(&fx, ok, "email", "2026-11-05T10:00:00Z");
	fixture_touch(&fx, ok, "email", "2026-11-06T10:00:00Z");
	fixture_touch(&fx, ok, "sms", "2026-11-07T10:00:00Z");
	fixture_touch(&fx, ok, "note", "2026-11-08T10:00:00Z"); /* notes are no touches */
	json_t *out = due("2026-11-10", 0), *d = find(out, "too_often", busy);
	cr_assert_not_null(d, "4 touches > 3 in 7 days");
	cr_assert_eq(json_int_of(d, "touches"), 4);
	cr_assert_eq(json_int_of(d, "window_days"), 7);
	cr_assert_null(find(out, "too_often", ok), "3 touches in the window are fine");
	cr_assert_null(find(out, "too_often", unplanned), "no cadence, no plan to keep");
	json_decref(out);
	r = (WorkspaceReminders){.touch_limit = 2, .touch_window_days = -1, .birthday_lead_days = -1};
	cr_assert_eq(workspace_set_reminders(fx.db, &sys, &r, &err), KITH_OK);
	out = due("2026-11-10", 0);
	cr_assert_not_null(find(out, "too_often", ok), "3 > a limit of 2");
	json_decref(out);
}

/* The key date of contact id in out, NULL when none. */
static json_t *key_date(const json_t *out, const char *type, int64_t id, const char *key)
{
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(out, "key_dates"), i, v)
	{
		if (json_int_of(v, "id") == id && strcmp(json_str_of(v, "type"), type) == 0 &&
		    strcmp(json_str_of(v, "key"), key) == 0)
			return v;
	}
	return NULL;
}

Test(due, birthdays_wrap_the_year_and_29_february)
{
	int64_t jan =
	    fixture_contact(&fx, &sys, "{\"first_name\":\"Jan\",\"birthday\":\"1990-01-02\"}");
	int64_t leap =
	    fixture_contact(&fx, &sys, "{\"first_name\":\"Leap\",\"birthday\":\"2000-02-29\"}");
	int64_t dec =
	    fixture_contact(&fx, &sys, "{\"first_name\":\"Dec\",\"birthday\":\"1985-12-28\"}");
	json_t *out = due("2026-12-28", 0), *d = key_date(out, "contact", jan, "birthday");
	cr_assert_not_null(d, "2 January is 5 days after 28 December");
	cr_assert_str_eq(json_str_of(d, "date"), "2027-01-02");
	cr_assert_eq(json_int_of(d, "days"), 5);
	d = key_date(out, "contact", dec, "birthday");
	cr_assert_not_null(d, "today counts");
	cr_assert_eq(json_int_of(d, "days"), 0);
	cr_assert_eq(json_int_of(json_array_get(json_object_get(out, "key_dates"), 0), "id"), dec,
		     "soonest first");
	json_decref(out);
	out = due("2027-02-25", 0);
	d = key_date(out, "contact", leap, "birthday");
	cr_assert_not_null(d, "29 Feb is kept on 28 Feb in a common year");
	cr_assert_str_eq(json_str_of(d, "date"), "2027-02-28");
	cr_assert_eq(json_int_of(d, "days"), 3);
	json_decref(out);
	out = due("2027-02-21", 0); /* the window ends on 28 Feb exactly */
	cr_assert_not_null(key_date(out, "contact", leap, "birthday"));
	json_decref(out);
	out = due("2027-03-01", 0);
	cr_assert_null(key_date(out, "contact", leap, "birthday"), "passed this year");
	json_decref(out);
	out = due("2028-02-25", 0);
	d = key_date(out, "contact", leap, "birthday");
	cr_assert_not_null(d);
	cr_assert_str_eq(json_str_of(d, "date"), "2028-02-29", "a leap year has the day");
	json_decref(out);
	out = due("2026-12-20", 0);
	cr_assert_null(key_date(out, "contact", jan, "birthday"), "13 days ahead > 7");
	json_decref(out);
}

Test(due, date_fields_with_remind_days)
{
	Err err = {0};
	int64_t fid, co1, co2, co3;
	json_t *def =
	    fixture_json("{\"entity\":\"company\",\"key\":\"contract_end\",\"label\":\"Contract "
			 "end\",\"type\":\"date\",\"remind_days\":30}");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(def);
	const char *ends[] = {"2026-12-01", "2026-12-02", "2026-10-31"};
	int64_t *ids[] = {&co1, &co2, &co3};
	for (int i = 0; i < 3; i++) {
		json_t *in = json_pack("{ss s{ss}}", "legal_name", "Acme", "custom", "contract_end",
				       ends[i]);
		cr_assert_eq(company_create(fx.db, &sys, in, 0, ids[i], &err), KITH_OK, "%s: %s",
			     err.field, err.msg);
		json_decref(in);
	}
	json_t *out = due("2026-11-01", 0), *d = key_date(out, "company", co1, "contract_end");
	cr_assert_not_null(d, "30 days ahead is in");
	cr_assert_eq(json_int_of(d, "days"), 30);
	cr_assert_str_eq(json_str_of(d, "label"), "Contract end");
	cr_assert_str_eq(json_str_of(d, "name"), "Acme");
	cr_assert_null(key_date(out, "company", co2, "contract_end"), "31 days ahead is out");
	cr_assert_null(key_date(out, "company", co3, "contract_end"), "past dates are out");
	json_decref(out);
	/* remind_days: null turns it off; only date fields take it */
	json_t *patch = fixture_json("{\"remind_days\":null}");
	cr_assert_eq(field_update(fx.db, &sys, fid, patch, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	out = due("2026-11-01", 0);
	cr_assert_eq(json_array_size(json_object_get(out, "key_dates")), 0);
	json_decref(out);
	const char *bad[] = {
		"{\"entity\":\"company\",\"key\":\"t\",\"label\":\"T\",\"type\":\"text\","
		"\"remind_days\":3}",
		"{\"entity\":\"company\",\"key\":\"d\",\"label\":\"D\",\"type\":\"date\","
		"\"remind_days\":367}",
		"{\"entity\":\"company\",\"key\":\"d\",\"label\":\"D\",\"type\":\"date\","
		"\"remind_days\":\"3\"}",
	};
	for (int i = 0; i < 3; i++) {
		def = fixture_json(bad[i]);
		cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), ERR_INVALID, "%s", bad[i]);
		cr_assert_str_eq(err.field, "remind_days");
		json_decref(def);
	}
}

Test(due, members_see_only_their_own)
{
	Err err = {0};
	fixture_user(&fx, "owner@example.com", "owner");
	Actor ann = fixture_user(&fx, "ann@example.com", "member");
	Actor bob = fixture_user(&fx, "bob@example.com", "member");
	Actor boss = fixture_user(&fx, "boss@example.com", "admin");
	int64_t mine = fixture_contact(&fx, &ann,
				       "{\"first_name\":\"Mine\",\"cadence_days\":3,"
				       "\"birthday\":\"1990-11-03\"}");
	int64_t theirs = fixture_contact(&fx, &bob,
					 "{\"first_name\":\"Theirs\",\"cadence_days\":3,"
					 "\"birthday\":\"1990-11-03\"}");
	json_t *out = due_as(&ann, ann.user_id, "2026-11-01", 0);
	cr_assert_not_null(find(out, "due", mine));
	cr_assert_null(find(out, "due", theirs));
	cr_assert_not_null(key_date(out, "contact", mine, "birthday"));
	cr_assert_null(key_date(out, "contact", theirs, "birthday"));
	json_decref(out);
	out = due_as(&ann, 0, "2026-11-01", 0); /* a member's "team" is their own */
	cr_assert_null(find(out, "due", theirs));
	json_decref(out);
	json_t *o = NULL;
	DueQuery q = {.user_id = bob.user_id, .today = "2026-11-01"};
	cr_assert_eq(due_list(fx.db, &ann, &q, &o, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "user_id");
	out = due_as(&boss, 0, "2026-11-01", 0);
	cr_assert_not_null(find(out, "due", mine));
	cr_assert_not_null(find(out, "due", theirs));
	json_decref(out);
	out = due_as(&boss, bob.user_id, "2026-11-01", 0);
	cr_assert_null(find(out, "due", mine));
	cr_assert_not_null(find(out, "due", theirs));
	json_decref(out);
	/* members may not set a tag's cadence */
	int64_t tag;
	fixture_contact(&fx, &ann, "{\"first_name\":\"T\",\"tags\":[\"vip\"]}");
	cr_assert_eq(tag_find(fx.db, "vip", &tag, &err), KITH_OK);
	cr_assert_eq(tag_set_cadence(fx.db, &ann, tag, 5, NULL, &err), ERR_FORBIDDEN);
}

/* Shared records (collab.h) join a member's due list, too-often list and
 * key dates, like the records they own. */
Test(due, members_see_what_is_shared_with_them)
{
	Err err = {0};
	fixture_user(&fx, "owner@example.com", "owner");
	Actor ann = fixture_user(&fx, "ann@example.com", "member");
	Actor bob = fixture_user(&fx, "bob@example.com", "member");
	int64_t theirs = fixture_contact(&fx, &bob,
					 "{\"first_name\":\"Theirs\",\"cadence_days\":3,"
					 "\"birthday\":\"1990-11-03\"}");
	int64_t tagged =
	    fixture_contact(&fx, &bob, "{\"first_name\":\"Tagged\",\"tags\":[\"vip\"]}");
	int64_t tag;
	cr_assert_eq(tag_find(fx.db, "vip", &tag, &err), KITH_OK);
	cr_assert_eq(tag_set_cadence(fx.db, &sys, tag, 5, NULL, &err), KITH_OK, "%s", err.msg);
	for (int i = 0; i < 4; i++)
		fixture_touch(&fx, theirs, "call", "2026-10-31T10:00:00Z");
	json_t *out = due_as(&ann, 0, "2026-11-01", 0);
	cr_assert_null(find(out, "due", tagged));
	cr_assert_null(find(out, "too_often", theirs));
	cr_assert_null(key_date(out, "contact", theirs, "birthday"));
	json_decref(out);
	cr_assert_eq(collab_add(fx.db, &bob, RECORD_CONTACT, theirs, ann.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(collab_add(fx.db, &bob, RECORD_CONTACT, tagged, ann.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	out = due_as(&ann, 0, "2026-11-01", 0);
	cr_assert_not_null(find(out, "due", tagged)); /* never touched, tag cadence */
	cr_assert_not_null(find(out, "too_often", theirs));
	cr_assert_not_null(key_date(out, "contact", theirs, "birthday"));
	json_decref(out);
}

Test(due, bad_query_names_the_field)
{
	Err err = {0};
	json_t *o = NULL;
	DueQuery bad_days = {.days = 367};
	cr_assert_eq(due_list(fx.db, &sys, &bad_days, &o, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "days");
	DueQuery bad_today = {.today = "2026-02-30"};
	cr_assert_eq(due_list(fx.db, &sys, &bad_today, &o, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "today");
	DueQuery no_user = {.user_id = 999};
	cr_assert_eq(due_list(fx.db, &sys, &no_user, &o, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "user_id");
}

/* Whose agenda and how far ahead: one rule for the CLI and the API. */
Test(due, scope_picks_user_team_and_days)
{
	Err err = {0};
	int64_t user = -1;
	int days = -1;
	Actor me = {.user_id = 7, .role = ROLE_MEMBER};
	cr_assert_eq(due_scope(&me, 0, 0, NULL, 7, &user, &days, &err), KITH_OK);
	cr_expect_eq(user, 7, "neither user nor team: the actor's own");
	cr_expect_eq(days, 7);
	cr_assert_eq(due_scope(&me, 3, 0, "0", 7, &user, &days, &err), KITH_OK);
	cr_expect_eq(user, 3);
	cr_expect_eq(days, 0);
	cr_assert_eq(due_scope(&me, 0, 1, "366", 0, &user, &days, &err), KITH_OK);
	cr_expect_eq(user, 0, "the team");
	cr_expect_eq(days, 366);
	cr_assert_eq(due_scope(&sys, 0, 0, NULL, 0, &user, &days, &err), KITH_OK);
	cr_expect_eq(user, 0, "the local system sees the team");
	cr_expect_eq(due_scope(&me, 3, 1, NULL, 7, &user, &days, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "team");
	static const char *const bad[] = {"367", "-1", "x", "", "7d", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = (Err){0};
		cr_expect_eq(due_scope(&me, 0, 0, bad[i], 7, &user, &days, &err), ERR_INVALID,
			     "%s", bad[i]);
		cr_expect_str_eq(err.field, "days");
	}
}
