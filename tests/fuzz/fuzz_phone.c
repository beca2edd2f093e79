/* fuzz_phone.c - libFuzzer target for phone numbers (crm/phone): the input
 * is "CC\nNUMBER" (CC an ISO country, may be empty) or just a number, read
 * with each of a few countries. Checks: an accepted number is stored as
 * E.164 or, without a country, as typed; its key is digits only, at most
 * 15; an E.164 value normalizes to itself again; search forms are built
 * for it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm/phone.h"
#include "fuzz.h"

static const char *const countries[] = {NULL, "", "PL", "TH", "TR", "GB", "US", "HU", "IT", "XX"};

static void check(const char *number, const char *country)
{
	Phone ph, again;
	Err err = {0};
	Buf forms;
	if (phone_normalize(number, country, "phone", &ph, &err) != KITH_OK) {
		if (err.code != ERR_INVALID || strcmp(err.field, "phone") != 0)
			abort();
		return;
	}
	size_t n = strlen(ph.norm);
	if (n == 0 || n > 15 || strspn(ph.norm, "0123456789") != n)
		abort();
	if (ph.value[0] == '+') {
		if (strcmp(ph.value + 1, ph.norm) != 0)
			abort();
		if (phone_normalize(ph.value, country, "phone", &again, &err) != KITH_OK ||
		    strcmp(again.value, ph.value) != 0)
			abort();
	}
	buf_init(&forms, 4096);
	phone_search_forms(ph.value, &forms);
	phone_search_forms(number, &forms);
	buf_free(&forms);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *number = s;
	if (strchr(s, '\n')) {
		number = fuzz_split_line(s);
		check(number, s);
		(void)phone_calling_code(s);
	}
	for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
		check(number, countries[i]);
	free(s);
	return 0;
}
