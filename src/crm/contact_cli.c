/* contact_cli.c - kith contact add|show|list|search|edit|rm|restore|purge|
 * merge|tag: turns options into the JSON objects contact.h takes and prints
 * the results as text or JSON. No rules live here: every check is made by
 * contact.c (and field.c for --field values). Depends on cli/, crm/. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "core/audit_cli.h"
#include "core/user_cli.h"
#include "crm/field_cli.h"
#include "core/audit.h"
#include "crm/cadence.h"
#include "crm/contact.h"
#include "core/user.h"

/* Columns of `contact list` / `contact search`. */
static const char *const list_keys[] = {"id",	  "name",	 "company", "email", "phone",
					"status", "temperature", "tags",    NULL};
static const char *const list_heads[] = {"ID",	   "NAME", "COMPANY", "EMAIL", "PHONE",
					 "STATUS", "TEMP", "TAGS",    NULL};

/* Options of add/edit that map to one top-level string key. */
static const struct {
	const char *opt, *key;
} text_opts[] = {
    {"--first", "first_name"},	   {"--last", "last_name"},	     {"--title", "job_title"},
    {"--status", "status"},	   {"--temperature", "temperature"}, {"--source", "source"},
    {"--birthday", "birthday"},	   {"--website", "website"},	     {"--notes", "notes"},
    {"--consent", "consent_note"},
};
enum { N_TEXT_OPTS = sizeof text_opts / sizeof text_opts[0] };

/* "[LABEL:]VALUE": a label is the part before the first ':' when it holds
 * no '@' (emails) and is not empty. */
static int put_entry(Cli *cli, json_t *arr, const char *field, const char *arg)
{
	const char *colon = strchr(arg, ':');
	json_t *o = json_object();
	int rc;
	if (colon && colon > arg && !memchr(arg, '@', (size_t)(colon - arg))) {
		char *label = strndup(arg, (size_t)(colon - arg));
		rc = label ? cli_put_str(cli, o, "label", label)
			   : cli_reject(cli, field, "out of memory");
		free(label);
		if (rc == 0)
			rc = cli_put_str(cli, o, "value", colon + 1);
	} else {
		rc = cli_put_str(cli, o, "value", arg);
	}
	if (rc) {
		json_decref(o);
		return rc;
	}
	json_array_append_new(arr, o);
	return 0;
}

/* Read a repeated option into an array under key (only when given). */
static int read_list(Cli *cli, json_t *in, const char *opt, const char *key, int entries)
{
	const char *v;
	json_t *arr = NULL;
	int rc = 0;
	while (rc == 0 && (v = cli_opt(cli, opt))) {
		if (!arr)
			arr = json_array();
		rc = entries ? put_entry(cli, arr, key, v) : cli_push_str(cli, arr, key, v);
	}
	if (arr && rc == 0)
		json_object_set_new(in, key, json_incref(arr));
	json_decref(arr);
	return rc;
}

/* --owner EMAIL -> owner_id; --company ID -> company_id. */
static int read_refs(Cli *cli, json_t *in)
{
	const char *owner = cli_opt(cli, "--owner"), *company = cli_opt(cli, "--company");
	int64_t id;
	int rc;
	if (owner) {
		if ((rc = user_cli_owner_or_fail(cli, owner, &id)))
			return rc;
		json_object_set_new(in, "owner_id", json_integer(id));
	}
	if (company) {
		if (cli_id_or_fail(cli, company, "--company", &id))
			return EXIT_USAGE;
		json_object_set_new(in, "company_id", json_integer(id));
	}
	return 0;
}

/* Option names --clear accepts besides the JSON keys (job_title...). */
static const CliClear clear_aliases[] = {
    {"first", "first_name", NULL}, {"last", "last_name", NULL},  {"title", "job_title", NULL},
    {"consent", "consent_note", NULL}, {"company", "company_id", NULL},
    {"owner", "owner_id", NULL},   {"email", "emails", NULL},    {"phone", "phones", NULL},
    {"tag", "tags", NULL},	   {"cadence", "cadence_days", NULL}, {NULL, NULL, NULL},
};

/* --cadence DAYS|none into "cadence_days". */
static int read_cadence(Cli *cli, json_t *in)
{
	const char *v = cli_opt(cli, "--cadence");
	Err err = {0};
	int64_t days;
	if (!v)
		return 0;
	if (cadence_days_parse(v, "cadence_days", &days, &err))
		return cli_fail(cli, &err);
	json_object_set_new(in, "cadence_days", days ? json_integer(days) : json_null());
	return 0;
}

