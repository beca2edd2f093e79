/* tz.c - TZif (RFC 8536) reading: the offset in force at an instant is
 * that of the last transition at or before it. libc only. */
#include "base/tz.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"

enum { TZ_MAX_FILE = 256 * 1024 }; /* largest zone file we read (real ones are < 4 KiB) */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Offset at t from a TZif buffer; -1 when malformed. Uses the 64-bit
 * (version 2+) block when present, else the 32-bit one. */
static int tzif_offset(const unsigned char *d, size_t n, time_t t, long *offset)
{
	if (n < 44 || memcmp(d, "TZif", 4) != 0)
		return -1;
	int v2 = d[4] >= '2';
	size_t at = 0, tsize = 4;
	for (int pass = 0; pass < (v2 ? 2 : 1); pass++) {
		if (at + 44 > n || memcmp(d + at, "TZif", 4) != 0)
			return -1;
		uint32_t isut = be32(d + at + 20), isstd = be32(d + at + 24);
		uint32_t leap = be32(d + at + 28), timecnt = be32(d + at + 32);
		uint32_t typecnt = be32(d + at + 36), charcnt = be32(d + at + 40);
		size_t body = timecnt * tsize + timecnt + typecnt * 6u + charcnt +
			      leap * (tsize + 4) + isstd + isut;
		if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || at + 44 + body > n)
			return -1;
		if (pass + 1 < (v2 ? 2 : 1)) { /* skip the 32-bit block */
			at += 44 + body;
			tsize = 8;
			continue;
		}
		const unsigned char *times = d + at + 44, *idx = times + timecnt * tsize;
		const unsigned char *types = idx + timecnt;
		unsigned type = 0; /* before the first transition: the first type */
		for (uint32_t i = 0; i < timecnt; i++) {
			int64_t when = tsize == 8 ? be64(times + i * 8) : (int32_t)be32(times + i * 4);
			if (when > (int64_t)t)
				break;
			type = idx[i];
		}
		if (type >= typecnt)
			return -1;
		*offset = (long)(int32_t)be32(types + type * 6);
		return 0;
	}
	return -1;
}

int tz_offset(const char *zone, time_t t, long *offset, Err *err)
{
	char path[160];
	unsigned char *d = NULL;
	int rc = -1;
	if (!zone || !*zone || strstr(zone, "..") || zone[0] == '/' || strlen(zone) > 100)
		return err_set(err, ERR_INVALID, "timezone", "unknown time zone '%s'", zone ? zone : "");
	if (strcmp(zone, "UTC") == 0) {
		*offset = 0;
		return KITH_OK;
	}
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	FILE *f = fopen(path, "rb");
	if (f && (d = malloc(TZ_MAX_FILE))) {
		size_t n = fread(d, 1, TZ_MAX_FILE, f);
		rc = tzif_offset(d, n, t, offset);
	}
	if (f)
		fclose(f);
	free(d);
	if (rc)
		return err_set(err, ERR_INVALID, "timezone",
			       "unknown time zone '%s' (no readable %s)", zone, path);
	return KITH_OK;
}

/* Days and seconds of the day of local time t + off. */
static int local_parts(const char *zone, time_t t, int64_t *days, int64_t *secs, Err *err)
{
	long off = 0;
	int rc = tz_offset(zone, t, &off, err);
	if (rc)
		return rc;
	int64_t local = (int64_t)t + off;
	*days = (local >= 0 ? local : local - 86399) / 86400;
	*secs = local - *days * 86400;
	return KITH_OK;
}

int tz_local_date(const char *zone, time_t t, char out[11], Err *err)
{
	int64_t days, secs;
	int rc = local_parts(zone, t, &days, &secs, err);
	out[0] = '\0';
	if (rc)
		return rc;
	if (date_format(days, out))
		return err_set(err, ERR_INVALID, "date", "is outside the years %d to %d",
			       DATE_YEAR_MIN, DATE_YEAR_MAX);
	return KITH_OK;
}

int tz_local_text(const char *zone, time_t t, char out[17], Err *err)
{
	int64_t days, secs;
	char date[11];
	int rc = local_parts(zone, t, &days, &secs, err);
	out[0] = '\0';
	if (rc)
		return rc;
	if (date_format(days, date))
		return err_set(err, ERR_INVALID, "date", "is outside the years %d to %d",
			       DATE_YEAR_MIN, DATE_YEAR_MAX);
	snprintf(out, 17, "%.10s %02u:%02u", date, (unsigned)(secs / 3600) % 100u,
		 (unsigned)(secs / 60 % 60));
	return KITH_OK;
}

int tz_local_to_utc(const char *zone, int64_t local, time_t *out, Err *err)
{
	/* The offsets a day before and a day after are those on either side
	 * of any one change near local (zones change at most twice a year). */
	long before = 0, after = 0, chk = 0;
	int rc = tz_offset(zone, (time_t)(local - 86400), &before, err);
	if (rc || (rc = tz_offset(zone, (time_t)(local + 86400), &after, err)))
		return rc;
	time_t first = (time_t)(local - before), second = (time_t)(local - after);
	if (first > second) {
		time_t tmp = first;
		first = second, second = tmp;
	}
	const time_t cand[2] = {first, second};
	for (int i = 0; i < 2; i++) {
		if ((rc = tz_offset(zone, cand[i], &chk, err)))
			return rc;
		if ((int64_t)cand[i] + chk == local) {
			*out = cand[i];
			return KITH_OK;
		}
	}
	*out = (time_t)(local - before); /* in a gap */
	return KITH_OK;
}

int tz_local_midnight(const char *zone, const char *date, time_t *out, Err *err)
{
	int64_t days;
	if (date_parse(date, &days))
		return err_set(err, ERR_INVALID, "date", "must be a date YYYY-MM-DD");
	/* In a gap the wall time 00:00 read with the offset before the change
	 * is the change itself: the first instant of the day. */
	return tz_local_to_utc(zone, days * 86400, out, err);
}
