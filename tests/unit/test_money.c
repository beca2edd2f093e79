/* test_money.c - minor units: parsing, formatting, currencies, and the one
 * API money form (money_from_json / money_to_json) for 0-, 2- and 3-decimal
 * currencies. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "fixture.h"

Test(money, parse_table)
{
	static const struct {
		const char *s;
		int dec;
		int ok;
		int64_t v;
	} cases[] = {
		{"12.30", 2, 1, 1230}, {"12.3", 2, 1, 1230},   {"12", 2, 1, 1200},
		{"-0.01", 2, 1, -1},   {"1000", 0, 1, 1000},   {"1.234", 3, 1, 1234},
		{"12.345", 2, 0, 0},   {"12.", 2, 0, 0},       {".5", 2, 1, 50},
		{"1,000.00", 2, 0, 0}, {"1e3", 2, 0, 0},       {"", 2, 0, 0},
		{"-", 2, 0, 0},        {"10.5", 0, 0, 0},      {"99999999999999999999", 2, 0, 0},
		{"92233720368547758.07", 2, 1, INT64_MAX},     {"92233720368547758.08", 2, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = 0;
		int rc = money_parse(cases[i].s, cases[i].dec, &v);
		cr_expect_eq(rc == 0, cases[i].ok, "case '%s'", cases[i].s);
		if (cases[i].ok)
			cr_expect_eq(v, cases[i].v, "case '%s' got %lld", cases[i].s, (long long)v);
	}
}

Test(money, format_and_currencies)
{
	char out[32];
	money_format(-1230, 2, out, sizeof out);
	cr_expect_str_eq(out, "-12.30");
	money_format(5, 3, out, sizeof out);
	cr_expect_str_eq(out, "0.005");
	money_format(1000, 0, out, sizeof out);
	cr_expect_str_eq(out, "1000");
	money_format(INT64_MIN, 2, out, sizeof out);
	cr_expect_str_eq(out, "-92233720368547758.08");
	cr_expect_eq(currency_decimals("EUR"), 2);
	cr_expect_eq(currency_decimals("JPY"), 0);
	cr_expect_eq(currency_decimals("BHD"), 3);
	cr_expect_eq(currency_decimals("THB"), 2);
	cr_expect_eq(currency_decimals("eur"), -1);
	cr_expect_eq(currency_decimals("XXX"), -1);
	cr_expect_eq(currency_decimals(NULL), -1);
}

/* ---- the API form: money_from_json / money_to_json ----------------------- */

