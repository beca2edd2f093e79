/* test_contact.c - contacts: round trips, validation that names the field
 * and changes nothing, the duplicate guard, member access, versions, trash,
 * merge, tags, search in Polish, Turkish and Thai, list filters and keyset
 * pagination, audit entries. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/links.h"
#include "crm/collab.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/contact_rec.h"
#include "crm/field.h"
#include "crm/tag.h"
#include "core/user.h"
#include "fixture.h"
#include "store/migrate.h"
#include "store/search.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;
static Actor owner, member, other_member;

static Actor make_user(const char *email, const char *role)
{
	Err err = {0};
	int64_t id = 0;
	Actor a;
	cr_assert_eq(user_add(fx.db, &sys, email, "User", role, "password1", &id, &err), KITH_OK,
		     "%s", err.msg);
	cr_assert_eq(user_actor_by_email(fx.db, email, &a, &err), KITH_OK);
	return a;
}

static void setup(void)
{
	fixture_open(&fx, "PL");
	owner = make_user("owner@example.com", "owner");
	member = make_user("member@example.com", "member");
	other_member = make_user("other@example.com", "member");
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(contact, .init = setup, .fini = teardown);

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
	cr_assert_not_null(v, "bad test JSON: %s: %s", text, e.text);
	return v;
}

/* Create a contact from JSON text as actor a; asserts success. */
static int64_t add_as(const Actor *a, const char *json)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = J(json);
	cr_assert_eq(contact_create(fx.db, a, in, 0, &id, &err), KITH_OK, "%s: %s: %s", json,
		     err.field, err.msg);
	json_decref(in);
	cr_assert_gt(id, 0);
	return id;
}

static int64_t add(const char *json)
{
	return add_as(&sys, json);
}

static int try_add(const Actor *a, const char *json, int flags, Err *err)
{
	int64_t id = 0;
	json_t *in = J(json);
	int rc = contact_create(fx.db, a, in, flags, &id, err);
	json_decref(in);
	return rc;
}

static json_t *get(int64_t id)
{
	Err err = {0};
	json_t *c = NULL;
	cr_assert_eq(contact_get(fx.db, &sys, id, 1, &c, &err), KITH_OK, "%s", err.msg);
	return c;
}

static int update(const Actor *a, int64_t id, const char *json, int64_t version, Err *err)
{
	json_t *in = J(json), *out = NULL;
	int rc = contact_update(fx.db, a, id, in, version, 0, &out, err);
	json_decref(in);
	json_decref(out);
	return rc;
}

static int64_t count(const char *sql)
{
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_step(st, &err), DB_ROW, "%s", err.msg);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Audit actions of contact id, newest first, joined by spaces. */
static void audit_actions(int64_t id, char *out, size_t n)
{
	Err err = {0};
	json_t *list = NULL, *e;
	size_t i;
	cr_assert_eq(audit_list(fx.db, "contact", id, 100, &list, &err), KITH_OK);
	out[0] = '\0';
	json_array_foreach(list, i, e)
	{
		strncat(out, i ? " " : "", n - strlen(out) - 1);
		strncat(out, str(e, "action"), n - strlen(out) - 1);
	}
	json_decref(list);
}

/* ---- round trips ---- */

Test(contact, create_and_get_round_trip)
{
	int64_t id = add("{\"first_name\":\"  Ann \",\"last_name\":\"Kowalska\","
			 "\"job_title\":\"CEO\",\"emails\":[\"Ann@Example.PL\","
			 "{\"label\":\"home\",\"value\":\" ann@home.pl \"}],"
			 "\"phones\":[{\"label\":\"work\",\"value\":\"22 123 45 67\"}],"
			 "\"address\":{\"street\":\"Piotrkowska 1\",\"city\":\"Łódź\","
			 "\"postal_code\":\"90-001\",\"country\":\"pl\"},"
			 "\"website\":\"example.pl\",\"birthday\":\"1980-02-29\","
			 "\"status\":\"customer\",\"temperature\":\"hot\",\"source\":\"referral\","
			 "\"tags\":[\"VIP\",\"Łódź\"],\"notes\":\"line 1\\nline 2\","
			 "\"consent_note\":\"newsletter ok\"}");
	json_t *c = get(id);
	cr_expect_eq(num(c, "id"), id);
	cr_expect_str_eq(str(c, "first_name"), "Ann");
	cr_expect_str_eq(str(c, "display_name"), "Ann Kowalska");
	json_t *emails = json_object_get(c, "emails");
	cr_expect_eq(json_array_size(emails), 2);
	cr_expect_str_eq(str(json_array_get(emails, 0), "value"), "Ann@Example.PL");
	cr_expect_str_eq(str(json_array_get(emails, 0), "label"), "work");
	cr_expect_str_eq(str(json_array_get(emails, 1), "value"), "ann@home.pl");
	cr_expect_str_eq(str(json_array_get(emails, 1), "label"), "home");
	cr_expect_null(json_object_get(json_array_get(emails, 0), "norm"));
	json_t *ph = json_array_get(json_object_get(c, "phones"), 0);
	cr_expect_str_eq(str(ph, "value"), "+48221234567");
	cr_expect_str_eq(str(ph, "label"), "work");
	json_t *a = json_object_get(c, "address");
	cr_expect_str_eq(str(a, "country"), "PL");
	cr_expect_str_eq(str(a, "city"), "Łódź");
	cr_expect(json_is_null(json_object_get(a, "region")));
	cr_expect_str_eq(str(c, "website"), "example.pl");
	cr_expect_str_eq(str(c, "birthday"), "1980-02-29");
	cr_expect_str_eq(str(c, "status"), "customer");
	cr_expect_str_eq(str(c, "temperature"), "hot");
	cr_expect_str_eq(str(c, "source"), "referral");
	cr_expect(json_is_null(json_object_get(c, "owner_id")), "system adds unassigned");
	cr_expect(json_is_null(json_object_get(c, "company")));
	cr_expect_eq(json_array_size(json_object_get(c, "tags")), 2);
	cr_expect_str_eq(str(c, "notes"), "line 1\nline 2");
	cr_expect_str_eq(str(c, "consent_note"), "newsletter ok");
	cr_expect(json_is_object(json_object_get(c, "custom")));
	cr_expect_eq(num(c, "version"), 1);
	cr_expect(json_is_null(json_object_get(c, "deleted_at")));
	json_decref(c);

	/* Defaults: status lead, display name from the email. */
	c = get(add("{\"emails\":[\"solo@example.com\"]}"));
	cr_expect_str_eq(str(c, "display_name"), "solo@example.com");
	cr_expect_str_eq(str(c, "status"), "lead");
	cr_expect(json_is_null(json_object_get(c, "temperature")));
	json_decref(c);

	char actions[256];
	audit_actions(id, actions, sizeof actions);
	cr_expect_str_eq(actions, "create");
}

/* DESIGN.md: records created by a user are owned by them unless an owner
 * is given, for members, owners and admins alike; the local system (no
 * user) leaves them unassigned. */
Test(contact, creator_owns_what_they_add)
{
	json_t *c = get(add_as(&member, "{\"first_name\":\"Mine\"}"));
	cr_expect_eq(num(c, "owner_id"), member.user_id);
	json_decref(c);
	c = get(add_as(&owner, "{\"first_name\":\"Theirs\"}"));
	cr_expect_eq(num(c, "owner_id"), owner.user_id, "an owner owns what they add");
	json_decref(c);
	c = get(add_as(&sys, "{\"first_name\":\"Open\"}"));
	cr_expect(json_is_null(json_object_get(c, "owner_id")), "the system leaves it open");
	json_decref(c);
	char in[128];
	snprintf(in, sizeof in, "{\"first_name\":\"Given\",\"owner_id\":%lld}",
		 (long long)member.user_id);
	c = get(add_as(&owner, in));
	cr_expect_eq(num(c, "owner_id"), member.user_id);
	json_decref(c);
}

/* ---- validation ---- */

static const char long_name[] =
    "{\"first_name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}";

