/* test_cadence.c - the cadence rules of a contact (crm/cadence.h): cadence
 * values and their errors, the next touch from a task or the cadence, and
 * the annotation of a contact's JSON. The lists built on them (due, too
 * often, key dates) are tested in test_due.c, the agenda in test_agenda.c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "crm/activity.h"
#include "crm/cadence.h"
#include "crm/contact.h"
#include "crm/tag.h"
#include "crm/task.h"
#include "core/workspace.h"
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

TestSuite(cadence, .init = setup, .fini = teardown);

static json_t *annotated(int64_t id)
{
	Err err = {0};
	json_t *c = json_object();
	cr_assert_eq(cadence_annotate(fx.db, id, c, &err), KITH_OK, "%s", err.msg);
	return c;
}

static void add_task(const char *json)
{
	Err err = {0};
	int64_t id;
	json_t *in = fixture_json(json);
	cr_assert_eq(task_create(fx.db, &sys, in, &id, &err), KITH_OK, "%s: %s", err.field, err.msg);
	json_decref(in);
}

Test(cadence, next_touch_from_task_or_cadence)
{
	char json[200];
	int64_t none = fixture_contact(&fx, &sys, "{\"first_name\":\"Plain\"}");
	json_t *c = annotated(none);
	cr_assert(json_is_null(json_object_get(c, "next_touch")));
	cr_assert(json_is_null(json_object_get(c, "last_contacted_at")));
	cr_assert(json_is_null(json_object_get(c, "effective_cadence_days")));
	json_decref(c);

	int64_t id = fixture_contact(&fx, &sys, "{\"first_name\":\"Ann\",\"cadence_days\":30}");
	fixture_touch(&fx, id, "meeting", "2026-11-01T10:00:00Z");
	c = annotated(id);
	json_t *n = json_object_get(c, "next_touch");
	cr_assert_str_eq(json_str_of(n, "source"), "cadence");
	cr_assert_str_eq(json_str_of(n, "date"), "2026-12-01");
	cr_assert(json_is_null(json_object_get(n, "task_id")));
	cr_assert_str_eq(json_str_of(c, "last_contacted_at"), "2026-11-01T10:00:00Z");
	json_decref(c);

	snprintf(json, sizeof json,
		 "{\"title\":\"later\",\"due_date\":\"2026-12-20\",\"contact_id\":%lld}",
		 (long long)id);
	add_task(json);
	snprintf(json, sizeof json, "{\"title\":\"no due\",\"contact_id\":%lld}", (long long)id);
	add_task(json);
	c = annotated(id);
	cr_assert_str_eq(json_str_of(json_object_get(c, "next_touch"), "source"), "cadence",
			 "the cadence comes first");
	json_decref(c);
	snprintf(json, sizeof json,
		 "{\"title\":\"call\",\"due_at\":\"2026-11-20T09:00:00Z\",\"contact_id\":%lld}",
		 (long long)id);
	add_task(json);
	c = annotated(id);
	n = json_object_get(c, "next_touch");
	cr_assert_str_eq(json_str_of(n, "source"), "task");
	cr_assert_str_eq(json_str_of(n, "date"), "2026-11-20");
	cr_assert(json_is_integer(json_object_get(n, "task_id")));
	json_decref(c);
}

Test(cadence, annotate_text_appends_valid_json)
{
	Err err = {0};
	int64_t id = fixture_contact(&fx, &sys, "{\"first_name\":\"Ann\",\"cadence_days\":5}");
	char *text = NULL;
	int64_t version;
	cr_assert_eq(contact_get_text(fx.db, &sys, id, 0, &text, &version, &err), KITH_OK);
	cr_assert_eq(cadence_annotate_text(fx.db, id, &text, &err), KITH_OK, "%s", err.msg);
	json_t *c = json_loads(text, 0, NULL);
	cr_assert_not_null(c, "%s", text);
	cr_assert_eq(json_int_of(c, "cadence_days"), 5);
	cr_assert_eq(json_int_of(c, "effective_cadence_days"), 5);
	cr_assert_str_eq(json_str_of(json_object_get(c, "next_touch"), "source"), "cadence");
	cr_assert_str_eq(json_str_of(c, "first_name"), "Ann");
	json_decref(c);
	free(text);
}

/* The text GET by id sends: the stored JSON with cadence_annotate's keys
 * appended, byte for byte what serializing the annotated object gives. */
