/* money.c - minor units, ISO 4217 decimals and the API money form.
 * libc and jansson only. */
#include "base/money.h"

#include <inttypes.h>
#include <stdarg.h>
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

json_t *money_amount_json(int64_t minor, const char *currency)
{
	char s[32]; /* "-92233720368547758.08" */
	int dec = currency_decimals(currency);
	if (dec < 0)
		return json_null();
	money_format(minor, dec, s, sizeof s);
	return json_string(s);
}

json_t *money_to_json(int64_t minor, const char *currency)
{
	return json_pack("{sIss?so}", "amount_minor", (json_int_t)minor, "currency", currency,
			 "amount", money_amount_json(minor, currency));
}

/* ERR_INVALID naming "<field>.<member>" (field alone when member is NULL). */
static int KITH_PRINTF(4, 5)
    money_err(Err *err, const char *field, const char *member, const char *fmt, ...)
{
	char f[sizeof err->field], msg[sizeof err->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(f, sizeof f, "%s%s%s", field, member ? "." : "", member ? member : "");
	return err_set(err, ERR_INVALID, f, "%s", msg);
}

/* The amount of v in minor units with dec decimals of cur: from
 * amount_minor, from amount, or both when they agree. *given = 0 when
 * neither is there. */
static int money_amount_from(const json_t *v, const char *field, const char *cur, int dec,
			     int64_t *minor, int *given, Err *err)
{
	json_t *m = json_object_get(v, "amount_minor"), *a = json_object_get(v, "amount");
	int64_t parsed;
	*given = m || a;
	*minor = 0;
	if (m && !json_is_integer(m))
		return money_err(err, field, "amount_minor",
				 "amount_minor must be an integer number of minor units");
	if (m)
		*minor = (int64_t)json_integer_value(m);
	if (!a)
		return KITH_OK;
	/* a string with a NUL inside would read as its first part */
	if (!json_is_string(a) || strlen(json_string_value(a)) != json_string_length(a) ||
	    money_parse(json_string_value(a), dec, &parsed))
		return money_err(err, field, "amount",
				 "amount must be a decimal string with at most %d decimals for %s",
				 dec, cur);
	if (m && parsed != *minor)
		return money_err(err, field, "amount", "amount and amount_minor disagree");
	*minor = parsed;
	return KITH_OK;
}

int money_from_json(const json_t *v, const char *field, const char *currency, Money *m,
		    int *has_amount, Err *err)
{
	const char *k, *cur = currency;
	json_t *x;
	int given = 0, dec, rc;
	if (!json_is_object(v))
		return money_err(err, field, NULL,
				 "must be a money object {\"amount_minor\": 1250, \"currency\": "
				 "\"EUR\"}");
	json_object_foreach((json_t *)v, k, x)
	{
		if (strcmp(k, "amount_minor") && strcmp(k, "amount") && strcmp(k, "currency"))
			return money_err(err, field, k, "unknown member '%.64s' of a money value",
					 k);
	}
	x = json_object_get(v, "currency");
	if (x && currency_decimals(cur = json_string_value(x)) < 0)
		return money_err(err, field, "currency",
				 "currency must be a known ISO 4217 code in capitals, like EUR");
	if (!cur)
		return money_err(err, field, "currency", "needs a currency, like EUR");
	if ((dec = currency_decimals(cur)) < 0) /* a default kith does not know */
		return money_err(err, field, "currency", "currency '%.8s' is not one kith knows",
				 cur);
	if ((rc = money_amount_from(v, field, cur, dec, &m->minor, &given, err)))
		return rc;
	if (!given && !has_amount)
		return money_err(err, field, "amount", "needs amount_minor or amount");
	if (has_amount)
		*has_amount = given;
	snprintf(m->currency, sizeof m->currency, "%s", cur);
	return KITH_OK;
}

/* Copy the next blank-separated word of *s into w (n bytes) and move *s
 * past it; 0 when there is none or it does not fit (never cut short). */
static int next_word(const char **s, char *w, size_t n)
{
	const char *p = *s;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t len = strcspn(p, " \t");
	if (len == 0 || len >= n)
		return 0;
	memcpy(w, p, len);
	w[len] = '\0';
	*s = p + len;
	return 1;
}

json_t *money_json_from_text(const char *s)
{
	char a[64], b[64];
	if (!s || !next_word(&s, a, sizeof a) || !next_word(&s, b, sizeof b) ||
	    s[strspn(s, " \t")] != '\0')
		return NULL;
	const char *amount = a, *cur = b;
	if (currency_decimals(a) >= 0 && currency_decimals(b) < 0)
		amount = b, cur = a;
	return json_pack("{ss ss}", "amount", amount, "currency", cur);
}
