/* agenda.c - the agenda: task_agenda's and due_list's sections merged
 * (agenda.h). Depends on store/, core/access, crm/task and views/due;
 * never on cli/ or http/. */
#include "views/agenda.h"

#include "crm/task.h"
#include "views/due.h"

int agenda_get(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
	       json_t **out, Err *err)
{
	DueQuery q = {.user_id = user_id, .today = today, .days = days_ahead};
	json_t *tasks = NULL, *due = NULL;
	int rc = db_begin_read(db, err); /* one snapshot for the tasks and the due list */
	if (rc)
		return rc;
	if ((rc = task_agenda(db, actor, user_id, today, days_ahead, &tasks, err)) == KITH_OK &&
	    (rc = due_list(db, actor, &q, &due, err)) == KITH_OK) {
		json_object_update(tasks, due);
		*out = json_incref(tasks);
	}
	json_decref(tasks);
	json_decref(due);
	return db_end(db, rc, err);
}
