/* test_token.c - API tokens: shown once, stored as a hash, resolved to their
 * user, revoked, and made or seen only by whom the rules allow.
 * Behavioural, against token.h. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "core/audit.h"
#include "core/token.h"
#include "fixture.h"

static Fixture fx;
static const Actor sys = ACTOR_SYSTEM;
static Actor owner, admin, member, other;

static void setup(void)
{
	fixture_open(&fx, NULL);
	owner = fixture_user(&fx, "owner@example.com", "owner");
	admin = fixture_user(&fx, "admin@example.com", "admin");
	member = fixture_user(&fx, "member@example.com", "member");
	other = fixture_user(&fx, "other@example.com", "member");
}
static void teardown(void)
{
	fixture_close(&fx);
}

TestSuite(token, .init = setup, .fini = teardown);

static int64_t make(const Actor *a, const char *email, const char *name,
		    char secret[TOKEN_SECRET_LEN + 1])
{
	Err err = {0};
	int64_t id = 0;
	cr_assert_eq(token_create(fx.db, a, email, name, secret, &id, &err), KITH_OK, "%s",
		     err.msg);
	cr_assert_gt(id, 0);
	return id;
}

static json_t *list(const Actor *a)
{
	Err err = {0};
	json_t *l = NULL;
	cr_assert_eq(token_list(fx.db, a, &l, &err), KITH_OK, "%s", err.msg);
	return l;
}

Test(token, a_secret_resolves_to_its_user)
{
	char s1[TOKEN_SECRET_LEN + 1], s2[TOKEN_SECRET_LEN + 1];
	int64_t id = make(&sys, "member@example.com", "laptop", s1);
	make(&sys, "member@example.com", "laptop", s2);
	cr_expect_eq(strlen(s1), TOKEN_SECRET_LEN);
	cr_expect_eq(strncmp(s1, "kith_", 5), 0);
	for (const char *p = s1 + 5; *p; p++)
		cr_expect(
		    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p),
		    "base64url: %s", s1);
	cr_expect_str_neq(s1, s2, "every token is new");
	Actor a = {0};
	Err err = {0};
	cr_assert_eq(fixture_token_auth(&fx, s1, &a, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(a.user_id, member.user_id);
	cr_expect_eq(a.role, ROLE_MEMBER);
	/* only a hash is stored: the secret is nowhere in the table */
	DbStmt *st;
	cr_assert_eq(
	    db_prepare(fx.db, &st,
		       "SELECT COUNT(*) FROM api_token WHERE token_hash LIKE '%' || ? || '%' "
		       "OR name LIKE '%' || ? || '%' OR prefix LIKE '%' || ? || '%'",
		       &err),
	    KITH_OK, "%s", err.msg);
	db_bind_text(st, 1, s1 + 5);
	db_bind_text(st, 2, s1 + 5);
	db_bind_text(st, 3, s1 + 5);
	cr_assert_eq(db_step(st, &err), DB_ROW);
	cr_expect_eq(db_col_int(st, 0), 0);
	db_reset(st);
	json_t *l = list(&sys);
	cr_assert_eq(json_array_size(l), 2);
	json_t *t = json_array_get(l, 0);
	cr_expect_eq(fixture_int(t, "id"), id);
	cr_expect_eq(fixture_int(t, "user_id"), member.user_id);
	cr_expect_str_eq(fixture_str(t, "user_email"), "member@example.com");
	cr_expect_str_eq(fixture_str(t, "name"), "laptop");
	cr_expect_eq(strncmp(fixture_str(t, "prefix"), s1, strlen(fixture_str(t, "prefix"))), 0,
		     "the prefix shown is the start of the secret");
	cr_expect_lt(strlen(fixture_str(t, "prefix")), 16, "and only its start");
	cr_expect(json_is_false(json_object_get(t, "revoked")));
	cr_expect_not_null(fixture_str(t, "last_used_at"), "set by the authentication above");
	cr_expect(json_is_null(json_object_get(json_array_get(l, 1), "last_used_at")),
		  "never used");
	json_decref(l);
}

