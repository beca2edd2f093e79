/* db_cli.h - database commands: init, db migrate, db check, backup,
 * restore.
 * Handlers are declared from commands.def; this header only names the file. */
#ifndef KITH_CORE_DB_CLI_H
#define KITH_CORE_DB_CLI_H
#include "cli/cli.h"
#endif
