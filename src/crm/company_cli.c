/* company_cli.c - kith company add|show|list|search|edit|rm|restore|purge|tag:
 * turns options into the JSON objects company.h takes and prints the
 * results as text or JSON. No rules live here: every check is made by
 * company.c (and field.c for --field values). Depends on cli/, crm/. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "core/audit_cli.h"
#include "core/user_cli.h"
#include "crm/field_cli.h"
#include "core/audit.h"
#include "crm/company.h"
#include "crm/contact.h"

static const char *const list_keys[] = {"id",    "legal_name", "tax_id", "city", "email",
					"phone", "tags",       "contacts", NULL};
static const char *const list_heads[] = {"ID",    "NAME", "TAX ID",   "CITY", "EMAIL",
					 "PHONE", "TAGS", "CONTACTS", NULL};
static const char *const contact_keys[] = {"id", "name", "email", "status", NULL};
static const char *const contact_heads[] = {"ID", "NAME", "EMAIL", "STATUS", NULL};

/* Options that set one top-level string key (the address parts are
 * cli_address_args'). */
static const struct {
	const char *opt, *key;
} text_opts[] = {
	{"--name", "legal_name"}, {"--tax-id", "tax_id"}, {"--email", "email"},
	{"--phone", "phone"},     {"--website", "website"}, {"--notes", "notes"},
	{"--phone-country", "phone_country"},
};
enum { N_TEXT = sizeof text_opts / sizeof text_opts[0] };

/* --owner EMAIL into *id (0 when absent). */
static int read_owner(Cli *cli, int64_t *id)
{
	const char *owner = cli_opt(cli, "--owner");
	*id = 0;
	return owner ? user_cli_owner_or_fail(cli, owner, id) : 0;
}

/* --clear FIELD: a writable key (tax_id or tax-id), an address part, owner,
 * tags, or custom.KEY, set to null. */
static const CliClear clear_aliases[] = {
    {"owner", "owner_id", NULL}, {"name", "legal_name", NULL}, {NULL, NULL, NULL}};

/* Options of add/edit into a company input object. Returns an exit code. */
static int read_input(Cli *cli, json_t *in, int editing)
{
	int rc = 0;
	int64_t owner;
	const char *v;
	for (int i = 0; i < N_TEXT && rc == 0; i++)
		if ((v = cli_opt(cli, text_opts[i].opt)))
			rc = cli_put_str(cli, in, text_opts[i].key, v);
	if (rc == 0)
		rc = cli_address_args(cli, in);
	json_t *tags = json_array();
	while (rc == 0 && !editing && (v = cli_opt(cli, "--tag")))
		rc = cli_push_str(cli, tags, "tags", v);
	if (rc == 0 && json_array_size(tags))
		json_object_set(in, "tags", tags);
	json_decref(tags);
	if (rc || (rc = read_owner(cli, &owner)) || (rc = field_cli_args(cli, "company", in)))
		return rc;
	if (owner)
		json_object_set_new(in, "owner_id", json_integer(owner));
	return editing ? cli_clear_args(cli, in, clear_aliases, 1) : 0;
}

