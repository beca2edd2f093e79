/* buf.h - growable byte buffer with a maximum and a sticky first error.
 * libc only. Append freely, check buf_failed() once at the end. */
#ifndef KITH_BASE_BUF_H
#define KITH_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/err.h"

typedef struct Buf {
	char *data;   /* NUL-terminated contents, NULL while empty */
	size_t len;   /* bytes used, without the NUL */
	size_t cap;   /* bytes allocated */
	size_t max;   /* growth limit (KITH_MAX_BUF when 0) */
	int failed;   /* set on the first allocation or limit failure */
} Buf;

void buf_init(Buf *b, size_t max);
void buf_add(Buf *b, const void *p, size_t n);
void buf_adds(Buf *b, const char *s);
void buf_addc(Buf *b, char c);
void buf_addf(Buf *b, const char *fmt, ...) KITH_PRINTF(2, 3);
void buf_reset(Buf *b);
/* Contents as a string; "" when empty. Never NULL. Owned by the buffer. */
const char *buf_str(const Buf *b);
/* Take ownership of the contents (caller frees); the buffer is left empty. */
char *buf_take(Buf *b);
void buf_free(Buf *b);
int buf_failed(const Buf *b);

#endif
