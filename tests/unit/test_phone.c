/* test_phone.c - phone normalization: a table of inputs per country, the
 * numbers that must be refused, and the forms a search finds. */
#include <criterion/criterion.h>
#include <string.h>

#include "crm/phone.h"

static const struct {
	const char *country; /* workspace default, NULL = none */
	const char *input;
	const char *value; /* stored form */
	const char *norm;  /* duplicate key */
} good[] = {
    /* Thailand: trunk 0 dropped, 66 prepended. */
    {"TH", "081 234 5678", "+66812345678", "66812345678"},
    {"TH", "02-123-4567", "+6621234567", "6621234567"},
    {"TH", "+66 81 234 5678", "+66812345678", "66812345678"},
    /* Turkey: trunk 0, ten national digits. */
    {"TR", "0532 123 45 67", "+905321234567", "905321234567"},
    {"TR", "(0212) 555 12 34", "+902125551234", "902125551234"},
    /* Poland: no trunk prefix, nine digits. */
    {"PL", "601 234 567", "+48601234567", "48601234567"},
    {"PL", "22.123.45.67", "+48221234567", "48221234567"},
    {"PL", "0048 601 234 567", "+48601234567", "48601234567"},
    /* Germany, UK, France: trunk 0. */
    {"DE", "030 1234567", "+49301234567", "49301234567"},
    {"DE", "0151 23456789", "+4915123456789", "4915123456789"},
    {"GB", "020 7946 0958", "+442079460958", "442079460958"},
    {"GB", "07700 900123", "+447700900123", "447700900123"},
    {"FR", "01 23 45 67 89", "+33123456789", "33123456789"},
    /* NANP: an optional leading 1, ten digits. */
    {"US", "(415) 555-2671", "+14155552671", "14155552671"},
    {"US", "1-415-555-2671", "+14155552671", "14155552671"},
    {"CA", "604 555 0199", "+16045550199", "16045550199"},
    /* Italy keeps its leading 0; Spain has no trunk; Netherlands drops 0. */
    {"IT", "06 6982 1234", "+390669821234", "390669821234"},
    {"ES", "912 345 678", "+34912345678", "34912345678"},
    {"NL", "020 123 4567", "+31201234567", "31201234567"},
    /* International forms win over the default country. */
    {"PL", "+66 81 234 5678", "+66812345678", "66812345678"},
    {"TR", "00 44 20 7946 0958", "+442079460958", "442079460958"},
    {NULL, "+48 601 234 567", "+48601234567", "48601234567"},
    {"", "0048601234567", "+48601234567", "48601234567"},
    /* Without a default country a national number is kept as entered. */
    {NULL, "0812345678", "0812345678", "0812345678"},
    {NULL, " 601-234-567 ", "601-234-567", "601234567"},
    {"", "(22) 12 34", "(22) 12 34", "221234"},
    /* A country not in the table behaves like none. */
    {"KE", "0712 345678", "0712 345678", "0712345678"},
    /* E.164 allows 15 digits. */
    {NULL, "+123456789012345", "+123456789012345", "123456789012345"},
};

static const struct {
	const char *country;
	const char *input;
} bad[] = {
    {"PL", "+"}, /* "+" alone */
    {NULL, "+"},
    {"PL", ""}, /* nothing */
    {"PL", "   "},
    {"PL", "601 234 56a"}, /* letters */
    {NULL, "call me"},
    {"TH", "08l 234 5678"},
    {"PL", "601+234567"}, /* '+' inside */
    {"PL", "++48601234567"},
    {"PL", "601 234"},	     /* too short for Poland */
    {"PL", "601 234 567 8"}, /* too long for Poland */
    {"US", "555-2671"},	     /* NANP needs ten digits */
    {"TR", "0532 123 45"},
    {"DE", "0301"},
    {NULL, "12345"},		 /* too short without a country */
    {NULL, "1234567890123456"},	 /* 16 digits */
    {NULL, "+1234567"},		 /* 7 digits after + */
    {NULL, "+1234567890123456"}, /* 16 digits after + */
    {"PL", "00"},		 /* 00 with nothing after it */
    {"PL", "+0 601 234 567"},	 /* calling codes never start with 0 */
    {"PL", "0000601234567"},
    {"PL", "601\t234\n567"}, /* line breaks are not separators */
    {"PL", "601_234_567"},
    {"TH", "81 234 5678"}, /* a Thai national number carries its trunk 0 */
    {"TH", "601 234 567"}, /* a Polish mobile is not a Thai number */
    {"TR", "532 123 45 67"},
    {"GB", "7700 900123"},
};

