/* test_cursor.c - keyset cursors survive a round trip; forgeries are refused. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "base/cursor.h"

Test(cursor, round_trip)
{
	char *key = NULL;
	int64_t id = 0;
	Err err = {0};
	char *c = cursor_encode("kowalska anna", 42);
	cr_assert_not_null(c);
	cr_assert_eq(cursor_decode(c, &key, &id, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(id, 42);
	cr_expect_str_eq(key, "kowalska anna");
	free(key);
	free(c);
	c = cursor_encode(NULL, 7);
	cr_assert_eq(cursor_decode(c, &key, &id, &err), KITH_OK);
	cr_expect_str_eq(key, "");
	cr_expect_eq(id, 7);
	free(key);
	free(c);
}

Test(cursor, rejects_forgeries)
{
	static const char *bad[] = {"", "zz", "abc", "00", "3a1f", "2d311f", "ff1f41"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *key = NULL;
		int64_t id = 0;
		Err err = {0};
		cr_expect_eq(cursor_decode(bad[i], &key, &id, &err), ERR_INVALID, "case %s", bad[i]);
		cr_expect_str_eq(err.field, "cursor");
	}
}
