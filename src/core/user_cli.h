/* user_cli.h - what the CLI adapters need of users: the acting user (the
 * CLI's actor hook, set by src/hooks.c), a user's name for a table, and an
 * --owner email as a user id. The `kith user` commands themselves are
 * declared from commands.def. Depends on cli/cli.h, core/user.h. */
#ifndef KITH_CORE_USER_CLI_H
#define KITH_CORE_USER_CLI_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "cli/cli.h"

/* The CLI's actor hook (CliHooks.actor): the active user with email
 * (user_actor_by_email: ERR_NOT_FOUND naming "email"), or, when email is
 * NULL, the workspace's one active owner; *out is left as it is (the local
 * system) while the workspace has no active user, right after init. With
 * several owners ERR_INVALID naming "as", since guessing who is at the
 * keyboard would put records and history in someone else's name. */
int user_cli_actor(Db *db, const char *email, Actor *out, Err *err) KITH_WARN_UNUSED;

/* Append "name <email>" of the user with id user_id (a JSON integer) to b;
 * appends nothing when user_id is not an integer or no such user. */
void user_cli_text(Cli *cli, const json_t *user_id, Buf *b);

/* Resolve the --owner option's email into the user id *id. An unknown email
 * prints the Err naming "owner" and returns its exit code; 0 when found. */
int user_cli_owner_or_fail(Cli *cli, const char *email, int64_t *id);

#endif