/* A contact's own country first, the workspace's second. */
static const struct {
	const char *own;      /* the contact's country (address or given with the number) */
	const char *fallback; /* the workspace's */
	const char *input;
	const char *value; /* stored form, NULL = refused asking for the +country form */
} both[] = {
    /* The case: a Polish mobile of a Polish contact in a Thai workspace. */
    {"PL", "TH", "601 234 567", "+48601234567"},
    /* A Thai number of that contact falls back to the workspace's plan. */
    {"PL", "TH", "081 234 5678", "+66812345678"},
    /* Turkish national forms for a Turkish contact anywhere. */
    {"TR", "TH", "0532 123 45 67", "+905321234567"},
    {"TR", "PL", "(0212) 555 12 34", "+902125551234"},
    {"TR", NULL, "0532 123 45 67", "+905321234567"},
    /* British mobile for a British contact. */
    {"GB", "TH", "07700 900123", "+447700900123"},
    {"GB", "PL", "020 7946 0958", "+442079460958"},
    /* No contact country: the workspace's plan, as before. */
    {NULL, "TH", "081 234 5678", "+66812345678"},
    {"", "PL", "601 234 567", "+48601234567"},
    {NULL, "TR", "0532 123 45 67", "+905321234567"},
    {NULL, "GB", "07700 900123", "+447700900123"},
    /* The international form never needs a plan. */
    {"KE", "TH", "+254 712 345678", "+254712345678"},
    {"PL", "TH", "0066 81 234 5678", "+66812345678"},
    /* The contact's plan wins when both fit. */
    {"GB", "DE", "030 1234567", "+44301234567"},
    {"DE", "GB", "030 1234567", "+49301234567"},
    /* Fits neither plan: asks for the +country form. */
    {NULL, "TH", "601 234 567", NULL},
    {"TH", "TH", "601 234 567", NULL},
    {"PL", "TH", "0532 123 45 67", NULL},
    {"TR", "TH", "601 234 567", NULL},
    {"GB", "PL", "0532 123 45 678", NULL},
    /* A contact country kith has no plan for: only the + form is certain. */
    {"KE", "TH", "0712 345678", NULL},
    /* Nothing known about any country: kept as entered. */
    {"KE", NULL, "0712 345678", "0712 345678"},
    {"KE", "GH", "0712 345678", "0712 345678"},
};

Test(phone, normalizes_per_country)
{
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		Err err = {0};
		Phone ph;
		int rc =
		    phone_normalize(good[i].input, good[i].country, "phones[0].value", &ph, &err);
		cr_expect_eq(rc, KITH_OK, "%s/%s: %s", good[i].country ? good[i].country : "-",
			     good[i].input, err.msg);
		if (rc)
			continue;
		cr_expect_str_eq(ph.value, good[i].value, "%s", good[i].input);
		cr_expect_str_eq(ph.norm, good[i].norm, "%s", good[i].input);
	}
}

Test(phone, refuses_what_is_not_a_number)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		Err err = {0};
		Phone ph;
		cr_expect_eq(
		    phone_normalize(bad[i].input, bad[i].country, "phones[2].value", &ph, &err),
		    ERR_INVALID, "'%s' was accepted as %s", bad[i].input, ph.value);
		cr_expect_str_eq(err.field, "phones[2].value");
		cr_expect(strstr(err.msg, "e.g. +48 601 234 567") != NULL, "%s", err.msg);
	}
	Err err = {0};
	Phone ph;
	cr_expect_eq(phone_normalize(NULL, "PL", "p", &ph, &err), ERR_INVALID);
	char huge[KITH_MAX_SHORT + 10];
	memset(huge, '1', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	cr_expect_eq(phone_normalize(huge, NULL, "p", &ph, &err), ERR_INVALID);
}

