/* field_cli.c - kith field add|list|show|edit|rm: custom field definitions
 * from the command line. Options become the JSON field.h takes; every rule
 * is checked in field.c; also the --field options of the other nouns
 * (field_cli.h). Depends on cli/, crm/field. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "crm/field.h"
#include "crm/field_cli.h"
#include "crm/field_use.h"

static const char *const list_keys[] = {"id",       "entity",  "key",      "label",
					"type",     "required", "options", "position", NULL};
static const char *const list_heads[] = {"ID",       "ENTITY",  "KEY",      "LABEL",
					 "TYPE",     "REQUIRED", "OPTIONS", "POSITION", NULL};

/* --remind DAYS|none into "remind_days" (range checked by field.c). */
static int read_remind(Cli *cli, json_t *in)
{
	const char *v = cli_opt(cli, "--remind");
	char *end;
	if (!v)
		return 0;
	if (strcmp(v, "none") == 0) {
		json_object_set_new(in, "remind_days", json_null());
		return 0;
	}
	long long n = strtoll(v, &end, 10);
	if (*v == '\0' || *end)
		return cli_reject(cli, "remind_days", "must be a whole number of days or none");
	json_object_set_new(in, "remind_days", json_integer(n));
	return 0;
}

/* --option VALUE... into "options" (only when given), --position N,
 * --remind DAYS|none. */
static int read_options(Cli *cli, json_t *in)
{
	const char *v = cli_opt(cli, "--position");
	json_t *opts = json_array();
	int rc = 0;
	if (v) {
		char *end;
		long long n = strtoll(v, &end, 10);
		if (*v == '\0' || *end)
			rc = cli_usage_fail(cli, "--position: must be an integer, got '%s'", v);
		else
			json_object_set_new(in, "position", json_integer(n));
	}
	if (rc == 0)
		rc = read_remind(cli, in);
	while (rc == 0 && (v = cli_opt(cli, "--option")))
		rc = cli_push_str(cli, opts, "options", v);
	if (rc == 0 && json_array_size(opts))
		json_object_set(in, "options", opts);
	json_decref(opts);
	return rc;
}

/* Print a definition (after add/edit/show). */
static void print_def(Cli *cli, const json_t *def)
{
	if (cli->json)
		cli_print_json(cli, def);
	else
		cli_print_record(cli, def, NULL);
}

