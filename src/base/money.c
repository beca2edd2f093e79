/* money.c - minor units and ISO 4217 decimals. libc only. */
#include "base/money.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ISO 4217 minor units for the currencies our users invoice in. */
static const struct {
	char code[4];
	int decimals;
} currencies[] = {
	{"AED", 2}, {"AUD", 2}, {"BGN", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2},
	{"CLP", 0}, {"CNY", 2}, {"CZK", 2}, {"DKK", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2},
	{"HKD", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"ISK", 0}, {"JOD", 3},
	{"JPY", 0}, {"KRW", 0}, {"KWD", 3}, {"MXN", 2}, {"MYR", 2}, {"NOK", 2}, {"NZD", 2},
	{"OMR", 3}, {"PHP", 2}, {"PLN", 2}, {"RON", 2}, {"RSD", 2}, {"SAR", 2}, {"SEK", 2},
	{"SGD", 2}, {"THB", 2}, {"TND", 3}, {"TRY", 2}, {"TWD", 2}, {"UAH", 2}, {"USD", 2},
	{"VND", 0}, {"ZAR", 2},
};

int currency_decimals(const char *code)
{
	if (!code)
		return -1;
	for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++)
		if (strcmp(currencies[i].code, code) == 0)
			return currencies[i].decimals;
	return -1;
}

int money_parse(const char *s, int decimals, int64_t *minor)
{
	int neg = 0, frac = -1, any = 0;
	int64_t v = 0;
	if (!s)
		return -1;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '.' && frac < 0 && decimals > 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		if (frac >= 0 && ++frac > decimals)
			return -1;
		int d = *s - '0';
		if (v > (INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		any = 1;
	}
	if (!any || frac == 0)
		return -1;
	for (int i = frac < 0 ? 0 : frac; i < decimals; i++) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
	}
	*minor = neg ? -v : v;
	return 0;
}

void money_format(int64_t minor, int decimals, char *out, size_t n)
{
	uint64_t a = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t scale = 1;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	if (decimals == 0)
		snprintf(out, n, "%s%" PRIu64, minor < 0 ? "-" : "", a);
	else
		snprintf(out, n, "%s%" PRIu64 ".%0*" PRIu64, minor < 0 ? "-" : "", a / scale,
			 decimals, a % scale);
}
