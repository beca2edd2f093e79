/* dispatch.c - cli_main: global options, command lookup, database opening,
 * the acting user (through the actor hook), and `kith help`. Depends on
 * cli.h, store/. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/migrate.h"

#define KITH_VERSION "0.1.0"

/* Set once by hooks_install() before cli_main runs, read-only afterwards:
 * what the CLI asks of core/ without including it (cli.h). */
static const CliHooks *hooks;

void cli_set_hooks(const CliHooks *h)
{
	hooks = h;
}

static const CliCommand *find(const char *noun, const char *verb, int *noun_known)
{
	int n;
	const CliCommand *c = cli_commands(&n);
	*noun_known = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(c[i].noun, noun) != 0)
			continue;
		*noun_known = 1;
		if (verb && strcmp(c[i].verb, verb) == 0)
			return &c[i];
	}
	for (int i = 0; i < n; i++)
		if (strcmp(c[i].noun, noun) == 0 && c[i].verb[0] == '\0')
			return &c[i];
	return NULL;
}

static void list_commands(FILE *f, const char *noun)
{
	int n;
	const CliCommand *c = cli_commands(&n);
	for (int i = 0; i < n; i++) {
		if (c[i].summary[0] == '\0')
			continue; /* hidden test-* commands */
		if (noun && strcmp(noun, c[i].noun) != 0)
			continue;
		char name[64];
		snprintf(name, sizeof name, "%s%s%s", c[i].noun, *c[i].verb ? " " : "", c[i].verb);
		fprintf(f, "  %-20s %s\n", name, c[i].summary);
	}
}

static void print_help(FILE *f)
{
	fputs("kith - a CRM for freelancers and small businesses: one binary, one database file.\n\n"
	      "usage: kith [--db PATH] <command> [arguments] [--json] [--as EMAIL]\n\n"
	      "Commands:\n",
	      f);
	list_commands(f, NULL);
	fputs("\nGlobal options:\n"
	      "  --db PATH     database file (default: $KITH_DB, else ./kith.db)\n"
	      "  --as EMAIL    act as this user (default: $KITH_USER, else the workspace's one\n"
	      "                owner; the local system while there are no users)\n"
	      "  --json        print JSON instead of tables\n"
	      "  --help        help for a command: kith contact add --help\n"
	      "\nExit codes: 0 ok, 1 usage, 2 input rejected or not found, 3 internal/storage.\n",
	      f);
}

int cli_help(Cli *cli)
{
	const char *topic = cli_arg(cli);
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!topic) {
		print_help(cli->out);
		return EXIT_OK;
	}
	int known;
	find(topic, "", &known);
	if (!known)
		return cli_usage_fail(cli, "no command '%s'; see 'kith help'", topic);
	fprintf(cli->out, "kith %s commands:\n", topic);
	list_commands(cli->out, topic);
	return EXIT_OK;
}

int cli_version(Cli *cli)
{
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	fprintf(cli->out, "kith %s (schema %d)\n", KITH_VERSION, migrate_latest());
	return EXIT_OK;
}

/* Open the database for cmd and pick the actor (the actor hook): --as
 * EMAIL, else KITH_USER, else the default (the workspace's one owner).
 * Commands flagged CLI_DB_SYS (serve) or CLI_DB_ANY (backup, db check:
 * any schema version) act as the local system unless --as is given. Returns an exit code. */
static int open_db(Cli *cli, const char *as)
{
	Err err = {0};
	int raw = cli->cmd->flags == CLI_DB_RAW;
	if (!raw && db_target_is_file(cli->db_path) && access(cli->db_path, F_OK) != 0) {
		err_set(&err, ERR_NOT_FOUND, "db",
			"no database at %s; create one with 'kith init' (kith --db PATH init "
			"for another file), or point --db or KITH_DB at an existing one",
			cli->db_path);
		return cli_fail(cli, &err);
	}
	int rc = db_open(&cli->db, cli->db_path, raw, &err);
	if (rc == KITH_OK && !raw && cli->cmd->flags != CLI_DB_ANY)
		rc = migrate_require_current(cli->db, &err);
	if (rc)
		return cli_fail(cli, &err);
	const char *env = getenv("KITH_USER");
	const char *who = as ? as : env && *env && cli->cmd->flags == CLI_DB ? env : NULL;
	if ((who || cli->cmd->flags == CLI_DB) && (!cli->hooks || !cli->hooks->actor))
		rc = err_set(&err, ERR_INTERNAL, NULL, "no user lookup: hooks_install() sets it");
	else if (who && (rc = cli->hooks->actor(cli->db, who, &cli->actor, &err)))
		snprintf(err.field, sizeof err.field, "%s", as ? "as" : "KITH_USER");
	else if (!who && cli->cmd->flags == CLI_DB)
		rc = cli->hooks->actor(cli->db, NULL, &cli->actor, &err);
	return rc ? cli_fail(cli, &err) : EXIT_OK;
}

static int run(Cli *cli, const char *as, int help)
{
	if (help) {
		fprintf(cli->out, "usage: kith %s%s%s %s\n\n%s\n\nGlobal options: --db PATH, --as "
				  "EMAIL, --json, --help\n",
			cli->cmd->noun, *cli->cmd->verb ? " " : "", cli->cmd->verb,
			cli->cmd->usage ? cli->cmd->usage : "", cli->cmd->summary);
		return EXIT_OK;
	}
	if (cli->cmd->flags != CLI_NODB) {
		int rc = open_db(cli, as);
		if (rc)
			return rc;
	}
	return cli->cmd->fn(cli);
}

int cli_main(int argc, char **argv)
{
	Cli cli = {
	    .out = stdout, .hooks = hooks, .actor = ACTOR_SYSTEM, .quiet = !isatty(STDOUT_FILENO)};
	int i = 1, known = 0, rc;
	const char *noun = NULL, *verb = NULL;
	/* Leading global options, then noun [verb]; the rest goes to the handler. */
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	int n_rest = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		rest[n_rest++] = argv[i];
		if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--as") == 0) && i + 1 < argc)
			rest[n_rest++] = argv[++i];
	}
	if (i < argc)
		noun = argv[i++];
	if (i < argc)
		verb = argv[i];
	const CliCommand *cmd = noun ? find(noun, verb, &known) : NULL;
	if (cmd && cmd->verb[0])
		i++;
	for (; i < argc; i++)
		rest[n_rest++] = argv[i];
	cli.argc = n_rest;
	cli.argv = rest;
	cli.used = calloc((size_t)n_rest + 1, 1);
	cli.cmd = cmd;
	const char *db = cli_opt(&cli, "--db");
	const char *as = cli_opt(&cli, "--as");
	cli.json = cli_flag(&cli, "--json");
	int help = cli_flag(&cli, "--help") | cli_flag(&cli, "-h");
	cli.db_path = db ? db : getenv("KITH_DB") ? getenv("KITH_DB") : "kith.db";
	if (!noun && cli_flag(&cli, "--version")) {
		rc = cli_version(&cli);
	} else if (!noun) {
		print_help(help ? stdout : stderr);
		rc = help ? EXIT_OK : EXIT_USAGE;
	} else if (!cmd) {
		fprintf(stderr, known ? "kith: '%s' has no command '%s'; try:\n"
				      : "kith: unknown command '%s'%s; see 'kith help'\n",
			noun, known ? (verb ? verb : "") : "");
		if (known)
			list_commands(stderr, noun);
		rc = EXIT_USAGE;
	} else {
		rc = run(&cli, as, help);
	}
	db_close(cli.db);
	free(cli.used);
	free(rest);
	return rc;
}
