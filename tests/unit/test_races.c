/* test_races.c - the rules that span rows hold with many writers (issue 8,
 * "Races"; pg-census §12 R1-R17): each test runs two or eight competing
 * actions from as many threads, each on a connection of its own to one
 * database, started together, and asserts the exact outcome (one 200 and
 * one 412, one contact and seven conflicts, one next occurrence).
 *
 * The database is the fixture's (race_target()): an SQLite file today,
 * where BEGIN IMMEDIATE serialises the writers, so these tests pin the
 * outcome that the row locks, key locks and conditional writes must keep
 * on PostgreSQL, where writers do run side by side. Nothing here depends
 * on the backend: point race_target() at a PostgreSQL database and the
 * same bodies run there. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/limits.h"
#include "core/record.h"
#include "crm/collab.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/field.h"
#include "crm/pipeline.h"
#include "crm/task.h"
#include "fixture.h"
#include "store/idempotency.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;

/* Stage ids of the default Sales pipeline (created by migration 008). */
enum { FIRST = 1, PROPOSAL = 2, QUALIFIED = 3, MEETING = 4, NEGOTIATION = 5, WON = 6, LOST = 7 };

enum { RACERS_MAX = 8 };

static void setup(void)
{
	fixture_open(&fx, "PL");
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(races, .init = setup, .fini = teardown, .timeout = 120);

/* The database every racer connects to: the fixture's. */
static const char *race_target(void)
{
	return fx.path;
}

/* One competitor: its number, what its action returned, and what it made. */
typedef struct Racer {
	int i;	    /* 0 .. n-1 */
	int rc;	    /* the action's result; -1: could not connect */
	Err err;    /* its error */
	int64_t id; /* an id the action made (a new record, a next task) */
} Racer;

typedef int (*RaceFn)(Db *db, Racer *r);

typedef struct Race {
	pthread_barrier_t go;
	RaceFn fn;
	Racer r[RACERS_MAX];
} Race;

static Race race_now;

static void *racer_main(void *arg)
{
	Racer *r = arg;
	Db *db = NULL;
	Err err = {0};
	int rc = db_open(&db, race_target(), 0, &err);
	pthread_barrier_wait(&race_now.go); /* all connected: start together */
	if (rc) {
		r->rc = -1;
		r->err = err;
		return NULL;
	}
	r->rc = race_now.fn(db, r);
	db_close(db);
	return NULL;
}

/* Run fn from n threads at once, each on its own connection; the results
 * are in race_now.r[0..n-1]. Criterion asserts stay on this thread. */
static Racer *race(int n, RaceFn fn)
{
	pthread_t t[RACERS_MAX];
	cr_assert_leq(n, RACERS_MAX);
	memset(&race_now, 0, sizeof race_now);
	race_now.fn = fn;
	cr_assert_eq(pthread_barrier_init(&race_now.go, NULL, (unsigned)n), 0);
	for (int i = 0; i < n; i++) {
		race_now.r[i].i = i;
		cr_assert_eq(pthread_create(&t[i], NULL, racer_main, &race_now.r[i]), 0);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&race_now.go);
	for (int i = 0; i < n; i++)
		cr_assert_neq(race_now.r[i].rc, -1, "racer %d: %s", i, race_now.r[i].err.msg);
	return race_now.r;
}

/* How many racers ended with rc. */
static int ended(const Racer *r, int n, int rc)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += r[i].rc == rc;
	return k;
}

/* Every racer ended with one of ok or other; print the odd one. */
static void only(const Racer *r, int n, int ok, int other)
{
	for (int i = 0; i < n; i++)
		cr_assert(r[i].rc == ok || r[i].rc == other, "racer %d: rc %d: %s: %s", i, r[i].rc,
			  r[i].err.field, r[i].err.msg);
}

/* What the racers share: set by the test before the race. */
static int64_t the_id, the_version;

/* A fresh JSON value from a printf format (the racer's number in it). */
static json_t *jsonf(const char *fmt, int i)
{
	char buf[256];
	json_error_t je;
	snprintf(buf, sizeof buf, fmt, i);
	return json_loads(buf, 0, &je);
}

static int64_t version_of(const char *sql, int64_t id)
{
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	int64_t v = db_col_int(st, 0);
	db_reset(st);
	return v;
}

/* ---- R1: If-Match: two PATCHes with one version give one OK, one stale -- */

static int upd_contact(Db *db, Racer *r)
{
	json_t *p = jsonf("{\"last_name\":\"Racer %d\"}", r->i);
	int rc = contact_update(db, &sys, the_id, p, the_version, 0, NULL, &r->err);
	json_decref(p);
	return rc;
}

static int upd_company(Db *db, Racer *r)
{
	json_t *p = jsonf("{\"notes\":\"racer %d\"}", r->i);
	int rc = company_update(db, &sys, the_id, p, the_version, NULL, &r->err);
	json_decref(p);
	return rc;
}

static int upd_deal(Db *db, Racer *r)
{
	json_t *p = jsonf("{\"title\":\"Deal %d\"}", r->i);
	int rc = deal_update(db, &sys, the_id, p, the_version, NULL, &r->err);
	json_decref(p);
	return rc;
}

static int move_deal(Db *db, Racer *r)
{
	return deal_move(db, &sys, the_id, r->i ? PROPOSAL : NEGOTIATION, the_version, NULL, NULL,
			 &r->err);
}

static int upd_activity(Db *db, Racer *r)
{
	json_t *p = jsonf("{\"subject\":\"Call %d\"}", r->i);
	int rc = activity_update(db, &sys, the_id, p, the_version, NULL, &r->err);
	json_decref(p);
	return rc;
}

