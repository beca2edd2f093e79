/* agenda.c - the agenda: task_agenda's and due_list's sections merged
 * (agenda.h). Depends on store/, base/, core/access, crm/task and
 * core/{user,workspace} and views/due; never on cli/ or http/.
 *
 * The tasks are written as JSON text row by row (task_agenda_text: a busy
 * user's agenda holds hundreds of them, and building and freeing a jansson
 * tree for each cost more than the query); the due sections, at most
 * KITH_DUE_MAX items each, are built with jansson and serialized after
 * them, in the key order json_object_update gave the merged object. */
#include "views/agenda.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/tz.h"
#include "core/user.h"
#include "core/workspace.h"
#include "crm/task.h"
#include "views/due.h"

/* tasks (a JSON object's text, "{...}") with due's members appended, as
 * json_dump writes the object json_object_update(tasks, due) makes: a key
 * already in tasks keeps its place and takes due's value, which for
 * "date" (the one such key) is the same date. *out: malloc'd. */
static int merge_text(const char *tasks, const json_t *due, char **out, Err *err)
{
	const char *key;
	json_t *v;
	Buf b;
	size_t n = strlen(tasks);
	if (n < 2 || tasks[n - 1] != '}')
		return err_set(err, ERR_INTERNAL, NULL, "the agenda's tasks are not a JSON object");
	buf_init(&b, 0);
	buf_add(&b, tasks, n - 1);
	json_object_foreach((json_t *)due, key, v)
	{
		if (strcmp(key, "date") == 0)
			continue;
		char *text = json_dump(v);
		if (!text) {
			buf_free(&b);
			return err_set(err, ERR_INTERNAL, NULL, "out of memory");
		}
		buf_addf(&b, "%s\"%s\":%s", n > 2 ? "," : "", key, text);
		free(text);
		n = 3; /* members follow now */
	}
	buf_addc(&b, '}');
	if (buf_failed(&b)) {
		buf_free(&b);
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	}
	*out = buf_take(&b);
	return KITH_OK;
}

int agenda_get_text(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
		    char **out, Err *err)
{
	char now[11], *tasks = NULL, *text = NULL;
	json_t *due = NULL;
	Workspace ws;
	int64_t uid = 0;
	int rc = db_begin_read(db, err); /* one snapshot for the tasks and the due list */
	if (rc)
		return rc;
	/* whose agenda and the workspace, read once for both halves (a round
	 * trip each on PostgreSQL); one today for both, also when a midnight
	 * passes between them */
	if ((rc = user_whose_records(db, actor, user_id, &uid, err)) == KITH_OK &&
	    (rc = workspace_get(db, &ws, err)) == KITH_OK && !today &&
	    (rc = tz_local_date(ws.timezone, time(NULL), now, err)) == KITH_OK)
		today = now;
	DueQuery q = {.user_id = uid,
		      .today = today,
		      .days = days_ahead,
		      .ws = &ws,
		      .user_checked = 1};
	if (rc == KITH_OK &&
	    (rc = task_agenda_text_for(db, actor, uid, &ws, today, days_ahead, &tasks, err)) ==
		KITH_OK &&
	    (rc = due_list(db, actor, &q, &due, err)) == KITH_OK)
		rc = merge_text(tasks, due, &text, err);
	free(tasks);
	json_decref(due);
	if ((rc = db_end(db, rc, err)) == KITH_OK)
		*out = text;
	else
		free(text);
	return rc;
}

int agenda_get(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
	       json_t **out, Err *err)
{
	char *text = NULL;
	int rc = agenda_get_text(db, actor, user_id, today, days_ahead, &text, err);
	if (rc)
		return rc;
	*out = json_loads(text, 0, NULL);
	free(text);
	return *out ? KITH_OK
		    : err_set(err, ERR_INTERNAL, NULL, "the agenda's JSON did not read back");
}
