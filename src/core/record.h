/* record.h - the record kinds of the CRM, the one rule that decides which
 * records a member sees, and the one check "may this actor see or link to
 * kind:id". Depends on base/, store/ and core/access; it knows the kinds'
 * tables only through its own SQL (no crm/ header): it is the one place that
 * declares how a record of each kind is found and who may see it.
 *
 * The rule (issues 3 and 7): owners and admins see everything (core/access).
 * A member sees a contact, company or deal they own or that is shared with
 * them (a row of <kind>_collaborator, written by crm/collab); an activity they
 * logged or a task assigned to or created by them; and an activity or task
 * linked to a contact, company or deal they own or that is shared with them.
 * Linking does not look at the trash: a record in the trash still shows what
 * is linked to it. A member asking for a record hidden from them gets "not
 * found", never "forbidden".
 *
 * Single records: record_check() (exists, visible, not in the trash) and
 * record_can_see() (visible, owner known). Lists paste the SQL fragments
 * below into their own literal statements and bind them with
 * record_bind_visible(), so every module decides visibility the same way.
 * The _AT forms take their parameters as SQL text ("?6", "?7") for
 * statements that number their parameters; the others use "?" and are bound
 * in order: the admin flag, then the user id as often as the rule needs. */
#ifndef KITH_CORE_RECORD_H
#define KITH_CORE_RECORD_H

#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* The kinds of records. Contacts, companies and deals have an owner and
 * may be shared with collaborators; activities and tasks are seen through
 * what they link to, and through their own user (activity) or assignee and
 * creator (task). 0 is no kind. */
typedef enum {
	RECORD_CONTACT = 1,
	RECORD_COMPANY,
	RECORD_DEAL,
	RECORD_ACTIVITY,
	RECORD_TASK
} RecordKind;

/* ---- SQL fragments of the rule -------------------------------------------
 * kind is the literal table name ("contact", "company", "deal"); alias and
 * x the literal alias of the row the statement reads; admin and user the
 * SQL text of the parameters that hold the admin flag (1 for owners and
 * admins, bound as an integer) and the actor's user id. The flag is tested
 * as "admin <> 0", not as a bare boolean parameter, so PostgreSQL types it
 * as an integer as SQLite does. admin may also be the literal "1" or "0":
 * a statement written twice, once for owners and admins and once for
 * members, gets on PostgreSQL one plan per variant that suits every
 * execution (the rule folded away in the first), where a parameter flag
 * makes the planner plan again at every execution (a custom plan, the flag
 * known, always looks cheaper than the generic one). views/timeline.c and
 * the board do so. */

/* True when user is a collaborator on the kind record whose id is the SQL
 * expression id_expr ("a.contact_id"): a primary-key probe of
 * <kind>_collaborator. */
#define RECORD_SHARED_AT(kind, id_expr, user)                                                      \
	"EXISTS (SELECT 1 FROM " kind "_collaborator rs WHERE rs." kind "_id = " id_expr           \
	" AND rs.user_id = " user ")"

/* True when the kind record aliased alias (columns id, owner_id) is owned
 * by user or shared with them. */
#define RECORD_MINE_AT(kind, alias, user)                                                          \
	"(" alias ".owner_id = " user " OR " RECORD_SHARED_AT(kind, alias ".id", user) ")"

/* True when the actor may see the kind record aliased alias: an owner or
 * admin, the record's owner, or a collaborator. For an owner or admin
 * SQLite never runs the rest. */
#define RECORD_VISIBLE_AT(kind, alias, admin, user)                                                \
	"(" admin " <> 0 OR " alias ".owner_id = " user                                            \
	" OR " RECORD_SHARED_AT(kind, alias ".id", user) ")"

/* True when the kind record whose id is id_expr (NULL: no link) is owned by
 * or shared with user. */
#define RECORD_LINK_MINE_AT(kind, id_expr, user)                                                   \
	"(EXISTS (SELECT 1 FROM " kind " rl WHERE rl.id = " id_expr " AND rl.owner_id = " user     \
	") OR " RECORD_SHARED_AT(kind, id_expr, user) ")"

/* True when the row aliased x (columns contact_id, company_id, deal_id)
 * links to a contact, company or deal owned by or shared with user. */
#define RECORD_LINKED_AT(x, user)                                                                  \
	RECORD_LINK_MINE_AT("contact", x ".contact_id", user)                                      \
	" OR " RECORD_LINK_MINE_AT("company", x ".company_id",                                     \
				   user) " OR " RECORD_LINK_MINE_AT("deal", x ".deal_id", user)

/* True when the actor may see the activity aliased x: an owner or admin,
 * the user who logged it, or RECORD_LINKED_AT. */
#define RECORD_ACTIVITY_VISIBLE_AT(x, admin, user)                                                 \
	"(" admin " <> 0 OR " x ".user_id = " user " OR " RECORD_LINKED_AT(x, user) ")"

/* True when the actor may see the task aliased x: an owner or admin, its
 * assignee or creator, or RECORD_LINKED_AT. */
#define RECORD_TASK_VISIBLE_AT(x, admin, user)                                                     \
	"(" admin " <> 0 OR " x ".assignee_id = " user " OR " x ".created_by = " user              \
	" OR " RECORD_LINKED_AT(x, user) ")"

/* The fragments with "?" parameters, bound by record_bind_visible(kind):
 * RECORD_PARAMS_OWNED, _ACTIVITY and _TASK parameters. */
