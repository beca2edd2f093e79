/* task_cli.c - kith task add|list|show|edit|done|reopen|snooze|rm|restore:
 * turns options into the JSON objects task.h takes and prints the results
 * as text or JSON; the task table for other adapters (task_cli.h). No
 * rules live here: every check is made by task.c. Depends on cli/,
 * crm/{task,names_cli}, core/{audit,user}. */
#include "crm/task_cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/audit_cli.h"
#include "core/audit.h"
#include "crm/names_cli.h"
#include "crm/task.h"
#include "core/user.h"

static const char *const list_keys[] = {"id",       "due",      "pri",  "type",
					"title",    "assignee", "status", "link", NULL};
static const char *const list_heads[] = {"ID",    "DUE",      "PRI",    "TYPE",
					 "TITLE", "ASSIGNEE", "STATUS", "LINK", NULL};

/* Options that set one string key. */
static const struct {
	const char *opt, *key;
} text_opts[] = {
	{"--title", "title"},       {"--type", "type"},
	{"--priority", "priority"}, {"--notes", "notes"},
};
enum { N_TEXT = sizeof text_opts / sizeof text_opts[0] };

/* An --assignee / --user EMAIL option into *id (0 when absent); an unknown
 * email is rejected naming field. */
static int read_user(Cli *cli, const char *opt, const char *field, int64_t *id)
{
	const char *email = cli_opt(cli, opt);
	Err err = {0};
	Actor a;
	*id = 0;
	if (!email)
		return 0;
	if (user_actor_by_email(cli->db, email, &a, &err)) {
		snprintf(err.field, sizeof err.field, "%s", field);
		return cli_fail(cli, &err);
	}
	*id = a.user_id;
	return 0;
}

/* --contact / --company / --deal ID into key of in. */
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

/* --every N UNIT (or "--every 'N UNIT'"): repeat_every and repeat_unit. */
static int read_every(Cli *cli, json_t *in)
{
	const char *s = cli_opt(cli, "--every"), *unit;
	char *end;
	if (!s)
		return 0;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (end == s || errno)
		return cli_reject(cli, "repeat_every", "must be a whole number: --every N days|weeks|months");
	while (*end == ' ')
		end++;
	unit = *end ? end : cli_arg(cli);
	if (!unit)
		return cli_usage_fail(cli, "--every: give N days|weeks|months");
	json_object_set_new(in, "repeat_every", json_integer(n));
	return cli_put_str(cli, in, "repeat_unit", unit);
}

/* --due WHEN (a date sets due_date, a date and time due_at) or --at WHEN
 * (a date and time: due_at). */
static int read_due(Cli *cli, json_t *in)
{
	const char *due, *at;
	int kind, rc = cli_when_opt(cli, "--due", WHEN_DATE | WHEN_INSTANT, &due, &kind);
	if (rc || (rc = cli_when_opt(cli, "--at", WHEN_INSTANT, &at, NULL)))
		return rc;
	if (due && at)
		return cli_usage_fail(cli, "--at: give --due or --at, not both");
	if (due)
		json_object_set_new(in, kind == WHEN_DATE_KIND ? "due_date" : "due_at",
				    json_string(due));
	if (at)
		json_object_set_new(in, "due_at", json_string(at));
	return 0;
}

/* --clear NAME names; the domain says which may be cleared. */
static const CliClear clear_aliases[] = {
    {"due", "due_date", "due_at"},	{"assignee", "assignee_id", NULL},
    {"contact", "contact_id", NULL},	{"company", "company_id", NULL},
    {"deal", "deal_id", NULL},		{"repeat", "repeat_every", "repeat_unit"},
    {"every", "repeat_every", "repeat_unit"}, {NULL, NULL, NULL}};

/* Options of add/edit into a task input object. Returns an exit code. */
static int read_input(Cli *cli, json_t *in, int editing)
{
	int rc = 0;
	int64_t user;
	const char *v;
	for (int i = 0; i < N_TEXT && rc == 0; i++)
		if ((v = cli_opt(cli, text_opts[i].opt)))
			rc = cli_put_str(cli, in, text_opts[i].key, v);
	if (rc || (rc = read_due(cli, in)) || (rc = read_link(cli, "--contact", "contact_id", in)) ||
	    (rc = read_link(cli, "--company", "company_id", in)) ||
	    (rc = read_link(cli, "--deal", "deal_id", in)) ||
	    (rc = read_user(cli, "--assignee", "assignee", &user)) || (rc = read_every(cli, in)))
		return rc;
	if (user)
		json_object_set_new(in, "assignee_id", json_integer(user));
	return editing ? cli_clear_args(cli, in, clear_aliases, 0) : 0;
}

