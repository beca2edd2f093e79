/* money.h - amounts in integer minor units and ISO 4217 currencies. libc only.
 * Never floating point: "12.30" EUR is 1230, "1000" JPY is 1000. */
#ifndef KITH_BASE_MONEY_H
#define KITH_BASE_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Minor-unit digits of an ISO 4217 code (EUR 2, JPY 0, BHD 3); -1 when the
 * code is not one kith knows. */
int currency_decimals(const char *code);

/* Parse a decimal amount such as "-1234.5" in a currency with `decimals`
 * minor digits into minor units. Rejects more fraction digits than the
 * currency has, thousands separators, exponents and overflow. 0 ok, -1 bad. */
int money_parse(const char *s, int decimals, int64_t *minor);

/* Format minor units as a plain decimal ("-1234.50") into out. */
void money_format(int64_t minor, int decimals, char *out, size_t n);

#endif
