/* test_access.c - the role and ownership rules every domain call asks. */
#include <criterion/criterion.h>

#include "core/access.h"

Test(access, roles_by_name_and_back)
{
	static const struct {
		const char *name;
		Role role;
	} cases[] = {
	    {"owner", ROLE_OWNER},
	    {"admin", ROLE_ADMIN},
	    {"member", ROLE_MEMBER},
	    {"Owner", 0},
	    {"ADMIN", 0},
	    {"owner ", 0},
	    {"", 0},
	    {"root", 0},
	    {NULL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_expect_eq(role_parse(cases[i].name), cases[i].role, "'%s'",
			     cases[i].name ? cases[i].name : "(null)");
		if (cases[i].role)
			cr_expect_str_eq(role_name(cases[i].role), cases[i].name);
	}
	cr_expect_str_eq(role_name(0), "unknown");
	cr_expect_str_eq(role_name((Role)99), "unknown");
}

Test(access, who_sees_a_record_by_its_owner)
{
	const Actor sys = ACTOR_SYSTEM, owner = {1, ROLE_OWNER}, admin = {2, ROLE_ADMIN},
		    member = {3, ROLE_MEMBER}, other = {4, ROLE_MEMBER};
	static const struct {
		int64_t owner_id;
		int sys, owner, admin, member, other;
	} cases[] = {
	    {0, 1, 1, 1, 0, 0}, /* unassigned: members do not see it */
	    {1, 1, 1, 1, 0, 0}, {2, 1, 1, 1, 0, 0},  {3, 1, 1, 1, 1, 0},
	    {4, 1, 1, 1, 0, 1}, {99, 1, 1, 1, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t o = cases[i].owner_id;
		cr_expect_eq(access_can_see(&sys, o), cases[i].sys, "system, owner_id %lld",
			     (long long)o);
		cr_expect_eq(access_can_see(&owner, o), cases[i].owner, "owner, %lld",
			     (long long)o);
		cr_expect_eq(access_can_see(&admin, o), cases[i].admin, "admin, %lld",
			     (long long)o);
		cr_expect_eq(access_can_see(&member, o), cases[i].member, "member, %lld",
			     (long long)o);
		cr_expect_eq(access_can_see(&other, o), cases[i].other, "other, %lld",
			     (long long)o);
	}
	/* a member with no user id (never issued) sees no unassigned record */
	const Actor nobody = {0, ROLE_MEMBER};
	cr_expect_eq(access_can_see(&nobody, 0), 0);
	cr_expect_eq(access_is_admin(&sys), 1);
	cr_expect_eq(access_is_admin(&owner), 1);
	cr_expect_eq(access_is_admin(&admin), 1);
	cr_expect_eq(access_is_admin(&member), 0);
}

Test(access, who_may_act_for_whom)
{
	const Actor sys = ACTOR_SYSTEM, owner = {1, ROLE_OWNER}, owner2 = {5, ROLE_OWNER},
		    admin = {2, ROLE_ADMIN}, admin2 = {6, ROLE_ADMIN}, member = {3, ROLE_MEMBER},
		    member2 = {4, ROLE_MEMBER};
	static const char *const names[] = {"sys",    "owner",	"owner2", "admin",
					    "admin2", "member", "member2"};
	const Actor *who[] = {&sys, &owner, &owner2, &admin, &admin2, &member, &member2};
	/* rows: the actor; columns: the target, in the order of who[] */
	static const int may[7][7] = {
	    /* system acts as owner */
	    {1, 1, 1, 1, 1, 1, 1},
	    {1, 1, 1, 1, 1, 1, 1},
	    {1, 1, 1, 1, 1, 1, 1},
	    /* an admin may not act for an owner (the system is one), so
	     * cannot become one */
	    {0, 0, 0, 1, 1, 1, 1},
	    {0, 0, 0, 1, 1, 1, 1},
	    /* a member only for themselves */
	    {0, 0, 0, 0, 0, 1, 0},
	    {0, 0, 0, 0, 0, 0, 1},
	};
	for (int a = 0; a < 7; a++)
		for (int t = 0; t < 7; t++)
			cr_expect_eq(access_may_manage(who[a], who[t]), may[a][t], "%s for %s",
				     names[a], names[t]);
}
