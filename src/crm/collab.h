/* collab.h - sharing records with collaborators. Owns tables
 * contact_collaborator, company_collaborator and deal_collaborator
 * (migration 010). Depends on base/, store/, crm/{access, audit, user,
 * contact, company, deal}.
 *
 * The rule (issue 3): owners and admins see and change everything; a member
 * sees and changes the contacts, companies and deals they own or that are
 * shared with them. A collaborator may do everything the record's owner may,
 * except change its owner or manage its collaborators: only the record's
 * owner, an owner or an admin may share or unshare it. A member asking for a
 * record hidden from them gets "not found".
 *
 * Single records are checked with collab_can_see(); lists paste the SQL
 * fragments below into their own literal statements and bind them with
 * collab_bind_visible(), so every module decides visibility the same way. */
#ifndef KITH_CRM_COLLAB_H
#define KITH_CRM_COLLAB_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* The kinds of records that can be shared. */
typedef enum { COLLAB_CONTACT = 1, COLLAB_COMPANY, COLLAB_DEAL } CollabKind;

/* SQL: true when the user bound to its one parameter is a collaborator on
 * the kind record whose id is the SQL expression id_expr ("a.contact_id").
 * kind is the literal table prefix: "contact", "company" or "deal". A
 * primary-key probe of <kind>_collaborator. */
#define COLLAB_SHARED(kind, id_expr) COLLAB_SHARED_AT(kind, id_expr, "?")
/* COLLAB_SHARED with the user as the SQL parameter param ("?7"), for
 * statements that number their parameters. */
#define COLLAB_SHARED_AT(kind, id_expr, param)                                                     \
	"EXISTS (SELECT 1 FROM " kind "_collaborator cl WHERE cl." kind "_id = " id_expr           \
	" AND cl.user_id = " param ")"

/* SQL: true when the actor may see the kind record aliased alias (which has
 * owner_id and id columns): an owner or admin, the record's owner, or a
 * collaborator. Three parameters, bound by collab_bind_visible(). For an
 * owner or admin the first parameter is 1 and SQLite never runs the rest. */
#define COLLAB_VISIBLE(kind, alias)                                                                \
	"(? OR " alias ".owner_id = ? OR " COLLAB_SHARED(kind, alias ".id") ")"

/* Bind COLLAB_VISIBLE's three parameters from p on; returns the next
 * parameter number. */
int collab_bind_visible(DbStmt *st, int p, const Actor *actor);

/* 1 when the actor may see record id of kind owned by owner_id (0 =
 * unassigned): an owner or admin, the record's owner, or a collaborator.
 * A storage error reads as 0 (hidden). */
int collab_can_see(Db *db, const Actor *actor, CollabKind kind, int64_t id, int64_t owner_id);

/* "contact", "company", "deal"; the audit entity and table prefix. */
const char *collab_kind_name(CollabKind kind);

/* Share record id of kind with user_id, an active user other than the
 * record's owner. Sharing with an existing collaborator changes nothing
 * (idempotent); *added (may be NULL) is 1 when a share was written. The
 * change is audited on the record ("share", {"collaborator_id": [null,
 * user_id]}). Errors: ERR_NOT_FOUND naming "id" when the record is absent or
 * hidden from the actor; ERR_GONE when it is in the trash; ERR_FORBIDDEN when
 * the actor is a collaborator but neither its owner nor an owner/admin;
 * ERR_INVALID naming "user_id" for an unknown or disabled user or the
 * record's owner. */
int collab_add(Db *db, const Actor *actor, CollabKind kind, int64_t id, int64_t user_id, int *added,
	       Err *err) KITH_WARN_UNUSED;

/* collab_add for the active user with email (case-insensitive), for
 * surfaces that name users by email; *user_id (may be NULL) receives their
 * id. Errors as collab_add, naming "email" where it names "user_id"
 * (ERR_INVALID "no active user with email ..." for an unknown or disabled
 * one). */
int collab_add_email(Db *db, const Actor *actor, CollabKind kind, int64_t id, const char *email,
		     int64_t *user_id, int *added, Err *err) KITH_WARN_UNUSED;

/* Stop sharing record id of kind with user_id, audited as "unshare".
 * Errors as collab_add; ERR_NOT_FOUND naming "user_id" when the user is not
 * a collaborator. */
int collab_remove(Db *db, const Actor *actor, CollabKind kind, int64_t id, int64_t user_id,
		  Err *err) KITH_WARN_UNUSED;

/* The collaborators of record id of kind, in the order they were added:
 * a JSON array of {"user_id","email","name","role","disabled","added_by",
 * "added_at"} (caller decrefs); a member sees no "role" and "disabled" (the
 * rule of user_get_as). Anyone who may see the record may list them, also
 * while it is in the trash. ERR_NOT_FOUND naming "id" when the
 * record is absent or hidden. */
int collab_list(Db *db, const Actor *actor, CollabKind kind, int64_t id, json_t **out,
		Err *err) KITH_WARN_UNUSED;

/* After record id of kind changed owner: the new owner stops being one of
 * its collaborators (an owner needs no share), audited on the record as
 * "unshare" by the actor (as collab_remove) when a share was removed.
 * Caller's transaction. */
int collab_drop_owner(Db *db, const Actor *actor, CollabKind kind, int64_t id,
		      Err *err) KITH_WARN_UNUSED;

/* After records of kind were handed to user_id in bulk (reassign): drop
 * the user's shares of the records they now own, each audited on its record
 * as "unshare" by the actor. Caller's transaction. */
int collab_prune_owned(Db *db, const Actor *actor, CollabKind kind, int64_t user_id,
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
