/* due_cli.h - what `kith due` (due_cli.c) and `kith agenda`
 * (agenda_cli.c) share: the options that say whose list and how far
 * ahead, and the text form of the due, too-often and key-date sections.
 * Depends on cli/cli.h, views/due.h. */
#ifndef KITH_VIEWS_DUE_CLI_H
#define KITH_VIEWS_DUE_CLI_H

#include <jansson.h>

#include "cli/cli.h"
#include "views/due.h"

/* Read [--user EMAIL | --team] [--days N] [--today DATE], reject
 * leftover options, and fill *q with whose list, which day and how far
 * ahead as due_scope decides (default_days when --days is absent).
 * Returns 0, or the exit code after printing the error naming the
 * option. q->today stays valid until the command ends. */
int due_cli_scope(Cli *cli, int default_days, DueQuery *q);

/* Print the "due", "too_often" and "key_dates" sections of out (as
 * due_list returns them) as titled tables on cli->out. Borrowed. */
void due_cli_print_sections(Cli *cli, const json_t *out);

#endif
