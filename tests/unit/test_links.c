/* test_links.c - core/links: the declaration table against the schema
 * (both ways), every statement it builds, and what trash, restore and
 * purge do to references: detach, cascade, restrict and refresh. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/links.h"
#include "core/token.h"
#include "crm/activity.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "crm/field.h"
#include "crm/pipeline.h"
#include "crm/task.h"
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
TestSuite(links, .init = setup, .fini = teardown);

static const LinksKind *kind_of(const char *kind)
{
	size_t n;
	const LinksKind *k = links_kinds(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(k[i].kind, kind) == 0)
			return &k[i];
	return NULL;
}

/* The line of links.def for table.column referencing kind, NULL if none. */
static const LinksRef *ref_of(const char *table, const char *column)
{
	size_t n;
	const LinksRef *r = links_refs(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].table, table) == 0 && strcmp(r[i].column, column) == 0)
			return &r[i];
	return NULL;
}

static int on_pg(void)
{
	return strcmp(db_backend(fx.db), "postgres") == 0;
}

/* PostgreSQL's foreign keys (one column each) as SQLite's
 * pragma_foreign_key_list gives them: table, column, referenced table,
 * ON DELETE. */
#define PG_FOREIGN_KEYS                                                                            \
	"SELECT cl.relname AS tname, a.attname AS cname, rc.relname AS rname, "                    \
	"CASE k.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' "                   \
	"WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END "        \
	"AS on_delete FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid "               \
	"JOIN pg_class rc ON rc.oid = k.confrelid "                                                \
	"JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "               \
	"WHERE k.contype = 'f' AND cl.relnamespace = CAST('public' AS regnamespace)"

/* Every foreign key of the migrated schema is a line of links.def with the
 * same referenced table and ON DELETE. */
Test(links, every_foreign_key_of_the_schema_is_declared_as_it_is)
{
	static const char sql[] = "SELECT m.name, f.\"from\", f.\"table\", f.on_delete "
				  "FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
				  "WHERE m.type = 'table' ORDER BY m.name, f.\"from\"";
	static const char pg_sql[] = PG_FOREIGN_KEYS " ORDER BY 1, 2";
	Err err = {0};
	DbStmt *st;
	int seen = 0, rc;
	cr_assert_eq(db_prepare(fx.db, &st, on_pg() ? pg_sql : sql, &err), KITH_OK, "%s", err.msg);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		const char *table = db_col_text(st, 0), *column = db_col_text(st, 1);
		const LinksRef *ref = ref_of(table, column);
		seen++;
		cr_expect_not_null(ref, "%s.%s references %s: not in links.def", table, column,
				   db_col_text(st, 2));
		if (!ref)
			continue;
		const LinksKind *k = kind_of(ref->kind);
		cr_assert_not_null(k, "%s.%s: kind %s not declared", table, column, ref->kind);
		cr_expect_str_eq(k->table, db_col_text(st, 2), "%s.%s references", table, column);
		const char *fk = links_fk_name(ref->schema);
		cr_expect_not_null(fk, "%s.%s has a foreign key; links.def says FK_NONE", table,
				   column);
		if (fk)
			cr_expect_str_eq(fk, db_col_text(st, 3), "%s.%s ON DELETE", table, column);
	}
	cr_assert_eq(rc, DB_DONE, "%s", err.msg);
	db_reset(st);
	cr_expect_gt(seen, 30, "the schema's foreign keys were read");
}

/* Every line of links.def that claims a foreign key has it in the schema,
 * and every FK_NONE line names a real column without one. */
Test(links, every_declared_foreign_key_is_in_the_schema)
{
	static const char sql[] = "SELECT f.\"table\", f.on_delete "
				  "FROM pragma_foreign_key_list(?1) f WHERE f.\"from\" = ?2";
	static const char col[] = "SELECT COUNT(*) FROM pragma_table_info(?1) WHERE name = ?2";
	static const char pg_sql[] =
	    "SELECT rname, on_delete FROM (" PG_FOREIGN_KEYS ") f WHERE tname = ? AND cname = ?";
	static const char pg_col[] = "SELECT COUNT(*) FROM information_schema.columns "
				     "WHERE table_schema = 'public' AND table_name = ? "
				     "AND column_name = ?";
	size_t n;
	const LinksRef *r = links_refs(&n);
	for (size_t i = 0; i < n; i++) {
		Err err = {0};
		DbStmt *st;
		cr_assert_eq(db_prepare(fx.db, &st, on_pg() ? pg_col : col, &err), KITH_OK, "%s",
			     err.msg);
		db_bind_text(st, 1, r[i].table);
		db_bind_text(st, 2, r[i].column);
		cr_assert_eq(db_step(st, &err), DB_ROW);
		cr_expect_eq(db_col_int(st, 0), 1, "%s.%s: no such column", r[i].table,
			     r[i].column);
		db_reset(st);
		cr_assert_eq(db_prepare(fx.db, &st, on_pg() ? pg_sql : sql, &err), KITH_OK, "%s",
			     err.msg);
		db_bind_text(st, 1, r[i].table);
		db_bind_text(st, 2, r[i].column);
		int rc = db_step(st, &err);
		const char *fk = links_fk_name(r[i].schema);
		if (fk) {
			cr_expect_eq(rc, DB_ROW,
				     "%s.%s: links.def says ON DELETE %s, schema has no key",
				     r[i].table, r[i].column, fk);
			if (rc == DB_ROW)
				cr_expect_str_eq(db_col_text(st, 1), fk, "%s.%s", r[i].table,
						 r[i].column);
		} else {
			cr_expect_eq(rc, DB_DONE, "%s.%s: links.def says FK_NONE, schema has a key",
				     r[i].table, r[i].column);
		}
		db_reset(st);
	}
}

