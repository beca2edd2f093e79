/* test_task.c - tasks: validation naming fields and storing nothing,
 * recurring completion with month clamping, snooze, agenda buckets for
 * dates and instants with a fixed today (also in a non-UTC zone), member
 * access, trash and audit. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/tz.h"
#include "crm/activity.h"
#include "core/audit.h"
#include "crm/contact.h"
#include "crm/task.h"
#include "core/user.h"
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
TestSuite(task, .init = setup, .fini = teardown);

static int64_t add_as(const Actor *actor, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_loads(json, 0, NULL);
	cr_assert_not_null(in, "bad test JSON %s", json);
	cr_assert_eq(task_create(fx.db, actor, in, &id, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(in);
	return id;
}

static Actor add_user(const char *email, const char *role)
{
	Err err = {0};
	int64_t id;
	Actor a;
	cr_assert_eq(user_add(fx.db, &sys, email, "User", role, "password1", &id, &err), KITH_OK,
		     "%s", err.msg);
	cr_assert_eq(user_actor_by_email(fx.db, email, &a, &err), KITH_OK);
	return a;
}

static int64_t count_tasks(void)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	TaskQuery q = {.limit = 500};
	cr_assert_eq(task_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	int64_t n = (int64_t)json_array_size(items);
	json_decref(items);
	free(next);
	return n;
}

static json_t *get(int64_t id)
{
	Err err = {0};
	json_t *t = NULL;
	cr_assert_eq(task_get(fx.db, &sys, id, 1, &t, &err), KITH_OK, "%s", err.msg);
	return t;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "(null)";
}

Test(task, bad_input_names_the_field_and_stores_nothing)
{
	static const struct {
		const char *json, *field;
	} cases[] = {
		{"{}", "title"},
		{"{\"title\":\"  \"}", "title"},
		{"{\"title\":7}", "title"},
		{"{\"title\":\"t\",\"type\":\"fax\"}", "type"},
		{"{\"title\":\"t\",\"priority\":\"urgent\"}", "priority"},
		{"{\"title\":\"t\",\"priority\":null}", "priority"},
		{"{\"title\":\"t\",\"due_date\":\"2026-02-30\"}", "due_date"},
		{"{\"title\":\"t\",\"due_at\":\"2026-02-01\"}", "due_at"},
		{"{\"title\":\"t\",\"due_at\":\"tomorrow\"}", "due_at"},
		{"{\"title\":\"t\",\"due_date\":\"2026-02-01\",\"due_at\":\"2026-02-01T10:00:00Z\"}",
		 "due_at"},
		{"{\"title\":\"t\",\"assignee_id\":99}", "assignee_id"},
		{"{\"title\":\"t\",\"contact_id\":99}", "contact_id"},
		{"{\"title\":\"t\",\"company_id\":-1}", "company_id"},
		{"{\"title\":\"t\",\"deal_id\":99}", "deal_id"},
		{"{\"title\":\"t\",\"due_date\":\"2026-02-01\",\"repeat_every\":0,"
		 "\"repeat_unit\":\"days\"}",
		 "repeat_every"},
		{"{\"title\":\"t\",\"due_date\":\"2026-02-01\",\"repeat_every\":2}", "repeat_unit"},
		{"{\"title\":\"t\",\"due_date\":\"2026-02-01\",\"repeat_every\":2,"
		 "\"repeat_unit\":\"years\"}",
		 "repeat_unit"},
		{"{\"title\":\"t\",\"repeat_every\":2,\"repeat_unit\":\"days\"}", "repeat_every"},
		{"{\"title\":\"t\",\"colour\":\"red\"}", "colour"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int64_t id = 0;
		json_t *in = json_loads(cases[i].json, 0, NULL);
		cr_assert_not_null(in, "%s", cases[i].json);
		int rc = task_create(fx.db, &sys, in, &id, &err);
		cr_assert(rc == ERR_INVALID || rc == ERR_NOT_FOUND, "%s: rc %d", cases[i].json, rc);
		cr_assert_str_eq(err.field, cases[i].field, "%s: field %s, want %s", cases[i].json,
				 err.field, cases[i].field);
		json_decref(in);
	}
	cr_assert_eq(count_tasks(), 0, "nothing stored");
	/* two links at once */
	Err err = {0};
	int64_t c = 0, id = 0;
	json_t *cin = json_loads("{\"first_name\":\"Ann\"}", 0, NULL);
	cr_assert_eq(contact_create(fx.db, &sys, cin, 0, &c, &err), KITH_OK, "%s", err.msg);
	json_decref(cin);
	json_t *in = json_pack("{ss sI sI}", "title", "t", "contact_id", (json_int_t)c, "deal_id",
			       (json_int_t)c);
	cr_assert_neq(task_create(fx.db, &sys, in, &id, &err), KITH_OK);
	json_decref(in);
	cr_assert_eq(count_tasks(), 0);
}

