/* pipeline_cli.c - kith pipeline list|show|add|rename|stage-add|stage-edit|
 * stage-rm: turns options into the JSON objects pipeline.h takes and prints
 * the results as text or JSON. No rules live here: every check is made by
 * pipeline.c. Depends on cli/, crm/pipeline. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "crm/pipeline.h"

static const char *const stage_keys[] = {"id", "position", "name", "probability", "kind", NULL};
static const char *const stage_heads[] = {"ID", "POS", "NAME", "PROB %", "KIND", NULL};

/* A whole decimal integer option value into *v; else rejects naming field. */
static int int_or_fail(Cli *cli, const char *s, const char *field, long long *v)
{
	char *end;
	errno = 0;
	*v = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || errno)
		return cli_reject(cli, field, "must be a whole number");
	return 0;
}

static void print_pipeline(Cli *cli, const json_t *p)
{
	static const char *const keys[] = {"id", "name", "version", "updated_at", NULL};
	if (cli->json) {
		cli_print_json(cli, p);
		return;
	}
	cli_print_record(cli, p, keys);
	fprintf(cli->out, "stages:\n");
	cli_print_table(cli, json_object_get(p, "stages"), stage_keys, stage_heads);
}

int pipeline_cli_list(Cli *cli)
{
	static const char *const keys[] = {"id", "name", "stages", NULL};
	static const char *const heads[] = {"ID", "NAME", "STAGES", NULL};
	Err err = {0};
	json_t *all = NULL, *p, *s;
	size_t i, j;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (pipeline_list(cli->db, &all, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		cli_print_json(cli, all);
		json_decref(all);
		return EXIT_OK;
	}
	json_t *rows = json_array();
	json_array_foreach(all, i, p)
	{
		Buf b;
		buf_init(&b, 0);
		json_array_foreach(json_object_get(p, "stages"), j, s)
			buf_addf(&b, "%s%s %lld%%", j ? ", " : "", cli_str(s, "name"),
				 (long long)json_integer_value(json_object_get(s, "probability")));
		json_array_append_new(rows, json_pack("{sOsOss}", "id", json_object_get(p, "id"),
						      "name", json_object_get(p, "name"), "stages",
						      buf_str(&b)));
		buf_free(&b);
	}
	cli_print_table(cli, rows, keys, heads);
	json_decref(rows);
	json_decref(all);
	return EXIT_OK;
}

int pipeline_cli_show(Cli *cli)
{
	Err err = {0};
	json_t *p = NULL;
	int64_t id;
	if (cli_id_or_fail(cli, cli_arg(cli), "id", &id) || cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (pipeline_get(cli->db, id, &p, &err))
		return cli_fail(cli, &err);
	print_pipeline(cli, p);
	json_decref(p);
	return EXIT_OK;
}

/* "NAME:PROB[:open|won|lost]" into a stage object appended to stages. */
static int stage_spec(Cli *cli, const char *spec, json_t *stages)
{
	char buf[512];
	long long prob;
	snprintf(buf, sizeof buf, "%s", spec);
	char *colon = strrchr(buf, ':');
	const char *kind = NULL;
	if (colon && stage_kind_parse(colon + 1)) {
		kind = colon + 1;
		*colon = 0;
		colon = strrchr(buf, ':');
	}
	if (!colon || colon == buf)
		return cli_usage_fail(cli, "--stage: expected NAME:PROBABILITY[:open|won|lost], got %s",
				      spec);
	*colon = 0;
	if (int_or_fail(cli, colon + 1, "probability", &prob))
		return EXIT_REJECTED;
	json_t *s = json_pack("{sI}", "probability", (json_int_t)prob);
	json_array_append_new(stages, s);
	if (kind)
		json_object_set_new(s, "kind", json_string(kind));
	return cli_put_str(cli, s, "name", buf);
}

int pipeline_cli_add(Cli *cli)
{
	Err err = {0};
	json_t *in = json_object(), *stages = json_array(), *p = NULL;
	const char *name = cli_opt(cli, "--name"), *spec;
	int64_t id = 0;
	int rc = 0;
	json_object_set_new(in, "stages", stages);
	while (rc == 0 && (spec = cli_opt(cli, "--stage")))
		rc = stage_spec(cli, spec, stages);
	if (rc || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (!name) {
		rc = cli_usage_fail(cli, "--name: missing");
		goto done;
	}
	if ((rc = cli_put_str(cli, in, "name", name)))
		goto done;
	if (pipeline_create(cli->db, &cli->actor, in, &id, &err) ||
	    pipeline_get(cli->db, id, &p, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, p);
	else
		fprintf(cli->out, "added pipeline #%lld %s\n", (long long)id, cli_str(p, "name"));
done:
	json_decref(in);
	json_decref(p);
	return rc;
}

int pipeline_cli_rename(Cli *cli)
{
	Err err = {0};
	json_t *in = json_object(), *p = NULL;
	int64_t id;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "id", &id);
	const char *name = rc ? NULL : cli_arg(cli);
	if (rc || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (!name) {
		rc = cli_usage_fail(cli, "NAME: missing");
		goto done;
	}
	if ((rc = cli_put_str(cli, in, "name", name)))
		goto done;
	if (pipeline_update(cli->db, &cli->actor, id, in, 0, &p, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	print_pipeline(cli, p);
done:
	json_decref(in);
	json_decref(p);
	return rc;
}

/* --name, --probability, --kind, --position into in. */
static int stage_opts(Cli *cli, json_t *in)
{
	const char *name = cli_opt(cli, "--name"), *prob = cli_opt(cli, "--probability");
	const char *kind = cli_opt(cli, "--kind"), *pos = cli_opt(cli, "--position");
	long long v;
	int rc = 0;
	if (name)
		rc = cli_put_str(cli, in, "name", name);
	if (rc == 0 && prob && (rc = int_or_fail(cli, prob, "probability", &v)) == 0)
		json_object_set_new(in, "probability", json_integer(v));
	if (rc == 0 && kind)
		rc = cli_put_str(cli, in, "kind", kind);
	if (rc == 0 && pos && (rc = int_or_fail(cli, pos, "position", &v)) == 0)
		json_object_set_new(in, "position", json_integer(v));
	return rc;
}

int pipeline_cli_stage_add(Cli *cli)
{
	Err err = {0};
	json_t *in = json_object(), *p = NULL;
	int64_t id, stage_id = 0;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "id", &id);
	if (rc || (rc = stage_opts(cli, in)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (!json_object_get(in, "name") || !json_object_get(in, "probability")) {
		rc = cli_usage_fail(cli, "--name and --probability are required");
		goto done;
	}
	if (stage_add(cli->db, &cli->actor, id, in, &stage_id, &err) ||
	    pipeline_get(cli->db, id, &p, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, p);
	else
		fprintf(cli->out, "added stage #%lld to pipeline #%lld\n", (long long)stage_id,
			(long long)id);
done:
	json_decref(in);
	json_decref(p);
	return rc;
}

int pipeline_cli_stage_edit(Cli *cli)
{
	Err err = {0};
	json_t *in = json_object(), *p = NULL;
	int64_t id;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "stage_id", &id);
	if (rc || (rc = stage_opts(cli, in)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (json_object_size(in) == 0) {
		rc = cli_usage_fail(cli, "nothing to change");
		goto done;
	}
	if (stage_update(cli->db, &cli->actor, id, in, 0, &p, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	print_pipeline(cli, p);
done:
	json_decref(in);
	json_decref(p);
	return rc;
}

int pipeline_cli_stage_rm(Cli *cli)
{
	Err err = {0};
	int64_t id;
	if (cli_id_or_fail(cli, cli_arg(cli), "stage_id", &id) || cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (stage_remove(cli->db, &cli->actor, id, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		json_t *o = json_pack("{sIss}", "id", (json_int_t)id, "result", "removed");
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "stage #%lld removed\n", (long long)id);
	}
	return EXIT_OK;
}