int company_cli_add(Cli *cli)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_object(), *c = NULL;
	int rc = read_input(cli, in, 0);
	if (rc || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (!json_object_get(in, "legal_name")) {
		rc = cli_usage_fail(cli, "--name: missing");
		goto done;
	}
	if (company_create(cli->db, &cli->actor, in, 0, &id, &err) ||
	    company_get(cli->db, &cli->actor, id, 0, &c, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, c);
	else
		fprintf(cli->out, "added company #%lld %s\n", (long long)id,
			cli_str(c, "legal_name"));
done:
	json_decref(in);
	json_decref(c);
	return rc;
}

int company_cli_edit(Cli *cli)
{
	Err err = {0};
	int64_t id, version = 0;
	json_t *in = json_object(), *c = NULL;
	CliTagEdit tags = {0};
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = read_input(cli, in, 1)) || (rc = cli_tag_edit_args(cli, &tags)) ||
	    (rc = cli_finish_or_fail(cli)))
		goto done;
	/* --tag/--untag change the current tags: update only that version */
	if (cli_tag_edit_relative(&tags)) {
		if (company_get(cli->db, &cli->actor, id, 0, &c, &err)) {
			rc = cli_fail(cli, &err);
			goto done;
		}
		version = json_integer_value(json_object_get(c, "version"));
	}
	cli_tag_edit_apply(&tags, json_object_get(c, "tags"), in);
	json_decref(c);
	c = NULL;
	if (json_object_size(in) == 0) {
		rc = cli_usage_fail(cli, "nothing to change; give at least one option");
		goto done;
	}
	if (company_update(cli->db, &cli->actor, id, in, version, &c, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, c);
	else
		fprintf(cli->out, "updated company #%lld %s\n", (long long)id,
			cli_str(c, "legal_name"));
done:
	cli_tag_edit_free(&tags);
	json_decref(in);
	json_decref(c);
	return rc;
}

/* The record view of `company show`: one line per non-empty value. */
static json_t *show_record(Cli *cli, const json_t *c)
{
	static const char *const head[] = {"id", "legal_name", "tax_id", NULL};
	static const char *const middle[] = {"website", "phone", "email", NULL};
	static const char *const tail[] = {"notes",      "contact_count", "version",
					   "created_at", "updated_at",    "deleted_at", NULL};
	json_t *rec = json_object(), *v;
	const char *key;
	Buf b;
	buf_init(&b, 0);
	for (const char *const *k = head; *k; k++)
		if (!json_is_null(json_object_get(c, *k)))
			json_object_set(rec, *k, json_object_get(c, *k));
	cli_address_text(&b, json_object_get(c, "address"));
	if (b.len)
		json_object_set_new(rec, "address", json_string(buf_str(&b)));
	for (const char *const *k = middle; *k; k++)
		if (!json_is_null(json_object_get(c, *k)))
			json_object_set(rec, *k, json_object_get(c, *k));
	buf_reset(&b);
	user_cli_text(cli, json_object_get(c, "owner_id"), &b);
	if (b.len)
		json_object_set_new(rec, "owner", json_string(buf_str(&b)));
	if (json_array_size(json_object_get(c, "tags")))
		json_object_set(rec, "tags", json_object_get(c, "tags"));
	json_object_foreach(json_object_get(c, "custom"), key, v)
	{
		char k[80];
		snprintf(k, sizeof k, "custom.%s", key);
		json_object_set(rec, k, v);
	}
	for (const char *const *k = tail; *k; k++)
		if (!json_is_null(json_object_get(c, *k)))
			json_object_set(rec, *k, json_object_get(c, *k));
	buf_free(&b);
	return rec;
}

/* The company's contacts (first page of KITH_LIST_MAX) as table rows;
 * *more is set when there are further pages. */
static int company_contacts(Cli *cli, int64_t id, json_t **rows, int *more, Err *err)
{
	ContactQuery q = {.company_id = id, .limit = KITH_LIST_MAX};
	json_t *items = NULL, *c;
	char *next = NULL;
	size_t i;
	int rc = contact_list(cli->db, &cli->actor, &q, &items, &next, err);
	if (rc)
		return rc;
	*rows = json_array();
	json_array_foreach(items, i, c)
	{
		json_t *email = json_array_get(json_object_get(c, "emails"), 0);
		json_array_append_new(
			*rows, json_pack("{sO ss so sO}", "id", json_object_get(c, "id"), "name",
					 cli_str(c, "display_name"), "email",
					 email ? json_incref(json_object_get(email, "value"))
					       : json_null(),
					 "status", json_object_get(c, "status")));
	}
	*more = next != NULL;
	free(next);
	json_decref(items);
	return KITH_OK;
}

