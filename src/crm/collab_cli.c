/* collab_cli.c - `kith {contact,company,deal} share|unshare ID --with EMAIL`
 * and `kith {contact,company,deal} collaborators ID`. Parses arguments,
 * calls one collab.h function, prints. No rules live here. Depends on
 * cli/cli.h, core/user, crm/collab. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "crm/collab.h"
#include "core/user.h"

static const char *const keys[] = {"user_id", "email", "name", "role", "added_at", NULL};
static const char *const heads[] = {"USER", "EMAIL", "NAME", "ROLE", "SHARED AT", NULL};

/* ID and --with EMAIL, resolved to the user's id: an active user (sharing)
 * or any (unsharing, so a disabled user's shares can be removed). */
static int share_args(Cli *cli, int any, int64_t *id, int64_t *user_id, const char **email)
{
	Err err = {0};
	Actor u;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", id);
	*email = cli_opt(cli, "--with");
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (!*email)
		return cli_usage_fail(cli, "--with: missing (the email of the user)");
	if (any ? user_id_by_email(cli->db, *email, &u.user_id, &err)
		: user_actor_by_email(cli->db, *email, &u, &err)) {
		snprintf(err.field, sizeof err.field, "with");
		return cli_fail(cli, &err);
	}
	*user_id = u.user_id;
	return EXIT_OK;
}

static void print_result(Cli *cli, RecordKind kind, int64_t id, const char *email,
			 const char *result)
{
	if (cli->json) {
		json_t *o =
		    json_pack("{sI ss ss}", "id", (json_int_t)id, "with", email, "result", result);
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "%s #%lld %s %s\n", record_kind_name(kind), (long long)id, result,
			email);
	}
}

static int share(Cli *cli, RecordKind kind)
{
	Err err = {0};
	int64_t id, user_id;
	const char *email;
	int added = 0, rc = share_args(cli, 0, &id, &user_id, &email);
	if (rc)
		return rc;
	if (collab_add(cli->db, &cli->actor, kind, id, user_id, &added, &err))
		return cli_fail(cli, &err);
	print_result(cli, kind, id, email, added ? "shared with" : "already shared with");
	return EXIT_OK;
}

static int unshare(Cli *cli, RecordKind kind)
{
	Err err = {0};
	int64_t id, user_id;
	const char *email;
	int rc = share_args(cli, 1, &id, &user_id, &email);
	if (rc)
		return rc;
	if (collab_remove(cli->db, &cli->actor, kind, id, user_id, &err)) {
		if (!strcmp(err.field, "user_id"))
			snprintf(err.field, sizeof err.field, "with");
		return cli_fail(cli, &err);
	}
	print_result(cli, kind, id, email, "no longer shared with");
	return EXIT_OK;
}

static int collaborators(Cli *cli, RecordKind kind)
{
	Err err = {0};
	int64_t id;
	json_t *list = NULL;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (collab_list(cli->db, &cli->actor, kind, id, &list, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, list);
	else if (json_array_size(list) == 0)
		fprintf(cli->out, "%s #%lld is not shared with anyone\n", record_kind_name(kind),
			(long long)id);
	else
		cli_print_table(cli, list, keys, heads);
	json_decref(list);
	return EXIT_OK;
}

int collab_cli_contact_share(Cli *cli)
{
	return share(cli, RECORD_CONTACT);
}

int collab_cli_contact_unshare(Cli *cli)
{
	return unshare(cli, RECORD_CONTACT);
}

int collab_cli_contact_list(Cli *cli)
{
	return collaborators(cli, RECORD_CONTACT);
}

int collab_cli_company_share(Cli *cli)
{
	return share(cli, RECORD_COMPANY);
}

int collab_cli_company_unshare(Cli *cli)
{
	return unshare(cli, RECORD_COMPANY);
}

int collab_cli_company_list(Cli *cli)
{
	return collaborators(cli, RECORD_COMPANY);
}

int collab_cli_deal_share(Cli *cli)
{
	return share(cli, RECORD_DEAL);
}

int collab_cli_deal_unshare(Cli *cli)
{
	return unshare(cli, RECORD_DEAL);
}

int collab_cli_deal_list(Cli *cli)
{
	return collaborators(cli, RECORD_DEAL);
}
