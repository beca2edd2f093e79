/* timeline_cli.c - kith timeline contact|company|deal ID: calls
 * timeline_get and activity_last_touch and prints the page as a table (one
 * line per item: when, what, a summary, who) or as JSON. No rules live
 * here. Depends on cli/, crm/{timeline,activity}. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "crm/activity.h"
#include "views/timeline.h"

static const char *const tl_keys[] = {"at", "type", "what", "subject", "by", NULL};
static const char *const tl_heads[] = {"AT", "TYPE", "WHAT", "SUBJECT", "BY", NULL};

/* The table row of one item: WHAT is the activity kind and direction, the
 * task type, or the stage move "From -> To". */
static json_t *timeline_row(const json_t *item)
{
	const char *type = cli_str(item, "type");
	json_t *row = json_pack("{sOsO}", "at", json_object_get(item, "at"), "type",
				json_object_get(item, "type"));
	json_t *rec;
	Buf what;
	buf_init(&what, 0);
	if ((rec = json_object_get(item, "activity"))) {
		buf_adds(&what, cli_str(rec, "kind"));
		if (json_is_string(json_object_get(rec, "direction")))
			buf_addf(&what, " %s", cli_str(rec, "direction"));
		json_object_set(row, "subject", json_object_get(rec, "subject"));
		json_object_set(row, "by", json_object_get(rec, "user_name"));
	} else if ((rec = json_object_get(item, "task"))) {
		buf_adds(&what, cli_str(rec, "type"));
		json_object_set(row, "subject", json_object_get(rec, "title"));
		json_object_set(row, "by", json_object_get(rec, "assignee_name"));
	} else if ((rec = json_object_get(item, "stage_change"))) {
		if (json_is_string(json_object_get(rec, "from_stage")))
			buf_addf(&what, "%s -> ", cli_str(rec, "from_stage"));
		buf_adds(&what, cli_str(rec, "to_stage"));
		json_object_set(row, "subject", json_object_get(rec, "deal_title"));
		json_object_set(row, "by", json_object_get(rec, "user_name"));
	}
	json_object_set_new(row, "what", json_string(buf_failed(&what) ? type : buf_str(&what)));
	buf_free(&what);
	return row;
}

/* What a timeline page is read for. */
typedef struct TimelineQuery {
	const char *entity; /* contact, company or deal */
	int64_t id;
	int limit;
} TimelineQuery;

static int fetch_page(Cli *cli, void *query, const char *cursor, json_t **items, char **next,
		      Err *err)
{
	TimelineQuery *q = query;
	return timeline_get(cli->db, &cli->actor, q->entity, q->id, q->limit, cursor, items, next,
			    err);
}

int timeline_cli(Cli *cli)
{
	Err err = {0};
	TimelineQuery q = {0};
	char last[21];
	const char *entity = cli_arg(cli);
	const char *id_arg = cli_arg(cli);
	const char *limit_s = cli_opt(cli, "--limit"), *cursor = cli_opt(cli, "--cursor");
	int all = cli_flag(cli, "--all");
	if (!entity || (strcmp(entity, "contact") != 0 && strcmp(entity, "company") != 0 &&
			strcmp(entity, "deal") != 0))
		return cli_usage_fail(cli, "give contact ID, company ID or deal ID");
	q.entity = entity;
	int rc = cli_id_or_fail(cli, id_arg, "ID", &q.id);
	if (rc || (rc = cli_limit_or_fail(cli, limit_s, &q.limit)) ||
	    (rc = cli_finish_or_fail(cli)))
		return rc;
	if (activity_last_touch(cli->db, &cli->actor, entity, q.id, last, &err))
		return cli_fail(cli, &err);
	/* --json: the page and the last touch in one object */
	json_t *extra = json_pack("{ss?}", "last_contacted_at", last[0] ? last : NULL);
	rc = cli_list_op_extra(cli, all, cursor, fetch_page, &q, timeline_row, NULL, tl_keys,
			       tl_heads, extra);
	json_decref(extra);
	if (rc || cli->json)
		return rc;
	cli_local_time(cli, last[0] ? last : "never", last);
	fprintf(cli->out, "last contacted: %s\n", last);
	return EXIT_OK;
}
