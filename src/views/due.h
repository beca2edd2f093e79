/* due.h - who to keep in touch with: the contacts due for a touch, the
 * ones touched too often, and the key dates ahead (birthdays, date custom
 * fields that remind), as `kith due` and the agenda show them. Rules and
 * SQL in due.c; due_cli.c is the `kith due` adapter, and the agenda
 * (views/agenda.h) shows the same sections. A view: it applies the
 * cadence rules of crm/cadence.h to contacts, tags, activities, companies,
 * deals and custom fields. Depends on store/, base/, core/{access,user,
 * workspace}, crm/{cadence,collab}. Owns no table: it reads (never writes)
 * contact, tag, contact_tag, activity, field_def, field_value, company and
 * deal through indexed queries (migration 011).
 *
 * Rules (the cadence itself is crm/cadence.h's):
 * - A contact with an effective cadence is due when it was never touched,
 *   or when the day it falls due (cadence_due_day) <= today + horizon
 *   days.
 * - Too often: more than the workspace's touch_limit touches within the
 *   last touch_window_days civil days (today included), among the contacts
 *   with an effective cadence (the ones whose touches are planned).
 * - Key dates: birthdays within birthday_lead_days (29 February counts as
 *   28 February in common years), and values of date custom fields whose
 *   definition has remind_days, within [today, today + remind_days].
 * - Whose records: owners/admins choose a user or the whole team; a member
 *   always gets the records they own or that are shared with them
 *   (core/record.h). The same rule as the agenda's tasks:
 *   user_whose_records (core/user.h). */
#ifndef KITH_VIEWS_DUE_H
#define KITH_VIEWS_DUE_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "core/workspace.h"
#include "store/db.h"

typedef struct DueQuery {
	int64_t user_id;   /* whose records: 0 = the whole team (owners/admins only) */
	const char *today; /* civil date YYYY-MM-DD; NULL = today in the workspace zone */
	int days;	   /* horizon: also list who falls due within this many days
			      (0..KITH_AGENDA_DAYS_MAX) */
	const Workspace *ws; /* the workspace when the caller has read it (the
				agenda, once for its two halves); NULL: read it */
	int user_checked;    /* 1: user_id is already user_whose_records's answer
				for the actor (core/user.h), not checked again */
} DueQuery;

/* Who to touch, as {"date": today, "due": [...], "too_often": [...],
 * "key_dates": [...], "counts": {"due", "too_often", "key_dates"}} (caller
 * decrefs *out). Each list holds at most KITH_DUE_MAX items; counts are the
 * totals before that cap.
 *   due: {"id", "name", "owner_id", "cadence_days", "last_contacted_at"
 *        (null = never), "due_date" (null = never touched),
 *        "days_overdue" (null = never touched; negative = due in N days)},
 *        never touched first, then most overdue first.
 *   too_often: {"id", "name", "owner_id", "touches", "window_days",
 *        "last_contacted_at"}, most touches first.
 *   key_dates: {"type" (contact|company|deal), "id", "name", "key"
 *        ("birthday" or the field key), "label", "date", "days"}, soonest
 *        first.
 * A member naming another user gets ERR_NOT_FOUND naming "user_id"; an
 * unknown user ERR_NOT_FOUND naming "user_id"; ERR_INVALID naming "today"
 * or "days". */
int due_list(Db *db, const Actor *actor, const DueQuery *q, json_t **out,
	     Err *err) KITH_WARN_UNUSED;

/* Whose agenda or due list, and how far ahead, from what a surface was
 * given: user_id (0 = not named) or team (1 = the whole team, owners and
 * admins; due_list and the agenda check that), not both (ERR_INVALID
 * naming "team"); neither = the actor's own (the whole team for the local
 * system, which owns nothing). days_text is a whole number
 * 0..KITH_AGENDA_DAYS_MAX, NULL for default_days; else ERR_INVALID naming
 * "days". */
int due_scope(const Actor *actor, int64_t user_id, int team, const char *days_text,
	      int default_days, int64_t *user_out, int *days_out, Err *err) KITH_WARN_UNUSED;

#endif
