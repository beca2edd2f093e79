/* test_collab.c - sharing records with collaborators: point checks, member
 * lists (every sort, across pages) and search of contacts and companies,
 * deal lists, board counts and forecast, activities and tasks seen through a
 * shared record, tag counts, merge and purge cascades, and bad input
 * (unknown user or record, a member sharing someone else's record, a
 * collaborator managing collaborators or changing the owner). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "crm/activity.h"
#include "core/audit.h"
#include "crm/collab.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/tag.h"
#include "views/reassign.h"
#include "crm/task.h"
#include "views/timeline.h"
#include "core/user.h"
#include "fixture.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;
static Actor ann, bob, admin; /* ann owns the records, bob is the collaborator */

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

static void setup(void)
{
	fixture_open(&fx, "DE");
	add_user("owner@example.com", "owner");
	ann = add_user("ann@example.com", "member");
	bob = add_user("bob@example.com", "member");
	admin = add_user("admin@example.com", "admin");
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(collab, .init = setup, .fini = teardown);

static json_t *parse(const char *json)
{
	json_t *in = json_loads(json, 0, NULL);
	cr_assert_not_null(in, "bad test JSON %s", json);
	return in;
}

static int64_t contact_as(const Actor *a, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = parse(json);
	cr_assert_eq(contact_create(fx.db, a, in, CONTACT_FORCE, &id, &err), KITH_OK, "%s: %s",
		     err.field, err.msg);
	json_decref(in);
	return id;
}

static int64_t company_as(const Actor *a, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = parse(json);
	cr_assert_eq(company_create(fx.db, a, in, 0, &id, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(in);
	return id;
}

static int64_t deal_as(const Actor *a, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = parse(json);
	cr_assert_eq(deal_create(fx.db, a, in, &id, &err), KITH_OK, "%s: %s", err.field, err.msg);
	json_decref(in);
	return id;
}

static void share(RecordKind k, int64_t id, const Actor *with)
{
	Err err = {0};
	cr_assert_eq(collab_add(fx.db, &ann, k, id, with->user_id, NULL, &err), KITH_OK, "%s",
		     err.msg);
}

/* Every contact id bob sees under sort (or query q), page by page (size 2). */
static void contact_ids(const Actor *a, const char *sort, const char *q, int64_t *ids, int *n)
{
	Err err = {0};
	char *cursor = NULL;
	*n = 0;
	do {
		json_t *items = NULL, *it;
		char *next = NULL;
		size_t i;
		ContactQuery cq = {.sort = sort, .q = q, .limit = 2, .cursor = cursor};
		cr_assert_eq(contact_list(fx.db, a, &cq, &items, &next, &err), KITH_OK, "%s: %s",
			     err.field, err.msg);
		json_array_foreach(items, i, it) ids[(*n)++] =
		    json_integer_value(json_object_get(it, "id"));
		json_decref(items);
		free(cursor);
		cursor = next;
	} while (cursor && *n < 100);
	free(cursor);
}

static void company_ids(const Actor *a, const char *sort, const char *q, int64_t *ids, int *n)
{
	Err err = {0};
	char *cursor = NULL;
	*n = 0;
	do {
		json_t *items = NULL, *it;
		char *next = NULL;
		size_t i;
		CompanyQuery cq = {.sort = sort, .q = q, .limit = 2, .cursor = cursor};
		cr_assert_eq(company_list(fx.db, a, &cq, &items, &next, &err), KITH_OK, "%s: %s",
			     err.field, err.msg);
		json_array_foreach(items, i, it) ids[(*n)++] =
		    json_integer_value(json_object_get(it, "id"));
		json_decref(items);
		free(cursor);
		cursor = next;
	} while (cursor && *n < 100);
	free(cursor);
}

static int has(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

Test(collab, point_checks_follow_shares)
{
	Err err = {0};
	json_t *r = NULL;
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t m = company_as(&ann, "{\"legal_name\": \"Acme\"}");
	int64_t d = deal_as(&ann, "{\"title\": \"Big\"}");
	cr_expect_eq(contact_get(fx.db, &bob, c, 0, &r, &err), ERR_NOT_FOUND);
	cr_expect_eq(company_get(fx.db, &bob, m, 0, &r, &err), ERR_NOT_FOUND);
	cr_expect_eq(deal_get(fx.db, &bob, d, 0, &r, &err), ERR_NOT_FOUND);
	cr_expect_not(record_can_see(fx.db, &bob, RECORD_CONTACT, c, ann.user_id));
	cr_expect(record_can_see(fx.db, &admin, RECORD_CONTACT, c, ann.user_id));
	share(RECORD_CONTACT, c, &bob);
	share(RECORD_COMPANY, m, &bob);
	share(RECORD_DEAL, d, &bob);
	cr_expect(record_can_see(fx.db, &bob, RECORD_CONTACT, c, ann.user_id));
	cr_assert_eq(contact_get(fx.db, &bob, c, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	cr_assert_eq(company_get(fx.db, &bob, m, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	cr_assert_eq(deal_get(fx.db, &bob, d, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	/* a collaborator changes the record like its owner */
	json_t *p = parse("{\"job_title\": \"CEO\"}");
	cr_expect_eq(contact_update(fx.db, &bob, c, p, 0, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(p);
	cr_expect_eq(deal_move(fx.db, &bob, d, 2, 0, NULL, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_delete(fx.db, &bob, c, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_restore(fx.db, &bob, c, &err), KITH_OK, "%s", err.msg);
	/* unshared: hidden again */
	cr_assert_eq(collab_remove(fx.db, &ann, RECORD_CONTACT, c, bob.user_id, &err), KITH_OK);
	cr_expect_eq(contact_get(fx.db, &bob, c, 0, &r, &err), ERR_NOT_FOUND);
}

Test(collab, member_contact_lists_are_owned_plus_shared_in_every_sort)
{
	int64_t ids[100];
	int n;
	int64_t own1 = contact_as(&bob, "{\"first_name\": \"Zed\"}");
	int64_t own2 = contact_as(&bob, "{\"first_name\": \"Ada\"}");
	int64_t sh1 = contact_as(&ann, "{\"first_name\": \"Mia\"}");
	int64_t sh2 = contact_as(&ann, "{\"first_name\": \"Bea\"}");
	int64_t hidden = contact_as(&ann, "{\"first_name\": \"Kim\"}");
	share(RECORD_CONTACT, sh1, &bob);
	share(RECORD_CONTACT, sh2, &bob);
	const char *sorts[] = {"name", "-name", "created", "-created", "updated", "-updated"};
	for (int s = 0; s < 6; s++) {
		contact_ids(&bob, sorts[s], NULL, ids, &n);
		cr_expect_eq(n, 4, "sort %s: %d rows", sorts[s], n);
		cr_expect(has(ids, n, own1) && has(ids, n, own2) && has(ids, n, sh1) &&
			      has(ids, n, sh2) && !has(ids, n, hidden),
			  "sort %s", sorts[s]);
	}
	contact_ids(&bob, "name", NULL, ids, &n);
	cr_expect(ids[0] == own2 && ids[1] == sh2 && ids[2] == sh1 && ids[3] == own1,
		  "merged name order");
	contact_ids(&bob, "-created", NULL, ids, &n);
	cr_expect(ids[0] == sh2 && ids[3] == own1, "merged id order");
	/* search and the ?owner_id= filter see shares too */
	contact_ids(&bob, NULL, "mia", ids, &n);
	cr_expect(n == 1 && ids[0] == sh1);
	contact_ids(&bob, NULL, "kim", ids, &n);
	cr_expect_eq(n, 0);
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	ContactQuery q = {.owner_id = ann.user_id};
	cr_assert_eq(contact_list(fx.db, &bob, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 2);
	json_decref(items);
	/* the admin path is unchanged: everyone's */
	contact_ids(&admin, "name", NULL, ids, &n);
	cr_expect_eq(n, 5);
}

Test(collab, member_company_lists_and_search)
{
	int64_t ids[100];
	int n;
	int64_t own = company_as(&bob, "{\"legal_name\": \"Bobco\"}");
	int64_t sh = company_as(&ann, "{\"legal_name\": \"Annco shared\"}");
	int64_t hidden = company_as(&ann, "{\"legal_name\": \"Annco hidden\"}");
	share(RECORD_COMPANY, sh, &bob);
	const char *sorts[] = {"name", "-name", "created", "-created", "updated", "-updated"};
	for (int s = 0; s < 6; s++) {
		company_ids(&bob, sorts[s], NULL, ids, &n);
		cr_expect(n == 2 && has(ids, n, own) && has(ids, n, sh) && !has(ids, n, hidden),
			  "sort %s: %d rows", sorts[s], n);
	}
	company_ids(&bob, NULL, "annco", ids, &n);
	cr_expect(n == 1 && ids[0] == sh);
	company_ids(&admin, NULL, "annco", ids, &n);
	cr_expect_eq(n, 2);
}

/* Count of the board column of stage position pos (1-based). */
static int64_t board_count(const Actor *a, int pos)
{
	Err err = {0};
	json_t *b = NULL;
	cr_assert_eq(deal_board(fx.db, a, &(DealBoardQuery){0}, &b, &err), KITH_OK, "%s", err.msg);
	json_t *col = json_array_get(json_object_get(b, "stages"), (size_t)pos - 1);
	int64_t n = json_integer_value(json_object_get(col, "count"));
	cr_expect_eq(json_array_size(json_object_get(col, "deals")), (size_t)n);
	json_decref(b);
	return n;
}

Test(collab, deal_lists_board_and_forecast)
{
	Err err = {0};
	json_t *items = NULL, *f = NULL;
	char *next = NULL;
	deal_as(&bob, "{\"title\": \"Own\", \"value\": {\"amount_minor\": 100}}");
	int64_t sh = deal_as(&ann, "{\"title\": \"Shared\", \"value\": {\"amount_minor\": 1000}}");
	deal_as(&ann, "{\"title\": \"Hidden\", \"value\": {\"amount_minor\": 50000}}");
	cr_expect_eq(board_count(&bob, 1), 1);
	share(RECORD_DEAL, sh, &bob);
	cr_expect_eq(board_count(&bob, 1), 2);
	cr_expect_eq(board_count(&admin, 1), 3);
	DealQuery q = {0};
	cr_assert_eq(deal_list(fx.db, &bob, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 2);
	json_decref(items);
	cr_assert_eq(deal_forecast(fx.db, &bob, 0, &f, &err), KITH_OK, "%s", err.msg);
	json_t *m = json_array_get(json_object_get(f, "months"), 0);
	cr_expect_eq(json_integer_value(json_object_get(m, "amount_minor")), 1100);
	json_decref(f);
}

Test(collab, activities_and_tasks_follow_the_shared_record)
{
	Err err = {0};
	json_t *r = NULL, *items = NULL;
	char *next = NULL;
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t d = deal_as(&ann, "{\"title\": \"Big\"}");
	int64_t act = 0, t1 = 0, t2 = 0;
	char buf[160];
	snprintf(buf, sizeof buf, "{\"kind\": \"call\", \"contact_id\": %lld}", (long long)c);
	json_t *in = parse(buf);
	cr_assert_eq(activity_create(fx.db, &ann, in, &act, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	snprintf(buf, sizeof buf, "{\"title\": \"Call\", \"contact_id\": %lld}", (long long)c);
	in = parse(buf);
	cr_assert_eq(task_create(fx.db, &ann, in, &t1, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	snprintf(buf, sizeof buf, "{\"title\": \"Quote\", \"deal_id\": %lld}", (long long)d);
	in = parse(buf);
	cr_assert_eq(task_create(fx.db, &ann, in, &t2, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_expect_eq(activity_get(fx.db, &bob, act, 0, &r, &err), ERR_NOT_FOUND);
	cr_expect_eq(task_get(fx.db, &bob, t1, 0, &r, &err), ERR_NOT_FOUND);
	cr_expect_eq(task_get(fx.db, &bob, t2, 0, &r, &err), ERR_NOT_FOUND);
	share(RECORD_CONTACT, c, &bob);
	share(RECORD_DEAL, d, &bob);
	cr_assert_eq(activity_get(fx.db, &bob, act, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	cr_assert_eq(task_get(fx.db, &bob, t1, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	cr_assert_eq(task_get(fx.db, &bob, t2, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	ActivityQuery aq = {0};
	cr_assert_eq(activity_list(fx.db, &bob, &aq, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 1);
	json_decref(items);
	/* and may log on the shared contact and deal themselves */
	int64_t own = 0;
	snprintf(buf, sizeof buf, "{\"kind\": \"email\", \"contact_id\": %lld, \"deal_id\": %lld}",
		 (long long)c, (long long)d);
	in = parse(buf);
	cr_assert_eq(activity_create(fx.db, &bob, in, &own, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(in);
	/* the merged timelines: the call and the task on the contact; the task
	 * and the creation stage change on the deal */
	cr_assert_eq(timeline_get(fx.db, &bob, "contact", c, 0, NULL, &items, &next, &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(items), 3); /* the call, the email and the task */
	json_decref(items);
	cr_assert_eq(timeline_get(fx.db, &bob, "deal", d, 0, NULL, &items, &next, &err), KITH_OK,
		     "%s", err.msg);
	cr_expect_eq(json_array_size(items), 3); /* the email, the task, the creation */
	json_decref(items);
	TaskQuery tq = {0};
	cr_assert_eq(task_list(fx.db, &bob, &tq, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 2);
	json_decref(items);
}

Test(collab, tag_counts_include_shared_records)
{
	Err err = {0};
	json_t *tags = NULL;
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\", \"tags\": [\"vip\"]}");
	cr_assert_eq(tag_list(fx.db, &bob, &tags, &err), KITH_OK);
	cr_expect_eq(json_array_size(tags), 0);
	json_decref(tags);
	share(RECORD_CONTACT, c, &bob);
	cr_assert_eq(tag_list(fx.db, &bob, &tags, &err), KITH_OK);
	cr_assert_eq(json_array_size(tags), 1);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(tags, 0), "contacts")), 1);
	json_decref(tags);
}

Test(collab, list_audit_and_idempotent_share)
{
	Err err = {0};
	json_t *list = NULL, *hist = NULL;
	int added = -1;
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	cr_assert_eq(collab_add(fx.db, &ann, RECORD_CONTACT, c, bob.user_id, &added, &err),
		     KITH_OK);
	cr_expect_eq(added, 1);
	cr_assert_eq(collab_add(fx.db, &admin, RECORD_CONTACT, c, bob.user_id, &added, &err),
		     KITH_OK);
	cr_expect_eq(added, 0, "sharing twice writes nothing");
	cr_assert_eq(collab_list(fx.db, &bob, RECORD_CONTACT, c, &list, &err), KITH_OK);
	cr_assert_eq(json_array_size(list), 1);
	json_t *e = json_array_get(list, 0);
	cr_expect_str_eq(json_string_value(json_object_get(e, "email")), "bob@example.com");
	cr_expect_eq(json_integer_value(json_object_get(e, "added_by")), ann.user_id);
	json_decref(list);
	cr_assert_eq(audit_list(fx.db, "contact", c, 10, &hist, &err), KITH_OK);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(hist, 0), "action")),
			 "share");
	cr_expect_eq(json_array_size(hist), 2, "one share entry, then the create");
	json_decref(hist);
}

Test(collab, bad_input_names_the_field_and_stores_nothing)
{
	Err err = {0};
	json_t *list = NULL;
	Actor cid = add_user("cid@example.com", "member");
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	cr_expect_eq(collab_add(fx.db, &ann, RECORD_CONTACT, c, 999, NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "user_id");
	cr_expect_eq(collab_add(fx.db, &ann, RECORD_CONTACT, c, 0, NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "user_id");
	cr_expect_eq(collab_add(fx.db, &ann, RECORD_CONTACT, c, ann.user_id, NULL, &err),
		     ERR_INVALID, "the owner is no collaborator");
	cr_expect_eq(collab_add(fx.db, &ann, RECORD_CONTACT, 9999, bob.user_id, NULL, &err),
		     ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "id");
	cr_expect_eq(collab_add(fx.db, &ann, RECORD_DEAL, 9999, bob.user_id, NULL, &err),
		     ERR_NOT_FOUND);
	/* a member cannot share what they cannot see: not found, not forbidden */
	cr_expect_eq(collab_add(fx.db, &bob, RECORD_CONTACT, c, bob.user_id, NULL, &err),
		     ERR_NOT_FOUND);
	cr_expect_eq(collab_list(fx.db, &bob, RECORD_CONTACT, c, &list, &err), ERR_NOT_FOUND);
	/* a collaborator may not manage collaborators */
	share(RECORD_CONTACT, c, &bob);
	cr_expect_eq(collab_add(fx.db, &bob, RECORD_CONTACT, c, cid.user_id, NULL, &err),
		     ERR_FORBIDDEN);
	cr_expect_eq(collab_remove(fx.db, &bob, RECORD_CONTACT, c, bob.user_id, &err),
		     ERR_FORBIDDEN);
	cr_expect_eq(collab_remove(fx.db, &ann, RECORD_CONTACT, c, cid.user_id, &err),
		     ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "user_id");
	cr_assert_eq(collab_list(fx.db, &ann, RECORD_CONTACT, c, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 1);
	json_decref(list);
	/* a trashed record is not shared further */
	cr_assert_eq(contact_delete(fx.db, &ann, c, &err), KITH_OK);
	cr_expect_eq(collab_add(fx.db, &ann, RECORD_CONTACT, c, cid.user_id, NULL, &err), ERR_GONE);
}

Test(collab, a_collaborator_may_not_change_the_owner)
{
	Err err = {0};
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t m = company_as(&ann, "{\"legal_name\": \"Acme\"}");
	int64_t d = deal_as(&ann, "{\"title\": \"Big\"}");
	share(RECORD_CONTACT, c, &bob);
	share(RECORD_COMPANY, m, &bob);
	share(RECORD_DEAL, d, &bob);
	char buf[64];
	snprintf(buf, sizeof buf, "{\"owner_id\": %lld}", (long long)bob.user_id);
	json_t *p = parse(buf);
	cr_expect_eq(contact_update(fx.db, &bob, c, p, 0, 0, NULL, &err), ERR_FORBIDDEN);
	cr_expect_str_eq(err.field, "owner_id");
	cr_expect_eq(company_update(fx.db, &bob, m, p, 0, NULL, &err), ERR_FORBIDDEN);
	cr_expect_str_eq(err.field, "owner_id");
	cr_expect_eq(deal_update(fx.db, &bob, d, p, 0, NULL, &err), ERR_FORBIDDEN);
	cr_expect_str_eq(err.field, "owner_id");
	json_decref(p);
	/* other fields stay the collaborator's to change */
	p = parse("{\"title\": \"Bigger\"}");
	cr_expect_eq(deal_update(fx.db, &bob, d, p, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(p);
}

static size_t n_collaborators(RecordKind k, int64_t id)
{
	Err err = {0};
	json_t *l = NULL;
	cr_assert_eq(collab_list(fx.db, &admin, k, id, &l, &err), KITH_OK, "%s", err.msg);
	size_t n = json_array_size(l);
	json_decref(l);
	return n;
}

/* A record's owner is never also its collaborator: an admin handing it to
 * the collaborator, or a bulk reassign, drops the share. */
Test(collab, a_new_owner_stops_being_a_collaborator)
{
	Err err = {0};
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t m = company_as(&ann, "{\"legal_name\": \"Acme\"}");
	int64_t d = deal_as(&ann, "{\"title\": \"Big\"}");
	int64_t d2 = deal_as(&ann, "{\"title\": \"Small\"}");
	share(RECORD_CONTACT, c, &bob);
	share(RECORD_COMPANY, m, &bob);
	share(RECORD_DEAL, d, &bob);
	share(RECORD_DEAL, d2, &bob);
	char buf[64];
	snprintf(buf, sizeof buf, "{\"owner_id\": %lld}", (long long)bob.user_id);
	json_t *p = parse(buf);
	cr_assert_eq(contact_update(fx.db, &admin, c, p, 0, 0, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(company_update(fx.db, &admin, m, p, 0, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(deal_update(fx.db, &admin, d, p, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(p);
	cr_expect_eq(n_collaborators(RECORD_CONTACT, c), 0);
	cr_expect_eq(n_collaborators(RECORD_COMPANY, m), 0);
	cr_expect_eq(n_collaborators(RECORD_DEAL, d), 0);
	cr_expect_eq(n_collaborators(RECORD_DEAL, d2), 1);
	json_t *sum = NULL;
	cr_assert_eq(reassign_all(fx.db, &admin, "ann@example.com", "bob@example.com", &sum, &err),
		     KITH_OK, "%s", err.msg);
	json_decref(sum);
	cr_expect_eq(n_collaborators(RECORD_DEAL, d2), 0);
	/* and he can be made a collaborator of none of them now: he owns them */
	cr_expect_eq(collab_add(fx.db, &admin, RECORD_DEAL, d2, bob.user_id, NULL, &err),
		     ERR_INVALID);
}

/* Rows of <kind>_collaborator for a record, counted by collab_list as admin
 * would (the record may be gone, so count in SQL). */
static int64_t share_rows(const char *sql, int64_t id)
{
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st, &err), DB_ROW);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

Test(collab, purge_cascades_and_merge_keeps_shares)
{
	static const char count_contact[] =
	    "SELECT COUNT(*) FROM contact_collaborator WHERE contact_id = ?";
	static const char count_company[] =
	    "SELECT COUNT(*) FROM company_collaborator WHERE company_id = ?";
	Err err = {0};
	json_t *r = NULL;
	int64_t keep = contact_as(&ann, "{\"first_name\": \"Keep\"}");
	int64_t other = contact_as(&ann, "{\"first_name\": \"Other\"}");
	int64_t m = company_as(&ann, "{\"legal_name\": \"Acme\"}");
	share(RECORD_CONTACT, other, &bob);
	share(RECORD_COMPANY, m, &bob);
	cr_assert_eq(contact_merge(fx.db, &ann, keep, other, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_get(fx.db, &bob, keep, 0, &r, &err), KITH_OK, "merged shares move");
	json_decref(r);
	cr_assert_eq(contact_purge(fx.db, &sys, other, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(share_rows(count_contact, other), 0);
	cr_expect_eq(share_rows(count_contact, keep), 1);
	cr_assert_eq(company_delete(fx.db, &ann, m, &err), KITH_OK);
	cr_assert_eq(company_purge(fx.db, &sys, m, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(share_rows(count_company, m), 0);
}

Test(collab, trash_lists_and_links_through_shares)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t hidden = contact_as(&ann, "{\"first_name\": \"Kim\"}");
	int64_t m = company_as(&ann, "{\"legal_name\": \"Acme\"}");
	share(RECORD_CONTACT, c, &bob);
	char buf[96];
	/* a member may link their records to a company shared with them only */
	snprintf(buf, sizeof buf, "{\"first_name\": \"New\", \"company_id\": %lld}", (long long)m);
	json_t *in = parse(buf);
	int64_t id = 0;
	cr_expect_eq(contact_create(fx.db, &bob, in, 0, &id, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "company_id");
	share(RECORD_COMPANY, m, &bob);
	cr_expect_eq(contact_create(fx.db, &bob, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	/* the trash: a shared record trashed by its collaborator stays theirs */
	cr_assert_eq(contact_delete(fx.db, &bob, c, &err), KITH_OK);
	cr_assert_eq(contact_delete(fx.db, &ann, hidden, &err), KITH_OK);
	ContactQuery q = {.trash = 1};
	cr_assert_eq(contact_list(fx.db, &bob, &q, &items, &next, &err), KITH_OK);
	cr_assert_eq(json_array_size(items), 1);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), c);
	json_decref(items);
	cr_assert_eq(company_delete(fx.db, &bob, m, &err), KITH_OK);
	CompanyQuery cq = {.trash = 1};
	cr_assert_eq(company_list(fx.db, &bob, &cq, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 1);
	json_decref(items);
	/* the collaborators of a trashed record can be listed, not changed */
	cr_assert_eq(collab_list(fx.db, &bob, RECORD_COMPANY, m, &items, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 1);
	json_decref(items);
	cr_expect_eq(collab_remove(fx.db, &ann, RECORD_COMPANY, m, bob.user_id, &err), ERR_GONE);
}

/* The audit entries of contact id with action, counted. */
static int audit_count(int64_t id, const char *action)
{
	Err err = {0};
	json_t *hist = NULL, *e;
	size_t i;
	int n = 0;
	cr_assert_eq(audit_list(fx.db, "contact", id, 100, &hist, &err), KITH_OK, "%s", err.msg);
	json_array_foreach(hist, i, e) n +=
	    strcmp(json_string_value(json_object_get(e, "action")), action) == 0;
	json_decref(hist);
	return n;
}

static int64_t owner_of(int64_t contact)
{
	Err err = {0};
	json_t *r = NULL;
	cr_assert_eq(contact_get(fx.db, &admin, contact, 1, &r, &err), KITH_OK, "%s", err.msg);
	json_t *o = json_object_get(r, "owner_id");
	int64_t id = json_is_integer(o) ? json_integer_value(o) : 0;
	json_decref(r);
	return id;
}

/* issue 7: a merge grants nobody access or ownership the actor could not
 * grant directly. bob is a collaborator on ann's contact; he merges his own
 * contact (shared with cid) into it: cid gets no share, bob no ownership. */
Test(collab, a_member_merge_grants_no_share_and_no_owner)
{
	Err err = {0};
	json_t *r = NULL;
	Actor cid = add_user("cid@example.com", "member");
	int64_t shared = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t mine = contact_as(&bob, "{\"first_name\": \"Bobs\"}");
	share(RECORD_CONTACT, shared, &bob);
	cr_assert_eq(collab_add(fx.db, &bob, RECORD_CONTACT, mine, cid.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(contact_merge(fx.db, &bob, shared, mine, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_get(fx.db, &cid, shared, 0, &r, &err), ERR_NOT_FOUND,
		     "a collaborator's merge shared the record with a third user");
	json_decref(r);
	cr_expect_eq(n_collaborators(RECORD_CONTACT, shared), 1, "bob only");
	cr_expect_eq(owner_of(shared), ann.user_id);
	cr_expect_eq(audit_count(shared, "share"), 1, "only ann's share of bob");

	/* an unassigned record shared with bob does not become his by a merge */
	int64_t open = contact_as(&admin, "{\"first_name\": \"Open\", \"owner_id\": null}");
	cr_assert_eq(owner_of(open), 0);
	cr_assert_eq(collab_add(fx.db, &admin, RECORD_CONTACT, open, bob.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	int64_t mine2 = contact_as(&bob, "{\"first_name\": \"Bobs2\"}");
	cr_assert_eq(contact_merge(fx.db, &bob, open, mine2, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(owner_of(open), 0, "a collaborator's merge made them the owner");
	/* and bob still sees what he merged (he is its collaborator) */
	cr_expect_eq(contact_get(fx.db, &bob, open, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);

	/* nor does a merge link the kept record to a company bob cannot see
	 * (an admin linked his contact to it) */
	int64_t m = company_as(&ann, "{\"legal_name\": \"Acme\"}");
	char buf[96];
	snprintf(buf, sizeof buf, "{\"first_name\": \"Linked\", \"company_id\": %lld}",
		 (long long)m);
	int64_t linked = contact_as(&admin, buf);
	char own[64];
	snprintf(own, sizeof own, "{\"owner_id\": %lld}", (long long)bob.user_id);
	json_t *p = parse(own);
	cr_assert_eq(contact_update(fx.db, &admin, linked, p, 0, 0, NULL, &err), KITH_OK, "%s",
		     err.msg);
	json_decref(p);
	cr_assert_eq(contact_merge(fx.db, &bob, open, linked, &r, &err), KITH_OK, "%s", err.msg);
	cr_expect(json_is_null(json_object_get(r, "company")), "linked to a hidden company");
	json_decref(r);
}

/* An owner or admin may share and assign: their merge carries the other
 * contact's owner (to an unassigned record) and collaborators over, each
 * share audited, the owner change in the merge entry, the new owner no
 * collaborator. The record's owner merging carries the shares too. */
Test(collab, an_admin_or_owner_merge_carries_shares_and_owner_audited)
{
	Err err = {0};
	json_t *r = NULL, *hist = NULL;
	Actor cid = add_user("cid@example.com", "member");
	int64_t open = contact_as(&admin, "{\"first_name\": \"Open\", \"owner_id\": null}");
	int64_t bobs = contact_as(&bob, "{\"first_name\": \"Bobs\"}");
	cr_assert_eq(collab_add(fx.db, &admin, RECORD_CONTACT, open, bob.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(collab_add(fx.db, &bob, RECORD_CONTACT, bobs, cid.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(contact_merge(fx.db, &admin, open, bobs, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(owner_of(open), bob.user_id);
	cr_expect_eq(contact_get(fx.db, &cid, open, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	cr_expect_eq(n_collaborators(RECORD_CONTACT, open), 1, "cid; bob owns it now");
	cr_expect_eq(audit_count(open, "share"), 2, "admin's share of bob, the merge's of cid");
	cr_assert_eq(audit_list(fx.db, "contact", open, 100, &hist, &err), KITH_OK);
	json_t *merge = json_array_get(hist, 0);
	cr_assert_str_eq(json_string_value(json_object_get(merge, "action")), "merge");
	json_t *ow = json_object_get(json_object_get(json_object_get(merge, "changes"), "changes"),
				     "owner_id");
	cr_assert(json_is_array(ow), "the owner change is in the merge entry");
	cr_expect(json_is_null(json_array_get(ow, 0)));
	cr_expect_eq(json_integer_value(json_array_get(ow, 1)), bob.user_id);
	json_decref(hist);

	/* the record's owner (a member) merging: other's collaborators follow */
	int64_t keep = contact_as(&ann, "{\"first_name\": \"Keep\"}");
	int64_t other = contact_as(&ann, "{\"first_name\": \"Other\"}");
	share(RECORD_CONTACT, other, &cid);
	cr_assert_eq(contact_merge(fx.db, &ann, keep, other, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_get(fx.db, &cid, keep, 0, &r, &err), KITH_OK, "%s", err.msg);
	json_decref(r);
	cr_expect_eq(audit_count(keep, "share"), 1);
}

static int64_t contact_count_of(const Actor *a, int64_t company)
{
	Err err = {0};
	json_t *r = NULL, *items = NULL;
	char *next = NULL;
	cr_assert_eq(company_get(fx.db, a, company, 0, &r, &err), KITH_OK, "%s", err.msg);
	int64_t n = json_integer_value(json_object_get(r, "contact_count"));
	json_decref(r);
	/* the list says the same */
	CompanyQuery q = {0};
	cr_assert_eq(company_list(fx.db, a, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	json_t *it;
	size_t i;
	json_array_foreach(items, i, it)
	{
		if (json_integer_value(json_object_get(it, "id")) == company)
			cr_expect_eq(json_integer_value(json_object_get(it, "contact_count")), n,
				     "list and get disagree");
	}
	json_decref(items);
	free(next);
	return n;
}

/* issue 7: a company's contact_count counts only the contacts the actor
 * may see, so it tells a member nothing about hidden ones. */
Test(collab, contact_count_counts_what_the_actor_sees)
{
	Err err = {0};
	char buf[96];
	int64_t m = company_as(&ann, "{\"legal_name\": \"Acme\"}");
	share(RECORD_COMPANY, m, &bob);
	snprintf(buf, sizeof buf, "{\"first_name\": \"Hidden\", \"company_id\": %lld}",
		 (long long)m);
	contact_as(&ann, buf);
	snprintf(buf, sizeof buf, "{\"first_name\": \"Shared\", \"company_id\": %lld}",
		 (long long)m);
	int64_t shared = contact_as(&ann, buf);
	share(RECORD_CONTACT, shared, &bob);
	snprintf(buf, sizeof buf, "{\"first_name\": \"Bobs\", \"company_id\": %lld}", (long long)m);
	int64_t bobs = contact_as(&bob, buf);
	snprintf(buf, sizeof buf, "{\"first_name\": \"Open\", \"company_id\": %lld}", (long long)m);
	contact_as(&admin, buf); /* unassigned: members do not see it */
	cr_expect_eq(contact_count_of(&bob, m), 2, "bob sees his own and the shared one");
	cr_expect_eq(contact_count_of(&ann, m), 2, "ann sees her two");
	cr_expect_eq(contact_count_of(&admin, m), 4);
	cr_expect_eq(contact_count_of(&sys, m), 4);
	/* the trash does not count; a share of bob's own contact counts once */
	cr_assert_eq(collab_add(fx.db, &bob, RECORD_CONTACT, bobs, ann.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_count_of(&bob, m), 2);
	cr_expect_eq(contact_count_of(&ann, m), 3);
	cr_assert_eq(contact_delete(fx.db, &ann, shared, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_count_of(&bob, m), 1);
	cr_expect_eq(contact_count_of(&admin, m), 3);
}

/* issue 7: the duplicate guard tells a member that an email or phone is in
 * the workspace (a deliberate trade-off, docs/cli/sharing.md) and nothing
 * else about a contact hidden from them: no name, no id, no owner. */
Test(collab, the_duplicate_guard_names_no_hidden_contact)
{
	Err err = {0};
	int64_t id = 0;
	int64_t c = contact_as(&ann, "{\"first_name\": \"Secretname\", \"emails\": "
				     "[{\"value\": \"s@x.example\"}], \"phones\": "
				     "[{\"value\": \"+48 601 234 567\"}]}");
	char idtext[32];
	snprintf(idtext, sizeof idtext, "#%lld", (long long)c);
	const char *const in[] = {
	    "{\"first_name\": \"X\", \"emails\": [{\"value\": \"S@x.example\"}]}",
	    "{\"first_name\": \"X\", \"phones\": [{\"value\": \"+48601234567\"}]}"};
	for (int i = 0; i < 2; i++) {
		json_t *j = parse(in[i]);
		err_clear(&err);
		cr_expect_eq(contact_create(fx.db, &bob, j, 0, &id, &err), ERR_CONFLICT);
		cr_expect_eq(err.ref_id, 0, "the id of a hidden contact");
		cr_expect_null(strstr(err.msg, "Secretname"), "%s", err.msg);
		cr_expect_null(strstr(err.msg, idtext), "%s", err.msg);
		cr_expect_null(strstr(err.msg, "ann@"), "%s", err.msg);
		cr_expect_not_null(strstr(err.msg, "already exists (owned by another user"), "%s",
				   err.msg);
		/* shared with bob: now it is named */
		if (i == 1) {
			share(RECORD_CONTACT, c, &bob);
			err_clear(&err);
			cr_expect_eq(contact_create(fx.db, &bob, j, 0, &id, &err), ERR_CONFLICT);
			cr_expect_eq(err.ref_id, c);
			cr_expect_not_null(strstr(err.msg, "Secretname"), "%s", err.msg);
		}
		json_decref(j);
	}
}

/* issue 7: a disabled user cannot be shared with or assigned (by id or
 * email), keeps the shares they had, and a merge does not copy them;
 * sharing by email names the email field. */
Test(collab, disabled_users_get_no_new_share_or_record)
{
	Err err = {0};
	int64_t uid = 0;
	int added = 0;
	Actor cid = add_user("cid@example.com", "member");
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t other = contact_as(&ann, "{\"first_name\": \"Other\"}");
	cr_assert_eq(collab_add_email(fx.db, &ann, RECORD_CONTACT, other, "CID@example.com", &uid,
				      &added, &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(uid, cid.user_id);
	cr_expect_eq(added, 1);
	cr_assert_eq(user_set_disabled(fx.db, &admin, cid.user_id, 1, NULL, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_eq(collab_add(fx.db, &ann, RECORD_CONTACT, c, cid.user_id, NULL, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "user_id");
	cr_expect_eq(
	    collab_add_email(fx.db, &ann, RECORD_CONTACT, c, "cid@example.com", NULL, NULL, &err),
	    ERR_INVALID);
	cr_expect_str_eq(err.field, "email");
	cr_expect_eq(
	    collab_add_email(fx.db, &ann, RECORD_CONTACT, c, "ann@example.com", NULL, NULL, &err),
	    ERR_INVALID, "the owner");
	cr_expect_str_eq(err.field, "email");
	char buf[64];
	snprintf(buf, sizeof buf, "{\"owner_id\": %lld}", (long long)cid.user_id);
	json_t *p = parse(buf);
	cr_expect_eq(contact_update(fx.db, &admin, c, p, 0, 0, NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "owner_id");
	json_decref(p);
	/* the old share stays (history), a merge does not copy it */
	cr_expect_eq(n_collaborators(RECORD_CONTACT, other), 1);
	cr_assert_eq(contact_merge(fx.db, &ann, c, other, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(n_collaborators(RECORD_CONTACT, c), 0);
}

/* issue 7: members see a colleague's name and email only (the rule of
 * GET /api/v1/users); owners and admins see the role and disabled flag. */
Test(collab, members_see_collaborators_name_and_email_only)
{
	Err err = {0};
	json_t *list = NULL;
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	share(RECORD_CONTACT, c, &bob);
	const Actor *members[] = {&ann, &bob};
	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(collab_list(fx.db, members[i], RECORD_CONTACT, c, &list, &err),
			     KITH_OK, "%s", err.msg);
		json_t *e = json_array_get(list, 0);
		cr_expect_eq(json_integer_value(json_object_get(e, "user_id")), bob.user_id);
		cr_expect_str_eq(json_string_value(json_object_get(e, "email")),
				 "bob@example.com");
		cr_expect_str_eq(json_string_value(json_object_get(e, "name")), "User");
		cr_expect_null(json_object_get(e, "role"), "a member sees a colleague's role");
		cr_expect_null(json_object_get(e, "disabled"), "a member sees the disabled flag");
		cr_expect_null(json_object_get(e, "id"));
		json_decref(list);
	}
	cr_assert_eq(collab_list(fx.db, &admin, RECORD_CONTACT, c, &list, &err), KITH_OK);
	json_t *e = json_array_get(list, 0);
	cr_expect_str_eq(json_string_value(json_object_get(e, "role")), "member");
	cr_expect(json_is_false(json_object_get(e, "disabled")));
	cr_expect_str_eq(json_string_value(json_object_get(e, "email")), "bob@example.com");
	cr_expect_null(json_object_get(e, "id"));
	json_decref(list);
}

/* The unshare entries on record id of entity: their count, and each one
 * names old_user as the collaborator removed and by as the actor. */
static int unshares(const char *entity, int64_t id, int64_t old_user, int64_t by)
{
	Err err = {0};
	json_t *hist = NULL, *e;
	size_t i;
	int n = 0;
	cr_assert_eq(audit_list(fx.db, entity, id, 100, &hist, &err), KITH_OK, "%s", err.msg);
	json_array_foreach(hist, i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "action")), "unshare"))
			continue;
		n++;
		json_t *ch = json_object_get(json_object_get(e, "changes"), "collaborator_id");
		cr_expect_eq(json_integer_value(json_array_get(ch, 0)), old_user);
		cr_expect(json_is_null(json_array_get(ch, 1)));
		cr_expect_eq(json_integer_value(json_object_get(e, "user_id")), by);
	}
	json_decref(hist);
	return n;
}

/* issue 7: a new owner stops being a collaborator, and that change is in
 * the record's history as "unshare" by the actor who changed the owner. */
Test(collab, a_new_owner_dropped_as_collaborator_is_audited)
{
	Err err = {0};
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t m = company_as(&ann, "{\"legal_name\": \"Acme\"}");
	int64_t d = deal_as(&ann, "{\"title\": \"Big\"}");
	share(RECORD_CONTACT, c, &bob);
	share(RECORD_COMPANY, m, &bob);
	share(RECORD_DEAL, d, &bob);
	char buf[64];
	snprintf(buf, sizeof buf, "{\"owner_id\": %lld}", (long long)bob.user_id);
	json_t *p = parse(buf);
	cr_assert_eq(contact_update(fx.db, &admin, c, p, 0, 0, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(company_update(fx.db, &admin, m, p, 0, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(deal_update(fx.db, &admin, d, p, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(p);
	cr_expect_eq(unshares("contact", c, bob.user_id, admin.user_id), 1);
	cr_expect_eq(unshares("company", m, bob.user_id, admin.user_id), 1);
	cr_expect_eq(unshares("deal", d, bob.user_id, admin.user_id), 1);
	/* an update that removes no share writes no unshare entry */
	p = parse("{\"notes\": \"n\"}");
	cr_assert_eq(contact_update(fx.db, &bob, c, p, 0, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(p);
	cr_expect_eq(unshares("contact", c, bob.user_id, admin.user_id), 1);
}

/* issue 7: an admin's merge gives the unassigned kept contact the other's
 * owner bob, who was its collaborator: his share goes, audited. */
Test(collab, a_merge_that_makes_a_collaborator_owner_audits_the_unshare)
{
	Err err = {0};
	int64_t open = contact_as(&admin, "{\"first_name\": \"Open\", \"owner_id\": null}");
	int64_t bobs = contact_as(&bob, "{\"first_name\": \"Bobs\"}");
	cr_assert_eq(collab_add(fx.db, &admin, RECORD_CONTACT, open, bob.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(contact_merge(fx.db, &admin, open, bobs, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(owner_of(open), bob.user_id);
	cr_expect_eq(n_collaborators(RECORD_CONTACT, open), 0);
	cr_expect_eq(unshares("contact", open, bob.user_id, admin.user_id), 1);
}

/* A reassign makes the new owner no collaborator of the records they now
 * own: each share removed is an "unshare" on the record by the actor. */
Test(collab, a_reassign_that_drops_shares_audits_each_unshare)
{
	Err err = {0};
	json_t *sum = NULL;
	int64_t c = contact_as(&ann, "{\"first_name\": \"Ola\"}");
	int64_t d = deal_as(&ann, "{\"title\": \"Big\"}");
	int64_t d2 = deal_as(&ann, "{\"title\": \"Small\"}");
	share(RECORD_CONTACT, c, &bob);
	share(RECORD_DEAL, d, &bob);
	cr_assert_eq(reassign_all(fx.db, &admin, "ann@example.com", "bob@example.com", &sum, &err),
		     KITH_OK, "%s", err.msg);
	json_decref(sum);
	cr_expect_eq(n_collaborators(RECORD_CONTACT, c), 0);
	cr_expect_eq(unshares("contact", c, bob.user_id, admin.user_id), 1);
	cr_expect_eq(unshares("deal", d, bob.user_id, admin.user_id), 1);
	cr_expect_eq(unshares("deal", d2, bob.user_id, admin.user_id), 0, "d2 was not shared");
}
