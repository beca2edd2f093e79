/* phone.h - phone numbers: normalization to E.164 (ITU-T E.164: "+", a
 * country calling code and at most 15 digits in all), the digits-only key
 * the duplicate guard compares, and the national forms a search should
 * find. A table maps ISO 3166 countries to calling codes, national trunk
 * prefixes and national number lengths. Depends on base/ only (libc). */
#ifndef KITH_CRM_PHONE_H
#define KITH_CRM_PHONE_H

#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"

typedef struct Phone {
	char
	    value[KITH_MAX_SHORT + 1]; /* stored form: E.164 "+66812345678", or the trimmed input */
	char norm[16];		       /* digits only (with the calling code when known) */
} Phone;

/* Normalize a phone number as a user typed it. Spaces, dots, dashes,
 * slashes and parentheses are dropped. "+CC..." and "00CC..." are
 * international. Otherwise the number is national and is read with the
 * numbering plan of own (the record's country: its address or a country
 * given with the number; ISO alpha-2, may be NULL or "") and, when it does
 * not fit that, of fallback (the workspace's default country): the trunk
 * prefix (which a national number must carry, except in NANP) is dropped
 * and the calling code prepended; the E.164 result has 8..15 digits. When
 * neither country is in the table the number is kept as entered (trimmed,
 * 6..15 digits); when own is given but not in the table only the
 * international form is accepted (reading it with fallback's plan could be
 * wrong). Errors: ERR_INVALID naming field, "must be a phone number, e.g.
 * +48 601 234 567" for what is not a number, "is not a national number of
 * PL or TH; write it with its country code, e.g. +48 601 234 567" for one
 * that fits no plan at hand; *out is filled only on success. Pure: reads
 * only its arguments and the country table. */
int phone_normalize_for(const char *input, const char *own, const char *fallback, const char *field,
			Phone *out, Err *err) KITH_WARN_UNUSED;

/* phone_normalize_for(input, NULL, country, field, out, err). */
int phone_normalize(const char *input, const char *country, const char *field, Phone *out,
		    Err *err) KITH_WARN_UNUSED;

/* Append, space separated, the digit strings a search should find for a
 * stored value: all its digits and, for an E.164 number whose calling code
 * is in the table, the national number without the calling code, and that
 * number with the national trunk prefix ("66812345678 812345678
 * 0812345678"); then the suffixes of the national number (of all digits
 * when the calling code is unknown) down to TEXT_DIGITS_MIN digits
 * (text_digit_suffixes), so a search finds 4 or more digits from anywhere
 * in the number. */
void phone_search_forms(const char *value, Buf *out);

/* Calling code of a country in the table ("66" for "TH"), NULL when the
 * country is not in it. */
const char *phone_calling_code(const char *country);

#endif
