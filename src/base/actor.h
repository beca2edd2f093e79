/* actor.h - the Actor value: who is acting (a user id and their role).
 * libc only. The infrastructure carries it (Cli.actor, Req.actor) from the
 * surface that learns who is acting to the domain call that takes it, so
 * it lives down here as a plain value; what an actor may see and do (the
 * rules) stays in core/access.h, which includes this header.
 *
 * Why a value here rather than an opaque handle: every handler passes
 * &cli->actor or &req->actor to a domain call, and both structs are filled
 * on the stack per command or request. An opaque type would need an
 * allocation and a free per request and a getter per field for no gain: the
 * two fields are the whole of it, and only core/ gives them meaning. */
#ifndef KITH_BASE_ACTOR_H
#define KITH_BASE_ACTOR_H

#include <stdint.h>

typedef enum { ROLE_OWNER = 1, ROLE_ADMIN, ROLE_MEMBER } Role;

typedef struct Actor {
	int64_t user_id; /* app_user.id; 0 = the local system (CLI on the database file) */
	Role role;	 /* the user's role; the local system acts as owner */
} Actor;

/* The actor of local CLI commands run without a user (serve, backup, a
 * workspace without users yet): full rights, audited as "system". */
#define ACTOR_SYSTEM ((Actor){.user_id = 0, .role = ROLE_OWNER})

#endif