#define RECORD_VISIBLE(kind, alias) RECORD_VISIBLE_AT(kind, alias, "?", "?")
#define RECORD_ACTIVITY_VISIBLE(x) RECORD_ACTIVITY_VISIBLE_AT(x, "?", "?")
#define RECORD_TASK_VISIBLE(x) RECORD_TASK_VISIBLE_AT(x, "?", "?")
enum { RECORD_PARAMS_OWNED = 3, RECORD_PARAMS_ACTIVITY = 8, RECORD_PARAMS_TASK = 9 };

/* Bind the parameters of kind's "?" fragment (RECORD_VISIBLE for contact,
 * company and deal, RECORD_ACTIVITY_VISIBLE, RECORD_TASK_VISIBLE) from
 * parameter p on: the admin flag, then the actor's user id. Returns the
 * next parameter number. */
int record_bind_visible(DbStmt *st, int p, const Actor *actor, RecordKind kind);

/* The fragments with the admin flag as a literal and the user id as "?":
 * for a statement written twice, admin "1" in the owners' and admins'
 * variant, "0" in the members' (access_is_admin chooses; see "admin may
 * also be the literal" above). Bound by record_bind_user(kind): one
 * parameter fewer than RECORD_PARAMS_*. */
#define RECORD_VISIBLE_IF(kind, alias, admin) RECORD_VISIBLE_AT(kind, alias, admin, "?")
#define RECORD_ACTIVITY_VISIBLE_IF(x, admin) RECORD_ACTIVITY_VISIBLE_AT(x, admin, "?")
#define RECORD_TASK_VISIBLE_IF(x, admin) RECORD_TASK_VISIBLE_AT(x, admin, "?")

/* Bind the user ids of kind's _IF fragment from parameter p on (the
 * actor's user id, RECORD_PARAMS_* - 1 times). Returns the next parameter
 * number. */
int record_bind_user(DbStmt *st, int p, const Actor *actor, RecordKind kind);

/* ---- kinds ---------------------------------------------------------------- */

/* The API name of kind ("contact", "company", "deal", "activity", "task"),
 * also its table, audit entity and, for the first three, the prefix of its
 * collaborator table; NULL for no kind. Static storage. */
const char *record_kind_name(RecordKind kind);

/* The kind named name (an API name above); 0 when name is NULL or no kind. */
RecordKind record_kind_parse(const char *name);

/* 1 when records of kind have an owner and may be shared (contact, company,
 * deal). */
int record_kind_shareable(RecordKind kind);

/* ---- single records -------------------------------------------------------- */

/* 1 when user_id is a collaborator on record id of a shareable kind; 0 when
 * not; -1 on a storage error (err set). */
int record_shared(Db *db, RecordKind kind, int64_t id, int64_t user_id, Err *err);

/* 1 when the actor may see record id of kind. For a shareable kind owner_id
 * is the record's owner (0 = unassigned), which the caller has read: only a
 * member who does not own it costs a probe of the collaborators. For an
 * activity or task owner_id is ignored and the record is read. A storage
 * error or an absent record reads as 0 (hidden). */
int record_can_see(Db *db, const Actor *actor, RecordKind kind, int64_t id, int64_t owner_id);

/* The link check: may the actor see (and so link to) record id of kind?
 * KITH_OK when it exists and the rule lets the actor see it, and it is not
 * in the trash unless include_deleted. Errors name field (the caller's
 * input, e.g. "id" or "contact_id"): ERR_NOT_FOUND "no contact #7" when the
 * record is absent or hidden from the actor; ERR_GONE "... is in the trash;
 * restore it first"; ERR_INTERNAL for no kind; a storage error. owner_id
 * (may be NULL) receives a shareable record's owner (0 = unassigned), 0 for
 * an activity or task. One statement: a point lookup and, for a member,
 * the probes of the rule. */
int record_check(Db *db, const Actor *actor, RecordKind kind, int64_t id, int include_deleted,
		 const char *field, int64_t *owner_id, Err *err) KITH_WARN_UNUSED;

/* record_check for a link about to be written (a deal's company_id, a
 * task's contact_id), inside the write transaction that writes it: the
 * record's row is locked for share until the transaction ends
 * (DB_FOR_SHARE). On PostgreSQL a purge or trash of the record in progress
 * is waited for, and the check then sees it gone or trashed, so the
 * writer answers ERR_NOT_FOUND / ERR_GONE as on SQLite rather than a
 * foreign-key failure (a storage error) at its INSERT; and the record
 * cannot be purged until the link is written. Errors as record_check;
 * ERR_BUSY after the lock timeout. */
int record_check_link(Db *db, const Actor *actor, RecordKind kind, int64_t id, int include_deleted,
		      const char *field, int64_t *owner_id, Err *err) KITH_WARN_UNUSED;

/* Inside a write transaction, lock record id of kind until the transaction
 * ends, before reading the state a change is computed from: a second
 * writer of the same record waits here and then reads what the first one
 * committed, so no update is lost and If-Match compares with the latest
 * version (DESIGN.md: enforced by the database, never by "SQLite lets one
 * writer in at a time"). PostgreSQL: the row's FOR UPDATE lock; SQLite:
 * BEGIN IMMEDIATE already serialises writers. Says nothing about access
 * and nothing when the record is absent (the caller's own read reports
 * that). ERR_INTERNAL for no kind; ERR_BUSY after the lock timeout;
 * ERR_STORAGE. */
int record_lock(Db *db, RecordKind kind, int64_t id, Err *err) KITH_WARN_UNUSED;

/* record_lock of two records of kind in id order (a merge), so two
 * writers that lock the same pair never wait for each other in a cycle. */
int record_lock_pair(Db *db, RecordKind kind, int64_t a, int64_t b, Err *err) KITH_WARN_UNUSED;

#endif
