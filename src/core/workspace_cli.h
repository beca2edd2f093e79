/* workspace_cli.h - what the CLI needs of the workspace besides `kith
 * workspace show|set` (declared from commands.def): the zone tables show
 * instants in, for the CLI's zone hook (set by src/hooks.c). Depends on
 * cli/cli.h, core/workspace.h. */
#ifndef KITH_CORE_WORKSPACE_CLI_H
#define KITH_CORE_WORKSPACE_CLI_H

#include <stddef.h>

#include "cli/cli.h"

/* The CLI's zone hook (CliHooks.zone): the workspace's IANA time zone into
 * zone (size bytes, cut to fit). Errors of workspace_get (ERR_INVALID when
 * the workspace is not initialised). */
int workspace_cli_zone(Db *db, char *zone, size_t size, Err *err) KITH_WARN_UNUSED;

#endif
