/* test_buf.c - the growable buffer: appends, its maximum, the sticky first
 * error, ownership. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"

Test(buf, empty_is_an_empty_string)
{
	Buf b;
	buf_init(&b, 0);
	cr_expect_str_eq(buf_str(&b), "");
	cr_expect_eq(b.len, 0);
	cr_expect_eq(b.max, KITH_MAX_BUF, "0 means the global maximum");
	cr_expect_eq(buf_failed(&b), 0);
	char *s = buf_take(&b);
	cr_assert_not_null(s, "take never returns NULL");
	cr_expect_str_eq(s, "");
	free(s);
	buf_free(&b);
	buf_free(&b); /* twice is harmless */
}

Test(buf, appends_of_every_kind)
{
	Buf b;
	buf_init(&b, 0);
	buf_adds(&b, "Zażółć");
	buf_addc(&b, ' ');
	buf_add(&b, "gęślą jaźń, ignored", strlen("gęślą jaźń"));
	buf_addf(&b, " %d%s", 42, "!");
	buf_add(&b, NULL, 0);
	buf_adds(&b, "");
	cr_expect_str_eq(buf_str(&b), "Zażółć gęślą jaźń 42!");
	cr_expect_eq(b.len, strlen("Zażółć gęślą jaźń 42!"));
	cr_expect_eq(buf_failed(&b), 0);
	buf_free(&b);
}

Test(buf, binary_bytes_keep_their_length)
{
	Buf b;
	buf_init(&b, 0);
	buf_add(&b, "a\0b", 3);
	cr_expect_eq(b.len, 3);
	cr_expect_eq(memcmp(b.data, "a\0b", 4), 0, "NUL-terminated after the bytes");
	buf_free(&b);
}

Test(buf, grows_across_many_appends)
{
	Buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 10000; i++)
		buf_addf(&b, "%04d", i % 10000);
	cr_expect_eq(b.len, 40000);
	cr_expect_eq(strncmp(buf_str(&b), "00000001", 8), 0);
	cr_expect_str_eq(buf_str(&b) + 39996, "9999");
	cr_expect_geq(b.cap, b.len + 1);
	buf_free(&b);
}

Test(buf, the_maximum_holds_and_the_first_error_sticks)
{
	static const struct {
		size_t max;
		const char *adds[4];
		const char *want; /* contents after the appends */
		int failed;
	} cases[] = {
	    /* max counts the NUL: 8 bytes hold 7 characters */
	    {8, {"1234567"}, "1234567", 0},
	    {8, {"12345678"}, "", 1},
	    {8, {"1234", "567"}, "1234567", 0},
	    {8, {"1234", "5678"}, "1234", 1},
	    /* after a failure, even a small append is refused */
	    {8, {"1234", "56789", "5"}, "1234", 1},
	    {1, {"x"}, "", 1},
	    {1, {""}, "", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Buf b;
		buf_init(&b, cases[i].max);
		for (int j = 0; j < 4 && cases[i].adds[j]; j++)
			buf_adds(&b, cases[i].adds[j]);
		cr_expect_str_eq(buf_str(&b), cases[i].want, "case %zu", i);
		cr_expect_eq(buf_failed(&b), cases[i].failed, "case %zu", i);
		cr_expect_leq(b.cap, cases[i].max, "case %zu: never allocates past max", i);
		buf_free(&b);
	}
}

Test(buf, formatted_append_past_the_maximum_fails)
{
	Buf b;
	buf_init(&b, 16);
	buf_addf(&b, "%s", "0123456789");
	buf_addf(&b, "%d", 123456);
	cr_expect_eq(buf_failed(&b), 1);
	cr_expect_str_eq(buf_str(&b), "0123456789");
	buf_addc(&b, 'x');
	cr_expect_str_eq(buf_str(&b), "0123456789", "sticky");
	buf_free(&b);
}

Test(buf, a_huge_length_fails_without_wrapping)
{
	Buf b;
	buf_init(&b, 0);
	buf_adds(&b, "ab");
	/* len + extra + 1 would wrap around SIZE_MAX */
	buf_add(&b, "x", SIZE_MAX);
	cr_expect_eq(buf_failed(&b), 1);
	cr_expect_str_eq(buf_str(&b), "ab");
	buf_add(&b, "x", SIZE_MAX - 1);
	cr_expect_eq(buf_failed(&b), 1);
	buf_free(&b);
}

Test(buf, reset_clears_contents_and_error)
{
	Buf b;
	buf_init(&b, 4);
	buf_adds(&b, "toolong");
	cr_expect_eq(buf_failed(&b), 1);
	buf_reset(&b);
	cr_expect_eq(buf_failed(&b), 0);
	cr_expect_str_eq(buf_str(&b), "");
	buf_adds(&b, "ok");
	cr_expect_str_eq(buf_str(&b), "ok");
	buf_reset(&b);
	cr_expect_str_eq(buf_str(&b), "");
	cr_expect_eq(b.len, 0);
	buf_free(&b);
}

Test(buf, take_hands_over_the_contents)
{
	Buf b;
	buf_init(&b, 0);
	buf_adds(&b, "สวัสดี");
	char *s = buf_take(&b);
	cr_expect_str_eq(s, "สวัสดี");
	cr_expect_null(b.data);
	cr_expect_eq(b.len, 0);
	cr_expect_str_eq(buf_str(&b), "");
	buf_adds(&b, "again");
	cr_expect_str_eq(buf_str(&b), "again", "usable after take");
	free(s);
	buf_free(&b);
}