static int upd_task(Db *db, Racer *r)
{
	json_t *p = jsonf("{\"title\":\"Task %d\"}", r->i);
	int rc = task_update(db, &sys, the_id, p, the_version, NULL, &r->err);
	json_decref(p);
	return rc;
}

static int upd_field(Db *db, Racer *r)
{
	json_t *p = jsonf("{\"label\":\"Label %d\"}", r->i);
	int rc = field_update(db, &sys, the_id, p, the_version, NULL, &r->err);
	json_decref(p);
	return rc;
}

static int upd_pipeline(Db *db, Racer *r)
{
	json_t *p = jsonf("{\"name\":\"Pipeline %d\"}", r->i);
	int rc = pipeline_update(db, &sys, the_id, p, the_version, NULL, &r->err);
	json_decref(p);
	return rc;
}

static int upd_stage(Db *db, Racer *r)
{
	json_t *p = jsonf("{\"name\":\"Stage %d\"}", r->i);
	int rc = stage_update(db, &sys, PROPOSAL, p, the_version, NULL, &r->err);
	json_decref(p);
	return rc;
}

/* Two racers send fn with the version read: one OK, one ERR_STALE, and the
 * stored version moved by one (sql reads it). */
static void one_wins(RaceFn fn, const char *sql, const char *what)
{
	the_version = version_of(sql, the_id);
	Racer *r = race(2, fn);
	only(r, 2, KITH_OK, ERR_STALE);
	cr_expect_eq(ended(r, 2, KITH_OK), 1, "%s: one PATCH wins", what);
	cr_expect_eq(ended(r, 2, ERR_STALE), 1, "%s: the other is told it is stale", what);
	for (int i = 0; i < 2; i++)
		if (r[i].rc == ERR_STALE)
			cr_expect_str_eq(r[i].err.field, "version", "%s", what);
	cr_expect_eq(version_of(sql, the_id), the_version + 1, "%s: one new version", what);
}

Test(races, if_match_contact)
{
	the_id = fixture_contact(&fx, &sys, "{\"first_name\":\"Anna\"}");
	one_wins(upd_contact, "SELECT version FROM contact WHERE id = ?", "contact");
}

Test(races, if_match_company)
{
	Err err = {0};
	json_t *in = fixture_json("{\"legal_name\":\"Acme\"}");
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &the_id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	one_wins(upd_company, "SELECT version FROM company WHERE id = ?", "company");
}

