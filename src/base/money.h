/* money.h - amounts in integer minor units and ISO 4217 currencies, and
 * their one API form. libc, and jansson for the JSON form.
 * Never floating point: "12.30" EUR is 1230, "1000" JPY is 1000. The ISO
 * 4217 minor units table (currency_decimals) decides the decimals
 * everywhere: in what is accepted and in what is written. */
#ifndef KITH_BASE_MONEY_H
#define KITH_BASE_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* Minor-unit digits of an ISO 4217 code (EUR 2, JPY 0, BHD 3); -1 when the
 * code is not one kith knows. */
int currency_decimals(const char *code);

/* Parse a decimal amount such as "-1234.5" in a currency with `decimals`
 * minor digits into minor units. Rejects more fraction digits than the
 * currency has, thousands separators, exponents and overflow. 0 ok, -1 bad. */
int money_parse(const char *s, int decimals, int64_t *minor);

/* Format minor units as a plain decimal ("-1234.50") into out. */
void money_format(int64_t minor, int decimals, char *out, size_t n);

/* An amount read from the API form. */
typedef struct Money {
	int64_t minor;	  /* amount in the currency's minor unit */
	char currency[4]; /* ISO 4217 code that currency_decimals() knows */
} Money;

/* The API form (DESIGN.md "Data conventions"):
 * {"amount_minor": 12345, "currency": "EUR", "amount": "123.45"}, "amount"
 * formatted with the currency's decimals, JSON null when kith does not
 * know the currency (its minor unit is then unknown). New reference. */
json_t *money_to_json(int64_t minor, const char *currency);

/* "amount" alone: the formatted decimal string ("123.45", "1000" for JPY)
 * or JSON null for an unknown currency. New reference. */
json_t *money_amount_json(int64_t minor, const char *currency);

/* Read the API form v into *m. v is an object with
 *   "currency": a known ISO 4217 code, upper case ("EUR");
 *   "amount_minor": an integer number of minor units (1250), and/or
 *   "amount": a decimal string with at most the currency's decimals
 *             ("12.50", "12.5", "1000" for JPY; no exponent, no separators);
 * both amounts may be given when they agree, so what money_to_json writes
 * reads back. No other member. A missing currency is `currency` (e.g. the
 * record's current one) when that is not NULL. A missing amount is an error
 * when has_amount is NULL; otherwise *has_amount is set to 0 (1 when given)
 * and m->minor to 0, for callers where the amount may stay as it is.
 * Errors: ERR_INVALID naming "<field>.<member>" ("value.amount"), or field
 * when v is not an object. */
int money_from_json(const json_t *v, const char *field, const char *currency, Money *m,
		    int *has_amount, Err *err) KITH_WARN_UNUSED;

/* The CLI text form "12.50 EUR" (or "EUR 12.50") as the API form
 * {"amount": "12.50", "currency": "EUR"} for money_from_json, which checks
 * it; NULL when s is not two words. New reference. */
json_t *money_json_from_text(const char *s);

#endif
