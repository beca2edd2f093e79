/* token_cli.c - kith token create|list|revoke. */
#include "cli/cli.h"
#include "core/token.h"

static const char *const token_keys[] = {"id",         "user_email",   "name",   "prefix",
					 "created_at", "last_used_at", "revoked", NULL};
static const char *const token_heads[] = {"ID",      "USER",      "NAME",    "PREFIX",
					  "CREATED", "LAST USED", "REVOKED", NULL};

int token_cli_create(Cli *cli)
{
	Err err = {0};
	char secret[TOKEN_SECRET_LEN + 1];
	int64_t id = 0;
	const char *user = cli_opt(cli, "--user"), *name = cli_opt(cli, "--name");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!user)
		return cli_usage_fail(cli, "--user: missing");
	if (token_create(cli->db, &cli->actor, user, name, secret, &id, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		json_t *o = json_pack("{sI ss}", "id", (json_int_t)id, "token", secret);
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "%s\n", secret);
		if (!cli->quiet)
			fprintf(stderr, "token %lld created; it is shown only this once\n",
				(long long)id);
	}
	return EXIT_OK;
}

int token_cli_list(Cli *cli)
{
	Err err = {0};
	json_t *list = NULL;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (token_list(cli->db, &cli->actor, &list, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, list);
	else
		cli_print_table(cli, list, token_keys, token_heads);
	json_decref(list);
	return EXIT_OK;
}

int token_cli_revoke(Cli *cli)
{
	Err err = {0};
	int64_t id;
	if (cli_id_or_fail(cli, cli_arg(cli), "ID", &id) || cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (token_revoke(cli->db, &cli->actor, id, &err))
		return cli_fail(cli, &err);
	fprintf(cli->out, "token %lld revoked\n", (long long)id);
	return EXIT_OK;
}
