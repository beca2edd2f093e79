/* workspace_cli.c - kith workspace show|set, and the CLI's zone hook
 * (workspace_cli.h). Depends on cli/cli.h, core/workspace.h. */
#include <errno.h>
#include <stdlib.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "core/workspace.h"
#include "core/workspace_cli.h"

int workspace_cli_show(Cli *cli)
{
	Err err = {0};
	Workspace w;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (workspace_get(cli->db, &w, &err))
		return cli_fail(cli, &err);
	json_t *o = json_pack("{ss ss ss ss si si si}", "name", w.name, "default_country",
			      w.default_country, "currency", w.currency, "timezone", w.timezone,
			      "touch_limit", w.touch_limit, "touch_window_days",
			      w.touch_window_days, "birthday_lead_days", w.birthday_lead_days);
	if (cli->json)
		cli_print_json(cli, o);
	else
		cli_print_record(cli, o, NULL);
	json_decref(o);
	return EXIT_OK;
}

/* A whole-number option s (NULL = absent: *v = -1, unchanged) into *v;
 * anything else than 0..KITH_MAX_SETTING is rejected naming field (the
 * domain checks each setting's own range). */
static int read_count(Cli *cli, const char *s, const char *field, int *v)
{
	char *end;
	*v = -1;
	if (!s)
		return 0;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (!*s || *end || errno || n < 0 || n > KITH_MAX_SETTING)
		return cli_reject(cli, field, "must be a whole number");
	*v = (int)n;
	return 0;
}

int workspace_cli_set(Cli *cli)
{
	Err err = {0};
	WorkspaceReminders r;
	const char *name = cli_opt(cli, "--name"), *country = cli_opt(cli, "--country");
	const char *currency = cli_opt(cli, "--currency"), *tz = cli_opt(cli, "--timezone");
	const char *limit = cli_opt(cli, "--touch-limit"), *window = cli_opt(cli, "--touch-window");
	const char *lead = cli_opt(cli, "--birthday-lead");
	int rc;
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if ((rc = read_count(cli, limit, "touch_limit", &r.touch_limit)) ||
	    (rc = read_count(cli, window, "touch_window_days", &r.touch_window_days)) ||
	    (rc = read_count(cli, lead, "birthday_lead_days", &r.birthday_lead_days)))
		return rc;
	if (workspace_update(cli->db, &cli->actor, name, country, currency, tz,
			     limit || window || lead ? &r : NULL, &err))
		return cli_fail(cli, &err);
	return workspace_cli_show(cli);
}

int workspace_cli_zone(Db *db, char *zone, size_t size, Err *err)
{
	Workspace w;
	int rc = workspace_get(db, &w, err);
	if (rc == KITH_OK)
		snprintf(zone, size, "%s", w.timezone);
	return rc;
}
