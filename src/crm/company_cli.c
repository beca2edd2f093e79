/* company_cli.c - kith company add|show|list|search|edit|rm|restore|purge|tag:
 * turns options into the JSON objects company.h takes and prints the
 * results as text or JSON. No rules live here: every check is made by
 * company.c (and field.c for --field values). Depends on cli/, crm/. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "crm/audit.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/field.h"
#include "crm/user.h"

static const char *const list_keys[] = {"id",    "legal_name", "tax_id", "city", "email",
					"phone", "tags",       "contacts", NULL};
static const char *const list_heads[] = {"ID",    "NAME", "TAX ID",   "CITY", "EMAIL",
					 "PHONE", "TAGS", "CONTACTS", NULL};
static const char *const contact_keys[] = {"id", "name", "email", "status", NULL};
static const char *const contact_heads[] = {"ID", "NAME", "EMAIL", "STATUS", NULL};
static const char *const history_keys[] = {"at", "user_id", "action", "changes", NULL};
static const char *const history_heads[] = {"AT", "USER", "ACTION", "CHANGES", NULL};

/* Options that set one top-level string key, and the address parts. */
static const struct {
	const char *opt, *key;
} text_opts[] = {
	{"--name", "legal_name"}, {"--tax-id", "tax_id"}, {"--email", "email"},
	{"--phone", "phone"},     {"--website", "website"}, {"--notes", "notes"},
},
  address_opts[] = {
	  {"--street", "street"}, {"--city", "city"}, {"--region", "region"},
	  {"--postal-code", "postal_code"}, {"--country", "country"},
};
enum { N_TEXT = sizeof text_opts / sizeof text_opts[0] };
enum { N_ADDRESS = sizeof address_opts / sizeof address_opts[0] };

static int reject(Cli *cli, const char *field, const char *msg)
{
	Err err = {0};
	err_set(&err, ERR_INVALID, field, "%s", msg);
	return cli_fail(cli, &err);
}

/* Set key of obj to s; argv may hold bytes that are not UTF-8. */
static int put_str(Cli *cli, json_t *obj, const char *key, const char *s)
{
	json_t *v = json_string(s);
	if (!v)
		return reject(cli, key, "must be valid UTF-8 text");
	json_object_set_new(obj, key, v);
	return 0;
}

