/* agenda.h - the agenda (kith agenda, GET /api/v1/agenda): one user's or
 * the team's open tasks (overdue, today, upcoming: crm/task.h's
 * task_agenda) and who to keep in touch with (due, too often, key dates:
 * views/due.h), read in one snapshot. Rules in agenda.c; agenda_cli.c and
 * agenda_api.c are adapters. A view over crm/task and views/due; later
 * invoices and reminders join it. Depends on store/, base/,
 * core/access, crm/task, views/due. Owns no table. */
#ifndef KITH_VIEWS_AGENDA_H
#define KITH_VIEWS_AGENDA_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* The agenda of user_id (0 = the team) with days_ahead upcoming days
 * (0..KITH_AGENDA_DAYS_MAX), as of today (a civil date YYYY-MM-DD; NULL =
 * today in the workspace zone, read once for both halves): {"date",
 * "overdue", "today", "upcoming"} as task_agenda returns them, and "due",
 * "too_often", "key_dates" and "counts" as due_list returns them for the
 * same user, today and horizon.
 * Whose and how far ahead come from due_scope. Errors as those two
 * (ERR_NOT_FOUND naming "user_id", ERR_INVALID naming "today" or "days").
 * *out: caller decrefs. */
int agenda_get(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
	       json_t **out, Err *err) KITH_WARN_UNUSED;

/* agenda_get's answer as the JSON text json_dump writes for it (the API
 * sends it as is; agenda_get reads it back). The tasks are written row by
 * row (crm/task.h's task_agenda_text). Same arguments and errors. *out:
 * malloc'd, caller frees; untouched on error. */
int agenda_get_text(Db *db, const Actor *actor, int64_t user_id, const char *today, int days_ahead,
		    char **out, Err *err) KITH_WARN_UNUSED;

#endif
