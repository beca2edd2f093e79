/* test_workspace.c - the workspace row: created once, validated settings
 * (country, currency, time zone, reminder ranges), owner/admin only,
 * audited, and one transaction for a combined update. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/limits.h"
#include "core/audit.h"
#include "fixture.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;
static const WorkspaceReminders keep = {-1, -1, -1};

static void setup(void)
{
	fixture_open(&fx, "PL");
}
static void teardown(void)
{
	fixture_close(&fx);
}

TestSuite(workspace, .init = setup, .fini = teardown);

/* Zeroed first, so two reads compare with memcmp. */
static Workspace get(void)
{
	Workspace w;
	memset(&w, 0, sizeof w);
	Err err = {0};
	cr_assert_eq(workspace_get(fx.db, &w, &err), KITH_OK, "%s", err.msg);
	return w;
}

Test(workspace, defaults_and_init_once)
{
	Workspace w = get();
	cr_expect_str_eq(w.name, "Test");
	cr_expect_str_eq(w.default_country, "PL");
	cr_expect_str_eq(w.currency, "EUR");
	cr_expect_str_eq(w.timezone, "UTC");
	cr_expect_eq(w.touch_limit, 3);
	cr_expect_eq(w.touch_window_days, 7);
	cr_expect_eq(w.birthday_lead_days, 7);
	/* a second init changes nothing */
	Err err = {0};
	cr_expect_eq(workspace_init(fx.db, "Other", "TH", "THB", "Asia/Bangkok", &err), KITH_OK,
		     "%s", err.msg);
	w = get();
	cr_expect_str_eq(w.name, "Test");
	cr_expect_str_eq(w.currency, "EUR");
}

