/* html.c - the HTML writer: escaping by context (text, attribute, URL) and
 * the one raw opt-out. Depends on base/ only; see html.h for the rules. */
#include "web/html.h"

#include <assert.h>
#include <string.h>

#include "base/limits.h"

/* U+FFFD REPLACEMENT CHARACTER, for bytes that may not reach a page. */
static const char replacement[] = "\xEF\xBF\xBD";

/* Decode one code point from s[*i..n) and advance *i past it. Returns -1
 * for a malformed sequence (overlong, surrogate, above U+10FFFF, cut
 * short), advancing one byte, so the caller resynchronises on the next. */
static int32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	int len;
	int32_t cp, min;
	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, cp = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, cp = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		(*i)++;
		return -1;
	}
	if (n - *i < (size_t)len) {
		(*i)++;
		return -1;
	}
	for (int k = 1; k < len; k++) {
		if ((s[*i + k] & 0xC0) != 0x80) {
			(*i)++;
			return -1;
		}
		cp = (cp << 6) | (s[*i + k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		(*i)++;
		return -1;
	}
	*i += (size_t)len;
	return cp;
}

/* 1 for code points no page gets: NUL and the other C0 controls but tab,
 * LF and CR; DEL; the C1 controls. */
static int cp_banned(int32_t cp)
{
	if (cp < 0)
		return 1;
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	return cp >= 0x7F && cp <= 0x9F;
}

void html_raw_trusted(Buf *b, const char *markup)
{
	buf_adds(b, markup);
}

void html_text_n(Buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		int32_t cp = next_cp(u, n, &i);
		if (cp_banned(cp)) {
			buf_adds(b, replacement);
			continue;
		}
		switch (cp) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			buf_add(b, s + start, i - start);
		}
	}
}

void html_text(Buf *b, const char *s)
{
	if (s)
		html_text_n(b, s, strlen(s));
}

void html_bdi(Buf *b, const char *s)
{
	buf_adds(b, "<bdi>");
	html_text(b, s);
	buf_adds(b, "</bdi>");
}

void html_int(Buf *b, int64_t v)
{
	buf_addf(b, "%lld", (long long)v);
}

