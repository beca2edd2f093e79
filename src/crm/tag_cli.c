/* tag_cli.c - kith tag list: the tags contacts and companies share, with
 * how many live records use each; kith tag cadence: a tag's cadence.
 * Depends on cli/, crm/{tag,cadence}.h. */
#include "cli/cli.h"
#include "crm/cadence.h"
#include "crm/tag.h"

static const char *const tag_keys[] = {"id", "name", "contacts", "companies", "cadence_days", NULL};
static const char *const tag_heads[] = {"ID", "NAME", "CONTACTS", "COMPANIES", "CADENCE", NULL};

int tag_cli_list(Cli *cli)
{
	Err err = {0};
	json_t *tags = NULL;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (tag_list(cli->db, &cli->actor, &tags, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, tags);
	else
		cli_print_table(cli, tags, tag_keys, tag_heads);
	json_decref(tags);
	return EXIT_OK;
}

int tag_cli_cadence(Cli *cli)
{
	static const char *const keys[] = {"id", "name", "cadence_days", NULL};
	Err err = {0};
	json_t *out = NULL;
	int64_t id = 0, days = 0;
	const char *name = cli_arg(cli), *value = cli_arg(cli);
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!name || !value)
		return cli_usage_fail(cli, "give a tag NAME and DAYS (or none)");
	if (cadence_days_parse(value, "cadence_days", &days, &err) ||
	    tag_find(cli->db, name, &id, &err))
		return cli_fail(cli, &err);
	if (!id)
		return cli_reject(cli, "name", "no such tag");
	if (tag_set_cadence(cli->db, &cli->actor, id, days, &out, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, out);
	else
		cli_print_record(cli, out, keys);
	json_decref(out);
	return EXIT_OK;
}
