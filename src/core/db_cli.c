/* db_cli.c - kith init, db migrate, db check, backup. */
#include "core/db_cli.h"

#include "core/workspace.h"
#include "store/migrate.h"

int db_cli_init(Cli *cli)
{
	Err err = {0};
	int applied = 0;
	const char *name = cli_opt(cli, "--name"), *country = cli_opt(cli, "--country");
	const char *currency = cli_opt(cli, "--currency"), *tz = cli_opt(cli, "--timezone");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	char target[256];
	if (migrate_up(cli->db, &applied, &err) ||
	    workspace_init(cli->db, name, country, currency, tz, &err))
		return cli_fail(cli, &err);
	db_target_redact(cli->db_path, target, sizeof target);
	if (cli->json) {
		json_t *o = json_pack("{ss si si}", "db", target, "migrations_applied", applied,
				      "schema", migrate_latest());
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "kith: database %s ready (schema %d, %d migration%s applied)\n",
			target, migrate_latest(), applied, applied == 1 ? "" : "s");
	}
	return EXIT_OK;
}

int db_cli_migrate(Cli *cli)
{
	Err err = {0};
	int applied = 0;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (migrate_up(cli->db, &applied, &err))
		return cli_fail(cli, &err);
	fprintf(cli->out, "%d migration%s applied; schema %d\n", applied, applied == 1 ? "" : "s",
		migrate_latest());
	return EXIT_OK;
}

int db_cli_check(Cli *cli)
{
	Err err = {0};
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (db_check(cli->db, &err))
		return cli_fail(cli, &err);
	fprintf(cli->out, "ok\n");
	return EXIT_OK;
}

int db_cli_backup(Cli *cli)
{
	Err err = {0};
	const char *file = cli_arg(cli);
	if (!file)
		return cli_usage_fail(cli, "FILE: missing");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	char target[256];
	if (db_backup(cli->db, file, &err))
		return cli_fail(cli, &err);
	db_target_redact(cli->db_path, target, sizeof target);
	fprintf(cli->out, "backed up %s to %s\n", target, file);
	return EXIT_OK;
}