static int64_t new_deal(void)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json("{\"title\":\"Website\"}");
	cr_assert_eq(deal_create(fx.db, &sys, in, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	return id;
}

Test(races, if_match_deal_update_and_move)
{
	the_id = new_deal();
	one_wins(upd_deal, "SELECT version FROM deal WHERE id = ?", "deal");
	one_wins(move_deal, "SELECT version FROM deal WHERE id = ?", "deal move");
}

Test(races, if_match_activity_and_task)
{
	Err err = {0};
	int64_t c = fixture_contact(&fx, &sys, "{\"first_name\":\"Anna\"}");
	json_t *in = json_pack("{ss sI}", "kind", "call", "contact_id", (json_int_t)c);
	cr_assert_eq(activity_create(fx.db, &sys, in, &the_id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	one_wins(upd_activity, "SELECT version FROM activity WHERE id = ?", "activity");
	in = fixture_json("{\"title\":\"Call back\"}");
	cr_assert_eq(task_create(fx.db, &sys, in, &the_id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	one_wins(upd_task, "SELECT version FROM task WHERE id = ?", "task");
}

Test(races, if_match_field_pipeline_stage)
{
	Err err = {0};
	json_t *in = fixture_json(
	    "{\"entity\":\"contact\",\"key\":\"shoe\",\"label\":\"Shoe\",\"type\":\"text\"}");
	cr_assert_eq(field_define(fx.db, &sys, in, &the_id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	one_wins(upd_field, "SELECT version FROM field_def WHERE id = ?", "field");
	the_id = 1;
	one_wins(upd_pipeline, "SELECT version FROM pipeline WHERE id = ?", "pipeline");
	/* a stage's version is its pipeline's */
	one_wins(upd_stage, "SELECT version FROM pipeline WHERE id = ?", "stage");
}

/* ---- R1b, R14: no update is lost without If-Match -------------------------- */

static int tag_contact(Db *db, Racer *r)
{
	json_t *add = jsonf("[\"race-%d\"]", r->i);
	int rc = contact_tag(db, &sys, the_id, add, NULL, NULL, &r->err);
	json_decref(add);
	return rc;
}

static int tag_company(Db *db, Racer *r)
{
	json_t *add = jsonf("[\"race-%d\"]", r->i);
	int rc = company_tag(db, &sys, the_id, add, NULL, NULL, &r->err);
	json_decref(add);
	return rc;
}

static int edit_contact(Db *db, Racer *r)
{
	json_t *p = fixture_json(r->i ? "{\"job_title\":\"CEO\"}" : "{\"notes\":\"met in Łódź\"}");
	int rc = contact_update(db, &sys, the_id, p, 0, 0, NULL, &r->err);
	json_decref(p);
	return rc;
}

Test(races, concurrent_tags_and_edits_of_one_record_all_stay)
{
	Err err = {0};
	json_t *c = NULL;
	the_id = fixture_contact(&fx, &sys, "{\"first_name\":\"Anna\"}");
	Racer *r = race(RACERS_MAX, tag_contact);
	cr_expect_eq(ended(r, RACERS_MAX, KITH_OK), RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact_tag"), RACERS_MAX,
		     "every racer's tag stays");
	r = race(2, edit_contact);
	cr_expect_eq(ended(r, 2, KITH_OK), 2);
	cr_assert_eq(contact_get(fx.db, &sys, the_id, 0, &c, &err), KITH_OK, "%s", err.msg);
	cr_expect_str_eq(fixture_str(c, "job_title"), "CEO", "the first edit stays");
	cr_expect_str_eq(fixture_str(c, "notes"), "met in Łódź", "and the second");
	cr_expect_eq(fixture_int(c, "version"), 1 + RACERS_MAX + 2);
	json_decref(c);

	json_t *in = fixture_json("{\"legal_name\":\"Acme\"}");
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &the_id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	r = race(RACERS_MAX, tag_company);
	cr_expect_eq(ended(r, RACERS_MAX, KITH_OK), RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM company_tag"), RACERS_MAX);
}

Test(races, tags_per_record_limit_holds)
{
	char json[4096];
	size_t n = (size_t)snprintf(json, sizeof json, "{\"first_name\":\"Anna\",\"tags\":[");
	for (unsigned i = 0; i + 1 < KITH_MAX_TAGS; i++)
		n += (size_t)snprintf(json + n, sizeof json - n, "%s\"t%u\"", i ? "," : "", i);
	snprintf(json + n, sizeof json - n, "]}");
	the_id = fixture_contact(&fx, &sys, json);
	Racer *r = race(4, tag_contact);
	only(r, 4, KITH_OK, ERR_INVALID);
	cr_expect_eq(ended(r, 4, KITH_OK), 1, "room for one more tag");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact_tag"), KITH_MAX_TAGS);
}

/* ---- R2: duplicate guard --------------------------------------------------- */

static int create_email(Db *db, Racer *r)
{
	json_t *in = jsonf("{\"first_name\":\"Racer %d\",\"emails\":[\"Ann@Example.PL\"]}", r->i);
	int rc = contact_create(db, &sys, in, 0, &r->id, &r->err);
	json_decref(in);
	return rc;
}

static int create_phone(Db *db, Racer *r)
{
	/* the same number, typed two ways */
	json_t *in = jsonf(r->i % 2 ? "{\"first_name\":\"Racer %d\",\"phones\":[\"601 234 567\"]}"
				    : "{\"first_name\":\"Racer %d\",\"phones\":[\"+48601234567\"]}",
			   r->i);
	int rc = contact_create(db, &sys, in, 0, &r->id, &r->err);
	json_decref(in);
	return rc;
}

static int create_email_forced(Db *db, Racer *r)
{
	json_t *in = jsonf("{\"first_name\":\"Racer %d\",\"emails\":[\"ann@example.pl\"]}", r->i);
	int rc = contact_create(db, &sys, in, CONTACT_FORCE, &r->id, &r->err);
	json_decref(in);
	return rc;
}

static int add_email_to_existing(Db *db, Racer *r)
{
	json_t *p = fixture_json("{\"emails\":[\"shared@example.com\"]}");
	int rc = contact_update(db, &sys, the_id + r->i, p, 0, 0, NULL, &r->err);
	json_decref(p);
	return rc;
}

Test(races, eight_creates_of_one_email_make_one_contact)
{
	Racer *r = race(RACERS_MAX, create_email);
	only(r, RACERS_MAX, KITH_OK, ERR_CONFLICT);
	cr_expect_eq(ended(r, RACERS_MAX, KITH_OK), 1);
	cr_expect_eq(ended(r, RACERS_MAX, ERR_CONFLICT), RACERS_MAX - 1);
	for (int i = 0; i < RACERS_MAX; i++)
		if (r[i].rc == ERR_CONFLICT)
			cr_expect_str_eq(r[i].err.field, "emails[0].value");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact"), 1);
}

Test(races, eight_creates_of_one_phone_make_one_contact)
{
	Racer *r = race(RACERS_MAX, create_phone);
	only(r, RACERS_MAX, KITH_OK, ERR_CONFLICT);
	cr_expect_eq(ended(r, RACERS_MAX, KITH_OK), 1);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact"), 1);
}

Test(races, force_still_makes_duplicates)
{
	Racer *r = race(RACERS_MAX, create_email_forced);
	cr_expect_eq(ended(r, RACERS_MAX, KITH_OK), RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact"), RACERS_MAX);
}

Test(races, two_updates_adding_one_email_keep_it_unique)
{
	the_id = fixture_contact(&fx, &sys, "{\"first_name\":\"A\"}");
	cr_assert_eq(fixture_contact(&fx, &sys, "{\"first_name\":\"B\"}"), the_id + 1);
	Racer *r = race(2, add_email_to_existing);
	only(r, 2, KITH_OK, ERR_CONFLICT);
	cr_expect_eq(ended(r, 2, KITH_OK), 1);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact_email"), 1);
}

/* ---- R3: Idempotency-Key --------------------------------------------------- */

/* What run_idempotent (http/server.c) does in its transaction: claim the
 * key, replay a stored answer, else run the handler (a contact create)
 * and store its answer. r->id: the contact the answer names. */
static int idempotent_create(Db *db, Racer *r)
{
	IdempotencyRecord rec = {0};
	int found = 0;
	int rc = db_begin(db, &r->err);
	if (rc)
		return rc;
	if ((rc = idempotency_lock(db, 1, "retry-1", &r->err)) ||
	    (rc = idempotency_find(db, 1, "retry-1", time(NULL), &rec, &found, &r->err)))
		goto done;
	if (found) {
		r->id = strtoll(rec.body, NULL, 10);
		goto done;
	}
	json_t *in = fixture_json("{\"first_name\":\"Once\"}");
	rc = contact_create(db, &sys, in, CONTACT_FORCE, &r->id, &r->err);
	json_decref(in);
	char body[32];
	snprintf(body, sizeof body, "%lld", (long long)r->id);
	if (rc == KITH_OK)
		rc = idempotency_save(db, 1, "retry-1", "hash", 201, body, NULL, NULL, time(NULL),
				      &r->err);
done:
	idempotency_record_free(&rec);
	return db_end(db, rc, &r->err);
}

Test(races, retries_with_one_idempotency_key_run_the_handler_once)
{
	fixture_user(&fx, "owner@example.com", "owner");
	Racer *r = race(RACERS_MAX, idempotent_create);
	cr_expect_eq(ended(r, RACERS_MAX, KITH_OK), RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact"), 1, "the handler ran once");
	for (int i = 1; i < RACERS_MAX; i++)
		cr_expect_eq(r[i].id, r[0].id, "every retry answers with the same contact");
}

/* ---- R4, R5: ids and tags of concurrent creates ---------------------------- */

static int create_tagged(Db *db, Racer *r)
{
	json_t *in = jsonf("{\"first_name\":\"Racer %d\",\"tags\":[\"Brand New\"]}", r->i);
	int rc = contact_create(db, &sys, in, 0, &r->id, &r->err);
	json_decref(in);
	return rc;
}

static int create_company(Db *db, Racer *r)
{
	json_t *in = jsonf("{\"legal_name\":\"Company %d\",\"tags\":[\"brand new\"]}", r->i);
	int rc = company_create(db, &sys, in, 0, &r->id, &r->err);
	json_decref(in);
	return rc;
}

/* n racers all OK, each with an id of its own. */
static void distinct_ids(const Racer *r, int n)
{
	for (int i = 0; i < n; i++) {
		cr_expect_eq(r[i].rc, KITH_OK, "racer %d: %s: %s", i, r[i].err.field, r[i].err.msg);
		for (int j = 0; j < i; j++)
			cr_expect_neq(r[i].id, r[j].id, "racers %d and %d got one id", i, j);
	}
}

Test(races, concurrent_creates_get_distinct_ids_and_share_a_new_tag)
{
	Racer *r = race(RACERS_MAX, create_tagged);
	distinct_ids(r, RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact"), RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM tag"), 1, "one tag made once");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact_tag"), RACERS_MAX);
	r = race(RACERS_MAX, create_company);
	distinct_ids(r, RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM company"), RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM tag"), 1);
}

/* On PostgreSQL new ids come from the tables' sequences (db_next_id):
 * a create waits for no other creator, even one whose transaction holds
 * new contacts and companies and has not ended. (Until then every create
 * waited on one key lock for "one past the largest id", and ran into the
 * lock timeout here.) SQLite lets one writer in at a time by design. */
Test(races, creates_do_not_wait_for_another_open_create)
{
	Err err = {0};
	Db *other = NULL;
	int64_t open_contact, open_company, contact, company;
	if (!fixture_pg())
		cr_skip_test("SQLite serialises writers: nothing runs side by side");
	cr_assert_eq(db_open(&other, race_target(), 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(other, &err), KITH_OK, "%s", err.msg);
	json_t *in = fixture_json("{\"first_name\":\"Open\"}");
	cr_assert_eq(contact_create(other, &sys, in, 0, &open_contact, &err), KITH_OK, "%s",
		     err.msg);
	json_decref(in);
	in = fixture_json("{\"legal_name\":\"Open Ltd\"}");
	cr_assert_eq(company_create(other, &sys, in, 0, &open_company, &err), KITH_OK, "%s",
		     err.msg);
	json_decref(in);
	/* other's transaction is still open */
	in = fixture_json("{\"first_name\":\"Meanwhile\"}");
	cr_expect_eq(contact_create(fx.db, &sys, in, 0, &contact, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	in = fixture_json("{\"legal_name\":\"Meanwhile Ltd\"}");
	cr_expect_eq(company_create(fx.db, &sys, in, 0, &company, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(db_commit(other, &err), KITH_OK, "%s", err.msg);
	db_close(other);
	cr_expect_neq(contact, open_contact);
	cr_expect_neq(company, open_company);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact"), 2);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM company"), 2);
}

/* Racers create records with the same new tags listed in opposite
 * orders (the_version: the round, so each round's tags are new), or add
 * them to contact the_id and company the_other. */
static int64_t the_other;
static const char *const crossed[2] = {"[\"cross-a%lld\",\"cross-b%lld\"]",
				       "[\"cross-b%lld\",\"cross-a%lld\"]"};

static int create_crossed(Db *db, Racer *r)
{
	char tags[128], json[256];
	snprintf(tags, sizeof tags, crossed[r->i % 2], (long long)the_version,
		 (long long)the_version);
	snprintf(json, sizeof json,
		 r->i < RACERS_MAX / 2 ? "{\"first_name\":\"R%d\",\"tags\":%s}"
				       : "{\"legal_name\":\"R%d\",\"tags\":%s}",
		 r->i, tags);
	json_t *in = fixture_json(json);
	int rc = r->i < RACERS_MAX / 2 ? contact_create(db, &sys, in, 0, &r->id, &r->err)
				       : company_create(db, &sys, in, 0, &r->id, &r->err);
	json_decref(in);
	return rc;
}

static int tag_crossed(Db *db, Racer *r)
{
	char tags[128];
	snprintf(tags, sizeof tags, crossed[r->i % 2], (long long)the_version,
		 (long long)the_version);
	json_t *add = fixture_json(tags);
	int rc = r->i < RACERS_MAX / 2 ? contact_tag(db, &sys, the_id, add, NULL, NULL, &r->err)
				       : company_tag(db, &sys, the_other, add, NULL, NULL, &r->err);
	json_decref(add);
	return rc;
}

/* Writers that create the same new tags take them in one order (by folded
 * name), whatever order they were listed in: on PostgreSQL two writers
 * taking them in opposite orders wait for each other in a cycle, and the
 * server breaks the deadlock by failing one (busy). */
Test(races, new_tags_listed_in_opposite_orders_never_deadlock)
{
	Err err = {0};
	for (the_version = 0; the_version < 3; the_version++) {
		Racer *r = race(RACERS_MAX, create_crossed);
		for (int i = 0; i < RACERS_MAX; i++)
			cr_expect_eq(r[i].rc, KITH_OK, "round %lld, racer %d: %s",
				     (long long)the_version, i, r[i].err.msg);
	}
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM tag"), 6);
	the_id = fixture_contact(&fx, &sys, "{\"first_name\":\"Tagged\"}");
	json_t *in = fixture_json("{\"legal_name\":\"Tagged\"}");
	int64_t company;
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &company, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	the_other = company;
	for (; the_version < 6; the_version++) {
		Racer *r = race(RACERS_MAX, tag_crossed);
		for (int i = 0; i < RACERS_MAX; i++)
			cr_expect_eq(r[i].rc, KITH_OK, "round %lld, racer %d: %s",
				     (long long)the_version, i, r[i].err.msg);
	}
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM tag"), 12);
}

/* ---- deadlocks and lock waits: run again or answer busy ------------------ */

static pthread_barrier_t crossing;

/* Update contact the_id + r->i, then the other one: two racers hold one
 * row each and wait for the other's (on their first run, when both wait
 * at crossing in between). r->id counts the runs. */
static int cross_updates(Db *db, void *arg, Err *err)
{
	static const char sql[] = "UPDATE contact SET notes = 'crossed' WHERE id = ?";
	Racer *r = arg;
	DbStmt *st;
	int first = r->id++ == 0;
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	for (int k = 0; k < 2 && rc == KITH_OK; k++) {
		if (k == 1 && first)
			pthread_barrier_wait(&crossing);
		if ((rc = db_prepare(db, &st, sql, err)) == KITH_OK) {
			db_bind_int(st, 1, k == r->i ? the_id : the_other);
			rc = db_exec_stmt(st, err);
		}
	}
	return db_end(db, rc, err);
}

static int cross_once(Db *db, Racer *r)
{
	return cross_updates(db, r, &r->err);
}

static int cross_retrying(Db *db, Racer *r)
{
	return db_retry(db, cross_updates, r, &r->err);
}

/* Two writers that lock two rows in opposite orders deadlock on
 * PostgreSQL, which undoes one of them whole (busy); db_retry (what the
 * server runs every request's handler in) runs that one again, so both
 * succeed. SQLite lets one writer in at a time: no deadlock to force. */
Test(races, a_deadlocked_writer_runs_again_and_succeeds)
{
	if (!fixture_pg())
		cr_skip_test("SQLite serialises writers: they cannot deadlock");
	the_id = fixture_contact(&fx, &sys, "{\"first_name\":\"A\"}");
	the_other = fixture_contact(&fx, &sys, "{\"first_name\":\"B\"}");
	cr_assert_eq(pthread_barrier_init(&crossing, NULL, 2), 0);
	Racer *r = race(2, cross_once);
	only(r, 2, KITH_OK, ERR_BUSY);
	cr_expect_eq(ended(r, 2, ERR_BUSY), 1, "without running again, one is undone");
	r = race(2, cross_retrying);
	cr_expect_eq(ended(r, 2, KITH_OK), 2, "%s / %s", r[0].err.msg, r[1].err.msg);
	cr_expect_eq(r[0].id + r[1].id, 3, "the undone one ran once more");
	pthread_barrier_destroy(&crossing);
}

/* A wait for a lock that timed out is answered busy at once: the holder
 * may hold it still, and another wait would only keep the caller as long
 * again. */
Test(races, a_lock_wait_that_timed_out_does_not_run_again)
{
	static const char lock[] = "UPDATE contact SET notes = 'held' WHERE id = ?";
	Err err = {0};
	Db *holder = NULL;
	DbStmt *st;
	Racer r = {.i = 0};
	if (!fixture_pg())
		cr_skip_test("SQLite's busy is a timed-out wait");
	the_id = fixture_contact(&fx, &sys, "{\"first_name\":\"A\"}");
	the_other = fixture_contact(&fx, &sys, "{\"first_name\":\"B\"}");
	cr_assert_eq(db_open(&holder, race_target(), 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(holder, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_prepare(holder, &st, lock, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, the_id);
	cr_assert_eq(db_exec_stmt(st, &err), KITH_OK, "%s", err.msg);
	r.id = 1; /* not the first run: no barrier */
	cr_expect_eq(db_retry(fx.db, cross_updates, &r, &r.err), ERR_BUSY);
	cr_expect_eq(r.id, 2, "ran once");
	db_rollback(holder);
	db_close(holder);
}

/* ---- R6, R7, R8: pipelines and stages -------------------------------------- */

static int create_pipeline(Db *db, Racer *r)
{
	json_t *in = jsonf("{\"name\":\"Pipeline %d\",\"stages\":["
			   "{\"name\":\"Lead\",\"probability\":10},"
			   "{\"name\":\"Won\",\"probability\":100,\"kind\":\"won\"},"
			   "{\"name\":\"Lost\",\"probability\":0,\"kind\":\"lost\"}]}",
			   r->i);
	int rc = pipeline_create(db, &sys, in, &r->id, &r->err);
	json_decref(in);
	return rc;
}

static int add_stage(Db *db, Racer *r)
{
	json_t *in = jsonf("{\"name\":\"Extra %d\",\"probability\":50,\"position\":2}", r->i);
	int rc = stage_add(db, &sys, the_id, in, &r->id, &r->err);
	json_decref(in);
	return rc;
}

Test(races, concurrent_pipelines_get_distinct_positions)
{
	Racer *r = race(RACERS_MAX, create_pipeline);
	distinct_ids(r, RACERS_MAX);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(DISTINCT position) FROM pipeline"),
		     RACERS_MAX + 1);
	cr_expect_eq(fixture_count(&fx, "SELECT MAX(position) FROM pipeline"), RACERS_MAX + 1);
}

Test(races, concurrent_stage_adds_keep_positions_and_the_limit)
{
	/* the default pipeline has 7 stages; fill it to two below the most */
	Err err = {0};
	int64_t sid;
	for (unsigned i = 7; i + 2 < KITH_MAX_STAGES; i++) {
		json_t *in = jsonf("{\"name\":\"Step %d\",\"probability\":50}", (int)i);
		cr_assert_eq(stage_add(fx.db, &sys, 1, in, &sid, &err), KITH_OK, "%s", err.msg);
		json_decref(in);
	}
	the_id = 1;
	Racer *r = race(RACERS_MAX, add_stage);
	only(r, RACERS_MAX, KITH_OK, ERR_INVALID);
	cr_expect_eq(ended(r, RACERS_MAX, KITH_OK), 2, "room for two");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM stage WHERE pipeline_id = 1"),
		     KITH_MAX_STAGES);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(DISTINCT position) FROM stage "
					"WHERE pipeline_id = 1"),
		     KITH_MAX_STAGES, "no two stages share a position");
	cr_expect_eq(fixture_count(&fx, "SELECT MAX(position) FROM stage WHERE pipeline_id = 1"),
		     KITH_MAX_STAGES, "and there is no hole");
}

/* Racer 0 makes stage MEETING the won stage (a swap with WON); racer 1
 * moves the deal into MEETING. */
static int kind_or_move(Db *db, Racer *r)
{
	if (r->i == 0) {
		json_t *p = fixture_json("{\"kind\":\"won\"}");
		int rc = stage_update(db, &sys, MEETING, p, 0, NULL, &r->err);
		json_decref(p);
		return rc;
	}
	return deal_move(db, &sys, the_id, MEETING, 0, NULL, NULL, &r->err);
}

Test(races, a_stage_changes_kind_only_while_empty)
{
	Err err = {0};
	json_t *d = NULL;
	the_id = new_deal();
	Racer *r = race(2, kind_or_move);
	cr_expect_eq(r[1].rc, KITH_OK, "the move goes through: %s", r[1].err.msg);
	cr_expect(r[0].rc == KITH_OK || r[0].rc == ERR_CONFLICT, "%s", r[0].err.msg);
	cr_assert_eq(deal_get(fx.db, &sys, the_id, 0, &d, &err), KITH_OK, "%s", err.msg);
	/* either the kind changed first and the deal moved into a won stage,
	 * or the deal got there first and the kind change was refused */
	const char *kind = r[0].rc == KITH_OK ? "won" : "open";
	cr_expect_eq(
	    version_of("SELECT COUNT(*) FROM stage WHERE id = ? AND kind = 'won'", MEETING),
	    r[0].rc == KITH_OK);
	cr_expect_str_eq(fixture_str(d, "status"), kind, "the deal's status follows its stage");
	json_decref(d);
}

/* ---- R9: concurrent moves of one deal -------------------------------------- */

static int move_anywhere(Db *db, Racer *r)
{
	static const int64_t to[] = {PROPOSAL, QUALIFIED, MEETING, NEGOTIATION};
	return deal_move(db, &sys, the_id, to[r->i % 4], 0, NULL, NULL, &r->err);
}

Test(races, concurrent_moves_of_one_deal_keep_history_and_rollups)
{
	static const char hist[] = "SELECT COALESCE(from_stage_id, 0), to_stage_id "
				   "FROM deal_stage_change WHERE deal_id = ? ORDER BY id";
	Err err = {0};
	DbStmt *st;
	the_id = new_deal();
	Racer *r = race(RACERS_MAX, move_anywhere);
	only(r, RACERS_MAX, KITH_OK, ERR_CONFLICT); /* conflict: already in that stage */
	int moves = ended(r, RACERS_MAX, KITH_OK);
	cr_expect_geq(moves, 1);
	/* each move starts where the one before ended */
	int64_t at = 0;
	int rows = 0;
	cr_assert_eq(db_prepare(fx.db, &st, hist, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, the_id);
	while (db_step(st, &err) == DB_ROW) {
		cr_expect_eq(db_col_int(st, 0), at, "move %d starts where the last ended", rows);
		at = db_col_int(st, 1);
		rows++;
	}
	db_reset(st);
	cr_expect_eq(rows, moves + 1, "the creation and every move");
	cr_expect_eq(version_of("SELECT stage_id FROM deal WHERE id = ?", the_id), at);
	cr_expect_eq(fixture_count(&fx, "SELECT COALESCE(SUM(visits), 0) FROM stage_visit"), moves,
		     "one ended visit per move");
	cr_expect_eq(fixture_count(&fx, "SELECT COALESCE(SUM(deals), 0) FROM stage_open_total"), 1,
		     "the deal is open in one stage");
}

/* Racer i moves deal the_id (i even) or the_other (i odd) to the stage
 * the other deal is in: the two cross between two stages. */
static int move_across(Db *db, Racer *r)
{
	int64_t id = r->i % 2 ? the_other : the_id;
	return deal_move(db, &sys, id, r->i % 2 ? FIRST : PROPOSAL, 0, NULL, NULL, &r->err);
}

static int move_back(Db *db, Racer *r)
{
	int64_t id = r->i % 2 ? the_other : the_id;
	return deal_move(db, &sys, id, r->i % 2 ? PROPOSAL : FIRST, 0, NULL, NULL, &r->err);
}

/* Two deals moving at once between two stages in opposite directions
 * lock the stages and the rollup rows of both: in one order, so neither
 * waits for the other in a cycle (on PostgreSQL a deadlock fails one of
 * them as busy). */
Test(races, deals_crossing_between_two_stages_never_deadlock)
{
	Err err = {0};
	the_id = new_deal();
	the_other = new_deal();
	cr_assert_eq(deal_move(fx.db, &sys, the_other, PROPOSAL, 0, NULL, NULL, &err), KITH_OK,
		     "%s", err.msg);
	for (int round = 0; round < 3; round++) {
		Racer *r = race(2, move_across);
		for (int i = 0; i < 2; i++)
			cr_expect_eq(r[i].rc, KITH_OK, "round %d, racer %d: %s", round, i,
				     r[i].err.msg);
		r = race(2, move_back);
		for (int i = 0; i < 2; i++)
			cr_expect_eq(r[i].rc, KITH_OK, "round %d back, racer %d: %s", round, i,
				     r[i].err.msg);
	}
	cr_expect_eq(fixture_count(&fx, "SELECT COALESCE(SUM(deals), 0) FROM stage_open_total"), 2);
	cr_expect_eq(fixture_count(&fx, "SELECT COALESCE(SUM(visits), 0) FROM stage_visit"), 13);
}

/* ---- R10, R11: the first user, the last active owner ----------------------- */

static int first_user(Db *db, Racer *r)
{
	static const Actor nobody = {0}; /* no user yet: anyone may add the first */
	char email[64];
	snprintf(email, sizeof email, "owner%d@example.com", r->i);
	return user_add(db, &nobody, email, "Owner", "owner", "password1", &r->id, &r->err);
}

static int disable_owner(Db *db, Racer *r)
{
	return user_set_disabled(db, &sys, the_id + r->i, 1, NULL, &r->err);
}

Test(races, one_first_user)
{
	Racer *r = race(4, first_user);
	only(r, 4, KITH_OK, ERR_FORBIDDEN);
	cr_expect_eq(ended(r, 4, KITH_OK), 1, "one first user; the others need an admin");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM app_user"), 1);
}

Test(races, one_active_owner_remains)
{
	Actor a = fixture_user(&fx, "a@example.com", "owner");
	Actor b = fixture_user(&fx, "b@example.com", "owner");
	cr_assert_eq(b.user_id, a.user_id + 1);
	the_id = a.user_id;
	Racer *r = race(2, disable_owner);
	only(r, 2, KITH_OK, ERR_CONFLICT);
	cr_expect_eq(ended(r, 2, KITH_OK), 1);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM app_user WHERE role = 'owner' "
					"AND disabled_at IS NULL"),
		     1);
}

/* ---- R12, R13: field and collaborator limits ------------------------------- */

static int define_field(Db *db, Racer *r)
{
	json_t *in = jsonf(
	    "{\"entity\":\"company\",\"key\":\"race_%d\",\"label\":\"R\",\"type\":\"text\"}", r->i);
	int rc = field_define(db, &sys, in, &r->id, &r->err);
	json_decref(in);
	return rc;
}

static int share(Db *db, Racer *r)
{
	return collab_add(db, &sys, RECORD_CONTACT, the_id, the_version + r->i, NULL, &r->err);
}

Test(races, field_limit_holds)
{
	Err err = {0};
	int64_t id;
	for (unsigned i = 0; i + 2 < KITH_MAX_FIELDS; i++) {
		json_t *in = jsonf(
		    "{\"entity\":\"company\",\"key\":\"f_%d\",\"label\":\"F\",\"type\":\"text\"}",
		    (int)i);
		cr_assert_eq(field_define(fx.db, &sys, in, &id, &err), KITH_OK, "%s", err.msg);
		json_decref(in);
	}
	Racer *r = race(RACERS_MAX, define_field);
	only(r, RACERS_MAX, KITH_OK, ERR_CONFLICT);
	cr_expect_eq(ended(r, RACERS_MAX, KITH_OK), 2, "room for two");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM field_def WHERE entity = 'company'"),
		     KITH_MAX_FIELDS);
}

Test(races, collaborator_limit_holds)
{
	static const char user[] =
	    "INSERT INTO app_user (email, name, role, password_hash, created_at, updated_at) "
	    "VALUES (?, 'U', 'member', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') "
	    "RETURNING id";
	static const char shared[] =
	    "INSERT INTO contact_collaborator (contact_id, user_id, added_at) "
	    "VALUES (?, ?, '2026-01-01T00:00:00Z')";
	Err err = {0};
	DbStmt *st;
	int64_t first = 0;
	the_id = fixture_contact(&fx, &sys, "{\"first_name\":\"Anna\"}");
	/* users (no password hashing: a test row), all but one sharing it */
	for (unsigned i = 0; i < KITH_MAX_COLLABORATORS + 3; i++) {
		char email[64];
		snprintf(email, sizeof email, "u%u@example.com", i);
		cr_assert_eq(db_prepare(fx.db, &st, user, &err), KITH_OK, "%s", err.msg);
		db_bind_text(st, 1, email);
		cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
		int64_t uid = db_col_int(st, 0);
		db_reset(st);
		if (!first)
			first = uid;
		if (i + 1 >= KITH_MAX_COLLABORATORS)
			continue;
		cr_assert_eq(db_prepare(fx.db, &st, shared, &err), KITH_OK, "%s", err.msg);
		db_bind_int(st, 1, the_id);
		db_bind_int(st, 2, uid);
		cr_assert_eq(db_exec_stmt(st, &err), KITH_OK, "%s", err.msg);
	}
	the_version = first + KITH_MAX_COLLABORATORS - 1; /* the first user not sharing it */
	Racer *r = race(4, share);
	only(r, 4, KITH_OK, ERR_INVALID);
	cr_expect_eq(ended(r, 4, KITH_OK), 1, "room for one");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM contact_collaborator"),
		     KITH_MAX_COLLABORATORS);
}

/* ---- R15: completing a repeating task -------------------------------------- */

static int complete(Db *db, Racer *r)
{
	return task_done(db, &sys, the_id, &r->id, &r->err);
}

Test(races, two_completions_of_a_repeating_task_make_one_next)
{
	Err err = {0};
	json_t *in = fixture_json("{\"title\":\"Weekly report\",\"due_date\":\"2026-02-02\","
				  "\"repeat_every\":1,\"repeat_unit\":\"weeks\"}");
	cr_assert_eq(task_create(fx.db, &sys, in, &the_id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	Racer *r = race(2, complete);
	only(r, 2, KITH_OK, ERR_CONFLICT);
	cr_expect_eq(ended(r, 2, KITH_OK), 1);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM task"), 2, "one next occurrence");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM task WHERE status = 'open'"), 1);
}

/* ---- completing a call task against a trash of its contact --------------- */

/* Complete call task the_id on a connection of its own (race_target). */
static void *complete_call(void *arg)
{
	Racer *r = arg;
	Db *db = NULL;
	r->rc = db_open(&db, race_target(), 0, &r->err);
	if (r->rc == KITH_OK)
		r->rc = task_complete(db, &sys, the_id, NULL, NULL, &r->id, &r->err);
	db_close(db);
	return NULL;
}

/* The touch of a completed call goes to its contact only if the contact is
 * still live when the activity is written: a trash of it in progress is
 * waited for (the link check locks the contact, as every link check
 * does), and the call then completes without a touch. Read without the
 * lock, the contact looked live and the activity's own (locked) link
 * check failed the completion with "in the trash" (PostgreSQL). */
Test(races, a_call_completed_while_its_contact_goes_to_the_trash_completes)
{
	Err err = {0};
	Db *other = NULL;
	pthread_t t;
	Racer r = {0};
	int64_t contact = fixture_contact(&fx, &sys, "{\"first_name\":\"Anna\"}");
	char json[128];
	snprintf(json, sizeof json,
		 "{\"title\":\"Call Anna\",\"type\":\"call\",\"contact_id\":%lld}",
		 (long long)contact);
	json_t *in = fixture_json(json);
	cr_assert_eq(task_create(fx.db, &sys, in, &the_id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_assert_eq(db_open(&other, race_target(), 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_begin(other, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(contact_delete(other, &sys, contact, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(pthread_create(&t, NULL, complete_call, &r), 0);
	usleep(300 * 1000); /* the completion reaches the trashed contact's lock */
	cr_assert_eq(db_commit(other, &err), KITH_OK, "%s", err.msg);
	pthread_join(t, NULL);
	db_close(other);
	cr_expect_eq(r.rc, KITH_OK, "%s: %s", r.err.field, r.err.msg);
	cr_expect_eq(r.id, 0, "a touch was written for a contact in the trash");
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM activity"), 0);
	cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM task WHERE status = 'done'"), 1);
}

/* ---- R17: purge against restore -------------------------------------------- */

static int purge_or_restore(Db *db, Racer *r)
{
	return r->i ? contact_restore(db, &sys, the_id, &r->err)
		    : contact_purge(db, &sys, the_id, &r->err);
}

Test(races, purge_and_restore_of_one_contact_one_wins)
{
	Err err = {0};
	the_id = fixture_contact(&fx, &sys, "{\"first_name\":\"Anna\"}");
	cr_assert_eq(contact_delete(fx.db, &sys, the_id, &err), KITH_OK, "%s", err.msg);
	Racer *r = race(2, purge_or_restore);
	int64_t left = fixture_count(&fx, "SELECT COUNT(*) FROM contact");
	if (r[0].rc == KITH_OK) { /* purged first: nothing to restore */
		cr_expect_eq(r[1].rc, ERR_NOT_FOUND, "%s", r[1].err.msg);
		cr_expect_eq(left, 0);
	} else { /* restored first: no longer in the trash */
		cr_expect_eq(r[0].rc, ERR_CONFLICT, "%s", r[0].err.msg);
		cr_expect_eq(r[1].rc, KITH_OK, "%s", r[1].err.msg);
		cr_expect_eq(left, 1);
	}
}