/* The statements built from the declaration prepare, and the lines are
 * consistent: a known kind, a message for each restrict, a cascade from
 * the schema behind each shared detach, a refresh only with an id to read. */
Test(links, every_declared_statement_prepares)
{
	size_t n;
	const LinksRef *r = links_refs(&n);
	cr_assert_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		Err err = {0};
		DbStmt *st;
		cr_expect_not_null(kind_of(r[i].kind), "%s.%s: kind %s", r[i].table, r[i].column,
				   r[i].kind);
		cr_expect_eq(db_prepare(fx.db, &st, r[i].purge_sql, &err), KITH_OK, "%s: %s",
			     r[i].purge_sql, err.msg);
		if (r[i].refresh_sql)
			cr_expect_eq(db_prepare(fx.db, &st, r[i].refresh_sql, &err), KITH_OK,
				     "%s: %s", r[i].refresh_sql, err.msg);
		cr_expect_eq(r[i].trash == LINKS_REFRESH, r[i].refresh_sql != NULL);
		if (r[i].purge == LINKS_RESTRICT)
			cr_expect_gt(strlen(r[i].restrict_fmt), strlen("%s %lld "), "%s.%s message",
				     r[i].table, r[i].column);
		if (r[i].purge == LINKS_DETACH_SHARED)
			cr_expect_eq(r[i].schema, LINKS_FK_CASCADE, "%s.%s: the rest must cascade",
				     r[i].table, r[i].column);
		if (r[i].touch)
			cr_expect(r[i].purge == LINKS_DETACH || r[i].purge == LINKS_DETACH_SHARED);
	}
	Err err = {0};
	cr_expect_eq(links_purge(fx.db, "invoice", 1, "id", &err), ERR_INTERNAL);
	cr_expect_eq(links_trash(fx.db, "invoice", 1, &err), ERR_INTERNAL);
}

typedef int (*CreateFn)(Db *, const Actor *, const json_t *, int64_t *, Err *);

static int64_t make(CreateFn fn, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = fixture_json(json);
	cr_assert_eq(fn(fx.db, &sys, in, &id, &err), KITH_OK, "%s: %s: %s", json, err.field,
		     err.msg);
	json_decref(in);
	return id;
}

static int company_make(Db *db, const Actor *a, const json_t *in, int64_t *id, Err *err)
{
	return company_create(db, a, in, 0, id, err);
}

static int contact_make(Db *db, const Actor *a, const json_t *in, int64_t *id, Err *err)
{
	return contact_create(db, a, in, 0, id, err);
}

/* One number from a statement with one ?1 id parameter. */
static int64_t count_id(const char *sql, int64_t id)
{
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s: %s", sql, err.msg);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s: %s", sql, err.msg);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

static json_t *contact_json(int64_t id)
{
	Err err = {0};
	json_t *out = NULL;
	cr_assert_eq(contact_get(fx.db, &sys, id, 1, &out, &err), KITH_OK, "%s", err.msg);
	return out;
}

/* Purging a company: contacts detached (version bumped, stored JSON
 * refreshed), deals and tasks detached by the schema, activities shared
 * with a contact detached and kept, its own activities and custom values
 * deleted (cascade), its search document gone. */
