/* test_field_use.c - removing a custom field reaches the records that used
 * it: their search documents and stored JSON lose the value. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "crm/company.h"
#include "crm/contact.h"
#include "crm/field.h"
#include "crm/field_use.h"
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
TestSuite(field_use, .init = setup, .fini = teardown);

static int64_t define(const char *entity)
{
	Err err = {0};
	int64_t id = 0;
	json_t *def = json_pack("{ss ss ss ss}", "entity", entity, "key", "code", "label", "Code",
				"type", "text");
	cr_assert_eq(field_define(fx.db, &sys, def, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(def);
	return id;
}

static size_t contacts_found(const char *q)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	ContactQuery cq = {.q = q, .limit = 50};
	cr_assert_eq(contact_list(fx.db, &sys, &cq, &items, &next, &err), KITH_OK, "%s", err.msg);
	size_t n = json_array_size(items);
	json_decref(items);
	free(next);
	return n;
}

static size_t companies_found(const char *q)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	CompanyQuery cq = {.q = q, .limit = 50};
	cr_assert_eq(company_list(fx.db, &sys, &cq, &items, &next, &err), KITH_OK, "%s", err.msg);
	size_t n = json_array_size(items);
	json_decref(items);
	free(next);
	return n;
}

Test(field_use, removing_a_contact_field_takes_its_words_out_of_search)
{
	Err err = {0};
	int64_t fid = define("contact"), id = 0, n = 0;
	json_t *in = json_pack("{ss s{ss}}", "first_name", "Ola", "custom", "code", "zebracode");
	cr_assert_eq(contact_create(fx.db, &sys, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_expect_eq(contacts_found("zebracode"), 1);
	cr_assert_eq(field_use_remove(fx.db, &sys, fid, 1, &n, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(n, 1);
	cr_expect_eq(contacts_found("zebracode"), 0, "the removed value is still searchable");
	cr_expect_eq(contacts_found("ola"), 1, "the contact itself stays findable");
	char *text = NULL;
	int64_t version;
	cr_assert_eq(contact_get_text(fx.db, &sys, id, 0, &text, &version, &err), KITH_OK);
	json_t *c = json_loads(text, 0, NULL);
	cr_expect_null(json_object_get(json_object_get(c, "custom"), "code"));
	json_decref(c);
	free(text);
}

Test(field_use, removing_a_company_field_takes_its_words_out_of_search)
{
	Err err = {0};
	int64_t fid = define("company"), id = 0;
	json_t *in = json_pack("{ss s{ss}}", "legal_name", "Acme", "custom", "code", "zebracode");
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_expect_eq(companies_found("zebracode"), 1);
	cr_assert_eq(field_use_remove(fx.db, &sys, fid, 1, NULL, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(companies_found("zebracode"), 0, "the removed value is still searchable");
	cr_expect_eq(companies_found("acme"), 1);
}

Test(field_use, refusals_change_nothing)
{
	Err err = {0};
	int64_t fid = define("contact"), id = 0;
	Actor member = {.user_id = 99, .role = ROLE_MEMBER};
	json_t *in = json_pack("{ss s{ss}}", "first_name", "Ola", "custom", "code", "zebracode");
	cr_assert_eq(contact_create(fx.db, &sys, in, 0, &id, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_expect_eq(field_use_remove(fx.db, &sys, fid, 0, NULL, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "force");
	cr_expect_eq(field_use_remove(fx.db, &member, fid, 1, NULL, &err), ERR_FORBIDDEN);
	cr_expect_eq(field_use_remove(fx.db, &sys, 12345, 1, NULL, &err), ERR_NOT_FOUND);
	cr_expect_eq(contacts_found("zebracode"), 1);
}