Test(money, from_json_table)
{
	static const struct {
		const char *json;
		const char *dflt;  /* default currency, NULL = required */
		const char *field; /* expected err.field, NULL = accepted */
		int64_t minor;
		const char *cur;
	} cases[] = {
		/* two decimals */
		{"{\"amount_minor\": 1250, \"currency\": \"EUR\"}", NULL, NULL, 1250, "EUR"},
		{"{\"amount\": \"12.50\", \"currency\": \"EUR\"}", NULL, NULL, 1250, "EUR"},
		{"{\"amount\": \"12.5\", \"currency\": \"EUR\"}", NULL, NULL, 1250, "EUR"},
		{"{\"amount\": \"-0.01\", \"currency\": \"USD\"}", NULL, NULL, -1, "USD"},
		{"{\"amount\": \"12.505\", \"currency\": \"EUR\"}", NULL, "v.amount", 0, NULL},
		{"{\"amount\": \"1,50\", \"currency\": \"PLN\"}", NULL, "v.amount", 0, NULL},
		{"{\"amount\": \"1e3\", \"currency\": \"PLN\"}", NULL, "v.amount", 0, NULL},
		{"{\"amount\": \" 1\", \"currency\": \"PLN\"}", NULL, "v.amount", 0, NULL},
		{"{\"amount\": \"\", \"currency\": \"PLN\"}", NULL, "v.amount", 0, NULL},
		{"{\"amount\": \"1\\u00002\", \"currency\": \"PLN\"}", NULL, "v.amount", 0, NULL},
		{"{\"amount\": 12.5, \"currency\": \"EUR\"}", NULL, "v.amount", 0, NULL},
		{"{\"amount_minor\": 12.5, \"currency\": \"EUR\"}", NULL, "v.amount_minor", 0, NULL},
		{"{\"amount_minor\": \"1250\", \"currency\": \"EUR\"}", NULL, "v.amount_minor", 0,
		 NULL},
		/* zero decimals */
		{"{\"amount\": \"1000\", \"currency\": \"JPY\"}", NULL, NULL, 1000, "JPY"},
		{"{\"amount_minor\": 1000, \"currency\": \"JPY\"}", NULL, NULL, 1000, "JPY"},
		{"{\"amount\": \"1000.0\", \"currency\": \"JPY\"}", NULL, "v.amount", 0, NULL},
		{"{\"amount\": \"1.5\", \"currency\": \"KRW\"}", NULL, "v.amount", 0, NULL},
		/* three decimals */
		{"{\"amount\": \"1.234\", \"currency\": \"BHD\"}", NULL, NULL, 1234, "BHD"},
		{"{\"amount\": \"1.2\", \"currency\": \"KWD\"}", NULL, NULL, 1200, "KWD"},
		{"{\"amount\": \"1.2345\", \"currency\": \"BHD\"}", NULL, "v.amount", 0, NULL},
		/* both amounts: accepted when they agree (our own output reads back) */
		{"{\"amount_minor\": 1250, \"amount\": \"12.50\", \"currency\": \"EUR\"}", NULL, NULL,
		 1250, "EUR"},
		{"{\"amount_minor\": 1251, \"amount\": \"12.50\", \"currency\": \"EUR\"}", NULL,
		 "v.amount", 0, NULL},
		{"{\"amount_minor\": 1, \"amount\": \"1\", \"currency\": \"JPY\"}", NULL, NULL, 1,
		 "JPY"},
		/* overflow */
		{"{\"amount\": \"92233720368547758.07\", \"currency\": \"EUR\"}", NULL, NULL,
		 INT64_MAX, "EUR"},
		{"{\"amount\": \"92233720368547758.08\", \"currency\": \"EUR\"}", NULL, "v.amount", 0,
		 NULL},
		{"{\"amount\": \"9223372036854775808\", \"currency\": \"JPY\"}", NULL, "v.amount", 0,
		 NULL},
		{"{\"amount\": \"9223372036854775.808\", \"currency\": \"BHD\"}", NULL, "v.amount", 0,
		 NULL},
		/* currency */
		{"{\"amount_minor\": 1, \"currency\": \"XXX\"}", NULL, "v.currency", 0, NULL},
		{"{\"amount_minor\": 1, \"currency\": \"eur\"}", NULL, "v.currency", 0, NULL},
		{"{\"amount_minor\": 1, \"currency\": \"EURO\"}", NULL, "v.currency", 0, NULL},
		{"{\"amount_minor\": 1, \"currency\": null}", NULL, "v.currency", 0, NULL},
		{"{\"amount_minor\": 1, \"currency\": 978}", NULL, "v.currency", 0, NULL},
		{"{\"amount_minor\": 1}", NULL, "v.currency", 0, NULL},
		{"{\"amount_minor\": 1}", "PLN", NULL, 1, "PLN"},
		{"{\"amount\": \"1.5\"}", "JPY", "v.amount", 0, NULL},
		{"{\"amount\": \"1.5\", \"currency\": \"EUR\"}", "JPY", NULL, 150, "EUR"},
		{"{\"amount_minor\": 1}", "ZZZ", "v.currency", 0, NULL},
		/* shape */
		{"{\"currency\": \"EUR\"}", NULL, "v.amount", 0, NULL},
		{"{}", "EUR", "v.amount", 0, NULL},
		{"{\"amount_minor\": 1, \"currency\": \"EUR\", \"rate\": 1}", NULL, "v.rate", 0, NULL},
		{"\"12.50 EUR\"", NULL, "v", 0, NULL},
		{"1250", NULL, "v", 0, NULL},
		{"null", NULL, "v", 0, NULL},
		{"[1250, \"EUR\"]", NULL, "v", 0, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v = fixture_json(cases[i].json);
		Money m = {0};
		Err err = {0};
		int rc = money_from_json(v, "v", cases[i].dflt, &m, NULL, &err);
		if (!cases[i].field) {
			cr_expect_eq(rc, KITH_OK, "case %zu %s: %s", i, cases[i].json, err.msg);
			cr_expect_eq(m.minor, cases[i].minor, "case %zu %s: got %lld", i,
				     cases[i].json, (long long)m.minor);
			cr_expect_str_eq(m.currency, cases[i].cur, "case %zu", i);
		} else {
			cr_expect_eq(rc, ERR_INVALID, "case %zu %s accepted", i, cases[i].json);
			cr_expect_str_eq(err.field, cases[i].field, "case %zu %s: %s", i,
					 cases[i].json, err.msg);
			cr_expect_neq(err.msg[0], '\0', "case %zu has a message", i);
		}
		json_decref(v);
	}
}

Test(money, from_json_amount_may_be_absent)
{
	Money m = {.minor = 99};
	Err err = {0};
	int given = -1;
	json_t *v = fixture_json("{\"currency\": \"JPY\"}");
	cr_assert_eq(money_from_json(v, "value", "EUR", &m, &given, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(given, 0);
	cr_expect_eq(m.minor, 0);
	cr_expect_str_eq(m.currency, "JPY");
	json_decref(v);
	v = fixture_json("{\"amount\": \"0\"}");
	cr_assert_eq(money_from_json(v, "value", "EUR", &m, &given, &err), KITH_OK, "%s", err.msg);
	cr_expect_eq(given, 1);
	cr_expect_str_eq(m.currency, "EUR");
	json_decref(v);
	/* errors still name the member */
	v = fixture_json("{\"amount\": \"0.001\"}");
	cr_expect_eq(money_from_json(v, "value", "EUR", &m, &given, &err), ERR_INVALID);
	cr_expect_str_eq(err.field, "value.amount");
	cr_expect(strstr(err.msg, "2 decimals for EUR"), "%s", err.msg);
	json_decref(v);
}

Test(money, to_json_by_currency)
{
	static const struct {
		int64_t minor;
		const char *cur, *json;
	} cases[] = {
		{1250, "EUR", "{\"amount_minor\":1250,\"currency\":\"EUR\",\"amount\":\"12.50\"}"},
		{-5, "EUR", "{\"amount_minor\":-5,\"currency\":\"EUR\",\"amount\":\"-0.05\"}"},
		{0, "PLN", "{\"amount_minor\":0,\"currency\":\"PLN\",\"amount\":\"0.00\"}"},
		{1000, "JPY", "{\"amount_minor\":1000,\"currency\":\"JPY\",\"amount\":\"1000\"}"},
		{1234, "BHD", "{\"amount_minor\":1234,\"currency\":\"BHD\",\"amount\":\"1.234\"}"},
		{7, "TND", "{\"amount_minor\":7,\"currency\":\"TND\",\"amount\":\"0.007\"}"},
		{INT64_MIN, "EUR",
		 "{\"amount_minor\":-9223372036854775808,\"currency\":\"EUR\","
		 "\"amount\":\"-92233720368547758.08\"}"},
		/* not a code kith knows: the minor unit is unknown, so no amount */
		{1250, "XXX", "{\"amount_minor\":1250,\"currency\":\"XXX\",\"amount\":null}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v = money_to_json(cases[i].minor, cases[i].cur);
		char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
		cr_expect_str_eq(s, cases[i].json, "case %zu", i);
		free(s);
		json_decref(v);
	}
}

Test(money, round_trip)
{
	static const char *const curs[] = {"JPY", "EUR", "BHD", "KWD", "CLP", "THB"};
	static const int64_t amounts[] = {0, 1, 9, 10, 99, 100, 101, 12345, 999999,
					  1000000000000LL, INT64_MAX, -1, -12345, INT64_MIN + 1};
	for (size_t c = 0; c < sizeof curs / sizeof curs[0]; c++)
		for (size_t a = 0; a < sizeof amounts / sizeof amounts[0]; a++) {
			json_t *out = money_to_json(amounts[a], curs[c]);
			Money m = {0};
			Err err = {0};
			/* the whole written form reads back, and so does each amount alone */
			cr_expect_eq(money_from_json(out, "v", NULL, &m, NULL, &err), KITH_OK,
				     "%s %lld: %s", curs[c], (long long)amounts[a], err.msg);
			cr_expect_eq(m.minor, amounts[a]);
			cr_expect_str_eq(m.currency, curs[c]);
			json_t *only = json_pack("{sOsO}", "amount", json_object_get(out, "amount"),
						 "currency", json_object_get(out, "currency"));
			m.minor = 0;
			cr_expect_eq(money_from_json(only, "v", NULL, &m, NULL, &err), KITH_OK,
				     "%s %lld: %s", curs[c], (long long)amounts[a], err.msg);
			cr_expect_eq(m.minor, amounts[a], "%s: %s", curs[c],
				     json_string_value(json_object_get(out, "amount")));
			json_decref(only);
			json_decref(out);
		}
}

Test(money, json_from_text)
{
	static const struct {
		const char *text, *json;
	} cases[] = {
		{"12.50 EUR", "{\"amount\":\"12.50\",\"currency\":\"EUR\"}"},
		{"EUR 12.50", "{\"amount\":\"12.50\",\"currency\":\"EUR\"}"},
		{"  1000   JPY ", "{\"amount\":\"1000\",\"currency\":\"JPY\"}"},
		/* not checked here: money_from_json names what is wrong */
		{"12.50 XYZ", "{\"amount\":\"12.50\",\"currency\":\"XYZ\"}"},
		{"12.50", NULL},
		{"", NULL},
		{"12.50 EUR extra", NULL},
		{"12.50 EUR x", NULL},
		{"12.50\tEUR", "{\"amount\":\"12.50\",\"currency\":\"EUR\"}"},
		/* a word too long for the reader is refused, not cut into two */
		{"000000000000000000000000000000000000000000000000000000000000000EUR", NULL},
		{"1 0000000000000000000000000000000000000000000000000000000000000000EUR", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v = money_json_from_text(cases[i].text);
		if (!cases[i].json) {
			cr_expect_null(v, "case '%s'", cases[i].text);
			json_decref(v);
			continue;
		}
		cr_assert_not_null(v, "case '%s'", cases[i].text);
		char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
		cr_expect_str_eq(s, cases[i].json, "case '%s'", cases[i].text);
		free(s);
		json_decref(v);
	}
	cr_expect_null(money_json_from_text(NULL));
}
