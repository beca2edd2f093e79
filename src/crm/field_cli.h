/* field_cli.h - custom field values in the other nouns' CLI adapters: the
 * --field KEY=VALUE options of `contact|company|deal add|edit`. The `kith
 * field` commands themselves are declared from commands.def. Depends on
 * cli/cli.h, crm/field.h. */
#ifndef KITH_CRM_FIELD_CLI_H
#define KITH_CRM_FIELD_CLI_H

#include <jansson.h>

#include "cli/cli.h"

/* --field KEY=VALUE options into the "custom" object of in (set only when
 * one is given), each text converted by the type of field KEY of entity
 * ("contact", "company", "deal"; field_value_from_text). EXIT_USAGE for a
 * malformed option; the field's Err for a value it refuses. 0 when read. */
int field_cli_args(Cli *cli, const char *entity, json_t *in);

#endif
