/* test_user.c - users, passwords, roles, tokens. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/token.h"
#include "core/user.h"
#include "fixture.h"

static Fixture fx;
static void setup(void)
{
	fixture_open(&fx, NULL);
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(user, .init = setup, .fini = teardown);

static Actor add_owner(void)
{
	Err err = {0};
	int64_t id = 0;
	Actor sys = ACTOR_SYSTEM, a;
	cr_assert_eq(user_add(fx.db, &sys, "Owner@Example.com", "Owner", "owner", "password1", &id,
			      &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(user_actor_by_email(fx.db, "owner@example.com", &a, &err), KITH_OK);
	cr_expect_eq(a.user_id, id);
	cr_expect_eq(a.role, ROLE_OWNER);
	return a;
}

Test(user, first_user_must_be_owner)
{
	Err err = {0};
	int64_t id;
	Actor sys = ACTOR_SYSTEM;
	cr_expect_eq(user_add(fx.db, &sys, "a@example.com", "A", "member", "password1", &id, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "role");
}

Test(user, validation_names_the_field)
{
	static const struct {
		const char *email, *name, *role, *pw, *field;
	} cases[] = {
		{"bad", "N", "admin", "password1", "email"},
		{"b@example.com", "", "admin", "password1", "name"},
		{"b@example.com", "N", "boss", "password1", "role"},
		{"b@example.com", "N", "admin", "short", "password"},
		{"owner@example.com", "N", "admin", "password1", "email"}, /* duplicate */
	};
	Actor owner = add_owner();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Err err = {0};
		int64_t id;
		cr_expect_neq(user_add(fx.db, &owner, cases[i].email, cases[i].name, cases[i].role,
				       cases[i].pw, &id, &err),
			      KITH_OK, "case %zu", i);
		cr_expect_str_eq(err.field, cases[i].field, "case %zu: %s", i, err.msg);
	}
	json_t *list = NULL;
	Err err = {0};
	cr_assert_eq(user_list(fx.db, &owner, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 1, "nothing stored by rejected adds");
	json_decref(list);
}

Test(user, members_cannot_add_users_and_admins_cannot_add_owners)
{
	Err err = {0};
	int64_t id;
	Actor owner = add_owner(), member, admin;
	cr_assert_eq(user_add(fx.db, &owner, "m@example.com", "M", "member", "password1", &id, &err),
		     KITH_OK);
	cr_assert_eq(user_add(fx.db, &owner, "ad@example.com", "Ad", "admin", "password1", &id, &err),
		     KITH_OK);
	cr_assert_eq(user_actor_by_email(fx.db, "M@EXAMPLE.COM", &member, &err), KITH_OK);
	cr_assert_eq(user_actor_by_email(fx.db, "ad@example.com", &admin, &err), KITH_OK);
	cr_expect_eq(user_add(fx.db, &member, "x@example.com", "X", "member", "password1", &id, &err),
		     ERR_FORBIDDEN);
	cr_expect_eq(user_add(fx.db, &admin, "y@example.com", "Y", "owner", "password1", &id, &err),
		     ERR_FORBIDDEN);
	cr_expect_eq(user_add(fx.db, &admin, "y@example.com", "Y", "member", "password1", &id, &err),
		     KITH_OK);
}

Test(user, password_login_and_change)
{
	Err err = {0};
	Actor owner = add_owner(), a;
	cr_expect_eq(user_login(fx.db, "owner@example.com", "password1", &a, &err), KITH_OK);
	cr_expect_eq(user_login(fx.db, "owner@example.com", "wrong-password", &a, &err),
		     ERR_UNAUTHORIZED);
	cr_expect_eq(user_login(fx.db, "nobody@example.com", "password1", &a, &err),
		     ERR_UNAUTHORIZED);
	cr_assert_eq(user_passwd(fx.db, &owner, "owner@example.com", "new-password", &err), KITH_OK);
	cr_expect_eq(user_login(fx.db, "owner@example.com", "password1", &a, &err), ERR_UNAUTHORIZED);
	cr_expect_eq(user_login(fx.db, "owner@example.com", "new-password", &a, &err), KITH_OK);
	cr_expect_eq(user_passwd(fx.db, &owner, "owner@example.com", "x", &err), ERR_INVALID);
}

