/* deal_cli.c - kith deal add|show|list|edit|move|rm|restore|board|forecast:
 * turns options into the JSON objects deal.h takes and prints the results
 * as text or JSON. No rules live here: every check is made by deal.c (and
 * field.c for --field values). Depends on cli/, crm/deal. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "core/user_cli.h"
#include "crm/field_cli.h"
#include "crm/deal.h"
#include "crm/names_cli.h"
#include "crm/pipeline.h"

static const char *const list_keys[] = {"id",	  "title", "contact", "company",
					"stage", "status", "value",   "close", NULL};
static const char *const list_heads[] = {"ID",	   "TITLE",  "CONTACT", "COMPANY",
					 "STAGE", "STATUS", "VALUE",   "CLOSE", NULL};

/* "12.50 EUR" of a value object. */
static json_t *value_text(const json_t *v)
{
	Buf b;
	buf_init(&b, 0);
	buf_addf(&b, "%s %s", cli_str(v, "amount"), cli_str(v, "currency"));
	json_t *s = json_string(buf_str(&b));
	buf_free(&b);
	return s;
}

/* A table row; "contact" and "company" hold ids until names_cli_fill. */
static json_t *list_row(const json_t *d)
{
	return json_pack("{sOsOsOsOsOsOsosO}", "id", json_object_get(d, "id"), "title",
			 json_object_get(d, "title"), "contact", json_object_get(d, "contact_id"),
			 "company", json_object_get(d, "company_id"), "stage",
			 json_object_get(d, "stage"), "status", json_object_get(d, "status"),
			 "value", value_text(json_object_get(d, "value")), "close",
			 json_object_get(d, "expected_close_date"));
}

/* An id option (--contact ID) into key of in. */
static int id_opt(Cli *cli, const char *opt, const char *key, json_t *in)
{
	const char *s = cli_opt(cli, opt);
	int64_t id;
	if (!s)
		return 0;
	if (cli_id_or_fail(cli, s, opt, &id))
		return EXIT_USAGE;
	json_object_set_new(in, key, json_integer(id));
	return 0;
}

static const struct {
	const char *opt, *key;
} text_opts[] = {
	{"--title", "title"},   {"--source", "source"},
	{"--notes", "notes"},   {"--lost-reason", "lost_reason"},
};
enum { N_TEXT = sizeof text_opts / sizeof text_opts[0] };

/* --clear FIELD names; the domain says which may be cleared. */
static const CliClear clear_aliases[] = {
    {"owner", "owner_id", NULL},	  {"contact", "contact_id", NULL},
    {"company", "company_id", NULL},	  {"close", "expected_close_date", NULL},
    {"pipeline", "pipeline_id", NULL}, {"stage", "stage_id", NULL}, {NULL, NULL, NULL}};

/* Options of add/edit into a deal input object. Returns an exit code. */
static int read_input(Cli *cli, json_t *in, int editing)
{
	const char *v, *amount = cli_opt(cli, "--value"), *cur = cli_opt(cli, "--currency");
	const char *owner = cli_opt(cli, "--owner"), *close;
	int64_t owner_id = 0;
	int rc = 0;
	for (int i = 0; i < N_TEXT && rc == 0; i++)
		if ((v = cli_opt(cli, text_opts[i].opt)))
			rc = cli_put_str(cli, in, text_opts[i].key, v);
	if (rc || (rc = cli_when_opt(cli, "--close", WHEN_DATE, &close, NULL)))
		return rc;
	if (close)
		json_object_set_new(in, "expected_close_date", json_string(close));
	if ((rc = id_opt(cli, "--contact", "contact_id", in)) ||
	    (rc = id_opt(cli, "--company", "company_id", in)) ||
	    (rc = id_opt(cli, "--pipeline", "pipeline_id", in)) ||
	    (rc = id_opt(cli, "--stage", "stage_id", in)))
		return rc;
	if (amount || cur) {
		json_t *val = json_object();
		json_object_set_new(in, "value", val);
		if ((amount && (rc = cli_put_str(cli, val, "amount", amount))) ||
		    (cur && (rc = cli_put_str(cli, val, "currency", cur))))
			return rc;
	}
	if ((owner && (rc = user_cli_owner_or_fail(cli, owner, &owner_id))) ||
	    (rc = field_cli_args(cli, "deal", in)))
		return rc;
	if (owner_id)
		json_object_set_new(in, "owner_id", json_integer(owner_id));
	return editing ? cli_clear_args(cli, in, clear_aliases, 0) : 0;
}

