/* reassign_cli.c - kith reassign --from EMAIL --to EMAIL. */
#include "cli/cli.h"
#include "views/reassign.h"

int reassign_cli(Cli *cli)
{
	Err err = {0};
	json_t *summary = NULL;
	const char *from = cli_opt(cli, "--from"), *to = cli_opt(cli, "--to");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!from)
		return cli_usage_fail(cli, "--from: missing");
	if (!to)
		return cli_usage_fail(cli, "--to: missing");
	if (reassign_all(cli->db, &cli->actor, from, to, &summary, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, summary);
	else
		fprintf(cli->out,
			"reassigned from %s to %s: %lld contacts, %lld companies, %lld deals, "
			"%lld open tasks\n",
			from, to, (long long)json_integer_value(json_object_get(summary, "contacts")),
			(long long)json_integer_value(json_object_get(summary, "companies")),
			(long long)json_integer_value(json_object_get(summary, "deals")),
			(long long)json_integer_value(json_object_get(summary, "tasks")));
	json_decref(summary);
	return EXIT_OK;
}
