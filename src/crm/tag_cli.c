/* tag_cli.c - kith tag list: the tags contacts and companies share, with
 * how many live records use each. Depends on cli/, crm/tag.h. */
#include "cli/cli.h"
#include "crm/tag.h"

static const char *const tag_keys[] = {"id", "name", "contacts", "companies", NULL};
static const char *const tag_heads[] = {"ID", "NAME", "CONTACTS", "COMPANIES", NULL};

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
