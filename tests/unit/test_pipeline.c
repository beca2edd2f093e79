/* test_pipeline.c - pipelines and stages: the default pipeline, the
 * open/won/lost rule, names, ordering, access, stage removal with deals,
 * and audit. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/audit.h"
#include "crm/deal.h"
#include "crm/pipeline.h"
#include "core/user.h"
#include "fixture.h"

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
TestSuite(pipeline, .init = setup, .fini = teardown);

static json_t *load(const char *json)
{
	json_t *in = json_loads(json, 0, NULL);
	cr_assert_not_null(in, "bad test JSON %s", json);
	return in;
}

static int64_t n_pipelines(void)
{
	Err err = {0};
	json_t *all = NULL;
	cr_assert_eq(pipeline_list(fx.db, &all, &err), KITH_OK, "%s", err.msg);
	int64_t n = (int64_t)json_array_size(all);
	json_decref(all);
	return n;
}

/* Names of the stages of pipeline id, comma separated, into out. */
static void stage_names(int64_t id, char *out, size_t n)
{
	Err err = {0};
	json_t *p = NULL, *s;
	size_t i;
	cr_assert_eq(pipeline_get(fx.db, id, &p, &err), KITH_OK, "%s", err.msg);
	out[0] = 0;
	json_array_foreach(json_object_get(p, "stages"), i, s)
	{
		cr_assert_eq(json_integer_value(json_object_get(s, "position")), (json_int_t)i + 1);
		strncat(out, i ? "," : "", n - strlen(out) - 1);
		strncat(out, json_string_value(json_object_get(s, "name")), n - strlen(out) - 1);
	}
	json_decref(p);
}

static int64_t stage_id(int64_t pipeline, const char *name)
{
	Err err = {0};
	json_t *p = NULL, *s;
	size_t i;
	int64_t id = 0;
	cr_assert_eq(pipeline_get(fx.db, pipeline, &p, &err), KITH_OK, "%s", err.msg);
	json_array_foreach(json_object_get(p, "stages"), i, s)
		if (!strcmp(json_string_value(json_object_get(s, "name")), name))
			id = json_integer_value(json_object_get(s, "id"));
	json_decref(p);
	cr_assert(id, "no stage %s", name);
	return id;
}

Test(pipeline, default_sales_pipeline)
{
	Err err = {0};
	json_t *p = NULL;
	char names[512];
	cr_assert_eq(pipeline_get(fx.db, 1, &p, &err), KITH_OK, "%s", err.msg);
	cr_assert_str_eq(json_string_value(json_object_get(p, "name")), "Sales");
	json_t *stages = json_object_get(p, "stages");
	cr_assert_eq(json_array_size(stages), 7);
	static const int probs[] = {10, 30, 40, 50, 70, 100, 0};
	static const char *const kinds[] = {"open", "open", "open", "open", "open", "won", "lost"};
	for (size_t i = 0; i < 7; i++) {
		json_t *s = json_array_get(stages, i);
		cr_assert_eq(json_integer_value(json_object_get(s, "probability")), probs[i]);
		cr_assert_str_eq(json_string_value(json_object_get(s, "kind")), kinds[i]);
	}
	json_decref(p);
	stage_names(1, names, sizeof names);
	cr_assert_str_eq(names,
			 "First contact,Proposal,Follow-up,Demo scheduled,Negotiation,Won,Lost");
	StageInfo si;
	cr_assert_eq(stage_first_open(fx.db, 0, &si, &err), KITH_OK);
	cr_assert_eq(si.pipeline_id, 1);
	cr_assert_eq(si.probability, 10);
	cr_assert_eq(pipeline_get(fx.db, 99, &p, &err), ERR_NOT_FOUND);
}

