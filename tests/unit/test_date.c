/* test_date.c - civil dates, their arithmetic, ISO instants, and the
 * texts people type (base/when.h), at the edges of what kith represents:
 * the years 1000 and 9999, leap days, leap seconds, offsets that push an
 * instant across a year bound. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/when.h"

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
	cr_expect_not(date_valid("0999-12-31"));
	cr_expect(date_valid("1000-01-01"));
	cr_expect(date_valid("9999-12-31"));
	cr_expect_not(date_valid(NULL));
}

Test(date, iso_round_trip)
{
	time_t t;
	char out[21];
	cr_assert_eq(time_parse_iso("2026-11-22T13:05:00Z", &t), 0);
	cr_assert_eq(time_iso(t, out), 0);
	cr_expect_str_eq(out, "2026-11-22T13:05:00Z");
	cr_assert_eq(time_parse_iso("2026-11-22", &t), 0);
	cr_assert_eq(time_iso(t, out), 0);
	cr_expect_str_eq(out, "2026-11-22T00:00:00Z");
	cr_expect_eq(time_parse_iso("2026-11-22T25:00:00Z", &t), -1);
	cr_expect_eq(time_parse_iso("2026-11-22 13:05:00", &t), -1);
	cr_expect_eq(time_parse_iso("", &t), -1);
}

/* The issue 7 bug: second 60 late in 9999 became the year 10000 and was
 * written into 21 bytes without a terminating NUL. */
Test(date, leap_second_at_the_end_of_9999_is_refused)
{
	time_t t = 42;
	char out[21];
	cr_expect_eq(time_parse_iso("9999-12-31T23:59:60Z", &t), -1);
	cr_expect_eq(t, 42);
	cr_assert_eq(time_parse_iso("9999-12-31T23:59:59Z", &t), 0);
	cr_expect_eq(t, TIME_MAX);
	cr_assert_eq(time_parse_iso("2016-12-31T23:59:60Z", &t), 0);
	cr_assert_eq(time_iso(t, out), 0);
	cr_expect_str_eq(out, "2017-01-01T00:00:00Z");
	cr_assert_eq(time_parse_iso("1000-01-01T00:00:00Z", &t), 0);
	cr_expect_eq(t, TIME_MIN);
}

Test(date, formatters_refuse_what_they_cannot_write)
{
	char out[21], day[11];
	memset(out, 'x', sizeof out);
	cr_expect_eq(time_iso(TIME_MAX + 1, out), -1);
	cr_expect_str_eq(out, "");
	cr_expect_eq(time_iso(TIME_MIN - 1, out), -1);
	cr_expect_str_eq(out, "");
	cr_assert_eq(time_iso(TIME_MAX, out), 0);
	cr_expect_str_eq(out, "9999-12-31T23:59:59Z");
	cr_assert_eq(time_iso(TIME_MIN, out), 0);
	cr_expect_str_eq(out, "1000-01-01T00:00:00Z");
	cr_assert_eq(time_iso(-1, out), 0);
	cr_expect_str_eq(out, "1969-12-31T23:59:59Z");
	memset(day, 'x', sizeof day);
	cr_expect_eq(date_format(date_days_from_civil(10000, 1, 1), day), -1);
	cr_expect_str_eq(day, "");
	cr_expect_eq(date_format(date_days_from_civil(999, 12, 31), day), -1);
	cr_expect_eq(date_format(INT64_MAX / 2, day), -1);
	cr_expect_eq(date_format(INT64_MIN / 2, day), -1);
	cr_assert_eq(date_format(date_days_from_civil(9999, 12, 31), day), 0);
	cr_expect_str_eq(day, "9999-12-31");
}

Test(date, civil_days_and_weekdays)
{
	int64_t z, y;
	int m, d;
	cr_expect_eq(date_days_from_civil(1970, 1, 1), 0);
	cr_expect_eq(date_days_from_civil(2000, 3, 1), 11017);
	cr_assert_eq(date_parse("2028-02-29", &z), 0);
	date_civil_from_days(z, &y, &m, &d);
	cr_expect(y == 2028 && m == 2 && d == 29);
	cr_expect_eq(date_parse("2027-02-29", &z), -1);
	cr_expect_eq(date_weekday(0), 4);				  /* Thursday */
	cr_expect_eq(date_weekday(date_days_from_civil(2026, 12, 3)), 4); /* Thursday */
	cr_expect_eq(date_weekday(date_days_from_civil(2026, 12, 7)), 1); /* Monday */
	cr_expect_eq(date_weekday(date_days_from_civil(1000, 1, 1)), 3);  /* Wednesday */
	for (int64_t k = date_days_from_civil(1000, 1, 1); k < date_days_from_civil(1001, 1, 1);
	     k += 13) {
		date_civil_from_days(k, &y, &m, &d);
		cr_assert_eq(date_days_from_civil(y, m, d), k);
	}
}

