/* fuzz_html.c - libFuzzer target for the HTML writer (web/html): the input
 * is any bytes, as a name, a note or a link arrives. Checks:
 *   - text (html_text_n, html_bdi, html_attr values) never holds '<', '>',
 *     '"' or '\'', every '&' starts one of the writer's five entities, the
 *     output is valid UTF-8 without NUL or other banned controls, and
 *     decoding it gives the input back when the input was clean;
 *   - a URL attribute (html_url_attr), decoded as a browser decodes it and
 *     read as a browser reads a URL (WHATWG: leading C0 and spaces
 *     dropped, tab/CR/LF removed), has no scheme but http, https, mailto
 *     and tel; decoded once more (character references in the data), it
 *     never starts with javascript:, data: or vbscript:. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/text.h"
#include "fuzz.h"
#include "web/html.h"

/* The writer's entities, and what they stand for. */
static const struct {
	const char *ent;
	char c;
} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};

/* Check escaped text s[0..n) and decode it into out (the input as the
 * browser will see it). */
static void check_text(const char *s, size_t n, Buf *out)
{
	if (!utf8_valid(s, n))
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '<' || c == '>' || c == '"' || c == '\'')
			abort();
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
			abort();
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9F)
			abort(); /* a C1 control */
		if (c != '&') {
			buf_addc(out, (char)c);
			continue;
		}
		size_t k = 0;
		for (; k < sizeof ents / sizeof ents[0]; k++) {
			size_t len = strlen(ents[k].ent);
			if (n - i >= len && memcmp(s + i, ents[k].ent, len) == 0) {
				buf_addc(out, ents[k].c);
				i += len - 1;
				break;
			}
		}
		if (k == sizeof ents / sizeof ents[0])
			abort(); /* a bare '&': the browser could read an entity there */
	}
}

/* 1 when data[0..n) has nothing the writer must replace: valid UTF-8
 * without NUL, C0 controls but tab/LF/CR, DEL or C1 controls. */
static int clean(const char *s, size_t n)
{
	if (!utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
			return 0;
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9F)
			return 0;
	}
	return 1;
}

/* The scheme a browser reads from url (lower-cased into out), 1 when it
 * has one: WHATWG URL's "scheme start" and "scheme" states after the
 * leading C0/space strip and the tab/LF/CR removal. */
static int browser_scheme(const char *url, size_t n, char *out, size_t cap)
{
	size_t i = 0, len = 0;
	while (i < n && (unsigned char)url[i] <= 0x20)
		i++;
	for (; i < n; i++) {
		char c = url[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':')
			break;
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		int more = alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
		if ((len == 0 && !alpha) || !more)
			return 0;
		if (len + 1 < cap)
			out[len] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		len++;
	}
	if (i == n || len == 0)
		return 0;
	out[len + 1 < cap ? len : cap - 1] = '\0';
	return 1;
}

static void check_url(const char *value, size_t n)
{
	char scheme[16];
	if (browser_scheme(value, n, scheme, sizeof scheme) && strcmp(scheme, "http") != 0 &&
	    strcmp(scheme, "https") != 0 && strcmp(scheme, "mailto") != 0 &&
	    strcmp(scheme, "tel") != 0)
		abort();
	/* decoded once more: &#58; &#x3a; &colon; spell ':' */
	Buf d;
	buf_init(&d, KITH_MAX_BUF);
	for (size_t i = 0; i < n; i++) {
		if (value[i] == '&' && i + 1 < n && value[i + 1] == '#') {
			size_t j = i + 2;
			int hex = j < n && (value[j] == 'x' || value[j] == 'X');
			unsigned long v = 0;
			for (j += (size_t)hex; j < n && v < 0x110000; j++) {
				char c = value[j];
				int dgt = c >= '0' && c <= '9'		? c - '0'
					  : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
					  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
									: -1;
				if (dgt < 0)
					break;
				v = v * (hex ? 16 : 10) + (unsigned long)dgt;
			}
			if (j < n && value[j] == ';')
				j++;
			if (v > 0 && v < 0x80) {
				buf_addc(&d, (char)v);
				i = j - 1;
				continue;
			}
		} else if (value[i] == '&' && n - i >= 6 && memcmp(value + i, "&colon", 6) == 0) {
			buf_addc(&d, ':');
			i += 5 + (i + 6 < n && value[i + 6] == ';');
			continue;
		}
		buf_addc(&d, value[i]);
	}
	if (!buf_failed(&d) && browser_scheme(buf_str(&d), d.len, scheme, sizeof scheme) &&
	    (strcmp(scheme, "javascript") == 0 || strcmp(scheme, "data") == 0 ||
	     strcmp(scheme, "vbscript") == 0))
		abort();
	buf_free(&d);
}

/* b holds prefix, then escaped text, then suffix: check and decode it. */
static void check_wrapped(const Buf *b, const char *prefix, const char *suffix, Buf *dec)
{
	size_t p = strlen(prefix), s = strlen(suffix);
	const char *t = buf_str(b); /* "" while empty, never NULL */
	if (buf_failed(b) || b->len < p + s || memcmp(t, prefix, p) != 0 ||
	    memcmp(t + b->len - s, suffix, s) != 0)
		abort();
	check_text(t + p, b->len - p - s, dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	Buf out, dec;
	buf_init(&out, KITH_MAX_BUF);
	buf_init(&dec, KITH_MAX_BUF);

	/* text, with any bytes (NUL included) */
	html_text_n(&out, in, size);
	check_wrapped(&out, "", "", &dec);
	if (clean(in, size) && (dec.len != size || memcmp(buf_str(&dec), in, size) != 0))
		abort(); /* clean text comes back exactly */

	char *s = fuzz_cstr(data, size);
	size_t n = strlen(s);
	buf_reset(&out);
	buf_reset(&dec);
	html_bdi(&out, s);
	check_wrapped(&out, "<bdi>", "</bdi>", &dec);

	buf_reset(&out);
	buf_reset(&dec);
	html_attr(&out, "title", s);
	check_wrapped(&out, " title=\"", "\"", &dec);

	buf_reset(&out);
	buf_reset(&dec);
	html_url_attr(&out, "href", s);
	check_wrapped(&out, " href=\"", "\"", &dec);
	check_url(buf_str(&dec), dec.len);
	int safe = html_url_safe(s);
	if (!safe && strcmp(buf_str(&dec), "#") != 0)
		abort(); /* a refused URL is written as "#" */
	if (safe && strcmp(buf_str(&dec), s) != 0 && clean(s, n))
		abort(); /* an accepted clean URL is written as it is */
	if (html_url_safe_n(in, size) && memchr(in, '\0', size))
		abort(); /* a NUL inside is never a link */

	buf_free(&out);
	buf_free(&dec);
	free(s);
	return 0;
}
