/* task_cli.h - what other CLI adapters take from task_cli.c: the table of
 * tasks that `kith task list` prints, for the agenda (views/agenda_cli.c).
 * Depends on cli/cli.h. */
#ifndef KITH_CRM_TASK_CLI_H
#define KITH_CRM_TASK_CLI_H

#include <jansson.h>

#include "cli/cli.h"

/* Print the tasks (a JSON array as task_list returns it) as the table of
 * `kith task list` (due, priority, type, title, assignee, status, and the
 * linked record by name); nothing when it is empty. Borrowed. */
void task_cli_print_table(Cli *cli, const json_t *tasks);

#endif
