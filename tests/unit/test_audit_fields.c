/* test_audit_fields.c - history field by field (issue 7): audit_fields()
 * over every shape the audit log holds (pairs, snapshots, merges, old rows
 * that kept only the new state), and audit_list() serving it for real
 * contact and company changes. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/audit.h"
#include "crm/company.h"
#include "crm/contact.h"
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
TestSuite(audit_fields, .init = setup, .fini = teardown);

/* audit_fields of a stored changes text, compact: "field:from>to|...",
 * "?" for an unknown from. */
static char *fields_text(const char *action, const char *changes)
{
	json_t *ch = json_loads(changes, 0, NULL);
	cr_assert_not_null(ch, "bad test JSON %s", changes);
	json_t *f = audit_fields(action, "2026-12-03T10:00:00Z", ch), *e;
	size_t i;
	static char out[1024];
	out[0] = 0;
	json_array_foreach(f, i, e)
	{
		json_t *from = json_object_get(e, "from");
		char *a = from ? json_dumps(from, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		char *b = json_dumps(json_object_get(e, "to"), JSON_ENCODE_ANY | JSON_COMPACT);
		size_t n = strlen(out);
		snprintf(out + n, sizeof out - n, "%s%s:%s>%s", i ? "|" : "",
			 json_string_value(json_object_get(e, "field")), a ? a : "?", b);
		free(a);
		free(b);
	}
	json_decref(f);
	json_decref(ch);
	return out;
}

Test(audit_fields, every_stored_shape)
{
	static const struct {
		const char *action, *changes, *want;
	} cases[] = {
	    {"update", "{\"job_title\": [null, \"CEO\"], \"version\": [1, 2]}",
	     "job_title:null>\"CEO\""},
	    {"update",
	     "{\"address\": [{\"city\": \"Łódź\", \"street\": null}, {\"city\": \"Kraków\", "
	     "\"street\": null}]}",
	     "address.city:\"Łódź\">\"Kraków\""},
	    {"update", "{\"custom\": [{}, {\"budget\": 5}]}", "custom.budget:null>5"},
	    {"update", "{\"company\": [null, {\"id\": 3, \"name\": \"Acme\"}]}",
	     "company:null>{\"id\":3,\"name\":\"Acme\"}"},
	    {"tag", "{\"tags\": [[], [\"vip\"]]}", "tags:[]>[\"vip\"]"},
	    {"share", "{\"collaborator_id\": [null, 4]}", "collaborator_id:null>4"},
	    {"restore", "{\"deleted_at\": [\"2026-12-01T00:00:00Z\", null]}",
	     "deleted_at:\"2026-12-01T00:00:00Z\">null"},
	    {"create",
	     "{\"id\": 1, \"first_name\": \"Anna\", \"last_name\": \"\", \"tags\": [], "
	     "\"address\": {\"city\": \"Łódź\", \"street\": null}, \"version\": 1, "
	     "\"created_at\": \"x\", \"deleted_at\": null}",
	     "first_name:null>\"Anna\"|address.city:null>\"Łódź\""},
	    {"delete", "{\"id\": 1, \"first_name\": \"Anna\"}",
	     "deleted_at:null>\"2026-12-03T10:00:00Z\""},
	    {"purge", "{\"id\": 1, \"first_name\": \"Anna\"}", ""},
	    {"merge", "{\"merged_from\": 7, \"changes\": {\"owner_id\": [null, 2]}}",
	     "merged_from:?>7|owner_id:null>2"},
	    {"merge", "{\"merged_into\": 3, \"keeper\": \"Anna\"}",
	     "merged_into:?>3|keeper:?>\"Anna\""},
	    /* old rows that kept only the new state: from is unknown */
	    {"update", "{\"name\": \"Nowak\", \"currency\": \"PLN\"}",
	     "name:?>\"Nowak\"|currency:?>\"PLN\""},
	    {"revoke", "{}", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_str_eq(fields_text(cases[i].action, cases[i].changes), cases[i].want,
				 "%s %s", cases[i].action, cases[i].changes);
}

/* The first entry's fields of a record's history, compact. */
static char *history_text(const char *entity, int64_t id, int nth)
{
	Err err = {0};
	json_t *h = NULL;
	cr_assert_eq(audit_list(fx.db, entity, id, 50, &h, &err), KITH_OK, "%s", err.msg);
	json_t *fields = json_object_get(json_array_get(h, nth), "fields"), *e;
	cr_assert(json_is_array(fields));
	size_t i;
	static char out[1024];
	out[0] = 0;
	json_array_foreach(fields, i, e)
	{
		char *a = json_dumps(json_object_get(e, "from"), JSON_ENCODE_ANY | JSON_COMPACT);
		char *b = json_dumps(json_object_get(e, "to"), JSON_ENCODE_ANY | JSON_COMPACT);
		size_t n = strlen(out);
		snprintf(out + n, sizeof out - n, "%s%s:%s>%s", i ? "|" : "",
			 json_string_value(json_object_get(e, "field")), a, b);
		free(a);
		free(b);
	}
	json_decref(h);
	return out;
}

Test(audit_fields, contact_and_company_history_says_from_what_to_what)
{
	Err err = {0};
	int64_t c = 0, m = 0;
	json_t *in = json_loads("{\"first_name\": \"Anna\", \"job_title\": \"Dev\", \"address\": "
				"{\"city\": \"Łódź\"}}",
				0, NULL);
	cr_assert_eq(contact_create(fx.db, &sys, in, 0, &c, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	in = json_loads("{\"job_title\": \"CEO\", \"address\": {\"city\": \"Kraków\"}}", 0, NULL);
	cr_assert_eq(contact_update(fx.db, &sys, c, in, 0, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_expect_str_eq(history_text("contact", c, 0),
			 "job_title:\"Dev\">\"CEO\"|address.city:\"Łódź\">\"Kraków\"");
	in = json_loads("{\"legal_name\": \"Acme\"}", 0, NULL);
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &m, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	in = json_loads("{\"legal_name\": \"Acme Sp. z o.o.\", \"notes\": \"n\"}", 0, NULL);
	cr_assert_eq(company_update(fx.db, &sys, m, in, 0, NULL, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	cr_expect_str_eq(history_text("company", m, 0),
			 "legal_name:\"Acme\">\"Acme Sp. z o.o.\"|notes:null>\"n\"");
	cr_expect_str_eq(history_text("company", m, 1), "legal_name:null>\"Acme\"");
}
