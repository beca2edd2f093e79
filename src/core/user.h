/* user.h - the people who log in: email, name, role, argon2id password.
 * Depends on store/, base/, libsodium. Owns table app_user. */
#ifndef KITH_CORE_USER_H
#define KITH_CORE_USER_H

#include <jansson.h>
#include <stdint.h>

#include "core/access.h"
#include "store/db.h"

/* Add a user. Only owners/admins (or the local system) may; only an owner may
 * add an owner. The first user of a workspace is always accepted and must be
 * an owner. Errors: ERR_INVALID naming email/name/role/password,
 * ERR_CONFLICT when the email exists, ERR_FORBIDDEN. */
int user_add(Db *db, const Actor *actor, const char *email, const char *name, const char *role,
	     const char *password, int64_t *id, Err *err) KITH_WARN_UNUSED;

/* Set a user's password. A user may change their own; owners/admins anyone's. */
int user_passwd(Db *db, const Actor *actor, const char *email, const char *password,
		Err *err) KITH_WARN_UNUSED;

/* The users the actor may know about, in id order, as a JSON array (caller
 * decrefs): for an owner or admin every user as user_get shows them; for a
 * member the active users they may assign and share with, each only
 * {"id","name","email"}. */
int user_list(Db *db, const Actor *actor, json_t **out, Err *err) KITH_WARN_UNUSED;

/* One user {"id","email","name","role","created_at","disabled",
 * "disabled_at"} (disabled_at null while active); caller decrefs.
 * ERR_NOT_FOUND naming "id" when absent. */
int user_get(Db *db, int64_t id, json_t **out, Err *err) KITH_WARN_UNUSED;

/* One user as the actor may see them, by the rule of user_list: an owner or
 * admin as user_get, a member only {"id","name","email"} (disabled users
 * too: they may still be named on a record). Errors as user_get. */
int user_get_as(Db *db, const Actor *actor, int64_t id, json_t **out, Err *err) KITH_WARN_UNUSED;

/* The id of the user with email (case-insensitive), active or disabled.
 * ERR_NOT_FOUND naming "email". */
int user_id_by_email(Db *db, const char *email, int64_t *id, Err *err) KITH_WARN_UNUSED;

/* Disable (disabled 1) or re-enable (0) user id (issue 7). A disabled user
 * keeps their records, shares and history but cannot act: their tokens
 * stop authenticating at once, they cannot log in or be acted as (--as),
 * and cannot be assigned or shared with (user_exists). Owners may disable
 * anyone, admins anyone but an owner, members nobody; nobody disables
 * themselves, and the last active owner stays (checked by the UPDATE
 * itself, so two owners disabling each other at once cannot both win).
 * *changed (may be NULL) is 0 when the user was in that state already
 * (nothing written), else 1 and the change is audited on the user
 * ("disable"/"enable", {"disabled_at": [old, new]}). Errors: ERR_NOT_FOUND
 * naming "id"; ERR_FORBIDDEN; ERR_INVALID naming "id" for oneself;
 * ERR_CONFLICT naming "id" for the last active owner. */
int user_set_disabled(Db *db, const Actor *actor, int64_t id, int disabled, int *changed,
		      Err *err) KITH_WARN_UNUSED;

/* Look up an active user by email (case-insensitive) and return it as an
 * Actor. ERR_NOT_FOUND naming field "email". */
int user_actor_by_email(Db *db, const char *email, Actor *out, Err *err) KITH_WARN_UNUSED;

/* 1 when id names an active user (for owner_id validation). */
int user_exists(Db *db, int64_t id);

/* Whose records a per-user list (the agenda's tasks, the due list) shows
 * when the actor asks for user_id (0 = not named): *uid gets the user to
 * filter by, 0 = the whole team. A member always gets their own: naming
 * nobody or themselves is *uid = their id, naming anyone else is
 * ERR_NOT_FOUND naming "user_id" ("no user N", as for any record a member
 * may not see). An owner or admin (or the local system) gets what they
 * named: 0 the team, or an active user, else ERR_NOT_FOUND naming
 * "user_id" ("no active user N"). One rule for task_agenda (crm/task.h)
 * and due_list (views/due.h). */
int user_whose_records(Db *db, const Actor *actor, int64_t user_id, int64_t *uid,
		       Err *err) KITH_WARN_UNUSED;

/* Apply in's "owner_id" to rec for a record called noun ("company",
 * "deal"): an active user or null; a member may only assign themselves,
 * may not leave the record unassigned; the acting user (not the local
 * system) owns what they create when in names no owner (creating set). ERR_INVALID naming "owner_id";
 * ERR_FORBIDDEN naming it when a member who is only a collaborator (rec's
 * owner is someone else) would change the owner (collab.h). */
int user_owner_apply(Db *db, const Actor *actor, const json_t *in, const char *noun,
		     int creating, json_t *rec, Err *err) KITH_WARN_UNUSED;

/* Check email + password. ERR_UNAUTHORIZED on any mismatch (same message
 * whether the user or the password was wrong). */
int user_login(Db *db, const char *email, const char *password, Actor *out,
	       Err *err) KITH_WARN_UNUSED;

#endif
