/* test_record.c - core/record: the kinds and their names, the one
 * visibility rule (owner, admin, a member who owns, one it is shared with,
 * one who sees an activity or task through what it links to, one from whom
 * it is hidden, the trash) as the point check, the C check and the list
 * fragments decide it, and the link check's errors naming the field. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "core/record.h"
#include "crm/activity.h"
#include "crm/collab.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/task.h"
#include "fixture.h"

static Fixture fx;
static Actor owner, admin, ann, bob, cat; /* ann owns, bob is shared with, cat sees nothing */
static int64_t contact, company, deal;	  /* ann's */
static int64_t act_c, task_m, task_d;	  /* linked to ann's contact, company, deal */

static int64_t made(int rc, int64_t id, const Err *err)
{
	cr_assert_eq(rc, KITH_OK, "%s: %s", err->field, err->msg);
	return id;
}

static int64_t create(const Actor *a, RecordKind kind, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json(json);
	int rc = kind == RECORD_CONTACT	   ? contact_create(fx.db, a, in, CONTACT_FORCE, &id, &err)
		 : kind == RECORD_COMPANY  ? company_create(fx.db, a, in, 0, &id, &err)
		 : kind == RECORD_DEAL	   ? deal_create(fx.db, a, in, &id, &err)
		 : kind == RECORD_ACTIVITY ? activity_create(fx.db, a, in, &id, &err)
					   : task_create(fx.db, a, in, &id, &err);
	json_decref(in);
	return made(rc, id, &err);
}

/* ann's contact, company and deal, an activity and two tasks linked to
 * them, all by ann; bob is not yet a collaborator. */