int deal_cli_add(Cli *cli)
{
	Err err = {0};
	int64_t id = 0;
	json_t *in = json_object(), *d = NULL;
	int rc = read_input(cli, in, 0);
	if (rc || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (!json_object_get(in, "title")) {
		rc = cli_usage_fail(cli, "--title: missing");
		goto done;
	}
	if (deal_create(cli->db, &cli->actor, in, &id, &err) ||
	    deal_get(cli->db, &cli->actor, id, 0, &d, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, d);
	else
		fprintf(cli->out, "added deal #%lld %s\n", (long long)id, cli_str(d, "title"));
done:
	json_decref(in);
	json_decref(d);
	return rc;
}

/* Set key of o to the name of the pipeline or user id (nothing when id is
 * not an integer). */
static void named(Cli *cli, json_t *o, const char *key, const json_t *id)
{
	json_t *p = NULL;
	Err err = {0};
	if (!json_is_integer(id))
		return;
	if (strcmp(key, "pipeline") == 0) {
		if (pipeline_get(cli->db, json_integer_value(id), &p, &err) == KITH_OK)
			json_object_set(o, key, json_object_get(p, "name"));
		json_decref(p);
		return;
	}
	json_object_set_new(o, key, names_cli_of(cli, "user", json_integer_value(id)));
}

static void print_deal(Cli *cli, json_t *d, const json_t *history)
{
	static const char *const keys[] = {
		"id",     "title",    "contact",     "company",    "pipeline",
		"stage",  "status",   "probability", "value",      "expected_close_date",
		"source", "owner",    "notes",       "lost_reason", "won_at",
		"lost_at", "custom",  "version",     "updated_at", "deleted_at", NULL};
	static const char *const hkeys[] = {"at", "from_stage", "to_stage", "user", NULL};
	static const char *const hheads[] = {"AT", "FROM", "TO", "USER", NULL};
	if (history)
		json_object_set(d, "stage_history", (json_t *)history);
	if (cli->json) {
		cli_print_json(cli, d);
		return;
	}
	json_t *val = json_object_get(d, "value");
	json_t *copy = json_copy(d), *rows = json_deep_copy(history), *h;
	size_t i;
	json_object_set_new(copy, "value", value_text(val));
	/* names, not ids: the contact, company, pipeline, owner and movers */
	json_object_set(copy, "contact", json_object_get(d, "contact_id"));
	json_object_set(copy, "company", json_object_get(d, "company_id"));
	names_cli_fill(cli, copy);
	named(cli, copy, "pipeline", json_object_get(d, "pipeline_id"));
	named(cli, copy, "owner", json_object_get(d, "owner_id"));
	cli_print_record(cli, copy, keys);
	json_decref(copy);
	if (history) {
		json_array_foreach(rows, i, h)
		{
			named(cli, h, "user", json_object_get(h, "user_id"));
		}
		fprintf(cli->out, "stage history:\n");
		cli_print_table(cli, rows, hkeys, hheads);
	}
	json_decref(rows);
}

int deal_cli_show(Cli *cli)
{
	Err err = {0};
	json_t *d = NULL, *history = NULL;
	int64_t id;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "id", &id);
	int with_history = rc ? 0 : cli_flag(cli, "--history");
	int trash = rc ? 0 : cli_flag(cli, "--trash");
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (deal_get(cli->db, &cli->actor, id, trash, &d, &err) ||
	    (with_history && deal_history(cli->db, &cli->actor, id, &history, &err))) {
		json_decref(d);
		return cli_fail(cli, &err);
	}
	print_deal(cli, d, history);
	json_decref(d);
	json_decref(history);
	return EXIT_OK;
}

static int fetch_page(Cli *cli, void *query, const char *cursor, json_t **items, char **next,
		      Err *err)
{
	DealQuery *q = query;
	q->cursor = cursor;
	return deal_list(cli->db, &cli->actor, q, items, next, err);
}

int deal_cli_list(Cli *cli)
{
	DealQuery q = {0};
	const char *owner = cli_opt(cli, "--owner"), *limit = cli_opt(cli, "--limit");
	const char *ids[] = {"--pipeline", "--stage", "--contact", "--company"};
	int64_t *dst[] = {&q.pipeline_id, &q.stage_id, &q.contact_id, &q.company_id};
	for (int i = 0; i < 4; i++) {
		const char *s = cli_opt(cli, ids[i]);
		if (s && cli_id_or_fail(cli, s, ids[i], dst[i]))
			return EXIT_USAGE;
	}
	q.status = cli_opt(cli, "--status");
	q.cursor = cli_opt(cli, "--cursor");
	q.trash = cli_flag(cli, "--trash");
	int all = cli_flag(cli, "--all");
	int rc = cli_when_opt(cli, "--stage-since", WHEN_INSTANT | WHEN_MIDNIGHT, &q.stage_since,
			      NULL);
	if (rc || (rc = cli_limit_or_fail(cli, limit, &q.limit)) ||
	    (owner && (rc = user_cli_owner_or_fail(cli, owner, &q.owner_id))))
		return rc;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	return cli_list_op(cli, all, q.cursor, fetch_page, &q, list_row, names_cli_fill_rows,
			   list_keys, list_heads);
}

int deal_cli_edit(Cli *cli)
{
	Err err = {0};
	json_t *in = json_object(), *d = NULL;
	int64_t id;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "id", &id);
	if (rc || (rc = read_input(cli, in, 1)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (json_object_size(in) == 0) {
		rc = cli_usage_fail(cli, "nothing to change");
		goto done;
	}
	if (deal_update(cli->db, &cli->actor, id, in, 0, &d, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	print_deal(cli, d, NULL);
done:
	json_decref(in);
	json_decref(d);
	return rc;
}

int deal_cli_move(Cli *cli)
{
	Err err = {0};
	json_t *d = NULL;
	int64_t id, stage = 0;
	if (cli_id_or_fail(cli, cli_arg(cli), "ID", &id))
		return EXIT_USAGE;
	const char *ref = cli_arg(cli), *reason = cli_opt(cli, "--lost-reason");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!ref)
		return cli_usage_fail(cli, "STAGE: missing");
	/* STAGE is a name or an id of a stage in the deal's own pipeline */
	if (deal_get(cli->db, &cli->actor, id, 0, &d, &err) ||
	    stage_find(cli->db, json_integer_value(json_object_get(d, "pipeline_id")), ref, "STAGE",
		       &stage, &err)) {
		json_decref(d);
		return cli_fail(cli, &err);
	}
	json_decref(d);
	d = NULL;
	if (deal_move(cli->db, &cli->actor, id, stage, 0, reason, &d, &err)) {
		if (strcmp(err.field, "stage_id") == 0)
			snprintf(err.field, sizeof err.field, "STAGE");
		return cli_fail(cli, &err);
	}
	if (cli->json)
		cli_print_json(cli, d);
	else
		fprintf(cli->out, "deal #%lld moved to %s (%s)\n", (long long)id, cli_str(d, "stage"),
			cli_str(d, "status"));
	json_decref(d);
	return EXIT_OK;
}

int deal_cli_rm(Cli *cli)
{
	return cli_trash_op(cli, "deal", deal_delete, "moved to the trash");
}

int deal_cli_restore(Cli *cli)
{
	return cli_trash_op(cli, "deal", deal_restore, "restored");
}

/* Optional PIPELINE_ID argument (0 = the first pipeline). */
static int pipeline_arg(Cli *cli, int64_t *id)
{
	const char *s = cli_arg(cli);
	*id = 0;
	if (s && cli_id_or_fail(cli, s, "pipeline_id", id))
		return EXIT_USAGE;
	return cli_finish_or_fail(cli);
}

static void print_totals(Cli *cli, const json_t *totals)
{
	size_t i;
	json_t *t;
	json_array_foreach(totals, i, t)
		fprintf(cli->out, "%s%s %s", i ? ", " : "", cli_str(t, "amount"),
			cli_str(t, "currency"));
}

int deal_cli_board(Cli *cli)
{
	Err err = {0};
	json_t *b = NULL, *col;
	DealBoardQuery q = {0};
	int64_t days = 0;
	size_t i;
	const char *limit = cli_opt(cli, "--limit"), *closed = cli_opt(cli, "--closed-days");
	if (cli_limit_or_fail(cli, limit, &q.limit) ||
	    (closed && cli_id_or_fail(cli, closed, "--closed-days", &days)) ||
	    pipeline_arg(cli, &q.pipeline_id))
		return EXIT_USAGE;
	/* out of range is passed on for the domain to name */
	q.closed_days = days > KITH_BOARD_CLOSED_DAYS_MAX ? KITH_BOARD_CLOSED_DAYS_MAX + 1 : (int)days;
	if (deal_board(cli->db, &cli->actor, &q, &b, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		cli_print_json(cli, b);
		json_decref(b);
		return EXIT_OK;
	}
	fprintf(cli->out, "pipeline #%lld %s\n",
		(long long)json_integer_value(json_object_get(json_object_get(b, "pipeline"), "id")),
		cli_str(json_object_get(b, "pipeline"), "name"));
	json_array_foreach(json_object_get(b, "stages"), i, col)
	{
		const json_t *s = json_object_get(col, "stage");
		int is_open = !strcmp(cli_str(s, "kind"), "open");
		fprintf(cli->out, "\n== %s (#%lld, %lld%%, %s): %lld deal(s)", cli_str(s, "name"),
			(long long)json_integer_value(json_object_get(s, "id")),
			(long long)json_integer_value(json_object_get(s, "probability")),
			cli_str(s, "kind"),
			(long long)json_integer_value(json_object_get(col, "count")));
		if (!is_open)
			fprintf(cli->out, " closed since %.10s", cli_str(b, "closed_since"));
		if (json_array_size(json_object_get(col, "totals"))) {
			fprintf(cli->out, ", ");
			print_totals(cli, json_object_get(col, "totals"));
		}
		json_t *avg = json_object_get(col, "avg_days_in_stage");
		if (json_is_number(avg))
			fprintf(cli->out, ", avg %.1f days in stage", json_number_value(avg));
		fprintf(cli->out, "\n");
		json_t *deals = json_object_get(col, "deals"), *rows = json_array(), *d;
		size_t j;
		json_array_foreach(deals, j, d)
			json_array_append_new(rows, list_row(d));
		names_cli_fill_rows(cli, rows);
		if (json_array_size(rows))
			cli_print_table(cli, rows, list_keys, list_heads);
		json_decref(rows);
		if (json_is_string(json_object_get(col, "next")))
			fprintf(cli->out, "more: kith deal list --stage %lld --cursor %s\n",
				(long long)json_integer_value(json_object_get(s, "id")),
				cli_str(col, "next"));
		else if (!is_open && json_integer_value(json_object_get(col, "count")) >
					     (json_int_t)json_array_size(deals))
			fprintf(cli->out, "more: kith deal list --stage %lld --stage-since %s\n",
				(long long)json_integer_value(json_object_get(s, "id")),
				cli_str(b, "closed_since"));
	}
	json_decref(b);
	return EXIT_OK;
}

int deal_cli_forecast(Cli *cli)
{
	static const char *const keys[] = {"month", "currency", "count", "amount", "weighted",
					   NULL};
	static const char *const heads[] = {"MONTH", "CURRENCY", "DEALS", "VALUE", "WEIGHTED",
					    NULL};
	Err err = {0};
	json_t *f = NULL;
	int64_t id;
	if (pipeline_arg(cli, &id))
		return EXIT_USAGE;
	if (deal_forecast(cli->db, &cli->actor, id, &f, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		cli_print_json(cli, f);
	} else {
		/* deals without a close date are one group, month null: name it */
		json_t *rows = json_deep_copy(json_object_get(f, "months")), *r;
		size_t i;
		json_array_foreach(rows, i, r)
		{
			if (!json_is_string(json_object_get(r, "month")))
				json_object_set_new(r, "month", json_string("no close date"));
		}
		cli_print_table(cli, rows, keys, heads);
		json_decref(rows);
	}
	json_decref(f);
	return EXIT_OK;
}
