/* test_copy.c - kith db copy (store/copy.h): a workspace moved to the
 * other backend and back keeps every row and id, search works on the
 * copy, id counters continue past the source's, and a target with rows
 * of its own, a source kith cannot read, a failed verification are
 * refused with nothing written.
 *
 * The source is the fixture's database (SQLite in `make unit`, PostgreSQL
 * in `make unit-pg`); the copy goes to the other backend, so the two
 * passes cover both directions. PostgreSQL needs KITH_TEST_PG (a
 * throwaway server: scripts/with-test-pg, as `make test` runs it). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"
#include "crm/company.h"
#include "crm/field.h"
#include "store/copy.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;
static char made[4][64]; /* PostgreSQL databases a test made (dropped at the end) */
static int n_made;

static void setup(void)
{
	fixture_open(&fx, "PL");
	n_made = 0;
}

static void teardown(void)
{
	char sql[160];
	for (int i = 0; i < n_made; i++) {
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", made[i]);
		fixture_pg_admin(getenv("KITH_TEST_PG"), sql);
	}
	fixture_close(&fx);
}

TestSuite(copy, .init = setup, .fini = teardown);

/* A new empty database to copy into: a file path in the fixture's
 * directory (name), or with pg an empty PostgreSQL database with the C
 * collation. Into out (320 bytes). */
static void new_target(int pg, const char *name, char *out)
{
	if (!pg) {
		snprintf(out, 320, "%s/%s.db", fx.dir, name);
		return;
	}
	const char *prefix = getenv("KITH_TEST_PG");
	cr_assert(prefix && *prefix, "KITH_TEST_PG is not set: run through scripts/with-test-pg");
	char sql[256];
	snprintf(made[n_made], sizeof made[n_made], "kith_copy_%d_%s", (int)getpid(), name);
	snprintf(sql, sizeof sql,
		 "DROP DATABASE IF EXISTS %s WITH (FORCE); "
		 "CREATE DATABASE %s TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'",
		 made[n_made], made[n_made]);
	/* one statement at a time: CREATE DATABASE cannot run in a script's transaction */
	char *second = strstr(sql, " CREATE");
	second[-1] = '\0';
	fixture_pg_admin(prefix, sql);
	fixture_pg_admin(prefix, second + 1);
	snprintf(out, 320, "%s%s", prefix, made[n_made]);
	n_made++;
}

static int64_t add_contact(Db *db, const Actor *a, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json(json);
	cr_assert_eq(contact_create(db, a, in, CONTACT_FORCE, &id, &err), KITH_OK, "%s: %s", json,
		     err.msg);
	json_decref(in);
	return id;
}

