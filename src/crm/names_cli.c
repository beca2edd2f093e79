/* names_cli.c - names instead of ids in CLI tables (names_cli.h). Reads
 * each record with the acting user's rights, so a table never shows the
 * name of a record its reader may not see. */
#include "crm/names_cli.h"

#include <stdio.h>
#include <string.h>

#include "crm/company.h"
#include "crm/contact.h"
#include "crm/deal.h"
#include "core/user.h"

json_t *names_cli_of(Cli *cli, const char *kind, int64_t id)
{
	Err err = {0};
	json_t *rec = NULL, *name = NULL;
	int rc = ERR_NOT_FOUND;
	const char *key = "name";
	if (strcmp(kind, "contact") == 0) {
		rc = contact_get(cli->db, &cli->actor, id, 1, &rec, &err);
		key = "display_name";
	} else if (strcmp(kind, "company") == 0) {
		rc = company_get(cli->db, &cli->actor, id, 1, &rec, &err);
		key = "legal_name";
	} else if (strcmp(kind, "deal") == 0) {
		rc = deal_get(cli->db, &cli->actor, id, 1, &rec, &err);
		key = "title";
	} else if (strcmp(kind, "user") == 0) {
		rc = user_get(cli->db, id, &rec, &err);
	}
	if (rc == KITH_OK && *cli_str(rec, key))
		name = json_string(cli_str(rec, key));
	json_decref(rec);
	return name ? name : json_sprintf("#%lld", (long long)id);
}

void names_cli_fill(Cli *cli, json_t *row)
{
	static const char *const kinds[] = {"contact", "company", "deal"};
	json_t *link = json_object_get(row, "link"), *v;
	for (int i = 0; i < 3; i++) {
		v = json_object_get(row, kinds[i]);
		if (json_is_integer(v))
			json_object_set_new(row, kinds[i],
					    names_cli_of(cli, kinds[i], json_integer_value(v)));
	}
	if (!json_is_object(link))
		return;
	for (int i = 0; i < 3; i++) {
		v = json_object_get(link, kinds[i]);
		if (!json_is_integer(v))
			continue;
		json_t *name = names_cli_of(cli, kinds[i], json_integer_value(v));
		json_object_set_new(row, "link",
				    json_sprintf("%s (%s)", json_string_value(name), kinds[i]));
		json_decref(name);
		return;
	}
}

void names_cli_fill_record(Cli *cli, json_t *rec)
{
	static const char *const kinds[] = {"contact", "company", "deal"};
	for (int i = 0; i < 3; i++) {
		char key[16];
		snprintf(key, sizeof key, "%s_id", kinds[i]);
		json_t *v = json_object_get(rec, key);
		if (!json_is_integer(v))
			continue;
		json_object_set_new(rec, kinds[i], names_cli_of(cli, kinds[i], json_integer_value(v)));
		json_object_del(rec, key);
	}
	json_t *by = json_object_get(rec, "created_by");
	if (json_is_integer(by))
		json_object_set_new(rec, "created_by",
				    names_cli_of(cli, "user", json_integer_value(by)));
}

void names_cli_fill_rows(Cli *cli, json_t *rows)
{
	json_t *row;
	size_t i;
	json_array_foreach(rows, i, row)
	{
		names_cli_fill(cli, row);
	}
}
