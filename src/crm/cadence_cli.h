/* cadence_cli.h - the text form of the cadence sections, shared by
 * `kith due` (cadence_cli.c) and `kith agenda` (task_cli.c).
 * Depends on cli/cli.h. */
#ifndef KITH_CRM_CADENCE_CLI_H
#define KITH_CRM_CADENCE_CLI_H

#include <jansson.h>

#include "cli/cli.h"

/* Print the "due", "too_often" and "key_dates" sections of out (as
 * cadence_due returns them) as titled tables on cli->out. Borrowed. */
void cadence_cli_print_sections(Cli *cli, const json_t *out);

#endif