/* --phone-country CC: the country every --phone of this command is read
 * with before the workspace's (contact.h); it needs a --phone. */
static int read_phone_country(Cli *cli, json_t *in)
{
	const char *cc = cli_opt(cli, "--phone-country");
	json_t *phones = json_object_get(in, "phones"), *e;
	size_t i;
	int rc = 0;
	if (!cc)
		return 0;
	if (!json_array_size(phones))
		return cli_reject(cli, "--phone-country", "goes with --phone NUMBER");
	json_array_foreach(phones, i, e)
	{
		if (rc == 0)
			rc = cli_put_str(cli, e, "country", cc);
	}
	return rc;
}

/* Turn the options of add/edit into a contact input object. Returns an exit
 * code (0 = read). */
static int read_input(Cli *cli, json_t *in, int editing)
{
	int rc = 0;
	for (int i = 0; i < N_TEXT_OPTS && rc == 0; i++) {
		const char *v = cli_opt(cli, text_opts[i].opt);
		if (v)
			rc = cli_put_str(cli, in, text_opts[i].key, v);
	}
	if (rc || (rc = cli_address_args(cli, in)) ||
	    (rc = read_list(cli, in, "--email", "emails", 1)) ||
	    (rc = read_list(cli, in, "--phone", "phones", 1)) ||
	    (rc = read_phone_country(cli, in)) ||
	    (!editing && (rc = read_list(cli, in, "--tag", "tags", 0))) || (rc = read_refs(cli, in)) ||
	    (rc = field_cli_args(cli, "contact", in)) || (rc = read_cadence(cli, in)))
		return rc;
	return editing ? cli_clear_args(cli, in, clear_aliases, 1) : 0;
}

/* The duplicate guard's refusal (contact.h) plus how to get past it here. */
static int duplicate_fail(Cli *cli, Err *err)
{
	size_t n = strlen(err->msg);
	if (err->code == ERR_CONFLICT && (!strncmp(err->field, "emails[", 7) ||
					  !strncmp(err->field, "phones[", 7)))
		snprintf(err->msg + n, sizeof err->msg - n, " (use --force to add anyway)");
	return cli_fail(cli, err);
}

int contact_cli_add(Cli *cli)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_object(), *c = NULL, *warnings = NULL, *w;
	size_t i;
	int force = cli_flag(cli, "--force");
	int rc = read_input(cli, in, 0);
	if (rc || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (contact_create(cli->db, &cli->actor, in, force ? CONTACT_FORCE : 0, &id, &err) ||
	    contact_get(cli->db, &cli->actor, id, 0, &c, &err) ||
	    contact_create_warnings(cli->db, &cli->actor, id, &warnings, &err)) {
		rc = duplicate_fail(cli, &err);
		goto done;
	}
	/* a namesake at the same company does not stop the add: say so */
	json_array_foreach(warnings, i, w)
	{
		fprintf(stderr, "kith: warning: %s\n", cli_str(w, "message"));
	}
	if (cli->json)
		cli_print_json(cli, c);
	else
		fprintf(cli->out, "added contact #%lld %s\n", (long long)id,
			cli_str(c, "display_name"));
done:
	json_decref(in);
	json_decref(c);
	json_decref(warnings);
	return rc;
}

