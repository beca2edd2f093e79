/* activity_cli.c - kith log add|list|show|edit|rm|restore: turns options
 * into the JSON objects activity.h takes and prints the results as text or
 * JSON. No rules live here: every check is made by
 * activity.c. Depends on cli/, core/{audit,user}, crm/activity. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "core/audit_cli.h"
#include "crm/activity.h"
#include "core/audit.h"
#include "crm/names_cli.h"
#include "core/user.h"

static const char *const list_keys[] = {"id",      "at", "kind",    "dir",     "subject",
					"by",      "contact", "company", "deal", NULL};
static const char *const list_heads[] = {"ID",      "AT", "KIND",    "DIR",     "SUBJECT",
					 "BY",      "CONTACT", "COMPANY", "DEAL", NULL};

/* Options that set one string key. */
static const struct {
	const char *opt, *key;
} text_opts[] = {
	{"--kind", "kind"},       {"--direction", "direction"}, {"--subject", "subject"},
	{"--body", "body"},       {"--outcome", "outcome"},
};
enum { N_TEXT = sizeof text_opts / sizeof text_opts[0] };

/* --user EMAIL into *id (0 when absent); an unknown email is rejected
 * naming "user". */
static int read_user(Cli *cli, int64_t *id)
{
	const char *email = cli_opt(cli, "--user");
	Err err = {0};
	Actor a;
	*id = 0;
	if (!email)
		return 0;
	if (user_actor_by_email(cli->db, email, &a, &err)) {
		snprintf(err.field, sizeof err.field, "user");
		return cli_fail(cli, &err);
	}
	*id = a.user_id;
	return 0;
}

/* --contact ID / --company ID / --deal ID into key of in. */
static int read_link(Cli *cli, const char *opt, const char *key, json_t *in)
{
	const char *s = cli_opt(cli, opt);
	int64_t id;
	if (!s)
		return 0;
	if (cli_id_or_fail(cli, s, opt + 2, &id))
		return EXIT_USAGE;
	json_object_set_new(in, key, json_integer(id));
	return 0;
}

/* --duration MIN: a whole number (the domain checks the range). */
static int read_duration(Cli *cli, json_t *in)
{
	const char *s = cli_opt(cli, "--duration");
	char *end;
	if (!s)
		return 0;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		return cli_reject(cli, "duration_minutes", "must be a whole number of minutes");
	json_object_set_new(in, "duration_minutes", json_integer(v));
	return 0;
}

/* --clear NAME names; the domain says which may be cleared. */
static const CliClear clear_aliases[] = {
    {"duration", "duration_minutes", NULL}, {"contact", "contact_id", NULL},
    {"company", "company_id", NULL},	     {"deal", "deal_id", NULL},
    {"user", "user_id", NULL},		     {"at", "occurred_at", NULL}, {NULL, NULL, NULL}};

/* Options of add/edit into an activity input object. Returns an exit code. */
static int read_input(Cli *cli, json_t *in, int editing)
{
	int rc = 0;
	int64_t user;
	const char *v, *at;
	for (int i = 0; i < N_TEXT && rc == 0; i++)
		if ((v = cli_opt(cli, text_opts[i].opt)))
			rc = cli_put_str(cli, in, text_opts[i].key, v);
	if (rc || (rc = cli_when_opt(cli, "--at", WHEN_INSTANT | WHEN_MIDNIGHT, &at, NULL)))
		return rc;
	if (at)
		json_object_set_new(in, "occurred_at", json_string(at));
	if ((rc = read_duration(cli, in)) ||
	    (rc = read_link(cli, "--contact", "contact_id", in)) ||
	    (rc = read_link(cli, "--company", "company_id", in)) ||
	    (rc = read_link(cli, "--deal", "deal_id", in)) || (rc = read_user(cli, &user)))
		return rc;
	if (user)
		json_object_set_new(in, "user_id", json_integer(user));
	return editing ? cli_clear_args(cli, in, clear_aliases, 0) : 0;
}

/* "last contacted: WHEN" of the activity's contact, when it has one. */
static int print_last(Cli *cli, const json_t *a, json_t *out_json)
{
	Err err = {0};
	char last[21];
	json_t *c = json_object_get(a, "contact_id");
	if (!json_is_integer(c))
		return 0;
	if (activity_last_contacted(cli->db, &cli->actor, json_integer_value(c), last, &err))
		return cli_fail(cli, &err);
	if (out_json)
		json_object_set_new(out_json, "last_contacted_at",
				    last[0] ? json_string(last) : json_null());
	else {
		cli_local_time(cli, last[0] ? last : "never", last);
		fprintf(cli->out, "last contacted: %s\n", last);
	}
	return 0;
}