static int push_str(Cli *cli, json_t *arr, const char *field, const char *s)
{
	json_t *v = json_string(s);
	if (!v)
		return reject(cli, field, "must be valid UTF-8 text");
	json_array_append_new(arr, v);
	return 0;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* --owner EMAIL into *id (0 when absent). */
static int read_owner(Cli *cli, int64_t *id)
{
	const char *owner = cli_opt(cli, "--owner");
	Err err = {0};
	Actor a;
	*id = 0;
	if (!owner)
		return 0;
	if (user_actor_by_email(cli->db, owner, &a, &err)) {
		snprintf(err.field, sizeof err.field, "owner");
		return cli_fail(cli, &err);
	}
	*id = a.user_id;
	return 0;
}

/* --field KEY=VALUE, converted by the field's type (field.h). */
static int read_fields(Cli *cli, json_t *in)
{
	const char *arg;
	json_t *custom = json_object();
	int rc = 0;
	while (rc == 0 && (arg = cli_opt(cli, "--field"))) {
		const char *eq = strchr(arg, '=');
		Err err = {0};
		json_t *v = NULL;
		if (!eq || eq == arg) {
			rc = cli_usage_fail(cli, "--field: expected KEY=VALUE, got '%s'", arg);
			break;
		}
		char *key = strndup(arg, (size_t)(eq - arg));
		if (!key)
			rc = reject(cli, "custom", "out of memory");
		else if (field_value_from_text(cli->db, "company", key, eq + 1, &v, &err))
			rc = cli_fail(cli, &err);
		else
			json_object_set_new(custom, key, v);
		free(key);
	}
	if (rc == 0 && json_object_size(custom))
		json_object_set(in, "custom", custom);
	json_decref(custom);
	return rc;
}

/* --clear FIELD: a writable key (tax_id or tax-id), an address part, owner,
 * tags, or custom.KEY, set to null. */
static int read_clears(Cli *cli, json_t *in)
{
	const char *arg;
	while ((arg = cli_opt(cli, "--clear"))) {
		char key[80];
		snprintf(key, sizeof key, "%s", arg);
		for (char *p = key; *p; p++)
			*p = *p == '-' ? '_' : *p;
		if (!strcmp(key, "owner"))
			snprintf(key, sizeof key, "owner_id");
		int part = 0;
		for (int i = 0; i < N_ADDRESS && !part; i++)
			part = !strcmp(address_opts[i].key, key);
		json_t *dst = in;
		const char *name = key;
		if (part || !strncmp(key, "custom.", 7)) {
			const char *obj = part ? "address" : "custom";
			dst = json_object_get(in, obj);
			if (!json_is_object(dst))
				json_object_set_new(in, obj, dst = json_object());
			name = part ? key : arg + 7;
		} else if (!strcmp(key, "legal_name") || !strcmp(key, "name")) {
			return reject(cli, "legal_name", "is required and cannot be cleared");
		}
		json_object_set_new(dst, name, json_null());
	}
	return 0;
}

/* Options of add/edit into a company input object. Returns an exit code. */
static int read_input(Cli *cli, json_t *in, int editing)
{
	int rc = 0;
	int64_t owner;
	const char *v;
	for (int i = 0; i < N_TEXT && rc == 0; i++)
		if ((v = cli_opt(cli, text_opts[i].opt)))
			rc = put_str(cli, in, text_opts[i].key, v);
	json_t *address = json_object(), *tags = json_array();
	for (int i = 0; i < N_ADDRESS && rc == 0; i++)
		if ((v = cli_opt(cli, address_opts[i].opt)))
			rc = put_str(cli, address, address_opts[i].key, v);
	while (rc == 0 && (v = cli_opt(cli, "--tag")))
		rc = push_str(cli, tags, "tags", v);
	if (rc == 0 && json_object_size(address))
		json_object_set(in, "address", address);
	if (rc == 0 && json_array_size(tags))
		json_object_set(in, "tags", tags);
	json_decref(address);
	json_decref(tags);
	if (rc || (rc = read_owner(cli, &owner)) || (rc = read_fields(cli, in)))
		return rc;
	if (owner)
		json_object_set_new(in, "owner_id", json_integer(owner));
	return editing ? read_clears(cli, in) : 0;
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
		fprintf(cli->out, "added company #%lld %s\n", (long long)id, str(c, "legal_name"));
done:
	json_decref(in);
	json_decref(c);
	return rc;
}

int company_cli_edit(Cli *cli)
{
	Err err = {0};
	int64_t id;
	json_t *in = json_object(), *c = NULL;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = read_input(cli, in, 1)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (json_object_size(in) == 0) {
		rc = cli_usage_fail(cli, "nothing to change; give at least one option");
		goto done;
	}
	if (company_update(cli->db, &cli->actor, id, in, 0, &c, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, c);
	else
		fprintf(cli->out, "updated company #%lld %s\n", (long long)id, str(c, "legal_name"));
done:
	json_decref(in);
	json_decref(c);
	return rc;
}

/* "street, postal_code city, region, country" without the empty parts. */
static void address_text(Buf *b, const json_t *a)
{
	const char *parts[] = {str(a, "street"), "", str(a, "region"), str(a, "country")};
	Buf town;
	buf_init(&town, 0);
	buf_addf(&town, "%s%s%s", str(a, "postal_code"),
		 *str(a, "postal_code") && *str(a, "city") ? " " : "", str(a, "city"));
	parts[1] = buf_str(&town);
	for (int i = 0, n = 0; i < 4; i++)
		if (*parts[i])
			buf_addf(b, "%s%s", n++ ? ", " : "", parts[i]);
	buf_free(&town);
}

/* The record view of `company show`: one line per non-empty value. */
static json_t *show_record(Cli *cli, const json_t *c)
{
	static const char *const head[] = {"id", "legal_name", "tax_id", NULL};
	static const char *const middle[] = {"website", "phone", "email", NULL};
	static const char *const tail[] = {"notes",      "contact_count", "version",
					   "created_at", "updated_at",    "deleted_at", NULL};
	json_t *rec = json_object(), *v, *owner = NULL;
	const char *key;
	Err err = {0};
	Buf b;
	buf_init(&b, 0);
	for (const char *const *k = head; *k; k++)
		if (!json_is_null(json_object_get(c, *k)))
			json_object_set(rec, *k, json_object_get(c, *k));
	address_text(&b, json_object_get(c, "address"));
	if (b.len)
		json_object_set_new(rec, "address", json_string(buf_str(&b)));
	for (const char *const *k = middle; *k; k++)
		if (!json_is_null(json_object_get(c, *k)))
			json_object_set(rec, *k, json_object_get(c, *k));
	json_t *owner_id = json_object_get(c, "owner_id");
	if (json_is_integer(owner_id) &&
	    user_get(cli->db, json_integer_value(owner_id), &owner, &err) == KITH_OK) {
		buf_reset(&b);
		buf_addf(&b, "%s <%s>", str(owner, "name"), str(owner, "email"));
		json_object_set_new(rec, "owner", json_string(buf_str(&b)));
	}
	json_decref(owner);
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
					 str(c, "display_name"), "email",
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
		fputs("\nhistory:\n", cli->out);
		cli_print_table(cli, history, history_keys, history_heads);
	}
done:
	json_decref(c);
	json_decref(contacts);
	json_decref(history);
	return rc;
}

/* Filters of list/search into q. Strings point into argv. */
static int read_query(Cli *cli, CompanyQuery *q)
{
	const char *limit = cli_opt(cli, "--limit");
	q->tag = cli_opt(cli, "--tag");
	q->updated_since = cli_opt(cli, "--updated-since");
	q->sort = cli_opt(cli, "--sort");
	q->cursor = cli_opt(cli, "--cursor");
	q->trash = cli_flag(cli, "--trash");
	if (limit) {
		int64_t n;
		if (cli_id_or_fail(cli, limit, "--limit", &n))
			return EXIT_USAGE;
		q->limit = n > KITH_LIST_MAX ? KITH_LIST_MAX + 1 : (int)n;
	}
	return read_owner(cli, &q->owner_id);
}

static json_t *list_row(const json_t *c)
{
	return json_pack("{sO sO sO sO sO sO sO sO}", "id", json_object_get(c, "id"), "legal_name",
			 json_object_get(c, "legal_name"), "tax_id", json_object_get(c, "tax_id"),
			 "city", json_object_get(json_object_get(c, "address"), "city"), "email",
			 json_object_get(c, "email"), "phone", json_object_get(c, "phone"), "tags",
			 json_object_get(c, "tags"), "contacts", json_object_get(c, "contact_count"));
}

static int run_list(Cli *cli, const CompanyQuery *q)
{
	Err err = {0};
	json_t *items = NULL, *c;
	char *next = NULL;
	size_t i;
	if (company_list(cli->db, &cli->actor, q, &items, &next, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		json_t *page = json_pack("{sO so}", "items", items, "next",
					 next ? json_string(next) : json_null());
		cli_print_json(cli, page);
		json_decref(page);
	} else {
		json_t *rows = json_array();
		json_array_foreach(items, i, c) json_array_append_new(rows, list_row(c));
		cli_print_table(cli, rows, list_keys, list_heads);
		json_decref(rows);
		if (next)
			fprintf(stderr, "next page: --cursor %s\n", next);
	}
	json_decref(items);
	free(next);
	return EXIT_OK;
}

int company_cli_list(Cli *cli)
{
	CompanyQuery q = {0};
	int rc = read_query(cli, &q);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	return run_list(cli, &q);
}

int company_cli_search(Cli *cli)
{
	CompanyQuery q = {0};
	Buf words;
	const char *w;
	int rc = read_query(cli, &q);
	if (rc)
		return rc;
	buf_init(&words, KITH_MAX_URL);
	while ((w = cli_arg(cli)))
		buf_addf(&words, "%s%s", words.len ? " " : "", w);
	if ((rc = cli_finish_or_fail(cli)) == 0) {
		if (words.len == 0)
			rc = cli_usage_fail(cli, "QUERY: missing");
		else if (buf_failed(&words))
			rc = reject(cli, "q", "the query is too long");
	}
	if (rc == 0) {
		q.q = buf_str(&words);
		rc = run_list(cli, &q);
	}
	buf_free(&words);
	return rc;
}

/* rm, restore and purge: ID, then one domain call. */
static int trash_op(Cli *cli, int (*op)(Db *, const Actor *, int64_t, Err *), const char *done)
{
	Err err = {0};
	int64_t id;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (op(cli->db, &cli->actor, id, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		json_t *o = json_pack("{sI ss}", "id", (json_int_t)id, "result", done);
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "company #%lld %s\n", (long long)id, done);
	}
	return EXIT_OK;
}

int company_cli_rm(Cli *cli)
{
	return trash_op(cli, company_delete, "moved to the trash");
}

int company_cli_restore(Cli *cli)
{
	return trash_op(cli, company_restore, "restored");
}

int company_cli_purge(Cli *cli)
{
	return trash_op(cli, company_purge, "purged; its contacts stay, without a company");
}

int company_cli_tag(Cli *cli)
{
	Err err = {0};
	int64_t id;
	json_t *add = json_array(), *remove = json_array(), *c = NULL, *t;
	const char *v;
	size_t i;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	while (rc == 0 && (v = cli_arg(cli)))
		rc = *v == '-' ? push_str(cli, remove, "remove", v + 1)
			       : push_str(cli, add, "add", *v == '+' ? v + 1 : v);
	if (rc || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (json_array_size(add) + json_array_size(remove) == 0) {
		rc = cli_usage_fail(cli, "give tags to add (+TAG) or remove (-TAG)");
		goto done;
	}
	if (company_tag(cli->db, &cli->actor, id, add, remove, &c, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json) {
		cli_print_json(cli, c);
	} else {
		Buf b;
		buf_init(&b, 0);
		json_array_foreach(json_object_get(c, "tags"), i, t)
			buf_addf(&b, "%s%s", i ? ", " : "", json_string_value(t));
		fprintf(cli->out, "company #%lld tags: %s\n", (long long)id,
			b.len ? buf_str(&b) : "(none)");
		buf_free(&b);
	}
done:
	json_decref(add);
	json_decref(remove);
	json_decref(c);
	return rc;
}