Test(task, defaults_and_update)
{
	Err err = {0};
	add_user("owner@example.com", "owner");
	Actor m = add_user("m@example.com", "member");
	int64_t id = add_as(&m, "{\"title\":\" Call Zofia \",\"due_date\":\"2026-03-01\"}");
	json_t *t = get(id), *after = NULL;
	cr_assert_str_eq(str(t, "title"), "Call Zofia");
	cr_assert_str_eq(str(t, "type"), "todo");
	cr_assert_str_eq(str(t, "priority"), "normal");
	cr_assert_str_eq(str(t, "status"), "open");
	cr_assert_eq(json_integer_value(json_object_get(t, "assignee_id")), m.user_id);
	json_decref(t);
	json_t *patch = json_loads("{\"due_at\":\"2026-03-01T09:30:00Z\"}", 0, NULL);
	cr_assert_eq(task_update(fx.db, &m, id, patch, 1, &after, &err), KITH_OK, "%s", err.msg);
	cr_assert_str_eq(str(after, "due_at"), "2026-03-01T09:30:00Z");
	cr_assert(json_is_null(json_object_get(after, "due_date")), "due_at replaces due_date");
	json_decref(after);
	cr_assert_eq(task_update(fx.db, &m, id, patch, 1, NULL, &err), ERR_STALE);
	json_decref(patch);
	/* a member may not assign someone else */
	Actor o = add_user("o@example.com", "member");
	patch = json_pack("{sI}", "assignee_id", (json_int_t)o.user_id);
	cr_assert_eq(task_update(fx.db, &m, id, patch, 0, NULL, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "assignee_id");
	json_decref(patch);
}

Test(task, completing_a_repeating_task_creates_the_next)
{
	static const struct {
		const char *json, *key, *want;
	} cases[] = {
		{"{\"title\":\"r\",\"due_date\":\"2026-01-31\",\"repeat_every\":1,"
		 "\"repeat_unit\":\"months\"}",
		 "due_date", "2026-02-28"},
		{"{\"title\":\"r\",\"due_date\":\"2026-01-31\",\"repeat_every\":2,"
		 "\"repeat_unit\":\"weeks\"}",
		 "due_date", "2026-02-14"},
		{"{\"title\":\"r\",\"due_at\":\"2026-01-31T08:00:00Z\",\"repeat_every\":3,"
		 "\"repeat_unit\":\"days\"}",
		 "due_at", "2026-02-03T08:00:00Z"},
		{"{\"title\":\"r\",\"due_at\":\"2027-12-31T23:00:00Z\",\"repeat_every\":2,"
		 "\"repeat_unit\":\"months\"}",
		 "due_at", "2028-02-29T23:00:00Z"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int64_t next = 0, id = add_as(&sys, cases[i].json);
		cr_assert_eq(task_done(fx.db, &sys, id, &next, &err), KITH_OK, "%s", err.msg);
		cr_assert_gt(next, id);
		json_t *t = get(id), *n = get(next);
		cr_assert_str_eq(str(t, "status"), "done");
		cr_assert(json_is_string(json_object_get(t, "done_at")));
		cr_assert_str_eq(str(n, "status"), "open");
		cr_assert_str_eq(str(n, cases[i].key), cases[i].want, "%s", cases[i].json);
		cr_assert_str_eq(str(n, "repeat_unit"), str(t, "repeat_unit"));
		json_decref(t);
		json_decref(n);
		cr_assert_eq(task_done(fx.db, &sys, id, &next, &err), ERR_CONFLICT);
	}
	/* a one-off task gets no next one; reopen works once */
	Err err = {0};
	int64_t next = 5, id = add_as(&sys, "{\"title\":\"once\"}");
	int64_t before = count_tasks();
	cr_assert_eq(task_done(fx.db, &sys, id, &next, &err), KITH_OK);
	cr_assert_eq(next, 0);
	cr_assert_eq(count_tasks(), before);
	cr_assert_eq(task_reopen(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(task_reopen(fx.db, &sys, id, &err), ERR_CONFLICT);
}

Test(task, snooze)
{
	Err err = {0};
	int64_t d = add_as(&sys, "{\"title\":\"d\",\"due_date\":\"2999-01-31\"}");
	int64_t a = add_as(&sys, "{\"title\":\"a\",\"due_at\":\"2999-01-31T10:00:00Z\"}");
	cr_assert_eq(task_snooze(fx.db, &sys, d, NULL, "1m", &err), KITH_OK, "%s", err.msg);
	json_t *t = get(d);
	cr_assert_str_eq(str(t, "due_date"), "2999-02-28");
	json_decref(t);
	cr_assert_eq(task_snooze(fx.db, &sys, a, NULL, "2w", &err), KITH_OK);
	t = get(a);
	cr_assert_str_eq(str(t, "due_at"), "2999-02-14T10:00:00Z");
	json_decref(t);
	cr_assert_eq(task_snooze(fx.db, &sys, a, "2999-03-02T14:00:00+07:00", NULL, &err), KITH_OK);
	t = get(a);
	cr_assert_str_eq(str(t, "due_at"), "2999-03-02T07:00:00Z");
	json_decref(t);
	static const struct {
		const char *until, *forward, *field;
	} bad[] = {{"2999-01-01", NULL, "until"}, {"soon", NULL, "until"}, {NULL, "3y", "for"},
		   {NULL, "0d", "for"},           {NULL, "d", "for"},      {NULL, "400d", "for"},
		   {NULL, NULL, "until"},         {"2999-05-01", "1d", "for"}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(task_snooze(fx.db, &sys, d, bad[i].until, bad[i].forward, &err),
			     ERR_INVALID, "case %zu", i);
		cr_assert_str_eq(err.field, bad[i].field, "case %zu", i);
	}
	t = get(d);
	cr_assert_str_eq(str(t, "due_date"), "2999-02-28", "bad snoozes change nothing");
	json_decref(t);
	cr_assert_eq(task_done(fx.db, &sys, d, NULL, &err), KITH_OK);
	cr_assert_eq(task_snooze(fx.db, &sys, d, NULL, "1d", &err), ERR_CONFLICT);
}

/* ids of one agenda section, comma-separated. */
static void section_ids(const json_t *agenda, const char *name, char *out, size_t n)
{
	size_t i;
	json_t *t;
	out[0] = '\0';
	json_array_foreach(json_object_get(agenda, name), i, t)
	{
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%lld", len ? "," : "",
			 (long long)json_integer_value(json_object_get(t, "id")));
	}
}

Test(task, agenda_buckets_dates_and_instants)
{
	Err err = {0};
	int64_t t1 = add_as(&sys, "{\"title\":\"1\",\"due_date\":\"2999-11-20\"}");
	int64_t t2 = add_as(&sys, "{\"title\":\"2\",\"due_at\":\"2999-11-21T23:59:59Z\"}");
	int64_t t3 = add_as(&sys, "{\"title\":\"3\",\"due_date\":\"2999-11-22\"}");
	int64_t t4 = add_as(&sys, "{\"title\":\"4\",\"due_at\":\"2999-11-22T08:00:00Z\","
				  "\"priority\":\"low\"}");
	int64_t t5 = add_as(&sys, "{\"title\":\"5\",\"due_at\":\"2999-11-22T08:00:00Z\","
				  "\"priority\":\"high\"}");
	int64_t t6 = add_as(&sys, "{\"title\":\"6\",\"due_date\":\"2999-11-29\"}");
	add_as(&sys, "{\"title\":\"7 beyond\",\"due_date\":\"2999-11-30\"}");
	add_as(&sys, "{\"title\":\"8 no due\"}");
	int64_t t9 = add_as(&sys, "{\"title\":\"9 done\",\"due_date\":\"2999-11-22\"}");
	cr_assert_eq(task_done(fx.db, &sys, t9, NULL, &err), KITH_OK);
	json_t *ag = NULL;
	char got[128], want[128];
	cr_assert_eq(task_agenda(fx.db, &sys, 0, "2999-11-22", 7, &ag, &err), KITH_OK, "%s",
		     err.msg);
	section_ids(ag, "overdue", got, sizeof got);
	snprintf(want, sizeof want, "%lld,%lld", (long long)t1, (long long)t2);
	cr_assert_str_eq(got, want);
	section_ids(ag, "today", got, sizeof got);
	snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)t3, (long long)t5, (long long)t4);
	cr_assert_str_eq(got, want, "date first, then by priority");
	section_ids(ag, "upcoming", got, sizeof got);
	snprintf(want, sizeof want, "%lld", (long long)t6);
	cr_assert_str_eq(got, want);
	json_decref(ag);
	/* In Bangkok (UTC+7) 2999-11-21T23:59:59Z is 06:59 on the 22nd: today. */
	cr_assert_eq(workspace_set(fx.db, &sys, NULL, NULL, NULL, "Asia/Bangkok", &err), KITH_OK,
		     "%s", err.msg);
	cr_assert_eq(task_agenda(fx.db, &sys, 0, "2999-11-22", 7, &ag, &err), KITH_OK);
	section_ids(ag, "overdue", got, sizeof got);
	snprintf(want, sizeof want, "%lld", (long long)t1);
	cr_assert_str_eq(got, want);
	section_ids(ag, "today", got, sizeof got);
	snprintf(want, sizeof want, "%lld,%lld,%lld,%lld", (long long)t2, (long long)t3,
		 (long long)t5, (long long)t4);
	cr_assert_str_eq(got, want);
	json_decref(ag);
	/* bad arguments */
	cr_assert_eq(task_agenda(fx.db, &sys, 0, "2999-13-01", 7, &ag, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "today");
	cr_assert_eq(task_agenda(fx.db, &sys, 0, NULL, 367, &ag, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "days");
	cr_assert_eq(task_agenda(fx.db, &sys, 0, NULL, 0, &ag, &err), KITH_OK, "today default");
	json_decref(ag);
}

/* West of UTC the agenda's last day ends after the next UTC midnight: an
 * instant late on that day is upcoming, one at the next local midnight is
 * beyond (the index range of migration 016 must not cut either way). */
Test(task, agenda_last_day_west_of_utc)
{
	Err err = {0};
	char got[128], want[128];
	json_t *ag = NULL;
	cr_assert_eq(workspace_set(fx.db, &sys, NULL, NULL, NULL, "America/New_York", &err),
		     KITH_OK, "%s", err.msg);
	int64_t before = add_as(&sys, "{\"title\":\"b\",\"due_at\":\"2999-11-22T04:59:59Z\"}");
	int64_t first = add_as(&sys, "{\"title\":\"f\",\"due_at\":\"2999-11-22T05:00:00Z\"}");
	int64_t last_date = add_as(&sys, "{\"title\":\"d\",\"due_date\":\"2999-11-29\"}");
	int64_t late = add_as(&sys, "{\"title\":\"l\",\"due_at\":\"2999-11-30T04:59:59Z\"}");
	add_as(&sys, "{\"title\":\"x\",\"due_at\":\"2999-11-30T05:00:00Z\"}");
	add_as(&sys, "{\"title\":\"y\",\"due_date\":\"2999-11-30\"}");
	cr_assert_eq(task_agenda(fx.db, &sys, 0, "2999-11-22", 7, &ag, &err), KITH_OK, "%s",
		     err.msg);
	section_ids(ag, "overdue", got, sizeof got);
	snprintf(want, sizeof want, "%lld", (long long)before);
	cr_assert_str_eq(got, want);
	section_ids(ag, "today", got, sizeof got);
	snprintf(want, sizeof want, "%lld", (long long)first);
	cr_assert_str_eq(got, want);
	section_ids(ag, "upcoming", got, sizeof got);
	snprintf(want, sizeof want, "%lld,%lld", (long long)last_date, (long long)late);
	cr_assert_str_eq(got, want);
	json_decref(ag);
}

/* The agenda's text (task_agenda_text, written row by row) holds each task
 * exactly as task_get's object serializes, in the layout json_dump
 * writes: texts that need escapes, non-ASCII, nulls, every column. */
Test(task, agenda_text_is_json_dump_of_each_task)
{
	Err err = {0};
	char *text = NULL;
	Actor owner = add_user("owner@example.com", "owner");
	add_as(&owner, "{\"title\":\"Call \\\"Łukasz\\\" \\\\ back\",\"due_date\":\"2999-11-20\","
		       "\"notes\":\"line 1\\nline 2\\ttab \\u0001 ก\",\"priority\":\"high\","
		       "\"repeat_every\":2,\"repeat_unit\":\"weeks\"}");
	add_as(&owner, "{\"title\":\"ส่งใบเสนอราคา\",\"due_at\":\"2999-11-22T08:00:00Z\","
		       "\"type\":\"call\"}");
	add_as(&owner, "{\"title\":\"later\",\"due_date\":\"2999-11-25\",\"priority\":\"low\"}");
	cr_assert_eq(task_agenda_text(fx.db, &owner, 0, "2999-11-22", 7, &text, &err), KITH_OK,
		     "%s", err.msg);
	json_t *ag = json_loads(text, 0, NULL);
	cr_assert_not_null(ag, "%s", text);
	char *again = json_dumps(ag, JSON_COMPACT | JSON_PRESERVE_ORDER);
	cr_expect_str_eq(text, again, "the text is what json_dump writes for it");
	free(again);
	static const char *const names[] = {"overdue", "today", "upcoming"};
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		size_t k;
		json_t *item;
		cr_expect_eq(json_array_size(json_object_get(ag, names[i])), 1, "%s", names[i]);
		json_array_foreach(json_object_get(ag, names[i]), k, item)
		{
			json_t *t = NULL;
			cr_assert_eq(task_get(fx.db, &owner, json_int_of(item, "id"), 0, &t, &err),
				     KITH_OK);
			char *a = json_dumps(item, JSON_COMPACT | JSON_PRESERVE_ORDER);
			char *b = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
			cr_expect_str_eq(a, b);
			cr_expect_not_null(json_str_of(t, "assignee_name"));
			free(a);
			free(b);
			json_decref(t);
			n++;
		}
	}
	cr_expect_eq(n, 3);
	json_decref(ag);
	free(text);
}

Test(task, members_see_only_their_tasks)
{
	Err err = {0};
	add_user("owner@example.com", "owner");
	Actor m = add_user("m@example.com", "member"), o = add_user("o@example.com", "member");
	Actor admin = add_user("a@example.com", "admin");
	int64_t mine = add_as(&m, "{\"title\":\"mine\",\"due_date\":\"2999-11-22\"}");
	int64_t theirs = add_as(&o, "{\"title\":\"theirs\",\"due_date\":\"2999-11-22\"}");
	char json[128];
	snprintf(json, sizeof json, "{\"title\":\"for m\",\"due_date\":\"2999-11-22\","
		 "\"assignee_id\":%lld}", (long long)m.user_id);
	int64_t given = add_as(&admin, json);
	json_t *t = NULL, *items = NULL, *ag = NULL;
	char *next = NULL;
	cr_assert_eq(task_get(fx.db, &m, theirs, 0, &t, &err), ERR_NOT_FOUND);
	cr_assert_eq(task_done(fx.db, &m, theirs, NULL, &err), ERR_NOT_FOUND);
	cr_assert_eq(task_delete(fx.db, &m, theirs, &err), ERR_NOT_FOUND);
	cr_assert_eq(task_snooze(fx.db, &m, theirs, NULL, "1d", &err), ERR_NOT_FOUND);
	cr_assert_eq(task_get(fx.db, &m, given, 0, &t, &err), KITH_OK, "assigned to m");
	json_decref(t);
	TaskQuery q = {0};
	cr_assert_eq(task_list(fx.db, &m, &q, &items, &next, &err), KITH_OK);
	cr_assert_eq(json_array_size(items), 2);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), mine);
	json_decref(items);
	cr_assert_eq(task_agenda(fx.db, &m, 0, "2999-11-22", 7, &ag, &err), KITH_OK);
	cr_assert_eq(json_array_size(json_object_get(ag, "today")), 2, "members get their own");
	json_decref(ag);
	cr_assert_eq(task_agenda(fx.db, &m, o.user_id, "2999-11-22", 7, &ag, &err), ERR_NOT_FOUND);
	cr_assert_str_eq(err.field, "user_id");
	cr_assert_eq(task_agenda(fx.db, &admin, 0, "2999-11-22", 7, &ag, &err), KITH_OK);
	cr_assert_eq(json_array_size(json_object_get(ag, "today")), 3, "the team");
	json_decref(ag);
	cr_assert_eq(task_agenda(fx.db, &admin, o.user_id, "2999-11-22", 7, &ag, &err), KITH_OK);
	cr_assert_eq(json_array_size(json_object_get(ag, "today")), 1);
	json_decref(ag);
}

