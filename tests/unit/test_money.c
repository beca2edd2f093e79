/* test_money.c - minor units: parsing, formatting, currencies. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "base/money.h"

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
