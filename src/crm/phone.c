/* phone.c - phone number normalization (phone.h). libc only: the rules are a
 * table of countries, not a copy of libphonenumber. Calling codes are from
 * ITU-T E.164 Annex; trunk prefixes and national significant number (NSN)
 * lengths from the ITU national numbering plans. */
#include "crm/phone.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"

typedef struct PhoneCountry {
	const char *iso;   /* ISO 3166 alpha-2 */
	const char *cc;	   /* calling code digits */
	const char *trunk; /* national trunk prefix dropped before the calling code, "" = none */
	int nsn_min;	   /* shortest national significant number */
	int nsn_max;	   /* longest national significant number */
} PhoneCountry;

/* A national number of a country with a trunk prefix is written with it
 * (Thai "081 234 5678", Turkish "0532 123 45 67", British "07700 900123"):
 * without it the digits are not that country's national form, which keeps
 * a Polish "601 234 567" from passing for a Thai number. NANP is the
 * exception: its trunk "1" is usually left out. */
static int trunk_optional(const char *iso)
{
	return strcmp(iso, "US") == 0 || strcmp(iso, "CA") == 0;
}

/* Countries sharing a calling code (US, CA) share trunk and lengths, so the
 * first match is right for search forms. Italy and Spain have no trunk
 * prefix: the leading 0 of an Italian landline is part of the number.
 * Hungary dials "06" nationally; NANP dials "1". */
static const PhoneCountry countries[] = {
    {"TH", "66", "0", 8, 9},  {"TR", "90", "0", 10, 10}, {"PL", "48", "", 9, 9},
    {"DE", "49", "0", 6, 13}, {"GB", "44", "0", 7, 10},	 {"FR", "33", "0", 9, 9},
    {"US", "1", "1", 10, 10}, {"CA", "1", "1", 10, 10},	 {"NL", "31", "0", 9, 9},
    {"ES", "34", "", 9, 9},   {"IT", "39", "", 6, 11},	 {"AT", "43", "0", 6, 13},
    {"BE", "32", "0", 8, 9},  {"CH", "41", "0", 9, 9},	 {"CZ", "420", "", 9, 9},
    {"SK", "421", "0", 9, 9}, {"DK", "45", "", 8, 8},	 {"SE", "46", "0", 7, 10},
    {"NO", "47", "", 8, 8},   {"FI", "358", "0", 5, 12}, {"IE", "353", "0", 7, 9},
    {"PT", "351", "", 9, 9},  {"GR", "30", "", 10, 10},	 {"HU", "36", "06", 8, 9},
    {"RO", "40", "0", 9, 9},  {"UA", "380", "0", 9, 9},	 {"JP", "81", "0", 9, 10},
    {"CN", "86", "0", 9, 11}, {"IN", "91", "0", 10, 10}, {"AU", "61", "0", 9, 9},
    {"NZ", "64", "0", 8, 10}, {"SG", "65", "", 8, 8},	 {"MY", "60", "0", 8, 10},
    {"ID", "62", "0", 8, 12}, {"PH", "63", "0", 8, 10},	 {"VN", "84", "0", 9, 10},
    {"KR", "82", "0", 8, 10}, {"BR", "55", "0", 10, 11}, {"MX", "52", "", 10, 10},
    {"ZA", "27", "0", 9, 9},  {"IL", "972", "0", 8, 9},	 {"AE", "971", "0", 8, 9},
};
enum { N_COUNTRIES = sizeof countries / sizeof countries[0] };

enum { E164_MIN = 8, E164_MAX = 15, LOCAL_MIN = 6 };

static const PhoneCountry *country_find(const char *iso)
{
	if (!iso || !*iso)
		return NULL;
	for (int i = 0; i < N_COUNTRIES; i++)
		if (strcmp(countries[i].iso, iso) == 0)
			return &countries[i];
	return NULL;
}

const char *phone_calling_code(const char *country)
{
	const PhoneCountry *c = country_find(country);
	return c ? c->cc : NULL;
}

/* The country whose calling code starts digits (calling codes are prefix
 * free, so at most one code matches). */
static const PhoneCountry *country_by_digits(const char *digits)
{
	for (int i = 0; i < N_COUNTRIES; i++)
		if (strncmp(digits, countries[i].cc, strlen(countries[i].cc)) == 0)
			return &countries[i];
	return NULL;
}

static int bad(Err *err, const char *field)
{
	return err_set(err, ERR_INVALID, field, "must be a phone number, e.g. +48 601 234 567");
}

static int is_separator(char c)
{
	return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '/' || c == '\t';
}

/* Collect the digits of s into d (at most cap-1 of them); *plus is set when
 * s starts with '+'. -1 when s holds anything but digits and separators (a
 * '+' counts only in front) or more digits than fit. */
static int collect_digits(const char *s, char *d, size_t cap, int *plus)
{
	size_t n = 0;
	*plus = 0;
	if (*s == '+') {
		*plus = 1;
		s++;
	}
	for (; *s; s++) {
		if (is_separator(*s))
			continue;
		if (*s < '0' || *s > '9' || n + 1 >= cap)
			return -1;
		d[n++] = *s;
	}
	d[n] = '\0';
	return 0;
}

