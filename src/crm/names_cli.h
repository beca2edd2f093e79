/* names_cli.h - names instead of ids in CLI tables: the contact, company,
 * deal and user a row refers to, read through the domain with the acting
 * user's rights (a record they may not see stays "#ID"). Depends on cli/,
 * core/user, crm/{contact,company,deal}. */
#ifndef KITH_CRM_NAMES_CLI_H
#define KITH_CRM_NAMES_CLI_H

#include <jansson.h>

#include "cli/cli.h"

/* Replace the record ids of row with their names, in place: integer
 * values of the keys "contact", "company" and "deal" become the contact's
 * display name, the company's legal name and the deal's title; "link",
 * an object {"contact"|"company"|"deal": ID}, becomes "Name (contact)".
 * Other keys are left alone. */
void names_cli_fill(Cli *cli, json_t *row);

/* For a record view: each integer "contact_id", "company_id" and
 * "deal_id" of rec is replaced by "contact", "company", "deal" with the
 * record's name, and an integer "created_by" by the user's name. */
void names_cli_fill_record(Cli *cli, json_t *rec);

/* names_cli_fill on every row of the array rows. */
void names_cli_fill_rows(Cli *cli, json_t *rows);

/* A new JSON string naming record kind ("contact", "company", "deal",
 * "user") id: its name, or "#ID" when it is gone or not visible. */
json_t *names_cli_of(Cli *cli, const char *kind, int64_t id);

#endif
