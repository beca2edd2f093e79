/* test_deal.c - deals: validation naming fields and storing nothing, money
 * round trips, defaults, moves with their history and won/lost stamps,
 * trash, member access, lists, the board, the forecast and audit. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/limits.h"
#include "core/audit.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/field.h"
#include "crm/pipeline.h"
#include "core/user.h"
#include "fixture.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;

/* Stage ids of the default Sales pipeline (created by migration 008). */
enum { FIRST = 1, PROPOSAL = 2, NEGOTIATION = 5, WON = 6, LOST = 7 };

static void setup(void)
{
	fixture_open(&fx, "PL"); /* workspace currency EUR */
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(deal, .init = setup, .fini = teardown);

static int64_t create_as(const Actor *a, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json(json);
	cr_assert_eq(deal_create(fx.db, a, in, &id, &err), KITH_OK, "%s: %s: %s", json, err.field,
		     err.msg);
	json_decref(in);
	return id;
}

static int64_t create(const char *json)
{
	return create_as(&sys, json);
}

static json_t *get(int64_t id)
{
	Err err = {0};
	json_t *out = NULL;
	cr_assert_eq(deal_get(fx.db, &sys, id, 1, &out, &err), KITH_OK, "%s", err.msg);
	return out;
}

static int64_t count(const Actor *a, DealQuery q)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	q.limit = KITH_LIST_MAX;
	cr_assert_eq(deal_list(fx.db, a, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	int64_t n = (int64_t)json_array_size(items);
	json_decref(items);
	free(next);
	return n;
}

Test(deal, defaults)
{
	json_t *d = get(create("{\"title\": \"  Website redesign  \"}"));
	cr_assert_str_eq(fixture_str(d, "title"), "Website redesign");
	cr_assert_eq(fixture_int(d, "pipeline_id"), 1);
	cr_assert_eq(fixture_int(d, "stage_id"), FIRST);
	cr_assert_str_eq(fixture_str(d, "stage"), "First contact");
	cr_assert_str_eq(fixture_str(d, "status"), "open");
	cr_assert_eq(fixture_int(d, "probability"), 10);
	json_t *v = json_object_get(d, "value");
	cr_assert_eq(fixture_int(v, "amount_minor"), 0);
	cr_assert_str_eq(fixture_str(v, "currency"), "EUR");
	cr_assert_str_eq(fixture_str(v, "amount"), "0.00");
	cr_assert(json_is_null(json_object_get(d, "owner_id")));
	cr_assert(json_is_null(json_object_get(d, "won_at")));
	cr_assert_eq(fixture_int(d, "version"), 1);
	json_decref(d);
}

Test(deal, money_round_trip)
{
	static const struct {
		const char *value;
		int64_t minor;
		const char *cur, *amount;
	} cases[] = {
		{"{\"amount\": \"12.50\", \"currency\": \"EUR\"}", 1250, "EUR", "12.50"},
		{"{\"amount\": \"12.5\"}", 1250, "EUR", "12.50"},
		{"{\"amount_minor\": 1999}", 1999, "EUR", "19.99"},
		{"{\"amount\": \"1000\", \"currency\": \"JPY\"}", 1000, "JPY", "1000"},
		{"{\"amount\": \"1.234\", \"currency\": \"BHD\"}", 1234, "BHD", "1.234"},
		{"{\"amount_minor\": 1000000000000, \"currency\": \"PLN\"}", 1000000000000LL,
		 "PLN", "10000000000.00"}, /* KITH_MAX_DEAL_MINOR */
		/* what a GET answers reads back (both amounts agree) */
		{"{\"amount_minor\": 1250, \"currency\": \"EUR\", \"amount\": \"12.50\"}", 1250,
		 "EUR", "12.50"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char json[256];
		snprintf(json, sizeof json, "{\"title\": \"T\", \"value\": %s}", cases[i].value);
		json_t *d = get(create(json));
		json_t *v = json_object_get(d, "value");
		cr_expect_eq(fixture_int(v, "amount_minor"), cases[i].minor, "%s", json);
		cr_expect_str_eq(fixture_str(v, "currency"), cases[i].cur, "%s", json);
		cr_expect_str_eq(fixture_str(v, "amount"), cases[i].amount, "%s", json);
		json_decref(d);
	}
	/* a patch of the amount alone keeps the currency */
	Err err = {0};
	json_t *out = NULL, *in = fixture_json("{\"value\": {\"amount\": \"7\"}}");
	cr_assert_eq(deal_update(fx.db, &sys, 4, in, 0, &out, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(fixture_int(json_object_get(out, "value"), "amount_minor"), 7);
	cr_assert_str_eq(fixture_str(json_object_get(out, "value"), "currency"), "JPY");
	json_decref(out);
	json_decref(in);
}

Test(deal, validation_names_the_field_and_stores_nothing)
{
	Actor owner = fixture_user(&fx, "o@example.com", "owner");
	Actor m = fixture_user(&fx, "m@example.com", "member");
	(void)owner;
	Err err = {0};
	int64_t fid = 0, contact = 0;
	json_t *def =
	    fixture_json("{\"entity\": \"deal\", \"key\": \"seats\", \"label\": \"Seats\", "
			 "\"type\": \"number\"}");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
	json_decref(def);
	json_t *c = fixture_json("{\"first_name\": \"Ann\"}");
	cr_assert_eq(contact_create(fx.db, &sys, c, 0, &contact, &err), KITH_OK, "%s", err.msg);
	json_decref(c);
	static const struct {
		const char *json;
		const char *field;
		int member;
	} cases[] = {
		{"{}", "title", 0},
		{"{\"title\": \"\"}", "title", 0},
		{"{\"title\": null}", "title", 0},
		{"{\"title\": 5}", "title", 0},
		{"{\"title\": \"T\", \"colour\": \"red\"}", "colour", 0},
		{"{\"title\": \"T\", \"value\": 5}", "value", 0},
		{"{\"title\": \"T\", \"value\": {\"amount\": \"1.234\"}}", "value.amount", 0},
		{"{\"title\": \"T\", \"value\": {\"amount\": \"1,50\"}}", "value.amount", 0},
		{"{\"title\": \"T\", \"value\": {\"amount\": 12}}", "value.amount", 0},
		{"{\"title\": \"T\", \"value\": {\"amount\": \"1\", \"amount_minor\": 101}}",
		 "value.amount", 0},
		{"{\"title\": \"T\", \"value\": {\"amount_minor\": -1}}", "value.amount_minor", 0},
		{"{\"title\": \"T\", \"value\": {\"amount_minor\": 1000000000000001}}",
		 "value.amount_minor", 0},
		{"{\"title\": \"T\", \"value\": {\"amount_minor\": 1.5}}", "value.amount_minor", 0},
		{"{\"title\": \"T\", \"value\": {\"currency\": \"XXQ\"}}", "value.currency", 0},
		{"{\"title\": \"T\", \"value\": {\"cents\": 1}}", "value.cents", 0},
		{"{\"title\": \"T\", \"expected_close_date\": \"2026-02-30\"}", "expected_close_date",
		 0},
		{"{\"title\": \"T\", \"expected_close_date\": 20260101}", "expected_close_date", 0},
		{"{\"title\": \"T\", \"contact_id\": 999}", "contact_id", 0},
		{"{\"title\": \"T\", \"contact_id\": \"1\"}", "contact_id", 0},
		{"{\"title\": \"T\", \"contact_id\": 1}", "contact_id", 1}, /* hidden from member */
		{"{\"title\": \"T\", \"company_id\": 999}", "company_id", 0},
		{"{\"title\": \"T\", \"pipeline_id\": 999}", "pipeline_id", 0},
		{"{\"title\": \"T\", \"pipeline_id\": 0}", "pipeline_id", 0},
		{"{\"title\": \"T\", \"stage_id\": 999}", "stage_id", 0},
		{"{\"title\": \"T\", \"owner_id\": 999}", "owner_id", 0},
		{"{\"title\": \"T\", \"owner_id\": 1}", "owner_id", 1},
		{"{\"title\": \"T\", \"owner_id\": null}", "owner_id", 1},
		{"{\"title\": \"T\", \"source\": [1]}", "source", 0},
		{"{\"title\": \"T\", \"custom\": {\"seats\": \"many\"}}", "custom.seats", 0},
		{"{\"title\": \"T\", \"custom\": {\"nope\": 1}}", "custom.nope", 0},
		{"{\"title\": \"T\", \"custom\": 3}", "custom", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = 0;
		json_t *in = fixture_json(cases[i].json);
		err = (Err){0};
		cr_expect_eq(deal_create(fx.db, cases[i].member ? &m : &sys, in, &id, &err),
			     ERR_INVALID, "%s: %s %s", cases[i].json, err.field, err.msg);
		cr_expect_str_eq(err.field, cases[i].field, "%s: %s", cases[i].json, err.msg);
		json_decref(in);
	}
	/* a stage of another pipeline than the one given */
	json_t *p =
	    fixture_json("{\"name\": \"Other\", \"stages\": [{\"name\": \"A\", \"probability\": "
			 "5}, {\"name\": \"W\", \"probability\": 100, \"kind\": \"won\"}, "
			 "{\"name\": \"L\", \"probability\": 0, \"kind\": \"lost\"}]}");
	int64_t pid = 0, id = 0;
	cr_assert_eq(pipeline_create(fx.db, &sys, p, &pid, &err), KITH_OK, "%s", err.msg);
	json_decref(p);
	char json[128];
	snprintf(json, sizeof json, "{\"title\": \"T\", \"pipeline_id\": %lld, \"stage_id\": %d}",
		 (long long)pid, PROPOSAL);
	json_t *in = fixture_json(json);
	cr_assert_eq(deal_create(fx.db, &sys, in, &id, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "stage_id");
	json_decref(in);
	DealQuery all = {0}, trash = {.trash = 1};
	cr_assert_eq(count(&sys, all) + count(&sys, trash), 0);
	/* an update that fails changes nothing */
	int64_t ok = create("{\"title\": \"Kept\", \"value\": {\"amount\": \"5\"}}");
	in = fixture_json("{\"title\": \"New\", \"value\": {\"amount\": \"x\"}}");
	json_t *out = NULL;
	cr_assert_eq(deal_update(fx.db, &sys, ok, in, 0, &out, &err), ERR_INVALID);
	json_decref(in);
	json_t *d = get(ok);
	cr_assert_str_eq(fixture_str(d, "title"), "Kept");
	cr_assert_eq(fixture_int(d, "version"), 1);
	json_decref(d);
}

Test(deal, custom_values_and_links)
{
	Err err = {0};
	int64_t fid = 0, contact = 0, company = 0;
	json_t *def =
	    fixture_json("{\"entity\": \"deal\", \"key\": \"seats\", \"label\": \"Seats\", "
			 "\"type\": \"number\"}");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
	json_decref(def);
	json_t *c = fixture_json("{\"first_name\": \"Ann\"}");
	cr_assert_eq(contact_create(fx.db, &sys, c, 0, &contact, &err), KITH_OK, "%s", err.msg);
	json_decref(c);
	c = fixture_json("{\"legal_name\": \"Acme\"}");
	cr_assert_eq(company_create(fx.db, &sys, c, 0, &company, &err), KITH_OK, "%s", err.msg);
	json_decref(c);
	char json[256];
	snprintf(json, sizeof json,
		 "{\"title\": \"T\", \"contact_id\": %lld, \"company_id\": %lld, \"custom\": "
		 "{\"seats\": 12}, \"expected_close_date\": \"2026-12-01\", \"source\": \"web\"}",
		 (long long)contact, (long long)company);
	json_t *d = get(create(json));
	cr_assert_eq(fixture_int(d, "contact_id"), contact);
	cr_assert_eq(fixture_int(d, "company_id"), company);
	cr_assert_eq(fixture_int(json_object_get(d, "custom"), "seats"), 12);
	cr_assert_str_eq(fixture_str(d, "expected_close_date"), "2026-12-01");
	cr_assert_str_eq(fixture_str(d, "source"), "web");
	json_decref(d);
	DealQuery q = {.contact_id = contact};
	cr_assert_eq(count(&sys, q), 1);
	q = (DealQuery){.company_id = company + 1};
	cr_assert_eq(count(&sys, q), 0);
	/* purging a linked contact or company unlinks the deal */
	cr_assert_eq(contact_delete(fx.db, &sys, contact, &err), KITH_OK);
	cr_assert_eq(contact_purge(fx.db, &sys, contact, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(company_delete(fx.db, &sys, company, &err), KITH_OK);
	cr_assert_eq(company_purge(fx.db, &sys, company, &err), KITH_OK, "%s", err.msg);
	d = get(1);
	cr_assert(json_is_null(json_object_get(d, "contact_id")));
	cr_assert(json_is_null(json_object_get(d, "company_id")));
	json_decref(d);
	/* a deal created in the lost stage keeps its reason and gets lost_at */
	d = get(create("{\"title\": \"L\", \"stage_id\": 7, \"lost_reason\": \"budget\"}"));
	cr_assert_str_eq(fixture_str(d, "lost_reason"), "budget");
	cr_assert_str_eq(fixture_str(d, "status"), "lost");
	cr_assert(json_is_string(json_object_get(d, "lost_at")));
	json_decref(d);
}

Test(deal, move_records_history_and_stamps)
{
	Err err = {0};
	json_t *d = NULL;
	int64_t id = create("{\"title\": \"T\"}");
	/* lost_reason only for lost stages; same stage; other pipeline's stage; stale */
	cr_assert_eq(deal_move(fx.db, &sys, id, PROPOSAL, 0, "price", &d, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "lost_reason");
	cr_assert_eq(deal_move(fx.db, &sys, id, FIRST, 0, NULL, &d, &err), ERR_CONFLICT);
	cr_assert_str_eq(err.field, "stage_id");
	cr_assert_eq(deal_move(fx.db, &sys, id, 999, 0, NULL, &d, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "stage_id");
	cr_assert_eq(deal_move(fx.db, &sys, id, WON, 7, NULL, &d, &err), ERR_STALE);
	cr_assert_eq(deal_move(fx.db, &sys, id + 1, WON, 0, NULL, &d, &err), ERR_NOT_FOUND);

	cr_assert_eq(deal_move(fx.db, &sys, id, WON, 1, NULL, &d, &err), KITH_OK, "%s", err.msg);
	cr_assert_str_eq(fixture_str(d, "status"), "won");
	cr_assert(json_is_string(json_object_get(d, "won_at")));
	cr_assert(json_is_null(json_object_get(d, "lost_at")));
	cr_assert_eq(fixture_int(d, "version"), 2);
	json_decref(d);
	cr_assert_eq(deal_move(fx.db, &sys, id, LOST, 0, "  too expensive ", &d, &err), KITH_OK);
	cr_assert_str_eq(fixture_str(d, "status"), "lost");
	cr_assert_str_eq(fixture_str(d, "lost_reason"), "too expensive");
	cr_assert(json_is_null(json_object_get(d, "won_at")));
	cr_assert(json_is_string(json_object_get(d, "lost_at")));
	json_decref(d);
	cr_assert_eq(deal_move(fx.db, &sys, id, NEGOTIATION, 0, NULL, &d, &err), KITH_OK);
	cr_assert_str_eq(fixture_str(d, "status"), "open");
	cr_assert(json_is_null(json_object_get(d, "won_at")));
	cr_assert(json_is_null(json_object_get(d, "lost_at")));
	cr_assert(json_is_null(json_object_get(d, "lost_reason")));
	json_decref(d);
	/* a stage change through update is a move too */
	json_t *in = fixture_json("{\"stage_id\": 6}");
	cr_assert_eq(deal_update(fx.db, &sys, id, in, 0, &d, &err), KITH_OK, "%s", err.msg);
	cr_assert_str_eq(fixture_str(d, "status"), "won");
	json_decref(d);
	json_decref(in);

	json_t *h = NULL;
	cr_assert_eq(deal_history(fx.db, &sys, id, &h, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_array_size(h), 5);
	static const int64_t to[] = {FIRST, WON, LOST, NEGOTIATION, WON};
	for (size_t i = 0; i < 5; i++) {
		json_t *e = json_array_get(h, i);
		cr_expect_eq(fixture_int(e, "to_stage_id"), to[i]);
		if (i)
			cr_expect_eq(fixture_int(e, "from_stage_id"), to[i - 1]);
		else
			cr_expect(json_is_null(json_object_get(e, "from_stage_id")));
	}
	cr_assert_str_eq(fixture_str(json_array_get(h, 2), "to_stage"), "Lost");
	json_decref(h);
	json_t *audit = NULL;
	cr_assert_eq(audit_list(fx.db, "deal", id, 50, &audit, &err), KITH_OK);
	cr_assert_eq(json_array_size(audit), 5); /* create + 3 moves + 1 update */
	cr_assert_str_eq(fixture_str(json_array_get(audit, 1), "action"), "move");
	cr_assert_str_eq(fixture_str(json_array_get(audit, 4), "action"), "create");
	json_decref(audit);
}

Test(deal, trash_and_restore)
{
	Err err = {0};
	json_t *d = NULL;
	int64_t id = create("{\"title\": \"T\"}");
	cr_assert_eq(deal_delete(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(deal_delete(fx.db, &sys, id, &err), ERR_GONE);
	cr_assert_eq(deal_get(fx.db, &sys, id, 0, &d, &err), ERR_GONE);
	cr_assert_eq(deal_move(fx.db, &sys, id, WON, 0, NULL, &d, &err), ERR_GONE);
	DealQuery live = {0}, trash = {.trash = 1};
	cr_assert_eq(count(&sys, live), 0);
	cr_assert_eq(count(&sys, trash), 1);
	cr_assert_eq(deal_restore(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(deal_restore(fx.db, &sys, id, &err), ERR_CONFLICT);
	cr_assert_eq(count(&sys, live), 1);
	json_t *audit = NULL;
	cr_assert_eq(audit_list(fx.db, "deal", id, 50, &audit, &err), KITH_OK);
	cr_assert_str_eq(fixture_str(json_array_get(audit, 0), "action"), "restore");
	cr_assert_str_eq(fixture_str(json_array_get(audit, 1), "action"), "delete");
	json_decref(audit);
}

Test(deal, members_see_only_their_deals)
{
	Err err = {0};
	json_t *d = NULL;
	fixture_user(&fx, "o@example.com", "owner");
	Actor m = fixture_user(&fx, "m@example.com", "member"), n = fixture_user(&fx, "n@example.com", "member");
	int64_t mine = create_as(&m, "{\"title\": \"Mine\"}");
	int64_t other = create("{\"title\": \"Unassigned\"}");
	d = get(mine);
	cr_assert_eq(fixture_int(d, "owner_id"), m.user_id);
	json_decref(d);
	cr_assert_eq(deal_get(fx.db, &n, mine, 0, &d, &err), ERR_NOT_FOUND);
	cr_assert_eq(deal_get(fx.db, &m, other, 0, &d, &err), ERR_NOT_FOUND);
	cr_assert_eq(deal_move(fx.db, &n, mine, WON, 0, NULL, &d, &err), ERR_NOT_FOUND);
	cr_assert_eq(deal_delete(fx.db, &n, mine, &err), ERR_NOT_FOUND);
	cr_assert_eq(deal_history(fx.db, &n, mine, &d, &err), ERR_NOT_FOUND);
	DealQuery all = {0};
	cr_assert_eq(count(&m, all), 1);
	cr_assert_eq(count(&n, all), 0);
	cr_assert_eq(count(&sys, all), 2);
	json_t *b = NULL;
	cr_assert_eq(deal_board(fx.db, &n, &(DealBoardQuery){.pipeline_id = 1}, &b, &err), KITH_OK);
	cr_assert_eq(fixture_int(json_array_get(json_object_get(b, "stages"), 0), "count"), 0);
	json_decref(b);
	cr_assert_eq(deal_forecast(fx.db, &n, 1, &b, &err), KITH_OK);
	cr_assert_eq(json_array_size(json_object_get(b, "months")), 0);
	json_decref(b);
}

Test(deal, list_filters_and_pages)
{
	Err err = {0};
	json_t *d = NULL;
	for (int i = 0; i < 7; i++)
		create("{\"title\": \"T\"}");
	cr_assert_eq(deal_move(fx.db, &sys, 2, WON, 0, NULL, &d, &err), KITH_OK);
	json_decref(d);
	cr_assert_eq(deal_move(fx.db, &sys, 3, LOST, 0, NULL, &d, &err), KITH_OK);
	json_decref(d);
	DealQuery q = {.status = "won"};
	cr_assert_eq(count(&sys, q), 1);
	q = (DealQuery){.status = "open"};
	cr_assert_eq(count(&sys, q), 5);
	q = (DealQuery){.stage_id = LOST};
	cr_assert_eq(count(&sys, q), 1);
	q = (DealQuery){.pipeline_id = 1};
	cr_assert_eq(count(&sys, q), 7);
	q = (DealQuery){.status = "maybe"};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(deal_list(fx.db, &sys, &q, &items, &next, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "status");
	q = (DealQuery){.cursor = "zz"};
	cr_assert_eq(deal_list(fx.db, &sys, &q, &items, &next, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "cursor");
	q = (DealQuery){.limit = KITH_LIST_MAX + 1};
	cr_assert_eq(deal_list(fx.db, &sys, &q, &items, &next, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "limit");
	/* pages of 3: 3 + 3 + 1, each id once */
	int64_t seen = 0, last = 0;
	q = (DealQuery){.limit = 3};
	for (int page = 0; page < 10; page++) {
		cr_assert_eq(deal_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
		size_t i;
		json_array_foreach(items, i, d)
		{
			cr_assert_gt(fixture_int(d, "id"), last);
			last = fixture_int(d, "id");
			seen++;
		}
		json_decref(items);
		free((char *)q.cursor);
		q.cursor = next;
		if (!next)
			break;
	}
	cr_assert_eq(seen, 7);
}

Test(deal, board_counts_and_sums_per_currency)
{
	Err err = {0};
	json_t *b = NULL, *d = NULL;
	create("{\"title\": \"A\", \"value\": {\"amount\": \"10.50\"}}");
	create("{\"title\": \"B\", \"value\": {\"amount\": \"0.75\"}}");
	create("{\"title\": \"C\", \"value\": {\"amount\": \"100\", \"currency\": \"JPY\"}}");
	int64_t gone = create("{\"title\": \"D\", \"value\": {\"amount\": \"99\"}}");
	int64_t moved = create("{\"title\": \"E\", \"value\": {\"amount\": \"1\"}}");
	cr_assert_eq(deal_delete(fx.db, &sys, gone, &err), KITH_OK);
	cr_assert_eq(deal_move(fx.db, &sys, moved, PROPOSAL, 0, NULL, &d, &err), KITH_OK);
	json_decref(d);
	cr_assert_eq(deal_board(fx.db, &sys, &(DealBoardQuery){.limit = 2}, &b, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert_str_eq(fixture_str(json_object_get(b, "pipeline"), "name"), "Sales");
	json_t *cols = json_object_get(b, "stages");
	cr_assert_eq(json_array_size(cols), 7);
	json_t *first = json_array_get(cols, 0);
	cr_assert_eq(fixture_int(first, "count"), 3);
	json_t *totals = json_object_get(first, "totals");
	cr_assert_eq(json_array_size(totals), 2);
	cr_assert_str_eq(fixture_str(json_array_get(totals, 0), "currency"), "EUR");
	cr_assert_eq(fixture_int(json_array_get(totals, 0), "amount_minor"), 1125);
	cr_assert_str_eq(fixture_str(json_array_get(totals, 1), "currency"), "JPY");
	cr_assert_eq(fixture_int(json_array_get(totals, 1), "amount_minor"), 100);
	cr_assert_eq(json_array_size(json_object_get(first, "deals")), 2); /* limit 2 */
	cr_assert(json_is_string(json_object_get(first, "next")));
	cr_assert(json_is_number(json_object_get(first, "avg_days_in_stage")));
	json_t *second = json_array_get(cols, 1);
	cr_assert_eq(fixture_int(second, "count"), 1);
	cr_assert_eq(fixture_int(json_array_get(json_object_get(second, "totals"), 0), "amount_minor"), 100);
	cr_assert(json_is_null(json_object_get(second, "next")));
	cr_assert(json_is_null(json_object_get(json_array_get(cols, 2), "avg_days_in_stage")));
	json_decref(b);
	cr_assert_eq(deal_board(fx.db, &sys, &(DealBoardQuery){.pipeline_id = 99}, &b, &err),
		     ERR_NOT_FOUND);
	cr_assert_eq(deal_board(fx.db, &sys, &(DealBoardQuery){.limit = KITH_LIST_MAX + 1}, &b, &err),
		     ERR_INVALID);
	cr_assert_str_eq(err.field, "limit");
	static const int bad_days[] = {-1, KITH_BOARD_CLOSED_DAYS_MAX + 1};
	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(deal_board(fx.db, &sys, &(DealBoardQuery){.closed_days = bad_days[i]}, &b,
					&err),
			     ERR_INVALID);
		cr_assert_str_eq(err.field, "closed_days");
	}
}

/* The closed totals as migration 013 builds them from the deals. */
#define ROLLUP_FROM_DEALS                                                                         \
	"SELECT d.stage_id, substr(d.stage_since, 1, 10), d.currency, COUNT(*), "               \
	"SUM(d.amount_minor) FROM deal d JOIN stage s ON s.id = d.stage_id "                     \
	"WHERE s.kind <> 'open' AND d.deleted_at IS NULL "                                       \
	"GROUP BY d.stage_id, substr(d.stage_since, 1, 10), d.currency"

/* Put deal id's entry into its current stage `days` days in the past (time
 * passing: the closed totals are rebuilt as the migration does). */
static void age_stage(int64_t id, int days)
{
	char sql[640], when[21];
	Err err = {0};
	time_iso(time(NULL) - (time_t)days * 86400, when);
	snprintf(sql, sizeof sql,
		 "UPDATE deal SET stage_since = '%s' WHERE id = %lld; DELETE FROM stage_day_total; "
		 "INSERT INTO stage_day_total (stage_id, day, currency, deals, amount_minor) "
		 ROLLUP_FROM_DEALS,
		 when, (long long)id);
	cr_assert_eq(db_exec_script(fx.db, sql, &err), KITH_OK, "%s", err.msg);
}

/* The closed totals kept by every write equal the ones built from scratch. */
static void check_rollup(void)
{
	static const char kept[] = "SELECT stage_id, day, currency, deals, amount_minor "
				   "FROM stage_day_total WHERE deals <> 0 ORDER BY 1, 2, 3";
	Err err = {0};
	DbStmt *a, *b;
	static const char built[] = "SELECT * FROM (" ROLLUP_FROM_DEALS ") b ORDER BY 1, 2, 3";
	cr_assert_eq(db_prepare(fx.db, &a, kept, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(fx.db, &b, built, &err), KITH_OK, "%s", err.msg);
	int ra, rb, rows = 0;
	while ((ra = db_step(a, &err)) == DB_ROW) {
		rb = db_step(b, &err);
		cr_assert_eq(rb, DB_ROW, "row %d only in the kept totals", rows);
		for (int i = 0; i < 5; i++)
			cr_assert_str_eq(db_col_text(a, i), db_col_text(b, i), "row %d column %d", rows,
					 i);
		rows++;
	}
	cr_assert_eq(ra, DB_DONE);
	cr_assert_eq(db_step(b, &err), DB_DONE, "more rows built than kept");
	db_reset(a);
	db_reset(b);
}


static json_t *board_column(int closed_days, int index)
{
	Err err = {0};
	json_t *b = NULL;
	cr_assert_eq(deal_board(fx.db, &sys, &(DealBoardQuery){.closed_days = closed_days}, &b,
				&err),
		     KITH_OK, "%s", err.msg);
	json_t *col = json_incref(json_array_get(json_object_get(b, "stages"), (size_t)index));
	json_decref(b);
	return col;
}

/* Every write that changes what a closed column sums keeps the totals. */
Test(deal, closed_totals_follow_every_change)
{
	Err err = {0};
	json_t *p = NULL;
	int64_t a = create("{\"title\": \"A\", \"value\": {\"amount\": \"5\"}}");
	int64_t b = create("{\"title\": \"B\", \"value\": {\"amount\": \"7\", "
			   "\"currency\": \"JPY\"}}");
	cr_assert_eq(deal_move(fx.db, &sys, a, WON, 0, NULL, NULL, &err), KITH_OK);
	cr_assert_eq(deal_move(fx.db, &sys, b, LOST, 0, "price", NULL, &err), KITH_OK);
	check_rollup();
	p = fixture_json("{\"value\": {\"amount\": \"9\", \"currency\": \"PLN\"}}");
	cr_assert_eq(deal_update(fx.db, &sys, a, p, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(p);
	check_rollup();
	cr_assert_eq(deal_move(fx.db, &sys, a, LOST, 0, NULL, NULL, &err), KITH_OK); /* won -> lost */
	check_rollup();
	cr_assert_eq(deal_delete(fx.db, &sys, b, &err), KITH_OK);
	check_rollup();
	cr_assert_eq(deal_restore(fx.db, &sys, b, &err), KITH_OK);
	check_rollup();
	cr_assert_eq(deal_move(fx.db, &sys, b, PROPOSAL, 0, NULL, NULL, &err), KITH_OK); /* reopen */
	check_rollup();
	json_t *col = board_column(0, 6); /* Lost: a only */
	cr_assert_eq(fixture_int(col, "count"), 1);
	cr_assert_eq(fixture_int(json_array_get(json_object_get(col, "totals"), 0), "amount_minor"), 900);
	json_decref(col);
}

/* Won and lost columns show what closed lately; the rest stays listable. */
Test(deal, board_won_and_lost_columns_count_recent_closes)
{
	Err err = {0};
	json_t *d = NULL, *col;
	int64_t old = create("{\"title\": \"Old\", \"value\": {\"amount\": \"5\"}}");
	int64_t recent = create("{\"title\": \"New\", \"value\": {\"amount\": \"7\"}}");
	cr_assert_eq(deal_move(fx.db, &sys, old, WON, 0, NULL, &d, &err), KITH_OK);
	cr_assert(json_is_string(json_object_get(d, "stage_since")));
	json_decref(d);
	cr_assert_eq(deal_move(fx.db, &sys, recent, WON, 0, NULL, NULL, &err), KITH_OK);
	age_stage(old, 40);
	col = board_column(0, 5); /* Won, default 30 days */
	cr_assert_eq(fixture_int(col, "count"), 1);
	cr_assert_eq(fixture_int(json_array_get(json_object_get(col, "totals"), 0), "amount_minor"), 700);
	cr_assert_eq(json_array_size(json_object_get(col, "deals")), 1);
	cr_assert_eq(fixture_int(json_array_get(json_object_get(col, "deals"), 0), "id"), recent);
	cr_assert(json_is_null(json_object_get(col, "avg_days_in_stage")));
	json_decref(col);
	col = board_column(41, 5);
	cr_assert_eq(fixture_int(col, "count"), 2);
	/* newest close first, and no cursor: deal_list lists a closed column */
	cr_assert_eq(fixture_int(json_array_get(json_object_get(col, "deals"), 0), "id"), recent);
	cr_assert_eq(fixture_int(json_array_get(json_object_get(col, "deals"), 1), "id"), old);
	cr_assert(json_is_null(json_object_get(col, "next")));
	json_decref(col);
	/* the list filter the board's next cursor continues with */
	char since[21];
	time_iso(time(NULL) - 30 * 86400, since);
	DealQuery q = {.stage_id = WON, .stage_since = since};
	cr_assert_eq(count(&sys, q), 1);
	q.stage_since = "2020-01-01";
	cr_assert_eq(count(&sys, q), 2);
	q.stage_since = "last week";
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(deal_list(fx.db, &sys, &q, &items, &next, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "stage_since");
}

/* Time in stage: the mean of completed visits, from the rollup. */
Test(deal, board_time_in_stage_averages_completed_visits)
{
	Err err = {0};
	int64_t a = create("{\"title\": \"A\"}"), b = create("{\"title\": \"B\"}");
	json_t *col = board_column(0, 0);
	cr_assert(json_is_null(json_object_get(col, "avg_days_in_stage"))); /* no visit ended */
	json_decref(col);
	age_stage(a, 3);
	age_stage(b, 1);
	cr_assert_eq(deal_move(fx.db, &sys, a, PROPOSAL, 0, NULL, NULL, &err), KITH_OK);
	cr_assert_eq(deal_move(fx.db, &sys, b, PROPOSAL, 0, NULL, NULL, &err), KITH_OK);
	col = board_column(0, 0);
	cr_assert_eq(json_real_value(json_object_get(col, "avg_days_in_stage")), 2.0);
	json_decref(col);
	age_stage(a, 4);
	cr_assert_eq(deal_move(fx.db, &sys, a, 1, 0, NULL, NULL, &err), KITH_OK); /* back */
	col = board_column(0, 1); /* Proposal: a's 4-day visit; b's is still open */
	cr_assert_eq(json_real_value(json_object_get(col, "avg_days_in_stage")), 4.0);
	json_decref(col);
	/* trashing a deal does not rewrite the past */
	cr_assert_eq(deal_delete(fx.db, &sys, b, &err), KITH_OK);
	col = board_column(0, 0);
	cr_assert_eq(json_real_value(json_object_get(col, "avg_days_in_stage")), 2.0);
	json_decref(col);
	/* built from every deal, so a member (who sees none of these) gets null */
	fixture_user(&fx, "o@example.com", "owner");
	Actor m = fixture_user(&fx, "m@example.com", "member");
	json_t *board = NULL;
	cr_assert_eq(deal_board(fx.db, &m, &(DealBoardQuery){0}, &board, &err), KITH_OK);
	col = json_array_get(json_object_get(board, "stages"), 0);
	cr_assert(json_is_null(json_object_get(col, "avg_days_in_stage")));
	json_decref(board);
}

/* The open totals as migration 017 builds them from the deals. */
#define OPEN_ROLLUP_FROM_DEALS                                                                     \
	"SELECT d.stage_id, COALESCE(substr(d.expected_close_date, 1, 7), ''), d.currency, "       \
	"d.amount_minor % 100, COUNT(*), SUM(d.amount_minor) FROM deal d "                         \
	"JOIN stage s ON s.id = d.stage_id WHERE s.kind = 'open' AND d.deleted_at IS NULL "        \
	"GROUP BY 1, 2, 3, 4"

/* The open totals kept by every write equal the ones built from scratch,
 * row for row (no row left with zero deals). */
static void check_open_rollup(void)
{
	static const char kept[] = "SELECT stage_id, month, currency, rem, deals, amount_minor "
				   "FROM stage_open_total ORDER BY 1, 2, 3, 4";
	static const char built[] =
	    "SELECT * FROM (" OPEN_ROLLUP_FROM_DEALS ") b ORDER BY 1, 2, 3, 4";
	Err err = {0};
	DbStmt *a, *b;
	cr_assert_eq(db_prepare(fx.db, &a, kept, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(fx.db, &b, built, &err), KITH_OK, "%s", err.msg);
	int ra, rb, rows = 0;
	while ((ra = db_step(a, &err)) == DB_ROW) {
		rb = db_step(b, &err);
		cr_assert_eq(rb, DB_ROW, "row %d only in the kept open totals", rows);
		for (int i = 0; i < 6; i++)
			cr_assert_str_eq(db_col_text(a, i), db_col_text(b, i), "row %d column %d",
					 rows, i);
		rows++;
	}
	cr_assert_eq(ra, DB_DONE);
	cr_assert_eq(db_step(b, &err), DB_DONE, "more open rows built than kept");
	db_reset(a);
	db_reset(b);
}

static void update_ok(int64_t id, const char *json)
{
	Err err = {0};
	json_t *p = fixture_json(json);
	cr_assert_eq(deal_update(fx.db, &sys, id, p, 0, NULL, &err), KITH_OK, "%s: %s", json,
		     err.msg);
	json_decref(p);
}

/* Every write that changes what an open column or the forecast sums keeps
 * the open totals. */
Test(deal, open_totals_follow_every_change)
{
	Err err = {0};
	int64_t a = create("{\"title\": \"A\", \"value\": {\"amount\": \"5.25\"}, "
			   "\"expected_close_date\": \"2026-12-01\"}");
	int64_t b = create("{\"title\": \"B\", \"value\": {\"amount\": \"7\", "
			   "\"currency\": \"JPY\"}}");
	int64_t c = create("{\"title\": \"C\", \"value\": {\"amount\": \"5.25\"}, "
			   "\"expected_close_date\": \"2026-12-31\"}");
	check_open_rollup();
	update_ok(a, "{\"value\": {\"amount\": \"9.99\"}}");
	check_open_rollup();
	update_ok(a, "{\"expected_close_date\": \"2027-02-01\"}");
	check_open_rollup();
	update_ok(a, "{\"expected_close_date\": null}");
	check_open_rollup();
	update_ok(b, "{\"value\": {\"amount\": \"7.5\", \"currency\": \"PLN\"}}");
	check_open_rollup();
	update_ok(c, "{\"title\": \"C2\"}"); /* nothing summed changes */
	check_open_rollup();
	cr_assert_eq(deal_move(fx.db, &sys, a, PROPOSAL, 0, NULL, NULL, &err), KITH_OK);
	check_open_rollup();
	cr_assert_eq(deal_move(fx.db, &sys, c, WON, 0, NULL, NULL, &err), KITH_OK);
	check_open_rollup();
	cr_assert_eq(deal_move(fx.db, &sys, c, NEGOTIATION, 0, NULL, NULL, &err),
		     KITH_OK); /* reopened */
	check_open_rollup();
	cr_assert_eq(deal_delete(fx.db, &sys, b, &err), KITH_OK);
	check_open_rollup();
	cr_assert_eq(deal_restore(fx.db, &sys, b, &err), KITH_OK);
	check_open_rollup();
	cr_assert_eq(deal_delete(fx.db, &sys, a, &err), KITH_OK);
	cr_assert_eq(deal_delete(fx.db, &sys, c, &err), KITH_OK);
	check_open_rollup();
}

/* The open column totals and the forecast an owner reads from the open
 * totals equal what a member who sees every deal sums from the deals, with
 * amounts on every side of the weighting's rounding, also after a stage's
 * probability changes. */
Test(deal, rollup_answers_equal_the_deals)
{
	static const char *const amounts[] = {"0.49", "0.5",  "0.51",  "1.01",	 "10.05",
					      "3",    "0.01", "99.99", "123.45", "7"};
	static const char *const dates[] = {"\"2026-12-01\"", "\"2026-12-31\"", "null",
					    "\"2027-01-10\""};
	static const char *const curs[] = {"EUR", "JPY", "PLN"};
	static const int stages[] = {FIRST, PROPOSAL, NEGOTIATION};
	Err err = {0};
	char in[256];
	Actor owner = fixture_user(&fx, "o@example.com", "owner");
	Actor m = fixture_user(&fx, "m@example.com", "member");
	for (int i = 0; i < 60; i++) {
		snprintf(
		    in, sizeof in,
		    "{\"title\": \"D%d\", \"value\": {\"amount\": \"%s\", \"currency\": \"%s\"}, "
		    "\"expected_close_date\": %s, \"stage_id\": %d}",
		    i, strcmp(curs[i % 3], "JPY") ? amounts[i % 10] : "1001", curs[i % 3],
		    dates[i % 4], stages[i % 3]);
		create_as(&m, in);
	}
	for (int round = 0; round < 2; round++) {
		json_t *fo = NULL, *fm = NULL, *bo = NULL, *bm = NULL;
		cr_assert_eq(deal_forecast(fx.db, &owner, 1, &fo, &err), KITH_OK, "%s", err.msg);
		cr_assert_eq(deal_forecast(fx.db, &m, 1, &fm, &err), KITH_OK, "%s", err.msg);
		cr_assert(json_array_size(json_object_get(fo, "months")) > 4);
		cr_assert(json_equal(fo, fm), "forecast differs in round %d", round);
		cr_assert_eq(
		    deal_board(fx.db, &owner, &(DealBoardQuery){.pipeline_id = 1}, &bo, &err),
		    KITH_OK);
		cr_assert_eq(deal_board(fx.db, &m, &(DealBoardQuery){.pipeline_id = 1}, &bm, &err),
			     KITH_OK);
		for (size_t i = 0; i < json_array_size(json_object_get(bo, "stages")); i++) {
			json_t *co = json_array_get(json_object_get(bo, "stages"), i);
			json_t *cm = json_array_get(json_object_get(bm, "stages"), i);
			cr_assert(json_equal(json_object_get(co, "totals"),
					     json_object_get(cm, "totals")),
				  "stage %zu totals", i);
			cr_assert(
			    json_equal(json_object_get(co, "count"), json_object_get(cm, "count")),
			    "stage %zu count", i);
		}
		json_decref(fo);
		json_decref(fm);
		json_decref(bo);
		json_decref(bm);
		json_t *p = fixture_json("{\"probability\": 33}");
		cr_assert_eq(stage_update(fx.db, &owner, NEGOTIATION, p, 0, NULL, &err), KITH_OK,
			     "%s", err.msg);
		json_decref(p);
	}
}

Test(deal, weighting_rounds_half_away_from_zero)
{
	static const struct {
		int64_t amount;
		int prob;
		int64_t want;
	} cases[] = {
		{1005, 70, 704},  /* 703.5 -> 704 */
		{1, 50, 1},       /* 0.5 -> 1 */
		{1, 49, 0},       /* 0.49 -> 0 */
		{3, 50, 2},       /* 1.5 -> 2 */
		{-3, 50, -2},     /* -1.5 -> -2 */
		{-1, 49, 0},      /* -0.49 -> 0 */
		{123456, 30, 37037},
		{999, 0, 0},
		{999, 100, 999},
		{1000000000000000LL, 99, 990000000000000LL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(deal_weighted(cases[i].amount, cases[i].prob), cases[i].want,
			     "%lld x %d%%", (long long)cases[i].amount, cases[i].prob);
}

Test(deal, forecast_groups_by_month_and_currency)
{
	Err err = {0};
	json_t *f = NULL, *d = NULL;
	/* First contact 10%, Negotiation 70% */
	create("{\"title\": \"A\", \"value\": {\"amount\": \"10.05\"}, "
	       "\"expected_close_date\": \"2026-12-01\", \"stage_id\": 5}");
	create("{\"title\": \"B\", \"value\": {\"amount\": \"0.05\"}, "
	       "\"expected_close_date\": \"2026-12-31\"}");
	create("{\"title\": \"C\", \"value\": {\"amount\": \"1000\", \"currency\": \"JPY\"}, "
	       "\"expected_close_date\": \"2026-12-15\"}");
	create("{\"title\": \"D\", \"value\": {\"amount\": \"20\"}, "
	       "\"expected_close_date\": \"2027-01-10\"}");
	create("{\"title\": \"E\", \"value\": {\"amount\": \"5\"}}");
	int64_t won = create("{\"title\": \"F\", \"value\": {\"amount\": \"500\"}, "
			     "\"expected_close_date\": \"2026-12-01\"}");
	cr_assert_eq(deal_move(fx.db, &sys, won, WON, 0, NULL, &d, &err), KITH_OK);
	json_decref(d);
	cr_assert_eq(deal_forecast(fx.db, &sys, 0, &f, &err), KITH_OK, "%s", err.msg);
	json_t *m = json_object_get(f, "months");
	static const struct {
		const char *month, *cur;
		int64_t n, amount, weighted;
	} want[] = {
		{"2026-12", "EUR", 2, 1010, 704 + 1}, /* 703.5 -> 704; 0.5 -> 1 */
		{"2026-12", "JPY", 1, 1000, 100},
		{"2027-01", "EUR", 1, 2000, 200},
		{NULL, "EUR", 1, 500, 50},
	};
	cr_assert_eq(json_array_size(m), 4);
	for (size_t i = 0; i < 4; i++) {
		json_t *g = json_array_get(m, i);
		if (want[i].month)
			cr_expect_str_eq(fixture_str(g, "month"), want[i].month);
		else
			cr_expect(json_is_null(json_object_get(g, "month")));
		cr_expect_str_eq(fixture_str(g, "currency"), want[i].cur);
		cr_expect_eq(fixture_int(g, "count"), want[i].n, "group %zu", i);
		cr_expect_eq(fixture_int(g, "amount_minor"), want[i].amount, "group %zu", i);
		cr_expect_eq(fixture_int(g, "weighted_minor"), want[i].weighted, "group %zu", i);
	}
	cr_assert_str_eq(fixture_str(json_array_get(m, 0), "weighted"), "7.05");
	json_decref(f);
	cr_assert_eq(deal_forecast(fx.db, &sys, 42, &f, &err), ERR_NOT_FOUND);
}

Test(deal, changing_the_currency_needs_the_amount_in_it)
{
	Err err = {0};
	json_t *out = NULL;
	int64_t id = create("{\"title\": \"Big\", \"value\": {\"amount\": \"100.00\", \"currency\": \"EUR\"}}");
	json_t *patch = fixture_json("{\"value\": {\"currency\": \"JPY\"}}");
	cr_expect_eq(deal_update(fx.db, &sys, id, patch, 0, &out, &err), ERR_INVALID,
		     "10000 EUR cents must not silently become 10000 yen");
	cr_expect_str_eq(err.field, "value.amount");
	json_decref(patch);
	json_t *d = get(id);
	cr_expect_str_eq(fixture_str(json_object_get(d, "value"), "currency"), "EUR");
	cr_expect_eq(fixture_int(json_object_get(d, "value"), "amount_minor"), 10000);
	json_decref(d);
	patch = fixture_json("{\"value\": {\"amount\": \"15000\", \"currency\": \"JPY\"}}");
	cr_expect_eq(deal_update(fx.db, &sys, id, patch, 0, &out, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	json_decref(out);
	out = NULL;
	/* the same currency again needs no amount */
	patch = fixture_json("{\"value\": {\"currency\": \"JPY\"}}");
	cr_expect_eq(deal_update(fx.db, &sys, id, patch, 0, &out, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	json_decref(out);
	/* a million deals at the largest value still sum inside int64 */
	cr_expect_lt(KITH_MAX_DEAL_MINOR, INT64_MAX / 1000000);
}

/* A deal read and sent back whole saves though its owner has since been
 * disabled: sending the owner it already has changes nothing (review of
 * issue 7: 422 "no active user"). Changing to a disabled user is refused. */
Test(deal, sending_back_a_disabled_owner_changes_nothing)
{
	Err err = {0};
	(void)fixture_user(&fx, "owner@example.com", "owner");
	Actor admin = fixture_user(&fx, "admin@example.com", "admin");
	Actor leaver = fixture_user(&fx, "leaver@example.com", "member");
	char json[128];
	snprintf(json, sizeof json, "{\"title\":\"Fit-out\",\"owner_id\":%lld}",
		 (long long)leaver.user_id);
	int64_t id = create_as(&admin, json);
	cr_assert_eq(user_set_disabled(fx.db, &admin, leaver.user_id, 1, NULL, &err), KITH_OK, "%s",
		     err.msg);
	json_t *d = get(id);
	json_t *patch = json_pack("{sO sO}", "title", json_object_get(d, "title"), "owner_id",
				  json_object_get(d, "owner_id"));
	int64_t version = json_integer_value(json_object_get(d, "version"));
	cr_expect_eq(deal_update(fx.db, &admin, id, patch, version, NULL, &err), KITH_OK, "%s: %s",
		     err.field, err.msg);
	json_decref(patch);
	json_decref(d);

	int64_t other = create_as(&admin, "{\"title\":\"Other\"}");
	d = get(other);
	snprintf(json, sizeof json, "{\"owner_id\":%lld}", (long long)leaver.user_id);
	patch = fixture_json(json);
	version = json_integer_value(json_object_get(d, "version"));
	cr_expect_eq(deal_update(fx.db, &admin, other, patch, version, NULL, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "owner_id");
	json_decref(patch);
	json_decref(d);
}

/* The board's and the list's cards carry each deal's custom values, read
 * for a page at once: the same object, member for member, as deal_get. */
Test(deal, board_and_list_cards_carry_their_own_custom_values)
{
	Err err = {0};
	int64_t fid = 0;
	static const char *const defs[] = {
	    "{\"entity\": \"deal\", \"key\": \"seats\", \"label\": \"Seats\", \"type\": \"number\"}",
	    "{\"entity\": \"deal\", \"key\": \"region\", \"label\": \"Region\", \"type\": \"text\"}",
	    "{\"entity\": \"contact\", \"key\": \"seats\", \"label\": \"S\", \"type\": \"text\"}"};
	for (size_t i = 0; i < 3; i++) {
		json_t *def = fixture_json(defs[i]);
		cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
		json_decref(def);
	}
	int64_t a = create("{\"title\": \"A\", \"custom\": {\"region\": \"north\", \"seats\": 3}}");
	int64_t b = create("{\"title\": \"B\"}");
	int64_t c = create("{\"title\": \"C\", \"custom\": {\"seats\": 7}}");
	int64_t won = create("{\"title\": \"W\", \"custom\": {\"region\": \"south\"}}");
	json_t *moved = NULL;
	cr_assert_eq(deal_move(fx.db, &sys, won, WON, 0, NULL, &moved, &err), KITH_OK, "%s",
		     err.msg);
	json_decref(moved);
	json_t *board = NULL, *items = NULL, *card;
	char *next = NULL;
	cr_assert_eq(deal_board(fx.db, &sys, &(DealBoardQuery){.pipeline_id = 1}, &board, &err),
		     KITH_OK, "%s", err.msg);
	DealQuery q = {0};
	cr_assert_eq(deal_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	size_t i, j, seen = 0;
	json_t *col, *lists[8] = {items};
	size_t nlists = 1;
	json_array_foreach(json_object_get(board, "stages"), i, col)
	{
		if (nlists < 8)
			lists[nlists++] = json_object_get(col, "deals");
	}
	for (size_t l = 0; l < nlists; l++)
		json_array_foreach(lists[l], j, card)
		{
			json_t *one = get(fixture_int(card, "id"));
			char *x = json_dumps(json_object_get(card, "custom"), JSON_COMPACT);
			char *y = json_dumps(json_object_get(one, "custom"), JSON_COMPACT);
			cr_expect_str_eq(x, y, "deal %lld", (long long)fixture_int(card, "id"));
			free(x);
			free(y);
			json_decref(one);
			seen++;
		}
	cr_expect_eq(seen, 8, "each deal once on the board and once in the list");
	json_t *ga = get(a), *gb = get(b), *gc = get(c);
	cr_expect_eq(json_object_size(json_object_get(ga, "custom")), 2);
	cr_expect_eq(json_object_size(json_object_get(gb, "custom")), 0);
	cr_expect_eq(fixture_int(json_object_get(gc, "custom"), "seats"), 7);
	json_decref(ga);
	json_decref(gb);
	json_decref(gc);
	json_decref(board);
	json_decref(items);
	free(next);
}

/* A member's board and forecast: totals and the forecast in one statement
 * for every stage, not one per stage (a round trip each on PostgreSQL),
 * and the same answer as from the deals themselves. */
Test(deal, members_board_and_forecast_cost_no_statement_per_stage)
{
	fixture_user(&fx, "owner@example.com", "owner");
	Actor m1 = fixture_user(&fx, "m1@example.com", "member");
	Err err = {0};
	json_t *b = NULL, *f = NULL, *p = NULL;
	create_as(&m1, "{\"title\": \"A\", \"value\": {\"amount\": \"10\"}, "
		       "\"expected_close_date\": \"2026-12-01\", \"stage_id\": 5}");
	create_as(&m1, "{\"title\": \"B\", \"value\": {\"amount\": \"20\"}, "
		       "\"expected_close_date\": \"2026-12-20\"}");
	create("{\"title\": \"Hidden\", \"value\": {\"amount\": \"40\"}, "
	       "\"expected_close_date\": \"2026-12-01\", \"stage_id\": 5}");
	cr_assert_eq(pipeline_get(fx.db, 1, &p, &err), KITH_OK);
	uint64_t stages = json_array_size(json_object_get(p, "stages"));
	json_decref(p);
	cr_assert_geq(stages, 4);
	uint64_t before = db_statements(fx.db);
	DealBoardQuery q = {.pipeline_id = 1};
	cr_assert_eq(deal_board(fx.db, &m1, &q, &b, &err), KITH_OK, "%s", err.msg);
	uint64_t board = db_statements(fx.db) - before;
	/* the pipeline (3), the totals, a column's deals per stage, the custom
	 * values, and a BEGIN and COMMIT where the backend counts them */
	cr_assert_leq(board, stages + 7, "%llu statements for %llu stages",
		      (unsigned long long)board, (unsigned long long)stages);
	int64_t n = 0, amount = 0;
	json_t *col;
	size_t i;
	json_array_foreach(json_object_get(b, "stages"), i, col)
	{
		n += fixture_int(col, "count");
		json_t *t = json_array_get(json_object_get(col, "totals"), 0);
		amount += t ? fixture_int(t, "amount_minor") : 0;
	}
	cr_assert_eq(n, 2, "the member's two deals, not the hidden one");
	cr_assert_eq(amount, 3000);
	json_decref(b);
	before = db_statements(fx.db);
	cr_assert_eq(deal_forecast(fx.db, &m1, 1, &f, &err), KITH_OK, "%s", err.msg);
	uint64_t forecast = db_statements(fx.db) - before;
	cr_assert_leq(forecast, 6, "%llu statements for a forecast", (unsigned long long)forecast);
	json_t *m = json_object_get(f, "months");
	cr_assert_eq(json_array_size(m), 1);
	cr_assert_eq(fixture_int(json_array_get(m, 0), "count"), 2);
	cr_assert_eq(fixture_int(json_array_get(m, 0), "amount_minor"), 3000);
	/* 10.00 at 70 % and 20.00 at 10 % */
	cr_assert_eq(fixture_int(json_array_get(m, 0), "weighted_minor"), 700 + 200);
	json_decref(f);
}