Test(user, tokens_authenticate_until_revoked)
{
	Err err = {0};
	char secret[TOKEN_SECRET_LEN + 1];
	int64_t id;
	Actor owner = add_owner(), a;
	cr_assert_eq(token_create(fx.db, &owner, "owner@example.com", "ci", secret, &id, &err),
		     KITH_OK, "%s", err.msg);
	cr_expect_eq(strlen(secret), TOKEN_SECRET_LEN);
	cr_expect_eq(strncmp(secret, "kith_", 5), 0);
	cr_assert_eq(fixture_token_auth(&fx, secret, &a, &err), KITH_OK);
	cr_expect_eq(a.user_id, owner.user_id);
	cr_expect_eq(a.role, ROLE_OWNER);
	secret[10] ^= 1;
	cr_expect_eq(fixture_token_auth(&fx, secret, &a, &err), ERR_UNAUTHORIZED);
	secret[10] ^= 1;
	cr_expect_eq(fixture_token_auth(&fx, "kith_short", &a, &err), ERR_UNAUTHORIZED);
	json_t *list = NULL;
	cr_assert_eq(token_list(fx.db, &owner, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 1);
	char *dump = json_dumps(list, 0);
	cr_expect_null(strstr(dump, secret + 5), "secret never listed");
	free(dump);
	json_decref(list);
	cr_assert_eq(token_revoke(fx.db, &owner, id, &err), KITH_OK);
	cr_expect_eq(fixture_token_auth(&fx, secret, &a, &err), ERR_UNAUTHORIZED);
	cr_expect_eq(token_revoke(fx.db, &owner, id, &err), ERR_NOT_FOUND);
}

Test(user, member_tokens_are_their_own)
{
	Err err = {0};
	char secret[TOKEN_SECRET_LEN + 1];
	int64_t id, tid;
	Actor owner = add_owner(), member;
	cr_assert_eq(user_add(fx.db, &owner, "m@example.com", "M", "member", "password1", &id, &err),
		     KITH_OK);
	cr_assert_eq(user_actor_by_email(fx.db, "m@example.com", &member, &err), KITH_OK);
	cr_expect_eq(token_create(fx.db, &member, "owner@example.com", NULL, secret, &tid, &err),
		     ERR_NOT_FOUND);
	cr_assert_eq(token_create(fx.db, &owner, "owner@example.com", NULL, secret, &tid, &err),
		     KITH_OK);
	cr_expect_eq(token_revoke(fx.db, &member, tid, &err), ERR_NOT_FOUND);
	json_t *list = NULL;
	cr_assert_eq(token_list(fx.db, &member, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 0);
	json_decref(list);
}

Test(user, admins_cannot_act_for_owners)
{
	Err err = {0};
	char secret[TOKEN_SECRET_LEN + 1];
	int64_t id, tid;
	Actor owner = add_owner(), admin, sys = ACTOR_SYSTEM;
	cr_assert_eq(user_add(fx.db, &owner, "ad@example.com", "Ad", "admin", "password1", &id, &err),
		     KITH_OK);
	cr_assert_eq(user_actor_by_email(fx.db, "ad@example.com", &admin, &err), KITH_OK);
	cr_expect_eq(token_create(fx.db, &admin, "owner@example.com", NULL, secret, &tid, &err),
		     ERR_NOT_FOUND, "an admin must not get an owner's token");
	cr_expect_eq(user_passwd(fx.db, &admin, "owner@example.com", "admin-chose-it", &err),
		     ERR_NOT_FOUND, "an admin must not set an owner's password");
	cr_expect_eq(token_create(fx.db, &admin, "ad@example.com", NULL, secret, &tid, &err),
		     KITH_OK, "own token");
	cr_expect_eq(token_create(fx.db, &owner, "ad@example.com", NULL, secret, &tid, &err),
		     KITH_OK, "owners may act for admins");
	cr_expect_eq(token_create(fx.db, &sys, "owner@example.com", NULL, secret, &tid, &err),
		     KITH_OK, "the local system acts as owner");
}

static Actor add_user(const Actor *by, const char *email, const char *role)
{
	Err err = {0};
	int64_t id = 0;
	Actor a;
	cr_assert_eq(user_add(fx.db, by, email, "User", role, "password1", &id, &err), KITH_OK,
		     "%s", err.msg);
	cr_assert_eq(user_actor_by_email(fx.db, email, &a, &err), KITH_OK);
	return a;
}

/* issue 7: a disabled user keeps their data but cannot act: their tokens
 * stop at once, they cannot log in or be looked up as an actor, nor be
 * assigned; re-enabled, the same token works again. */
Test(user, disable_stops_tokens_and_login_and_enable_restores)
{
	Err err = {0};
	char secret[TOKEN_SECRET_LEN + 1];
	int64_t tid, uid = 0;
	int changed = -1;
	Actor owner = add_owner(), m = add_user(&owner, "m@example.com", "member"), a;
	cr_assert_eq(token_create(fx.db, &owner, "m@example.com", "ci", secret, &tid, &err),
		     KITH_OK);
	cr_assert_eq(fixture_token_auth(&fx, secret, &a, &err), KITH_OK);
	cr_assert_eq(user_set_disabled(fx.db, &owner, m.user_id, 1, &changed, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_eq(changed, 1);
	cr_expect_eq(fixture_token_auth(&fx, secret, &a, &err), ERR_UNAUTHORIZED);
	cr_expect_eq(user_login(fx.db, "m@example.com", "password1", &a, &err), ERR_UNAUTHORIZED);
	cr_expect_eq(user_actor_by_email(fx.db, "m@example.com", &a, &err), ERR_NOT_FOUND);
	cr_expect_eq(user_exists(fx.db, m.user_id), 0, "a disabled user cannot be assigned");
	cr_expect_eq(token_create(fx.db, &owner, "m@example.com", "x", secret, &tid, &err),
		     ERR_NOT_FOUND);
	/* still there, by email, in any state */
	cr_assert_eq(user_id_by_email(fx.db, "M@example.com", &uid, &err), KITH_OK);
	cr_expect_eq(uid, m.user_id);
	json_t *u = NULL;
	cr_assert_eq(user_get(fx.db, m.user_id, &u, &err), KITH_OK);
	cr_expect(json_is_true(json_object_get(u, "disabled")));
	cr_expect(json_is_string(json_object_get(u, "disabled_at")));
	json_decref(u);
	/* idempotent */
	cr_assert_eq(user_set_disabled(fx.db, &owner, m.user_id, 1, &changed, &err), KITH_OK);
	cr_expect_eq(changed, 0);
	cr_assert_eq(user_set_disabled(fx.db, &owner, m.user_id, 0, &changed, &err), KITH_OK);
	cr_expect_eq(changed, 1);
	cr_assert_eq(token_create(fx.db, &owner, "m@example.com", "ci2", secret, &tid, &err),
		     KITH_OK);
	cr_expect_eq(fixture_token_auth(&fx, secret, &a, &err), KITH_OK);
	cr_expect_eq(user_login(fx.db, "m@example.com", "password1", &a, &err), KITH_OK);
	cr_expect_eq(user_set_disabled(fx.db, &owner, 999, 1, &changed, &err), ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "id");
}

/* Who may disable whom: owners anyone, admins anyone but an owner, members
 * nobody; the last active owner never (nor anyone themselves). */
Test(user, disable_rules_and_the_last_active_owner)
{
	Err err = {0};
	int changed;
	Actor owner = add_owner(), sys = ACTOR_SYSTEM;
	Actor admin = add_user(&owner, "ad@example.com", "admin");
	Actor m = add_user(&owner, "m@example.com", "member");
	Actor m2 = add_user(&owner, "m2@example.com", "member");
	cr_expect_eq(user_set_disabled(fx.db, &m, m2.user_id, 1, &changed, &err), ERR_FORBIDDEN);
	cr_expect_eq(user_set_disabled(fx.db, &admin, owner.user_id, 1, &changed, &err),
		     ERR_FORBIDDEN);
	cr_expect_eq(user_set_disabled(fx.db, &owner, owner.user_id, 1, &changed, &err),
		     ERR_CONFLICT, "the last active owner, also for themselves");
	cr_expect_eq(user_set_disabled(fx.db, &admin, admin.user_id, 1, &changed, &err),
		     ERR_INVALID, "not yourself");
	cr_expect_str_eq(err.field, "id");
	cr_expect_eq(user_set_disabled(fx.db, &sys, owner.user_id, 1, &changed, &err), ERR_CONFLICT,
		     "the last active owner");
	cr_expect_not_null(strstr(err.msg, "last active owner"), "%s", err.msg);
	cr_expect_eq(user_set_disabled(fx.db, &admin, m.user_id, 1, &changed, &err), KITH_OK, "%s",
		     err.msg);
	/* a second owner: now one of them may go, then not the other */
	Actor o2 = add_user(&owner, "o2@example.com", "owner");
	cr_assert_eq(user_set_disabled(fx.db, &o2, owner.user_id, 1, &changed, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_eq(user_set_disabled(fx.db, &sys, o2.user_id, 1, &changed, &err), ERR_CONFLICT);
	/* the audit log has it */
	cr_assert_eq(user_set_disabled(fx.db, &sys, owner.user_id, 0, &changed, &err), KITH_OK);
	cr_expect_eq(changed, 1);
}

/* issue 7: members see who they may assign and share with (active users:
 * id, name, email); owners and admins every user with role, state and
 * creation time. */
Test(user, list_for_members_and_admins)
{
	Err err = {0};
	int changed;
	json_t *list = NULL, *e;
	size_t i;
	Actor owner = add_owner();
	Actor m = add_user(&owner, "m@example.com", "member");
	Actor gone = add_user(&owner, "gone@example.com", "member");
	cr_assert_eq(user_set_disabled(fx.db, &owner, gone.user_id, 1, &changed, &err), KITH_OK);
	cr_assert_eq(user_list(fx.db, &m, &list, &err), KITH_OK);
	cr_expect_eq(json_array_size(list), 2, "owner and m; not the disabled one");
	json_array_foreach(list, i, e)
	{
		cr_expect_eq(json_object_size(e), 3, "id, name, email only");
		cr_expect_not_null(json_object_get(e, "email"));
		cr_expect_null(json_object_get(e, "role"));
	}
	json_decref(list);
	cr_assert_eq(user_list(fx.db, &owner, &list, &err), KITH_OK);
	cr_assert_eq(json_array_size(list), 3);
	e = json_array_get(list, 2);
	cr_expect_str_eq(json_string_value(json_object_get(e, "role")), "member");
	cr_expect(json_is_true(json_object_get(e, "disabled")));
	cr_expect(json_is_string(json_object_get(e, "disabled_at")));
	cr_expect(json_is_false(json_object_get(json_array_get(list, 0), "disabled")));
	cr_expect(json_is_null(json_object_get(json_array_get(list, 0), "disabled_at")));
	cr_expect_not_null(json_object_get(e, "created_at"));
	json_decref(list);
}

/* Whose records a per-user list shows (the agenda's tasks, the due list):
 * a member their own whatever they name but another user, who is "no
 * user"; an owner, admin or the system what they name, the team for 0,
 * an active user only. */
Test(user, whose_records_members_own_admins_choose)
{
	static const Actor sys = ACTOR_SYSTEM;
	Actor owner = add_owner();
	Actor admin = fixture_user(&fx, "admin@example.com", "admin");
	Actor ann = fixture_user(&fx, "ann@example.com", "member");
	Actor bob = fixture_user(&fx, "bob@example.com", "member");
	Actor gone = fixture_user(&fx, "gone@example.com", "member");
	Err err = {0};
	int64_t uid = -1;
	cr_assert_eq(user_set_disabled(fx.db, &owner, gone.user_id, 1, NULL, &err), KITH_OK, "%s",
		     err.msg);

	cr_expect_eq(user_whose_records(fx.db, &ann, 0, &uid, &err), KITH_OK);
	cr_expect_eq(uid, ann.user_id, "a member naming nobody gets their own");
	cr_expect_eq(user_whose_records(fx.db, &ann, ann.user_id, &uid, &err), KITH_OK);
	cr_expect_eq(uid, ann.user_id);
	err = (Err){0};
	cr_expect_eq(user_whose_records(fx.db, &ann, bob.user_id, &uid, &err), ERR_NOT_FOUND);
	cr_expect_str_eq(err.field, "user_id");
	char want[64];
	snprintf(want, sizeof want, "no user %lld", (long long)bob.user_id);
	cr_expect_str_eq(err.msg, want, "a member learns nothing of other users");

	const Actor *admins[] = {&owner, &admin, &sys};
	for (size_t i = 0; i < sizeof admins / sizeof admins[0]; i++) {
		uid = -1;
		cr_expect_eq(user_whose_records(fx.db, admins[i], 0, &uid, &err), KITH_OK);
		cr_expect_eq(uid, 0, "case %zu: the team", i);
		cr_expect_eq(user_whose_records(fx.db, admins[i], bob.user_id, &uid, &err),
			     KITH_OK);
		cr_expect_eq(uid, bob.user_id, "case %zu", i);
		err = (Err){0};
		cr_expect_eq(user_whose_records(fx.db, admins[i], gone.user_id, &uid, &err),
			     ERR_NOT_FOUND, "case %zu: disabled", i);
		cr_expect_str_eq(err.field, "user_id");
		snprintf(want, sizeof want, "no active user %lld", (long long)gone.user_id);
		cr_expect_str_eq(err.msg, want);
		err = (Err){0};
		cr_expect_eq(user_whose_records(fx.db, admins[i], 999, &uid, &err), ERR_NOT_FOUND,
			     "case %zu: unknown", i);
		cr_expect_str_eq(err.field, "user_id");
	}
}