static void expect_text_matches_object(int64_t id)
{
	Err err = {0};
	char *text = NULL;
	int64_t version;
	json_t *c = NULL;
	cr_assert_eq(contact_get_text(fx.db, &sys, id, 0, &text, &version, &err), KITH_OK);
	cr_assert_eq(cadence_annotate_text(fx.db, id, &text, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(contact_get(fx.db, &sys, id, 0, &c, &err), KITH_OK);
	cr_assert_eq(cadence_annotate(fx.db, id, c, &err), KITH_OK, "%s", err.msg);
	char *want = json_dump(c);
	cr_assert_str_eq(text, want);
	free(text);
	text = NULL;
	cr_assert_eq(contact_get_text_annotated(fx.db, &sys, id, 0, &text, &version, &err), KITH_OK,
		     "%s", err.msg);
	cr_assert_str_eq(text, want, "GET by id's one-statement read");
	cr_assert_eq(version, json_int_of(c, "version"));
	free(want);
	free(text);
	json_decref(c);
}

Test(cadence, annotate_text_is_the_annotated_object)
{
	char json[160];
	int64_t plain = fixture_contact(&fx, &sys, "{\"first_name\":\"Ann\"}");
	expect_text_matches_object(plain); /* nulls */
	int64_t id = fixture_contact(&fx, &sys, "{\"first_name\":\"Bo\",\"cadence_days\":14}");
	expect_text_matches_object(id); /* cadence, never touched: due today */
	fixture_touch(&fx, id, "call", "2026-11-02T23:30:00Z");
	expect_text_matches_object(id); /* last contacted, next by cadence */
	fixture_zone(&fx, "Asia/Bangkok");
	expect_text_matches_object(id);
	snprintf(json, sizeof json,
		 "{\"title\":\"call\",\"due_date\":\"2026-11-05\",\"contact_id\":%lld}",
		 (long long)id);
	add_task(json);
	expect_text_matches_object(id); /* next by a task due on a date */
	snprintf(json, sizeof json,
		 "{\"title\":\"call\",\"due_at\":\"2026-11-04T20:00:00Z\",\"contact_id\":%lld}",
		 (long long)id);
	add_task(json);
	expect_text_matches_object(id); /* a task due at an instant, in the zone */
	fixture_touch(&fx, plain, "email", "2026-10-01T08:00:00Z");
	expect_text_matches_object(plain); /* last contacted, no cadence */
	Err err = {0};
	cr_assert_eq(db_exec_script(fx.db, "UPDATE field_schema SET generation = generation + 1",
				    &err),
		     KITH_OK);
	expect_text_matches_object(id); /* stored docs are stale: built live */
}

/* last_contacted_at in GET by id's text after contact id's activities change. */
static char *last_contacted(int64_t id)
{
	Err err = {0};
	char *text = NULL;
	int64_t version;
	cr_assert_eq(contact_get_text_annotated(fx.db, &sys, id, 0, &text, &version, &err), KITH_OK,
		     "%s", err.msg);
	json_t *c = json_loads(text, 0, NULL);
	cr_assert_not_null(c, "%s", text);
	const char *v = json_string_value(json_object_get(c, "last_contacted_at"));
	char *out = v ? strdup(v) : NULL;
	json_decref(c);
	free(text);
	return out;
}

static void expect_last(int64_t id, const char *want)
{
	char *got = last_contacted(id);
	if (want)
		cr_expect_str_eq(got ? got : "(null)", want);
	else
		cr_expect_null(got, "%s", got);
	free(got);
}

Test(cadence, annotated_text_follows_activity_edits_trash_and_restore)
{
	Err err = {0};
	int64_t id = fixture_contact(&fx, &sys, "{\"first_name\":\"Ann\",\"cadence_days\":7}");
	expect_last(id, NULL);
	fixture_touch(&fx, id, "call", "2026-11-02T10:00:00Z");
	int64_t aid = 0;
	json_t *in = json_pack("{ss sI ss}", "kind", "meeting", "contact_id", (json_int_t)id,
			       "occurred_at", "2026-11-05T10:00:00Z");
	cr_assert_eq(activity_create(fx.db, &sys, in, &aid, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	expect_last(id, "2026-11-05T10:00:00Z");
	fixture_touch(&fx, id, "note", "2026-11-09T10:00:00Z");
	expect_last(id, "2026-11-05T10:00:00Z"); /* a note is not a touch */
	json_t *patch = json_pack("{ss}", "occurred_at", "2026-11-07T08:00:00Z");
	cr_assert_eq(activity_update(fx.db, &sys, aid, patch, 0, NULL, &err), KITH_OK, "%s",
		     err.msg);
	json_decref(patch);
	expect_last(id, "2026-11-07T08:00:00Z");
	cr_assert_eq(activity_delete(fx.db, &sys, aid, &err), KITH_OK, "%s", err.msg);
	expect_last(id, "2026-11-02T10:00:00Z");
	cr_assert_eq(activity_restore(fx.db, &sys, aid, &err), KITH_OK, "%s", err.msg);
	expect_last(id, "2026-11-07T08:00:00Z");
}

Test(cadence, annotated_text_errors_and_visibility)
{
	Err err = {0};
	char *text = NULL;
	int64_t version;
	fixture_user(&fx, "owner@example.com", "owner");
	Actor ann = fixture_user(&fx, "ann@example.com", "member");
	Actor bob = fixture_user(&fx, "bob@example.com", "member");
	int64_t id = fixture_contact(&fx, &ann, "{\"first_name\":\"Mine\",\"cadence_days\":3}");
	cr_expect_eq(contact_get_text_annotated(fx.db, &bob, id, 0, &text, &version, &err),
		     ERR_NOT_FOUND, "hidden from another member");
	cr_expect_null(text);
	cr_expect_eq(contact_get_text_annotated(fx.db, &sys, id + 1000, 0, &text, &version, &err),
		     ERR_NOT_FOUND);
	cr_assert_eq(contact_get_text_annotated(fx.db, &ann, id, 0, &text, &version, &err), KITH_OK,
		     "%s", err.msg);
	json_t *c = json_loads(text, 0, NULL);
	cr_assert_not_null(c, "%s", text);
	cr_expect_eq(json_int_of(c, "effective_cadence_days"), 3);
	json_decref(c);
	free(text);
	text = NULL;
	cr_assert_eq(contact_delete(fx.db, &ann, id, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_get_text_annotated(fx.db, &ann, id, 0, &text, &version, &err),
		     ERR_GONE);
	cr_expect_null(text);
	cr_assert_eq(contact_get_text_annotated(fx.db, &ann, id, 1, &text, &version, &err), KITH_OK,
		     "%s", err.msg);
	free(text);
}

Test(cadence, bad_input_names_the_field)
{
	static const struct {
		const char *json, *field;
	} cases[] = {
		{"{\"first_name\":\"A\",\"cadence_days\":0}", "cadence_days"},
		{"{\"first_name\":\"A\",\"cadence_days\":3651}", "cadence_days"},
		{"{\"first_name\":\"A\",\"cadence_days\":\"30\"}", "cadence_days"},
		{"{\"first_name\":\"A\",\"cadence_days\":1.5}", "cadence_days"},
	};
	Err err = {0};
	int64_t id, days;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *in = fixture_json(cases[i].json);
		cr_assert_eq(contact_create(fx.db, &sys, in, 0, &id, &err), ERR_INVALID, "%s",
			     cases[i].json);
		cr_assert_str_eq(err.field, cases[i].field);
		json_decref(in);
	}
	const char *texts[] = {"", "0", "-3", "abc", "3651", "12x", NULL};
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(cadence_days_parse(texts[i], "cadence_days", &days, &err), ERR_INVALID,
			     "'%s'", texts[i]);
		cr_assert_str_eq(err.field, "cadence_days");
	}
	cr_assert_eq(cadence_days_parse("none", "cadence_days", &days, &err), KITH_OK);
	cr_assert_eq(days, 0);
	cr_assert_eq(cadence_days_parse("30", "cadence_days", &days, &err), KITH_OK);
	cr_assert_eq(days, 30);
	WorkspaceReminders r = {.touch_limit = 0, .touch_window_days = -1, .birthday_lead_days = -1};
	cr_assert_eq(workspace_set_reminders(fx.db, &sys, &r, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "touch_limit");
	r = (WorkspaceReminders){.touch_limit = -1, .touch_window_days = 400, .birthday_lead_days = -1};
	cr_assert_eq(workspace_set_reminders(fx.db, &sys, &r, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "touch_window_days");
	r = (WorkspaceReminders){.touch_limit = -1, .touch_window_days = -1, .birthday_lead_days = 367};
	cr_assert_eq(workspace_set_reminders(fx.db, &sys, &r, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "birthday_lead_days");
	cr_assert_eq(tag_set_cadence(fx.db, &sys, 999, 5, NULL, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "id");
	/* an update clears the cadence with null and keeps it otherwise */
	id = fixture_contact(&fx, &sys, "{\"first_name\":\"A\",\"cadence_days\":9}");
	json_t *c = NULL, *patch = fixture_json("{\"last_name\":\"B\"}");
	cr_assert_eq(contact_update(fx.db, &sys, id, patch, 0, 0, &c, &err), KITH_OK);
	cr_assert_eq(json_int_of(c, "cadence_days"), 9);
	json_decref(c);
	json_decref(patch);
	patch = fixture_json("{\"cadence_days\":null}");
	cr_assert_eq(contact_update(fx.db, &sys, id, patch, 0, 0, &c, &err), KITH_OK);
	cr_assert(json_is_null(json_object_get(c, "cadence_days")));
	json_decref(c);
	json_decref(patch);
}

/* The day a contact falls due: the civil date of its last touch in the
 * workspace zone, plus its cadence. */
Test(cadence, due_day_counts_from_the_local_date_of_the_touch)
{
	static const struct {
		const char *zone, *last;
		int64_t days;
		const char *want;
	} cases[] = {
		{"UTC", "2026-11-02T03:00:00Z", 10, "2026-11-12"},
		/* 03:00 UTC on 2 November is still 1 November in New York */
		{"America/New_York", "2026-11-02T03:00:00Z", 10, "2026-11-11"},
		/* 23:30 UTC on 31 December is 1 January in Bangkok */
		{"Asia/Bangkok", "2026-12-31T23:30:00Z", 1, "2027-01-02"},
		{"Europe/Warsaw", "2026-01-31T12:00:00Z", 3650, "2036-01-29"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int64_t day = 0, want = 0;
		cr_assert_eq(cadence_due_day(cases[i].zone, cases[i].last, cases[i].days, &day, &err),
			     KITH_OK, "%s: %s", cases[i].zone, err.msg);
		cr_assert_eq(date_parse(cases[i].want, &want), 0);
		cr_expect_eq(day, want, "%s %s + %lld", cases[i].zone, cases[i].last,
			     (long long)cases[i].days);
	}
	Err err = {0};
	int64_t day = 0;
	cr_assert_eq(cadence_due_day("Nowhere/Atlantis", "2026-11-02T03:00:00Z", 1, &day, &err),
		     ERR_INVALID);
	cr_assert_str_eq(err.field, "timezone");
}