/* 1 when name is one of the attributes that take a URL. */
static int url_attr_name(const char *name)
{
	static const char *const names[] = {"href",	"src",	    "action", "formaction",
					    "poster",	"cite",	    "srcset", "background",
					    "data",	"codebase", "ping",   "manifest",
					    "longdesc", "usemap",   NULL};
	for (const char *const *p = names; *p; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

/* 1 when name is an attribute whose value a browser parses as markup,
 * a refresh or an animated value (which may set a URL attribute). */
static int active_attr_name(const char *name)
{
	static const char *const names[] = {"style", "srcdoc", "content", "http-equiv",
					    "imagesrcset", "values", "from", "to", "by",
					    "attributename", NULL};
	for (const char *const *p = names; *p; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

/* 1 when name is a literal attribute name html_attr may write. */
static int plain_attr_name(const char *name)
{
	if (!name || !*name || strncmp(name, "on", 2) == 0 || active_attr_name(name) ||
	    url_attr_name(name))
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

void html_attr(Buf *b, const char *name, const char *value)
{
	assert(plain_attr_name(name));
	buf_addc(b, ' ');
	buf_adds(b, name);
	buf_adds(b, "=\"");
	html_text(b, value);
	buf_addc(b, '"');
}

void html_url_attr(Buf *b, const char *name, const char *url)
{
	assert(name && url_attr_name(name) && strcmp(name, "srcset") != 0);
	buf_addc(b, ' ');
	buf_adds(b, name);
	buf_adds(b, "=\"");
	if (url && html_url_safe(url))
		html_text(b, url);
	else
		buf_addc(b, '#');
	buf_addc(b, '"');
}

/* The schemes a page may link to (WHATWG URL: schemes are ASCII and read
 * case-insensitively). */
static int scheme_allowed(const char *s, size_t n)
{
	static const char *const ok[] = {"http", "https", "mailto", "tel", NULL};
	for (const char *const *p = ok; *p; p++) {
		if (strlen(*p) != n)
			continue;
		size_t i = 0;
		for (; i < n; i++) {
			char c = s[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != (*p)[i])
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

/* The scheme check on s[0..n) as a browser reads it: leading C0 controls
 * and spaces skipped, tab/LF/CR dropped anywhere, then everything up to
 * the first ':' is the scheme unless '/', '?', '#' or '\' comes first. */
static int scheme_ok(const char *s, size_t n)
{
	char scheme[8];
	size_t len = 0, i = 0;
	while (i < n && (unsigned char)s[i] <= 0x20)
		i++;
	for (; i < n; i++) {
		char c = s[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '/' || c == '?' || c == '#' || c == '\\')
			return 1; /* relative: a path, a query or a fragment */
		if (c == ':') /* a scheme longer than the buffer is none we allow */
			return len <= sizeof scheme && scheme_allowed(scheme, len);
		if (len < sizeof scheme)
			scheme[len] = c;
		len++; /* past the buffer: keep reading, a '/' first makes it relative */
	}
	return 1; /* no ':' at all: a relative path */
}

/* Named character references that could spell a scheme or its end, in
 * the case HTML defines them (plus lower-case forms, to be safe). */
typedef struct NamedRef {
	const char *name; /* without & and ; */
	char c;		  /* what it stands for */
} NamedRef;

static const NamedRef named_refs[] = {
    {"colon", ':'}, {"Tab", '\t'}, {"tab", '\t'}, {"NewLine", '\n'}, {"newline", '\n'},
    {"amp", '&'},   {"AMP", '&'},  {"sol", '/'},  {"quest", '?'},    {"num", '#'},
    {"bsol", '\\'}, {"lpar", '('}, {"rpar", ')'}, {"period", '.'},   {"semi", ';'},
};

/* Decode one character reference at s[i] == '&' into out; returns the
 * bytes consumed (0 when s[i..] is no reference we know). The ';' is
 * optional, as browsers accept "&#58" too. */
static size_t decode_ref(const char *s, size_t n, size_t i, Buf *out)
{
	size_t j = i + 1;
	if (j < n && s[j] == '#') {
		int hex = j + 1 < n && (s[j + 1] == 'x' || s[j + 1] == 'X');
		uint32_t v = 0;
		size_t digits = 0;
		for (j += hex ? 2 : 1; j < n; j++, digits++) {
			char c = s[j];
			int d = c >= '0' && c <= '9'	      ? c - '0'
				: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
				: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
							      : -1;
			if (d < 0)
				break;
			if (v < 0x110000)
				v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (!digits)
			return 0;
		if (j < n && s[j] == ';')
			j++;
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			v = 0xFFFD;
		char u[4];
		size_t len = v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4;
		if (len == 1) {
			u[0] = (char)v;
		} else {
			for (size_t k = len - 1; k > 0; k--, v >>= 6)
				u[k] = (char)(0x80 | (v & 0x3F));
			u[0] = (char)((len == 2 ? 0xC0 : len == 3 ? 0xE0 : 0xF0) | v);
		}
		buf_add(out, u, len);
		return j - i;
	}
	for (size_t k = 0; k < sizeof named_refs / sizeof named_refs[0]; k++) {
		size_t len = strlen(named_refs[k].name);
		if (n - j >= len && memcmp(s + j, named_refs[k].name, len) == 0) {
			j += len;
			if (j < n && s[j] == ';')
				j++;
			buf_addc(out, named_refs[k].c);
			return j - i;
		}
	}
	return 0;
}

/* s[0..n) with its character references decoded, once, into out. */
static void decode_refs(const char *s, size_t n, Buf *out)
{
	for (size_t i = 0; i < n;) {
		size_t used = s[i] == '&' ? decode_ref(s, n, i, out) : 0;
		if (used) {
			i += used;
		} else {
			buf_addc(out, s[i]);
			i++;
		}
	}
}

int html_url_safe_n(const char *url, size_t n)
{
	const unsigned char *u = (const unsigned char *)url;
	for (size_t i = 0; i < n;)
		if (next_cp(u, n, &i) <= 0)
			return 0; /* invalid UTF-8 or NUL: no link to guess about */
	if (!scheme_ok(url, n))
		return 0;
	/* "&amp;#58;" is "&#58;" once decoded and ':' twice: decode until
	 * nothing changes (each round only shortens the text, but a few
	 * rounds are all that any honest URL needs). */
	Buf a, d;
	int ok = 1;
	buf_init(&a, KITH_MAX_BUF);
	buf_add(&a, url, n);
	for (int round = 0; ok && round < 4 && memchr(buf_str(&a), '&', a.len); round++) {
		buf_init(&d, KITH_MAX_BUF);
		decode_refs(buf_str(&a), a.len, &d);
		ok = !buf_failed(&d) && scheme_ok(buf_str(&d), d.len);
		int same = d.len == a.len && memcmp(buf_str(&d), buf_str(&a), a.len) == 0;
		buf_free(&a);
		a = d;
		if (same)
			break;
		if (round == 3 && memchr(buf_str(&a), '&', a.len))
			ok = 0; /* still decoding after four rounds: nobody writes that */
	}
	ok = ok && !buf_failed(&a);
	buf_free(&a);
	return ok;
}

int html_url_safe(const char *url)
{
	return url ? html_url_safe_n(url, strlen(url)) : 0;
}
