/* user_cli.c - kith user add|list|passwd|disable|enable, and the user
 * helpers of user_cli.h (the CLI's acting user, names, --owner). Depends
 * on cli/cli.h, core/user.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "core/user.h"
#include "core/user_cli.h"

static const char *const user_keys[] = {"id", "email", "name", "role", "state", "created_at", NULL};
static const char *const user_heads[] = {"ID", "EMAIL", "NAME", "ROLE", "STATE", "CREATED", NULL};
/* A member sees only whom they may assign and share with (user_list). */
static const char *const brief_keys[] = {"id", "email", "name", NULL};
static const char *const brief_heads[] = {"ID", "EMAIL", "NAME", NULL};

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
	if (cli->json) {
		cli_print_json(cli, list);
	} else if (json_array_size(list) && !json_object_get(json_array_get(list, 0), "role")) {
		cli_print_table(cli, list, brief_keys, brief_heads);
	} else {
		json_t *u;
		size_t i;
		json_array_foreach(list, i, u)
		{
			json_t *at = json_object_get(u, "disabled_at");
			Buf state;
			buf_init(&state, 0);
			if (json_is_string(at))
				buf_addf(&state, "disabled since %s", json_string_value(at));
			else
				buf_adds(&state, "active");
			json_object_set_new(u, "state", json_string(buf_str(&state)));
			buf_free(&state);
		}
		cli_print_table(cli, list, user_keys, user_heads);
	}
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

/* user disable|enable EMAIL. */
static int set_disabled(Cli *cli, int disabled)
{
	Err err = {0};
	int64_t id = 0;
	int changed = 0;
	const char *email = cli_arg(cli);
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (!email)
		return cli_usage_fail(cli, "EMAIL: missing");
	if (user_id_by_email(cli->db, email, &id, &err) ||
	    user_set_disabled(cli->db, &cli->actor, id, disabled, &changed, &err)) {
		if (!strcmp(err.field, "id") || !strcmp(err.field, "email"))
			snprintf(err.field, sizeof err.field, "EMAIL");
		return cli_fail(cli, &err);
	}
	if (cli->json) {
		json_t *u = NULL;
		if (user_get(cli->db, id, &u, &err))
			return cli_fail(cli, &err);
		cli_print_json(cli, u);
		json_decref(u);
	} else if (!changed) {
		fprintf(cli->out, "user %s is %s already\n", email,
			disabled ? "disabled" : "active");
	} else if (disabled) {
		fprintf(cli->out,
			"user %s disabled: their tokens no longer work; their records and history "
			"stay (kith reassign hands the records to someone else)\n",
			email);
	} else {
		fprintf(cli->out, "user %s enabled\n", email);
	}
	return EXIT_OK;
}

int user_cli_disable(Cli *cli)
{
	return set_disabled(cli, 1);
}

int user_cli_enable(Cli *cli)
{
	return set_disabled(cli, 0);
}

int user_cli_actor(Db *db, const char *email, Actor *out, Err *err)
{
	json_t *users = NULL, *u, *owner = NULL;
	size_t i, n_users = 0, n_owners = 0;
	const Actor system = ACTOR_SYSTEM;
	if (email)
		return user_actor_by_email(db, email, out, err);
	int rc = user_list(db, &system, &users, err);
	if (rc)
		return rc;
	json_array_foreach(users, i, u)
	{
		if (json_is_true(json_object_get(u, "disabled")))
			continue;
		n_users++;
		if (strcmp(cli_str(u, "role"), "owner") == 0 && n_owners++ == 0)
			owner = u;
	}
	if (n_owners == 1)
		rc = user_actor_by_email(db, cli_str(owner, "email"), out, err);
	else if (n_users > 0)
		rc = err_set(err, ERR_INVALID, "as",
			     "the workspace has %zu owners, so kith cannot tell who you are: give "
			     "--as EMAIL or set KITH_USER=EMAIL",
			     n_owners);
	json_decref(users);
	return rc;
}

void user_cli_text(Cli *cli, const json_t *user_id, Buf *b)
{
	json_t *user = NULL;
	Err err = {0};
	if (json_is_integer(user_id) &&
	    user_get(cli->db, json_integer_value(user_id), &user, &err) == KITH_OK)
		buf_addf(b, "%s <%s>", cli_str(user, "name"), cli_str(user, "email"));
	json_decref(user);
}

int user_cli_owner_or_fail(Cli *cli, const char *email, int64_t *id)
{
	Err err = {0};
	Actor a;
	if (user_actor_by_email(cli->db, email, &a, &err)) {
		snprintf(err.field, sizeof err.field, "owner");
		return cli_fail(cli, &err);
	}
	*id = a.user_id;
	return 0;
}
