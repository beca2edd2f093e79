/* test_date.c - civil dates and ISO instants. */
#include <criterion/criterion.h>

#include "base/date.h"

Test(date, valid_table)
{
	cr_expect(date_valid("2024-02-29"));
	cr_expect_not(date_valid("2023-02-29"));
	cr_expect(date_valid("2000-02-29"));
	cr_expect_not(date_valid("1900-02-29"));
	cr_expect_not(date_valid("2024-13-01"));
	cr_expect_not(date_valid("2024-04-31"));
	cr_expect_not(date_valid("2024-4-1"));
	cr_expect_not(date_valid("2024-04-01T00:00:00Z"));
	cr_expect_not(date_valid("abcd-ef-gh"));
	cr_expect_not(date_valid(NULL));
}

Test(date, iso_round_trip)
{
	time_t t;
	char out[21];
	cr_assert_eq(time_parse_iso("2026-11-22T13:05:00Z", &t), 0);
	time_iso(t, out);
	cr_expect_str_eq(out, "2026-11-22T13:05:00Z");
	cr_assert_eq(time_parse_iso("2026-11-22", &t), 0);
	time_iso(t, out);
	cr_expect_str_eq(out, "2026-11-22T00:00:00Z");
	cr_expect_eq(time_parse_iso("2026-11-22T25:00:00Z", &t), -1);
	cr_expect_eq(time_parse_iso("2026-11-22 13:05:00", &t), -1);
	cr_expect_eq(time_parse_iso("", &t), -1);
}
