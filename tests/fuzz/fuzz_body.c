/* fuzz_body.c - libFuzzer target for request bodies: the JSON parser the
 * server runs on every body (body_parse), then each noun's validation. The
 * input is "SELECTOR\nBODY":
 *   contact | company | activity | task | deal | pipeline | stage | field
 *       create from BODY with the domain function the API calls, then patch
 *       the new record and record 1 with BODY (update);
 *   POST /api/v1/...
 *       the handler of that route (routes.def), for POST routes with a body
 *       (merge, tags, move, snooze, collaborators, reassign...);
 * and "member " in front acts as a demo member instead of the owner.
 * Checks: a bad body is refused with a 4xx whose problem document encodes;
 * the domain never answers a storage or internal error (a 500: its
 * validation let something through that the schema refused). Writes are
 * rolled back after each input. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm/activity.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/field.h"
#include "crm/pipeline.h"
#include "crm/task.h"
#include "fuzz.h"
#include "http/body.h"
#include "http/http.h"
#include "http/problem.h"
#include "http/route.h"

/* A problem document for err must encode (else the client gets a 500). */
static void want_problem(int status, const Err *err)
{
	json_t *p = status == 400 ? problem_new(400, NULL, err->msg, err->field, err->msg, 0)
				  : problem_from_err(err);
	char *text = p ? json_dumps(p, 0) : NULL;
	if (!text)
		abort();
	free(text);
	json_decref(p);
}

/* FUZZ_VERBOSE=1 in the environment prints every answer: to check that
 * new seeds get past the validation they aim at. */
static void trace(const char *what, int rc, const Err *err)
{
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%s: %s %s %s\n", what, rc ? err_code_name(rc) : "ok", err->field,
			rc ? err->msg : "");
}

/* A domain answer: success, or an error a client caused. */
static void want_answer(const char *what, int rc, const Err *err)
{
	trace(what, rc, err);
	if (rc == KITH_OK)
		return;
	if (rc != err->code || rc == ERR_STORAGE || rc == ERR_INTERNAL || rc == ERR_BUSY)
		abort();
	want_problem(0, err);
}

static int create_contact(Db *db, const Actor *a, const json_t *in, int64_t *id, Err *err)
{
	return contact_create(db, a, in, 0, id, err);
}
static int update_contact(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out,
			  Err *err)
{
	return contact_update(db, a, id, in, 0, 0, out, err);
}
static int create_company(Db *db, const Actor *a, const json_t *in, int64_t *id, Err *err)
{
	return company_create(db, a, in, 0, id, err);
}
static int update_company(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out,
			  Err *err)
{
	return company_update(db, a, id, in, 0, out, err);
}
static int update_activity(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out,
			   Err *err)
{
	return activity_update(db, a, id, in, 0, out, err);
}
static int update_task(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out, Err *err)
{
	return task_update(db, a, id, in, 0, out, err);
}
static int update_deal(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out, Err *err)
{
	return deal_update(db, a, id, in, 0, out, err);
}
static int update_pipeline(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out,
			   Err *err)
{
	return pipeline_update(db, a, id, in, 0, out, err);
}
static int create_stage(Db *db, const Actor *a, const json_t *in, int64_t *id, Err *err)
{
	return stage_add(db, a, 1, in, id, err);
}
static int update_stage(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out,
			Err *err)
{
	return stage_update(db, a, id, in, 0, out, err);
}
static int update_field(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out,
			Err *err)
{
	return field_update(db, a, id, in, 0, out, err);
}

typedef struct Noun {
	const char *name;
	int (*create)(Db *db, const Actor *a, const json_t *in, int64_t *id, Err *err);
	int (*update)(Db *db, const Actor *a, int64_t id, const json_t *in, json_t **out, Err *err);
} Noun;

static const Noun nouns[] = {
    {"contact", create_contact, update_contact},
    {"company", create_company, update_company},
    {"activity", activity_create, update_activity},
    {"task", task_create, update_task},
    {"deal", deal_create, update_deal},
    {"pipeline", pipeline_create, update_pipeline},
    {"stage", create_stage, update_stage},
    {"field", field_define, update_field},
};

static void run_noun(FuzzDb *f, const Noun *n, const Actor *a, const json_t *body)
{
	Err err = {0};
	int64_t id = 0;
	json_t *out = NULL;
	int rc = n->create(f->db, a, body, &id, &err);
	want_answer("create", rc, &err);
	int64_t ids[] = {1, rc == KITH_OK ? id : 0};
	for (size_t i = 0; i < 2 && ids[i]; i++) {
		err_clear(&err);
		rc = n->update(f->db, a, ids[i], body, &out, &err);
		want_answer(i ? "update new" : "update 1", rc, &err);
		json_decref(out);
		out = NULL;
	}
}

static void run_route(FuzzDb *f, const char *sel, const Actor *a, json_t *body)
{
	int n;
	const Route *table = route_table(&n);
	RouteMatch m;
	if (strncmp(sel, "POST ", 5) != 0 ||
	    route_find(table, n, "POST", sel + 5, &m) != ROUTE_FOUND ||
	    !(m.route->flags & ROUTE_BODY) || (m.route->perm == PERM_ADMIN && !access_is_admin(a)))
		return;
	Req req = {.db = f->db,
		   .actor = *a,
		   .method = "POST",
		   .path = sel + 5,
		   .id = m.id,
		   .sub_id = m.sub_id,
		   .body = body};
	m.route->fn(&req);
	if (getenv("FUZZ_VERBOSE")) {
		char *o = req.out ? json_dumps(req.out, 0) : NULL;
		fprintf(stderr, "%s: %d %.300s\n", sel, req.status, o ? o : "");
		free(o);
	}
	char *text = req.out ? json_dumps(req.out, 0) : NULL;
	if (req.status >= 500 || req.status < 200 || (req.out && !text))
		abort();
	free(text);
	json_decref(req.out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzDb *f = fuzz_db();
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n_sel = nl ? (size_t)(nl - data) : size;
	char *sel = fuzz_cstr(data, n_sel);
	const char *body_text = nl ? (const char *)nl + 1 : "";
	size_t n_body = nl ? size - n_sel - 1 : 0;
	const Actor *a = &f->owner;
	json_t *body = NULL;
	Err err = {0};
	if (body_parse(body_text, n_body, &body, &err) != KITH_OK) {
		if (err.code != ERR_INVALID || body)
			abort();
		trace("body", err.code, &err);
		want_problem(400, &err);
		free(sel);
		return 0;
	}
	const char *s = sel;
	if (strncmp(s, "member ", 7) == 0) {
		a = &f->member;
		s += 7;
	}
	fuzz_db_begin(f);
	for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
		if (strcmp(s, nouns[i].name) == 0)
			run_noun(f, &nouns[i], a, body);
	run_route(f, s, a, body);
	fuzz_db_undo(f);
	json_decref(body);
	free(sel);
	return 0;
}