/* Trim ASCII white space of input into out (out holds KITH_MAX_SHORT). */
static int trim_into(const char *input, char *out, size_t cap)
{
	while (*input == ' ' || *input == '\t')
		input++;
	size_t n = strlen(input);
	while (n > 0 && (input[n - 1] == ' ' || input[n - 1] == '\t'))
		n--;
	if (n >= cap)
		return -1;
	memcpy(out, input, n);
	out[n] = '\0';
	return 0;
}

/* The E.164 form of national digits d read by c's plan, into out; -1 when
 * they do not fit it. */
static int read_national(const char *d, const PhoneCountry *c, Phone *out)
{
	const char *nsn = d;
	size_t tl = strlen(c->trunk);
	if (tl && strncmp(d, c->trunk, tl) == 0)
		nsn = d + tl;
	else if (tl && !trunk_optional(c->iso))
		return -1;
	size_t n = strlen(nsn), total = strlen(c->cc) + n;
	if ((int)n < c->nsn_min || (int)n > c->nsn_max || total < E164_MIN || total > E164_MAX)
		return -1;
	/* total <= E164_MAX was checked, so both copies fit out->norm. */
	memcpy(out->norm, c->cc, strlen(c->cc));
	memcpy(out->norm + strlen(c->cc), nsn, n + 1);
	snprintf(out->value, sizeof out->value, "+%s", out->norm);
	return 0;
}

static int given(const char *s)
{
	return s && *s;
}

/* A national number that no plan at hand reads: ask for the
 * international form, naming the countries tried. */
static int no_plan(Err *err, const char *field, const char *own, const char *fallback)
{
	int two = given(own) && given(fallback) && strcmp(own, fallback) != 0;
	return err_set(err, ERR_INVALID, field,
		       "is not a national number of %.2s%s%.2s; write it with its country code, "
		       "e.g. +48 601 234 567",
		       given(own) ? own : fallback, two ? " or " : "", two ? fallback : "");
}

int phone_normalize_for(const char *input, const char *own, const char *fallback, const char *field,
			Phone *out, Err *err)
{
	char trimmed[KITH_MAX_SHORT + 1], d[E164_MAX + 4];
	int plus;
	if (!input || trim_into(input, trimmed, sizeof trimmed) ||
	    collect_digits(trimmed, d, sizeof d, &plus))
		return bad(err, field);
	const char *intl = plus ? d : strncmp(d, "00", 2) == 0 ? d + 2 : NULL;
	if (intl) {
		/* Calling codes never start with 0. */
		size_t n = strlen(intl);
		if (n < E164_MIN || n > E164_MAX || intl[0] == '0')
			return bad(err, field);
		memcpy(out->norm, intl, n + 1); /* n <= E164_MAX fits */
		snprintf(out->value, sizeof out->value, "+%s", out->norm);
		return KITH_OK;
	}
	const PhoneCountry *mine = country_find(own), *dflt = country_find(fallback);
	if (!mine && !dflt) {
		/* No plan to read a national number against: keep it. */
		size_t n = strlen(d);
		if (n < LOCAL_MIN || n > E164_MAX)
			return bad(err, field);
		memcpy(out->norm, d, n + 1); /* n <= E164_MAX fits */
		memcpy(out->value, trimmed, strlen(trimmed) + 1);
		return KITH_OK;
	}
	/* A contact's own country without a plan here could be read wrongly
	 * by the workspace's: only the international form is certain. */
	if (given(own) && !mine)
		return no_plan(err, field, own, NULL);
	if (strlen(d) < LOCAL_MIN) /* "12": not worth naming a plan */
		return bad(err, field);
	if ((mine && read_national(d, mine, out) == 0) ||
	    (dflt && read_national(d, dflt, out) == 0))
		return KITH_OK;
	return no_plan(err, field, mine ? own : NULL, dflt ? fallback : NULL);
}

int phone_normalize(const char *input, const char *country, const char *field, Phone *out, Err *err)
{
	return phone_normalize_for(input, NULL, country, field, out, err);
}

void phone_search_forms(const char *value, Buf *out)
{
	char d[KITH_MAX_SHORT + 1];
	size_t n = 0;
	for (const char *p = value; *p && n + 1 < sizeof d; p++)
		if (*p >= '0' && *p <= '9')
			d[n++] = *p;
	d[n] = '\0';
	if (n == 0)
		return;
	buf_adds(out, d);
	const PhoneCountry *c = value[0] == '+' ? country_by_digits(d) : NULL;
	if (!c || strlen(c->cc) >= n) {
		text_digit_suffixes(out, d, 1);
		return;
	}
	const char *national = d + strlen(c->cc);
	buf_addf(out, " %s", national);
	if (c->trunk[0])
		buf_addf(out, " %s%s", c->trunk, national);
	/* Digits anywhere in the national number; none that start inside
	 * the calling code ("8601..." of +48 601...). */
	text_digit_suffixes(out, national, 1);
}
