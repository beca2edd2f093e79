/* due_cli.c - kith due: who is due for a touch, who was touched too
 * often, and the key dates ahead (views/due.h), as tables or JSON; and the
 * options and sections kith agenda shares (due_cli.h). No rules live here.
 * Depends on cli/, core/user, views/due. */
#include "views/due_cli.h"

#include <stdio.h>
#include <string.h>

#include "core/user.h"
#include "views/due.h"

static const char *const due_keys[] = {"id", "name", "last", "due", "overdue", "cadence", NULL};
static const char *const due_heads[] = {"ID",  "NAME",    "LAST CONTACTED",
					"DUE", "OVERDUE", "CADENCE", NULL};
static const char *const often_keys[] = {"id", "name", "touches", "last", NULL};
static const char *const often_heads[] = {"ID", "NAME", "TOUCHES", "LAST CONTACTED", NULL};
static const char *const key_keys[] = {"date", "in", "name", "what", "record", "id", NULL};
static const char *const key_heads[] = {"DATE", "IN", "NAME", "WHAT", "RECORD", "ID", NULL};

static json_t *due_row(const json_t *d)
{
	json_t *over = json_object_get(d, "days_overdue");
	json_t *last = json_object_get(d, "last_contacted_at");
	return json_pack("{sO ss so so so so}", "id", json_object_get(d, "id"), "name",
			 cli_str(d, "name"), "last",
			 json_is_string(last) ? json_string(json_string_value(last))
					      : json_string("never"),
			 "due", json_is_string(json_object_get(d, "due_date"))
				    ? json_string(cli_str(d, "due_date"))
				    : json_string("now"),
			 "overdue",
			 json_is_integer(over)
			     ? json_sprintf("%lld d", (long long)json_integer_value(over))
			     : json_string("-"),
			 "cadence",
			 json_sprintf("%lld d", (long long)json_integer_value(
						    json_object_get(d, "cadence_days"))));
}

static json_t *often_row(const json_t *d)
{
	return json_pack("{sO ss sO ss}", "id", json_object_get(d, "id"), "name",
			 cli_str(d, "name"), "touches", json_object_get(d, "touches"), "last",
			 cli_str(d, "last_contacted_at"));
}

static json_t *key_row(const json_t *d)
{
	long long days = (long long)json_integer_value(json_object_get(d, "days"));
	return json_pack("{ss so ss sO ss ss}", "date", cli_str(d, "date"), "in",
			 days == 0 ? json_string("today") : json_sprintf("%lld d", days), "record",
			 cli_str(d, "type"), "id", json_object_get(d, "id"), "name",
			 cli_str(d, "name"), "what", cli_str(d, "label"));
}

/* A titled table of section key of out, rows made by row. */
static void print_section(Cli *cli, const json_t *out, const char *key, const char *title,
			  json_t *(*row)(const json_t *), const char *const *keys,
			  const char *const *heads)
{
	json_t *items = json_object_get(out, key), *rows = json_array(), *t;
	json_int_t total = json_integer_value(json_object_get(json_object_get(out, "counts"), key));
	size_t i;
	fprintf(cli->out, "\n%s (%lld)\n", title, (long long)total);
	json_array_foreach(items, i, t) json_array_append_new(rows, row(t));
	if (json_array_size(rows))
		cli_print_table(cli, rows, keys, heads);
	if ((size_t)total > json_array_size(items))
		fprintf(cli->out, "(first %zu shown)\n", json_array_size(items));
	json_decref(rows);
}

void due_cli_print_sections(Cli *cli, const json_t *out)
{
	print_section(cli, out, "due", "due for a touch", due_row, due_keys, due_heads);
	print_section(cli, out, "too_often", "touched too often", often_row, often_keys,
		      often_heads);
	print_section(cli, out, "key_dates", "key dates", key_row, key_keys, key_heads);
}

int due_cli_scope(Cli *cli, int default_days, DueQuery *q)
{
	Err err = {0};
	Actor a = {0};
	const char *email = cli_opt(cli, "--user"), *days = cli_opt(cli, "--days");
	int team = cli_flag(cli, "--team");
	int rc = cli_when_opt(cli, "--today", WHEN_DATE, &q->today, NULL);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (email && user_actor_by_email(cli->db, email, &a, &err)) {
		snprintf(err.field, sizeof err.field, "user");
		return cli_fail(cli, &err);
	}
	/* whose and how far ahead: due_scope decides, as for the API */
	if (due_scope(&cli->actor, a.user_id, team, days, default_days, &q->user_id, &q->days,
		      &err)) {
		if (!strcmp(err.field, "team"))
			snprintf(err.field, sizeof err.field, "--team");
		return cli_fail(cli, &err);
	}
	return 0;
}

int due_cli(Cli *cli)
{
	Err err = {0};
	DueQuery q = {0};
	json_t *out = NULL;
	int rc = due_cli_scope(cli, 0, &q);
	if (rc)
		return rc;
	if (due_list(cli->db, &cli->actor, &q, &out, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		cli_print_json(cli, out);
	} else {
		fprintf(cli->out, "due on %s\n", cli_str(out, "date"));
		due_cli_print_sections(cli, out);
	}
	json_decref(out);
	return EXIT_OK;
}
