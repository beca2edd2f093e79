/* date.c - civil dates, their arithmetic, and UTC instants. libc only.
 * No strftime/timegm: the arithmetic below is exact for every year, and
 * the range checks decide what we write (SQLite's date.c works the same
 * way, citing Meeus; we use Hinnant's integer form). */
#include "base/date.h"

#include <stdio.h>
#include <string.h>

int date_leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && date_leap_year(y) ? 29 : d[m - 1];
}

/* The value of n decimal digits at s, or -1 when one is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD" at the start of s (at least 10 bytes) into y, m, d. */
static int parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	*y = digits(s, 4), *m = digits(s + 5, 2), *d = digits(s + 8, 2);
	if (*y < DATE_YEAR_MIN || *m < 1 || *m > 12 || *d < 1)
		return -1;
	return *d <= days_in_month(*y, *m) ? 0 : -1;
}

int date_valid(const char *s)
{
	int y, m, d;
	return s && strlen(s) == 10 && parse_ymd(s, &y, &m, &d) == 0;
}

int64_t date_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int date_weekday(int64_t z)
{
	/* 1970-01-01 was a Thursday (4) */
	int64_t w = (z + 3) % 7;
	return (int)(w < 0 ? w + 7 : w) + 1;
}

int date_parse(const char *s, int64_t *days)
{
	int y, m, d;
	if (!date_valid(s) || parse_ymd(s, &y, &m, &d))
		return -1;
	*days = date_days_from_civil(y, m, d);
	return 0;
}

int date_format(int64_t z, char out[11])
{
	int64_t y;
	int m, d;
	out[0] = '\0';
	/* bound z first so the arithmetic below cannot overflow */
	if (z < date_days_from_civil(DATE_YEAR_MIN, 1, 1) ||
	    z > date_days_from_civil(DATE_YEAR_MAX, 12, 31))
		return -1;
	date_civil_from_days(z, &y, &m, &d);
	/* the moduli only tell the compiler the widths the range check ensured */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
	return 0;
}

int64_t date_day(const char *date)
{
	int64_t z = 0;
	return date_parse(date, &z) ? 0 : z;
}

void date_format_clamped(int64_t z, char out[11])
{
	if (z < DATE_DAY_MIN)
		z = DATE_DAY_MIN;
	else if (z > DATE_DAY_MAX)
		z = DATE_DAY_MAX;
	if (date_format(z, out)) /* in range: cannot fail */
		out[0] = '\0';
}

int date_add(const char *date, int n, char unit, char out[11])
{
	int y, m, d;
	out[0] = '\0';
	if (!date_valid(date) || parse_ymd(date, &y, &m, &d))
		return -1;
	if (unit == 'm') {
		int64_t months = (int64_t)y * 12 + (m - 1) + n;
		if (months < (int64_t)DATE_YEAR_MIN * 12 ||
		    months >= (int64_t)(DATE_YEAR_MAX + 1) * 12)
			return -1;
		int64_t y2 = months / 12;
		int m2 = (int)(months % 12) + 1;
		int d2 = d > days_in_month(y2, m2) ? days_in_month(y2, m2) : d;
		return date_format(date_days_from_civil(y2, m2, d2), out);
	}
	if (unit == 'd' || unit == 'w')
		return date_format(
		    date_days_from_civil(y, m, d) + (int64_t)n * (unit == 'w' ? 7 : 1), out);
	return -1;
}

int time_iso(time_t t, char out[21])
{
	int64_t y;
	int m, d;
	out[0] = '\0';
	if (t < TIME_MIN || t > TIME_MAX)
		return -1;
	int64_t days = (t >= 0 ? t : t - 86399) / 86400, secs = t - days * 86400;
	date_civil_from_days(days, &y, &m, &d);
	snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000u,
		 (unsigned)m % 100u, (unsigned)d % 100u, (unsigned)(secs / 3600) % 100u,
		 (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
	return 0;
}

void time_now_iso(char out[21])
{
	/* a clock outside the years 1000..9999 leaves out = "" */
	(void)time_iso(time(NULL), out);
}

int time_parse_iso(const char *s, time_t *out)
{
	int y, m, d, hh = 0, mm = 0, ss = 0;
	size_t n = s ? strlen(s) : 0;
	if (n != 10 && n != 20)
		return -1;
	if (parse_ymd(s, &y, &m, &d))
		return -1;
	if (n == 20) {
		if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
			return -1;
		hh = digits(s + 11, 2), mm = digits(s + 14, 2), ss = digits(s + 17, 2);
		if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
			return -1;
	}
	time_t t = (time_t)(date_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss);
	if (t < TIME_MIN || t > TIME_MAX)
		return -1; /* 9999-12-31T23:59:60Z would be the year 10000 */
	*out = t;
	return 0;
}