int contact_cli_edit(Cli *cli)
{
	Err err = {0};
	int64_t id, version = 0;
	json_t *in = json_object(), *c = NULL;
	CliTagEdit tags = {0};
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	int force = cli_flag(cli, "--force");
	if (rc || (rc = read_input(cli, in, 1)) || (rc = cli_tag_edit_args(cli, &tags)) ||
	    (rc = cli_finish_or_fail(cli)))
		goto done;
	/* --tag/--untag change the tags the contact has now: read them, and
	 * update only that version (ERR_STALE if someone changed it since) */
	if (cli_tag_edit_relative(&tags)) {
		if (contact_get(cli->db, &cli->actor, id, 0, &c, &err)) {
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
	if (contact_update(cli->db, &cli->actor, id, in, version, force ? CONTACT_FORCE : 0, &c,
			   &err)) {
		rc = duplicate_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, c);
	else
		fprintf(cli->out, "updated contact #%lld %s\n", (long long)id,
			cli_str(c, "display_name"));
done:
	cli_tag_edit_free(&tags);
	json_decref(in);
	json_decref(c);
	return rc;
}

/* "label: value, label: value" of an emails/phones array. */
static void entries_text(Buf *b, const json_t *list)
{
	json_t *e;
	size_t i;
	json_array_foreach(list, i, e)
	{
		buf_addf(b, "%s%s (%s)", i ? ", " : "", cli_str(e, "value"), cli_str(e, "label"));
	}
}

static void put_line(json_t *rec, const char *key, Buf *b)
{
	if (b->len)
		json_object_set_new(rec, key, json_string(buf_str(b)));
	buf_reset(b);
}

/* The cadence, last contacted and next touch lines (cadence_annotate). */
static void touch_lines(json_t *rec, const json_t *c, Buf *b)
{
	json_t *own = json_object_get(c, "cadence_days"), *next = json_object_get(c, "next_touch");
	json_t *eff = json_object_get(c, "effective_cadence_days");
	if (json_is_integer(eff))
		buf_addf(b, "every %lld days%s", (long long)json_integer_value(eff),
			 json_is_integer(own) ? "" : " (from a tag)");
	put_line(rec, "cadence", b);
	buf_adds(b, json_is_string(json_object_get(c, "last_contacted_at"))
			? cli_str(c, "last_contacted_at")
			: "never");
	put_line(rec, "last_contacted", b);
	if (json_is_object(next) && json_is_integer(json_object_get(next, "task_id")))
		buf_addf(b, "%s (task #%lld)", cli_str(next, "date"),
			 (long long)json_integer_value(json_object_get(next, "task_id")));
	else if (json_is_object(next))
		buf_addf(b, "%s (cadence)", cli_str(next, "date"));
	put_line(rec, "next_touch", b);
}

/* The record view of `contact show`: one line per non-empty value. */
static json_t *show_record(Cli *cli, const json_t *c)
{
	static const char *const plain[] = {"job_title",   "website", "birthday", "status",
					    "temperature", "source",  NULL};
	static const char *const trailer[] = {"notes",	    "consent_note", "version", "created_at",
					      "updated_at", "deleted_at",   NULL};
	json_t *rec = json_object(), *v, *company = json_object_get(c, "company");
	const char *key;
	Buf b;
	buf_init(&b, 0);
	buf_addf(&b, "%lld", (long long)json_integer_value(json_object_get(c, "id")));
	put_line(rec, "id", &b);
	buf_adds(&b, cli_str(c, "display_name"));
	put_line(rec, "name", &b);
	for (const char *const *k = plain; *k; k++)
		if (*cli_str(c, *k))
			json_object_set(rec, *k, json_object_get(c, *k));
	if (json_is_object(company))
		buf_addf(&b, "%s (#%lld)", cli_str(company, "name"),
			 (long long)json_integer_value(json_object_get(company, "id")));
	put_line(rec, "company", &b);
	entries_text(&b, json_object_get(c, "emails"));
	put_line(rec, "emails", &b);
	entries_text(&b, json_object_get(c, "phones"));
	put_line(rec, "phones", &b);
	cli_address_text(&b, json_object_get(c, "address"));
	put_line(rec, "address", &b);
	user_cli_text(cli, json_object_get(c, "owner_id"), &b);
	put_line(rec, "owner", &b);
	if (json_array_size(json_object_get(c, "tags")))
		json_object_set(rec, "tags", json_object_get(c, "tags"));
	touch_lines(rec, c, &b);
	json_object_foreach(json_object_get(c, "custom"), key, v)
	{
		char k[80];
		snprintf(k, sizeof k, "custom.%s", key);
		if (json_is_object(v) && json_is_string(json_object_get(v, "amount"))) {
			buf_addf(&b, "%s %s", cli_str(v, "amount"), cli_str(v, "currency")); /* money */
			put_line(rec, k, &b);
		} else {
			json_object_set(rec, k, v);
		}
	}
	for (const char *const *k = trailer; *k; k++)
		if (!json_is_null(json_object_get(c, *k)) && json_object_get(c, *k))
			json_object_set(rec, *k, json_object_get(c, *k));
	buf_free(&b);
	return rec;
}

int contact_cli_show(Cli *cli)
{
	Err err = {0};
	int64_t id;
	json_t *c = NULL, *history = NULL;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	int with_history = cli_flag(cli, "--history"), trash = cli_flag(cli, "--trash");
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (contact_get(cli->db, &cli->actor, id, trash, &c, &err) ||
	    cadence_annotate(cli->db, id, c, &err) ||
	    (with_history && audit_list(cli->db, "contact", id, KITH_LIST_MAX, &history, &err))) {
		json_decref(c);
		return cli_fail(cli, &err);
	}
	if (cli->json) {
		if (history)
			json_object_set(c, "history", history);
		cli_print_json(cli, c);
	} else {
		json_t *rec = show_record(cli, c);
		cli_print_record(cli, rec, NULL);
		json_decref(rec);
		if (history)
			audit_cli_print_history(cli, history);
	}
	json_decref(c);
	json_decref(history);
	return EXIT_OK;
}

/* Filters of list/search into q, --all into *all. Strings point into argv. */
static int read_query(Cli *cli, ContactQuery *q, int *all)
{
	const char *owner = cli_opt(cli, "--owner"), *company = cli_opt(cli, "--company");
	const char *limit = cli_opt(cli, "--limit");
	int rc;
	q->tag = cli_opt(cli, "--tag");
	q->status = cli_opt(cli, "--status");
	q->temperature = cli_opt(cli, "--temperature");
	q->source = cli_opt(cli, "--source");
	q->sort = cli_opt(cli, "--sort");
	q->cursor = cli_opt(cli, "--cursor");
	q->trash = cli_flag(cli, "--trash");
	*all = cli_flag(cli, "--all");
	if ((rc = cli_when_opt(cli, "--updated-since", WHEN_INSTANT | WHEN_MIDNIGHT,
			       &q->updated_since, NULL)))
		return rc;
	if (owner && (rc = user_cli_owner_or_fail(cli, owner, &q->owner_id)))
		return rc;
	if (company && cli_id_or_fail(cli, company, "--company", &q->company_id))
		return EXIT_USAGE;
	return cli_limit_or_fail(cli, limit, &q->limit);
}

/* One table row of a list item: first email and phone, company name. */
static json_t *list_row(const json_t *c)
{
	json_t *company = json_object_get(c, "company");
	json_t *email = json_array_get(json_object_get(c, "emails"), 0);
	json_t *phone = json_array_get(json_object_get(c, "phones"), 0);
	return json_pack(
	    "{sO ss so so so sO sO sO}", "id", json_object_get(c, "id"), "name",
	    cli_str(c, "display_name"), "company",
	    json_is_object(company) ? json_incref(json_object_get(company, "name")) : json_null(),
	    "email", email ? json_incref(json_object_get(email, "value")) : json_null(), "phone",
	    phone ? json_incref(json_object_get(phone, "value")) : json_null(), "status",
	    json_object_get(c, "status"), "temperature", json_object_get(c, "temperature"), "tags",
	    json_object_get(c, "tags"));
}

static int fetch_page(Cli *cli, void *query, const char *cursor, json_t **items, char **next,
		      Err *err)
{
	ContactQuery *q = query;
	q->cursor = cursor;
	return contact_list(cli->db, &cli->actor, q, items, next, err);
}

static int run_list(Cli *cli, ContactQuery *q, int all)
{
	return cli_list_op(cli, all, q->cursor, fetch_page, q, list_row, NULL, list_keys,
			   list_heads);
}

int contact_cli_list(Cli *cli)
{
	ContactQuery q = {0};
	int all = 0;
	int rc = read_query(cli, &q, &all);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	return run_list(cli, &q, all);
}

int contact_cli_search(Cli *cli)
{
	ContactQuery q = {0};
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

int contact_cli_rm(Cli *cli)
{
	return cli_trash_op(cli, "contact", contact_delete, "moved to the trash");
}

int contact_cli_restore(Cli *cli)
{
	return cli_trash_op(cli, "contact", contact_restore, "restored");
}

int contact_cli_purge(Cli *cli)
{
	return cli_trash_op(cli, "contact", contact_purge, "purged");
}

int contact_cli_merge(Cli *cli)
{
	Err err = {0};
	int64_t keep, other;
	json_t *c = NULL;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "KEEP", &keep);
	if (rc || (rc = cli_id_or_fail(cli, cli_arg(cli), "OTHER", &other)) ||
	    (rc = cli_finish_or_fail(cli)))
		return rc;
	if (contact_merge(cli->db, &cli->actor, keep, other, &c, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, c);
	else
		fprintf(cli->out, "merged contact #%lld into #%lld %s\n", (long long)other,
			(long long)keep, cli_str(c, "display_name"));
	json_decref(c);
	return EXIT_OK;
}

int contact_cli_tag(Cli *cli)
{
	return cli_tag_op(cli, "contact", 1, contact_tag);
}
