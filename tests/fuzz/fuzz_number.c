/* fuzz_number.c - libFuzzer target for numbers users type: money amounts
 * (money_parse, in currencies of 0, 2 and 3 decimals, as deal values
 * arrive) and cadences ("DAYS|none", cadence_days_parse). The input is one
 * value. Checks: an accepted amount formats back to text that parses to
 * the same minor units; an accepted cadence is in range or "none" (0). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "crm/cadence.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), text[64];
	static const int decimals[] = {0, 2, 3};
	for (size_t i = 0; i < sizeof decimals / sizeof decimals[0]; i++) {
		int64_t minor, back;
		if (money_parse(s, decimals[i], &minor) != 0)
			continue;
		memset(text, 'x', sizeof text);
		money_format(minor, decimals[i], text, sizeof text);
		if (!memchr(text, '\0', sizeof text) ||
		    money_parse(text, decimals[i], &back) != 0 || back != minor)
			abort();
	}
	(void)currency_decimals(s);
	int64_t days = -1;
	Err err = {0};
	if (cadence_days_parse(s, "cadence", &days, &err) == KITH_OK && days < 0)
		abort();
	free(s);
	return 0;
}
