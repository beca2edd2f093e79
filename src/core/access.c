/* access.c - the access rules by role and ownership; sharing with
 * collaborators is collab.c's. */
#include "core/access.h"

#include <string.h>

int access_is_admin(const Actor *a)
{
	return a->role == ROLE_OWNER || a->role == ROLE_ADMIN;
}

int access_can_see(const Actor *a, int64_t owner_id)
{
	return access_is_admin(a) || (owner_id != 0 && owner_id == a->user_id);
}

int access_may_manage(const Actor *a, const Actor *target)
{
	if (a->user_id && a->user_id == target->user_id)
		return 1;
	if (a->role == ROLE_OWNER)
		return 1;
	return a->role == ROLE_ADMIN && target->role != ROLE_OWNER;
}

Role role_parse(const char *s)
{
	if (!s)
		return 0;
	if (strcmp(s, "owner") == 0)
		return ROLE_OWNER;
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(s, "member") == 0)
		return ROLE_MEMBER;
	return 0;
}

const char *role_name(Role r)
{
	switch (r) {
	case ROLE_OWNER: return "owner";
	case ROLE_ADMIN: return "admin";
	case ROLE_MEMBER: return "member";
	default: return "unknown";
	}
}