Test(phone, search_forms)
{
	static const struct {
		const char *value, *forms;
	} cases[] = {
	    {"+66812345678", "66812345678 812345678 0812345678 12345678 2345678 345678 45678 5678"},
	    {"+48601234567", "48601234567 601234567 01234567 1234567 234567 34567 4567"},
	    {"+905321234567",
	     "905321234567 5321234567 05321234567 321234567 21234567 1234567 234567 34567 4567"},
	    {"+14155552671",
	     "14155552671 4155552671 14155552671 155552671 55552671 5552671 552671 52671 2671"},
	    {"+3612345678", "3612345678 12345678 0612345678 2345678 345678 45678 5678"},
	    /* calling code not in the table: suffixes of all digits */
	    {"+79161234567", "79161234567 9161234567 161234567 61234567 1234567 234567 34567 4567"},
	    /* kept as entered: digits only */
	    {"601-234-567", "601234567 01234567 1234567 234567 34567 4567"},
	    {"12 34", "1234"}, /* nothing shorter than four digits */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Buf b;
		buf_init(&b, 0);
		phone_search_forms(cases[i].value, &b);
		cr_expect_str_eq(buf_str(&b), cases[i].forms, "%s", cases[i].value);
		buf_free(&b);
	}
}

Test(phone, calling_codes)
{
	static const char *const pairs[][2] = {
	    {"TH", "66"}, {"TR", "90"}, {"PL", "48"}, {"DE", "49"}, {"GB", "44"}, {"FR", "33"},
	    {"US", "1"},  {"CA", "1"},	{"NL", "31"}, {"ES", "34"}, {"IT", "39"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		cr_expect_str_eq(phone_calling_code(pairs[i][0]), pairs[i][1], "%s", pairs[i][0]);
	cr_expect_null(phone_calling_code("XX"));
	cr_expect_null(phone_calling_code(""));
	cr_expect_null(phone_calling_code(NULL));
}

Test(phone, reads_the_contacts_country_before_the_workspaces)
{
	for (size_t i = 0; i < sizeof both / sizeof both[0]; i++) {
		Err err = {0};
		Phone ph;
		ph.value[0] = '\0';
		const char *own = both[i].own ? both[i].own : "-";
		const char *fb = both[i].fallback ? both[i].fallback : "-";
		int rc = phone_normalize_for(both[i].input, both[i].own, both[i].fallback,
					     "phones[1].value", &ph, &err);
		if (both[i].value) {
			cr_expect_eq(rc, KITH_OK, "%s/%s %s: %s", own, fb, both[i].input, err.msg);
			if (rc == KITH_OK)
				cr_expect_str_eq(ph.value, both[i].value, "%s/%s %s", own, fb,
						 both[i].input);
			continue;
		}
		cr_expect_eq(rc, ERR_INVALID, "%s/%s %s was accepted as %s", own, fb, both[i].input,
			     ph.value);
		cr_expect_str_eq(err.field, "phones[1].value");
		cr_expect(strstr(err.msg, "write it with its country code, e.g. +48 601 234 567"),
			  "%s", err.msg);
	}
}

Test(phone, the_refusal_names_the_plans_tried)
{
	Err err = {0};
	Phone ph;
	cr_expect_eq(phone_normalize_for("601 234 567", "TR", "TH", "phone", &ph, &err),
		     ERR_INVALID);
	cr_expect(strstr(err.msg, "is not a national number of TR or TH") != NULL, "%s", err.msg);
	cr_expect_eq(phone_normalize_for("601 234 567", NULL, "TH", "phone", &ph, &err),
		     ERR_INVALID);
	cr_expect(strstr(err.msg, "is not a national number of TH;") != NULL, "%s", err.msg);
	cr_expect_eq(phone_normalize_for("0712 345678", "KE", "TH", "phone", &ph, &err),
		     ERR_INVALID);
	cr_expect(strstr(err.msg, "of KE;") != NULL, "%s", err.msg);
	/* Not a number at all keeps the plain message. */
	cr_expect_eq(phone_normalize_for("call me", "PL", "TH", "phone", &ph, &err), ERR_INVALID);
	cr_expect_str_eq(err.msg, "must be a phone number, e.g. +48 601 234 567");
}
