/* test_tz.c - our TZif reader agrees with the C library's local time for
 * real zones across transitions, without setting TZ in kith itself (the
 * test process may: it checks against glibc). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/tz.h"

static const char *const zones[] = {"Europe/Warsaw", "Asia/Bangkok", "America/New_York",
				    "Europe/Istanbul", "Australia/Lord_Howe", "UTC"};

Test(tz, offsets_and_dates_match_the_c_library)
{
	for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		/* every 7 hours over 2024-2027: crosses every DST change */
		for (time_t t = 1704067200; t < 1830297600; t += 7 * 3600) {
			Err err = {0};
			struct tm tm;
			char want[11], got[11];
			long off = 0;
			localtime_r(&t, &tm);
			strftime(want, sizeof want, "%Y-%m-%d", &tm);
			cr_assert_eq(tz_offset(zones[z], t, &off, &err), KITH_OK, "%s", err.msg);
			cr_assert_eq(off, tm.tm_gmtoff, "%s at %lld", zones[z], (long long)t);
			cr_assert_eq(tz_local_date(zones[z], t, got, &err), KITH_OK);
			cr_assert_str_eq(got, want, "%s at %lld", zones[z], (long long)t);
		}
	}
}

Test(tz, local_midnight_matches_mktime)
{
	static const char *const dates[] = {"2026-03-29", "2026-10-25", "2026-03-08",
					    "2026-11-01", "2026-11-22", "2028-02-29"};
	for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
			Err err = {0};
			struct tm tm = {0};
			time_t got;
			tm.tm_year = atoi(dates[i]) - 1900;
			tm.tm_mon = atoi(dates[i] + 5) - 1;
			tm.tm_mday = atoi(dates[i] + 8);
			tm.tm_isdst = -1;
			time_t want = mktime(&tm);
			cr_assert_eq(tz_local_midnight(zones[z], dates[i], &got, &err), KITH_OK);
			cr_expect_eq(got, want, "%s %s: %lld vs %lld", zones[z], dates[i],
				     (long long)got, (long long)want);
		}
	}
}

Test(tz, unknown_zones_are_refused)
{
	Err err = {0};
	long off;
	static const char *const bad[] = {"Mars/Olympus", "../../etc/passwd", "", "/etc/passwd",
					  "Europe"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_eq(tz_offset(bad[i], 0, &off, &err), ERR_INVALID, "%s", bad[i]);
		cr_expect_str_eq(err.field, "timezone");
	}
}

Test(tz, local_to_utc_matches_mktime)
{
	/* every 5 h 17 min of local wall time over 2026, through both changes */
	for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (int64_t local = 1767225600; local < 1798761600; local += 5 * 3600 + 17 * 60) {
			Err err = {0};
			time_t got, g = (time_t)local;
			struct tm tm;
			gmtime_r(&g, &tm);
			tm.tm_isdst = -1;
			time_t want = mktime(&tm);
			cr_assert_eq(tz_local_to_utc(zones[z], local, &got, &err), KITH_OK);
			cr_expect_eq(got, want, "%s %lld: %lld vs %lld", zones[z], (long long)local,
				     (long long)got, (long long)want);
		}
	}
}

Test(tz, local_texts_and_the_last_representable_day)
{
	Err err = {0};
	char date[11], text[17];
	cr_assert_eq(tz_local_text("Asia/Bangkok", 1796290200, text, &err), KITH_OK);
	cr_expect_str_eq(text, "2026-12-03 16:30");
	cr_assert_eq(tz_local_text("America/New_York", 1796290200, text, &err), KITH_OK);
	cr_expect_str_eq(text, "2026-12-03 04:30");
	/* 9999-12-31T23:59:59Z is already 10000-01-01 in Bangkok */
	cr_expect_eq(tz_local_date("Asia/Bangkok", TIME_MAX, date, &err), ERR_INVALID);
	cr_expect_str_eq(date, "");
	cr_expect_eq(tz_local_text("Asia/Bangkok", TIME_MAX, text, &err), ERR_INVALID);
	cr_expect_str_eq(text, "");
	cr_assert_eq(tz_local_date("America/New_York", TIME_MAX, date, &err), KITH_OK);
	cr_expect_str_eq(date, "9999-12-31");
	cr_expect_eq(tz_local_date("America/New_York", TIME_MIN, date, &err), ERR_INVALID);
}