static int64_t add_activity(Db *db, const Actor *a, int64_t contact)
{
	Err err = {0};
	int64_t id = 0;
	char json[128];
	snprintf(json, sizeof json, "{\"kind\": \"call\", \"contact_id\": %lld}",
		 (long long)contact);
	json_t *in = fixture_json(json);
	cr_assert_eq(activity_create(db, a, in, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	return id;
}

/* Fill the fixture: a user, contacts in Polish and Thai with tags, a
 * custom field, a company, activities; the last activity deleted by hand,
 * so the source's id counter is past the largest id. */
static Actor fill(void)
{
	Err err = {0};
	Actor owner = fixture_user(&fx, "owner@example.com", "owner");
	json_t *f = fixture_json("{\"entity\": \"contact\", \"key\": \"nip\", \"label\": \"NIP\", "
				 "\"type\": \"text\"}");
	int64_t field = 0;
	cr_assert_eq(field_define(fx.db, &owner, f, &field, &err), KITH_OK, "%s", err.msg);
	json_decref(f);
	add_contact(fx.db, &owner,
		    "{\"first_name\": \"Zażółć\", \"last_name\": \"Gęślą\", \"emails\": "
		    "[{\"value\": \"zg@example.pl\"}], \"tags\": [\"vip\"], \"notes\": null, "
		    "\"custom\": {\"nip\": \"5260001246\"}}");
	int64_t thai = add_contact(fx.db, &owner,
				   "{\"first_name\": \"สมชาย\", \"last_name\": "
				   "\"บริษัทตัวอย่างจำกัด\", \"phones\": [{\"value\": "
				   "\"+66 81 234 5678\"}], \"tags\": [\"vip\", \"thai\"]}");
	/* quotes and backslashes: PostgreSQL array literals escape them */
	add_contact(fx.db, &owner,
		    "{\"first_name\": \"Ada\", \"last_name\": \"O'Neil\", \"notes\": "
		    "\"said \\\"tak\\\" in C:\\\\temp\\\\notatki\"}");
	json_t *c = fixture_json("{\"legal_name\": \"Kowalski Sp. z o.o.\", \"tax_id\": "
				 "\"PL5260001246\"}");
	int64_t company = 0;
	cr_assert_eq(company_create(fx.db, &owner, c, 0, &company, &err), KITH_OK, "%s", err.msg);
	json_decref(c);
	add_activity(fx.db, &owner, thai);
	int64_t last = add_activity(fx.db, &owner, thai);
	char sql[96];
	snprintf(sql, sizeof sql, "DELETE FROM activity WHERE id = %lld", (long long)last);
	cr_assert_eq(db_exec_script(fx.db, sql, &err), KITH_OK, "%s", err.msg);
	return owner;
}

/* The ids of the contacts search finds for q on db, as "1,2,". */
static void search_ids(Db *db, const Actor *a, const char *q, char *out, size_t n)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	ContactQuery cq = {.q = q, .limit = 100};
	cr_assert_eq(contact_list(db, a, &cq, &items, &next, &err), KITH_OK, "%s: %s", q, err.msg);
	size_t k = 0, i;
	json_t *it;
	out[0] = '\0';
	json_array_foreach(items, i, it)
	{
		k += (size_t)snprintf(out + k, n - k, "%lld,", (long long)fixture_int(it, "id"));
	}
	json_decref(items);
	free(next);
}

/* The stored text of contact id on db (its JSON as the API shows it). */
static char *contact_text(Db *db, int64_t id)
{
	Err err = {0};
	json_t *o = NULL;
	cr_assert_eq(contact_get(db, &sys, id, 1, &o, &err), KITH_OK, "%s", err.msg);
	char *s = json_dumps(o, JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static void expect_same_report(const CopyReport *a, const CopyReport *b)
{
	cr_assert_eq(a->n_tables, b->n_tables);
	for (int i = 0; i < a->n_tables; i++) {
		const CopyTable *x = &a->tables[i], *y = NULL;
		for (int k = 0; k < b->n_tables; k++)
			if (strcmp(b->tables[k].name, x->name) == 0)
				y = &b->tables[k];
		cr_assert_not_null(y, "%s missing", x->name);
		cr_expect(x->ok && y->ok, "%s not verified", x->name);
		cr_expect_eq(x->rows, y->rows, "%s: %lld rows, then %lld", x->name,
			     (long long)x->rows, (long long)y->rows);
		cr_expect_str_eq(x->digest, y->digest, "%s: content changed", x->name);
	}
}

static const CopyTable *report_table(const CopyReport *r, const char *name)
{
	for (int i = 0; i < r->n_tables; i++)
		if (strcmp(r->tables[i].name, name) == 0)
			return &r->tables[i];
	cr_assert_fail("no table %s in the report", name);
	return NULL;
}

Test(copy, round_trip_keeps_rows_ids_and_search)
{
	Actor owner = fill();
	char mid[320], back[320];
	Err err = {0};
	CopyReport r1, r2;
	int on_pg = fx.pg[0] != 0;
	new_target(!on_pg, "mid", mid);
	new_target(on_pg, "back", back);
	cr_assert_eq(copy_run(fx.path, mid, NULL, &r1, &err), KITH_OK, "%s: %s", err.field,
		     err.msg);
	cr_assert_eq(copy_run(mid, back, NULL, &r2, &err), KITH_OK, "%s: %s", err.field, err.msg);
	expect_same_report(&r1, &r2);
	cr_expect_eq(report_table(&r1, "contact")->rows, 3);
	cr_expect_eq(report_table(&r1, "contact_fts")->rows, 3);
	cr_expect_eq(report_table(&r1, "company_fts")->rows, 1);
	cr_expect_gt(report_table(&r1, "audit_log")->rows, 4);
	cr_expect_eq(r1.created, on_pg); /* an SQLite file the copy made */
	Db *m, *b;
	cr_assert_eq(db_open(&m, mid, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_open(&b, back, 0, &err), KITH_OK, "%s", err.msg);
	/* the same records under the same ids, read through the domain */
	for (int64_t id = 1; id <= 3; id++) {
		char *want = contact_text(fx.db, id), *got_m = contact_text(m, id),
		     *got_b = contact_text(b, id);
		cr_expect_str_eq(got_m, want);
		cr_expect_str_eq(got_b, want);
		free(want);
		free(got_m);
		free(got_b);
	}
	/* search on both copies: Thai inside a longer run, Polish typed
	 * without its marks, a phone by its digits */
	const char *queries[] = {"ตัวอย่าง", "zazolc gesla", "2345678", "o'neil", "notatki"};
	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
		char want[64], got_m[64], got_b[64];
		search_ids(fx.db, &owner, queries[q], want, sizeof want);
		search_ids(m, &owner, queries[q], got_m, sizeof got_m);
		search_ids(b, &owner, queries[q], got_b, sizeof got_b);
		cr_expect_neq(want[0], '\0', "%s finds nothing on the source", queries[q]);
		cr_expect_str_eq(got_m, want, "%s", queries[q]);
		cr_expect_str_eq(got_b, want, "%s", queries[q]);
	}
	db_close(m);
	db_close(b);
	copy_report_free(&r1);
	copy_report_free(&r2);
}

Test(copy, id_counters_continue_past_the_source)
{
	Actor owner = fill();
	char to[320];
	Err err = {0};
	CopyReport r;
	int64_t last = fixture_count(&fx, "SELECT MAX(id) FROM activity");
	new_target(!fx.pg[0], "counters", to);
	cr_assert_eq(copy_run(fx.path, to, NULL, &r, &err), KITH_OK, "%s", err.msg);
	copy_report_free(&r);
	Db *db;
	cr_assert_eq(db_open(&db, to, 0, &err), KITH_OK, "%s", err.msg);
	/* the deleted last activity's id is not given again (AUTOINCREMENT,
	 * or the identity sequence); a new contact follows the largest id */
	cr_expect_eq(add_activity(db, &owner, 1), last + 2);
	cr_expect_eq(add_contact(db, &owner, "{\"first_name\": \"New\"}"), 4);
	db_close(db);
}

/* A purged contact's id is not given again on the copy (db_next_id's
 * rule: past the audit log's ids too), whichever way the copy goes. */
Test(copy, a_purged_last_contact_id_is_not_reused_on_the_copy)
{
	Actor owner = fill();
	char to[320];
	Err err = {0};
	CopyReport r;
	int64_t gone = add_contact(fx.db, &owner, "{\"first_name\": \"Gone\"}");
	cr_assert_eq(contact_delete(fx.db, &owner, gone, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(contact_purge(fx.db, &owner, gone, &err), KITH_OK, "%s", err.msg);
	new_target(!fx.pg[0], "purged", to);
	cr_assert_eq(copy_run(fx.path, to, NULL, &r, &err), KITH_OK, "%s", err.msg);
	copy_report_free(&r);
	Db *db;
	cr_assert_eq(db_open(&db, to, 0, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(add_contact(db, &owner, "{\"first_name\": \"New\"}"), gone + 1);
	db_close(db);
}

Test(copy, refuses_a_target_with_rows_of_its_own)
{
	fill();
	char to[320];
	Err err = {0};
	CopyReport r;
	Db *db;
	new_target(!fx.pg[0], "full", to);
	cr_assert_eq(db_open(&db, to, 1, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(db, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(workspace_init(db, "Other", NULL, "EUR", "UTC", &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(copy_run(fx.path, to, NULL, &r, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "to");
	cr_expect(strstr(err.msg, "not empty") && strstr(err.msg, "workspace"), "%s", err.msg);
	copy_report_free(&r);
	cr_expect_eq(fixture_query_int(db, "SELECT COUNT(*) FROM contact"), 0);
	cr_expect_eq(fixture_query_int(db, "SELECT COUNT(*) FROM workspace WHERE name = 'Other'"),
		     1);
	db_close(db);
	/* a freshly migrated database (its seeded pipeline and stages) is fine */
	char fresh[320];
	new_target(!fx.pg[0], "fresh", fresh);
	cr_assert_eq(db_open(&db, fresh, 1, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(db, NULL, &err), KITH_OK, "%s", err.msg);
	db_close(db);
	cr_expect_eq(copy_run(fx.path, fresh, NULL, &r, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(r.created, 0);
	copy_report_free(&r);
}

/* Change a row inside the copy's transaction, as a fault would. */
static int tamper(void *arg, Db *to, Err *err)
{
	(void)arg;
	return db_exec_script(to, "UPDATE contact SET first_name = 'X' WHERE id = 2", err);
}

Test(copy, a_failed_verification_writes_nothing)
{
	fill();
	char to[320];
	Err err = {0};
	CopyReport r;
	int pg = !fx.pg[0];
	CopyOptions opt = {.before_verify = tamper};
	new_target(pg, "tampered", to);
	cr_expect_eq(copy_run(fx.path, to, &opt, &r, &err), ERR_STORAGE);
	cr_expect(strstr(err.msg, "verification failed: table contact"), "%s", err.msg);
	cr_expect_eq(report_table(&r, "contact")->ok, 0);
	cr_expect_eq(report_table(&r, "app_user")->ok, 1);
	copy_report_free(&r);
	Db *db;
	if (!pg) { /* the file the copy made is gone */
		struct stat st;
		cr_expect_neq(stat(to, &st), 0, "%s is still there", to);
		/* an empty file that was there is left as it was: no table */
		FILE *f = fopen(to, "w");
		cr_assert(f);
		fclose(f);
		err = (Err){0};
		cr_expect_eq(copy_run(fx.path, to, &opt, &r, &err), ERR_STORAGE);
		copy_report_free(&r);
		cr_assert_eq(db_open(&db, to, 0, &err), KITH_OK, "%s", err.msg);
		cr_expect_eq(fixture_query_int(db, "SELECT COUNT(*) FROM sqlite_schema"), 0,
			     "the copy's migrations were left in %s", to);
		db_close(db);
		return;
	}
	/* the empty database is left empty: not even migrated */
	cr_assert_eq(db_open(&db, to, 0, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(fixture_query_int(db, "SELECT COUNT(*) FROM pg_catalog.pg_tables "
					   "WHERE schemaname = current_schema()"),
		     0, "the copy's migrations were left in %s", to);
	db_close(db);
}

Test(copy, refuses_bad_sources_and_targets)
{
	char to[320], path[320];
	Err err = {0};
	CopyReport r;
	new_target(!fx.pg[0], "bad", to);
	/* the same database */
	cr_expect_eq(copy_run(fx.path, fx.path, NULL, &r, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "to");
	/* no such file */
	snprintf(path, sizeof path, "%s/none.db", fx.dir);
	err = (Err){0};
	cr_expect_eq(copy_run(path, to, NULL, &r, &err), ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "from");
	/* a PostgreSQL server nobody listens on */
	err = (Err){0};
	cr_expect_eq(copy_run(fx.path, "postgres://kith:secret@127.0.0.1:1/none", NULL, &r, &err),
		     ERR_UNAVAILABLE);
	cr_expect_str_eq(err.field, "to");
	cr_expect_null(strstr(err.msg, "secret"), "%s", err.msg);
	/* an SQLite file of another application, either side */
	Db *other;
	snprintf(path, sizeof path, "%s/other.db", fx.dir);
	cr_assert_eq(db_open(&other, path, 1, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_exec_script(other, "CREATE TABLE t (x INTEGER)", &err), KITH_OK);
	db_close(other);
	err = (Err){0};
	cr_expect_eq(copy_run(path, to, NULL, &r, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "from");
	cr_expect(strstr(err.msg, "not a kith database"), "%s", err.msg);
	err = (Err){0};
	cr_expect_eq(copy_run(fx.path, path, NULL, &r, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "to");
	/* a source older than this kith */
	err = (Err){0};
	cr_assert_eq(db_exec_script(fx.db,
				    "DELETE FROM schema_migration WHERE version = "
				    "(SELECT MAX(version) FROM schema_migration)",
				    &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(copy_run(fx.path, to, NULL, &r, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "from");
	cr_expect(strstr(err.msg, "kith db migrate"), "%s", err.msg);
}
