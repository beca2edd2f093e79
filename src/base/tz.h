/* tz.h - civil dates in IANA time zones, read from the system's TZif files
 * (/usr/share/zoneinfo, Debian's tzdata), without touching the process's TZ
 * (setenv/tzset are not thread-safe in a server). libc only.
 * Times past a zone's last listed transition (2037 in Debian's files) use
 * the last known offset. */
#ifndef KITH_BASE_TZ_H
#define KITH_BASE_TZ_H

#include <stdint.h>
#include <time.h>

#include "base/err.h"

/* UTC offset of zone at instant t, in seconds east of UTC. ERR_INVALID
 * naming "timezone" when the zone's file is missing or malformed. */
int tz_offset(const char *zone, time_t t, long *offset, Err *err) KITH_WARN_UNUSED;

/* The civil date "YYYY-MM-DD" in zone at instant t. ERR_INVALID naming
 * "timezone" for an unknown zone, naming "date" (out = "") when that date
 * is outside the years 1000..9999. */
int tz_local_date(const char *zone, time_t t, char out[11], Err *err) KITH_WARN_UNUSED;

/* The local date and time "YYYY-MM-DD HH:MM" in zone at instant t, for
 * people (CLI tables). Errors as tz_local_date. */
int tz_local_text(const char *zone, time_t t, char out[17], Err *err) KITH_WARN_UNUSED;

/* The UTC instant of a local wall time in zone, given as seconds since
 * 1970-01-01T00:00:00 on the local clock. A wall time that occurs twice
 * (clocks go back) is its first occurrence; one that does not occur
 * (clocks go forward) is read with the offset before the change, so
 * 02:30 on a night that jumps from 02:00 to 03:00 is 03:30 (as mktime
 * does). ERR_INVALID naming "timezone" for an unknown zone. */
int tz_local_to_utc(const char *zone, int64_t local, time_t *out, Err *err) KITH_WARN_UNUSED;

/* The UTC instant at which civil date `date` begins in zone (local
 * midnight; when a transition skips midnight, the first instant of the
 * day). date must be valid (date_valid). */
int tz_local_midnight(const char *zone, const char *date, time_t *out, Err *err) KITH_WARN_UNUSED;

#endif