Test(workspace, a_fresh_database_has_none)
{
	Fixture empty;
	Err err = {0};
	Workspace w;
	fixture_open_empty(&empty);
	cr_assert_eq(migrate_up(empty.db, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(workspace_get(empty.db, &w, &err), ERR_INVALID);
	cr_expect(strstr(err.msg, "kith init"), "%s", err.msg);
	/* init with NULLs takes the defaults */
	cr_assert_eq(workspace_init(empty.db, NULL, NULL, NULL, NULL, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert_eq(workspace_get(empty.db, &w, &err), KITH_OK);
	cr_expect_str_eq(w.name, "My business");
	cr_expect_str_eq(w.default_country, "");
	cr_expect_str_eq(w.currency, "EUR");
	cr_expect_str_eq(w.timezone, "UTC");
	fixture_close(&empty);
}

Test(workspace, settings_are_validated_naming_the_field)
{
	static const struct {
		const char *name, *country, *currency, *tz;
		const char *field; /* NULL = accepted */
	} cases[] = {
	    {"Nowak Consulting", "PL", "PLN", "Europe/Warsaw", NULL},
	    {"บริษัท ตัวอย่าง จำกัด", "TH", "THB", "Asia/Bangkok", NULL},
	    {NULL, "TR", "TRY", "Europe/Istanbul", NULL},
	    {NULL, NULL, "JPY", NULL, NULL},
	    {NULL, NULL, "BHD", NULL, NULL},
	    {NULL, NULL, NULL, "America/Argentina/Buenos_Aires", NULL},
	    {NULL, NULL, NULL, "Etc/GMT+5", NULL},
	    {"", NULL, NULL, NULL, "name"},
	    {"   ", NULL, NULL, NULL, "name"},
	    {NULL, "pl", NULL, NULL, "country"},
	    {NULL, "POL", NULL, NULL, "country"},
	    {NULL, "P", NULL, NULL, "country"},
	    {NULL, "P1", NULL, NULL, "country"},
	    {NULL, NULL, "eur", NULL, "currency"},
	    {NULL, NULL, "EURO", NULL, "currency"},
	    {NULL, NULL, "", NULL, "currency"},
	    {NULL, NULL, "XXX", NULL, "currency"},
	    {NULL, NULL, NULL, "", "timezone"},
	    {NULL, NULL, NULL, "Europe", "timezone"}, /* a directory, not a zone */
	    {NULL, NULL, NULL, "Mars/Olympus_Mons", "timezone"},
	    {NULL, NULL, NULL, "../../etc/passwd", "timezone"},
	    {NULL, NULL, NULL, "/etc/passwd", "timezone"},
	    {NULL, NULL, NULL, "Europe//Warsaw", "timezone"},
	    {NULL, NULL, NULL, "Europe/Warsaw/", "timezone"},
	    {NULL, NULL, NULL, "Europe/Warsaw ", "timezone"},
	    {NULL, NULL, NULL, "Area/A_zone_name_that_is_far_longer_than_any_real_one_in_tzdata_x",
	     "timezone"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Workspace before = get();
		Err err = {0};
		int rc = workspace_set(fx.db, &sys, cases[i].name, cases[i].country,
				       cases[i].currency, cases[i].tz, &err);
		Workspace after = get();
		if (!cases[i].field) {
			cr_expect_eq(rc, KITH_OK, "case %zu: %s", i, err.msg);
			if (cases[i].name)
				cr_expect_str_eq(after.name, cases[i].name, "case %zu", i);
			if (cases[i].currency)
				cr_expect_str_eq(after.currency, cases[i].currency, "case %zu", i);
			if (cases[i].tz)
				cr_expect_str_eq(after.timezone, cases[i].tz, "case %zu", i);
			if (!cases[i].name)
				cr_expect_str_eq(after.name, before.name, "case %zu: NULL keeps",
						 i);
		} else {
			cr_expect_eq(rc, ERR_INVALID, "case %zu accepted", i);
			cr_expect_str_eq(err.field, cases[i].field, "case %zu: %s", i, err.msg);
			cr_expect_eq(memcmp(&before, &after, sizeof before), 0,
				     "case %zu stored nothing", i);
		}
	}
}

Test(workspace, an_empty_country_clears_it)
{
	Err err = {0};
	cr_assert_eq(workspace_set(fx.db, &sys, NULL, "", NULL, NULL, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_str_eq(get().default_country, "");
	cr_assert_eq(workspace_set(fx.db, &sys, NULL, "TH", NULL, NULL, &err), KITH_OK);
	cr_expect_str_eq(get().default_country, "TH");
}

Test(workspace, only_owners_and_admins_change_settings)
{
	Actor owner = fixture_user(&fx, "o@example.com", "owner");
	Actor admin = fixture_user(&fx, "a@example.com", "admin");
	Actor member = fixture_user(&fx, "m@example.com", "member");
	Err err = {0};
	WorkspaceReminders r = {5, -1, -1};
	cr_expect_eq(workspace_set(fx.db, &member, "Mine", NULL, NULL, NULL, &err), ERR_FORBIDDEN);
	cr_expect_eq(workspace_set_reminders(fx.db, &member, &r, &err), ERR_FORBIDDEN);
	cr_expect_eq(workspace_update(fx.db, &member, "Mine", NULL, NULL, NULL, &r, &err),
		     ERR_FORBIDDEN);
	cr_expect_str_eq(get().name, "Test");
	cr_expect_eq(get().touch_limit, 3);
	cr_expect_eq(workspace_set(fx.db, &admin, "By admin", NULL, NULL, NULL, &err), KITH_OK,
		     "%s", err.msg);
	cr_expect_eq(workspace_set_reminders(fx.db, &owner, &r, &err), KITH_OK, "%s", err.msg);
	cr_expect_str_eq(get().name, "By admin");
	cr_expect_eq(get().touch_limit, 5);
	/* both changes are in the audit log, with who made them */
	json_t *l = NULL;
	cr_assert_eq(audit_list(fx.db, "workspace", 1, 10, &l, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_array_size(l), 2);
	cr_expect_eq(fixture_int(json_array_get(l, 0), "user_id"), owner.user_id);
	cr_expect_eq(fixture_int(json_object_get(json_array_get(l, 0), "changes"), "touch_limit"),
		     5);
	cr_expect_eq(fixture_int(json_array_get(l, 1), "user_id"), admin.user_id);
	/* the settings given, and only those (the entry was empty before) */
	json_t *ch = json_object_get(json_array_get(l, 1), "changes");
	cr_expect_str_eq(fixture_str(ch, "name"), "By admin");
	cr_expect_eq(json_object_size(ch), 1);
	json_decref(l);
}

Test(workspace, reminder_ranges)
{
	static const struct {
		WorkspaceReminders r;
		const char *field; /* NULL = accepted */
	} cases[] = {
	    {{1, 1, 0}, NULL},
	    {{1000, 366, 366}, NULL},
	    {{-1, -1, -1}, NULL},
	    {{0, -1, -1}, "touch_limit"},
	    {{1001, -1, -1}, "touch_limit"},
	    {{-1, 0, -1}, "touch_window_days"},
	    {{-1, 367, -1}, "touch_window_days"},
	    {{-1, -1, 367}, "birthday_lead_days"},
	    {{5, 5, 400}, "birthday_lead_days"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Workspace before = get();
		Err err = {0};
		int rc = workspace_set_reminders(fx.db, &sys, &cases[i].r, &err);
		Workspace after = get();
		if (!cases[i].field) {
			cr_expect_eq(rc, KITH_OK, "case %zu: %s", i, err.msg);
			const int want[] = {cases[i].r.touch_limit, cases[i].r.touch_window_days,
					    cases[i].r.birthday_lead_days};
			const int was[] = {before.touch_limit, before.touch_window_days,
					   before.birthday_lead_days};
			const int got[] = {after.touch_limit, after.touch_window_days,
					   after.birthday_lead_days};
			for (int k = 0; k < 3; k++)
				cr_expect_eq(got[k], want[k] < 0 ? was[k] : want[k], "case %zu #%d",
					     i, k);
		} else {
			cr_expect_eq(rc, ERR_INVALID, "case %zu accepted", i);
			cr_expect_str_eq(err.field, cases[i].field, "case %zu", i);
			cr_expect_eq(memcmp(&before, &after, sizeof before), 0, "case %zu", i);
		}
	}
}

Test(workspace, a_combined_update_is_all_or_nothing)
{
	Err err = {0};
	WorkspaceReminders bad = {10, 10, 999};
	cr_expect_eq(
	    workspace_update(fx.db, &sys, "Renamed", "TH", "THB", "Asia/Bangkok", &bad, &err),
	    ERR_INVALID);
	cr_expect_str_eq(err.field, "birthday_lead_days");
	Workspace w = get();
	cr_expect_str_eq(w.name, "Test", "the settings part was rolled back too");
	cr_expect_str_eq(w.currency, "EUR");
	cr_expect_eq(w.touch_limit, 3);
	WorkspaceReminders good = {10, 10, 10};
	cr_expect_eq(workspace_update(fx.db, &sys, "Renamed", NULL, NULL, NULL, &good, &err),
		     KITH_OK, "%s", err.msg);
	w = get();
	cr_expect_str_eq(w.name, "Renamed");
	cr_expect_eq(w.touch_limit, 10);
	/* nothing given changes nothing */
	cr_expect_eq(workspace_update(fx.db, &sys, NULL, NULL, NULL, NULL, NULL, &err), KITH_OK);
	cr_expect_eq(workspace_update(fx.db, &sys, NULL, NULL, NULL, NULL, &keep, &err), KITH_OK);
	cr_expect_str_eq(get().name, "Renamed");
}

/* The name is read back into Workspace.name: a longer one was stored whole
 * and read back cut (maybe inside a UTF-8 sequence), and a name that is not
 * UTF-8 left a workspace that `kith workspace show` could not print. */
Test(workspace, a_name_over_the_limit_or_not_utf8_is_refused)
{
	char name[KITH_MAX_NAME + 2];
	Err err = {0};
	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	cr_expect_eq(workspace_set(fx.db, &sys, name, NULL, NULL, NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "name");
	cr_expect_eq(workspace_set(fx.db, &sys, "bad \xff utf-8", NULL, NULL, NULL, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "name");
	cr_expect_str_eq(get().name, "Test");
	/* the longest name, in two-byte letters, is read back whole */
	char longest[KITH_MAX_NAME + 1] = "";
	for (unsigned i = 0; i + 2 <= KITH_MAX_NAME; i += 2)
		strcat(longest, "ż");
	cr_assert_eq(strlen(longest), KITH_MAX_NAME);
	cr_expect_eq(workspace_set(fx.db, &sys, longest, NULL, NULL, NULL, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_str_eq(get().name, longest);
	/* and init checks it the same way */
	Fixture empty;
	fixture_open_empty(&empty);
	cr_assert_eq(migrate_up(empty.db, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(workspace_init(empty.db, name, NULL, NULL, NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "name");
	Workspace w;
	cr_expect_eq(workspace_get(empty.db, &w, &err), ERR_INVALID, "nothing was created");
	fixture_close(&empty);
}
