/* when.c - reading the dates and times people type (see when.h for the
 * forms). Dates and instants are checked against the years 1000..9999
 * after every step that can move them (offset, leap second, relative
 * amount), so whatever is accepted can be formatted back. libc only. */
#include "base/when.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/date.h"
#include "base/tz.h"

enum {
	OFFSET_MAX_S = 18 * 3600, /* ISO 8601 allows more, no zone uses more than 14 h */
	RELATIVE_MAX = 100000,	  /* +N units: N at most this (the range check decides) */
};

/* The value of n digits at s, or -1. */
static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "Z", "+HH:MM", "+HHMM" or "+HH" (or '-') at s into *off (seconds east);
 * 0 when s is all of it, -1 when malformed. */
static int parse_offset(const char *s, long *off)
{
	size_t n = strlen(s);
	int hh, mm = 0;
	if ((s[0] == 'Z' || s[0] == 'z') && n == 1) {
		*off = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') || (n != 3 && n != 5 && n != 6))
		return -1;
	hh = num(s + 1, 2);
	if (n == 5)
		mm = num(s + 3, 2);
	else if (n == 6)
		mm = s[3] == ':' ? num(s + 4, 2) : -1;
	if (hh < 0 || mm < 0 || mm > 59 || hh * 3600 + mm * 60 > OFFSET_MAX_S)
		return -1;
	*off = (hh * 3600L + mm * 60L) * (s[0] == '-' ? -1 : 1);
	return 0;
}

/* "HH:MM[:SS[.fff]][zone]" at s: seconds of the day into *secs (86400 for
 * a leap second at 23:59:60), *has_off and *off for the zone part. */
static int parse_clock(const char *s, int64_t *secs, int *has_off, long *off)
{
	int hh = num(s, 2), mm, ss = 0;
	const char *p = s + 2;
	/* each step checks what it read before moving on, so a text cut short
	 * after a separator is never read past its end */
	if (hh < 0 || hh > 23 || *p != ':' || (mm = num(p + 1, 2)) < 0 || mm > 59)
		return -1;
	p += 3;
	if (*p == ':') {
		if ((ss = num(p + 1, 2)) < 0 || ss > 60)
			return -1;
		p += 3;
		if (*p == '.' || *p == ',') {
			const char *f = ++p;
			while (isdigit((unsigned char)*p) && p - f < 9)
				p++;
			if (p == f)
				return -1;
		}
	}
	*secs = hh * 3600 + mm * 60 + ss;
	*has_off = *p != '\0';
	return *has_off ? parse_offset(p, off) : 0;
}

/* today, tomorrow, yesterday, +Nd/-Nw/+Nm, weekday names: *days from the
 * civil day today. 1 when s is one of them (*days set, or -1 left in
 * *bad when out of range), 0 when it is none. */
static int parse_relative(const char *s, int64_t today, int64_t *days, int *bad)
{
	static const char *const names[] = {"monday", "tuesday",  "wednesday", "thursday",
					    "friday", "saturday", "sunday"};
	*bad = 0;
	if (!strcasecmp(s, "today") || !strcasecmp(s, "tomorrow") || !strcasecmp(s, "yesterday")) {
		*days = today + (s[2] == 'm' || s[2] == 'M') - (s[0] == 'y' || s[0] == 'Y');
		return 1;
	}
	for (int i = 0; i < 7; i++) {
		if (!strcasecmp(s, names[i]) || (strlen(s) == 3 && !strncasecmp(s, names[i], 3))) {
			int ahead = (i + 1 - date_weekday(today) + 7) % 7;
			*days = today + (ahead ? ahead : 7);
			return 1;
		}
	}
	if ((s[0] == '+' || s[0] == '-') && isdigit((unsigned char)s[1])) {
		char *end, unit, from[11], to[11];
		errno = 0;
		long n = strtol(s + 1, &end, 10);
		unit = (char)tolower((unsigned char)end[0]);
		if (errno || n > RELATIVE_MAX || !(unit == 'd' || unit == 'w' || unit == 'm') ||
		    end[1])
			return 0;
		if (date_format(today, from) ||
		    date_add(from, (int)(s[0] == '-' ? -n : n), unit, to) || date_parse(to, days))
			*bad = 1;
		return 1;
	}
	return 0;
}

static int refuse(Err *err, const char *field, int flags)
{
	const char *rel = flags & WHEN_RELATIVE ? ", or today, tomorrow, +3d, friday" : "";
	if (!(flags & (WHEN_INSTANT | WHEN_MIDNIGHT)))
		return err_set(err, ERR_INVALID, field, "must be a date YYYY-MM-DD%s", rel);
	if (!(flags & (WHEN_DATE | WHEN_MIDNIGHT)))
		return err_set(err, ERR_INVALID, field,
			       "must be a date and time: YYYY-MM-DDTHH:MM:SSZ, with an offset "
			       "(+07:00) or local YYYY-MM-DD HH:MM");
	return err_set(err, ERR_INVALID, field,
		       "must be a date YYYY-MM-DD or a date and time: YYYY-MM-DDTHH:MM:SSZ, with "
		       "an offset (+07:00) or local YYYY-MM-DD HH:MM%s",
		       rel);
}

static int out_of_range(Err *err, const char *field)
{
	return err_set(err, ERR_INVALID, field,
		       "is outside the representable range 1000-01-01 to 9999-12-31T23:59:59Z");
}

/* The civil day `days` as flags want it: a date, or its local midnight. */
static int give_day(int64_t days, const char *zone, int flags, const char *field, When *out,
		    Err *err)
{
	char date[11];
	if (date_format(days, date))
		return out_of_range(err, field);
	if (flags & WHEN_DATE) {
		out->kind = WHEN_DATE_KIND;
		memcpy(out->date, date, sizeof out->date);
		return KITH_OK;
	}
	if (!(flags & WHEN_MIDNIGHT))
		return refuse(err, field, flags);
	int rc = tz_local_midnight(zone, date, &out->t, err);
	if (rc)
		return rc;
	if (time_iso(out->t, out->iso))
		return out_of_range(err, field);
	out->kind = WHEN_INSTANT_KIND;
	return KITH_OK;
}

int when_parse(const char *text, const char *zone, time_t now, int flags, const char *field,
	       When *out, Err *err)
{
	char date[11];
	int64_t days, secs;
	int has_off = 0, bad = 0;
	long off = 0;
	memset(out, 0, sizeof *out);
	if (!text || !*text || strlen(text) > 40)
		return refuse(err, field, flags);
	if (flags & WHEN_RELATIVE) {
		int rc = tz_local_date(zone, now, date, err);
		if (rc || (rc = date_parse(date, &days) ? out_of_range(err, field) : KITH_OK))
			return rc;
		if (parse_relative(text, days, &days, &bad))
			return bad ? out_of_range(err, field)
				   : give_day(days, zone, flags, field, out, err);
		const char *sp = strchr(text, ' ');
		char word[16], full[48];
		if (sp && (flags & WHEN_INSTANT) && (size_t)(sp - text) < sizeof word) {
			/* "tomorrow 14:00", "friday 9:30" -> "YYYY-MM-DD 14:00" */
			snprintf(word, sizeof word, "%.*s", (int)(sp - text), text);
			if (parse_relative(word, days, &days, &bad)) {
				if (bad || date_format(days, date))
					return out_of_range(err, field);
				snprintf(full, sizeof full, "%s%s", date, sp);
				return when_parse(full, zone, now, flags & ~WHEN_RELATIVE, field, out,
						  err);
			}
		}
	}
	snprintf(date, sizeof date, "%.10s", text);
	if (date_parse(date, &days))
		return refuse(err, field, flags);
	if (text[10] == '\0')
		return give_day(days, zone, flags, field, out, err);
	if (!(flags & WHEN_INSTANT) || !strchr("Tt ", text[10]) ||
	    parse_clock(text + 11, &secs, &has_off, &off))
		return refuse(err, field, flags);
	int64_t local = days * 86400 + secs;
	if (has_off) {
		out->t = (time_t)(local - off);
	} else {
		int rc = tz_local_to_utc(zone, local, &out->t, err);
		if (rc)
			return rc;
	}
	if (time_iso(out->t, out->iso))
		return out_of_range(err, field);
	out->kind = WHEN_INSTANT_KIND;
	return KITH_OK;
}
