/* test_company.c - companies: CRUD, validation, access, trash, tags, search,
 * lists and audit. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/record.h"
#include "crm/collab.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/field.h"
#include "core/user.h"
#include "fixture.h"
#include "store/search.h"

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
TestSuite(company, .init = setup, .fini = teardown);

static int64_t create(const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_loads(json, 0, NULL);
	cr_assert_not_null(in, "bad test JSON %s", json);
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &id, &err), KITH_OK, "%s: %s: %s", json,
		     err.field, err.msg);
	json_decref(in);
	return id;
}

static json_t *get(int64_t id)
{
	Err err = {0};
	json_t *out = NULL;
	cr_assert_eq(company_get(fx.db, &sys, id, 1, &out, &err), KITH_OK, "%s", err.msg);
	return out;
}

/* ids of a full walk over the list with page size limit. */
static json_t *walk(const Actor *actor, CompanyQuery q, int limit)
{
	json_t *all = json_array();
	char *cursor = NULL;
	q.limit = limit;
	for (int pages = 0; pages < 1000; pages++) {
		Err err = {0};
		json_t *items = NULL;
		char *next = NULL;
		q.cursor = cursor;
		cr_assert_eq(company_list(fx.db, actor, &q, &items, &next, &err), KITH_OK, "%s: %s",
			     err.field, err.msg);
		cr_assert_leq(json_array_size(items), (size_t)limit);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) json_array_append(all, it);
		json_decref(items);
		free(cursor);
		cursor = next;
		if (!next)
			break;
	}
	free(cursor);
	return all;
}

Test(company, crud_round_trip)
{
	Err err = {0};
	int64_t id = create(
		"{\"legal_name\":\"  Łódzka Spółka Handlowa sp. z o.o. \",\"tax_id\":\"PL 725-18-01-126\","
		"\"address\":{\"street\":\"Piotrkowska 1\",\"city\":\"Łódź\",\"postal_code\":\"90-001\","
		"\"country\":\"pl\"},\"website\":\"https://example.pl\",\"phone\":\"601 234 567\","
		"\"email\":\"biuro@example.pl\",\"tags\":[\"VIP\",\"Hurt\"],\"notes\":\"Zażółć\"}");
	json_t *c = get(id);
	cr_expect_str_eq(fixture_str(c, "legal_name"), "Łódzka Spółka Handlowa sp. z o.o.", "trimmed");
	cr_expect_str_eq(fixture_str(c, "tax_id"), "PL 725-18-01-126");
	json_t *a = json_object_get(c, "address");
	cr_expect_str_eq(fixture_str(a, "city"), "Łódź");
	cr_expect_str_eq(fixture_str(a, "country"), "PL", "upper-cased");
	cr_expect(json_is_null(json_object_get(a, "region")));
	cr_expect_str_eq(fixture_str(c, "phone"), "+48601234567", "normalized with the workspace country");
	cr_expect_str_eq(fixture_str(c, "email"), "biuro@example.pl");
	cr_expect_eq(json_array_size(json_object_get(c, "tags")), 2);
	cr_expect_str_eq(fixture_str(c, "notes"), "Zażółć");
	cr_expect_eq(fixture_int(c, "version"), 1);
	cr_expect_eq(fixture_int(c, "contact_count"), 0);
	cr_expect(json_is_object(json_object_get(c, "custom")));
	cr_expect(json_is_null(json_object_get(c, "deleted_at")));
	cr_expect(json_is_null(json_object_get(c, "owner_id")));

	json_t *patch = json_loads("{\"legal_name\":\"ŁSH\",\"address\":{\"city\":\"Kraków\"},"
				   "\"tax_id\":null,\"notes\":\"\"}",
				   0, NULL),
	       *out = NULL;
	cr_expect_eq(company_update(fx.db, &sys, id, patch, 2, &out, &err), ERR_STALE);
	cr_assert_eq(company_update(fx.db, &sys, id, patch, 1, &out, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(fixture_int(out, "version"), 2);
	cr_expect_str_eq(fixture_str(out, "legal_name"), "ŁSH");
	cr_expect_str_eq(fixture_str(json_object_get(out, "address"), "city"), "Kraków");
	cr_expect_str_eq(fixture_str(json_object_get(out, "address"), "street"), "Piotrkowska 1",
			 "address members merge");
	cr_expect(json_is_null(json_object_get(out, "tax_id")));
	cr_expect(json_is_null(json_object_get(out, "notes")), "blank clears");
	cr_expect_str_eq(fixture_str(out, "email"), "biuro@example.pl", "untouched");
	json_decref(out);
	json_decref(patch);

	cr_assert_eq(company_delete(fx.db, &sys, id, &err), KITH_OK);
	cr_expect_eq(company_delete(fx.db, &sys, id, &err), ERR_GONE);
	cr_expect_eq(company_get(fx.db, &sys, id, 0, &out, &err), ERR_GONE);
	json_decref(c);
	c = get(id);
	cr_expect_not_null(fixture_str(c, "deleted_at"));
	cr_expect_eq(fixture_int(c, "version"), 3);
	patch = json_pack("{ss}", "notes", "x");
	cr_expect_eq(company_update(fx.db, &sys, id, patch, 0, NULL, &err), ERR_GONE);
	cr_assert_eq(company_restore(fx.db, &sys, id, &err), KITH_OK);
	cr_expect_eq(company_restore(fx.db, &sys, id, &err), ERR_CONFLICT);
	cr_expect_eq(company_update(fx.db, &sys, id, patch, 0, NULL, &err), KITH_OK);
	json_decref(patch);
	json_decref(c);
	cr_expect_eq(company_get(fx.db, &sys, 9999, 1, &out, &err), ERR_NOT_FOUND);
}

Test(company, validation_names_the_field_and_changes_nothing)
{
	static const struct {
		const char *json, *field;
	} cases[] = {
		{"{}", "legal_name"},
		{"{\"legal_name\":\"   \"}", "legal_name"},
		{"{\"legal_name\":null}", "legal_name"},
		{"{\"legal_name\":42}", "legal_name"},
		{"{\"legal_name\":\"A\",\"colour\":\"red\"}", "colour"},
		{"{\"legal_name\":\"A\",\"tax_id\":\"PL#123\"}", "tax_id"},
		{"{\"legal_name\":\"A\",\"tax_id\":\"12345678901234567890123456789012345678901234567890"
		 "123456789012345\"}",
		 "tax_id"},
		{"{\"legal_name\":\"A\",\"address\":\"Main St\"}", "address"},
		{"{\"legal_name\":\"A\",\"address\":{\"town\":\"X\"}}", "address.town"},
		{"{\"legal_name\":\"A\",\"address\":{\"country\":\"POL\"}}", "address.country"},
		{"{\"legal_name\":\"A\",\"address\":{\"country\":\"P1\"}}", "address.country"},
		{"{\"legal_name\":\"A\",\"address\":{\"city\":7}}", "address.city"},
		{"{\"legal_name\":\"A\",\"website\":\"not a site\"}", "website"},
		{"{\"legal_name\":\"A\",\"website\":\"ftp://example.com\"}", "website"},
		{"{\"legal_name\":\"A\",\"phone\":\"12\"}", "phone"},
		{"{\"legal_name\":\"A\",\"email\":\"nobody\"}", "email"},
		{"{\"legal_name\":\"A\",\"owner_id\":999}", "owner_id"},
		{"{\"legal_name\":\"A\",\"owner_id\":\"1\"}", "owner_id"},
		{"{\"legal_name\":\"A\",\"tags\":\"vip\"}", "tags"},
		{"{\"legal_name\":\"A\",\"tags\":[\"vip\",\"VIP\"]}", "tags"},
		{"{\"legal_name\":\"A\",\"tags\":[\"a,b\"]}", "tags"},
		{"{\"legal_name\":\"A\",\"notes\":[]}", "notes"},
		{"{\"legal_name\":\"A\",\"custom\":{\"nope\":1}}", "custom.nope"},
		{"{\"legal_name\":\"A\",\"custom\":{\"size\":\"big\"}}", "custom.size"},
		{"{\"legal_name\":\"A\",\"custom\":[]}", "custom"},
	};
	Err err = {0};
	int64_t fid;
	json_t *def = json_pack("{ss ss ss ss}", "entity", "company", "key", "size", "label", "Size",
				"type", "number");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK);
	json_decref(def);
	int64_t id = create("{\"legal_name\":\"Keep\",\"tax_id\":\"PL1\",\"address\":{\"city\":"
			    "\"Gdańsk\"},\"tags\":[\"old\"]}");
	json_t *before = get(id);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t nid = 0;
		json_t *in = json_loads(cases[i].json, 0, NULL);
		cr_assert_not_null(in, "case %zu JSON", i);
		err = (Err){0};
		cr_expect_eq(company_create(fx.db, &sys, in, 0, &nid, &err), ERR_INVALID,
			     "create case %zu", i);
		cr_expect_str_eq(err.field, cases[i].field, "create case %zu: %s", i, err.msg);
		if (i > 0) { /* "{}" is a valid (empty) patch */
			err = (Err){0};
			cr_expect_eq(company_update(fx.db, &sys, id, in, 0, NULL, &err), ERR_INVALID,
				     "update case %zu", i);
			cr_expect_str_eq(err.field, cases[i].field, "update case %zu: %s", i,
					 err.msg);
		}
		json_decref(in);
	}
	json_t *items = NULL;
	char *next = NULL;
	CompanyQuery q = {0};
	cr_assert_eq(company_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 1, "no company created by rejected input");
	json_decref(items);
	json_t *after = get(id);
	cr_expect(json_equal(before, after), "rejected updates changed nothing");
	json_decref(before);
	json_decref(after);
}

