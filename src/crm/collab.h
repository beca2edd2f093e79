/* collab.h - sharing records with collaborators: share, unshare, list, and
 * what an owner change, a reassign or a merge does to the shares. Owns (writes)
 * tables contact_collaborator, company_collaborator and deal_collaborator
 * (migration 010). Depends on base/, store/, core/{access, audit, user,
 * record}; no crm/ module.
 *
 * The rule (issue 3): owners and admins see and change everything; a member
 * sees and changes the contacts, companies and deals they own or that are
 * shared with them. A collaborator may do everything the record's owner may,
 * except change its owner or manage its collaborators: only the record's
 * owner, an owner or an admin may share or unshare it. A member asking for a
 * record hidden from them gets "not found".
 *
 * Who may see a record (owners, collaborators, links) is decided by
 * core/record.h (record_can_see, record_check and its SQL fragments), which
 * reads these tables; the functions here take a shareable RecordKind
 * (RECORD_CONTACT, RECORD_COMPANY, RECORD_DEAL) and find the record with
 * record_check. */
#ifndef KITH_CRM_COLLAB_H
#define KITH_CRM_COLLAB_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "core/record.h"
#include "store/db.h"

/* Share record id of kind with user_id, an active user other than the
 * record's owner. Sharing with an existing collaborator changes nothing
 * (idempotent); *added (may be NULL) is 1 when a share was written. The
 * change is audited on the record ("share", {"collaborator_id": [null,
 * user_id]}). Errors: ERR_NOT_FOUND naming "id" when the record is absent or
 * hidden from the actor; ERR_GONE when it is in the trash; ERR_FORBIDDEN when
 * the actor is a collaborator but neither its owner nor an owner/admin;
 * ERR_INVALID naming "user_id" for an unknown or disabled user or the
 * record's owner. */
int collab_add(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t user_id, int *added,
	       Err *err) KITH_WARN_UNUSED;

/* collab_add for the active user with email (case-insensitive), for
 * surfaces that name users by email; *user_id (may be NULL) receives their
 * id. Errors as collab_add, naming "email" where it names "user_id"
 * (ERR_INVALID "no active user with email ..." for an unknown or disabled
 * one). */
int collab_add_email(Db *db, const Actor *actor, RecordKind kind, int64_t id, const char *email,
		     int64_t *user_id, int *added, Err *err) KITH_WARN_UNUSED;

/* Stop sharing record id of kind with user_id, audited as "unshare".
 * Errors as collab_add; ERR_NOT_FOUND naming "user_id" when the user is not
 * a collaborator. */
int collab_remove(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t user_id,
		  Err *err) KITH_WARN_UNUSED;

/* The collaborators of record id of kind, in the order they were added:
 * a JSON array of {"user_id","email","name","role","disabled","added_by",
 * "added_at"} (caller decrefs); a member sees no "role" and "disabled" (the
 * rule of user_get_as). Anyone who may see the record may list them, also
 * while it is in the trash. ERR_NOT_FOUND naming "id" when the
 * record is absent or hidden. */
int collab_list(Db *db, const Actor *actor, RecordKind kind, int64_t id, json_t **out,
		Err *err) KITH_WARN_UNUSED;

/* After record id of kind changed owner: the new owner stops being one of
 * its collaborators (an owner needs no share), audited on the record as
 * "unshare" by the actor (as collab_remove) when a share was removed.
 * Caller's transaction. */
int collab_drop_owner(Db *db, const Actor *actor, RecordKind kind, int64_t id,
		      Err *err) KITH_WARN_UNUSED;

/* After records of kind were handed to user_id in bulk (reassign): drop
 * the user's shares of the records they now own, each audited on its record
 * as "unshare" by the actor. Caller's transaction. */
int collab_prune_owned(Db *db, const Actor *actor, RecordKind kind, int64_t user_id,
		       Err *err) KITH_WARN_UNUSED;

/* A merge: give contact keep (owned by keep_owner, 0 = unassigned) the
 * collaborators of contact other, in the caller's transaction, as far as
 * the actor could share keep directly (issue 7): only keep's owner, an
 * owner or an admin may, so for anyone else nothing is copied. Keep's
 * owner, disabled users and existing collaborators are skipped; each share
 * added is audited on keep ("share", as collab_add). ERR_INVALID naming
 * "other_id" when keep would pass KITH_MAX_COLLABORATORS. */
int collab_merge_contacts(Db *db, const Actor *actor, int64_t keep, int64_t keep_owner,
			  int64_t other, Err *err) KITH_WARN_UNUSED;

#endif
