/* audit_cli.c - the audit history in the CLI: the history table of a
 * record (audit_cli.h) and `NOUN show ID` with it. Depends on cli/cli.h,
 * core/audit.h, core/user.h (who made each change). */
#include "core/audit_cli.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "core/audit.h"
#include "core/user.h"

/* A history value in a table cell: "(none)" for nothing, list items by
 * their value or name, newlines as spaces, at most HISTORY_VALUE_MAX
 * bytes (cut on a UTF-8 boundary, "..." added). */
enum { HISTORY_VALUE_MAX = 60 };
static void history_value(Buf *b, const json_t *v)
{
	Buf t;
	buf_init(&t, 0);
	if (!v || json_is_null(v) || (json_is_array(v) && !json_array_size(v)) ||
	    (json_is_string(v) && !*json_string_value(v))) {
		buf_adds(&t, "(none)");
	} else if (json_is_array(v) || (json_is_object(v) && (json_object_get(v, "name") ||
							      json_object_get(v, "value")))) {
		json_t *one = json_is_array(v) ? NULL : (json_t *)v, *it;
		size_t i, n = one ? 1 : json_array_size(v);
		for (i = 0; i < n; i++) {
			it = one ? one : json_array_get(v, i);
			json_t *s = json_is_object(it) ? json_object_get(it, "value") : it;
			if (json_is_object(it) && !s)
				s = json_object_get(it, "name");
			if (i)
				buf_adds(&t, ", ");
			if (json_is_string(s)) {
				buf_adds(&t, json_string_value(s));
			} else {
				char *d = json_dumps(s ? s : it, JSON_ENCODE_ANY | JSON_COMPACT);
				buf_adds(&t, d ? d : "?");
				free(d);
			}
		}
	} else if (json_is_string(v)) {
		buf_adds(&t, json_string_value(v));
	} else {
		char *d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		buf_adds(&t, d ? d : "?");
		free(d);
	}
	const char *s = buf_str(&t);
	size_t n = strlen(s), cut = n;
	if (n > HISTORY_VALUE_MAX) {
		cut = HISTORY_VALUE_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	for (size_t i = 0; i < cut; i++)
		buf_addc(b, s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i]);
	if (cut < n)
		buf_adds(b, "...");
	buf_free(&t);
}

/* "field: from -> to; ..." of an entry's fields (a field without a from,
 * whose old value was not recorded: "field: to"). */
static void history_changes(Buf *b, const json_t *fields)
{
	json_t *f;
	size_t i;
	json_array_foreach(fields, i, f)
	{
		json_t *from = json_object_get(f, "from");
		buf_addf(b, "%s%s: ", i ? "; " : "",
			 json_string_value(json_object_get(f, "field")));
		if (from) {
			history_value(b, from);
			buf_adds(b, " -> ");
		}
		history_value(b, json_object_get(f, "to"));
	}
}

void audit_cli_print_history(Cli *cli, const json_t *history)
{
	static const char *const keys[] = {"at", "user", "action", "changes", NULL};
	static const char *const heads[] = {"AT", "USER", "ACTION", "CHANGES", NULL};
	json_t *rows = json_array(), *e;
	size_t i;
	json_array_foreach(history, i, e)
	{
		json_t *u = NULL;
		const char *action = json_string_value(json_object_get(e, "action"));
		Err err = {0};
		Buf changed, who;
		buf_init(&changed, 0);
		buf_init(&who, 0);
		/* audit_fields: each changed field from what to what */
		history_changes(&changed, json_object_get(e, "fields"));
		if (!changed.len && action && !strcmp(action, "purge"))
			buf_adds(&changed, "(deleted for good)");
		json_t *uid = json_object_get(e, "user_id");
		if (json_is_integer(uid) &&
		    user_get(cli->db, json_integer_value(uid), &u, &err) == 0)
			buf_adds(&who, cli_str(u, "email"));
		else
			buf_adds(&who, json_is_integer(uid) ? "?" : "system");
		json_decref(u);
		json_array_append_new(
		    rows, json_pack("{sO ss sO ss}", "at", json_object_get(e, "at"), "user",
				    buf_str(&who), "action", json_object_get(e, "action"),
				    "changes", buf_str(&changed)));
		buf_free(&changed);
		buf_free(&who);
	}
	fputs("\nhistory:\n", cli->out);
	cli_print_table(cli, rows, keys, heads);
	json_decref(rows);
}

int audit_cli_show_op(Cli *cli, const char *entity, AuditCliGetFn get, const char *hide,
		      void (*fill)(Cli *cli, json_t *rec))
{
	Err err = {0};
	int64_t id;
	json_t *r = NULL, *history = NULL;
	int rc = cli_id_or_fail(cli, cli_arg(cli), "ID", &id);
	int trash = cli_flag(cli, "--trash");
	if (rc || (rc = cli_finish_or_fail(cli)))
		return rc;
	if (get(cli->db, &cli->actor, id, trash, &r, &err) ||
	    audit_list(cli->db, entity, id, KITH_LIST_MAX, &history, &err)) {
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (cli->json) {
		json_object_set(r, "history", history);
		cli_print_json(cli, r);
		goto done;
	}
	json_t *rec = json_object(), *v;
	const char *key;
	json_object_foreach(r, key, v)
	{
		if (!json_is_null(v) && !(hide && strcmp(key, hide) == 0))
			json_object_set(rec, key, v);
	}
	if (fill)
		fill(cli, rec);
	cli_print_record(cli, rec, NULL);
	json_decref(rec);
	audit_cli_print_history(cli, history);
done:
	json_decref(r);
	json_decref(history);
	return rc;
}
