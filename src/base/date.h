/* date.h - civil dates (YYYY-MM-DD, proleptic Gregorian) and their
 * arithmetic, and UTC instants (ISO 8601). libc only; no zone: zones are
 * base/tz.h, and the texts people type are base/when.h.
 *
 * kith represents the years 1000..9999 and nothing else: every formatter
 * here checks its range and reports failure (with "" in out) instead of
 * writing a longer or unterminated string, and every parser refuses what
 * could not be formatted back. */
#ifndef KITH_BASE_DATE_H
#define KITH_BASE_DATE_H

#include <stdint.h>
#include <time.h>

#include "base/err.h"

enum {
	DATE_YEAR_MIN = 1000, /* first representable year */
	DATE_YEAR_MAX = 9999, /* last representable year */
};

/* The first and last representable instants: 1000-01-01T00:00:00Z and
 * 9999-12-31T23:59:59Z (seconds since 1970-01-01T00:00:00Z). */
#define TIME_MIN ((time_t)-30610224000LL)
#define TIME_MAX ((time_t)253402300799LL)

/* 1 when s is a real calendar date "YYYY-MM-DD" (years 1000..9999). */
int date_valid(const char *s);

/* 1 when y is a leap year of the proleptic Gregorian calendar. */
int date_leap_year(int64_t y);

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12,
 * d 1..31; any year). H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms", days_from_civil. */
int64_t date_days_from_civil(int64_t y, int m, int d);

/* The inverse of date_days_from_civil (same source, civil_from_days). */
void date_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* Day of the week of day z (days since 1970-01-01): 1 Monday .. 7 Sunday
 * (ISO 8601). */
int date_weekday(int64_t z);

/* Parse exactly "YYYY-MM-DD" (a valid date) into days since 1970-01-01.
 * Returns 0, or -1 when s is not such a date. */
int date_parse(const char *s, int64_t *days) KITH_WARN_UNUSED;

/* Write day z as "YYYY-MM-DD" into out[11]. Returns 0, or -1 (out = "")
 * when its year is outside 1000..9999. */
int date_format(int64_t z, char out[11]) KITH_WARN_UNUSED;

/* The first and last representable dates, and their days. */
#define DATE_MIN "1000-01-01"
#define DATE_MAX "9999-12-31"
#define DATE_DAY_MIN ((int64_t)-354285)
#define DATE_DAY_MAX ((int64_t)2932896)

/* Days since 1970-01-01 of a valid date "YYYY-MM-DD"; 0 for anything else
 * (for callers that checked the date already). */
int64_t date_day(const char *date);

/* Day z as "YYYY-MM-DD" into out[11], clamped to DATE_MIN..DATE_MAX (a
 * due date past 9999 is as good as never). */
void date_format_clamped(int64_t z, char out[11]);

/* date (YYYY-MM-DD) plus n days, weeks or months (unit 'd', 'w', 'm';
 * months clamp to the month's last day: Jan 31 + 1 month = Feb 28/29)
 * into out[11]. Returns 0, or -1 (out = "") when date is not valid, unit
 * unknown or the result leaves the years 1000..9999. */
int date_add(const char *date, int n, char unit, char out[11]) KITH_WARN_UNUSED;

/* Write the current UTC instant as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void time_now_iso(char out[21]);

/* Write instant t as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. Returns 0, or
 * -1 (out = "") when t is outside TIME_MIN..TIME_MAX. */
int time_iso(time_t t, char out[21]);

/* Parse "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ" into a UTC
 * time_t. Second 60 (a leap second) is the first second of the next
 * minute. Returns 0, or -1 when s is not one of those forms or the
 * instant is outside TIME_MIN..TIME_MAX. */
int time_parse_iso(const char *s, time_t *out);

#endif
