/* fuzz_date.c - libFuzzer target for the date and time parsers and
 * formatters (base/date, base/tz, base/when): the input is one string,
 * as typed in a --due option or a ?since= parameter. Every parser in the
 * table below sees every input, and checks what must hold when it accepts
 * one: the formatted form is a terminated string that parses back to the
 * same instant or date. To fuzz a new date parser, add a row to checks[]
 * and seeds to tests/fuzz/corpus/date/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/tz.h"
#include "base/when.h"
#include "fuzz.h"

/* Zones with offsets east and west of UTC, and with midnight transitions. */
static const char *const zones[] = {"UTC",
				    "Europe/Warsaw",
				    "Asia/Bangkok",
				    "America/Sao_Paulo",
				    "Pacific/Kiritimati",
				    "Pacific/Pago_Pago"};
enum { N_ZONES = sizeof zones / sizeof zones[0] };

/* A formatter's output must end inside its buffer: the buffers are filled
 * with 'x' first, so a formatter that writes no NUL is caught every time. */
static void want_terminated(const char *out, size_t n)
{
	if (!memchr(out, '\0', n))
		abort();
}

/* A valid date parses as an instant and is the local date of its own local
 * midnight in every zone, or, where a zone skipped that day (Kiritimati
 * skipped 1994-12-31), the midnight falls on a later date. */
static void check_date_valid(const char *s)
{
	time_t t;
	if (!date_valid(s))
		return;
	if (strlen(s) != 10 || time_parse_iso(s, &t) != 0)
		abort();
	for (int i = 0; i < N_ZONES; i++) {
		char back[11];
		Err err = {0};
		memset(back, 'x', sizeof back);
		time_t mid;
		if (tz_local_midnight(zones[i], s, &mid, &err) != KITH_OK)
			continue; /* a date whose midnight is outside time_t: refused */
		if (tz_local_date(zones[i], mid, back, &err) != KITH_OK)
			continue;
		want_terminated(back, sizeof back);
		if (strcmp(back, s) < 0)
			abort();
	}
}

/* An accepted instant formats into a terminated string that reads back as
 * the same instant (a leap second 60 reads back as the next second). */
static void check_time_parse_iso(const char *s)
{
	time_t t, back;
	char iso[21], local[11];
	if (time_parse_iso(s, &t) != 0)
		return;
	memset(iso, 'x', sizeof iso);
	if (time_iso(t, iso) != 0)
		abort(); /* time_parse_iso accepts only what time_iso can write */
	want_terminated(iso, sizeof iso);
	if (time_parse_iso(iso, &back) != 0 || back != t)
		abort();
	for (int i = 0; i < N_ZONES; i++) {
		Err err = {0};
		memset(local, 'x', sizeof local);
		if (tz_local_date(zones[i], t, local, &err) == KITH_OK) {
			want_terminated(local, sizeof local);
			if (!date_valid(local))
				abort();
		}
	}
}

/* Civil date arithmetic answers a valid date or refuses. */
static void check_date_add(const char *s)
{
	static const int counts[] = {1, 7, 31, 366, 0, -1};
	static const char units[] = {'d', 'w', 'm'};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		for (size_t u = 0; u < sizeof units; u++) {
			char out[11];
			memset(out, 'x', sizeof out);
			if (date_add(s, counts[i], units[u], out) != 0)
				continue;
			want_terminated(out, sizeof out);
			if (!date_valid(out))
				abort();
		}
}

/* Whatever when_parse accepts, in any zone and with any flags, is a valid
 * date or an instant inside the years it promises, formatted. */
static void check_when(const char *s)
{
	static const int flags[] = {WHEN_DATE | WHEN_INSTANT | WHEN_RELATIVE,
				    WHEN_INSTANT | WHEN_MIDNIGHT, WHEN_DATE | WHEN_INSTANT};
	static const time_t nows[] = {1796212800 /* 2026-12-03T12:00:00Z */,
				      253402300799 /* 9999-12-31T23:59:59Z */,
				      -30610224000 /* 1000-01-01T00:00:00Z */};
	for (int z = 0; z < N_ZONES; z++)
		for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
			for (size_t n = 0; n < sizeof nows / sizeof nows[0]; n++) {
				When w;
				Err err = {0};
				time_t back;
				memset(&w, 'x', sizeof w);
				if (when_parse(s, zones[z], nows[n], flags[f], "due", &w, &err) !=
				    KITH_OK) {
					if (err.code != ERR_INVALID)
						abort();
					continue;
				}
				if (w.kind == WHEN_DATE_KIND && !date_valid(w.date))
					abort();
				if (w.kind == WHEN_INSTANT_KIND) {
					want_terminated(w.iso, sizeof w.iso);
					if (time_parse_iso(w.iso, &back) != 0 || back != w.t)
						abort();
				}
			}
}

typedef struct DateCheck {
	const char *name;	      /* the parser it covers */
	void (*check)(const char *s); /* aborts when a property fails */
} DateCheck;

static const DateCheck checks[] = {
    {"date_valid", check_date_valid},
    {"time_parse_iso", check_time_parse_iso},
    {"date_add", check_date_add},
    {"when_parse", check_when},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		checks[i].check(s);
	free(s);
	return 0;
}
