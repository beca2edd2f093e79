/* fuzz_text.c - libFuzzer target for UTF-8 and text folding (base/text):
 * the input is any bytes, as a name, a note or a search query arrives.
 * Checks: the decoder never steps past the terminating NUL, and folding or
 * indexing valid UTF-8 gives valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/text.h"
#include "fuzz.h"

static void want_utf8(const Buf *b)
{
	if (!buf_failed(b) && !utf8_valid(buf_str(b), b->len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)utf8_valid((const char *)data, size);
	char *s = fuzz_cstr(data, size);
	size_t n = strlen(s);
	int valid = utf8_valid(s, n);
	/* utf8_next over any bytes ends at the NUL, one step per code point. */
	for (const char *p = s; *p;) {
		const char *was = p;
		(void)utf8_next(&p);
		if (p <= was || p > s + n)
			abort();
	}
	Buf fold, doc, trim, lower;
	buf_init(&fold, KITH_MAX_TEXT * 4);
	buf_init(&doc, KITH_MAX_TEXT * 64);
	buf_init(&trim, KITH_MAX_TEXT * 4);
	buf_init(&lower, KITH_MAX_TEXT * 4);
	text_fold(&fold, s);
	text_search_doc(&doc, s);
	text_trim(&trim, s);
	text_lower_ascii(&lower, s);
	(void)text_blank(s);
	if (valid) {
		(void)utf8_len(s);
		want_utf8(&fold);
		want_utf8(&doc);
		want_utf8(&trim);
	}
	buf_free(&fold);
	buf_free(&doc);
	buf_free(&trim);
	buf_free(&lower);
	free(s);
	return 0;
}
