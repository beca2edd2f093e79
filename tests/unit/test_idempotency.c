/* test_idempotency.c - the store of Idempotency-Key responses: lookup per
 * user, replacement, expiry after KITH_IDEMPOTENCY_TTL_S, purge. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/limits.h"
#include "fixture.h"
#include "store/idempotency.h"

static Fixture fx;
static void setup(void)
{
	fixture_open(&fx, NULL);
}
static void teardown(void)
{
	fixture_close(&fx);
}
TestSuite(idempotency, .init = setup, .fini = teardown);

static const time_t t0 = 1800000000; /* 2027-01-15 */

static int find(int64_t user, const char *key, time_t now, IdempotencyRecord *rec)
{
	Err err = {0};
	int found = -1;
	cr_assert_eq(idempotency_find(fx.db, user, key, now, rec, &found, &err), KITH_OK, "%s",
		     err.msg);
	return found;
}

Test(idempotency, save_then_find)
{
	Err err = {0};
	IdempotencyRecord rec;
	cr_expect_eq(find(1, "k1", t0, &rec), 0);
	cr_assert_eq(idempotency_save(fx.db, 1, "k1", "abc", 201, "{\"id\":5}",
				      "/api/v1/contacts/5", "\"1\"", t0, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(find(1, "k1", t0 + 10, &rec), 1);
	cr_expect_str_eq(rec.request_hash, "abc");
	cr_expect_eq(rec.status, 201);
	cr_expect_str_eq(rec.body, "{\"id\":5}");
	cr_expect_str_eq(rec.location, "/api/v1/contacts/5");
	cr_expect_str_eq(rec.etag, "\"1\"");
	idempotency_record_free(&rec);
	cr_expect_null(rec.body);
	/* keys are per user */
	cr_expect_eq(find(2, "k1", t0 + 10, &rec), 0);
	cr_expect_eq(find(1, "K1", t0 + 10, &rec), 0);
}

Test(idempotency, no_body_no_location)
{
	Err err = {0};
	IdempotencyRecord rec;
	cr_assert_eq(idempotency_save(fx.db, 1, "k", "h", 204, NULL, NULL, NULL, t0, &err), KITH_OK);
	cr_assert_eq(find(1, "k", t0, &rec), 1);
	cr_expect_str_eq(rec.body, "");
	cr_expect_str_eq(rec.location, "");
	idempotency_record_free(&rec);
}

Test(idempotency, expiry_and_replacement)
{
	Err err = {0};
	IdempotencyRecord rec;
	cr_assert_eq(idempotency_save(fx.db, 1, "k", "old", 201, "{}", NULL, NULL, t0, &err), KITH_OK);
	cr_expect_eq(find(1, "k", t0 + KITH_IDEMPOTENCY_TTL_S, &rec), 1);
	idempotency_record_free(&rec);
	cr_expect_eq(find(1, "k", t0 + KITH_IDEMPOTENCY_TTL_S + 1, &rec), 0);
	/* an expired key may be used again */
	cr_assert_eq(idempotency_save(fx.db, 1, "k", "new", 422, "{\"x\":1}", NULL, NULL,
				      t0 + KITH_IDEMPOTENCY_TTL_S + 1, &err),
		     KITH_OK, "%s", err.msg);
	cr_assert_eq(find(1, "k", t0 + KITH_IDEMPOTENCY_TTL_S + 2, &rec), 1);
	cr_expect_str_eq(rec.request_hash, "new");
	cr_expect_eq(rec.status, 422);
	idempotency_record_free(&rec);
}

Test(idempotency, purge_removes_only_expired)
{
	Err err = {0};
	IdempotencyRecord rec;
	cr_assert_eq(idempotency_save(fx.db, 1, "old", "h", 201, "{}", NULL, NULL, t0, &err), KITH_OK);
	cr_assert_eq(idempotency_save(fx.db, 1, "new", "h", 201, "{}", NULL, NULL, t0 + 100, &err),
		     KITH_OK);
	cr_assert_eq(idempotency_purge(fx.db, t0 + KITH_IDEMPOTENCY_TTL_S + 50, &err), KITH_OK);
	cr_expect_eq(db_changes(fx.db), 1);
	cr_expect_eq(find(1, "new", t0 + 100, &rec), 1);
	idempotency_record_free(&rec);
	cr_expect_eq(find(1, "old", t0, &rec), 0);
}
