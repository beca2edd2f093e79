/* workspace_cli.c - kith workspace show|set. */
#include "cli/cli.h"
#include "crm/workspace.h"

int workspace_cli_show(Cli *cli)
{
	Err err = {0};
	Workspace w;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (workspace_get(cli->db, &w, &err))
		return cli_fail(cli, &err);
	json_t *o = json_pack("{ss ss ss ss}", "name", w.name, "default_country",
			      w.default_country, "currency", w.currency, "timezone", w.timezone);
	if (cli->json)
		cli_print_json(cli, o);
	else
		cli_print_record(cli, o, NULL);
	json_decref(o);
	return EXIT_OK;
}

int workspace_cli_set(Cli *cli)
{
	Err err = {0};
	const char *name = cli_opt(cli, "--name"), *country = cli_opt(cli, "--country");
	const char *currency = cli_opt(cli, "--currency"), *tz = cli_opt(cli, "--timezone");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (workspace_set(cli->db, &cli->actor, name, country, currency, tz, &err))
		return cli_fail(cli, &err);
	return workspace_cli_show(cli);
}
