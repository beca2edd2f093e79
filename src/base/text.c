/* text.c - UTF-8 and folding. libc only; tables cover Latin-1, Latin
 * Extended-A, Romanian comma letters, Greek and Cyrillic capitals. */
#include "base/text.h"

#include "base/limits.h"

#include <string.h>

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			p++;
			continue;
		}
		int len;
		uint32_t cp, min;
		if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (end - p < len)
			return 0;
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += len;
	}
	return 1;
}

uint32_t utf8_next(const char **pp)
{
	const unsigned char *p = (const unsigned char *)*pp;
	uint32_t cp;
	int len;
	if (p[0] < 0x80) {
		cp = p[0], len = 1;
	} else if ((p[0] & 0xE0) == 0xC0) {
		cp = p[0] & 0x1F, len = 2;
	} else if ((p[0] & 0xF0) == 0xE0) {
		cp = p[0] & 0x0F, len = 3;
	} else {
		cp = p[0] & 0x07, len = 4;
	}
	int i = 1;
	for (; i < len && (p[i] & 0xC0) == 0x80; i++)
		cp = (cp << 6) | (p[i] & 0x3F);
	/* A truncated sequence (invalid input) yields U+FFFD and never steps
	 * past the bytes it read, so a NUL terminator is never skipped. */
	*pp += i;
	return i == len ? cp : 0xFFFD;
}

void utf8_put(Buf *b, uint32_t cp)
{
	char o[4];
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, o, 3);
	} else {
		o[0] = (char)(0xF0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, o, 4);
	}
}

size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void text_trim(Buf *out, const char *s)
{
	while (is_space(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	buf_add(out, s, n);
}

int text_blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (!is_space(*s))
			return 0;
	return 1;
}

/* U+00C0..U+00FF: base letter, '\0' to keep, digits mark two-letter folds. */
static const char latin1[] = "aaaaaa1ceeeeiiiidnooooo\0ouuuuyt2"
			     "aaaaaa1ceeeeiiiidnooooo\0ouuuuyty";
/* U+0100..U+017F: base letter; '3' = "ij", '4' = "oe". */
static const char latin_ext_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii33jjkkk"
				  "llllllllllnnnnnnnnnoooooo44rrrrrrssssssssttttttuuuuuuuuuuuu"
				  "wwyyyzzzzzzs";
_Static_assert(sizeof latin1 == 65, "latin1 table covers U+00C0..U+00FF");
_Static_assert(sizeof latin_ext_a == 129, "table covers U+0100..U+017F");

static const char *multi(char c)
{
	switch (c) {
	case '1': return "ae";
	case '2': return "ss";
	case '3': return "ij";
	case '4': return "oe";
	default: return NULL;
	}
}

/* Fold one code point: append its folded form to out. */
static void fold_cp(Buf *out, uint32_t cp)
{
	char base = 0;
	if (cp < 0x80) {
		buf_addc(out, (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
		return;
	}
	if (cp >= 0x0300 && cp <= 0x036F)
		return; /* combining diacritical marks */
	if (cp >= 0xC0 && cp <= 0xFF)
		base = latin1[cp - 0xC0];
	else if (cp >= 0x100 && cp <= 0x17F)
		base = latin_ext_a[cp - 0x100];
	else if (cp >= 0x218 && cp <= 0x21B)
		base = cp < 0x21A ? 's' : 't';
	if (base) {
		const char *m = multi(base);
		if (m)
			buf_adds(out, m);
		else
			buf_addc(out, base);
		return;
	}
	if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
		cp += 32; /* Greek capitals */
	else if (cp >= 0x410 && cp <= 0x42F)
		cp += 32; /* Cyrillic capitals */
	else if (cp >= 0x400 && cp <= 0x40F)
		cp += 80;
	utf8_put(out, cp);
}

void text_fold(Buf *out, const char *s)
{
	const char *p = s;
	while (*p)
		fold_cp(out, utf8_next(&p));
}

int text_is_thai(uint32_t cp)
{
	return cp >= 0x0E00 && cp <= 0x0E7F;
}

/* Thai marks that never start a word: above/below vowels, tone marks. */
static int thai_mark(uint32_t cp)
{
	return cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) || (cp >= 0x0E47 && cp <= 0x0E4E);
}

/* Append, space separated, every suffix of the Thai run [a, b) that starts
 * at a letter other than the first, cut to KITH_THAI_SUFFIX code points so
 * the document grows linearly with the text (a prefix search finds a word
 * of up to that many letters inside the run; search_match_expr cuts longer
 * Thai query words the same way). */
static void thai_suffixes(Buf *out, const char *a, const char *b)
{
	const char *p = a;
	utf8_next(&p);
	while (p < b) {
		const char *at = p, *end = p;
		uint32_t cp = utf8_next(&p);
		if (thai_mark(cp))
			continue;
		for (unsigned n = 0; n < KITH_THAI_SUFFIX && end < b; n++)
			utf8_next(&end);
		buf_addc(out, ' ');
		buf_add(out, at, (size_t)(end - at));
	}
}

void text_search_doc(Buf *out, const char *s)
{
	text_fold(out, s);
	const char *p = s;
	while (*p) {
		const char *at = p;
		uint32_t cp = utf8_next(&p);
		if (!text_is_thai(cp))
			continue;
		const char *end = p;
		while (*end) {
			const char *q = end;
			if (!text_is_thai(utf8_next(&q)))
				break;
			end = q;
		}
		thai_suffixes(out, at, end);
		p = end;
	}
}

void text_digit_suffixes(Buf *out, const char *s, size_t from)
{
	char d[16];
	size_t n = 0;
	for (; *s && n + 1 < sizeof d; s++)
		if (*s >= '0' && *s <= '9')
			d[n++] = *s;
	d[n] = '\0';
	for (size_t i = from ? from : 1; i + TEXT_DIGITS_MIN <= n; i++) {
		buf_addc(out, ' ');
		buf_adds(out, d + i);
	}
}

int text_email_valid(const char *s)
{
	const char *at = s ? strchr(s, '@') : NULL;
	if (!at || at == s || strchr(at + 1, '@') || strlen(s) > 254)
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == ';' || *p == '<' || *p == '>')
			return 0;
	const char *d = at + 1;
	if (!*d || !strchr(d, '.') || *d == '.' || d[strlen(d) - 1] == '.' || strstr(d, ".."))
		return 0;
	return 1;
}

void text_lower_ascii(Buf *out, const char *s)
{
	for (; *s; s++)
		buf_addc(out, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s));
}