Test(token, bad_secrets_are_unauthorized)
{
	char s[TOKEN_SECRET_LEN + 1], changed[TOKEN_SECRET_LEN + 1], longer[TOKEN_SECRET_LEN + 2];
	make(&sys, "owner@example.com", NULL, s);
	memcpy(changed, s, sizeof changed);
	changed[20] = changed[20] == 'A' ? 'B' : 'A';
	snprintf(longer, sizeof longer, "%sA", s);
	char shorter[TOKEN_SECRET_LEN + 1];
	snprintf(shorter, sizeof shorter, "%.*s", TOKEN_SECRET_LEN - 1, s);
	char other_prefix[TOKEN_SECRET_LEN + 1];
	memcpy(other_prefix, s, sizeof other_prefix);
	memcpy(other_prefix, "KITH_", 5);
	const char *cases[] = {NULL,
			       "",
			       "kith_",
			       changed,
			       longer,
			       shorter,
			       other_prefix,
			       "Bearer kith_x",
			       "kith_ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Actor a = {.user_id = -5};
		Err err = {0};
		cr_expect_eq(fixture_token_auth(&fx, cases[i], &a, &err), ERR_UNAUTHORIZED,
			     "case %zu", i);
		cr_expect_eq(a.user_id, -5, "case %zu: no actor on failure", i);
	}
	Actor a = {0};
	Err err = {0};
	cr_expect_eq(fixture_token_auth(&fx, s, &a, &err), KITH_OK, "the real one still works");
}

