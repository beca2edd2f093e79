/* cursor.c - keyset cursors as hex("<id>\x1f<key>"). libc only. */
#include "base/cursor.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/text.h"

char *cursor_encode(const char *key, int64_t id)
{
	char head[32];
	Buf raw, hex;
	buf_init(&raw, KITH_MAX_URL);
	buf_init(&hex, KITH_MAX_URL * 2 + 1);
	snprintf(head, sizeof head, "%" PRId64 "\x1f", id);
	buf_adds(&raw, head);
	buf_adds(&raw, key ? key : "");
	for (size_t i = 0; i < raw.len; i++)
		buf_addf(&hex, "%02x", (unsigned char)raw.data[i]);
	int failed = buf_failed(&raw) || buf_failed(&hex);
	buf_free(&raw);
	if (failed) {
		buf_free(&hex);
		return NULL;
	}
	return buf_take(&hex);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int cursor_decode(const char *cursor, char **key, int64_t *id, Err *err)
{
	size_t n = cursor ? strlen(cursor) : 0;
	if (n == 0 || n % 2 || n > KITH_MAX_URL)
		return err_set(err, ERR_INVALID, "cursor", "is not a cursor from a previous page");
	char *raw = malloc(n / 2 + 1);
	if (!raw)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(cursor[i]), lo = hexval(cursor[i + 1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(raw);
			return err_set(err, ERR_INVALID, "cursor", "is not a cursor from a previous page");
		}
		raw[i / 2] = (char)(hi << 4 | lo);
	}
	raw[n / 2] = '\0';
	char *sep = strchr(raw, '\x1f'), *end;
	long long v = sep ? strtoll(raw, &end, 10) : 0;
	if (!sep || end != sep || v <= 0 || !utf8_valid(sep + 1, strlen(sep + 1))) {
		free(raw);
		return err_set(err, ERR_INVALID, "cursor", "is not a cursor from a previous page");
	}
	*id = v;
	memmove(raw, sep + 1, strlen(sep + 1) + 1);
	*key = raw;
	return KITH_OK;
}