Test(date, arithmetic_clamps_months_and_stays_in_range)
{
	static const struct {
		const char *date;
		int n;
		char unit;
		const char *want;
	} cases[] = {
	    {"2026-01-31", 1, 'm', "2026-02-28"},   {"2028-01-31", 1, 'm', "2028-02-29"},
	    {"2026-03-31", 1, 'm', "2026-04-30"},   {"2026-12-15", 1, 'm', "2027-01-15"},
	    {"2026-01-31", 13, 'm', "2027-02-28"},  {"2026-02-28", 1, 'd', "2026-03-01"},
	    {"2028-02-28", 1, 'd', "2028-02-29"},   {"2026-12-29", 1, 'w', "2027-01-05"},
	    {"2026-01-01", 365, 'd', "2027-01-01"}, {"2000-02-29", 12, 'm', "2001-02-28"},
	    {"2026-03-01", -1, 'd', "2026-02-28"},  {"2026-03-31", -1, 'm', "2026-02-28"},
	    {"9999-12-30", 1, 'd', "9999-12-31"},   {"1000-01-02", -1, 'd', "1000-01-01"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[11];
		cr_assert_eq(date_add(cases[i].date, cases[i].n, cases[i].unit, out), 0);
		cr_assert_str_eq(out, cases[i].want, "%s + %d%c", cases[i].date, cases[i].n,
				 cases[i].unit);
	}
	char out[11];
	cr_expect_eq(date_add("2026-02-30", 1, 'd', out), -1);
	cr_expect_eq(date_add("9999-12-31", 1, 'd', out), -1);
	cr_expect_str_eq(out, "");
	cr_expect_eq(date_add("9999-12-01", 1, 'm', out), -1);
	cr_expect_eq(date_add("1000-01-01", -1, 'd', out), -1);
	cr_expect_eq(date_add("1000-01-31", -1, 'm', out), -1);
	cr_expect_eq(date_add("2026-01-01", 1, 'y', out), -1);
}

/* ---- when_parse -------------------------------------------------------- */

/* 2026-12-03T09:30:00Z, a Thursday: 16:30 in Bangkok. */
static const time_t NOW = 1796290200;

/* The result of when_parse on a heap copy of text (so the sanitizer sees
 * any read past its end): the date or instant, "invalid" or "other". */
static const char *iso_of(const char *text, const char *zone, int flags)
{
	static When w;
	Err err = {0};
	char *copy = strdup(text);
	int rc = when_parse(copy, zone, NOW, flags, "at", &w, &err);
	free(copy);
	if (rc != KITH_OK)
		return err.code == ERR_INVALID && !strcmp(err.field, "at") ? "invalid" : "other";
	return w.kind == WHEN_INSTANT_KIND ? w.iso : w.date;
}

Test(when, instants_with_offsets_and_local_times)
{
	static const struct {
		const char *text, *zone, *want;
	} cases[] = {
	    {"2026-12-03T14:00:00Z", "Asia/Bangkok", "2026-12-03T14:00:00Z"},
	    {"2026-12-03t14:00:00z", "UTC", "2026-12-03T14:00:00Z"},
	    {"2026-12-03T14:00:00+07:00", "UTC", "2026-12-03T07:00:00Z"},
	    {"2026-12-03T14:00:00+0700", "UTC", "2026-12-03T07:00:00Z"},
	    {"2026-12-03T14:00+07", "UTC", "2026-12-03T07:00:00Z"},
	    {"2026-12-03T14:00:00-05:30", "UTC", "2026-12-03T19:30:00Z"},
	    {"2026-12-03T14:00:00.999Z", "UTC", "2026-12-03T14:00:00Z"},
	    {"2026-12-03 14:00", "Asia/Bangkok", "2026-12-03T07:00:00Z"},
	    {"2026-12-03T14:00", "Asia/Bangkok", "2026-12-03T07:00:00Z"},
	    {"2026-12-03 14:00:30", "Europe/Warsaw", "2026-12-03T13:00:30Z"},
	    {"2026-07-03 14:00", "Europe/Warsaw", "2026-07-03T12:00:00Z"},
	    /* a wall time that does not occur (02:30 on 2026-03-29 in Warsaw) */
	    {"2026-03-29 02:30", "Europe/Warsaw", "2026-03-29T01:30:00Z"},
	    /* one that occurs twice: its first occurrence (still summer time) */
	    {"2026-10-25 02:30", "Europe/Warsaw", "2026-10-25T00:30:00Z"},
	    {"2028-02-29 12:00", "UTC", "2028-02-29T12:00:00Z"},
	    {"2016-12-31T23:59:60Z", "UTC", "2017-01-01T00:00:00Z"},
	    {"9999-12-31T23:59:59Z", "UTC", "9999-12-31T23:59:59Z"},
	    {"1000-01-01T00:00:00Z", "UTC", "1000-01-01T00:00:00Z"},
	    /* the edges, pushed across by a leap second or an offset */
	    {"9999-12-31T23:59:60Z", "UTC", "invalid"},
	    {"9999-12-31T23:59:60+00:00", "UTC", "invalid"},
	    {"9999-12-31T23:00:00-01:00", "UTC", "invalid"},
	    {"9999-12-31 23:30", "America/New_York", "invalid"},
	    {"1000-01-01T00:30:00+01:00", "UTC", "invalid"},
	    {"1000-01-01 00:30", "Asia/Bangkok", "invalid"},
	    {"9999-12-31T23:59:59+00:00", "UTC", "9999-12-31T23:59:59Z"},
	    {"1000-01-01T00:30:00-01:00", "UTC", "1000-01-01T01:30:00Z"},
	    /* malformed */
	    {"2027-02-29 12:00", "UTC", "invalid"},
	    {"2026-12-03T24:00:00Z", "UTC", "invalid"},
	    {"2026-12-03T14:60Z", "UTC", "invalid"},
	    {"2026-12-03T14:00:61Z", "UTC", "invalid"},
	    {"2026-12-03T14:00:00+19:00", "UTC", "invalid"},
	    {"2026-12-03T14:00:00+07:60", "UTC", "invalid"},
	    {"2026-12-03T14:00:00+7", "UTC", "invalid"},
	    {"2026-12-03T14:00:00.Z", "UTC", "invalid"},
	    {"2026-12-03T14:00:00ZZ", "UTC", "invalid"},
	    {"2026-12-03T14", "UTC", "invalid"},
	    /* cut short after a separator: nothing is read past the end */
	    {"2026-12-03T14:", "UTC", "invalid"},
	    {"2026-12-03T14:0", "UTC", "invalid"},
	    {"2026-12-03T14:00:", "UTC", "invalid"},
	    {"2026-12-03T14:00:5", "UTC", "invalid"},
	    {"2026-12-03T14:00:00.", "UTC", "invalid"},
	    {"2026-12-03T14:00:00+", "UTC", "invalid"},
	    {"2026-12-03T14:00:00+07:", "UTC", "invalid"},
	    {"2026-12-03T", "UTC", "invalid"},
	    {"2026-12-03T1", "UTC", "invalid"},
	    {"2026-12-03X14:00", "UTC", "invalid"},
	    {"+2026-12-03", "UTC", "invalid"},
	    {"", "UTC", "invalid"},
	    {"tomorrow", "UTC", "invalid"}, /* no WHEN_RELATIVE */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_str_eq(iso_of(cases[i].text, cases[i].zone, WHEN_INSTANT), cases[i].want,
				 "%s in %s", cases[i].text, cases[i].zone);
}

Test(when, dates_midnights_and_what_the_flags_allow)
{
	cr_expect_str_eq(iso_of("2026-12-03", "UTC", WHEN_DATE), "2026-12-03");
	cr_expect_str_eq(iso_of("2026-12-03", "UTC", WHEN_INSTANT), "invalid");
	cr_expect_str_eq(iso_of("2026-12-03 10:00", "UTC", WHEN_DATE), "invalid");
	cr_expect_str_eq(iso_of("2026-12-03", "Asia/Bangkok", WHEN_INSTANT | WHEN_MIDNIGHT),
			 "2026-12-02T17:00:00Z");
	cr_expect_str_eq(iso_of("1000-01-01", "Asia/Bangkok", WHEN_INSTANT | WHEN_MIDNIGHT),
			 "invalid");
	cr_expect_str_eq(iso_of("9999-12-31", "America/New_York", WHEN_MIDNIGHT),
			 "9999-12-31T05:00:00Z");
	cr_expect_str_eq(iso_of("2026-12-03 10:00", "UTC", WHEN_DATE | WHEN_INSTANT),
			 "2026-12-03T10:00:00Z");
	cr_expect_str_eq(iso_of("2026-12-03", "UTC", WHEN_DATE | WHEN_INSTANT), "2026-12-03");
	cr_expect_str_eq(iso_of("2026-13-03", "UTC", WHEN_DATE), "invalid");
	cr_expect_str_eq(iso_of("2026-12-03", "Mars/Olympus", WHEN_MIDNIGHT), "other");
}

Test(when, relative_days_in_the_zone)
{
	const int f = WHEN_DATE | WHEN_RELATIVE;
	/* 09:30 UTC is still 2026-12-03 in UTC and Bangkok, already past
	 * midnight; in Honolulu (UTC-10) it is 2026-12-02 */
	cr_expect_str_eq(iso_of("today", "UTC", f), "2026-12-03");
	cr_expect_str_eq(iso_of("Today", "Asia/Bangkok", f), "2026-12-03");
	cr_expect_str_eq(iso_of("today", "Pacific/Honolulu", f), "2026-12-02");
	cr_expect_str_eq(iso_of("tomorrow", "UTC", f), "2026-12-04");
	cr_expect_str_eq(iso_of("yesterday", "UTC", f), "2026-12-02");
	cr_expect_str_eq(iso_of("+3d", "UTC", f), "2026-12-06");
	cr_expect_str_eq(iso_of("-1d", "UTC", f), "2026-12-02");
	cr_expect_str_eq(iso_of("+2w", "UTC", f), "2026-12-17");
	cr_expect_str_eq(iso_of("+1m", "UTC", f), "2027-01-03");
	cr_expect_str_eq(iso_of("friday", "UTC", f), "2026-12-04");
	cr_expect_str_eq(iso_of("thursday", "UTC", f), "2026-12-10"); /* never today */
	cr_expect_str_eq(iso_of("Mon", "UTC", f), "2026-12-07");
	cr_expect_str_eq(iso_of("wednesday", "Pacific/Honolulu", f), "2026-12-09");
	cr_expect_str_eq(iso_of("2026-12-24", "UTC", f), "2026-12-24");
	cr_expect_str_eq(iso_of("tomorrow", "Asia/Bangkok", WHEN_MIDNIGHT | WHEN_RELATIVE),
			 "2026-12-03T17:00:00Z");
	const int fi = WHEN_DATE | WHEN_INSTANT | WHEN_RELATIVE;
	cr_expect_str_eq(iso_of("tomorrow 14:00", "Asia/Bangkok", fi), "2026-12-04T07:00:00Z");
	cr_expect_str_eq(iso_of("fri 09:30", "UTC", fi), "2026-12-04T09:30:00Z");
	cr_expect_str_eq(iso_of("+1d 10:00+02:00", "UTC", fi), "2026-12-04T08:00:00Z");
	cr_expect_str_eq(iso_of("tomorrow 25:00", "UTC", fi), "invalid");
	cr_expect_str_eq(iso_of("tomorrow ", "UTC", fi), "invalid");
	cr_expect_str_eq(iso_of("tomorrow 14:00", "UTC", f), "invalid"); /* no WHEN_INSTANT */
	cr_expect_str_eq(iso_of("soon 14:00", "UTC", fi), "invalid");
	cr_expect_str_eq(iso_of("+100000d", "UTC", f), "2300-09-18");
	cr_expect_str_eq(iso_of("+100000m", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("-100000w", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("+3000000m", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("-10000000d", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("+99999999999999999999d", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("+3y", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("+3", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("3d", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("+3dd", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("fri day", "UTC", f), "invalid");
	cr_expect_str_eq(iso_of("today", "UTC", WHEN_INSTANT | WHEN_RELATIVE), "invalid");
}

Test(when, errors_name_the_field_and_say_the_forms)
{
	When w;
	Err err = {0};
	cr_assert_eq(when_parse("soon", "UTC", NOW, WHEN_DATE | WHEN_RELATIVE, "--due", &w, &err),
		     ERR_INVALID);
	cr_expect_str_eq(err.field, "--due");
	cr_expect(strstr(err.msg, "YYYY-MM-DD") && strstr(err.msg, "tomorrow"), "%s", err.msg);
	cr_assert_eq(
	    when_parse("9999-12-31T23:59:60Z", "UTC", NOW, WHEN_INSTANT, "due_at", &w, &err),
	    ERR_INVALID);
	cr_expect_str_eq(err.field, "due_at");
	cr_expect(strstr(err.msg, "9999-12-31"), "%s", err.msg);
	cr_assert_eq(when_parse(NULL, "UTC", NOW, WHEN_DATE, "d", &w, &err), ERR_INVALID);
}

Test(date, day_bounds_and_clamped_format)
{
	int64_t z;
	char out[11];
	cr_assert_eq(date_parse(DATE_MIN, &z), 0);
	cr_expect_eq(z, DATE_DAY_MIN);
	cr_assert_eq(date_parse(DATE_MAX, &z), 0);
	cr_expect_eq(z, DATE_DAY_MAX);
	cr_expect_eq(date_day("2026-12-03"), date_days_from_civil(2026, 12, 3));
	cr_expect_eq(date_day("2026-02-30"), 0, "not a date");
	cr_expect_eq(date_day(""), 0);
	date_format_clamped(date_days_from_civil(2026, 12, 3), out);
	cr_expect_str_eq(out, "2026-12-03");
	date_format_clamped(DATE_DAY_MAX + 400, out);
	cr_expect_str_eq(out, DATE_MAX);
	date_format_clamped(DATE_DAY_MIN - 1, out);
	cr_expect_str_eq(out, DATE_MIN);
}
