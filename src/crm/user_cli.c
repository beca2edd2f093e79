/* user_cli.c - kith user add|list|passwd. */
#include <stdlib.h>

#include "cli/cli.h"
#include "crm/user.h"

static const char *const user_keys[] = {"id", "email", "name", "role", "created_at", NULL};
static const char *const user_heads[] = {"ID", "EMAIL", "NAME", "ROLE", "CREATED", NULL};

int user_cli_add(Cli *cli)
{
	Err err = {0};
	int64_t id = 0;
	const char *email = cli_opt(cli, "--email"), *name = cli_opt(cli, "--name");
	const char *role = cli_opt(cli, "--role");
	int from_stdin = cli_flag(cli, "--password-stdin");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!email)
		return cli_usage_fail(cli, "--email: missing");
	if (!name)
		return cli_usage_fail(cli, "--name: missing");
	char *pw = cli_read_password(cli, from_stdin, &err);
	if (!pw)
		return cli_fail(cli, &err);
	int rc = user_add(cli->db, &cli->actor, email, name, role ? role : "member", pw, &id, &err);
	free(pw);
	if (rc)
		return cli_fail(cli, &err);
	json_t *u = NULL;
	if (user_get(cli->db, id, &u, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, u);
	else
		fprintf(cli->out, "added user %lld <%s> (%s)\n", (long long)id,
			json_string_value(json_object_get(u, "email")),
			json_string_value(json_object_get(u, "role")));
	json_decref(u);
	return EXIT_OK;
}

int user_cli_list(Cli *cli)
{
	Err err = {0};
	json_t *list = NULL;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (user_list(cli->db, &cli->actor, &list, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, list);
	else
		cli_print_table(cli, list, user_keys, user_heads);
	json_decref(list);
	return EXIT_OK;
}

int user_cli_passwd(Cli *cli)
{
	Err err = {0};
	const char *email = cli_arg(cli);
	int from_stdin = cli_flag(cli, "--password-stdin");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!email)
		return cli_usage_fail(cli, "EMAIL: missing");
	char *pw = cli_read_password(cli, from_stdin, &err);
	if (!pw)
		return cli_fail(cli, &err);
	int rc = user_passwd(cli->db, &cli->actor, email, pw, &err);
	free(pw);
	if (rc)
		return cli_fail(cli, &err);
	fprintf(cli->out, "password changed for %s\n", email);
	return EXIT_OK;
}
