/* agenda_cli.c - kith agenda: the open tasks (overdue, today, upcoming)
 * and who to keep in touch with (views/agenda.h), as tables or JSON. No
 * rules live here. Depends on cli/, crm/task_cli, views/{agenda,due_cli}. */
#include <stdio.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "crm/task_cli.h"
#include "views/agenda.h"
#include "views/due_cli.h"

int agenda_cli(Cli *cli)
{
	static const char *const names[] = {"overdue", "today", "upcoming"};
	Err err = {0};
	DueQuery q = {0};
	json_t *out = NULL;
	int rc = due_cli_scope(cli, KITH_AGENDA_DAYS_DEFAULT, &q);
	if (rc)
		return rc;
	if (agenda_get(cli->db, &cli->actor, q.user_id, q.today, q.days, &out, &err))
		return cli_fail(cli, &err);
	if (cli->json) {
		cli_print_json(cli, out);
	} else {
		fprintf(cli->out, "agenda for %s\n", cli_str(out, "date"));
		for (int i = 0; i < 3; i++) {
			json_t *items = json_object_get(out, names[i]);
			fprintf(cli->out, "\n%s (%zu)\n", names[i], json_array_size(items));
			task_cli_print_table(cli, items);
		}
		due_cli_print_sections(cli, out);
	}
	json_decref(out);
	return EXIT_OK;
}