Test(company, members_see_only_their_own)
{
	Err err = {0};
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor member = fixture_user(&fx, "member@example.com", "member");
	Actor other = fixture_user(&fx, "other@example.com", "member");
	int64_t hidden = create("{\"legal_name\":\"Hidden SA\"}");
	int64_t mine = 0, nid = 0;
	json_t *in = json_pack("{ss}", "legal_name", "Mine GmbH"), *out = NULL;
	cr_assert_eq(company_create(fx.db, &member, in, 0, &mine, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	json_t *c = get(mine);
	cr_expect_eq(fixture_int(c, "owner_id"), member.user_id, "a member owns what they add");
	json_decref(c);

	cr_expect_eq(company_get(fx.db, &member, hidden, 1, &out, &err), ERR_NOT_FOUND);
	cr_expect_eq(company_get(fx.db, &other, mine, 1, &out, &err), ERR_NOT_FOUND);
	cr_expect_eq(company_get(fx.db, &owner, mine, 0, &out, &err), KITH_OK);
	json_decref(out);
	json_t *patch = json_pack("{ss}", "notes", "x");
	cr_expect_eq(company_update(fx.db, &member, hidden, patch, 0, NULL, &err), ERR_NOT_FOUND);
	cr_expect_eq(company_delete(fx.db, &member, hidden, &err), ERR_NOT_FOUND);
	cr_expect_eq(company_tag(fx.db, &member, hidden, patch, NULL, NULL, &err), ERR_NOT_FOUND);
	json_decref(patch);
	char *name = NULL;
	cr_expect_eq(company_name(fx.db, &member, hidden, &name, &err), ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "company_id");
	cr_assert_eq(company_name(fx.db, &member, mine, &name, &err), KITH_OK);
	cr_expect_str_eq(name, "Mine GmbH");
	free(name);

	/* Members may only assign themselves. */
	in = json_pack("{ss sI}", "legal_name", "X", "owner_id", (json_int_t)owner.user_id);
	cr_expect_eq(company_create(fx.db, &member, in, 0, &nid, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "owner_id");
	json_decref(in);
	in = json_pack("{sn}", "owner_id");
	cr_expect_eq(company_update(fx.db, &member, mine, in, 0, NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "owner_id");
	json_decref(in);
	/* An owner may hand a company to a member. */
	in = json_pack("{sI}", "owner_id", (json_int_t)member.user_id);
	cr_expect_eq(company_update(fx.db, &owner, hidden, in, 0, NULL, &err), KITH_OK, "%s",
		     err.msg);
	json_decref(in);

	/* Lists filter in SQL, also for the trash. */
	cr_assert_eq(company_delete(fx.db, &owner, hidden, &err), KITH_OK);
	int64_t again = create("{\"legal_name\":\"Owner only\"}");
	cr_assert_eq(company_delete(fx.db, &owner, again, &err), KITH_OK);
	CompanyQuery q = {0};
	json_t *all = walk(&member, q, 10);
	cr_expect_eq(json_array_size(all), 1);
	cr_expect_eq(fixture_int(json_array_get(all, 0), "id"), mine);
	json_decref(all);
	q.trash = 1;
	all = walk(&member, q, 10);
	cr_expect_eq(json_array_size(all), 1, "the member's trashed company only");
	cr_expect_eq(fixture_int(json_array_get(all, 0), "id"), hidden);
	json_decref(all);
	all = walk(&owner, q, 10);
	cr_expect_eq(json_array_size(all), 2);
	json_decref(all);
	/* Search and the owner filter keep to what the member may see. */
	q = (CompanyQuery){.q = "mine"};
	all = walk(&member, q, 10);
	cr_expect_eq(json_array_size(all), 1);
	json_decref(all);
	q = (CompanyQuery){.q = "owner"};
	all = walk(&member, q, 10);
	cr_expect_eq(json_array_size(all), 0, "the owner's company is not found by a member");
	json_decref(all);
	q = (CompanyQuery){.owner_id = owner.user_id};
	all = walk(&member, q, 10);
	cr_expect_eq(json_array_size(all), 0);
	json_decref(all);
	q = (CompanyQuery){.owner_id = member.user_id, .trash = 1};
	all = walk(&owner, q, 10);
	cr_expect_eq(json_array_size(all), 1, "owner filter in the trash");
	json_decref(all);
	/* Purge is for owners and admins. */
	cr_expect_eq(company_purge(fx.db, &member, hidden, &err), ERR_FORBIDDEN);
	cr_expect_eq(company_purge(fx.db, &owner, hidden, &err), KITH_OK, "%s", err.msg);
}

Test(company, trash_restore_purge_unlinks_contacts)
{
	Err err = {0};
	int64_t id = create("{\"legal_name\":\"Purged Ltd\",\"tags\":[\"x\"]}"), cid = 0;
	int64_t fid;
	json_t *def = json_pack("{ss ss ss ss}", "entity", "company", "key", "note", "label", "N",
				"type", "text");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK);
	json_decref(def);
	json_t *patch = json_pack("{s{ss}}", "custom", "note", "remember me");
	cr_assert_eq(company_update(fx.db, &sys, id, patch, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	json_t *in = json_pack("{ss ss sI}", "first_name", "Ann", "last_name", "Nowak", "company_id", (json_int_t)id);
	cr_assert_eq(contact_create(fx.db, &sys, in, 0, &cid, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(in);
	json_t *c = get(id);
	cr_expect_eq(fixture_int(c, "contact_count"), 1);
	json_decref(c);

	cr_expect_eq(company_purge(fx.db, &sys, id, &err), ERR_CONFLICT, "purge only from trash");
	cr_assert_eq(company_delete(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(company_purge(fx.db, &sys, id, &err), KITH_OK, "%s", err.msg);
	json_t *out = NULL;
	cr_expect_eq(company_get(fx.db, &sys, id, 1, &out, &err), ERR_NOT_FOUND);
	cr_expect_eq(company_purge(fx.db, &sys, id, &err), ERR_NOT_FOUND);
	cr_assert_eq(contact_get(fx.db, &sys, cid, 0, &out, &err), KITH_OK, "contact stays");
	cr_expect(json_is_null(json_object_get(out, "company")), "contact unlinked");
	json_decref(out);
	json_t *vals = NULL;
	cr_assert_eq(field_values_get(fx.db, "company", id, &vals, &err), KITH_OK);
	cr_expect_eq(json_object_size(vals), 0, "custom values purged");
	json_decref(vals);
	json_t *log = NULL;
	cr_assert_eq(audit_list(fx.db, "company", id, 10, &log, &err), KITH_OK);
	cr_expect_str_eq(fixture_str(json_array_get(log, 0), "action"), "purge");
	cr_expect_str_eq(fixture_str(json_object_get(json_array_get(log, 0), "changes"), "legal_name"),
			 "Purged Ltd", "the audit keeps a snapshot");
	/* the snapshots leave out contact_count: it is what the deleting actor
	 * saw, and a member reading the history may see fewer (review, issue 7) */
	for (int i = 0; i < 2; i++)
		cr_expect_null(json_object_get(json_object_get(json_array_get(log, i), "changes"),
					       "contact_count"),
			       "%s", fixture_str(json_array_get(log, i), "action"));
	json_decref(log);
	CompanyQuery q = {.q = "purged"};
	json_t *all = walk(&sys, q, 10);
	cr_expect_eq(json_array_size(all), 0, "gone from the index");
	json_decref(all);
}

Test(company, renaming_makes_contacts_findable_by_the_new_name)
{
	Err err = {0};
	int64_t id = create("{\"legal_name\":\"Oldname Trading\"}"), cid = 0;
	json_t *in = json_pack("{ss ss sI}", "first_name", "Ann", "last_name", "Nowak", "company_id", (json_int_t)id);
	cr_assert_eq(contact_create(fx.db, &sys, in, 0, &cid, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	json_t *patch = json_pack("{ss}", "legal_name", "Zupełnie Nowa");
	cr_assert_eq(company_update(fx.db, &sys, id, patch, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	ContactQuery cq = {.q = "zupelnie", .limit = 10};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(contact_list(fx.db, &sys, &cq, &items, &next, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(items), 1);
	cr_expect_eq(fixture_int(json_array_get(items, 0), "id"), cid);
	json_decref(items);
	free(next);
	cq.q = "oldname";
	cr_assert_eq(contact_list(fx.db, &sys, &cq, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 0, "the old name is gone");
	json_decref(items);
	free(next);
}

Test(company, list_pagination_visits_every_row_once_per_sort)
{
	static const char *const names[] = {"Zeta", "alpha", "Ålborg", "Beta", "beta", "Łuk",
					    "Istanbul", "ıslak", "Ölmez", "Żuraw", "Gamma", "Ąki",
					    "Delta", "Epsilon", "Omega", "Kappa", "Lambda"};
	enum { N = sizeof names / sizeof names[0] };
	static const char *const sorts[] = {"name", "-name", "created", "-created", "updated",
					    "-updated", NULL};
	Err err = {0};
	int64_t ids[N];
	for (int i = 0; i < N; i++) {
		json_t *in = json_pack("{ss}", "legal_name", names[i]);
		cr_assert_eq(company_create(fx.db, &sys, in, 0, &ids[i], &err), KITH_OK);
		json_decref(in);
	}
	/* Spread updated_at so that sort differs from id order. */
	static const char upd[] = "UPDATE company SET updated_at = ? WHERE id = ?";
	for (int i = 0; i < N; i++) {
		DbStmt *st;
		char ts[32];
		snprintf(ts, sizeof ts, "2026-01-%02dT10:00:00Z", 1 + (i * 7) % 5);
		cr_assert_eq(db_prepare(fx.db, &st, upd, &err), KITH_OK);
		db_bind_text(st, 1, ts);
		db_bind_int(st, 2, ids[i]);
		cr_assert_eq(db_exec_stmt(st, &err), KITH_OK);
	}
	for (int s = 0; sorts[s]; s++) {
		for (int limit = 1; limit <= 7; limit += 3) {
			CompanyQuery q = {.sort = sorts[s]};
			json_t *all = walk(&sys, q, limit);
			cr_expect_eq(json_array_size(all), N, "%s/%d", sorts[s], limit);
			int seen[N] = {0};
			for (size_t i = 0; i < json_array_size(all); i++) {
				json_t *a = json_array_get(all, i);
				for (int k = 0; k < N; k++)
					seen[k] += fixture_int(a, "id") == ids[k];
				if (i == 0)
					continue;
				json_t *p = json_array_get(all, i - 1);
				int desc = sorts[s][0] == '-';
				const char *col = strstr(sorts[s], "updated") ? "updated_at" : NULL;
				int cmp = 0;
				if (col)
					cmp = strcmp(fixture_str(p, col), fixture_str(a, col));
				if (cmp == 0 && !strstr(sorts[s], "name"))
					cmp = fixture_int(p, "id") < fixture_int(a, "id") ? -1 : 1;
				if (strstr(sorts[s], "name"))
					cmp = 0; /* checked below against the fold order */
				cr_expect(desc ? cmp >= 0 : cmp <= 0, "%s order at %zu", sorts[s], i);
			}
			for (int k = 0; k < N; k++)
				cr_expect_eq(seen[k], 1, "%s/%d: %s seen %d times", sorts[s], limit,
					     names[k], seen[k]);
			if (!strcmp(sorts[s], "name")) {
				cr_expect_str_eq(fixture_str(json_array_get(all, 0), "legal_name"), "Ąki");
				cr_expect_str_eq(fixture_str(json_array_get(all, 1), "legal_name"), "Ålborg");
				cr_expect_str_eq(fixture_str(json_array_get(all, 2), "legal_name"), "alpha");
				cr_expect_str_eq(fixture_str(json_array_get(all, N - 1), "legal_name"), "Żuraw");
			}
			json_decref(all);
		}
	}
	/* A cursor continues only its own sort. */
	CompanyQuery q = {.sort = "name", .limit = 2};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(company_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	json_decref(items);
	cr_assert_not_null(next);
	q.sort = "-updated";
	q.cursor = next;
	cr_expect_eq(company_list(fx.db, &sys, &q, &items, &next, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "cursor");
	free((char *)q.cursor);
	static const struct {
		CompanyQuery q;
		const char *field;
	} bad[] = {
		{{.sort = "size"}, "sort"},
		{{.limit = 501}, "limit"},
		{{.limit = -1}, "limit"},
		{{.cursor = "zz"}, "cursor"},
		{{.updated_since = "yesterday"}, "updated_since"},
		{{.q = "!!!"}, "q"},
		{{.q = "a", .sort = "name"}, "sort"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = (Err){0};
		cr_expect_eq(company_list(fx.db, &sys, &bad[i].q, &items, &next, &err), ERR_INVALID,
			     "bad %zu", i);
		cr_expect_str_eq(err.field, bad[i].field, "bad %zu: %s", i, err.msg);
	}
}

static json_t *search(const char *query)
{
	CompanyQuery q = {.q = query};
	return walk(&sys, q, 3);
}

Test(company, search_by_name_and_tax_id_with_folding)
{
	int64_t pl = create("{\"legal_name\":\"Łódzkie Zakłady Źródlane\",\"tax_id\":\"PL 725-18-01-126\","
			    "\"address\":{\"city\":\"Łódź\"},\"tags\":[\"Hurtownia\"]}");
	int64_t tr = create("{\"legal_name\":\"İSTANBUL Işık Ticaret\",\"email\":\"satis@isik.com.tr\","
			    "\"phone\":\"+90 212 555 12 34\"}");
	int64_t th = create("{\"legal_name\":\"บริษัทตัวอย่างจำกัด\",\"website\":\"www.example.co.th\"}");
	const struct {
		const char *q;
		int64_t *want; /* NULL = nothing */
	} cases[] = {
		{"lodzkie", &pl},       {"ŁÓDZKIE zakłady", &pl}, {"zrodlane", &pl},
		{"lodz", &pl},          {"7251801126", &pl},      {"PL7251801126", &pl},
		{"725", &pl},           {"hurtow", &pl},          {"istanbul", &tr},
		{"İstanbul", &tr},      {"isik", &tr},            {"IŞIK", &tr},
		{"satis", &tr},         {"2125551234", &tr},      {"ตัวอย่าง", &th},
		{"example", &th},       {"krakow", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *r = search(cases[i].q);
		if (cases[i].want) {
			cr_expect_eq(json_array_size(r), 1, "'%s' finds one", cases[i].q);
			cr_expect_eq(fixture_int(json_array_get(r, 0), "id"), *cases[i].want, "'%s'",
				     cases[i].q);
		} else {
			cr_expect_eq(json_array_size(r), 0, "'%s' finds none", cases[i].q);
		}
		json_decref(r);
	}
	/* Custom text values are searchable; the trash is searched with trash. */
	Err err = {0};
	int64_t fid;
	json_t *def = json_pack("{ss ss ss ss}", "entity", "company", "key", "brand", "label", "Brand",
				"type", "text");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK);
	json_decref(def);
	json_t *patch = json_pack("{s{ss}}", "custom", "brand", "Żywiec");
	cr_assert_eq(company_update(fx.db, &sys, pl, patch, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	json_t *r = search("zywiec");
	cr_expect_eq(json_array_size(r), 1);
	json_decref(r);
	cr_assert_eq(company_delete(fx.db, &sys, pl, &err), KITH_OK);
	r = search("zywiec");
	cr_expect_eq(json_array_size(r), 0);
	json_decref(r);
	CompanyQuery q = {.q = "zywiec", .trash = 1};
	r = walk(&sys, q, 5);
	cr_expect_eq(json_array_size(r), 1);
	json_decref(r);
}

Test(company, filters_tag_owner_updated_since)
{
	Err err = {0};
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	int64_t a = create("{\"legal_name\":\"A\",\"tags\":[\"VIP\"]}");
	int64_t b = create("{\"legal_name\":\"B\",\"tags\":[\"vip\",\"x\"]}");
	int64_t c = create("{\"legal_name\":\"C\"}");
	json_t *in = json_pack("{sI}", "owner_id", (json_int_t)owner.user_id);
	cr_assert_eq(company_update(fx.db, &sys, c, in, 0, NULL, &err), KITH_OK);
	json_decref(in);
	CompanyQuery q = {.tag = "Vip"};
	json_t *r = walk(&sys, q, 10);
	cr_expect_eq(json_array_size(r), 2);
	json_decref(r);
	q = (CompanyQuery){.tag = "never-used"};
	r = walk(&sys, q, 10);
	cr_expect_eq(json_array_size(r), 0);
	json_decref(r);
	q = (CompanyQuery){.owner_id = owner.user_id};
	r = walk(&sys, q, 10);
	cr_expect_eq(json_array_size(r), 1);
	cr_expect_eq(fixture_int(json_array_get(r, 0), "id"), c);
	json_decref(r);
	q = (CompanyQuery){.updated_since = "2000-01-01"};
	r = walk(&sys, q, 10);
	cr_expect_eq(json_array_size(r), 3);
	json_decref(r);
	q = (CompanyQuery){.updated_since = "2999-01-01T00:00:00Z"};
	r = walk(&sys, q, 10);
	cr_expect_eq(json_array_size(r), 0);
	json_decref(r);
	(void)a;
	(void)b;
}

Test(company, tags_add_and_remove)
{
	Err err = {0};
	int64_t id = create("{\"legal_name\":\"T\",\"tags\":[\"one\",\"Two\"]}");
	json_t *add = json_pack("[ss]", "three", "ONE"), *rm = json_pack("[s]", "two"), *out = NULL;
	cr_assert_eq(company_tag(fx.db, &sys, id, add, rm, &out, &err), KITH_OK, "%s", err.msg);
	json_t *tags = json_object_get(out, "tags");
	cr_expect_eq(json_array_size(tags), 2, "%s", json_dumps(tags, 0));
	cr_expect_eq(fixture_int(out, "version"), 2);
	json_decref(out);
	json_decref(add);
	add = json_pack("[s]", "");
	cr_expect_eq(company_tag(fx.db, &sys, id, add, NULL, &out, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "add");
	json_decref(add);
	json_decref(rm);
	json_t *log = NULL;
	cr_assert_eq(audit_list(fx.db, "company", id, 10, &log, &err), KITH_OK);
	cr_expect_str_eq(fixture_str(json_array_get(log, 0), "action"), "tag");
	cr_expect_not_null(json_object_get(json_object_get(json_array_get(log, 0), "changes"), "tags"));
	json_decref(log);
}

Test(company, audit_entries_for_every_change)
{
	Err err = {0};
	int64_t id = create("{\"legal_name\":\"Audited\",\"email\":\"a@example.com\"}");
	json_t *patch = json_pack("{ss}", "email", "b@example.com"), *log = NULL;
	cr_assert_eq(company_update(fx.db, &sys, id, patch, 0, NULL, &err), KITH_OK);
	json_decref(patch);
	cr_assert_eq(company_delete(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(company_restore(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(audit_list(fx.db, "company", id, 10, &log, &err), KITH_OK);
	static const char *const actions[] = {"restore", "delete", "update", "create"};
	cr_assert_eq(json_array_size(log), 4);
	for (size_t i = 0; i < 4; i++)
		cr_expect_str_eq(fixture_str(json_array_get(log, i), "action"), actions[i]);
	json_t *ch = json_object_get(json_array_get(log, 2), "changes");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(ch, "email"), 0)),
			 "a@example.com");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(ch, "email"), 1)),
			 "b@example.com");
	cr_expect_null(json_object_get(ch, "legal_name"), "only what changed");
	json_decref(log);
	/* Bulk loads skip the audit. */
	int64_t bulk;
	json_t *in = json_pack("{ss}", "legal_name", "Bulk");
	cr_assert_eq(company_create(fx.db, &sys, in, COMPANY_NO_AUDIT, &bulk, &err), KITH_OK);
	json_decref(in);
	cr_assert_eq(audit_list(fx.db, "company", bulk, 10, &log, &err), KITH_OK);
	cr_expect_eq(json_array_size(log), 0);
	json_decref(log);
}

Test(company, custom_fields_required_and_typed)
{
	Err err = {0};
	int64_t fid, id = 0;
	json_t *def = json_pack("{ss ss ss ss sb}", "entity", "company", "key", "employees", "label",
				"Employees", "type", "number", "required", 1);
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK);
	json_decref(def);
	json_t *in = json_pack("{ss}", "legal_name", "NoCustom");
	cr_expect_eq(company_create(fx.db, &sys, in, 0, &id, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.employees");
	json_decref(in);
	in = json_loads("{\"legal_name\":\"WithCustom\",\"custom\":{\"employees\":12}}", 0, NULL);
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	json_t *c = get(id);
	cr_expect_eq(fixture_int(json_object_get(c, "custom"), "employees"), 12);
	json_decref(c);
	in = json_loads("{\"notes\":\"x\",\"custom\":null}", 0, NULL);
	cr_expect_eq(company_update(fx.db, &sys, id, in, 0, NULL, &err), KITH_OK, "custom: null "
		     "changes no value: %s", err.msg);
	json_decref(in);
	in = json_loads("{\"custom\":{\"employees\":null}}", 0, NULL);
	cr_expect_eq(company_update(fx.db, &sys, id, in, 0, NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.employees");
	json_decref(in);
	CompanyQuery q = {0};
	json_t *all = walk(&sys, q, 10);
	cr_expect_eq(json_array_size(all), 1);
	json_decref(all);
}

/* The company's search document as stored in the index (malloc'd). */
static char *company_search_doc(int64_t id)
{
	static const char sql[] = "SELECT doc FROM company_fts s WHERE" SEARCH_ROWID "= ?";
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st, &err), DB_ROW, "company %lld has no search document",
		     (long long)id);
	char *doc = strdup(db_col_text(st, 0));
	db_reset(st);
	return doc;
}

Test(company, create_snapshot_and_search_doc_match_a_reload)
{
	Err err = {0};
	int64_t fid;
	const char *defs[] = {"{\"entity\":\"company\",\"key\":\"krs\",\"label\":\"KRS\","
			      "\"type\":\"text\"}",
			      "{\"entity\":\"company\",\"key\":\"revenue\",\"label\":\"Revenue\","
			      "\"type\":\"money\"}"};
	for (int i = 0; i < 2; i++) {
		json_t *def = json_loads(defs[i], 0, NULL);
		cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
		json_decref(def);
	}
	create("{\"legal_name\":\"First\",\"tags\":[\"Export\"]}");
	int64_t id = create("{\"legal_name\":\" Żółw Sp. z o.o. \",\"tax_id\":\"PL 526-000-12-46\","
			    "\"address\":{\"city\":\"Łódź\",\"country\":\"pl\"},"
			    "\"website\":\"zolw.example\",\"phone\":\"+48 601 234 567\","
			    "\"email\":\"biuro@zolw.example\",\"notes\":\"n\","
			    "\"tags\":[\"zeta\",\"export\",\"Alpha\"],"
			    "\"custom\":{\"krs\":\"0000123456\",\"revenue\":{\"amount\":\"10.50\","
			    "\"currency\":\"EUR\"}}}");
	json_t *log = NULL, *live = get(id);
	cr_assert_eq(audit_list(fx.db, "company", id, 1, &log, &err), KITH_OK);
	json_t *snap = json_object_get(json_array_get(log, 0), "changes");
	char *a = json_dumps(snap, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *b = json_dumps(live, JSON_COMPACT | JSON_PRESERVE_ORDER);
	cr_expect_str_eq(a, b, "the create entry holds the company as a reload reads it");
	json_t *tags = json_object_get(live, "tags");
	cr_expect_str_eq(json_string_value(json_array_get(tags, 1)), "Export",
			 "the existing tag's spelling is kept");
	free(a);
	free(b);
	json_decref(log);
	json_decref(live);
	/* the region is not searched: an update of it re-indexes from the tables */
	char *doc = company_search_doc(id);
	cr_expect(strstr(doc, " n") != NULL, "notes are searched: %s", doc);
	json_t *patch = json_pack("{s{ss}}", "address", "region", "łódzkie");
	cr_assert_eq(company_update(fx.db, &sys, id, patch, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	char *again = company_search_doc(id);
	cr_expect_str_eq(again, doc, "create indexed what a reload indexes");
	free(doc);
	free(again);
}

Test(company, a_new_company_never_reuses_a_purged_ones_id)
{
	Err err = {0};
	json_t *hist = NULL;
	create("{\"legal_name\": \"Kept\"}");
	int64_t gone = create("{\"legal_name\": \"Gone\"}");
	cr_assert_eq(company_delete(fx.db, &sys, gone, &err), KITH_OK);
	cr_assert_eq(company_purge(fx.db, &sys, gone, &err), KITH_OK, "%s", err.msg);
	int64_t fresh = create("{\"legal_name\": \"Fresh\"}");
	cr_expect_gt(fresh, gone, "the purged company's id was handed out again");
	cr_assert_eq(audit_list(fx.db, "company", fresh, 50, &hist, &err), KITH_OK);
	cr_expect_eq(json_array_size(hist), 1, "only its own creation in its history");
	json_decref(hist);
}

/* DESIGN.md: records created by a user are owned by them unless an owner is
 * given; the local system (no user) leaves them unassigned. */
Test(company, creator_owns_what_they_add)
{
	Err err = {0};
	int64_t id;
	json_t *c = NULL;
	Actor owner = fixture_user(&fx, "boss@example.com", "owner");
	Actor admin = fixture_user(&fx, "admin@example.com", "admin");
	const Actor *makers[] = {&owner, &admin, &sys};
	for (int i = 0; i < 3; i++) {
		json_t *in = json_pack("{ss}", "legal_name", "Made");
		cr_assert_eq(company_create(fx.db, makers[i], in, 0, &id, &err), KITH_OK, "%s",
			     err.msg);
		json_decref(in);
		cr_assert_eq(company_get(fx.db, &owner, id, 0, &c, &err), KITH_OK);
		if (makers[i]->user_id)
			cr_expect_eq(fixture_int(c, "owner_id"), makers[i]->user_id);
		else
			cr_expect(json_is_null(json_object_get(c, "owner_id")));
		json_decref(c);
	}
	/* an explicit null still leaves it open for owners and admins */
	json_t *in = json_pack("{ss sn}", "legal_name", "Open", "owner_id");
	cr_assert_eq(company_create(fx.db, &admin, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(company_get(fx.db, &owner, id, 0, &c, &err), KITH_OK);
	cr_expect(json_is_null(json_object_get(c, "owner_id")));
	json_decref(c);
}

/* Company search ranks like contact search (store/search.h): a query with
 * a word of 4 or more characters comes best match first over the first
 * SEARCH_RANK_CANDIDATES matches, then by id; a short one by id; pages
 * visit every match once. */
Test(company, longer_queries_come_best_match_first)
{
	Err err = {0};
	enum { N = SEARCH_RANK_CANDIDATES + 9 };
	int64_t ids[N];
	for (int i = 0; i < N; i++) {
		char in[160];
		snprintf(in, sizeof in, "{\"legal_name\":\"%s Trading %d\"%s}",
			 i == 120 ? "Baltic Baltic" : "Baltic", i,
			 i == 3 ? ",\"notes\":\"a long note about shipping, fairs and the Baltic sea ports\""
				: "");
		ids[i] = create(in);
	}
	static const int limits[] = {50, 7, 500};
	for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
		char seen[N] = {0};
		int total = 0, pages = 0;
		char *cursor = NULL;
		do {
			json_t *items = NULL, *c;
			char *next = NULL;
			size_t i;
			CompanyQuery q = {.q = "baltic", .limit = limits[l], .cursor = cursor};
			cr_assert_eq(company_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK,
				     "limit %d page %d: %s", limits[l], pages, err.msg);
			if (pages == 0)
				cr_expect_eq(fixture_int(json_array_get(items, 0), "id"), ids[120],
					     "the best match first");
			json_array_foreach(items, i, c)
			{
				int k = (int)(fixture_int(c, "id") - ids[0]);
				cr_assert(k >= 0 && k < N);
				cr_expect(!seen[k], "limit %d: #%d twice", limits[l], k);
				seen[k] = 1;
				total++;
			}
			json_decref(items);
			free(cursor);
			cursor = next;
			pages++;
		} while (cursor && pages < 100);
		cr_expect_eq(total, N, "limit %d: %d of %d", limits[l], total, N);
	}
	/* a short prefix comes by id */
	CompanyQuery q = {.q = "bal", .limit = 3};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(company_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(fixture_int(json_array_get(items, 0), "id"), ids[0]);
	cr_expect_eq(fixture_int(json_array_get(items, 2), "id"), ids[2]);
	json_decref(items);
	free(next);
}

/* Walk q=baltic as actor a in pages of 20 while others write between
 * pages (companies that do not match, and two matches go to the trash):
 * every match the actor may see that stays unchanged comes exactly once
 * (store/search.h ranks by the row and the query only, and pages by
 * keyset). */
static void walk_while_writing(const Actor *a)
{
	enum { N = 260 };
	Err err = {0};
	int64_t ids[N];
	char visible[N], changed[N] = {0}, seen[N] = {0};
	static const char filler[] = "shipping to the ports, fairs and the delivery dates ";
	for (int i = 0; i < N; i++) {
		char body[600], notes[400] = "";
		for (int k = 0; k < (i * 7) % 6; k++)
			strcat(strcat(notes, k < i % 3 ? "Baltic " : ""), filler);
		snprintf(body, sizeof body,
			 "{\"legal_name\":\"Baltic Trading %d\",\"notes\":\"%s\"}", i, notes);
		visible[i] = a == &sys || i % 10 != 0; /* a member: every tenth is hidden */
		json_t *in = json_loads(body, 0, NULL);
		cr_assert_eq(company_create(fx.db, visible[i] ? a : &sys, in, 0, &ids[i], &err),
			     KITH_OK, "%s", err.msg);
		json_decref(in);
	}
	int pages = 0, others = 0;
	char *cursor = NULL;
	do {
		json_t *items = NULL, *c;
		char *next = NULL;
		size_t i;
		CompanyQuery q = {.q = "baltic", .limit = 20, .cursor = cursor};
		cr_assert_eq(company_list(fx.db, a, &q, &items, &next, &err), KITH_OK,
			     "page %d: %s", pages, err.msg);
		json_array_foreach(items, i, c)
		{
			int64_t id = fixture_int(c, "id");
			int k = -1;
			for (int j = 0; j < N && k < 0; j++)
				k = ids[j] == id ? j : -1;
			cr_assert(k >= 0, "#%lld is no match", (long long)id);
			cr_expect(visible[k], "#%lld is hidden", (long long)id);
			cr_expect(!seen[k], "page %d: #%lld twice", pages, (long long)id);
			seen[k] = 1;
		}
		json_decref(items);
		for (int k = 0; k < 15; k++) {
			char body[80];
			int64_t id;
			snprintf(body, sizeof body, "{\"legal_name\":\"Other %d\"}", others++);
			json_t *in = json_loads(body, 0, NULL);
			cr_assert_eq(company_create(fx.db, a, in, 0, &id, &err), KITH_OK, "%s",
				     err.msg);
			json_decref(in);
		}
		/* after the second page a match already shown, after the fourth
		 * one not yet shown, both inside the candidate set */
		for (int k = 0; (pages == 1 || pages == 3) && k < N; k++)
			if (visible[k] && !changed[k] && seen[k] == (pages == 1)) {
				cr_assert_eq(company_delete(fx.db, a, ids[k], &err), KITH_OK, "%s",
					     err.msg);
				changed[k] = 1;
				break;
			}
		free(cursor);
		cursor = next;
		pages++;
	} while (cursor && pages < 100);
	free(cursor);
	int missing = 0;
	for (int i = 0; i < N; i++)
		missing += visible[i] && !changed[i] && !seen[i];
	cr_expect_eq(missing, 0, "%d unchanged matches never shown", missing);
}

Test(company, ranked_pages_hold_while_others_write_owner)
{
	walk_while_writing(&sys);
}

Test(company, ranked_pages_hold_while_others_write_member)
{
	fixture_user(&fx, "owner@example.com", "owner");
	Actor member = fixture_user(&fx, "member@example.com", "member");
	walk_while_writing(&member);
}

/* Every page of q as actor a with page size limit, joined: the ids in the
 * order shown (*n of them). A page short of limit is the last one. */
static void ranked_pages(const Actor *a, CompanyQuery q, int limit, int64_t *out, int cap, int *n)
{
	Err err = {0};
	char *cursor = NULL;
	int pages = 0;
	*n = 0;
	do {
		json_t *items = NULL, *c;
		char *next = NULL;
		size_t i;
		q.limit = limit;
		q.cursor = cursor;
		cr_assert_eq(company_list(fx.db, a, &q, &items, &next, &err), KITH_OK,
			     "limit %d page %d: %s", limit, pages, err.msg);
		cr_expect(json_array_size(items) == (size_t)limit || !next,
			  "limit %d page %d: a short page with a next cursor", limit, pages);
		json_array_foreach(items, i, c)
		{
			cr_assert_lt(*n, cap);
			out[(*n)++] = fixture_int(c, "id");
		}
		json_decref(items);
		free(cursor);
		cursor = next;
		pages++;
	} while (cursor && pages < 1000);
	free(cursor);
}

/* A ranked company search's pages, whatever their size, show exactly the
 * matches the actor may see with the filters, each once, in the order
 * store/search.h defines (the ranked candidates by rank then id, then the
 * later matches by id): more candidates than a page, and a member who owns
 * some, has some shared and may not see the rest; a tag filter; the trash
 * searched apart from the live companies. */
Test(company, ranked_pages_show_what_the_actor_may_see_in_rank_order)
{
	enum { N = SEARCH_RANK_CANDIDATES + 60 };
	static const char *const names[] = {"Baltic Trading", "Baltic Baltic Shipping",
					    "Balticum Holding", "Nordic Baltic Baltic Ports"};
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor member = fixture_user(&fx, "member@example.com", "member");
	int64_t ids[N], want[N], got[N], order[N];
	char visible[N], vip[N], trashed[N];
	Err err = {0};
	for (int i = 0; i < N; i++) {
		char body[256];
		/* the member owns every fourth, sees every fourth shared, not the rest */
		int64_t own = i % 4 == 0 ? member.user_id : owner.user_id;
		vip[i] = i % 3 == 0;
		snprintf(body, sizeof body, "{\"legal_name\":\"%s %d\",\"owner_id\":%lld%s}",
			 names[(i * 7 / 3) % 4], i, (long long)own,
			 vip[i] ? ",\"tags\":[\"vip\"]" : "");
		ids[i] = create(body);
		visible[i] = i % 4 < 2;
		if (i % 4 == 1)
			cr_assert_eq(collab_add(fx.db, &owner, RECORD_COMPANY, ids[i],
						member.user_id, NULL, &err),
				     KITH_OK, "%s", err.msg);
		trashed[i] = i % 10 == 7;
	}
	for (int i = 0; i < N; i++)
		if (trashed[i])
			cr_assert_eq(company_delete(fx.db, &owner, ids[i], &err), KITH_OK, "%s",
				     err.msg);
	int n_order = 0;
	fixture_ranked_order(&fx, 1, "baltic", order, N, &n_order);
	cr_assert_eq(n_order, N);
	cr_assert(search_ranks("baltic"));
	cr_assert_neq(order[0], ids[0], "the test needs a rank order other than by id");
	static const int limits[] = {1, 7, 20, 33, 200, 201, 500};
	for (int who = 0; who < 2; who++)
		for (int f = 0; f < 3; f++) { /* 0 live, 1 live with the tag, 2 the trash */
			CompanyQuery q = {
			    .q = "baltic", .tag = f == 1 ? "vip" : NULL, .trash = f == 2};
			int n_want = 0;
			for (int k = 0; k < N; k++) {
				int i = (int)(order[k] - ids[0]);
				if ((who == 0 || visible[i]) && (f != 1 || vip[i]) &&
				    trashed[i] == (f == 2))
					want[n_want++] = order[k];
			}
			cr_assert_gt(n_want, who == 0 && f == 0 ? 2 * 20 : 0);
			for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
				int n = 0;
				ranked_pages(who ? &member : &owner, q, limits[l], got, N, &n);
				cr_expect_eq(n, n_want, "%s %d limit %d: %d rows of %d",
					     who ? "member" : "owner", f, limits[l], n, n_want);
				for (int k = 0; k < n && k < n_want; k++)
					cr_expect_eq(got[k], want[k],
						     "%s %d limit %d: row %d is #%lld, not #%lld",
						     who ? "member" : "owner", f, limits[l], k,
						     (long long)got[k], (long long)want[k]);
			}
		}
}

/* Statements a company_list page of limit rows costs the actor (the page
 * is checked against company_get in page_matches_get). */
static uint64_t page_statements(const Actor *actor, int limit, json_t **items)
{
	Err err = {0};
	char *next = NULL;
	CompanyQuery q = {.limit = limit};
	uint64_t before = db_statements(fx.db);
	cr_assert_eq(company_list(fx.db, actor, &q, items, &next, &err), KITH_OK, "%s", err.msg);
	uint64_t n = db_statements(fx.db) - before;
	free(next);
	return n;
}

/* Every item of a list page is the company as company_get shows it to the
 * same actor: tags, custom values and contact_count included. */
static void page_matches_get(const Actor *actor, const json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		Err err = {0};
		json_t *one = NULL;
		int64_t id = fixture_int(it, "id");
		cr_assert_eq(company_get(fx.db, actor, id, 0, &one, &err), KITH_OK, "%s", err.msg);
		char *a = json_dumps(it, JSON_SORT_KEYS), *b = json_dumps(one, JSON_SORT_KEYS);
		cr_expect_str_eq(a, b, "company %lld in the list and by id", (long long)id);
		free(a);
		free(b);
		json_decref(one);
	}
}

static int64_t count_of(const json_t *items, int64_t id)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (fixture_int(it, "id") == id)
			return fixture_int(it, "contact_count");
	}
	return -1;
}

/* A page reads its companies' rows, tags, custom values and contact
 * counts a few statements per page, not per row (each a round trip on
 * PostgreSQL), and shows each company as company_get does, with the
 * contact count the actor may see (issue 7). */
Test(company, a_list_page_costs_the_same_statements_for_one_row_or_many)
{
	Err err = {0};
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor member = fixture_user(&fx, "member@example.com", "member");
	int64_t fid = 0, id = 0, ids[4];
	json_t *def = json_pack("{ss ss ss ss}", "entity", "company", "key", "size", "label",
				"Size", "type", "text");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
	json_decref(def);
	for (int i = 0; i < 4; i++) {
		json_t *in = json_pack("{ss s[ss] s{ss} sI}", "legal_name",
				       i == 0	? "Alfa"
				       : i == 1 ? "Beta"
				       : i == 2 ? "Gamma"
						: "Delta",
				       "tags", i % 2 ? "Hurt" : "VIP", i ? "Nowy" : "Stały",
				       "custom", "size", i % 2 ? "big" : "small", "owner_id",
				       (json_int_t)(i == 2 ? owner.user_id : member.user_id));
		cr_assert_eq(company_create(fx.db, &owner, in, 0, &ids[i], &err), KITH_OK, "%s",
			     err.msg);
		json_decref(in);
	}
	cr_assert_eq(collab_add(fx.db, &owner, RECORD_COMPANY, ids[2], member.user_id, NULL, &err),
		     KITH_OK, "%s", err.msg);
	/* Alfa: two of the member's contacts, one hidden from them, one shared
	 * with them, one in the trash; Gamma: one of the owner's, hidden */
	const char *people[] = {"Ada", "Ela", "Ida", "Ola", "Ula", "Iza"};
	for (int i = 0; i < 6; i++) {
		json_t *in =
		    json_pack("{ss sI sI}", "first_name", people[i], "company_id",
			      (json_int_t)ids[i == 5 ? 2 : 0], "owner_id",
			      (json_int_t)(i < 2 || i == 4 ? member.user_id : owner.user_id));
		cr_assert_eq(contact_create(fx.db, &owner, in, 0, &id, &err), KITH_OK, "%s",
			     err.msg);
		json_decref(in);
		if (i == 3)
			cr_assert_eq(collab_add(fx.db, &owner, RECORD_CONTACT, id, member.user_id,
						NULL, &err),
				     KITH_OK, "%s", err.msg);
		if (i == 4)
			cr_assert_eq(contact_delete(fx.db, &owner, id, &err), KITH_OK, "%s",
				     err.msg);
	}
	const Actor *actors[] = {&owner, &member};
	for (int a = 0; a < 2; a++) {
		json_t *one = NULL, *all = NULL;
		uint64_t n1 = page_statements(actors[a], 1, &one);
		uint64_t n4 = page_statements(actors[a], 10, &all);
		cr_expect_eq(json_array_size(one), 1);
		cr_expect_eq(json_array_size(all), 4);
		cr_expect_eq(n4, n1,
			     "actor %d: a page of 4 companies costs %llu statements, of 1 %llu", a,
			     (unsigned long long)n4, (unsigned long long)n1);
		page_matches_get(actors[a], all);
		cr_expect_eq(count_of(all, ids[0]), a ? 3 : 4, "Alfa's contacts the actor may see");
		cr_expect_eq(count_of(all, ids[2]), a ? 0 : 1, "Gamma's");
		cr_expect_eq(count_of(all, ids[1]), 0);
		json_t *alfa = json_array_get(all, 0);
		cr_expect_str_eq(fixture_str(alfa, "legal_name"), "Alfa");
		cr_expect_str_eq(fixture_str(json_object_get(alfa, "custom"), "size"), "small");
		cr_expect_eq(json_array_size(json_object_get(alfa, "tags")), 2);
		json_decref(one);
		json_decref(all);
	}
}

/* A ranked page reads its candidates' companies in batches, not one
 * statement per candidate (a round trip each on PostgreSQL): a member who
 * sees a third of the matches pays a statement or two more than the
 * owner, and sees the same rows as page after page of one row. */
Test(company, a_ranked_page_reads_its_candidates_in_few_batches)
{
	enum { N = 60 };
	Err err = {0};
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	Actor member = fixture_user(&fx, "member@example.com", "member");
	for (int i = 0; i < N; i++) {
		int64_t id = 0;
		char name[32];
		snprintf(name, sizeof name, "Zetka Handel %d", i);
		json_t *in = json_pack("{ss sI}", "legal_name", name, "owner_id",
				       (json_int_t)(i % 3 ? owner.user_id : member.user_id));
		cr_assert_eq(company_create(fx.db, &owner, in, 0, &id, &err), KITH_OK, "%s",
			     err.msg);
		json_decref(in);
	}
	CompanyQuery q = {.q = "zetka", .limit = 10};
	json_t *mine = NULL, *all = NULL;
	char *next = NULL;
	uint64_t before = db_statements(fx.db);
	cr_assert_eq(company_list(fx.db, &owner, &q, &all, &next, &err), KITH_OK, "%s", err.msg);
	uint64_t n_owner = db_statements(fx.db) - before;
	free(next);
	before = db_statements(fx.db);
	cr_assert_eq(company_list(fx.db, &member, &q, &mine, &next, &err), KITH_OK, "%s", err.msg);
	uint64_t n_member = db_statements(fx.db) - before;
	free(next);
	cr_expect_eq(json_array_size(all), 10);
	cr_expect_eq(json_array_size(mine), 10);
	cr_expect_leq(n_owner, 8, "the owner's page cost %llu statements",
		      (unsigned long long)n_owner);
	cr_expect_leq(n_member, n_owner + 2,
		      "the member's page cost %llu statements, the owner's %llu",
		      (unsigned long long)n_member, (unsigned long long)n_owner);
	CompanyQuery one = {.q = "zetka"};
	json_t *walked = walk(&member, one, 1);
	cr_assert_eq(json_array_size(walked), N / 3);
	for (size_t k = 0; k < 10; k++)
		cr_expect_eq(fixture_int(json_array_get(mine, k), "id"),
			     fixture_int(json_array_get(walked, k), "id"), "row %zu", k);
	json_decref(walked);
	json_decref(mine);
	json_decref(all);
}
