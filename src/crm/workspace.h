/* workspace.h - the one workspace row: business name, default country for
 * phone numbers, default currency, time zone. Depends on store/, base/. */
#ifndef KITH_CRM_WORKSPACE_H
#define KITH_CRM_WORKSPACE_H

#include "crm/access.h"
#include "store/db.h"

typedef struct Workspace {
	char name[201];            /* business name */
	char default_country[3];   /* ISO 3166 alpha-2, "" when none */
	char currency[4];          /* ISO 4217 */
	char timezone[64];         /* IANA zone */
} Workspace;

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

#endif
