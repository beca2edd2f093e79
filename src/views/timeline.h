/* timeline.h - the history of a contact, company or deal in one list: logged
 * activities, task events and deal stage changes (later invoices and
 * reminders), newest first, one page at a time. Rules and SQL in
 * timeline.c; timeline_cli.c and timeline_api.c are adapters. Depends on
 * store/, base/, core/{access,record}, crm/{activity,task,deal}. Owns no
 * table: it reads activity, task and deal_stage_change through indexes in
 * timeline order and takes each item's JSON from its owner's header.
 *
 * What belongs to a record's timeline:
 *   contact  items linked to the contact, and to its live deals (deals whose
 *            contact_id is the contact);
 *   company  items linked to the company, to its contacts (trashed ones
 *            too, as before), and to the live deals of the company or of
 *            its contacts;
 *   deal     items linked to the deal, and its own stage history.
 * Items are live activities ("activity"), live tasks when created
 * ("task_created", at created_at) and when completed ("task_done", at
 * done_at; a reopened task loses it), and stage changes ("stage_change",
 * at the move, including the deal's creation entry). An item linked to the
 * record in two ways (an activity on the contact and on the contact's deal)
 * appears once. Each item is visible by its own kind's rule (core/record.h):
 * a member sees only items they may see, even on a record they own.
 *
 * Item JSON: {"type", "at", <payload>} where payload is "activity" (as
 * activity_get), "task" (as task_get, for both task types) or
 * "stage_change" (as deal_stage_change_get). */
#ifndef KITH_VIEWS_TIMELINE_H
#define KITH_VIEWS_TIMELINE_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* One page of the timeline of a record (entity "contact", "company" or
 * "deal"), newest first: ordered by at, then type, then id, all
 * descending, with a keyset cursor over the three. limit 1..KITH_LIST_MAX
 * (0 = KITH_LIST_DEFAULT); cursor from a previous page's next (cursors of
 * the former activity-only timeline are accepted) or NULL. *items: a JSON
 * array (caller decrefs); *next: a malloc'd cursor, NULL on the last page
 * (caller frees). ERR_NOT_FOUND when the record is absent or hidden from
 * the actor (records in the trash still have a timeline); ERR_INVALID
 * naming "entity", "limit" or "cursor". */
int timeline_get(Db *db, const Actor *actor, const char *entity, int64_t id, int limit,
		 const char *cursor, json_t **items, char **next, Err *err) KITH_WARN_UNUSED;

/* timeline_get, and when last_touch is not NULL the record's
 * activity_last_touch into it (crm/activity.h), read in the same snapshot
 * without checking the record twice. Errors as timeline_get; on error
 * *items and *next stay NULL. */
int timeline_page(Db *db, const Actor *actor, const char *entity, int64_t id, int limit,
		  const char *cursor, json_t **items, char **next, char last_touch[21],
		  Err *err) KITH_WARN_UNUSED;

#endif
