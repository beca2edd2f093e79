/* access.h - who is acting, and what they may see. Every domain call takes
 * an Actor and asks here; no surface decides access on its own.
 * Depends on base/ only (base/actor.h holds the Actor value itself). */
#ifndef KITH_CORE_ACCESS_H
#define KITH_CORE_ACCESS_H

#include <stdint.h>

#include "base/actor.h" /* Actor, Role, ACTOR_SYSTEM: the value every layer carries */

/* 1 when the actor may see and change every record (owner, admin). */
int access_is_admin(const Actor *a);

/* 1 when the actor may see a record owned by owner_id (0 = unassigned).
 * Owners and admins see everything; a member sees what they own. Callers
 * answer ERR_NOT_FOUND, never "forbidden", when this is 0. Contacts,
 * companies and deals may also be shared with a member: check those with
 * record_can_see() (core/record.h), which asks here first. */
int access_can_see(const Actor *a, int64_t owner_id);

/* 1 when the actor may act for another user (set their password, make
 * them a token): themselves always; owners anyone; admins anyone but an
 * owner, so an admin cannot become an owner; members nobody else. */
int access_may_manage(const Actor *a, const Actor *target);

/* Role from its name ("owner", "admin", "member"); 0 when unknown. */
Role role_parse(const char *s);
const char *role_name(Role r);

#endif
