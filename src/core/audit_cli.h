/* audit_cli.h - a record's audit history in CLI output: the history
 * table under a record, and `NOUN show ID` that prints both. Depends on
 * cli/cli.h, core/audit.h, core/user.h. */
#ifndef KITH_CORE_AUDIT_CLI_H
#define KITH_CORE_AUDIT_CLI_H

#include <jansson.h>
#include <stdint.h>

#include "cli/cli.h"

/* Print audit entries (audit_list) as a table under "history:": when,
 * who (email, or "system" for the local CLI), the action, and what changed
 * from what to what ("(deleted for good)" for a purge). */
void audit_cli_print_history(Cli *cli, const json_t *history);

/* `NOUN show ID [--trash]` of a record with an audit history: get(ID)
 * then its history (entity); with --json the record plus "history", else
 * the record's non-null fields except the key hide (an id shown by name
 * elsewhere; may be NULL), with fill (may be NULL) applied to show names
 * instead of ids (names_cli_fill_record), and the history. Returns an exit
 * code. */
typedef int (*AuditCliGetFn)(Db *db, const Actor *actor, int64_t id, int include_deleted,
			     json_t **out, Err *err);
int audit_cli_show_op(Cli *cli, const char *entity, AuditCliGetFn get, const char *hide,
		      void (*fill)(Cli *cli, json_t *rec));

#endif
