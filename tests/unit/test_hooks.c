/* test_hooks.c - the hooks through which cli/ and http/ reach core/
 * without including it (src/hooks.c, cli.h CliHooks, server.h
 * ServerHooks): tables show instants in the zone the hook gives, the
 * actor hook picks the workspace's one owner, and without hooks the CLI
 * and the server fail closed (no command silently acts as the all-seeing
 * system, no server runs without a token check). Each Test runs in its own
 * process, so hooks one installs never reach another. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/user_cli.h"
#include "core/workspace_cli.h"
#include "fixture.h"
#include "hooks.h"
#include "http/server.h"

static Fixture f;

static void setup(void)
{
	Err err = {0};
	static const Actor sys = ACTOR_SYSTEM;
	fixture_open(&f, NULL);
	cr_assert_eq(workspace_set(f.db, &sys, NULL, NULL, NULL, "Asia/Bangkok", &err), KITH_OK,
		     "%s", err.msg);
}

static void teardown(void)
{
	fixture_close(&f);
}

TestSuite(hooks, .init = setup, .fini = teardown);

/* What cli_print_table prints of one row {"at": at} with hooks h. */
static char *table_of(const CliHooks *h, const char *at)
{
	static const char *const keys[] = {"at", NULL}, *const heads[] = {"AT", NULL};
	char *out = NULL;
	size_t len = 0;
	Cli cli = {.db = f.db, .hooks = h, .actor = ACTOR_SYSTEM};
	cli.out = open_memstream(&out, &len);
	cr_assert_not_null(cli.out);
	json_t *rows = json_pack("[{ss}]", "at", at);
	cli_print_table(&cli, rows, keys, heads);
	json_decref(rows);
	fclose(cli.out);
	return out;
}

Test(hooks, tables_show_instants_in_the_zone_the_hook_gives)
{
	const CliHooks zone = {.zone = workspace_cli_zone};
	char *got = table_of(&zone, "2026-12-03T07:00:00Z");
	cr_assert(strstr(got, "2026-12-03 14:00") && !strstr(got, "07:00"), "Bangkok: %s", got);
	free(got);
	got = table_of(NULL, "2026-12-03T07:00:00Z");
	cr_assert(strstr(got, "2026-12-03T07:00:00Z"), "no hook: as stored: %s", got);
	free(got);
}

Test(hooks, the_zone_hook_reads_the_workspace)
{
	char zone[8]; /* too small for "Asia/Bangkok": cut, still terminated */
	char full[64];
	Err err = {0};
	cr_assert_eq(workspace_cli_zone(f.db, full, sizeof full, &err), KITH_OK, "%s", err.msg);
	cr_assert_str_eq(full, "Asia/Bangkok");
	cr_assert_eq(workspace_cli_zone(f.db, zone, sizeof zone, &err), KITH_OK, "%s", err.msg);
	cr_assert_str_eq(zone, "Asia/Ba");
}

Test(hooks, the_actor_hook_is_the_system_then_the_one_owner_then_asks)
{
	Err err = {0};
	Actor a = ACTOR_SYSTEM;
	cr_assert_eq(user_cli_actor(f.db, NULL, &a, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(a.user_id, 0, "no user yet: the system");
	Actor owner = fixture_user(&f, "owner@example.com", "owner");
	fixture_user(&f, "member@example.com", "member");
	cr_assert_eq(user_cli_actor(f.db, NULL, &a, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(a.user_id, owner.user_id, "the one owner");
	cr_assert_eq(user_cli_actor(f.db, "MEMBER@example.com", &a, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(a.role, ROLE_MEMBER, "--as names the user");
	fixture_user(&f, "second@example.com", "owner");
	cr_assert_eq(user_cli_actor(f.db, NULL, &a, &err), ERR_INVALID);
	cr_assert_str_eq(err.field, "as");
	cr_assert_eq(user_cli_actor(f.db, "nobody@example.com", &a, &err), ERR_NOT_FOUND);
}

/* cli_main for `kith --db PATH contact list --json`, stdout to /dev/null. */
static int run_contact_list(void)
{
	char *argv[] = {"kith", "--db", f.path, "contact", "list", "--json", NULL};
	fflush(stdout);
	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	cr_assert(saved >= 0 && null >= 0);
	dup2(null, STDOUT_FILENO);
	int rc = cli_main(6, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(null);
	return rc;
}

Test(hooks, without_hooks_the_cli_refuses_to_guess_who_acts)
{
	cr_assert_eq(run_contact_list(), EXIT_INTERNAL);
	hooks_install();
	cr_assert_eq(run_contact_list(), EXIT_OK);
}

Test(hooks, without_hooks_no_server_starts)
{
	ServerConfig cfg = {.db_path = f.path, .threads = 1};
	char host[64];
	Err err = {0};
	Server *srv = NULL;
	cr_assert_eq(server_parse_listen("127.0.0.1:0", &cfg, host, sizeof host, &err), KITH_OK);
	cr_assert_eq(server_start(&srv, &cfg, &err), ERR_INTERNAL);
	cr_assert_null(srv);
	cr_assert(strstr(err.msg, "hooks_install"), "%s", err.msg);
}