/* Snoozing an overdue task (or one without a due) counts from today in
 * the workspace zone, not from the old due. */
Test(task, snooze_overdue_counts_from_today)
{
	Err err = {0};
	char today[11], want[11], want_at[21];
	int64_t d = add_as(&sys, "{\"title\":\"d\",\"due_date\":\"2020-01-31\"}");
	int64_t a = add_as(&sys, "{\"title\":\"a\",\"due_at\":\"2020-01-31T10:00:00Z\"}");
	int64_t n = add_as(&sys, "{\"title\":\"n\"}");
	cr_assert_eq(task_today(fx.db, today, &err), KITH_OK);
	cr_assert_eq(date_add(today, 3, 'd', want), 0);
	snprintf(want_at, sizeof want_at, "%sT10:00:00Z", want);
	cr_assert_eq(task_snooze(fx.db, &sys, d, NULL, "3d", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(task_snooze(fx.db, &sys, a, NULL, "3d", &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(task_snooze(fx.db, &sys, n, NULL, "3d", &err), KITH_OK, "%s", err.msg);
	json_t *t = get(d);
	cr_expect_str_eq(str(t, "due_date"), want);
	json_decref(t);
	t = get(a);
	cr_expect_str_eq(str(t, "due_at"), want_at);
	json_decref(t);
	t = get(n);
	cr_expect_str_eq(str(t, "due_date"), want);
	json_decref(t);
}

/* issue 7: the year 10000 must not reach a record */
Test(task, instants_past_9999_are_refused)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_pack("{ss ss}", "title", "t", "due_at", "9999-12-31T23:59:60Z");
	cr_assert_eq(task_create(fx.db, &sys, in, &id, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "due_at");
	json_decref(in);
	id = add_as(&sys, "{\"title\":\"t\",\"due_at\":\"2999-01-01T00:00:00+14:00\"}");
	json_t *t = get(id);
	cr_expect_str_eq(str(t, "due_at"), "2998-12-31T10:00:00Z");
	json_decref(t);
	cr_assert_eq(task_snooze(fx.db, &sys, id, "9999-12-31T23:59:60Z", NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "until");
	cr_assert_eq(task_snooze(fx.db, &sys, id, "9999-12-31T23:30:00-01:00", NULL, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "until");
}

Test(task, trash_and_audit)
{
	Err err = {0};
	json_t *t = NULL, *h = NULL;
	int64_t id = add_as(&sys, "{\"title\":\"t\",\"due_date\":\"2999-01-31\"}");
	cr_assert_eq(task_delete(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(task_delete(fx.db, &sys, id, &err), ERR_GONE);
	cr_assert_eq(task_get(fx.db, &sys, id, 0, &t, &err), ERR_GONE);
	cr_assert_eq(count_tasks(), 0);
	cr_assert_eq(task_restore(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(task_restore(fx.db, &sys, id, &err), ERR_CONFLICT);
	cr_assert_eq(task_snooze(fx.db, &sys, id, NULL, "1d", &err), KITH_OK);
	cr_assert_eq(task_done(fx.db, &sys, id, NULL, &err), KITH_OK);
	cr_assert_eq(audit_list(fx.db, "task", id, 50, &h, &err), KITH_OK);
	static const char *const want[] = {"done", "snooze", "restore", "delete", "create"};
	cr_assert_eq(json_array_size(h), 5);
	for (size_t i = 0; i < 5; i++)
		cr_assert_str_eq(str(json_array_get(h, i), "action"), want[i]);
	json_t *ch = json_object_get(json_array_get(h, 1), "changes");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(ch, "due_date"), 1)),
			 "2999-02-01");
	json_decref(h);
}

/* Completing a call, email or meeting records the touch: an activity of
 * that kind linked to the same record, with the outcome and note given;
 * the contact's last contacted follows. A todo or an unlinked task logs
 * nothing and refuses an outcome. */
Test(task, completing_a_call_logs_the_touch)
{
	Err err = {0};
	int64_t c = 0, act = 5, next = 0;
	char last[21] = "";
	json_t *cin = json_pack("{ss}", "first_name", "Ann");
	cr_assert_eq(contact_create(fx.db, &sys, cin, 0, &c, &err), KITH_OK, "%s", err.msg);
	json_decref(cin);
	cr_assert_eq(activity_last_contacted(fx.db, &sys, c, last, &err), KITH_OK);
	cr_assert_str_eq(last, "");

	char json[160];
	snprintf(json, sizeof json,
		 "{\"title\":\"Call Ann about the offer\",\"type\":\"call\","
		 "\"contact_id\":%lld}",
		 (long long)c);
	int64_t call = add_as(&sys, json);
	TaskDone how = {.outcome = "agreed to a meeting", .note = "She wants the offer by Friday."};
	cr_assert_eq(task_complete(fx.db, &sys, call, &how, &next, &act, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert_gt(act, 0);
	json_t *a = NULL;
	cr_assert_eq(activity_get(fx.db, &sys, act, 0, &a, &err), KITH_OK, "%s", err.msg);
	cr_expect_str_eq(str(a, "kind"), "call");
	cr_expect_str_eq(str(a, "subject"), "Call Ann about the offer");
	cr_expect_str_eq(str(a, "outcome"), "agreed to a meeting");
	cr_expect_str_eq(str(a, "body"), "She wants the offer by Friday.");
	cr_expect_eq(json_integer_value(json_object_get(a, "contact_id")), c);
	json_t *t = get(call);
	cr_expect_str_eq(str(a, "occurred_at"), str(t, "done_at"));
	cr_assert_eq(activity_last_contacted(fx.db, &sys, c, last, &err), KITH_OK);
	cr_expect_str_eq(last, str(t, "done_at"));
	json_decref(t);
	json_decref(a);

	/* an email through task_done (no outcome) logs an email */
	snprintf(json, sizeof json,
		 "{\"title\":\"Send the offer\",\"type\":\"email\","
		 "\"contact_id\":%lld}",
		 (long long)c);
	int64_t mail = add_as(&sys, json);
	cr_assert_eq(task_complete(fx.db, &sys, mail, NULL, NULL, &act, &err), KITH_OK);
	cr_assert_eq(activity_get(fx.db, &sys, act, 0, &a, &err), KITH_OK);
	cr_expect_str_eq(str(a, "kind"), "email");
	cr_expect(json_is_null(json_object_get(a, "outcome")));
	json_decref(a);

	/* a todo logs nothing, and an outcome for it is refused, task left open */
	snprintf(json, sizeof json, "{\"title\":\"Tidy up\",\"contact_id\":%lld}", (long long)c);
	int64_t todo = add_as(&sys, json);
	TaskDone said = {.outcome = "done"};
	cr_assert_eq(task_complete(fx.db, &sys, todo, &said, NULL, &act, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "outcome");
	t = get(todo);
	cr_expect_str_eq(str(t, "status"), "open");
	json_decref(t);
	act = 5;
	cr_assert_eq(task_complete(fx.db, &sys, todo, NULL, NULL, &act, &err), KITH_OK);
	cr_expect_eq(act, 0);

	/* an unlinked call logs nothing */
	int64_t loose = add_as(&sys, "{\"title\":\"Call someone\",\"type\":\"call\"}");
	act = 5;
	cr_assert_eq(task_done(fx.db, &sys, loose, NULL, &err), KITH_OK);
	cr_assert_eq(task_reopen(fx.db, &sys, loose, &err), KITH_OK);
	cr_assert_eq(task_complete(fx.db, &sys, loose, NULL, NULL, &act, &err), KITH_OK);
	cr_expect_eq(act, 0);

	/* a call whose contact is in the trash completes without a touch */
	snprintf(json, sizeof json,
		 "{\"title\":\"Call again\",\"type\":\"call\","
		 "\"contact_id\":%lld}",
		 (long long)c);
	int64_t again = add_as(&sys, json);
	cr_assert_eq(contact_delete(fx.db, &sys, c, &err), KITH_OK, "%s", err.msg);
	act = 5;
	cr_assert_eq(task_complete(fx.db, &sys, again, NULL, NULL, &act, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_eq(act, 0);
}

/* With both an outcome and a note, the one refused is named: a note that
 * is not UTF-8 is "note", not "outcome". */
Test(task, a_refused_note_next_to_an_outcome_is_named_note)
{
	Err err = {0};
	int64_t c = 0, act = 0;
	json_t *cin = json_pack("{ss}", "first_name", "Ann");
	cr_assert_eq(contact_create(fx.db, &sys, cin, 0, &c, &err), KITH_OK, "%s", err.msg);
	json_decref(cin);
	char json[120];
	snprintf(json, sizeof json, "{\"title\":\"Call Ann\",\"type\":\"call\",\"contact_id\":%lld}",
		 (long long)c);
	int64_t call = add_as(&sys, json);
	TaskDone bad_note = {.outcome = "reached", .note = "caf\xe9"};
	cr_assert_eq(task_complete(fx.db, &sys, call, &bad_note, NULL, &act, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "note");
	json_t *t = get(call);
	cr_expect_str_eq(str(t, "status"), "open");
	json_decref(t);
}

/* An instant due moves on the workspace's local clock: a 09:00 call in
 * Warsaw stays at 09:00 when a repeat or a snooze crosses a DST change
 * (review of issue 7: it moved by an hour, keeping its UTC time). */
Test(task, instants_move_on_the_local_clock_across_dst)
{
	Err err = {0};
	int64_t next = 0, days;
	time_t t;
	char today[11], want[11], want_at[21];
	cr_assert_eq(workspace_set(fx.db, &sys, NULL, NULL, NULL, "Europe/Warsaw", &err), KITH_OK,
		     "%s", err.msg);
	/* 2026-03-27 09:00 CET, every 3 days: 2026-03-30 09:00 CEST */
	int64_t r = add_as(&sys, "{\"title\":\"r\",\"due_at\":\"2026-03-27T08:00:00Z\","
				 "\"repeat_every\":3,\"repeat_unit\":\"days\"}");
	cr_assert_eq(task_done(fx.db, &sys, r, &next, &err), KITH_OK, "%s", err.msg);
	json_t *n = get(next);
	cr_expect_str_eq(str(n, "due_at"), "2026-03-30T07:00:00Z");
	json_decref(n);

	/* overdue since a summer 09:00: snoozed a day, tomorrow at 09:00 local */
	int64_t a = add_as(&sys, "{\"title\":\"a\",\"due_at\":\"2026-07-10T07:00:00Z\"}");
	cr_assert_eq(task_today(fx.db, today, &err), KITH_OK);
	cr_assert_eq(date_add(today, 1, 'd', want), 0);
	cr_assert_eq(date_parse(want, &days), 0);
	cr_assert_eq(tz_local_to_utc("Europe/Warsaw", days * 86400 + 9 * 3600, &t, &err), KITH_OK);
	cr_assert_eq(time_iso(t, want_at), 0);
	cr_assert_eq(task_snooze(fx.db, &sys, a, NULL, "1d", &err), KITH_OK, "%s", err.msg);
	json_t *s = get(a);
	cr_expect_str_eq(str(s, "due_at"), want_at);
	json_decref(s);
}

/* A completion's note is the activity's body; its errors name "note", the
 * member the caller sent (review of issue 7: they named "body"). */
Test(task, a_bad_note_is_named_note)
{
	Err err = {0};
	int64_t c = 0, act = 0, next = 0;
	json_t *cin = json_pack("{ss}", "first_name", "Ann");
	cr_assert_eq(contact_create(fx.db, &sys, cin, 0, &c, &err), KITH_OK, "%s", err.msg);
	json_decref(cin);
	char json[128];
	snprintf(json, sizeof json, "{\"title\":\"Call\",\"type\":\"call\",\"contact_id\":%lld}",
		 (long long)c);
	int64_t call = add_as(&sys, json);
	size_t n = KITH_MAX_TEXT + 1;
	char *note = malloc(n + 1);
	memset(note, 'x', n);
	note[n] = '\0';
	TaskDone how = {.note = note};
	cr_expect_eq(task_complete(fx.db, &sys, call, &how, &next, &act, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "note");
	free(note);
	json_t *t = get(call);
	cr_expect_str_eq(str(t, "status"), "open", "a refused completion changes nothing");
	json_decref(t);
}