/* Print the task (--json) or a one-line summary with verb. */
static int print_task(Cli *cli, int64_t id, const char *verb)
{
	Err err = {0};
	json_t *t = NULL;
	if (task_get(cli->db, &cli->actor, id, 0, &t, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, t);
	else
		fprintf(cli->out, "%s task #%lld: %s\n", verb, (long long)id, cli_str(t, "title"));
	json_decref(t);
	return 0;
}

int task_cli_add(Cli *cli)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_object();
	int rc = read_input(cli, in, 0);
	if (rc || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (!json_object_get(in, "title")) {
		rc = cli_usage_fail(cli, "--title: missing");
		goto done;
	}
	if (task_create(cli->db, &cli->actor, in, &id, &err))
		rc = cli_fail(cli, &err);
	else
		rc = print_task(cli, id, "added");
done:
	json_decref(in);
	return rc;
}

int task_cli_edit(Cli *cli)
{
	Err err = {0};
	int64_t id;
	json_t *in = json_object(), *t = NULL;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = read_input(cli, in, 1)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (json_object_size(in) == 0) {
		rc = cli_usage_fail(cli, "nothing to change; give at least one option");
		goto done;
	}
	if (task_update(cli->db, &cli->actor, id, in, 0, &t, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, t);
	else
		fprintf(cli->out, "updated task #%lld\n", (long long)id);
done:
	json_decref(in);
	json_decref(t);
	return rc;
}

int task_cli_show(Cli *cli)
{
	return audit_cli_show_op(cli, "task", task_get, "assignee_id", names_cli_fill_record);
}

/* One table row of a task. */
static json_t *row_of(const json_t *t)
{
	json_t *due = json_object_get(t, "due_date"), *link = json_null();
	static const struct {
		const char *key, *prefix;
	} links[] = {{"contact_id", "contact"}, {"company_id", "company"}, {"deal_id", "deal"}};
	if (json_is_null(due))
		due = json_object_get(t, "due_at");
	/* {"contact": ID}: names_cli_fill makes it "Name (contact)" */
	for (int i = 0; i < 3; i++) {
		json_t *v = json_object_get(t, links[i].key);
		if (json_is_integer(v))
			link = json_pack("{sO}", links[i].prefix, v);
	}
	json_t *row = json_pack("{sO sO sO sO sO sO sO so}", "id", json_object_get(t, "id"),
				"due", due, "pri", json_object_get(t, "priority"), "type",
				json_object_get(t, "type"), "title", json_object_get(t, "title"),
				"assignee", json_object_get(t, "assignee_name"), "status",
				json_object_get(t, "status"), "link", link);
	return row;
}

void task_cli_print_table(Cli *cli, const json_t *tasks)
{
	json_t *rows = json_array(), *t;
	size_t i;
	json_array_foreach(tasks, i, t) json_array_append_new(rows, row_of(t));
	names_cli_fill_rows(cli, rows);
	if (json_array_size(rows))
		cli_print_table(cli, rows, list_keys, list_heads);
	json_decref(rows);
}

static int fetch_page(Cli *cli, void *query, const char *cursor, json_t **items, char **next,
		      Err *err)
{
	TaskQuery *q = query;
	q->cursor = cursor;
	return task_list(cli->db, &cli->actor, q, items, next, err);
}

int task_cli_list(Cli *cli)
{
	TaskQuery q = {0};
	json_t *link = json_object();
	const char *limit = cli_opt(cli, "--limit");
	q.status = cli_opt(cli, "--status");
	q.cursor = cli_opt(cli, "--cursor");
	int all = cli_flag(cli, "--all");
	int rc = cli_limit_or_fail(cli, limit, &q.limit);
	if (rc || (rc = read_link(cli, "--contact", "contact_id", link)) ||
	    (rc = read_link(cli, "--company", "company_id", link)) ||
	    (rc = read_link(cli, "--deal", "deal_id", link)) ||
	    (rc = read_user(cli, "--assignee", "assignee", &q.assignee_id)) ||
	    (rc = cli_finish_or_fail(cli)))
		goto done;
	q.contact_id = json_integer_value(json_object_get(link, "contact_id"));
	q.company_id = json_integer_value(json_object_get(link, "company_id"));
	q.deal_id = json_integer_value(json_object_get(link, "deal_id"));
	rc = cli_list_op(cli, all, q.cursor, fetch_page, &q, row_of, names_cli_fill_rows, list_keys,
			 list_heads);
done:
	json_decref(link);
	return rc;
}

int task_cli_done(Cli *cli)
{
	Err err = {0};
	int64_t id, next = 0, activity = 0;
	TaskDone how = {.outcome = cli_opt(cli, "--outcome"), .note = cli_opt(cli, "--note")};
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (task_complete(cli->db, &cli->actor, id, &how, &next, &activity, &err))
		return cli_fail(cli, &err); /* names --outcome / --note */
	if (cli->json) {
		json_t *out = json_pack("{sI so so}", "id", (json_int_t)id, "next_id",
					next ? json_integer(next) : json_null(), "activity_id",
					activity ? json_integer(activity) : json_null());
		cli_print_json(cli, out);
		json_decref(out);
		return 0;
	}
	fprintf(cli->out, "task #%lld done\n", (long long)id);
	if (activity)
		fprintf(cli->out, "logged activity #%lld\n", (long long)activity);
	return next ? print_task(cli, next, "next occurrence:") : 0;
}

int task_cli_reopen(Cli *cli)
{
	Err err = {0};
	int64_t id;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (task_reopen(cli->db, &cli->actor, id, &err))
		return cli_fail(cli, &err);
	return print_task(cli, id, "reopened");
}

int task_cli_snooze(Cli *cli)
{
	Err err = {0};
	int64_t id;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	const char *until = NULL, *forward = cli_opt(cli, "--for");
	if (rc || (rc = cli_when_opt(cli, "--until", WHEN_DATE | WHEN_INSTANT, &until, NULL)) ||
	    (rc = cli_finish_or_fail(cli)))
		return rc;
	if (!until && !forward)
		return cli_usage_fail(cli, "give --until WHEN or --for 3d|2w|1m");
	if (task_snooze(cli->db, &cli->actor, id, until, forward, &err))
		return cli_fail(cli, &err);
	return print_task(cli, id, "snoozed");
}

int task_cli_rm(Cli *cli)
{
	return cli_trash_op(cli, "task", task_delete, "moved to the trash");
}

int task_cli_restore(Cli *cli)
{
	return cli_trash_op(cli, "task", task_restore, "restored");
}