Test(token, names_are_checked)
{
	char s[TOKEN_SECRET_LEN + 1], longest[KITH_MAX_SHORT + 1], too_long[KITH_MAX_SHORT + 2];
	memset(longest, 'n', KITH_MAX_SHORT);
	longest[KITH_MAX_SHORT] = '\0';
	memset(too_long, 'n', KITH_MAX_SHORT + 1);
	too_long[KITH_MAX_SHORT + 1] = '\0';
	Err err = {0};
	int64_t id = 0;
	make(&sys, "owner@example.com", "", s);
	make(&sys, "owner@example.com", longest, s);
	make(&sys, "owner@example.com", "แล็ปท็อป", s);
	cr_expect_eq(token_create(fx.db, &sys, "owner@example.com", too_long, s, &id, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "name");
	cr_expect_eq(token_create(fx.db, &sys, "owner@example.com", "bad \xff", s, &id, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "name");
	cr_expect_eq(token_create(fx.db, &sys, "nobody@example.com", "x", s, &id, &err),
		     ERR_NOT_FOUND);
	json_t *l = list(&sys);
	cr_assert_eq(json_array_size(l), 3, "refused tokens are not stored");
	cr_expect_str_eq(fixture_str(json_array_get(l, 0), "name"), "api", "the default name");
	cr_expect_str_eq(fixture_str(json_array_get(l, 2), "name"), "แล็ปท็อป");
	json_decref(l);
}

Test(token, who_may_make_tokens_for_whom)
{
	static const struct {
		const Actor *actor;
		const char *email;
		int rc;
	} cases[] = {
	    {&member, "member@example.com", KITH_OK},
	    {&member, "other@example.com", ERR_NOT_FOUND},
	    {&member, "owner@example.com", ERR_NOT_FOUND},
	    {&admin, "member@example.com", KITH_OK},
	    {&admin, "admin@example.com", KITH_OK},
	    {&admin, "owner@example.com", ERR_NOT_FOUND},
	    {&owner, "admin@example.com", KITH_OK},
	    {&owner, "owner@example.com", KITH_OK},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char s[TOKEN_SECRET_LEN + 1];
		int64_t id = 0;
		Err err = {0};
		int64_t before = fixture_count(&fx, "SELECT COUNT(*) FROM api_token");
		cr_expect_eq(token_create(fx.db, cases[i].actor, cases[i].email, "t", s, &id, &err),
			     cases[i].rc, "case %zu: %s", i, err.msg);
		cr_expect_eq(fixture_count(&fx, "SELECT COUNT(*) FROM api_token"),
			     before + (cases[i].rc == KITH_OK), "case %zu", i);
	}
}

Test(token, members_see_and_revoke_only_their_own)
{
	char s[TOKEN_SECRET_LEN + 1];
	int64_t mine = make(&member, "member@example.com", "mine", s);
	int64_t theirs = make(&other, "other@example.com", "theirs", s);
	json_t *l = list(&member);
	cr_assert_eq(json_array_size(l), 1);
	cr_expect_eq(fixture_int(json_array_get(l, 0), "id"), mine);
	json_decref(l);
	l = list(&admin);
	cr_expect_eq(json_array_size(l), 2, "admins see all");
	json_decref(l);
	Err err = {0};
	cr_expect_eq(token_revoke(fx.db, &member, theirs, &err), ERR_NOT_FOUND);
	Actor a = {0};
	cr_expect_eq(fixture_token_auth(&fx, s, &a, &err), KITH_OK, "not revoked");
	cr_expect_eq(token_revoke(fx.db, &member, mine, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(token_revoke(fx.db, &admin, theirs, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(fixture_token_auth(&fx, s, &a, &err), ERR_UNAUTHORIZED);
}

Test(token, revoked_is_final_and_audited)
{
	char s[TOKEN_SECRET_LEN + 1];
	int64_t id = make(&owner, "member@example.com", "ci", s);
	Err err = {0};
	cr_assert_eq(token_revoke(fx.db, &owner, id, &err), KITH_OK, "%s", err.msg);
	Actor a = {0};
	cr_expect_eq(fixture_token_auth(&fx, s, &a, &err), ERR_UNAUTHORIZED);
	cr_expect_eq(token_revoke(fx.db, &owner, id, &err), ERR_NOT_FOUND, "revoked once");
	cr_expect_str_eq(err.field, "id");
	cr_expect_eq(token_revoke(fx.db, &owner, id + 1000, &err), ERR_NOT_FOUND);
	json_t *l = list(&owner);
	cr_expect(json_is_true(json_object_get(json_array_get(l, 0), "revoked")));
	json_decref(l);
	cr_assert_eq(audit_list(fx.db, "token", id, 10, &l, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(json_array_size(l), 2);
	cr_expect_str_eq(fixture_str(json_array_get(l, 0), "action"), "revoke");
	cr_expect_str_eq(fixture_str(json_array_get(l, 1), "action"), "create");
	cr_expect_eq(fixture_int(json_array_get(l, 1), "user_id"), owner.user_id);
	json_t *ch = json_object_get(json_array_get(l, 1), "changes");
	cr_expect_eq(fixture_int(ch, "user_id"), member.user_id);
	char *dump = json_dumps(l, 0);
	cr_assert_not_null(dump);
	cr_expect_null(strstr(dump, s + 5), "no secret in the log");
	free(dump);
	json_decref(l);
}

Test(token, a_disabled_user_cannot_use_their_tokens)
{
	char s[TOKEN_SECRET_LEN + 1];
	make(&sys, "member@example.com", "t", s);
	Err err = {0};
	cr_assert_eq(db_exec_script(fx.db,
				    "UPDATE app_user SET disabled_at = '2026-01-01T00:00:00Z' "
				    "WHERE email = 'member@example.com'",
				    &err),
		     KITH_OK, "%s", err.msg);
	Actor a = {0};
	cr_expect_eq(fixture_token_auth(&fx, s, &a, &err), ERR_UNAUTHORIZED);
}

/* ---- token_check_memo: remembered, and exact ---- */

/* token_check_memo on connection db with memo *memo: its rc, and the
 * actor and stale id it found. */
static int memo_check(Db *db, void **memo, const char *s, Actor *a, int64_t *stale)
{
	Err err = {0};
	*a = (Actor){0};
	return token_check_memo(db, memo, s, a, stale, &err);
}

/* Run sql (no parameters) on its own connection: another process's CLI. */
static void elsewhere(const char *sql)
{
	Db *cli = NULL;
	Err err = {0};
	cr_assert_eq(db_open(&cli, fx.path, 0, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(db_exec_script(cli, sql, &err), KITH_OK, "%s", err.msg);
	db_close(cli);
}

Test(token, memo_forgets_a_revoked_token_at_once)
{
	char s[TOKEN_SECRET_LEN + 1], s2[TOKEN_SECRET_LEN + 1];
	int64_t id = make(&sys, "member@example.com", "t", s);
	int64_t id2 = make(&sys, "member@example.com", "t2", s2);
	void *memo = NULL;
	Actor a;
	int64_t stale;
	cr_assert_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK);
	cr_expect_not_null(memo);
	cr_expect_eq(a.user_id, member.user_id);
	cr_expect_eq(a.role, ROLE_MEMBER);
	cr_expect_eq(stale, id, "never used: its use is to be recorded");
	cr_assert_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK, "remembered");
	cr_expect_eq(a.user_id, member.user_id);
	/* recorded on this connection: the next check sees it */
	token_record_use(fx.db, id);
	cr_assert_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK);
	cr_expect_eq(stale, 0, "used today already");
	/* revoked by another connection (the CLI while the server runs) */
	elsewhere("UPDATE api_token SET revoked_at = '2026-01-01T00:00:00Z' WHERE name = 't'");
	cr_expect_eq(memo_check(fx.db, &memo, s, &a, &stale), ERR_UNAUTHORIZED);
	cr_expect_eq(a.user_id, 0);
	cr_expect_eq(memo_check(fx.db, &memo, s, &a, &stale), ERR_UNAUTHORIZED, "and stays so");
	/* revoked on this connection (the API on the same server thread) */
	cr_assert_eq(memo_check(fx.db, &memo, s2, &a, &stale), KITH_OK);
	Err err = {0};
	cr_assert_eq(token_revoke(fx.db, &sys, id2, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(memo_check(fx.db, &memo, s2, &a, &stale), ERR_UNAUTHORIZED);
	free(memo);
}

Test(token, memo_forgets_a_disabled_user_and_a_new_role_at_once)
{
	char s[TOKEN_SECRET_LEN + 1];
	make(&sys, "member@example.com", "t", s);
	void *memo = NULL;
	Actor a;
	int64_t stale;
	cr_assert_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK);
	cr_assert_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK);
	elsewhere("UPDATE app_user SET disabled_at = '2026-01-01T00:00:00Z' "
		  "WHERE email = 'member@example.com'");
	cr_expect_eq(memo_check(fx.db, &memo, s, &a, &stale), ERR_UNAUTHORIZED);
	elsewhere("UPDATE app_user SET disabled_at = NULL WHERE email = 'member@example.com'");
	cr_assert_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK, "enabled again");
	cr_expect_eq(a.role, ROLE_MEMBER);
	elsewhere("UPDATE app_user SET role = 'admin' WHERE email = 'member@example.com'");
	cr_assert_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK);
	cr_expect_eq(a.role, ROLE_ADMIN, "the new role");
	free(memo);
}

Test(token, memo_answers_from_the_snapshot_it_reads)
{
	char s[TOKEN_SECRET_LEN + 1];
	make(&sys, "member@example.com", "t", s);
	void *memo = NULL;
	Actor a;
	int64_t stale;
	Err err = {0};
	/* inside a request's read transaction: what that snapshot says */
	cr_assert_eq(db_begin_read(fx.db, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK);
	elsewhere("UPDATE api_token SET revoked_at = '2026-01-01T00:00:00Z'");
	cr_expect_eq(memo_check(fx.db, &memo, s, &a, &stale), KITH_OK, "same snapshot");
	cr_assert_eq(db_commit(fx.db, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(memo_check(fx.db, &memo, s, &a, &stale), ERR_UNAUTHORIZED, "the next one");
	/* a refused token inside the request's transaction does not doom it */
	cr_assert_eq(db_begin_read(fx.db, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(memo_check(fx.db, &memo, s, &a, &stale), ERR_UNAUTHORIZED);
	cr_expect_eq(db_commit(fx.db, &err), KITH_OK, "%s", err.msg);
	free(memo);
}

Test(token, memo_keeps_many_tokens_apart)
{
	enum { N = KITH_TOKEN_MEMO + 3 };
	char s[N][TOKEN_SECRET_LEN + 1];
	const char *const emails[] = {"owner@example.com", "admin@example.com",
				      "member@example.com", "other@example.com"};
	const Actor *const who[] = {&owner, &admin, &member, &other};
	void *memo = NULL;
	Actor a;
	int64_t stale;
	for (int i = 0; i < N; i++)
		make(&sys, emails[i % 4], "t", s[i]);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < N; i++) {
			cr_assert_eq(memo_check(fx.db, &memo, s[i], &a, &stale), KITH_OK,
				     "round %d token %d", round, i);
			cr_expect_eq(a.user_id, who[i % 4]->user_id, "round %d token %d", round, i);
			cr_expect_eq(a.role, who[i % 4]->role, "round %d token %d", round, i);
		}
	/* one character off is another token, remembered or not */
	char bad[TOKEN_SECRET_LEN + 1];
	memcpy(bad, s[0], sizeof bad);
	bad[TOKEN_SECRET_LEN - 1] = bad[TOKEN_SECRET_LEN - 1] == 'A' ? 'B' : 'A';
	cr_expect_eq(memo_check(fx.db, &memo, bad, &a, &stale), ERR_UNAUTHORIZED);
	cr_expect_eq(memo_check(fx.db, &memo, "kith_short", &a, &stale), ERR_UNAUTHORIZED);
	cr_expect_eq(memo_check(fx.db, &memo, s[0], &a, &stale), KITH_OK);
	free(memo);
}