int activity_cli_add(Cli *cli)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_object(), *a = NULL;
	int rc = read_input(cli, in, 0);
	if (rc || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (!json_object_get(in, "kind")) {
		rc = cli_usage_fail(cli, "--kind: missing");
		goto done;
	}
	if (activity_create(cli->db, &cli->actor, in, &id, &err) ||
	    activity_get(cli->db, &cli->actor, id, 0, &a, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json) {
		rc = print_last(cli, a, a);
		cli_print_json(cli, a);
	} else {
		char at[21];
		cli_local_time(cli, cli_str(a, "occurred_at"), at);
		fprintf(cli->out, "logged %s #%lld at %s\n", cli_str(a, "kind"), (long long)id, at);
		rc = print_last(cli, a, NULL);
	}
done:
	json_decref(in);
	json_decref(a);
	return rc;
}

int activity_cli_edit(Cli *cli)
{
	Err err = {0};
	int64_t id;
	json_t *in = json_object(), *a = NULL;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = read_input(cli, in, 1)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (json_object_size(in) == 0) {
		rc = cli_usage_fail(cli, "nothing to change; give at least one option");
		goto done;
	}
	if (activity_update(cli->db, &cli->actor, id, in, 0, &a, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, a);
	else
		fprintf(cli->out, "updated %s #%lld\n", cli_str(a, "kind"), (long long)id);
done:
	json_decref(in);
	json_decref(a);
	return rc;
}

int activity_cli_show(Cli *cli)
{
	return audit_cli_show_op(cli, "activity", activity_get, "user_id", names_cli_fill_record);
}

/* The cells of a list row. */
static json_t *row_of(const json_t *a)
{
	json_t *by = json_object_get(a, "user_name");
	return json_pack("{sO sO sO sO sO sO sO sO sO}", "id", json_object_get(a, "id"), "at",
			 json_object_get(a, "occurred_at"), "kind", json_object_get(a, "kind"),
			 "dir", json_object_get(a, "direction"), "subject",
			 json_object_get(a, "subject"), "by", by ? by : json_null(), "contact",
			 json_object_get(a, "contact_id"), "company",
			 json_object_get(a, "company_id"), "deal", json_object_get(a, "deal_id"));
}

static int fetch_page(Cli *cli, void *query, const char *cursor, json_t **items, char **next,
		      Err *err)
{
	ActivityQuery *q = query;
	q->cursor = cursor;
	return activity_list(cli->db, &cli->actor, q, items, next, err);
}

int activity_cli_list(Cli *cli)
{
	ActivityQuery q = {0};
	json_t *link = json_object();
	const char *limit = cli_opt(cli, "--limit");
	q.kind = cli_opt(cli, "--kind");
	q.cursor = cli_opt(cli, "--cursor");
	int all = cli_flag(cli, "--all");
	int rc = cli_when_opt(cli, "--since", WHEN_INSTANT | WHEN_MIDNIGHT, &q.since, NULL);
	if (rc || (rc = cli_limit_or_fail(cli, limit, &q.limit)) ||
	    (rc = read_link(cli, "--contact", "contact_id", link)) ||
	    (rc = read_link(cli, "--company", "company_id", link)) ||
	    (rc = read_link(cli, "--deal", "deal_id", link)) ||
	    (rc = read_user(cli, &q.user_id)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	q.contact_id = json_integer_value(json_object_get(link, "contact_id"));
	q.company_id = json_integer_value(json_object_get(link, "company_id"));
	q.deal_id = json_integer_value(json_object_get(link, "deal_id"));
	rc = cli_list_op(cli, all, q.cursor, fetch_page, &q, row_of, names_cli_fill_rows, list_keys,
			 list_heads);
	if (rc == 0 && !cli->json)
		rc = print_last(cli, link, NULL);
done:
	json_decref(link);
	return rc;
}

int activity_cli_rm(Cli *cli)
{
	return cli_trash_op(cli, "activity", activity_delete, "moved to the trash");
}

int activity_cli_restore(Cli *cli)
{
	return cli_trash_op(cli, "activity", activity_restore, "restored");
}
