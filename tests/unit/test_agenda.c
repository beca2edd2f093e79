/* test_agenda.c - the agenda (views/agenda.h): the tasks of crm/task.h's
 * task_agenda and the sections of views/due.h in one answer, for a member
 * (their own) and for the team, and bad input naming the field with
 * nothing returned, and the text the API sends byte for byte as the merged
 * objects serialize. The buckets themselves are tested in test_task.c, the
 * due sections in test_due.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "crm/contact.h"
#include "crm/task.h"
#include "views/agenda.h"
#include "views/due.h"
#include "fixture.h"

static Fixture fx;

static void setup(void)
{
	fixture_open(&fx, "DE");
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(agenda, .init = setup, .fini = teardown);

/* A task of actor's (assigned to them) due on date, linked to contact. */
static int64_t task_as(const Actor *actor, const char *date, int64_t contact)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_pack("{ss ss sI}", "title", "Call", "due_date", date, "contact_id",
			       (json_int_t)contact);
	cr_assert_eq(task_create(fx.db, actor, in, &id, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(in);
	return id;
}

/* The ids of section name of out, comma-separated. */
static const char *ids(const json_t *out, const char *name)
{
	static char buf[128];
	json_t *v;
	size_t i, n = 0;
	buf[0] = '\0';
	json_array_foreach(json_object_get(out, name), i, v)
	{
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? "," : "",
				      (long long)json_int_of(v, "id"));
	}
	return buf;
}

static json_t *agenda(const Actor *actor, int64_t user)
{
	Err err = {0};
	json_t *out = NULL;
	cr_assert_eq(agenda_get(fx.db, actor, user, "2026-11-22", 7, &out, &err), KITH_OK, "%s: %s",
		     err.field, err.msg);
	return out;
}

Test(agenda, tasks_and_who_to_touch_in_one_answer)
{
	char want[64];
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor ann = fixture_user(&fx, "ann@example.com", "member");
	Actor bob = fixture_user(&fx, "bob@example.com", "member");
	int64_t a = fixture_contact(&fx, &ann,
				    "{\"first_name\":\"A\",\"cadence_days\":3,"
				    "\"birthday\":\"1990-11-24\"}");
	int64_t b = fixture_contact(&fx, &bob, "{\"first_name\":\"B\",\"cadence_days\":3}");
	int64_t ta = task_as(&ann, "2026-11-22", a), tb = task_as(&bob, "2026-11-20", b);
	int64_t tc = task_as(&ann, "2026-11-25", a);

	json_t *out = agenda(&ann, ann.user_id);
	cr_assert_str_eq(json_str_of(out, "date"), "2026-11-22");
	cr_assert_str_eq(ids(out, "overdue"), "", "bob's task is not ann's");
	snprintf(want, sizeof want, "%lld", (long long)ta);
	cr_assert_str_eq(ids(out, "today"), want);
	snprintf(want, sizeof want, "%lld", (long long)tc);
	cr_assert_str_eq(ids(out, "upcoming"), want);
	snprintf(want, sizeof want, "%lld", (long long)a);
	cr_assert_str_eq(ids(out, "due"), want, "never touched, her own only");
	cr_assert_str_eq(ids(out, "key_dates"), want, "her contact's birthday in 2 days");
	cr_assert_eq(json_array_size(json_object_get(out, "too_often")), 0);
	cr_assert_eq(json_int_of(json_object_get(out, "counts"), "due"), 1);
	json_decref(out);

	out = agenda(&owner, 0); /* the team */
	snprintf(want, sizeof want, "%lld", (long long)tb);
	cr_assert_str_eq(ids(out, "overdue"), want);
	snprintf(want, sizeof want, "%lld,%lld", (long long)a, (long long)b);
	cr_assert_str_eq(ids(out, "due"), want);
	json_decref(out);

	out = agenda(&owner, bob.user_id);
	cr_assert_str_eq(ids(out, "today"), "");
	snprintf(want, sizeof want, "%lld", (long long)b);
	cr_assert_str_eq(ids(out, "due"), want);
	json_decref(out);
}

/* The text the API sends (agenda_get_text) is byte for byte the merge the
 * agenda made before it was written as text: task_agenda's object updated
 * with due_list's, serialized by json_dump; for a member, a user and the
 * team, with today given and not. */