Test(links, company_purge_detaches_and_cascades_as_declared)
{
	Err err = {0};
	json_t *def = fixture_json("{\"entity\":\"company\",\"key\":\"note\",\"label\":\"N\","
				   "\"type\":\"text\"}");
	int64_t fid;
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
	json_decref(def);
	def = fixture_json("{\"entity\":\"contact\",\"key\":\"note\",\"label\":\"N\","
			   "\"type\":\"text\"}");
	int64_t contact_fid;
	cr_assert_eq(field_define(fx.db, &sys, def, &contact_fid, &err), KITH_OK, "%s", err.msg);
	json_decref(def);
	int64_t co = make(company_make, "{\"legal_name\":\"Linkco\",\"custom\":{\"note\":\"x\"}}");
	char buf[256];
	snprintf(buf, sizeof buf,
		 "{\"first_name\":\"Ann\",\"company_id\":%lld,\"custom\":{\"note\":\"y\"}}",
		 (long long)co);
	int64_t ct = make(contact_make, buf);
	snprintf(buf, sizeof buf, "{\"title\":\"D\",\"company_id\":%lld}", (long long)co);
	int64_t deal = make(deal_create, buf);
	snprintf(buf, sizeof buf, "{\"title\":\"T\",\"company_id\":%lld}", (long long)co);
	int64_t task = make(task_create, buf);
	snprintf(buf, sizeof buf, "{\"kind\":\"call\",\"company_id\":%lld,\"contact_id\":%lld}",
		 (long long)co, (long long)ct);
	int64_t shared = make(activity_create, buf);
	snprintf(buf, sizeof buf, "{\"kind\":\"note\",\"company_id\":%lld}", (long long)co);
	int64_t own = make(activity_create, buf);
	int64_t ct_version = count_id("SELECT version FROM contact WHERE id = ?1", ct);
	int64_t act_version = count_id("SELECT version FROM activity WHERE id = ?1", shared);
	json_t *c = contact_json(ct);
	cr_assert_str_eq(fixture_str(json_object_get(c, "company"), "name"), "Linkco");
	json_decref(c);

	cr_assert_eq(company_delete(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(company_purge(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);

	/* detach, by links (touching the row) and by the schema (not) */
	cr_expect_eq(count_id("SELECT company_id IS NULL FROM contact WHERE id = ?1", ct), 1);
	cr_expect_eq(count_id("SELECT version FROM contact WHERE id = ?1", ct), ct_version + 1);
	c = contact_json(ct);
	cr_expect(json_is_null(json_object_get(c, "company")), "stored JSON refreshed");
	json_decref(c);
	cr_expect_eq(count_id("SELECT company_id IS NULL FROM deal WHERE id = ?1", deal), 1);
	cr_expect_eq(count_id("SELECT company_id IS NULL FROM task WHERE id = ?1", task), 1);
	cr_expect_eq(count_id("SELECT company_id IS NULL FROM activity WHERE id = ?1", shared), 1);
	cr_expect_eq(count_id("SELECT contact_id FROM activity WHERE id = ?1", shared), ct,
		     "the shared activity stays with the contact");
	cr_expect_eq(count_id("SELECT version FROM activity WHERE id = ?1", shared),
		     act_version + 1);
	/* cascade: by links (custom values) and by the schema (own activity) */
	cr_expect_eq(count_id("SELECT COUNT(*) FROM activity WHERE id = ?1", own), 0);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM field_value WHERE field_id = ?1", fid), 0);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM field_value WHERE field_id = ?1", contact_fid), 1,
		     "a contact's values stay, even with the company's record id");
	cr_expect_eq(count_id("SELECT COUNT(*) FROM company_fts s WHERE" SEARCH_ROWID "= ?1", co),
		     0);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM company WHERE id = ?1", co), 0);
}

/* Purging a contact: its activity shared with a company stays there; its
 * deal stays, unlinked; its emails go. */
Test(links, contact_purge_detaches_shared_activities_and_cascades_the_rest)
{
	Err err = {0};
	int64_t co = make(company_make, "{\"legal_name\":\"Keep Ltd\"}");
	int64_t ct = make(contact_make,
			  "{\"first_name\":\"Bo\",\"emails\":[{\"value\":\"bo@example.com\"}]}");
	char buf[256];
	snprintf(buf, sizeof buf, "{\"kind\":\"call\",\"company_id\":%lld,\"contact_id\":%lld}",
		 (long long)co, (long long)ct);
	int64_t shared = make(activity_create, buf);
	snprintf(buf, sizeof buf, "{\"kind\":\"call\",\"contact_id\":%lld}", (long long)ct);
	int64_t own = make(activity_create, buf);
	snprintf(buf, sizeof buf, "{\"title\":\"D\",\"contact_id\":%lld}", (long long)ct);
	int64_t deal = make(deal_create, buf);

	cr_assert_eq(contact_delete(fx.db, &sys, ct, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM activity WHERE contact_id = ?1", ct), 2,
		     "trash keeps the references");
	cr_assert_eq(contact_purge(fx.db, &sys, ct, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(count_id("SELECT contact_id IS NULL FROM activity WHERE id = ?1", shared), 1);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM activity WHERE id = ?1", own), 0);
	cr_expect_eq(count_id("SELECT contact_id IS NULL FROM deal WHERE id = ?1", deal), 1);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM contact_email WHERE contact_id = ?1", ct), 0);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM contact_fts s WHERE" SEARCH_ROWID "= ?1", ct),
		     0);
}

/* Restrict with a real reference: a stage holding a deal cannot go, the
 * error names the field and counts the deals, and nothing changed. */
Test(links, restrict_refuses_with_the_count_and_changes_nothing)
{
	Err err = {0};
	int64_t stage = count_id("SELECT id FROM stage WHERE pipeline_id = ?1 AND name = "
				 "'Proposal'",
				 1);
	char buf[128];
	snprintf(buf, sizeof buf, "{\"title\":\"A\",\"stage_id\":%lld}", (long long)stage);
	make(deal_create, buf);
	make(deal_create, buf);
	int64_t visits = count_id("SELECT COUNT(*) FROM stage_visit WHERE stage_id = ?1", stage);
	cr_assert_eq(db_begin(fx.db, &err), KITH_OK);
	cr_expect_eq(links_purge(fx.db, "stage", stage, "stage_id", &err), ERR_CONFLICT);
	db_rollback(fx.db);
	cr_expect_str_eq(err.field, "stage_id");
	snprintf(buf, sizeof buf,
		 "stage %lld still holds 2 deal(s), trashed ones included; move them first",
		 (long long)stage);
	cr_expect_str_eq(err.msg, buf);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM stage_visit WHERE stage_id = ?1", stage),
		     visits, "nothing cascaded");
	/* and through the noun */
	cr_expect_eq(stage_remove(fx.db, &sys, stage, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.msg, buf);

	/* a user with a token: the schema would refuse, links says why */
	fixture_user(&fx, "o@example.com", "owner");
	Actor u = fixture_user(&fx, "u@example.com", "member");
	char secret[TOKEN_SECRET_LEN + 1];
	int64_t tid;
	cr_assert_eq(token_create(fx.db, &sys, "u@example.com", "t", secret, &tid, &err), KITH_OK,
		     "%s", err.msg);
	cr_expect_eq(links_purge(fx.db, "user", u.user_id, "id", &err), ERR_CONFLICT);
	cr_expect_not_null(strstr(err.msg, "1 token(s)"), "%s", err.msg);
}

/* Cascade without a restrict: an empty stage goes with its board rows. */
Test(links, a_free_stage_goes_with_its_board_rows)
{
	Err err = {0};
	int64_t stage = count_id("SELECT id FROM stage WHERE pipeline_id = ?1 AND name = "
				 "'Follow-up'",
				 1);
	cr_assert_eq(stage_remove(fx.db, &sys, stage, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM stage WHERE id = ?1", stage), 0);
	cr_expect_eq(count_id("SELECT COUNT(*) FROM stage_visit WHERE stage_id = ?1", stage), 0);
}

/* Trash, restore and rename of a company refresh its contacts (REFRESH);
 * without a registered refresh function the change is refused, not left
 * half done. */
Test(links, company_trash_restore_and_rename_refresh_contacts)
{
	Err err = {0};
	int64_t co = make(company_make, "{\"legal_name\":\"Before\"}");
	char buf[128];
	snprintf(buf, sizeof buf, "{\"first_name\":\"Cy\",\"company_id\":%lld}", (long long)co);
	int64_t ct = make(contact_make, buf);
	json_t *patch = fixture_json("{\"legal_name\":\"After\"}");
	cr_assert_eq(company_update(fx.db, &sys, co, patch, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	json_t *c = contact_json(ct);
	cr_expect_str_eq(fixture_str(json_object_get(c, "company"), "name"), "After");
	json_decref(c);
	cr_assert_eq(company_delete(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	c = contact_json(ct);
	cr_expect(json_is_null(json_object_get(json_object_get(c, "company"), "name")),
		  "a trashed company's name is not shown");
	json_decref(c);
	cr_assert_eq(company_restore(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	c = contact_json(ct);
	cr_expect_str_eq(fixture_str(json_object_get(c, "company"), "name"), "After");
	json_decref(c);

	links_set_refresh("contact", NULL);
	patch = fixture_json("{\"legal_name\":\"Unwired\"}");
	cr_expect_eq(company_update(fx.db, &sys, co, patch, 0, NULL, &err), ERR_INTERNAL);
	json_decref(patch);
	contact_links_register();
	cr_expect_eq(count_id("SELECT COUNT(*) FROM company WHERE id = ?1 AND "
			      "legal_name = 'After'",
			      co),
		     1, "rolled back");
}
