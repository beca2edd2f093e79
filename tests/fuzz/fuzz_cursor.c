/* fuzz_cursor.c - libFuzzer target for list cursors (base/cursor): the
 * input is a ?cursor= / --cursor value. Checks: a cursor is either refused
 * naming "cursor" or decodes to an id > 0 and a valid UTF-8 key that
 * encode to the same cursor again; encoding any key and id decodes back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/text.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *key = NULL, *again;
	int64_t id = 0;
	Err err = {0};
	if (cursor_decode(s, &key, &id, &err) == KITH_OK) {
		if (id <= 0 || !utf8_valid(key, strlen(key)))
			abort();
		again = cursor_encode(key, id);
		/* Same id and key; the id may have been written with leading zeros or a '+'. */
		char *key2 = NULL;
		int64_t id2 = 0;
		if (!again || cursor_decode(again, &key2, &id2, &err) != KITH_OK || id2 != id ||
		    strcmp(key2, key) != 0)
			abort();
		free(key2);
		free(again);
		free(key);
	} else if (strcmp(err.field, "cursor") != 0 && err.code != ERR_INTERNAL) {
		abort();
	}
	/* Any valid UTF-8 text as a key round-trips. */
	if (utf8_valid(s, strlen(s)) && strlen(s) < 1024) {
		int64_t want = (int64_t)(size * 7919 + 1);
		char *c = cursor_encode(s, want), *k = NULL;
		if (!c || cursor_decode(c, &k, &id, &err) != KITH_OK || id != want || strcmp(k, s))
			abort();
		free(c);
		free(k);
	}
	free(s);
	return 0;
}
