/* workspace.h - the one workspace row: business name, default country for
 * phone numbers, default currency, time zone, and the reminder settings of
 * contact cadence and key dates (crm/cadence.h). Depends on store/, base/. */
#ifndef KITH_CORE_WORKSPACE_H
#define KITH_CORE_WORKSPACE_H

#include "base/when.h"
#include "core/access.h"
#include "store/db.h"

typedef struct Workspace {
	char name[201];            /* business name */
	char default_country[3];   /* ISO 3166 alpha-2, "" when none */
	char currency[4];          /* ISO 4217 */
	char timezone[64];         /* IANA zone */
	int touch_limit;           /* more touches than this in the window is "too often" (1..1000) */
	int touch_window_days;     /* the "too often" window, days (1..366) */
	int birthday_lead_days;    /* birthdays are listed this many days ahead (0..366) */
} Workspace;

/* Reminder settings for workspace_set_reminders; a negative value leaves
 * the setting as it is. */
typedef struct WorkspaceReminders {
	int touch_limit;        /* 1..1000 */
	int touch_window_days;  /* 1..366 */
	int birthday_lead_days; /* 0..366 */
} WorkspaceReminders;

/* Create the workspace row if it does not exist; fields may be NULL for
 * defaults. Validates country (two letters), currency (known ISO 4217). */
int workspace_init(Db *db, const char *name, const char *country, const char *currency,
		   const char *tz_name, Err *err) KITH_WARN_UNUSED;

/* Read the workspace. ERR_INVALID when not initialised. */
int workspace_get(Db *db, Workspace *out, Err *err) KITH_WARN_UNUSED;

/* Change settings (owner/admin only); NULL leaves a field as it is, "" clears
 * default_country. */
int workspace_set(Db *db, const Actor *actor, const char *name, const char *country,
		  const char *currency, const char *tz_name, Err *err) KITH_WARN_UNUSED;

/* Change the cadence and key-date settings (owner/admin only; audited).
 * ERR_INVALID naming "touch_limit", "touch_window_days" or
 * "birthday_lead_days" when out of range, ERR_FORBIDDEN for members. */
int workspace_set_reminders(Db *db, const Actor *actor, const WorkspaceReminders *r,
			    Err *err) KITH_WARN_UNUSED;

/* workspace_set (when any of name, country, currency, tz_name is given)
 * and workspace_set_reminders (when r is not NULL) as one transaction:
 * a refused value stores nothing. Errors as those two. */
int workspace_update(Db *db, const Actor *actor, const char *name, const char *country,
		     const char *currency, const char *tz_name, const WorkspaceReminders *r,
		     Err *err) KITH_WARN_UNUSED;

/* Read a date or time text as when_parse does, in the workspace's zone at
 * the current time: the one rule for every date and instant that the API
 * and the CLI take (the CLI adds WHEN_RELATIVE). ERR_INVALID naming field
 * (or "timezone"); errors of workspace_get. */
int workspace_when(Db *db, const char *text, int flags, const char *field, When *out,
		   Err *err) KITH_WARN_UNUSED;

#endif
