/* reassign.h - hand a user's clients over to a colleague in one go: their
 * contacts, companies and deals, and their open tasks, with each record's
 * history intact. Sits above crm/{contact,company,deal,task,user}. */
#ifndef KITH_VIEWS_REASSIGN_H
#define KITH_VIEWS_REASSIGN_H

#include <jansson.h>

#include "core/access.h"
#include "store/db.h"

/* Owners and admins only (ERR_FORBIDDEN). from_email names a user, active
 * or disabled (a colleague who left), to_email an active user
 * (ERR_NOT_FOUND naming "from" / "to"); the same user twice is
 * ERR_INVALID naming "to". One transaction; one audit entry per record
 * ("reassign", {"owner_id": [from, to]} or {"assignee_id": [...]}).
 * *summary: {"from","to","contacts","companies","deals","tasks"} counts,
 * caller decrefs. */
int reassign_all(Db *db, const Actor *actor, const char *from_email, const char *to_email,
		 json_t **summary, Err *err) KITH_WARN_UNUSED;

#endif