Test(pipeline, create_validation_names_the_field_and_stores_nothing)
{
	static const struct {
		const char *json;
		int code;
		const char *field;
	} cases[] = {
		{"[]", ERR_INVALID, ""},
		{"{\"stages\": []}", ERR_INVALID, "name"},
		{"{\"name\": \"  \", \"stages\": []}", ERR_INVALID, "name"},
		{"{\"name\": \"P\", \"color\": 1}", ERR_INVALID, "color"},
		{"{\"name\": \"P\"}", ERR_INVALID, "stages"},
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"A\", \"probability\": 1}]}", ERR_INVALID,
		 "stages"},
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"A\", \"probability\": 1}, {\"name\": "
		 "\"W\", \"probability\": 100, \"kind\": \"won\"}, {\"name\": \"L\", \"probability\": "
		 "101, \"kind\": \"lost\"}]}",
		 ERR_INVALID, "stages[2].probability"},
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"A\", \"probability\": \"5\"}, {\"name\": "
		 "\"W\", \"probability\": 100, \"kind\": \"won\"}, {\"name\": \"L\", \"probability\": "
		 "0, \"kind\": \"lost\"}]}",
		 ERR_INVALID, "stages[0].probability"},
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"A\", \"probability\": 5, \"kind\": "
		 "\"maybe\"}, {\"name\": \"W\", \"probability\": 100, \"kind\": \"won\"}, {\"name\": "
		 "\"L\", \"probability\": 0, \"kind\": \"lost\"}]}",
		 ERR_INVALID, "stages[0].kind"},
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"\", \"probability\": 5}, {\"name\": "
		 "\"W\", \"probability\": 100, \"kind\": \"won\"}, {\"name\": \"L\", \"probability\": "
		 "0, \"kind\": \"lost\"}]}",
		 ERR_INVALID, "stages[0].name"},
		/* the open/won/lost rule */
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"A\", \"probability\": 5, \"kind\": "
		 "\"lost\"}, {\"name\": \"W\", \"probability\": 100, \"kind\": \"won\"}, {\"name\": "
		 "\"L\", \"probability\": 0, \"kind\": \"lost\"}]}",
		 ERR_INVALID, "kind"},
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"A\", \"probability\": 5}, {\"name\": "
		 "\"B\", \"probability\": 100}, {\"name\": \"L\", \"probability\": 0, \"kind\": "
		 "\"lost\"}]}",
		 ERR_INVALID, "kind"},
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"A\", \"probability\": 5}, {\"name\": "
		 "\"W\", \"probability\": 100, \"kind\": \"won\"}, {\"name\": \"W2\", \"probability\": "
		 "100, \"kind\": \"won\"}, {\"name\": \"L\", \"probability\": 0, \"kind\": "
		 "\"lost\"}]}",
		 ERR_INVALID, "kind"},
		{"{\"name\": \"P\", \"stages\": [{\"name\": \"A\", \"probability\": 5}, {\"name\": "
		 "\"a\", \"probability\": 6}, {\"name\": \"W\", \"probability\": 100, \"kind\": "
		 "\"won\"}, {\"name\": \"L\", \"probability\": 0, \"kind\": \"lost\"}]}",
		 ERR_CONFLICT, "name"},
		/* folded name taken by the default pipeline */
		{"{\"name\": \"SALES\", \"stages\": [{\"name\": \"A\", \"probability\": 5}, {\"name\": "
		 "\"W\", \"probability\": 100, \"kind\": \"won\"}, {\"name\": \"L\", \"probability\": "
		 "0, \"kind\": \"lost\"}]}",
		 ERR_CONFLICT, "name"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int64_t id = 0;
		json_t *in = load(cases[i].json);
		cr_expect_eq(pipeline_create(fx.db, &sys, in, &id, &err), cases[i].code, "%s: %s %s",
			     cases[i].json, err.field, err.msg);
		cr_expect_str_eq(err.field, cases[i].field, "%s", cases[i].json);
		json_decref(in);
	}
	cr_assert_eq(n_pipelines(), 1);
}

