/* html.h - the one HTML writer: every byte of a page goes through it, and
 * what comes from outside is escaped by the context it lands in.
 * Depends on base/ only (output goes to a Buf, whose first error sticks:
 * write freely, check buf_failed() once at the end).
 *
 * Contexts (docs/web.md lists the rules for pages):
 *   text       html_text, html_bdi, html_int: element content
 *   attribute  html_attr: a quoted attribute value
 *   URL        html_url_attr: href, src, action, formaction; only http:,
 *              https:, mailto:, tel: and relative URLs pass, anything else
 *              is written as "#"
 *   raw        html_raw_trusted: literal markup we wrote; the only call that
 *              writes unescaped bytes, so `grep html_raw_trusted` lists them
 *
 * Every escaping call replaces invalid UTF-8, NUL and other control
 * characters (C0 but tab, newline and carriage return; DEL; C1) with U+FFFD.
 * Bidi embedding, override and isolate characters (U+202A..U+202E,
 * U+2066..U+2069) stay as they are, since they are part of names written in
 * right-to-left scripts; a name shown among other text goes through
 * html_bdi, whose <bdi> element ends any override the name leaves open
 * (HTML: bdi is unicode-bidi: isolate), so it cannot reorder the page
 * around it. */
#ifndef KITH_WEB_HTML_H
#define KITH_WEB_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Append literal markup unescaped. For string literals and markup built
 * by this writer only, never for data: the name says so, and every use
 * can be found with grep. */
void html_raw_trusted(Buf *b, const char *markup);

/* Append s (NUL-terminated; NULL writes nothing) as element text: & < > "
 * ' become entities, bad bytes U+FFFD (see above). */
void html_text(Buf *b, const char *s);

/* html_text for s[0..n), which may hold NUL bytes (written as U+FFFD). */
void html_text_n(Buf *b, const char *s, size_t n);

/* Append <bdi>s</bdi> with s escaped as text: for names and other short
 * user text shown inline, so right-to-left text and bidi controls in it
 * stay inside the element. */
void html_bdi(Buf *b, const char *s);

/* Append v in decimal. */
void html_int(Buf *b, int64_t v);

/* Append ` name="value"` with value escaped as text (NULL writes an empty
 * value). name is a literal: lower-case letters, digits and '-' only. It
 * may not be an event handler (on...), style, an attribute parsed as
 * markup or a refresh (srcdoc, content, http-equiv), an animated value
 * (values, from, to, by, attributename), or a URL attribute (href, src,
 * action, formaction, srcset, imagesrcset...: use html_url_attr):
 * asserted, since that is a programmer's mistake, never the user's. */
void html_attr(Buf *b, const char *name, const char *value);

/* Append ` name="url"` for a URL attribute (href, src, action, formaction,
 * poster, cite; asserted) with url escaped, or ` name="#"` when
 * html_url_safe(url) is 0 (or url is NULL). */
void html_url_attr(Buf *b, const char *name, const char *url);

/* 1 when url may go into a URL attribute: a relative URL (path, query or
 * fragment, "//host/..." included) or one whose scheme is http, https,
 * mailto or tel, in any case. Read as a browser reads it (WHATWG URL:
 * leading and trailing control characters and spaces dropped, tab, CR and
 * LF removed anywhere) and, to refuse disguises, again after decoding
 * character references (&#58; &#x3a; &colon; ...). A ':' before the first
 * '/', '?', '#' or '\' with any other scheme, or a scheme-like prefix the
 * browser would not read as one ("java\0script:"), is refused. 0 also for
 * invalid UTF-8 and NUL (url[0..n) when the length is known: html_url_safe_n). */
int html_url_safe(const char *url);
int html_url_safe_n(const char *url, size_t n);

#endif