Test(contact, validation_names_the_field_and_changes_nothing)
{
	static const struct {
		const char *json, *field;
	} cases[] = {
	    {"{}", "first_name"},
	    {"{\"first_name\":\"  \",\"last_name\":\"\"}", "first_name"},
	    {"{\"first_name\":5}", "first_name"},
	    {long_name, "first_name"},
	    {"{\"first_name\":\"A\",\"last_name\":\"x\\u0001y\"}", "last_name"},
	    {"{\"first_name\":\"A\",\"nickname\":\"x\"}", "nickname"},
	    {"{\"first_name\":\"A\",\"emails\":[\"bad\"]}", "emails[0].value"},
	    {"{\"first_name\":\"A\",\"emails\":[\"a@b.pl\",{\"label\":\"home\",\"value\":\"nope\"}]"
	     "}",
	     "emails[1].value"},
	    {"{\"first_name\":\"A\",\"emails\":\"a@b.pl\"}", "emails"},
	    {"{\"first_name\":\"A\",\"emails\":[{\"value\":\"a@b.pl\",\"kind\":1}]}",
	     "emails[0].kind"},
	    {"{\"first_name\":\"A\",\"emails\":[{\"label\":5,\"value\":\"a@b.pl\"}]}",
	     "emails[0].label"},
	    {"{\"first_name\":\"A\",\"emails\":[{\"label\":\"home\"}]}", "emails[0].value"},
	    {"{\"first_name\":\"A\",\"emails\":[5]}", "emails[0]"},
	    {"{\"first_name\":\"A\",\"emails\":[\"a@b.pl\",\"A@B.PL\"]}", "emails[1].value"},
	    {"{\"first_name\":\"A\",\"phones\":[\"abc\"]}", "phones[0].value"},
	    {"{\"first_name\":\"A\",\"phones\":[\"601 234 567\",\"12\"]}", "phones[1].value"},
	    {"{\"first_name\":\"A\",\"phones\":[\"601 234 567\",\"+48601234567\"]}",
	     "phones[1].value"},
	    {"{\"first_name\":\"A\",\"phones\":{}}", "phones"},
	    {"{\"first_name\":\"A\",\"website\":\"not a url\"}", "website"},
	    {"{\"first_name\":\"A\",\"website\":\"ftp://example.com\"}", "website"},
	    {"{\"first_name\":\"A\",\"website\":\"https://\"}", "website"},
	    {"{\"first_name\":\"A\",\"birthday\":\"2020-02-30\"}", "birthday"},
	    {"{\"first_name\":\"A\",\"birthday\":\"2999-01-01\"}", "birthday"},
	    {"{\"first_name\":\"A\",\"birthday\":19800101}", "birthday"},
	    {"{\"first_name\":\"A\",\"address\":\"Main St\"}", "address"},
	    {"{\"first_name\":\"A\",\"address\":{\"country\":\"POL\"}}", "address.country"},
	    {"{\"first_name\":\"A\",\"address\":{\"zip\":\"00-001\"}}", "address.zip"},
	    {"{\"first_name\":\"A\",\"address\":{\"city\":5}}", "address.city"},
	    {"{\"first_name\":\"A\",\"status\":\"vip\"}", "status"},
	    {"{\"first_name\":\"A\",\"status\":null}", "status"},
	    {"{\"first_name\":\"A\",\"temperature\":\"tepid\"}", "temperature"},
	    {"{\"first_name\":\"A\",\"owner_id\":99999}", "owner_id"},
	    {"{\"first_name\":\"A\",\"owner_id\":\"1\"}", "owner_id"},
	    {"{\"first_name\":\"A\",\"company_id\":99999}", "company_id"},
	    {"{\"first_name\":\"A\",\"company_id\":-1}", "company_id"},
	    {"{\"first_name\":\"A\",\"tags\":\"vip\"}", "tags"},
	    {"{\"first_name\":\"A\",\"tags\":[\"vip\",\"VIP\"]}", "tags"},
	    {"{\"first_name\":\"A\",\"tags\":[\"a,b\"]}", "tags"},
	    {"{\"first_name\":\"A\",\"custom\":\"x\"}", "custom"},
	    {"{\"first_name\":\"A\",\"custom\":{\"nope\":1}}", "custom.nope"},
	    {"[]", ""},
	};
	/* Something already stored, which a rejected write must not disturb. */
	add("{\"first_name\":\"Kept\",\"emails\":[\"kept@example.com\"],\"phones\":[\"601 000 "
	    "001\"],"
	    "\"tags\":[\"old\"]}");
	int64_t before[] = {count("SELECT COUNT(*) FROM contact"),
			    count("SELECT COUNT(*) FROM contact_email"),
			    count("SELECT COUNT(*) FROM contact_phone"),
			    count("SELECT COUNT(*) FROM contact_tag"),
			    count("SELECT COUNT(*) FROM tag"),
			    count("SELECT COUNT(*) FROM audit_log"),
			    count("SELECT COUNT(*) FROM contact_fts")};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int rc = try_add(&sys, cases[i].json, 0, &err);
		cr_expect_eq(rc, ERR_INVALID, "%s: rc %d (%s)", cases[i].json, rc, err.msg);
		cr_expect_str_eq(err.field, cases[i].field, "%s: %s", cases[i].json, err.msg);
		cr_expect_neq(err.msg[0], '\0');
	}
	/* A long notes text, and tags past the limit. */
	Buf big;
	buf_init(&big, 0);
	buf_adds(&big, "{\"first_name\":\"A\",\"notes\":\"");
	for (unsigned i = 0; i <= KITH_MAX_TEXT; i++)
		buf_addc(&big, 'x');
	buf_adds(&big, "\"}");
	Err err = {0};
	cr_expect_eq(try_add(&sys, buf_str(&big), 0, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "notes");
	buf_reset(&big);
	buf_adds(&big, "{\"first_name\":\"A\",\"tags\":[");
	for (unsigned i = 0; i <= KITH_MAX_TAGS; i++)
		buf_addf(&big, "%s\"t%u\"", i ? "," : "", i);
	buf_adds(&big, "]}");
	cr_expect_eq(try_add(&sys, buf_str(&big), 0, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "tags");
	buf_free(&big);

	int64_t after[] = {count("SELECT COUNT(*) FROM contact"),
			   count("SELECT COUNT(*) FROM contact_email"),
			   count("SELECT COUNT(*) FROM contact_phone"),
			   count("SELECT COUNT(*) FROM contact_tag"),
			   count("SELECT COUNT(*) FROM tag"),
			   count("SELECT COUNT(*) FROM audit_log"),
			   count("SELECT COUNT(*) FROM contact_fts")};
	for (size_t i = 0; i < sizeof before / sizeof before[0]; i++)
		cr_expect_eq(after[i], before[i], "table %zu changed: %lld -> %lld", i,
			     (long long)before[i], (long long)after[i]);
}

Test(contact, rejected_update_changes_nothing)
{
	Err err = {0};
	int64_t id =
	    add("{\"first_name\":\"Ann\",\"emails\":[\"ann@example.com\"],\"tags\":[\"a\"]}");
	json_t *before = get(id);
	cr_expect_eq(update(&sys, id, "{\"tags\":[\"new\"],\"emails\":[\"broken\"]}", 0, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "emails[0].value");
	cr_expect_eq(update(&sys, id, "{\"first_name\":\"\",\"emails\":[]}", 0, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "first_name");
	json_t *after = get(id);
	cr_expect(json_equal(before, after), "the contact changed");
	cr_expect_eq(count("SELECT COUNT(*) FROM tag"), 1, "tag 'new' was left behind");
	json_decref(before);
	json_decref(after);
}

/* ---- duplicate guard ---- */

Test(contact, duplicate_guard)
{
	Err err = {0};
	int64_t ann = add("{\"first_name\":\"Ann\",\"last_name\":\"Kowalska\","
			  "\"emails\":[\"ann@x.pl\"],\"phones\":[\"601 234 567\"]}");
	cr_expect_eq(try_add(&sys,
			     "{\"first_name\":\"A2\",\"emails\":[\"other@x.pl\",\"ANN@X.PL\"]}", 0,
			     &err),
		     ERR_CONFLICT);
	cr_expect_str_eq(err.field, "emails[1].value");
	cr_expect_eq(err.ref_id, ann);
	/* the API's message names no CLI option (the CLI adds "use --force") */
	cr_expect(strstr(err.msg, "#") && strstr(err.msg, "Ann Kowalska") &&
		      !strstr(err.msg, "--"),
		  "%s", err.msg);
	const char *phones[] = {"+48 601 234 567", "0048601234567", "601-234-567", "(601) 234 567"};
	for (size_t i = 0; i < 4; i++) {
		char in[128];
		err_clear(&err);
		snprintf(in, sizeof in, "{\"first_name\":\"P\",\"phones\":[\"%s\"]}", phones[i]);
		cr_expect_eq(try_add(&sys, in, 0, &err), ERR_CONFLICT, "%s", phones[i]);
		cr_expect_str_eq(err.field, "phones[0].value");
		cr_expect_eq(err.ref_id, ann);
	}
	int64_t n = count("SELECT COUNT(*) FROM contact");
	cr_expect_eq(
	    try_add(&sys, "{\"first_name\":\"A2\",\"emails\":[\"Ann@x.pl\"]}", CONTACT_FORCE, &err),
	    KITH_OK, "--force adds anyway: %s", err.msg);
	cr_expect_eq(count("SELECT COUNT(*) FROM contact"), n + 1);

	/* Update: keeping its own email is fine, taking another's is not. */
	int64_t bob = add("{\"first_name\":\"Bob\",\"emails\":[\"bob@x.pl\"]}");
	cr_expect_eq(update(&sys, bob, "{\"emails\":[\"bob@x.pl\",\"BOB2@x.pl\"]}", 0, &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(update(&sys, bob, "{\"phones\":[\"+48601234567\"]}", 0, &err), ERR_CONFLICT);
	cr_expect_eq(err.ref_id, ann);

	/* A contact in the trash is no duplicate. */
	cr_expect_eq(contact_delete(fx.db, &sys, ann, &err), KITH_OK);
	cr_expect_eq(update(&sys, bob, "{\"phones\":[\"+48601234567\"]}", 0, &err), KITH_OK, "%s",
		     err.msg);
}

Test(contact, duplicate_of_a_hidden_contact_is_not_named)
{
	Err err = {0};
	add_as(&other_member, "{\"first_name\":\"Secret\",\"last_name\":\"Person\","
			      "\"emails\":[\"secret@x.pl\"]}");
	cr_expect_eq(
	    try_add(&member, "{\"first_name\":\"S\",\"emails\":[\"secret@x.pl\"]}", 0, &err),
	    ERR_CONFLICT);
	cr_expect_null(strstr(err.msg, "Secret Person"), "%s", err.msg);
	cr_expect_eq(err.ref_id, 0);
}

/* ---- access ---- */

Test(contact, members_see_only_their_own)
{
	Err err = {0};
	json_t *c = NULL;
	int64_t open = add_as(&owner, "{\"first_name\":\"Open\"}");
	int64_t mine = add_as(&member, "{\"first_name\":\"Mine\"}");
	int64_t theirs = add_as(&other_member, "{\"first_name\":\"Theirs\"}");
	cr_expect_eq(contact_get(fx.db, &member, mine, 0, &c, &err), KITH_OK);
	json_decref(c);
	c = NULL;
	cr_expect_eq(contact_get(fx.db, &member, theirs, 0, &c, &err), ERR_NOT_FOUND);
	cr_expect_eq(contact_get(fx.db, &member, open, 0, &c, &err), ERR_NOT_FOUND);
	cr_expect_eq(update(&member, theirs, "{\"first_name\":\"X\"}", 0, &err), ERR_NOT_FOUND);
	cr_expect_eq(contact_delete(fx.db, &member, theirs, &err), ERR_NOT_FOUND);
	json_t *tags = J("[\"x\"]");
	cr_expect_eq(contact_tag(fx.db, &member, theirs, tags, NULL, NULL, &err), ERR_NOT_FOUND);
	json_decref(tags);
	cr_expect_eq(contact_merge(fx.db, &member, mine, theirs, NULL, &err), ERR_NOT_FOUND);
	cr_expect_eq(contact_get(fx.db, &owner, theirs, 0, &c, &err), KITH_OK, "owners see all");
	json_decref(c);

	/* A member may not give a contact away. */
	char in[96];
	snprintf(in, sizeof in, "{\"owner_id\":%lld}", (long long)other_member.user_id);
	cr_expect_eq(update(&member, mine, in, 0, &err), ERR_FORBIDDEN);
	cr_expect_str_eq(err.field, "owner_id");
	cr_expect_eq(update(&member, mine, "{\"owner_id\":null}", 0, &err), ERR_FORBIDDEN);

	json_t *items = NULL;
	char *next = NULL;
	ContactQuery q = {.limit = 50};
	cr_assert_eq(contact_list(fx.db, &member, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 1);
	cr_expect_eq(num(json_array_get(items, 0), "id"), mine);
	json_decref(items);
	q.q = "theirs";
	cr_assert_eq(contact_list(fx.db, &member, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 0, "search hides others' contacts");
	json_decref(items);
	q.q = NULL;
	cr_assert_eq(contact_list(fx.db, &owner, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 3);
	json_decref(items);
}

/* ---- versions and updates ---- */

Test(contact, update_versions_and_audit_diff)
{
	Err err = {0};
	int64_t id =
	    add("{\"first_name\":\"Ann\",\"address\":{\"city\":\"Kraków\",\"country\":\"PL\"}}");
	cr_expect_eq(update(&sys, id, "{\"last_name\":\"Nowak\"}", 1, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_eq(update(&sys, id, "{\"last_name\":\"Stale\"}", 1, &err), ERR_STALE);
	json_t *c = get(id);
	cr_expect_eq(num(c, "version"), 2);
	cr_expect_str_eq(str(c, "display_name"), "Ann Nowak");
	json_decref(c);

	/* Address parts patch; null clears one part. */
	cr_expect_eq(
	    update(&sys, id, "{\"address\":{\"street\":\"Rynek 1\",\"country\":null}}", 2, &err),
	    KITH_OK, "%s", err.msg);
	c = get(id);
	json_t *a = json_object_get(c, "address");
	cr_expect_str_eq(str(a, "street"), "Rynek 1");
	cr_expect_str_eq(str(a, "city"), "Kraków");
	cr_expect(json_is_null(json_object_get(a, "country")));
	cr_expect_eq(num(c, "version"), 3);
	json_decref(c);
	cr_expect_eq(update(&sys, id, "{\"address\":null,\"temperature\":\"warm\"}", 0, &err),
		     KITH_OK);
	c = get(id);
	cr_expect(json_is_null(json_object_get(json_object_get(c, "address"), "city")));
	cr_expect_str_eq(str(c, "temperature"), "warm");
	json_decref(c);

	json_t *list = NULL;
	cr_assert_eq(audit_list(fx.db, "contact", id, 10, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 4);
	json_t *first_update = json_array_get(list, 2);
	cr_expect_str_eq(str(first_update, "action"), "update");
	json_t *ch = json_object_get(first_update, "changes");
	json_t *ln = json_object_get(ch, "last_name");
	cr_expect_str_eq(json_string_value(json_array_get(ln, 0)), "");
	cr_expect_str_eq(json_string_value(json_array_get(ln, 1)), "Nowak");
	cr_expect_null(json_object_get(ch, "first_name"), "unchanged keys are not in the diff");
	cr_expect_not_null(json_object_get(ch, "version"));
	json_decref(list);
}

/* ---- trash ---- */

Test(contact, delete_restore_purge)
{
	Err err = {0};
	json_t *c = NULL;
	int64_t id = add("{\"first_name\":\"Gone\",\"last_name\":\"Soon\",\"emails\":[\"g@x.pl\"],"
			 "\"phones\":[\"601 111 222\"],\"tags\":[\"t\"]}");
	cr_expect_eq(contact_purge(fx.db, &sys, id, &err), ERR_CONFLICT);
	cr_expect(strstr(err.msg, "trash first") != NULL, "%s", err.msg);
	cr_expect_eq(contact_restore(fx.db, &sys, id, &err), ERR_CONFLICT);
	cr_assert_eq(contact_delete(fx.db, &sys, id, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_get(fx.db, &sys, id, 0, &c, &err), ERR_GONE);
	cr_expect_eq(contact_delete(fx.db, &sys, id, &err), ERR_GONE);
	cr_expect_eq(update(&sys, id, "{\"first_name\":\"X\"}", 0, &err), ERR_GONE);
	c = get(id);
	cr_expect(json_is_string(json_object_get(c, "deleted_at")));
	json_decref(c);

	json_t *items = NULL;
	char *next = NULL;
	ContactQuery q = {.q = "gone"};
	cr_assert_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 0, "trashed contacts are not found");
	json_decref(items);
	q = (ContactQuery){.trash = 1};
	cr_assert_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 1, "the trash lists it");
	json_decref(items);

	cr_assert_eq(contact_restore(fx.db, &sys, id, &err), KITH_OK, "%s", err.msg);
	q = (ContactQuery){.q = "gone"};
	cr_assert_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	cr_expect_eq(json_array_size(items), 1, "restored contacts are found again");
	json_decref(items);

	/* Members may not purge, even their own. */
	int64_t mine = add_as(&member, "{\"first_name\":\"Mine\"}");
	cr_assert_eq(contact_delete(fx.db, &member, mine, &err), KITH_OK);
	cr_expect_eq(contact_purge(fx.db, &member, mine, &err), ERR_FORBIDDEN);

	cr_assert_eq(contact_delete(fx.db, &sys, id, &err), KITH_OK);
	cr_assert_eq(contact_purge(fx.db, &sys, id, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(contact_get(fx.db, &sys, id, 1, &c, &err), ERR_NOT_FOUND);
	cr_expect_eq(count("SELECT COUNT(*) FROM contact_email WHERE email_norm = 'g@x.pl'"), 0);
	cr_expect_eq(count("SELECT COUNT(*) FROM contact_phone WHERE phone_norm = '48601111222'"),
		     0);
	char actions[256];
	audit_actions(id, actions, sizeof actions);
	cr_expect_str_eq(actions, "purge delete restore delete create");
	json_t *list = NULL;
	cr_assert_eq(audit_list(fx.db, "contact", id, 1, &list, &err), KITH_OK);
	json_t *snap = json_object_get(json_array_get(list, 0), "changes");
	cr_expect_str_eq(str(snap, "display_name"), "Gone Soon", "purge keeps a snapshot");
	json_decref(list);
}

/* ---- merge and tags ---- */

Test(contact, merge_unites_and_trashes_the_other)
{
	Err err = {0};
	json_t *m = NULL;
	int64_t keep = add("{\"first_name\":\"Ann\",\"emails\":[\"ann@x.pl\"],\"tags\":[\"vip\"],"
			   "\"notes\":\"first\"}");
	/* The duplicate a merge cleans up: added with force. */
	int64_t other = 0;
	json_t *in = J("{\"first_name\":\"Anna\",\"last_name\":\"Kowalska\","
		       "\"emails\":[\"ANN@x.pl\",\"anna@home.pl\"],\"phones\":[\"601 234 567\"],"
		       "\"tags\":[\"VIP\",\"gdańsk\"],\"notes\":\"second\","
		       "\"address\":{\"city\":\"Gdańsk\"},\"status\":\"customer\"}");
	cr_assert_eq(contact_create(fx.db, &sys, in, CONTACT_FORCE, &other, &err), KITH_OK, "%s",
		     err.msg);
	json_decref(in);
	cr_expect_eq(contact_merge(fx.db, &sys, keep, keep, &m, &err), ERR_INVALID);
	cr_assert_eq(contact_merge(fx.db, &sys, keep, other, &m, &err), KITH_OK, "%s", err.msg);
	cr_expect_str_eq(str(m, "first_name"), "Ann", "keep's values win");
	cr_expect_str_eq(str(m, "last_name"), "Kowalska", "empty fields are filled");
	cr_expect_str_eq(str(m, "display_name"), "Ann Kowalska");
	cr_expect_eq(json_array_size(json_object_get(m, "emails")), 2);
	cr_expect_eq(json_array_size(json_object_get(m, "phones")), 1);
	cr_expect_eq(json_array_size(json_object_get(m, "tags")), 2);
	cr_expect_str_eq(str(m, "notes"), "first\n\nsecond");
	cr_expect_str_eq(str(json_object_get(m, "address"), "city"), "Gdańsk");
	cr_expect_str_eq(str(m, "status"), "lead");
	cr_expect_eq(num(m, "version"), 2);
	json_decref(m);
	json_t *o = get(other);
	cr_expect(json_is_string(json_object_get(o, "deleted_at")), "the other is in the trash");
	json_decref(o);
	char actions[128];
	audit_actions(keep, actions, sizeof actions);
	cr_expect_str_eq(actions, "merge create");
	audit_actions(other, actions, sizeof actions);
	cr_expect_str_eq(actions, "merge create");
	json_t *list = NULL;
	cr_assert_eq(audit_list(fx.db, "contact", other, 1, &list, &err), KITH_OK);
	cr_expect_eq(num(json_object_get(json_array_get(list, 0), "changes"), "merged_into"), keep);
	json_decref(list);
	/* The merged email now finds only the keeper. */
	cr_expect_eq(try_add(&sys, "{\"first_name\":\"X\",\"emails\":[\"anna@home.pl\"]}", 0, &err),
		     ERR_CONFLICT);
	cr_expect_eq(err.ref_id, keep);
}

Test(contact, tag_add_remove)
{
	Err err = {0};
	json_t *c = NULL;
	json_t *add1 = J("[\"vip\",\"Łódź\",\"new\"]"), *rm1 = J("[\"LODZ\",\"new\",\"absent\"]");
	json_t *x = J("[\"x\"]"), *big_x = J("[\"X\"]"), *not_array = J("\"x\"");
	int64_t id = add("{\"first_name\":\"T\",\"tags\":[\"VIP\"]}");
	cr_assert_eq(contact_tag(fx.db, &sys, id, add1, NULL, &c, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(json_object_get(c, "tags")), 3, "vip is VIP");
	cr_expect_eq(num(c, "version"), 2);
	json_decref(c);
	cr_assert_eq(contact_tag(fx.db, &sys, id, NULL, rm1, &c, &err), KITH_OK);
	json_t *tags = json_object_get(c, "tags");
	cr_expect_eq(json_array_size(tags), 1, "LODZ is Łódź folded");
	cr_expect_str_eq(json_string_value(json_array_get(tags, 0)), "VIP", "first spelling kept");
	json_decref(c);
	cr_expect_eq(contact_tag(fx.db, &sys, id, x, big_x, &c, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "remove");
	cr_expect_eq(contact_tag(fx.db, &sys, id, not_array, NULL, &c, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "add");
	char actions[128];
	audit_actions(id, actions, sizeof actions);
	cr_expect_str_eq(actions, "tag tag create");
	json_t *list = NULL;
	cr_assert_eq(tag_list(fx.db, &sys, &list, &err), KITH_OK);
	cr_expect_geq(json_array_size(list), 2);
	json_decref(list);
	json_decref(add1);
	json_decref(rm1);
	json_decref(x);
	json_decref(big_x);
	json_decref(not_array);
}

/* ---- search ---- */

/* Ids found by query q (as the system), in order, space separated. */
static void search(const char *q, char *out, size_t n)
{
	Err err = {0};
	json_t *items = NULL, *c;
	char *next = NULL;
	size_t i;
	ContactQuery cq = {.q = q, .limit = 100};
	cr_assert_eq(contact_list(fx.db, &sys, &cq, &items, &next, &err), KITH_OK, "%s: %s", q,
		     err.msg);
	out[0] = '\0';
	json_array_foreach(items, i, c)
	{
		char id[24];
		snprintf(id, sizeof id, "%s%lld", i ? " " : "", (long long)num(c, "id"));
		strncat(out, id, n - strlen(out) - 1);
	}
	json_decref(items);
	free(next);
}

static int found(const char *q, int64_t id)
{
	char ids[512], want[24];
	search(q, ids, sizeof ids);
	snprintf(want, sizeof want, "%lld", (long long)id);
	for (char *t = strtok(ids, " "); t; t = strtok(NULL, " "))
		if (strcmp(t, want) == 0)
			return 1;
	return 0;
}

Test(contact, search_in_many_scripts)
{
	Err err = {0};
	int64_t lodz = add("{\"first_name\":\"Łucja\",\"last_name\":\"Kowalska\","
			   "\"address\":{\"city\":\"Łódź\"}}");
	int64_t zolc = add("{\"first_name\":\"Żółć\",\"emails\":[\"zolc@example.com\"]}");
	int64_t ist1 = add("{\"first_name\":\"Ayşe\",\"address\":{\"city\":\"İstanbul\"}}");
	int64_t ist2 = add("{\"first_name\":\"Mehmet\",\"address\":{\"city\":\"ISTANBUL\"}}");
	int64_t ist3 = add("{\"first_name\":\"Can\",\"address\":{\"city\":\"istanbul\"}}");
	int64_t ilgaz = add("{\"first_name\":\"ılgaz\"}");
	int64_t ilgaz2 = add("{\"first_name\":\"Ilgaz\"}");
	int64_t thai = add("{\"first_name\":\"สมชาย\",\"job_title\":\"บริษัทตัวอย่างจำกัด\"}");
	int64_t phone = add("{\"first_name\":\"Somchai\",\"phones\":[\"+66 81 234 5678\"]}");
	int64_t tagged = add("{\"first_name\":\"Tagged\",\"tags\":[\"Wholesale\"]}");
	json_t *in = J("{\"legal_name\":\"Globex Sp. z o.o.\"}");
	int64_t company = 0;
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &company, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	char body[96];
	snprintf(body, sizeof body, "{\"first_name\":\"Worker\",\"company_id\":%lld}",
		 (long long)company);
	int64_t worker = add(body);

	cr_expect(found("kow", lodz), "prefix");
	cr_expect(found("lodz", lodz), "lodz finds Łódź");
	cr_expect(found("LUCJA", lodz));
	cr_expect(found("zolc", zolc), "zolc finds Żółć");
	cr_expect(found("zolc@example", zolc), "email");
	int64_t ists[] = {ist1, ist2, ist3};
	const char *qs[] = {"istanbul", "ISTANBUL", "İstanbul", "ıstanbul"};
	for (size_t q = 0; q < 4; q++)
		for (size_t i = 0; i < 3; i++)
			cr_expect(found(qs[q], ists[i]), "%s finds contact %lld", qs[q],
				  (long long)ists[i]);
	cr_expect(found("ılgaz", ilgaz) && found("ılgaz", ilgaz2), "ılgaz");
	cr_expect(found("ilgaz", ilgaz) && found("ilgaz", ilgaz2), "ilgaz");
	cr_expect(found("ตัวอย่าง", thai), "a Thai word inside a run");
	cr_expect(found("บริษัท", thai));
	cr_expect(found("0812345678", phone), "national form with trunk 0");
	cr_expect(found("812345678", phone), "national form");
	cr_expect(found("+66812345678", phone), "E.164");
	cr_expect(found("+66 81 234 5678", phone), "E.164 with spaces");
	cr_expect(found("0812", phone), "prefix of the national form");
	cr_expect(found("wholesale", tagged), "tag");
	cr_expect(found("globex", worker), "company name");
	cr_expect(!found("globex", tagged));

	/* A company rename re-indexes its contacts (core/links.def: REFRESH). */
	json_t *patch = J("{\"legal_name\":\"Initech\"}");
	cr_assert_eq(company_update(fx.db, &sys, company, patch, 0, NULL, &err), KITH_OK, "%s",
		     err.msg);
	json_decref(patch);
	cr_expect(found("initech", worker), "renamed company");
	cr_expect(!found("globex", worker));
	json_t *c = get(worker);
	cr_expect_str_eq(str(json_object_get(c, "company"), "name"), "Initech");
	json_decref(c);

	/* Purging the company unlinks it from its contacts (core/links.def). */
	cr_assert_eq(company_delete(fx.db, &sys, company, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(company_purge(fx.db, &sys, company, &err), KITH_OK, "%s", err.msg);
	c = get(worker);
	cr_expect(json_is_null(json_object_get(c, "company")));
	json_decref(c);
	cr_expect(!found("initech", worker));

	ContactQuery q = {.q = "!!!"};
	json_t *items = NULL;
	char *next = NULL;
	cr_expect_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "q");
}

/* Digits from anywhere in a phone number (4 or more) and notes are
 * searchable, in every script; three digits are not a number search. */
Test(contact, search_finds_digits_inside_numbers_and_notes)
{
	Err err = {0};
	int64_t pl = add("{\"first_name\":\"Jan\",\"phones\":[\"+48 601 234 567\"],"
			 "\"notes\":\"Met at the Poznań fair; wants 3 offers\"}");
	int64_t th = add("{\"first_name\":\"Somchai\",\"phones\":[\"+66 81 234 5678\"],"
			 "\"notes\":\"ลูกค้าบริษัทตัวอย่างจำกัด\"}");
	int64_t tr = add("{\"first_name\":\"Ayşe\",\"phones\":[\"+90 532 987 65 43\"],"
			 "\"notes\":\"Işık Holding'den\"}");
	int64_t local = add("{\"first_name\":\"Nowhere\",\"phones\":[\"+7 916 555 0199\"]}");
	cr_expect(found("2345", pl), "digits inside the number");
	cr_expect(found("234 567", pl), "with spaces");
	cr_expect(found("4567", pl), "the last four");
	cr_expect(found("601 234", pl), "national prefix, as before");
	cr_expect(found("+48 601", pl), "international prefix, as before");
	cr_expect(!found("2345", tr));
	cr_expect(found("2345", th), "+66 81 234 5678 holds 2345 too");
	cr_expect(found("9876", tr));
	cr_expect(found("876543", tr));
	cr_expect(found("5550", local), "a calling code outside the table");
	cr_expect(!found("8601", pl), "no suffix starts inside the calling code");
	cr_expect(found("poznan", pl), "notes, folded");
	cr_expect(found("fair", pl));
	cr_expect(found("ตัวอย่าง", th), "a Thai word inside the notes");
	cr_expect(found("isik", tr) && found("ışık", tr), "Turkish notes");
	cr_expect(!found("poznan", th));

	/* notes changed: the old words are gone, the new found */
	cr_assert_eq(update(&sys, pl, "{\"notes\":\"Moved to Gdańsk\"}", 0, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect(found("gdansk", pl));
	cr_expect(!found("poznan", pl));
}

/* A query with a word of 4 or more letters comes best match first; a
 * shorter one in creation order, as before. */
Test(contact, longer_queries_come_best_match_first)
{
	int64_t notes =
	    add("{\"first_name\":\"Ewa\",\"last_name\":\"Zielińska\","
		"\"notes\":\"Long call about her colleague Kowalski, the fair in Poznań, "
		"three offers, a discount and the delivery dates for next spring\"}");
	int64_t named = add("{\"first_name\":\"Jan\",\"last_name\":\"Kowalski\"}");
	int64_t both = add("{\"first_name\":\"Kowalski\",\"last_name\":\"Kowalski\"}");
	char ids[128], want[128];
	search("kowalski", ids, sizeof ids);
	snprintf(want, sizeof want, "%lld %lld %lld", (long long)both, (long long)named,
		 (long long)notes);
	cr_expect_str_eq(ids, want, "ranked: the name twice, the name, the notes");
	search("kow", ids, sizeof ids);
	snprintf(want, sizeof want, "%lld %lld %lld", (long long)notes, (long long)named,
		 (long long)both);
	cr_expect_str_eq(ids, want, "a short prefix: creation order");
	cr_expect(search_ranks("kowa") && search_ranks("jan kowa") && search_ranks("2345"));
	cr_expect(!search_ranks("kow") && !search_ranks("an ko") && !search_ranks("") &&
		  !search_ranks(NULL));
	cr_expect(search_ranks("ตัวอย่าง") && search_ranks("İstanbul"));
}

/* Pages of a ranked search: the ranked candidates, then the matches after
 * them by id; every match exactly once, however the pages fall. */
Test(contact, ranked_search_pages_visit_every_match_once)
{
	Err err = {0};
	enum { N = SEARCH_RANK_CANDIDATES + 23 };
	json_t *in[N];
	int64_t ids[N];
	for (int i = 0; i < N; i++)
		in[i] = json_pack("{ss ss}", "first_name", i == 150 ? "Nowak" : "Anna", "last_name",
				  "Nowak");
	cr_assert_eq(contact_create_many(fx.db, &sys, in, N, 0, ids, &err), KITH_OK, "%s", err.msg);
	for (int i = 0; i < N; i++)
		json_decref(in[i]);
	static const int limits[] = {50, 7, 200, 201, 500};
	for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
		char seen[N] = {0};
		int total = 0, pages = 0;
		char *cursor = NULL;
		do {
			json_t *items = NULL, *c;
			char *next = NULL;
			size_t i;
			ContactQuery q = {.q = "nowak", .limit = limits[l], .cursor = cursor};
			cr_assert_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK,
				     "limit %d page %d: %s", limits[l], pages, err.msg);
			if (pages == 0)
				cr_expect_eq(num(json_array_get(items, 0), "id"), ids[150],
					     "the best match first");
			json_array_foreach(items, i, c)
			{
				int64_t id = num(c, "id");
				int k = (int)(id - ids[0]);
				cr_assert(k >= 0 && k < N);
				cr_expect(!seen[k], "limit %d: #%lld twice", limits[l],
					  (long long)id);
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
	/* a cursor of the ranked part is refused by another query's plan */
	ContactQuery q = {.q = "nowak", .limit = 5};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	json_decref(items);
	q = (ContactQuery){.q = "now", .cursor = next};
	cr_expect_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "cursor");
	free(q.cursor == next ? NULL : next);
	free((char *)q.cursor);
}

/* Every page of q as actor a with status filter status (NULL: none) and
 * page size limit, joined: the ids in the order shown (*n of them). */
static void ranked_pages(const Actor *a, const char *query, const char *status, int limit,
			 int64_t *out, int cap, int *n)
{
	Err err = {0};
	char *cursor = NULL;
	int pages = 0;
	*n = 0;
	do {
		json_t *items = NULL, *c;
		char *next = NULL;
		size_t i;
		ContactQuery q = {.q = query, .status = status, .limit = limit, .cursor = cursor};
		cr_assert_eq(contact_list(fx.db, a, &q, &items, &next, &err), KITH_OK,
			     "limit %d page %d: %s", limit, pages, err.msg);
		cr_expect(json_array_size(items) == (size_t)limit || !next,
			  "limit %d page %d: a short page with a next cursor", limit, pages);
		json_array_foreach(items, i, c)
		{
			cr_assert_lt(*n, cap);
			out[(*n)++] = num(c, "id");
		}
		json_decref(items);
		free(cursor);
		cursor = next;
		pages++;
	} while (cursor && pages < 1000);
	free(cursor);
}

/* A ranked search's pages, whatever their size, show exactly the matches
 * the actor may see with the filters, in the order search.h defines (the
 * ranked candidates by rank then id, then the later matches by id): the
 * cursor of a ranked page, the page that crosses into the matches by id and
 * the pages after it, for an owner and for a member who sees some of the
 * candidates (owned or shared) and not others. */
Test(contact, ranked_pages_show_what_the_actor_may_see_in_rank_order)
{
	enum { N = SEARCH_RANK_CANDIDATES + 60 };
	static const char *const names[] = {
	    "Anna\",\"last_name\":\"Nowak", "Nowak\",\"last_name\":\"Nowakowska",
	    "Jan\",\"last_name\":\"Nowakowski",
	    "Ewa\",\"last_name\":\"Nowak\",\"notes\":\"Nowak again"};
	int64_t ids[N], want[N], got[N];
	char visible[N], customer[N];
	Err err = {0};
	for (int i = 0; i < N; i++) {
		char body[256];
		/* a member owns every fourth, sees every fourth shared, not the rest */
		int64_t own = i % 4 == 0 ? member.user_id : owner.user_id;
		customer[i] = i % 3 == 0;
		snprintf(body, sizeof body,
			 "{\"first_name\":\"%s\",\"status\":\"%s\",\"owner_id\":%lld}",
			 names[(i * 7 / 3) % 4], customer[i] ? "customer" : "lead", (long long)own);
		ids[i] = add(body);
		visible[i] = i % 4 < 2;
		if (i % 4 == 1)
			cr_assert_eq(collab_add(fx.db, &owner, RECORD_CONTACT, ids[i],
						member.user_id, NULL, &err),
				     KITH_OK, "%s", err.msg);
	}
	int64_t order[N];
	int n_order = 0;
	fixture_ranked_order(&fx, 0, "nowak", order, N, &n_order);
	cr_assert_eq(n_order, N);
	cr_assert(search_ranks("nowak"));
	static const int limits[] = {1, 7, 20, 33, 200, 201, 500};
	for (int who = 0; who < 2; who++)
		for (int f = 0; f < 2; f++) {
			int n_want = 0;
			for (int k = 0; k < N; k++) {
				int i = (int)(order[k] - ids[0]);
				if ((who == 0 || visible[i]) && (f == 0 || customer[i]))
					want[n_want++] = order[k];
			}
			for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
				int n = 0;
				ranked_pages(who ? &member : &owner, "nowak", f ? "customer" : NULL,
					     limits[l], got, N, &n);
				cr_expect_eq(n, n_want, "%s %s limit %d: %d rows of %d",
					     who ? "member" : "owner", f ? "customers" : "all",
					     limits[l], n, n_want);
				for (int k = 0; k < n && k < n_want; k++)
					cr_expect_eq(got[k], want[k],
						     "%s %s limit %d: row %d is #%lld, not #%lld",
						     who ? "member" : "owner",
						     f ? "customers" : "all", limits[l], k,
						     (long long)got[k], (long long)want[k]);
			}
		}
}

/* A member who may see none of the ranked candidates still gets the later
 * matches they may see, by id, page after page. */
Test(contact, hidden_candidates_leave_the_later_matches)
{
	enum { N = SEARCH_RANK_CANDIDATES + 10 };
	int64_t ids[N], got[N];
	for (int i = 0; i < N; i++) {
		char body[160];
		snprintf(body, sizeof body,
			 "{\"first_name\":\"Jan%d\",\"last_name\":\"Kowalski\",\"owner_id\":%lld}",
			 i,
			 (long long)(i < SEARCH_RANK_CANDIDATES ? owner.user_id : member.user_id));
		ids[i] = add(body);
	}
	for (int limit = 3; limit <= 11; limit += 4) {
		int n = 0;
		ranked_pages(&member, "kowalski", NULL, limit, got, N, &n);
		cr_expect_eq(n, 10, "limit %d: %d rows", limit, n);
		for (int k = 0; k < n && k < 10; k++)
			cr_expect_eq(got[k], ids[SEARCH_RANK_CANDIDATES + k], "limit %d row %d",
				     limit, k);
	}
}

/* A namesake at the same company is a warning about a new contact, not a
 * refusal; other companies, no company and hidden contacts give none. */
Test(contact, a_namesake_at_the_same_company_is_a_warning)
{
	Err err = {0};
	int64_t acme = 0, globex = 0;
	json_t *in = J("{\"legal_name\":\"Acme\"}");
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &acme, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	in = J("{\"legal_name\":\"Globex\"}");
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &globex, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	char body[160];
	snprintf(body, sizeof body,
		 "{\"first_name\":\"Łukasz\",\"last_name\":\"Nowak\",\"company_id\":%lld}",
		 (long long)acme);
	int64_t first = add(body);
	json_t *w = NULL;
	cr_assert_eq(contact_create_warnings(fx.db, &sys, first, &w, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(w), 0, "the first one has no namesake");
	json_decref(w);

	/* folded: the same name spelled without diacritics, in capitals */
	snprintf(body, sizeof body,
		 "{\"first_name\":\"LUKASZ\",\"last_name\":\"nowak\",\"company_id\":%lld}",
		 (long long)acme);
	int64_t second = add(body);
	cr_assert_eq(contact_create_warnings(fx.db, &sys, second, &w, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert_eq(json_array_size(w), 1);
	json_t *one = json_array_get(w, 0);
	cr_expect_str_eq(str(one, "code"), "same_name");
	cr_expect_eq(num(one, "existing_id"), first);
	char want[128];
	snprintf(want, sizeof want,
		 "a contact with this name already works at Acme: #%lld Łukasz Nowak",
		 (long long)first);
	cr_expect_str_eq(str(one, "message"), want);
	json_decref(w);

	/* another company, or none: no warning */
	snprintf(body, sizeof body,
		 "{\"first_name\":\"Łukasz\",\"last_name\":\"Nowak\",\"company_id\":%lld}",
		 (long long)globex);
	int64_t elsewhere = add(body);
	cr_assert_eq(contact_create_warnings(fx.db, &sys, elsewhere, &w, &err), KITH_OK);
	cr_expect_eq(json_array_size(w), 0);
	json_decref(w);
	int64_t alone = add("{\"first_name\":\"Łukasz\",\"last_name\":\"Nowak\"}");
	cr_assert_eq(contact_create_warnings(fx.db, &sys, alone, &w, &err), KITH_OK);
	cr_expect_eq(json_array_size(w), 0);
	json_decref(w);

	/* a member is not told about a namesake they may not see */
	cr_assert_eq(contact_create_warnings(fx.db, &member, second, &w, &err), KITH_OK);
	cr_expect_eq(json_array_size(w), 0, "the first one is hidden from the member");
	json_decref(w);
	/* a trashed namesake is no namesake */
	cr_assert_eq(contact_delete(fx.db, &sys, first, &err), KITH_OK);
	cr_assert_eq(contact_create_warnings(fx.db, &sys, second, &w, &err), KITH_OK);
	cr_expect_eq(json_array_size(w), 0);
	json_decref(w);
}

/* Migration 014 brings documents written before it up to date: a database
 * whose documents lack notes and number suffixes is searchable by both
 * after migrating (014 and the migrations after it run again). */
/* Migration 014 rebuilds SQLite's FTS5 documents (its PostgreSQL variant
 * has nothing to rebuild): on SQLite in both passes. */
Test(contact, migration_014_rebuilds_old_documents)
{
	Err err = {0};
	fixture_use_sqlite(&fx, "PL");
	int64_t id = add("{\"first_name\":\"Jan\",\"phones\":[\"601 234 567\"],"
			 "\"notes\":\"Łódź trade fair\"}");
	json_t *in = J("{\"legal_name\":\"Globex\",\"phone\":\"22 123 45 67\","
		       "\"notes\":\"Ürün kataloğu\"}");
	int64_t company = 0;
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &company, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	/* the documents as 013 and before wrote them */
	char sql[512];
	snprintf(sql, sizeof sql,
		 "UPDATE contact_fts SET doc = 'jan 48601234567 601234567' WHERE rowid = %lld;"
		 "UPDATE company_fts SET doc = 'globex 48221234567 221234567' WHERE rowid = %lld;"
		 "DELETE FROM schema_migration WHERE version >= 14;",
		 (long long)id, (long long)company);
	cr_assert_eq(db_exec_script(fx.db, sql, &err), KITH_OK, "%s", err.msg);
	cr_assert(!found("2345", id) && !found("lodz", id), "the old document");
	int applied = 0;
	cr_assert_eq(migrate_up(fx.db, &applied, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(applied, migrate_latest() - 13,
		     "014 and every migration after it (015: the 4-character prefix index)");
	cr_expect(found("2345", id), "digits inside the number");
	cr_expect(found("lodz", id), "notes, folded");
	cr_expect(found("jan", id) && found("601234567", id), "what was there stays");

	CompanyQuery q = {.q = "katalogu"};
	json_t *items = NULL;
	char *next = NULL;
	cr_assert_eq(company_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(items), 1, "company notes");
	json_decref(items);
	q.q = "4567";
	cr_assert_eq(company_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(items), 1, "company phone digits");
	json_decref(items);
	q.q = "globex";
	cr_assert_eq(company_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(items), 1);
	json_decref(items);
	free(next);
}

Test(contact, custom_values_are_stored_and_searched)
{
	Err err = {0};
	int64_t fid = 0;
	json_t *def = J("{\"entity\":\"contact\",\"key\":\"hobby\",\"label\":\"Hobby\","
			"\"type\":\"text\"}");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
	json_decref(def);
	int64_t id = add("{\"first_name\":\"Cy\",\"custom\":{\"hobby\":\"Żeglarstwo\"}}");
	json_t *c = get(id);
	cr_expect_str_eq(str(json_object_get(c, "custom"), "hobby"), "Żeglarstwo");
	json_decref(c);
	cr_expect(found("zeglar", id));
	cr_expect_eq(update(&sys, id, "{\"custom\":{\"hobby\":\"chess\"}}", 0, &err), KITH_OK);
	cr_expect(found("chess", id));
	cr_expect(!found("zeglar", id));
	cr_expect_eq(update(&sys, id, "{\"custom\":{\"hobby\":5}}", 0, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "custom.hobby");
}

/* ---- lists ---- */

static const char *const sort_names[] = {"name",     "-name",	"created",
					 "-created", "updated", "-updated"};

/* Walk every page of query q with page size limit; asserts each contact of
 * the n created (ids[]) comes exactly once and keys are in order (ids for
 * an unranked search). */
static void walk(const Actor *a, ContactQuery q, const int64_t *ids, int n, int limit)
{
	int seen_count[64] = {0}, total = 0, pages = 0;
	char *cursor = NULL, prev_key[512] = "";
	int64_t prev_id = 0;
	q.limit = limit;
	do {
		Err err = {0};
		json_t *items = NULL, *c;
		char *next = NULL;
		size_t i;
		q.cursor = cursor;
		cr_assert_eq(contact_list(fx.db, a, &q, &items, &next, &err), KITH_OK, "%s: %s",
			     q.sort ? q.sort : "q", err.msg);
		cr_assert_leq(json_array_size(items), (size_t)limit);
		json_array_foreach(items, i, c)
		{
			int64_t id = num(c, "id");
			const char *key = !q.sort || strstr(q.sort, "created") ? ""
					  : strstr(q.sort, "name") ? str(c, "display_name")
								   : str(c, "updated_at");
			char folded[512];
			Buf f;
			buf_init(&f, 0);
			text_fold(&f, key);
			snprintf(folded, sizeof folded, "%s", buf_str(&f));
			buf_free(&f);
			int desc = q.sort && q.sort[0] == '-';
			int cmp = strcmp(folded, prev_key);
			/* a ranked search comes best match first (search.h) */
			if (total > 0 && !(q.q && search_ranks(q.q)))
				cr_expect(desc ? (cmp < 0 || (cmp == 0 && id < prev_id))
					       : (cmp > 0 || (cmp == 0 && id > prev_id)),
					  "%s: %lld after %lld out of order", q.sort ? q.sort : "q",
					  (long long)id, (long long)prev_id);
			snprintf(prev_key, sizeof prev_key, "%s", folded);
			prev_id = id;
			for (int k = 0; k < n; k++)
				if (ids[k] == id)
					seen_count[k]++;
			total++;
		}
		json_decref(items);
		free(cursor);
		cursor = next;
		cr_assert_lt(++pages, 100, "pagination does not end");
	} while (cursor);
	cr_expect_eq(total, n, "%s: %d rows for %d contacts", q.sort ? q.sort : "q", total, n);
	for (int k = 0; k < n; k++)
		cr_expect_eq(seen_count[k], 1, "%s: contact %lld seen %d times",
			     q.sort ? q.sort : "q", (long long)ids[k], seen_count[k]);
}

Test(contact, pagination_visits_every_row_once)
{
	static const char *const names[] = {"Zofia", "Ann",   "ann", "Łukasz", "Lukas", "Ömer",
					    "Omer",  "สมชาย", "Ann", "Ян",     "Émile", "Emil"};
	int64_t ids[40], mine[40], trash[40];
	int n = 0, n_mine = 0, n_trash = 0;
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			char in[160];
			snprintf(
			    in, sizeof in,
			    "{\"first_name\":\"%s\",\"last_name\":\"Pager\",\"owner_id\":%lld}",
			    names[i], (long long)(i % 3 ? member.user_id : other_member.user_id));
			ids[n] = add(in);
			if (i % 3)
				mine[n_mine++] = ids[n];
			n++;
		}
	for (size_t s = 0; s < sizeof sort_names / sizeof sort_names[0]; s++)
		for (int limit = 1; limit <= 7; limit += 3)
			walk(&sys, (ContactQuery){.sort = sort_names[s]}, ids, n, limit);
	walk(&sys, (ContactQuery){.q = "pager"}, ids, n, 4);
	walk(&sys, (ContactQuery){.q = "pag"}, ids, n, 50);

	/* A member's pages (the owner-index statements), and an admin's
	 * owner filter. */
	for (size_t s = 0; s < sizeof sort_names / sizeof sort_names[0]; s++) {
		walk(&member, (ContactQuery){.sort = sort_names[s]}, mine, n_mine, 3);
		walk(&sys, (ContactQuery){.sort = sort_names[s], .owner_id = member.user_id}, mine,
		     n_mine, 5);
	}
	walk(&member, (ContactQuery){.q = "pager"}, mine, n_mine, 4);

	/* The trash (partial-index statements). */
	for (int i = 0; i < n; i += 2) {
		Err err = {0};
		cr_assert_eq(contact_delete(fx.db, &sys, ids[i], &err), KITH_OK);
		trash[n_trash++] = ids[i];
	}
	for (size_t s = 0; s < sizeof sort_names / sizeof sort_names[0]; s++)
		walk(&sys, (ContactQuery){.sort = sort_names[s], .trash = 1}, trash, n_trash, 4);
}

Test(contact, list_filters)
{
	Err err = {0};
	json_t *items = NULL;
	char *next = NULL;
	json_t *in = J("{\"legal_name\":\"Acme\"}");
	int64_t company = 0;
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &company, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	char body[256];
	snprintf(body, sizeof body,
		 "{\"first_name\":\"A\",\"status\":\"customer\",\"temperature\":\"hot\","
		 "\"source\":\"web\",\"tags\":[\"vip\"],\"company_id\":%lld,\"owner_id\":%lld}",
		 (long long)company, (long long)member.user_id);
	int64_t a = add(body);
	add("{\"first_name\":\"B\",\"status\":\"lead\",\"temperature\":\"cold\",\"source\":"
	    "\"fair\"}");
	add("{\"first_name\":\"C\",\"status\":\"customer\",\"tags\":[\"other\"]}");
	struct {
		ContactQuery q;
		int n;
	} cases[] = {
	    {{.status = "customer"}, 2},
	    {{.temperature = "hot"}, 1},
	    {{.source = "web"}, 1},
	    {{.tag = "VIP"}, 1},
	    {{.tag = "no-such-tag"}, 0},
	    {{.company_id = company}, 1},
	    {{.company_id = company, .sort = "-updated"}, 1},
	    {{.owner_id = member.user_id}, 1},
	    {{.status = "customer", .tag = "other"}, 1},
	    {{.updated_since = "2000-01-01"}, 3},
	    {{.updated_since = "2999-01-01T00:00:00Z"}, 0},
	    {{.q = "a", .status = "customer", .company_id = company}, 1},
	    {{.trash = 1}, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(contact_list(fx.db, &sys, &cases[i].q, &items, &next, &err), KITH_OK,
			     "case %zu: %s", i, err.msg);
		cr_expect_eq(json_array_size(items), (size_t)cases[i].n, "case %zu", i);
		if (cases[i].n == 1 && i < 3)
			cr_expect_eq(num(json_array_get(items, 0), "id"), a);
		json_t *item = json_array_get(items, 0);
		if (item)
			cr_expect_null(json_object_get(item, "notes"), "list items are light");
		json_decref(items);
		free(next);
	}
	struct {
		ContactQuery q;
		const char *field;
	} bad[] = {
	    {{.sort = "age"}, "sort"},
	    {{.status = "vip"}, "status"},
	    {{.temperature = "tepid"}, "temperature"},
	    {{.updated_since = "yesterday"}, "updated_since"},
	    {{.cursor = "zz"}, "cursor"},
	    {{.q = "ann", .sort = "name"}, "sort"},
	    {{.limit = KITH_LIST_MAX + 1}, "limit"},
	    {{.limit = -1}, "limit"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&err);
		cr_expect_eq(contact_list(fx.db, &sys, &bad[i].q, &items, &next, &err), ERR_INVALID,
			     "bad case %zu", i);
		cr_expect_str_eq(err.field, bad[i].field, "bad case %zu", i);
	}
	/* A cursor of one sort order is refused by another. */
	ContactQuery q = {.sort = "name", .limit = 1};
	cr_assert_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK);
	json_decref(items);
	cr_assert_not_null(next);
	q.sort = "updated";
	q.cursor = next;
	cr_expect_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "cursor");
	free((char *)q.cursor);
}

/* ---- stored JSON (migration 005): reads by id serve what the last write
 * stored; every change that alters the JSON must rewrite it. ---- */

static json_t *get_text_json(int64_t id, int include_deleted)
{
	Err err = {0};
	char *text = NULL;
	int64_t version = 0;
	cr_assert_eq(contact_get_text(fx.db, &sys, id, include_deleted, &text, &version, &err),
		     KITH_OK, "%s", err.msg);
	json_t *o = json_loads(text, 0, NULL);
	cr_assert_not_null(o);
	cr_expect_eq(json_integer_value(json_object_get(o, "version")), version);
	free(text);
	return o;
}

static json_t *get_live_json(int64_t id)
{
	Err err = {0};
	json_t *o = NULL;
	cr_assert_eq(contact_get(fx.db, &sys, id, 1, &o, &err), KITH_OK, "%s", err.msg);
	return o;
}

static const char *company_name_of(json_t *c)
{
	return json_string_value(json_object_get(json_object_get(c, "company"), "name"));
}

Test(contact, stored_json_follows_company_rename_and_trash)
{
	Err err = {0};
	int64_t co = 0;
	json_t *in = J("{\"legal_name\": \"Stara Firma\"}"), *patch, *out = NULL;
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &co, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	char body[128];
	snprintf(body, sizeof body, "{\"first_name\": \"Ola\", \"company_id\": %lld}", (long long)co);
	int64_t id = add(body);
	json_t *c = get_text_json(id, 0);
	cr_expect_str_eq(company_name_of(c), "Stara Firma");
	json_decref(c);

	patch = J("{\"legal_name\": \"Nowa Firma\"}");
	cr_assert_eq(company_update(fx.db, &sys, co, patch, 0, &out, &err), KITH_OK, "%s", err.msg);
	json_decref(patch);
	json_decref(out);
	c = get_text_json(id, 0);
	cr_expect_str_eq(company_name_of(c), "Nowa Firma");
	json_decref(c);

	cr_assert_eq(company_delete(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	c = get_text_json(id, 0);
	cr_expect_null(company_name_of(c), "a trashed company's name is not shown");
	json_decref(c);
	cr_assert_eq(company_restore(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	c = get_text_json(id, 0);
	cr_expect_str_eq(company_name_of(c), "Nowa Firma");
	json_decref(c);

	cr_assert_eq(company_delete(fx.db, &sys, co, &err), KITH_OK);
	cr_assert_eq(company_purge(fx.db, &sys, co, &err), KITH_OK, "%s", err.msg);
	c = get_text_json(id, 0);
	cr_expect(json_is_null(json_object_get(c, "company")), "purged company unlinked");
	json_decref(c);
}

Test(contact, stored_json_matches_live_json_after_every_write)
{
	Err err = {0};
	int64_t id = add("{\"first_name\": \"Kemal\", \"emails\": [\"k@example.com\"], "
			 "\"tags\": [\"vip\"]}");
	int64_t other = add("{\"first_name\": \"Kemal2\", \"phones\": [\"+48601234567\"]}");
	json_t *tags = J("[\"export\"]"), *out = NULL;
	cr_assert_eq(contact_tag(fx.db, &sys, id, tags, NULL, &out, &err), KITH_OK, "%s", err.msg);
	json_decref(tags);
	json_decref(out);
	cr_assert_eq(contact_merge(fx.db, &sys, id, other, &out, &err), KITH_OK, "%s", err.msg);
	json_decref(out);
	int64_t ids[] = {id, other};
	for (int i = 0; i < 2; i++) {
		json_t *stored = get_text_json(ids[i], 1), *live = get_live_json(ids[i]);
		cr_expect(json_equal(stored, live), "contact %lld stored and live JSON differ",
			  (long long)ids[i]);
		json_decref(stored);
		json_decref(live);
	}
	json_t *o = get_text_json(other, 1);
	cr_expect_not(json_is_null(json_object_get(o, "deleted_at")), "merged-away is in trash");
	json_decref(o);
	o = get_text_json(id, 0);
	cr_expect_eq(json_array_size(json_object_get(o, "phones")), 1);
	json_decref(o);
	cr_assert_eq(contact_delete(fx.db, &sys, id, &err), KITH_OK);
	o = get_text_json(id, 1);
	cr_expect_not(json_is_null(json_object_get(o, "deleted_at")));
	json_decref(o);
	cr_assert_eq(contact_restore(fx.db, &sys, id, &err), KITH_OK);
	o = get_text_json(id, 0);
	cr_expect(json_is_null(json_object_get(o, "deleted_at")));
	json_decref(o);
}

Test(contact, removing_a_field_with_values_retires_stored_json)
{
	Err err = {0};
	int64_t fid = 0, n = 0;
	json_t *def = J("{\"entity\": \"contact\", \"key\": \"nip\", \"label\": \"NIP\", "
			"\"type\": \"text\"}");
	cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
	json_decref(def);
	int64_t id = add("{\"first_name\": \"Ewa\", \"custom\": {\"nip\": \"5260001246\"}}");
	json_t *c = get_text_json(id, 0);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(c, "custom"), "nip")),
			 "5260001246");
	json_decref(c);
	cr_assert_eq(field_remove(fx.db, &sys, fid, 1, &n, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(n, 1);
	c = get_text_json(id, 0);
	cr_expect_null(json_object_get(json_object_get(c, "custom"), "nip"),
		       "a removed field's value must not be served from the stored JSON");
	json_decref(c);
	c = get_live_json(id);
	cr_expect_null(json_object_get(json_object_get(c, "custom"), "nip"));
	json_decref(c);
}

Test(contact, get_text_checks_access_like_get)
{
	Err err = {0};
	char *text = NULL;
	int64_t version = 0;
	int64_t id = add_as(&owner, "{\"first_name\": \"Private\", \"owner_id\": 1}");
	cr_expect_eq(contact_get_text(fx.db, &member, id, 0, &text, &version, &err), ERR_NOT_FOUND);
	cr_expect_null(text);
	cr_assert_eq(contact_delete(fx.db, &sys, id, &err), KITH_OK);
	cr_expect_eq(contact_get_text(fx.db, &sys, id, 0, &text, &version, &err), ERR_GONE);
	cr_expect_eq(contact_get_text(fx.db, &sys, 999999, 0, &text, &version, &err), ERR_NOT_FOUND);
}

/* The JSON contact_rec builds from the tables (no stored doc), as text. */
static char *live_text(int64_t id)
{
	Err err = {0};
	ContactRec r;
	json_t *o = NULL;
	contact_rec_init(&r);
	cr_assert_eq(contact_rec_find(fx.db, &sys, id, 1, &r, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(contact_rec_json(fx.db, &sys, &r, 1, &o, &err), KITH_OK, "%s", err.msg);
	contact_rec_free(&r);
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	json_decref(o);
	cr_assert_not_null(text);
	return text;
}

static char *stored_text(int64_t id)
{
	Err err = {0};
	char *text = NULL;
	int64_t version = 0;
	cr_assert_eq(contact_get_text(fx.db, &sys, id, 1, &text, &version, &err), KITH_OK, "%s",
		     err.msg);
	return text;
}

/* The contact's search document as stored in the index. */
static char *search_doc(int64_t id)
{
	static const char sql[] = "SELECT doc FROM contact_fts s WHERE" SEARCH_ROWID "= ?";
	Err err = {0};
	DbStmt *st;
	cr_assert_eq(db_prepare(fx.db, &st, sql, &err), KITH_OK, "%s", err.msg);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st, &err), DB_ROW, "contact %lld has no search document",
		     (long long)id);
	char *doc = strdup(db_col_text(st, 0));
	db_reset(st);
	return doc;
}

/* What create stored (JSON and search document) is byte for byte what the
 * reload path builds: compare with the live JSON, then rebuild both as a
 * change of its company does (links_changed: contact_reindex_ids, which
 * reloads) and compare again. */
static void expect_create_matches_reload(int64_t id, int64_t company)
{
	Err err = {0};
	char *stored = stored_text(id), *live = live_text(id), *doc = search_doc(id);
	cr_expect_str_eq(stored, live, "stored JSON after create differs from the live JSON");
	cr_assert_eq(links_changed(fx.db, "company", company, &err), KITH_OK, "%s", err.msg);
	char *again = stored_text(id), *doc_again = search_doc(id);
	cr_expect_str_eq(again, stored, "a reload rebuilds a different stored JSON");
	cr_expect_str_eq(doc_again, doc, "a reload rebuilds a different search document");
	free(stored);
	free(live);
	free(doc);
	free(again);
	free(doc_again);
}

/* A company, two custom fields and an existing tag spelled "VIP". */
static int64_t create_fixture_data(void)
{
	Err err = {0};
	int64_t co = 0, fid = 0;
	json_t *in = J("{\"legal_name\": \"Żabka Polska Sp. z o.o.\"}");
	cr_assert_eq(company_create(fx.db, &sys, in, 0, &co, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	const char *defs[] = {
	    "{\"entity\": \"contact\", \"key\": \"nip\", \"label\": \"NIP\", \"type\": \"text\"}",
	    "{\"entity\": \"contact\", \"key\": \"budget\", \"label\": \"Budget\", "
	    "\"type\": \"money\"}",
	    "{\"entity\": \"contact\", \"key\": \"seats\", \"label\": \"Seats\", "
	    "\"type\": \"number\"}"};
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		json_t *def = J(defs[i]);
		cr_assert_eq(field_define(fx.db, &sys, def, &fid, &err), KITH_OK, "%s", err.msg);
		json_decref(def);
	}
	add("{\"first_name\": \"First\", \"tags\": [\"VIP\"]}");
	return co;
}

Test(contact, stored_json_right_after_create_is_the_live_json)
{
	int64_t co = create_fixture_data();
	char body[1024];
	snprintf(body, sizeof body,
		 "{\"first_name\": \"  Łucja \", \"last_name\": \"Dąbrowska\", "
		 "\"emails\": [\"Lucja@Example.com\", {\"label\": \"home\", \"value\": "
		 "\"l.d@example.org\"}], \"phones\": [\"601 234 567\", {\"label\": \"work\", "
		 "\"value\": \"+66 81 234 5678\"}], \"tags\": [\"vip\", \"Zebra\", \" ärger\", "
		 "\"alpha\"], \"company_id\": %lld, \"address\": {\"city\": \"Łódź\", "
		 "\"country\": \"pl\"}, \"job_title\": \"CEO\", \"notes\": \"line\\nbreak \\\"q\\\"\", "
		 "\"custom\": {\"nip\": \"526-000-12-46\", \"budget\": {\"amount\": \"12.50\", "
		 "\"currency\": \"EUR\"}, \"seats\": 12}}",
		 (long long)co);
	int64_t id = add(body);
	char *stored = stored_text(id);
	json_t *o = json_loads(stored, 0, NULL);
	json_t *tags = json_object_get(o, "tags");
	cr_assert_eq(json_array_size(tags), 4);
	cr_expect_str_eq(json_string_value(json_array_get(tags, 0)), "alpha");
	cr_expect_str_eq(json_string_value(json_array_get(tags, 1)), "ärger");
	cr_expect_str_eq(json_string_value(json_array_get(tags, 2)), "VIP",
			 "the existing tag's spelling is kept");
	cr_expect_str_eq(json_string_value(json_array_get(tags, 3)), "Zebra");
	cr_expect_eq(json_integer_value(json_object_get(o, "version")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(o, "created_at")),
			 json_string_value(json_object_get(o, "updated_at")));
	json_decref(o);
	free(stored);
	expect_create_matches_reload(id, co);

	/* the smallest contact: no company, lists or custom values */
	int64_t bare = add("{\"emails\": [\"only@example.com\"]}");
	char *live = live_text(bare);
	stored = stored_text(bare);
	cr_expect_str_eq(stored, live);
	free(live);
	free(stored);
}

Test(contact, create_many_creates_each_row_like_create)
{
	Err err = {0};
	int64_t co = create_fixture_data(), ids[3] = {0};
	char body[512];
	snprintf(body, sizeof body,
		 "{\"first_name\": \"Jan\", \"company_id\": %lld, \"tags\": [\"vip\", \"New\"], "
		 "\"phones\": [\"601 234 567\"], \"custom\": {\"nip\": \"1\"}}",
		 (long long)co);
	json_t *in[3] = {J(body), J("{\"first_name\": \"Ola\", \"tags\": [\"new\", \"vip\"], "
				   "\"phones\": [\"602 234 567\"]}"),
			 J("{\"last_name\": \"Nowak\", \"emails\": [\"n@example.com\"]}")};
	cr_assert_eq(contact_create_many(fx.db, &sys, in, 3, 0, ids, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect(ids[0] > 0 && ids[1] == ids[0] + 1 && ids[2] == ids[1] + 1);
	for (int i = 0; i < 3; i++)
		expect_create_matches_reload(ids[i], co);
	json_t *o = get_text_json(ids[1], 0), *list = NULL;
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(o, "tags"), 0)), "New",
			 "a tag made by an earlier row keeps that row's spelling");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(o, "tags"), 1)), "VIP");
	json_decref(o);
	cr_assert_eq(audit_list(fx.db, "contact", ids[2], 10, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 1, "each row gets its create entry");
	json_decref(list);

	/* a bad row: nothing of the call is created, the error names the field */
	int64_t more[3] = {0};
	json_decref(in[2]);
	in[2] = J("{\"first_name\": \"Bad\", \"emails\": [\"not-an-email\"]}");
	json_decref(in[0]);
	in[0] = J("{\"first_name\": \"Fine\", \"emails\": [\"fine@example.com\"]}");
	json_decref(in[1]);
	in[1] = J("{\"first_name\": \"Dup\", \"phones\": [\"+48 601 234 567\"]}");
	cr_expect_eq(contact_create_many(fx.db, &sys, in, 3, CONTACT_FORCE, more, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "emails[0].value");
	cr_expect_eq(contact_get_text(fx.db, &sys, ids[2] + 1, 1, &(char *){NULL},
				     &(int64_t){0}, &err),
		     ERR_NOT_FOUND, "the good rows before the bad one were rolled back");
	/* without CONTACT_FORCE the duplicate guard sees the rows already made */
	in[2] = (json_decref(in[2]), J("{\"first_name\": \"Ok\"}"));
	cr_expect_eq(contact_create_many(fx.db, &sys, in, 3, 0, more, &err), ERR_CONFLICT);
	cr_expect_str_eq(err.field, "phones[0].value");
	cr_expect_eq(err.ref_id, ids[0]);
	for (int i = 0; i < 3; i++)
		json_decref(in[i]);
}

Test(contact, members_see_only_tags_of_records_they_may_see)
{
	Err err = {0};
	json_t *list = NULL;
	char body[160];
	snprintf(body, sizeof body, "{\"first_name\": \"Mine\", \"tags\": [\"shared\"], \"owner_id\": %lld}",
		 (long long)member.user_id);
	add_as(&member, body);
	snprintf(body, sizeof body,
		 "{\"first_name\": \"Theirs\", \"tags\": [\"shared\", \"secret-deal\"], \"owner_id\": %lld}",
		 (long long)owner.user_id);
	add_as(&owner, body);
	cr_assert_eq(tag_list(fx.db, &member, &list, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(json_array_size(list), 1, "only 'shared' is visible");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "name")), "shared");
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(list, 0), "contacts")), 1,
		     "the owner's contact is not counted");
	json_decref(list);
	cr_assert_eq(tag_list(fx.db, &owner, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 2);
	json_decref(list);
}

Test(contact, a_new_contact_never_reuses_a_purged_ones_id)
{
	Err err = {0};
	json_t *hist = NULL;
	add("{\"first_name\": \"Kept\"}");
	int64_t gone = add("{\"first_name\": \"Gone\"}");
	cr_assert_eq(contact_delete(fx.db, &sys, gone, &err), KITH_OK);
	cr_assert_eq(contact_purge(fx.db, &sys, gone, &err), KITH_OK, "%s", err.msg);
	int64_t fresh = add("{\"first_name\": \"Fresh\"}");
	cr_expect_gt(fresh, gone, "the purged contact's id was handed out again");
	cr_assert_eq(audit_list(fx.db, "contact", fresh, 50, &hist, &err), KITH_OK);
	cr_expect_eq(json_array_size(hist), 1, "only its own creation in its history");
	json_decref(hist);
}

/* Walk q=kowalski as actor a in pages of 20 while others write between
 * pages: 15 contacts that do not match after every page, and two matches
 * go to the trash. The rank depends only on the row and the query
 * (search.h), so every match the actor may see that stays unchanged comes
 * exactly once. With bm25 and offsets the inserts moved rows between pages
 * (repeated and skipped rows). */
static void walk_while_writing(const Actor *a)
{
	enum { N = 300 };
	Err err = {0};
	int64_t ids[N];
	char visible[N], changed[N] = {0}, seen[N] = {0};
	static const char filler[] = "call about the offer and the delivery dates for spring ";
	for (int i = 0; i < N; i++) {
		char body[600], notes[400] = "";
		for (int k = 0; k < (i * 7) % 6; k++)
			strcat(strcat(notes, k < i % 3 ? "Kowalski " : ""), filler);
		snprintf(body, sizeof body,
			 "{\"first_name\":\"Jan%d\",\"last_name\":\"Kowalski\",\"notes\":\"%s\"}",
			 i, notes);
		/* for a member, every tenth is someone else's: hidden */
		visible[i] = a == &sys || i % 10 != 0;
		ids[i] = add_as(visible[i] ? a : &sys, body);
	}
	int pages = 0, others = 0;
	char *cursor = NULL;
	do {
		json_t *items = NULL, *c;
		char *next = NULL;
		size_t i;
		ContactQuery q = {.q = "kowalski", .limit = 20, .cursor = cursor};
		cr_assert_eq(contact_list(fx.db, a, &q, &items, &next, &err), KITH_OK,
			     "page %d: %s", pages, err.msg);
		json_array_foreach(items, i, c)
		{
			int64_t id = num(c, "id");
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
			snprintf(body, sizeof body,
				 "{\"first_name\":\"Other%d\",\"last_name\":\"Person\"}", others++);
			add_as(a, body);
		}
		/* after the second page a match already shown, after the fourth
		 * one not yet shown, both inside the candidate set */
		for (int k = 0; (pages == 1 || pages == 3) && k < N; k++)
			if (visible[k] && !changed[k] && seen[k] == (pages == 1)) {
				cr_assert_eq(contact_delete(fx.db, a, ids[k], &err), KITH_OK, "%s",
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

Test(contact, ranked_pages_hold_while_others_write_owner)
{
	walk_while_writing(&sys);
}

Test(contact, ranked_pages_hold_while_others_write_member)
{
	walk_while_writing(&member);
}

/* Hidden namesakes do not crowd out a visible one: visibility applies
 * before the few namesakes are read. */
Test(contact, hidden_namesakes_leave_room_for_visible_ones)
{
	Err err = {0};
	int64_t acme = 0;
	json_t *in = J("{\"legal_name\":\"Acme\"}");
	cr_assert_eq(company_create(fx.db, &member, in, 0, &acme, &err), KITH_OK, "%s", err.msg);
	json_decref(in);
	char body[160];
	snprintf(body, sizeof body,
		 "{\"first_name\":\"Ewa\",\"last_name\":\"Nowak\",\"company_id\":%lld}",
		 (long long)acme);
	for (int i = 0; i < 6; i++)
		add(body); /* unassigned: hidden from a member */
	int64_t mine = add_as(&member, body);
	int64_t fresh = add_as(&member, body);
	json_t *w = NULL;
	cr_assert_eq(contact_create_warnings(fx.db, &member, fresh, &w, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert_eq(json_array_size(w), 1, "the member's own namesake");
	cr_expect_eq(num(json_array_get(w, 0), "existing_id"), mine);
	json_decref(w);
}

/* A list page reads the emails, phones and tags of all its rows at once
 * (contact_rec_children_many): each row still gets its own, in their
 * order, as contact_get shows them, in a plain list and in a ranked search
 * alike; a row without any gets empty lists. */
Test(contact, list_rows_carry_their_own_emails_phones_and_tags)
{
	int64_t ids[4];
	ids[0] = add("{\"first_name\": \"Listed\", \"last_name\": \"Kowalska\", "
		     "\"emails\": [\"b@example.com\", \"a@example.com\"], "
		     "\"phones\": [\"+48 601 234 567\"], \"tags\": [\"vip\", \"alpha\"]}");
	ids[1] = add("{\"first_name\": \"Listed\", \"last_name\": \"Kowalski\"}");
	ids[2] = add("{\"first_name\": \"Listed\", \"last_name\": \"Nowak\", "
		     "\"emails\": [\"n@example.com\"], \"tags\": [\"zeta\"]}");
	ids[3] = add("{\"first_name\": \"Listed\", \"last_name\": \"Kowalczyk\", "
		     "\"phones\": [\"+48 602 000 111\", \"+48 602 000 222\"]}");
	const char *queries[] = {NULL, "lis", "listed", "listed kowal"};
	for (size_t k = 0; k < sizeof queries / sizeof queries[0]; k++) {
		Err err = {0};
		json_t *items = NULL, *c;
		char *next = NULL;
		size_t i, seen = 0;
		ContactQuery q = {.q = queries[k], .limit = 50};
		cr_assert_eq(contact_list(fx.db, &sys, &q, &items, &next, &err), KITH_OK, "%s",
			     err.msg);
		json_array_foreach(items, i, c)
		{
			json_t *one = get(num(c, "id"));
			const char *keys[] = {"emails", "phones", "tags"};
			for (int j = 0; j < 3; j++)
				cr_expect(json_equal(json_object_get(c, keys[j]),
						     json_object_get(one, keys[j])),
					  "query %s: contact %lld: %s differ from contact_get's",
					  queries[k] ? queries[k] : "(none)",
					  (long long)num(c, "id"), keys[j]);
			for (int j = 0; j < 4; j++)
				seen += num(c, "id") == ids[j];
			json_decref(one);
		}
		cr_expect_eq(seen, k == 3 ? 3 : 4, "query %s", queries[k] ? queries[k] : "(none)");
		json_decref(items);
		free(next);
	}
	json_t *first = get(ids[0]);
	cr_expect_eq(json_array_size(json_object_get(first, "emails")), 2);
	cr_expect_eq(json_array_size(json_object_get(first, "tags")), 2);
	json_decref(first);
}

/* Statements contact_list costs for q as actor; the page into *items. */
static uint64_t list_statements(const Actor *actor, ContactQuery q, json_t **items)
{
	Err err = {0};
	char *next = NULL;
	uint64_t before = db_statements(fx.db);
	cr_assert_eq(contact_list(fx.db, actor, &q, items, &next, &err), KITH_OK, "%s", err.msg);
	uint64_t n = db_statements(fx.db) - before;
	free(next);
	return n;
}

/* The company name a list item shows for contact id, "-" when the item has
 * no company, "null" for a null name; NULL when id is not in items. */
static const char *item_company(const json_t *items, int64_t id)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (num(it, "id") != id)
			continue;
		json_t *co = json_object_get(it, "company");
		if (json_is_null(co))
			return "-";
		const char *name = str(co, "name");
		return name ? name : "null";
	}
	return NULL;
}

/* A list or search page reads its rows' company names in one statement,
 * not one per row (a round trip each on PostgreSQL): a page of many rows
 * with several companies costs what a page of one row costs. The names are
 * what contact_get shows: a company in the trash shows none, whoever asks. */
Test(contact, a_page_reads_company_names_in_one_statement)
{
	Err err = {0};
	int64_t co[3], who[5];
	const char *names[] = {"Aster SA", "Borek sp. z o.o.", "Cedr SA"};
	for (int i = 0; i < 3; i++) {
		json_t *in = json_pack("{ss sI}", "legal_name", names[i], "owner_id",
				       (json_int_t)member.user_id);
		cr_assert_eq(company_create(fx.db, &sys, in, 0, &co[i], &err), KITH_OK, "%s",
			     err.msg);
		json_decref(in);
	}
	/* Zofia works at Aster, Zenon and Zuzanna at Borek, Zbigniew at the
	 * trashed Cedr, Żaneta nowhere; the member owns them all. "zet" is a
	 * search by id, "zetka" a ranked one (store/search.h). */
	const char *people[] = {"Zofia", "Zenon", "Zuzanna", "Zbigniew", "Żaneta"};
	for (int i = 0; i < 5; i++) {
		char body[160];
		if (i < 4)
			snprintf(
			    body, sizeof body,
			    "{\"first_name\":\"%s\",\"last_name\":\"Zetka\",\"company_id\":%lld,"
			    "\"owner_id\":%lld}",
			    people[i],
			    (long long)co[i == 0  ? 0
					  : i < 3 ? 1
						  : 2],
			    (long long)member.user_id);
		else
			snprintf(
			    body, sizeof body,
			    "{\"first_name\":\"%s\",\"last_name\":\"Zetka\",\"owner_id\":%lld}",
			    people[i], (long long)member.user_id);
		who[i] = add(body);
	}
	cr_assert_eq(company_delete(fx.db, &sys, co[2], &err), KITH_OK, "%s", err.msg);
	const char *want[] = {"Aster SA", "Borek sp. z o.o.", "Borek sp. z o.o.", "null", "-"};
	const Actor *actors[] = {&owner, &member};
	ContactQuery queries[] = {{.sort = "created"}, {.q = "zet"}, {.q = "zetka"}};
	for (int a = 0; a < 2; a++) {
		for (int k = 0; k < 3; k++) {
			/* pages of 2 and 4 rows (both with a next page: the same
			 * path; only one contact has no company, so both read
			 * names), then all 5 rows to check */
			json_t *one = NULL, *four = NULL, *all = NULL;
			ContactQuery q = queries[k];
			q.limit = 2;
			uint64_t n1 = list_statements(actors[a], q, &one);
			q.limit = 4;
			uint64_t n4 = list_statements(actors[a], q, &four);
			q.limit = 10;
			(void)list_statements(actors[a], q, &all);
			cr_expect_eq(json_array_size(one), 2, "actor %d query %d", a, k);
			cr_expect_eq(json_array_size(four), 4, "actor %d query %d", a, k);
			cr_expect_eq(json_array_size(all), 5, "actor %d query %d", a, k);
			cr_expect_eq(n4, n1,
				     "actor %d query %d: 4 rows cost %llu statements, 2 rows %llu",
				     a, k, (unsigned long long)n4, (unsigned long long)n1);
			for (int i = 0; i < 5; i++) {
				const char *got = item_company(all, who[i]);
				cr_expect(got && strcmp(got, want[i]) == 0,
					  "actor %d query %d: %s's company is %s, not %s", a, k,
					  people[i], got ? got : "(missing)", want[i]);
				json_t *c = get(who[i]);
				json_t *link = json_object_get(c, "company");
				const char *name = json_is_null(link)  ? "-"
						   : str(link, "name") ? str(link, "name")
								       : "null";
				cr_expect_str_eq(name, want[i], "contact_get agrees");
				json_decref(c);
			}
			json_decref(one);
			json_decref(four);
			json_decref(all);
		}
	}
}

/* A member's ranked page reads the candidates in batches sized by the
 * share of them the member may see (contact_list.c batch_size): a member
 * who sees a third of the matches pays a statement or two more than the
 * owner, not one per shrinking batch (a round trip each on PostgreSQL),
 * and sees the same rows as page after page of one row. */
Test(contact, a_members_ranked_page_reads_its_candidates_in_few_batches)
{
	enum { N = 60 };
	int64_t first[N];
	for (int i = 0; i < N; i++) {
		char body[160];
		snprintf(body, sizeof body,
			 "{\"first_name\":\"Jan%d\",\"last_name\":\"Zetka\",\"owner_id\":%lld}", i,
			 (long long)(i % 3 ? owner.user_id : member.user_id));
		(void)add(body);
	}
	ContactQuery q = {.q = "zetka", .limit = 10};
	json_t *mine = NULL, *all = NULL;
	uint64_t n_owner = list_statements(&owner, q, &all);
	uint64_t n_member = list_statements(&member, q, &mine);
	cr_expect_eq(json_array_size(all), 10);
	cr_expect_eq(json_array_size(mine), 10);
	cr_expect_leq(n_member, n_owner + 2, "the member's page cost %llu statements, the owner's %llu",
		      (unsigned long long)n_member, (unsigned long long)n_owner);
	int n = 0;
	ranked_pages(&member, "zetka", NULL, 1, first, N, &n);
	cr_assert_eq(n, N / 3);
	for (int k = 0; k < 10; k++)
		cr_expect_eq(num(json_array_get(mine, (size_t)k), "id"), first[k], "row %d", k);
	json_decref(mine);
	json_decref(all);
}