Test(agenda, text_is_the_merged_objects_json_dump)
{
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor ann = fixture_user(&fx, "ann@example.com", "member");
	int64_t a = fixture_contact(&fx, &ann,
				    "{\"first_name\":\"Ånn \\\"A\\\"\",\"cadence_days\":3,"
				    "\"birthday\":\"1990-11-24\"}");
	fixture_contact(&fx, &owner, "{\"first_name\":\"O\",\"cadence_days\":1}");
	task_as(&ann, "2026-11-20", a);
	task_as(&ann, "2026-11-22", a);
	task_as(&owner, "2026-11-27", a);
	static const struct {
		int who; /* 0 ann, her own; 1 owner, ann's; 2 owner, the team */
		const char *today;
	} cases[] = {{0, "2026-11-22"}, {1, "2026-11-22"}, {2, "2026-11-22"}, {2, NULL}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const Actor *actor = cases[i].who ? &owner : &ann;
		int64_t user = cases[i].who == 2 ? 0 : ann.user_id;
		Err err = {0};
		char *text = NULL, today[11];
		json_t *tasks = NULL, *due = NULL;
		cr_assert_eq(task_today(fx.db, today, &err), KITH_OK);
		const char *day = cases[i].today ? cases[i].today : today;
		DueQuery q = {.user_id = user, .today = day, .days = 7};
		cr_assert_eq(agenda_get_text(fx.db, actor, user, cases[i].today, 7, &text, &err),
			     KITH_OK, "%s", err.msg);
		cr_assert_eq(task_agenda(fx.db, actor, user, day, 7, &tasks, &err), KITH_OK);
		cr_assert_eq(due_list(fx.db, actor, &q, &due, &err), KITH_OK);
		json_object_update(tasks, due);
		char *want = json_dumps(tasks, JSON_COMPACT | JSON_PRESERVE_ORDER);
		cr_expect_str_eq(text, want, "case %zu", i);
		cr_expect_gt(json_array_size(json_object_get(tasks, "due")), 0, "case %zu", i);
		free(want);
		free(text);
		json_decref(tasks);
		json_decref(due);
	}
}

Test(agenda, bad_input_names_the_field_and_returns_nothing)
{
	static const Actor sys = ACTOR_SYSTEM;
	fixture_user(&fx, "owner@example.com", "owner");
	Actor ann = fixture_user(&fx, "ann@example.com", "member");
	Actor bob = fixture_user(&fx, "bob@example.com", "member");
	static const struct {
		const char *today;
		int days;
		const char *field;
	} cases[] = {
	    {"2026-02-30", 7, "today"},
	    {"2026-11-22", 367, "days"},
	    {"2026-11-22", -1, "days"},
	    {"9999-12-31", 0, "today"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		json_t *out = NULL;
		cr_assert_eq(agenda_get(fx.db, &sys, 0, cases[i].today, cases[i].days, &out, &err),
			     ERR_INVALID, "%s %d", cases[i].today, cases[i].days);
		cr_assert_str_eq(err.field, cases[i].field);
		cr_assert_null(out);
	}
	Err err = {0};
	json_t *out = NULL;
	cr_assert_eq(agenda_get(fx.db, &ann, bob.user_id, "2026-11-22", 7, &out, &err),
		     ERR_NOT_FOUND, "a member naming someone else");
	cr_assert_str_eq(err.field, "user_id");
	cr_assert_null(out);
	cr_assert_eq(agenda_get(fx.db, &sys, 999, "2026-11-22", 7, &out, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "user_id");
	cr_assert_null(out);
}

/* The agenda reads the workspace and checks whose agenda it is once for
 * its two halves (a round trip each on PostgreSQL), and answers as before:
 * the tasks and the due list of the user named. */
Test(agenda, reads_the_workspace_and_the_user_once)
{
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor m1 = fixture_user(&fx, "m1@example.com", "member");
	Err err = {0};
	json_t *in = json_pack("{ss}", "first_name", "Anna");
	int64_t c = 0, t = 0;
	cr_assert_eq(contact_create(fx.db, &m1, in, 0, &c, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	t = task_as(&m1, "2026-11-22", c);
	uint64_t before = db_statements(fx.db);
	json_t *out = agenda(&owner, m1.user_id);
	uint64_t ran = db_statements(fx.db) - before;
	/* the user, the workspace, the tasks, the due list's candidates and
	 * key dates (2), and a BEGIN and COMMIT where the backend counts them */
	cr_assert_leq(ran, 8, "%llu statements for an agenda", (unsigned long long)ran);
	char want[32];
	snprintf(want, sizeof want, "%lld", (long long)t);
	cr_assert_str_eq(ids(out, "today"), want);
	json_decref(out);
	cr_assert_eq(agenda_get(fx.db, &m1, owner.user_id, "2026-11-22", 7, &out, &err),
		     ERR_NOT_FOUND, "a member naming someone else");
	cr_assert_str_eq(err.field, "user_id");
}