int field_cli_add(Cli *cli)
{
	static const struct {
		const char *opt, *key;
	} text[] = {{"--entity", "entity"}, {"--key", "key"}, {"--label", "label"}, {"--type", "type"}};
	Err err = {0};
	int64_t id;
	json_t *in = json_object(), *def = NULL;
	int rc = 0;
	for (size_t i = 0; i < sizeof text / sizeof text[0] && rc == 0; i++) {
		const char *v = cli_opt(cli, text[i].opt);
		if (!v)
			rc = cli_usage_fail(cli, "%s: missing", text[i].opt);
		else
			rc = cli_put_str(cli, in, text[i].key, v);
	}
	if (rc == 0 && cli_flag(cli, "--required"))
		json_object_set_new(in, "required", json_true());
	if (rc || (rc = read_options(cli, in)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (field_define(cli->db, &cli->actor, in, &id, &err) ||
	    field_get(cli->db, id, &def, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json)
		cli_print_json(cli, def);
	else
		fprintf(cli->out, "added custom field #%lld %s.%s (%s)\n", (long long)id,
			json_string_value(json_object_get(def, "entity")),
			json_string_value(json_object_get(def, "key")),
			json_string_value(json_object_get(def, "type")));
done:
	json_decref(in);
	json_decref(def);
	return rc;
}

int field_cli_list(Cli *cli)
{
	Err err = {0};
	json_t *list = NULL;
	const char *entity = cli_opt(cli, "--entity");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (field_list(cli->db, entity, &list, &err))
		return cli_fail(cli, &err);
	if (cli->json)
		cli_print_json(cli, list);
	else
		cli_print_table(cli, list, list_keys, list_heads);
	json_decref(list);
	return EXIT_OK;
}

int field_cli_show(Cli *cli)
{
	Err err = {0};
	int64_t id;
	json_t *def = NULL;
	if (cli_id_or_fail(cli, cli_arg(cli), "ID", &id) || cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (field_get(cli->db, id, &def, &err))
		return cli_fail(cli, &err);
	print_def(cli, def);
	json_decref(def);
	return EXIT_OK;
}

int field_cli_edit(Cli *cli)
{
	Err err = {0};
	int64_t id;
	json_t *in = json_object(), *def = NULL;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	const char *label = cli_opt(cli, "--label");
	int required = cli_flag(cli, "--required"), optional = cli_flag(cli, "--optional");
	if (rc || (rc = read_options(cli, in)) || (rc = cli_finish_or_fail(cli)))
		goto done;
	if (required && optional) {
		rc = cli_usage_fail(cli, "--required and --optional exclude each other");
		goto done;
	}
	if (label && (rc = cli_put_str(cli, in, "label", label)))
		goto done;
	if (required || optional)
		json_object_set_new(in, "required", json_boolean(required));
	if (json_object_size(in) == 0) {
		rc = cli_usage_fail(cli, "nothing to change; give at least one option");
		goto done;
	}
	if (field_update(cli->db, &cli->actor, id, in, 0, &def, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	print_def(cli, def);
done:
	json_decref(in);
	json_decref(def);
	return rc;
}

int field_cli_rm(Cli *cli)
{
	Err err = {0};
	int64_t id, n = 0;
	json_t *def = NULL;
	int force = cli_flag(cli, "--force");
	if (cli_id_or_fail(cli, cli_arg(cli), "ID", &id) || cli_finish_or_fail(cli))
		return EXIT_USAGE;
	if (field_get(cli->db, id, &def, &err) ||
	    field_use_remove(cli->db, &cli->actor, id, force, &n, &err)) {
		json_decref(def);
		if (err.code == ERR_CONFLICT && !strcmp(err.field, "force")) {
			/* The domain says "confirm with force"; on the CLI that is --force. */
			char *cut = strstr(err.msg, "; confirm with force");
			if (cut)
				snprintf(cut, sizeof err.msg - (size_t)(cut - err.msg),
					 "; repeat with --force to delete them");
			snprintf(err.field, sizeof err.field, "%s", "--force");
		}
		return cli_fail(cli, &err);
	}
	const char *key = json_string_value(json_object_get(def, "key"));
	if (cli->json) {
		json_t *o = json_pack("{sI ss sI}", "id", (json_int_t)id, "key", key,
				      "values_deleted", (json_int_t)n);
		cli_print_json(cli, o);
		json_decref(o);
	} else {
		fprintf(cli->out, "deleted custom field #%lld %s.%s and its %lld value%s\n",
			(long long)id, json_string_value(json_object_get(def, "entity")), key,
			(long long)n, n == 1 ? "" : "s");
	}
	json_decref(def);
	return EXIT_OK;
}

int field_cli_args(Cli *cli, const char *entity, json_t *in)
{
	const char *arg;
	json_t *custom = NULL;
	int rc = 0;
	while (rc == 0 && (arg = cli_opt(cli, "--field"))) {
		const char *eq = strchr(arg, '=');
		Err err = {0};
		json_t *v = NULL;
		if (!eq || eq == arg) {
			rc = cli_usage_fail(cli, "--field: expected KEY=VALUE, got '%s'", arg);
			break;
		}
		char *key = strndup(arg, (size_t)(eq - arg));
		if (!key || field_value_from_text(cli->db, entity, key, eq + 1, &v, &err)) {
			rc = key ? cli_fail(cli, &err) : cli_reject(cli, "custom", "out of memory");
		} else {
			if (!custom)
				custom = json_object();
			json_object_set_new(custom, key, v);
		}
		free(key);
	}
	if (custom && rc == 0)
		json_object_set_new(in, "custom", json_incref(custom));
	json_decref(custom);
	return rc;
}