static void setup(void)
{
	char json[128];
	fixture_open(&fx, "DE");
	owner = fixture_user(&fx, "owner@example.com", "owner");
	admin = fixture_user(&fx, "admin@example.com", "admin");
	ann = fixture_user(&fx, "ann@example.com", "member");
	bob = fixture_user(&fx, "bob@example.com", "member");
	cat = fixture_user(&fx, "cat@example.com", "member");
	contact = create(&ann, RECORD_CONTACT, "{\"first_name\": \"Ola\"}");
	company = create(&ann, RECORD_COMPANY, "{\"legal_name\": \"Acme\"}");
	deal = create(&ann, RECORD_DEAL, "{\"title\": \"Big\"}");
	snprintf(json, sizeof json, "{\"kind\": \"call\", \"contact_id\": %lld}",
		 (long long)contact);
	act_c = create(&ann, RECORD_ACTIVITY, json);
	snprintf(json, sizeof json, "{\"title\": \"Call\", \"company_id\": %lld}",
		 (long long)company);
	task_m = create(&ann, RECORD_TASK, json);
	snprintf(json, sizeof json, "{\"title\": \"Send\", \"deal_id\": %lld}", (long long)deal);
	task_d = create(&ann, RECORD_TASK, json);
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(record, .init = setup, .fini = teardown);

static void share(RecordKind kind, int64_t id, const Actor *with)
{
	Err err = {0};
	cr_assert_eq(collab_add(fx.db, &ann, kind, id, with->user_id, NULL, &err), KITH_OK, "%s",
		     err.msg);
}

/* record_check for a live record; with the C check agreeing. */
static int sees(const Actor *a, RecordKind kind, int64_t id)
{
	Err err = {0};
	int64_t owner_id = -1;
	int rc = record_check(fx.db, a, kind, id, 0, "id", &owner_id, &err);
	cr_assert(rc == KITH_OK || rc == ERR_NOT_FOUND, "%s %lld: %d %s", record_kind_name(kind),
		  (long long)id, rc, err.msg);
	int64_t expect_owner = rc == KITH_OK && record_kind_shareable(kind) ? ann.user_id : 0;
	cr_expect_eq(owner_id, expect_owner, "%s %lld: owner %lld", record_kind_name(kind),
		     (long long)id, (long long)owner_id);
	cr_expect_eq(record_can_see(fx.db, a, kind, id, ann.user_id), rc == KITH_OK,
		     "record_can_see disagrees on %s %lld", record_kind_name(kind), (long long)id);
	return rc == KITH_OK;
}

/* How many rows of table the list fragment of kind shows the actor; a
 * sentinel parameter after the fragment proves record_bind_visible bound
 * exactly the fragment's parameters. */
static int64_t list_count(const Actor *a, RecordKind kind)
{
	static const char contacts[] =
	    "SELECT COUNT(*) FROM contact x WHERE " RECORD_VISIBLE("contact", "x") " AND ? = 4242";
	static const char companies[] =
	    "SELECT COUNT(*) FROM company x WHERE " RECORD_VISIBLE("company", "x") " AND ? = 4242";
	static const char deals[] =
	    "SELECT COUNT(*) FROM deal x WHERE " RECORD_VISIBLE("deal", "x") " AND ? = 4242";
	static const char activities[] =
	    "SELECT COUNT(*) FROM activity x WHERE " RECORD_ACTIVITY_VISIBLE("x") " AND ? = 4242";
	static const char tasks[] =
	    "SELECT COUNT(*) FROM task x WHERE " RECORD_TASK_VISIBLE("x") " AND ? = 4242";
	const char *const sql[] = {NULL, contacts, companies, deals, activities, tasks};
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(fx.db, &st, sql[kind], &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, record_bind_visible(st, 1, a, kind), 4242);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

Test(record, kinds_have_api_names_that_parse_back)
{
	const char *const names[] = {NULL, "contact", "company", "deal", "activity", "task"};
	for (int k = RECORD_CONTACT; k <= RECORD_TASK; k++) {
		cr_expect_str_eq(record_kind_name((RecordKind)k), names[k]);
		cr_expect_eq(record_kind_parse(names[k]), (RecordKind)k);
		cr_expect_eq(record_kind_shareable((RecordKind)k), k <= RECORD_DEAL, "%s",
			     names[k]);
	}
	cr_expect_eq(record_kind_parse("contacts"), 0);
	cr_expect_eq(record_kind_parse("Contact"), 0);
	cr_expect_eq(record_kind_parse(""), 0);
	cr_expect_eq(record_kind_parse(NULL), 0);
	cr_expect_null(record_kind_name(0));
	cr_expect_null(record_kind_name((RecordKind)99));
	cr_expect_not(record_kind_shareable(0));
}

Test(record, owners_and_admins_see_everything)
{
	const Actor *const all[] = {&owner, &admin};
	for (int i = 0; i < 2; i++) {
		cr_expect(sees(all[i], RECORD_CONTACT, contact));
		cr_expect(sees(all[i], RECORD_COMPANY, company));
		cr_expect(sees(all[i], RECORD_DEAL, deal));
		cr_expect(sees(all[i], RECORD_ACTIVITY, act_c));
		cr_expect(sees(all[i], RECORD_TASK, task_m));
		cr_expect(sees(all[i], RECORD_TASK, task_d));
		cr_expect_eq(list_count(all[i], RECORD_CONTACT), 1);
		cr_expect_eq(list_count(all[i], RECORD_ACTIVITY), 1);
		cr_expect_eq(list_count(all[i], RECORD_TASK), 2);
	}
	const Actor sys = ACTOR_SYSTEM;
	cr_expect(sees(&sys, RECORD_DEAL, deal));
}

Test(record, a_member_sees_what_they_own_and_what_links_to_it)
{
	cr_expect(sees(&ann, RECORD_CONTACT, contact));
	cr_expect(sees(&ann, RECORD_COMPANY, company));
	cr_expect(sees(&ann, RECORD_DEAL, deal));
	cr_expect(sees(&ann, RECORD_ACTIVITY, act_c));
	cr_expect(sees(&ann, RECORD_TASK, task_m));
	for (int k = RECORD_CONTACT; k <= RECORD_DEAL; k++)
		cr_expect_eq(list_count(&ann, (RecordKind)k), 1, "%s", record_kind_name(k));
	cr_expect_eq(list_count(&ann, RECORD_ACTIVITY), 1);
	cr_expect_eq(list_count(&ann, RECORD_TASK), 2);
}

Test(record, a_member_hidden_from_sees_nothing)
{
	const Actor *const them[] = {&bob, &cat};
	for (int i = 0; i < 2; i++) {
		cr_expect_not(sees(them[i], RECORD_CONTACT, contact));
		cr_expect_not(sees(them[i], RECORD_COMPANY, company));
		cr_expect_not(sees(them[i], RECORD_DEAL, deal));
		cr_expect_not(sees(them[i], RECORD_ACTIVITY, act_c));
		cr_expect_not(sees(them[i], RECORD_TASK, task_m));
		cr_expect_not(sees(them[i], RECORD_TASK, task_d));
		for (int k = RECORD_CONTACT; k <= RECORD_TASK; k++)
			cr_expect_eq(list_count(them[i], (RecordKind)k), 0, "%s",
				     record_kind_name(k));
	}
}

Test(record, a_share_shows_the_record_and_what_links_to_it)
{
	share(RECORD_CONTACT, contact, &bob);
	cr_expect(sees(&bob, RECORD_CONTACT, contact));
	cr_expect(sees(&bob, RECORD_ACTIVITY, act_c)); /* through the contact */
	cr_expect_not(sees(&bob, RECORD_COMPANY, company));
	cr_expect_not(sees(&bob, RECORD_TASK, task_m));
	share(RECORD_COMPANY, company, &bob);
	cr_expect(sees(&bob, RECORD_TASK, task_m)); /* through the company */
	cr_expect_not(sees(&bob, RECORD_TASK, task_d));
	share(RECORD_DEAL, deal, &bob);
	cr_expect(sees(&bob, RECORD_TASK, task_d)); /* through the deal */
	for (int k = RECORD_CONTACT; k <= RECORD_ACTIVITY; k++)
		cr_expect_eq(list_count(&bob, (RecordKind)k), 1, "%s", record_kind_name(k));
	cr_expect_eq(list_count(&bob, RECORD_TASK), 2);
	cr_expect_eq(list_count(&cat, RECORD_TASK), 0); /* a share is for one user */
	Err err = {0};
	cr_expect_eq(record_shared(fx.db, RECORD_DEAL, deal, bob.user_id, &err), 1);
	cr_expect_eq(record_shared(fx.db, RECORD_DEAL, deal, cat.user_id, &err), 0);
	cr_expect_eq(record_shared(fx.db, RECORD_TASK, task_d, bob.user_id, &err), -1);
	cr_expect_eq(err.code, ERR_INTERNAL);
}

Test(record, activities_and_tasks_keep_their_own_user_rules)
{
	char json[160];
	/* an admin logs for cat and assigns to cat on ann's records, hidden from cat */
	snprintf(json, sizeof json, "{\"kind\": \"note\", \"user_id\": %lld, \"contact_id\": %lld}",
		 (long long)cat.user_id, (long long)contact);
	int64_t logged = create(&admin, RECORD_ACTIVITY, json);
	snprintf(json, sizeof json, "{\"title\": \"Go\", \"assignee_id\": %lld, \"deal_id\": %lld}",
		 (long long)cat.user_id, (long long)deal);
	int64_t assigned = create(&admin, RECORD_TASK, json);
	cr_expect(sees(&cat, RECORD_ACTIVITY, logged));
	cr_expect(sees(&cat, RECORD_TASK, assigned));
	cr_expect_not(sees(&cat, RECORD_CONTACT, contact));
	cr_expect_not(sees(&cat, RECORD_DEAL, deal));
	cr_expect_eq(list_count(&cat, RECORD_ACTIVITY), 1);
	cr_expect_eq(list_count(&cat, RECORD_TASK), 1);
	/* ann sees both through her records */
	cr_expect(sees(&ann, RECORD_ACTIVITY, logged));
	cr_expect(sees(&ann, RECORD_TASK, assigned));
}

Test(record, the_trash_is_gone_for_links_and_shown_with_include_deleted)
{
	Err err = {0};
	share(RECORD_CONTACT, contact, &bob);
	cr_assert_eq(contact_delete(fx.db, &ann, contact, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(
	    record_check(fx.db, &bob, RECORD_CONTACT, contact, 0, "contact_id", NULL, &err),
	    ERR_GONE);
	cr_expect_str_eq(err.field, "contact_id");
	char msg[64];
	snprintf(msg, sizeof msg, "contact #%lld is in the trash; restore it first",
		 (long long)contact);
	cr_expect_str_eq(err.msg, msg);
	cr_expect_eq(record_check(fx.db, &bob, RECORD_CONTACT, contact, 1, "id", NULL, &err),
		     KITH_OK, "%s", err.msg);
	/* hidden wins over trashed: cat learns nothing */
	cr_expect_eq(record_check(fx.db, &cat, RECORD_CONTACT, contact, 0, "id", NULL, &err),
		     ERR_NOT_FOUND);
	/* what links to a trashed record is still seen through it */
	cr_expect(sees(&bob, RECORD_ACTIVITY, act_c));
	cr_expect_eq(list_count(&bob, RECORD_ACTIVITY), 1);
	cr_expect_eq(task_delete(fx.db, &ann, task_d, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(record_check(fx.db, &ann, RECORD_TASK, task_d, 0, "task_id", NULL, &err),
		     ERR_GONE);
	cr_expect_str_eq(err.field, "task_id");
}

Test(record, link_check_errors_name_the_field)
{
	Err err = {0};
	static const struct {
		RecordKind kind;
		const char *field, *label;
	} cases[] = {{RECORD_CONTACT, "contact_id", "no contact #"},
		     {RECORD_COMPANY, "company_id", "no company "},
		     {RECORD_DEAL, "deal_id", "no deal "},
		     {RECORD_ACTIVITY, "activity_id", "no activity "},
		     {RECORD_TASK, "task_id", "no task "}};
	char msg[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* absent */
		cr_expect_eq(
		    record_check(fx.db, &owner, cases[i].kind, 9999, 0, cases[i].field, NULL, &err),
		    ERR_NOT_FOUND);
		cr_expect_str_eq(err.field, cases[i].field);
		snprintf(msg, sizeof msg, "%s9999", cases[i].label);
		cr_expect_str_eq(err.msg, msg);
		/* hidden: the same answer */
		err_clear(&err);
		int64_t id = cases[i].kind == RECORD_CONTACT	? contact
			     : cases[i].kind == RECORD_COMPANY	? company
			     : cases[i].kind == RECORD_DEAL	? deal
			     : cases[i].kind == RECORD_ACTIVITY ? act_c
								: task_m;
		cr_expect_eq(
		    record_check(fx.db, &cat, cases[i].kind, id, 0, cases[i].field, NULL, &err),
		    ERR_NOT_FOUND);
		cr_expect_str_eq(err.field, cases[i].field);
		snprintf(msg, sizeof msg, "%s%lld", cases[i].label, (long long)id);
		cr_expect_str_eq(err.msg, msg);
	}
	cr_expect_eq(record_check(fx.db, &owner, 0, contact, 0, "id", NULL, &err), ERR_INTERNAL);
	cr_expect_not(record_can_see(fx.db, &owner, 0, contact, 0));
}

Test(record, linking_a_hidden_record_names_the_link)
{
	/* the link check as activity and task use it */
	Err err = {0};
	int64_t id = 0;
	char json[96];
	snprintf(json, sizeof json, "{\"kind\": \"call\", \"deal_id\": %lld}", (long long)deal);
	json_t *in = fixture_json(json);
	cr_expect_eq(activity_create(fx.db, &cat, in, &id, &err), ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "deal_id");
	json_decref(in);
	snprintf(json, sizeof json, "{\"title\": \"X\", \"company_id\": %lld}", (long long)company);
	in = fixture_json(json);
	cr_expect_eq(task_create(fx.db, &cat, in, &id, &err), ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "company_id");
	json_decref(in);
	share(RECORD_COMPANY, company, &cat);
	in = fixture_json(json);
	cr_expect_eq(task_create(fx.db, &cat, in, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
}

/* ---- a link written while its target is being purged ---------------------
 * A purge holds the company's row (its DELETE) while a writer checks the
 * link it is about to write. On SQLite the writer waits at BEGIN IMMEDIATE;
 * on PostgreSQL its link check waits for the row (record_check_link's FOR
 * SHARE). Either way it then sees the company gone: a clean "no company",
 * never a foreign-key failure (a storage error) at its INSERT. */

typedef struct Linker {
	RecordKind kind;  /* what it creates: a task or a contact */
	const char *json; /* linked to the company */
	int rc;
	Err err;
} Linker;

static void *link_one(void *arg)
{
	Linker *l = arg;
	int64_t id = 0;
	json_t *in = fixture_json(l->json);
	l->rc = l->kind == RECORD_TASK
		    ? task_create(fx.db, &owner, in, &id, &l->err)
		    : contact_create(fx.db, &owner, in, CONTACT_FORCE, &id, &l->err);
	json_decref(in);
	return NULL;
}

/* Purge company (its DELETE, held open) while l links to it. */
static void link_during_purge(int64_t target, Linker *l)
{
	Err err = {0};
	Db *purger;
	cr_assert_eq(db_open(&purger, fx.path, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(purger, &err), KITH_OK, "%s", err.msg);
	char sql[80];
	snprintf(sql, sizeof sql, "DELETE FROM company WHERE id = %lld", (long long)target);
	cr_assert_eq(db_exec_script(purger, sql, &err), KITH_OK, "%s", err.msg);
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, link_one, l), 0);
	usleep(300 * 1000); /* the linker is waiting for the purge by now */
	cr_assert_eq(db_commit(purger, &err), KITH_OK, "%s", err.msg);
	pthread_join(t, NULL);
	db_close(purger);
}

Test(record, a_contact_linked_during_its_companys_purge_gets_no_company)
{
	int64_t target = create(&owner, RECORD_COMPANY, "{\"legal_name\": \"Going Away\"}");
	char json[80];
	snprintf(json, sizeof json, "{\"first_name\": \"Ann\", \"company_id\": %lld}",
		 (long long)target);
	Linker l = {.kind = RECORD_CONTACT, .json = json};
	link_during_purge(target, &l);
	cr_expect_eq(l.rc, ERR_INVALID, "%d %s: %s", l.rc, l.err.field, l.err.msg);
	cr_expect_str_eq(l.err.field, "company_id");
	char want[40];
	snprintf(want, sizeof want, "no company #%lld", (long long)target);
	cr_expect_str_eq(l.err.msg, want);
}

Test(record, a_link_written_during_the_targets_purge_is_not_found)
{
	int64_t target = create(&owner, RECORD_COMPANY, "{\"legal_name\": \"Going Away\"}");
	char json[80];
	snprintf(json, sizeof json, "{\"title\": \"call\", \"company_id\": %lld}",
		 (long long)target);
	Linker l = {.kind = RECORD_TASK, .json = json};
	link_during_purge(target, &l);
	cr_expect_eq(l.rc, ERR_NOT_FOUND, "%d %s: %s", l.rc, l.err.field, l.err.msg);
	cr_expect_str_eq(l.err.field, "company_id");
	char want[40];
	snprintf(want, sizeof want, "no company %lld", (long long)target);
	cr_expect_str_eq(l.err.msg, want);
}