static int64_t make_rental(void)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = load("{\"name\": \"Rentals\", \"stages\": [{\"name\": \"Inquiry\", "
			  "\"probability\": 20}, {\"name\": \"Signed\", \"probability\": 100, "
			  "\"kind\": \"won\"}, {\"name\": \"Gone\", \"probability\": 0, \"kind\": "
			  "\"lost\"}]}");
	cr_assert_eq(pipeline_create(fx.db, &sys, in, &id, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	json_decref(in);
	return id;
}

Test(pipeline, create_rename_and_stages)
{
	Err err = {0};
	json_t *p = NULL, *in;
	char names[512];
	int64_t id = make_rental(), sid = 0;
	cr_assert_eq(n_pipelines(), 2);
	stage_names(id, names, sizeof names);
	cr_assert_str_eq(names, "Inquiry,Signed,Gone");

	/* a new stage goes after the last open one by default */
	in = load("{\"name\": \"Viewing\", \"probability\": 50}");
	cr_assert_eq(stage_add(fx.db, &sys, id, in, &sid, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	stage_names(id, names, sizeof names);
	cr_assert_str_eq(names, "Inquiry,Viewing,Signed,Gone");

	/* reorder: Viewing first */
	in = load("{\"position\": 1, \"probability\": 60}");
	cr_assert_eq(stage_update(fx.db, &sys, sid, in, 0, &p, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(json_integer_value(json_object_get(
			     json_array_get(json_object_get(p, "stages"), 0), "probability")),
		     60);
	json_decref(p);
	stage_names(id, names, sizeof names);
	cr_assert_str_eq(names, "Viewing,Inquiry,Signed,Gone");

	/* a position past the end puts it last */
	in = load("{\"position\": 99}");
	cr_assert_eq(stage_update(fx.db, &sys, sid, in, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	stage_names(id, names, sizeof names);
	cr_assert_str_eq(names, "Inquiry,Signed,Gone,Viewing");

	/* rename the pipeline; a stale version is refused */
	in = load("{\"name\": \"Lettings\"}");
	cr_assert_eq(pipeline_update(fx.db, &sys, id, in, 1, &p, &err), ERR_STALE);
	cr_assert_eq(pipeline_update(fx.db, &sys, id, in, 0, &p, &err), KITH_OK, "%s", err.msg);
	cr_assert_str_eq(json_string_value(json_object_get(p, "name")), "Lettings");
	json_decref(p);
	json_decref(in);
	in = load("{\"name\": \"sales\"}");
	cr_assert_eq(pipeline_update(fx.db, &sys, id, in, 0, NULL, &err), ERR_CONFLICT);
	cr_assert_str_eq(err.field, "name");
	json_decref(in);
}

Test(pipeline, stage_edit_and_add_bad_input)
{
	static const struct {
		const char *json;
		const char *field;
	} cases[] = {
		{"{\"probability\": -1}", "probability"},  {"{\"probability\": 1.5}", "probability"},
		{"{\"kind\": \"closed\"}", "kind"},         {"{\"position\": 0}", "position"},
		{"{\"name\": \"\"}", "name"},               {"{\"stage\": 1}", "stage"},
		{"{\"name\": \"proposal\"}", "name"},       /* taken in the pipeline (folded) */
	};
	int64_t first = stage_id(1, "First contact");
	char before[512], after[512];
	stage_names(1, before, sizeof before);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		json_t *in = load(cases[i].json);
		cr_expect_neq(stage_update(fx.db, &sys, first, in, 0, NULL, &err), KITH_OK, "%s",
			      cases[i].json);
		cr_expect_str_eq(err.field, cases[i].field, "%s: %s", cases[i].json, err.msg);
		json_decref(in);
	}
	stage_names(1, after, sizeof after);
	cr_assert_str_eq(before, after);
	Err err = {0};
	int64_t sid = 0;
	json_t *in = load("{\"name\": \"X\"}");
	cr_assert_eq(stage_add(fx.db, &sys, 1, in, &sid, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "probability");
	json_decref(in);
	in = load("{\"name\": \"X\", \"probability\": 5}");
	cr_assert_eq(stage_add(fx.db, &sys, 77, in, &sid, &err), ERR_NOT_FOUND);
	cr_assert_eq(stage_update(fx.db, &sys, 999, in, 0, NULL, &err), ERR_NOT_FOUND);
	json_decref(in);
}

/* Won and lost are roles: taking one hands it over, and only empty stages
 * change kind, because a deal's status follows its stage. */
Test(pipeline, won_and_lost_roles_move_between_empty_stages)
{
	Err err = {0};
	int64_t won = stage_id(1, "Won"), lost = stage_id(1, "Lost");
	int64_t nego = stage_id(1, "Negotiation"), proposal = stage_id(1, "Proposal"), deal = 0;
	json_t *in = load("{\"kind\": \"won\"}"), *p = NULL;
	cr_assert_eq(stage_update(fx.db, &sys, nego, in, 0, &p, &err), KITH_OK, "%s", err.msg);
	json_t *stages = json_object_get(p, "stages");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(stages, 4), "kind")),
			 "won"); /* Negotiation */
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(stages, 5), "kind")),
			 "open"); /* the old Won */
	json_decref(p);
	json_decref(in);

	/* a stage with a deal (even trashed) keeps its kind; so does a holder */
	char js[64];
	snprintf(js, sizeof js, "{\"title\": \"T\", \"stage_id\": %lld}", (long long)proposal);
	in = load(js);
	cr_assert_eq(deal_create(fx.db, &sys, in, &deal, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(deal_delete(fx.db, &sys, deal, &err), KITH_OK);
	in = load("{\"kind\": \"lost\"}");
	cr_assert_eq(stage_update(fx.db, &sys, proposal, in, 0, NULL, &err), ERR_CONFLICT);
	cr_assert_str_eq(err.field, "kind");
	/* the old Won (now open) takes the lost role from Lost */
	cr_assert_eq(stage_update(fx.db, &sys, won, in, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	StageInfo si;
	cr_assert_eq(stage_info(fx.db, lost, "id", &si, &err), KITH_OK);
	cr_assert_eq(si.kind, STAGE_OPEN);
	/* giving up the only won role without a taker breaks the rule */
	in = load("{\"kind\": \"open\"}");
	cr_assert_eq(stage_update(fx.db, &sys, nego, in, 0, NULL, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "kind");
	json_decref(in);
	/* won and lost swap in one step */
	in = load("{\"kind\": \"lost\"}");
	cr_assert_eq(stage_update(fx.db, &sys, nego, in, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(stage_info(fx.db, won, "id", &si, &err), KITH_OK);
	cr_assert_eq(si.kind, STAGE_WON);
	in = load("{\"kind\": \"won\"}");
	cr_assert_eq(stage_update(fx.db, &sys, nego, in, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	/* a holder with deals refuses the handover, and nothing changes */
	snprintf(js, sizeof js, "{\"title\": \"W\", \"stage_id\": %lld}", (long long)nego);
	in = load(js);
	cr_assert_eq(deal_create(fx.db, &sys, in, &deal, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	in = load("{\"kind\": \"won\"}");
	cr_assert_eq(stage_update(fx.db, &sys, lost, in, 0, NULL, &err), ERR_CONFLICT);
	cr_assert_str_eq(err.field, "kind");
	json_decref(in);
	cr_assert_eq(stage_info(fx.db, nego, "id", &si, &err), KITH_OK);
	cr_assert_eq(si.kind, STAGE_WON);
}

Test(pipeline, stage_edits_check_the_pipeline_version)
{
	Err err = {0};
	json_t *p = NULL, *in = load("{\"probability\": 15}");
	cr_assert_eq(pipeline_get(fx.db, 1, &p, &err), KITH_OK);
	int64_t v = json_integer_value(json_object_get(p, "version"));
	json_decref(p);
	int64_t sid = stage_id(1, "First contact");
	cr_assert_eq(stage_update(fx.db, &sys, sid, in, v + 1, NULL, &err), ERR_STALE);
	cr_assert_eq(stage_update(fx.db, &sys, sid, in, v, &p, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_integer_value(json_object_get(p, "version")), v + 1);
	json_decref(p);
	cr_assert_eq(stage_update(fx.db, &sys, sid, in, v, NULL, &err), ERR_STALE);
	json_decref(in);
}

Test(pipeline, removing_stages)
{
	Err err = {0};
	int64_t id = make_rental(), deal = 0;
	int64_t inquiry = stage_id(id, "Inquiry"), won = stage_id(id, "Signed");
	/* the only open / won stage cannot go */
	cr_assert_eq(stage_remove(fx.db, &sys, inquiry, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "kind");
	cr_assert_eq(stage_remove(fx.db, &sys, won, &err), ERR_INVALID);
	/* a stage with a deal (even in the trash) cannot go */
	int64_t proposal = stage_id(1, "Proposal");
	char in_json[64];
	snprintf(in_json, sizeof in_json, "{\"title\": \"T\", \"stage_id\": %lld}",
		 (long long)proposal);
	json_t *in = load(in_json);
	cr_assert_eq(deal_create(fx.db, &sys, in, &deal, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(deal_delete(fx.db, &sys, deal, &err), KITH_OK);
	cr_assert_eq(stage_remove(fx.db, &sys, proposal, &err), ERR_CONFLICT);
	cr_assert_str_eq(err.field, "stage_id");
	/* a free stage goes; positions close up */
	char names[512];
	cr_assert_eq(stage_remove(fx.db, &sys, stage_id(1, "Follow-up"), &err), KITH_OK, "%s",
		     err.msg);
	stage_names(1, names, sizeof names);
	cr_assert_str_eq(names, "First contact,Proposal,Demo scheduled,Negotiation,Won,Lost");
	cr_assert_eq(stage_remove(fx.db, &sys, 999, &err), ERR_NOT_FOUND);
}

Test(pipeline, members_may_not_change_pipelines_and_changes_are_audited)
{
	Err err = {0};
	int64_t uid = 0, id = 0;
	Actor m;
	cr_assert_eq(user_add(fx.db, &sys, "o@example.com", "O", "owner", "password1", &uid, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(user_add(fx.db, &sys, "m@example.com", "M", "member", "password1", &uid, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(user_actor_by_email(fx.db, "m@example.com", &m, &err), KITH_OK);
	json_t *in = load("{\"name\": \"Mine\"}");
	cr_assert_eq(pipeline_update(fx.db, &m, 1, in, 0, NULL, &err), ERR_FORBIDDEN);
	cr_assert_eq(pipeline_create(fx.db, &m, in, &id, &err), ERR_FORBIDDEN);
	cr_assert_eq(stage_remove(fx.db, &m, stage_id(1, "Follow-up"), &err), ERR_FORBIDDEN);
	cr_assert_eq(stage_update(fx.db, &m, stage_id(1, "Follow-up"), in, 0, NULL, &err),
		     ERR_FORBIDDEN);
	cr_assert_eq(stage_add(fx.db, &m, 1, in, &id, &err), ERR_FORBIDDEN);
	/* members may read */
	json_t *p = NULL;
	cr_assert_eq(pipeline_get(fx.db, 1, &p, &err), KITH_OK);
	json_decref(p);
	cr_assert_eq(pipeline_update(fx.db, &sys, 1, in, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	json_t *h = NULL;
	cr_assert_eq(audit_list(fx.db, "pipeline", 1, 10, &h, &err), KITH_OK);
	cr_assert_eq(json_array_size(h), 1);
	json_t *e = json_array_get(h, 0);
	cr_assert_str_eq(json_string_value(json_object_get(e, "action")), "update");
	json_t *name = json_object_get(json_object_get(e, "changes"), "name");
	cr_assert_str_eq(json_string_value(json_array_get(name, 0)), "Sales");
	cr_assert_str_eq(json_string_value(json_array_get(name, 1)), "Mine");
	json_decref(h);
}

Test(pipeline, a_stage_in_the_history_cannot_go_but_names_the_field)
{
	Err err = {0};
	int64_t deal = 0;
	int64_t proposal = stage_id(1, "Proposal"), demo = stage_id(1, "Demo scheduled");
	char in_json[64];
	snprintf(in_json, sizeof in_json, "{\"title\": \"T\", \"stage_id\": %lld}",
		 (long long)proposal);
	json_t *in = load(in_json);
	cr_assert_eq(deal_create(fx.db, &sys, in, &deal, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(deal_move(fx.db, &sys, deal, demo, 0, NULL, NULL, &err), KITH_OK, "%s",
		     err.msg);
	/* no deal is in Proposal now, but the history names it */
	cr_expect_eq(stage_remove(fx.db, &sys, proposal, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "stage_id");
	cr_expect_not_null(strstr(err.msg, "history"), "%s", err.msg);
}

/* kith deal move ID STAGE: a stage of the pipeline by id, folded name or
 * unique beginning; unknown and ambiguous names name the field. */
Test(pipeline, stage_find_by_id_name_or_prefix)
{
	Err err = {0};
	int64_t id = 0, other = 0;
	json_t *in = load("{\"name\":\"Other\",\"stages\":[{\"name\":\"Propozycja\",\"probability\":"
			  "10},{\"name\":\"W\",\"probability\":100,\"kind\":\"won\"},{\"name\":\"L\","
			  "\"probability\":0,\"kind\":\"lost\"}]}");
	cr_assert_eq(pipeline_create(fx.db, &sys, in, &other, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	int64_t proposal = stage_id(1, "Proposal");
	cr_assert_eq(stage_find(fx.db, 1, "proposal", "STAGE", &id, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(id, proposal);
	cr_assert_eq(stage_find(fx.db, 1, "NEGO", "STAGE", &id, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(id, stage_id(1, "Negotiation"));
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)proposal);
	cr_assert_eq(stage_find(fx.db, 1, num, "STAGE", &id, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(id, proposal);
	/* a stage of another pipeline is not found by id or by name */
	snprintf(num, sizeof num, "%lld", (long long)stage_id(other, "Propozycja"));
	cr_expect_eq(stage_find(fx.db, 1, num, "STAGE", &id, &err), ERR_INVALID);
	cr_expect_eq(stage_find(fx.db, 1, "propozycja", "STAGE", &id, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "STAGE");
	cr_expect(strstr(err.msg, "Proposal") != NULL, "lists the stages: %s", err.msg);
	cr_expect_eq(stage_find(fx.db, 1, "f", "STAGE", &id, &err), ERR_INVALID);
	cr_expect(strstr(err.msg, "several") != NULL, "%s", err.msg);
	cr_expect_eq(stage_find(fx.db, 1, "", "STAGE", &id, &err), ERR_INVALID);
}
