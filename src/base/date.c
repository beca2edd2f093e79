/* date.c - civil dates and UTC instants. libc only (timegm is in glibc and the BSDs). */
#include "base/date.h"

#include <stdio.h>
#include <string.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

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

static int parse_date(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	*y = digits(s, 4), *m = digits(s + 5, 2), *d = digits(s + 8, 2);
	if (*y < 1000 || *m < 1 || *m > 12 || *d < 1)
		return -1;
	return *d <= days_in_month(*y, *m) ? 0 : -1;
}

int date_valid(const char *s)
{
	int y, m, d;
	return s && strlen(s) == 10 && parse_date(s, &y, &m, &d) == 0;
}

void time_iso(time_t t, char out[21])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_now_iso(char out[21])
{
	time_iso(time(NULL), out);
}

int time_parse_iso(const char *s, time_t *out)
{
	int y, m, d, hh = 0, mm = 0, ss = 0;
	size_t n = s ? strlen(s) : 0;
	if (n != 10 && n != 20)
		return -1;
	if (parse_date(s, &y, &m, &d))
		return -1;
	if (n == 20) {
		if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
			return -1;
		hh = digits(s + 11, 2), mm = digits(s + 14, 2), ss = digits(s + 17, 2);
		if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
			return -1;
	}
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
			.tm_hour = hh, .tm_min = mm, .tm_sec = ss};
	*out = timegm(&tm);
	return 0;
}
