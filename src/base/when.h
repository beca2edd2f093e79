/* when.h - the dates and times people type, read in one place for every
 * surface: the CLI and the API call when_parse (the API without
 * WHEN_RELATIVE), so a rule about what a date or an instant may look like
 * lives here only. Pure apart from reading the zone's TZif file: the
 * result depends on the text, the zone, now and the flags. Depends on
 * base/{date,tz,err}; libc only.
 *
 * Forms (case-insensitive):
 *   2026-12-03                      a civil date
 *   2026-12-03T14:00:00Z            an instant in UTC
 *   2026-12-03T14:00:00+07:00       an instant with an offset (also +0700,
 *                                   +07; up to +-18:00); seconds may carry
 *                                   a fraction (.123, dropped)
 *   2026-12-03 14:00, 2026-12-03T14:00, 2026-12-03 14:00:30
 *                                   a local date and time in zone
 *   today, tomorrow, yesterday      civil dates in zone (WHEN_RELATIVE)
 *   +3d, -1d, +2w, +1m              today plus days, weeks, months
 *   monday .. sunday, mon .. sun    the next such day (never today)
 *   tomorrow 14:00, fri 09:30       one of those days at a local time
 *                                   (WHEN_RELATIVE with WHEN_INSTANT)
 * Second 60 (a leap second) is the first second of the next minute.
 * Nothing outside 1000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z is
 * accepted, after the offset is applied. */
#ifndef KITH_BASE_WHEN_H
#define KITH_BASE_WHEN_H

#include <time.h>

#include "base/err.h"

enum {
	WHEN_DATE = 1,	   /* a date-only text gives a civil date */
	WHEN_INSTANT = 2,  /* a text with a time of day gives an instant */
	WHEN_MIDNIGHT = 4, /* a date-only text gives the instant of its local midnight */
	WHEN_RELATIVE = 8, /* today, tomorrow, +3d, weekday names (the CLI) */
};

enum { WHEN_DATE_KIND = 1, WHEN_INSTANT_KIND = 2 };

typedef struct When {
	int kind;      /* WHEN_DATE_KIND or WHEN_INSTANT_KIND */
	char date[11]; /* the civil date (a date), or "" */
	time_t t;      /* the instant (an instant), or 0 */
	char iso[21];  /* the instant as YYYY-MM-DDTHH:MM:SSZ (an instant), or "" */
} When;

/* Read text as flags allow (at least one of WHEN_DATE, WHEN_INSTANT,
 * WHEN_MIDNIGHT). zone is the IANA zone that local times and relative
 * days are read in ("UTC" needs no file), now the current instant.
 * Returns KITH_OK with *out filled, or ERR_INVALID naming field with a
 * message that says which forms are accepted (or naming "timezone" for
 * an unknown zone). */
int when_parse(const char *text, const char *zone, time_t now, int flags, const char *field,
	       When *out, Err *err) KITH_WARN_UNUSED;

#endif
