/* date.h - civil dates (YYYY-MM-DD) and UTC instants (ISO 8601). libc only. */
#ifndef KITH_BASE_DATE_H
#define KITH_BASE_DATE_H

#include <stdint.h>
#include <time.h>

/* 1 when s is a real calendar date "YYYY-MM-DD" (years 1000..9999). */
int date_valid(const char *s);

/* Write the current UTC instant as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void time_now_iso(char out[21]);

/* Write instant t as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void time_iso(time_t t, char out[21]);

/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" into a UTC time_t.
 * Returns 0 on success, -1 when s is not one of those forms. */
int time_parse_iso(const char *s, time_t *out);

#endif