int company_cli_show(Cli *cli)
{
	Err err = {0};
	int64_t id;
	json_t *c = NULL, *history = NULL, *contacts = NULL;
	int more = 0;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	int with_history = cli_flag(cli, "--history"), trash = cli_flag(cli, "--trash");
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (company_get(cli->db, &cli->actor, id, trash, &c, &err) ||
	    company_contacts(cli, id, &contacts, &more, &err) ||
	    (with_history && audit_list(cli->db, "company", id, KITH_LIST_MAX, &history, &err))) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json) {
		json_object_set(c, "contacts", contacts);
		if (history)
			json_object_set(c, "history", history);
		cli_print_json(cli, c);
		goto done;
	}
	json_t *rec = show_record(cli, c);
	cli_print_record(cli, rec, NULL);
	json_decref(rec);
	fputs("\ncontacts:\n", cli->out);
	if (json_array_size(contacts))
		cli_print_table(cli, contacts, contact_keys, contact_heads);
	else
		fputs("(none)\n", cli->out);
	if (more)
		fprintf(cli->out, "(more: kith contact list --company %lld)\n", (long long)id);
	if (history) {
		audit_cli_print_history(cli, history);
	}
done:
	json_decref(c);
	json_decref(contacts);
	json_decref(history);
	return rc;
}

/* Filters of list/search into q. Strings point into argv. */
static int read_query(Cli *cli, CompanyQuery *q, int *all)
{
	const char *limit = cli_opt(cli, "--limit");
	*all = cli_flag(cli, "--all");
	q->tag = cli_opt(cli, "--tag");
	q->sort = cli_opt(cli, "--sort");
	q->cursor = cli_opt(cli, "--cursor");
	q->trash = cli_flag(cli, "--trash");
	int rc = cli_when_opt(cli, "--updated-since", WHEN_INSTANT | WHEN_MIDNIGHT,
			      &q->updated_since, NULL);
	if (rc)
		return rc;
	if (cli_limit_or_fail(cli, limit, &q->limit))
		return EXIT_USAGE;
	return read_owner(cli, &q->owner_id);
}

/* One table row of a list item. */
static json_t *list_row(const json_t *c)
{
	return json_pack("{sO sO sO sO sO sO sO sO}", "id", json_object_get(c, "id"), "legal_name",
			 json_object_get(c, "legal_name"), "tax_id", json_object_get(c, "tax_id"),
			 "city", json_object_get(json_object_get(c, "address"), "city"), "email",
			 json_object_get(c, "email"), "phone", json_object_get(c, "phone"), "tags",
			 json_object_get(c, "tags"), "contacts", json_object_get(c, "contact_count"));
}

static int fetch_page(Cli *cli, void *query, const char *cursor, json_t **items, char **next,
		      Err *err)
{
	CompanyQuery *q = query;
	q->cursor = cursor;
	return company_list(cli->db, &cli->actor, q, items, next, err);
}

static int run_list(Cli *cli, CompanyQuery *q, int all)
{
	return cli_list_op(cli, all, q->cursor, fetch_page, q, list_row, NULL, list_keys,
			   list_heads);
}

int company_cli_list(Cli *cli)
{
	CompanyQuery q = {0};
	int all = 0;
	int rc = read_query(cli, &q, &all);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	return run_list(cli, &q, all);
}

int company_cli_search(Cli *cli)
{
	CompanyQuery q = {0};
	Buf words;
	int all = 0;
	int rc = read_query(cli, &q, &all);
	if (rc)
		return rc;
	if ((rc = cli_query_words(cli, &words)) == 0) {
		q.q = buf_str(&words);
		rc = run_list(cli, &q, all);
	}
	buf_free(&words);
	return rc;
}

int company_cli_rm(Cli *cli)
{
	return cli_trash_op(cli, "company", company_delete, "moved to the trash");
}

int company_cli_restore(Cli *cli)
{
	return cli_trash_op(cli, "company", company_restore, "restored");
}

int company_cli_purge(Cli *cli)
{
	return cli_trash_op(cli, "company", company_purge,
			    "purged; its contacts stay, without a company");
}

int company_cli_tag(Cli *cli)
{
	return cli_tag_op(cli, "company", 0, company_tag);
}
