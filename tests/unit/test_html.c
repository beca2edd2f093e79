/* test_html.c - the HTML writer with hostile data: markup and quotes in
 * text and attributes, javascript: URLs in many disguises, bidi overrides,
 * invalid UTF-8, NUL and control characters. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "web/html.h"

/* What fn writes for s, as a malloc'd string (the test frees it). */
static char *out_text(const char *s)
{
	Buf b;
	buf_init(&b, KITH_MAX_BUF);
	html_text(&b, s);
	cr_assert(!buf_failed(&b));
	return buf_take(&b);
}

static void expect_text(const char *in, const char *want)
{
	char *got = out_text(in);
	cr_expect_str_eq(got, want, "html_text(%s)", in);
	free(got);
}

#define FFFD "\xEF\xBF\xBD"

Test(html, text_escapes_markup_and_quotes)
{
	expect_text("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_text("Tom & Jerry's \"shop\"", "Tom &amp; Jerry&#39;s &quot;shop&quot;");
	expect_text("&lt;", "&amp;lt;");
	expect_text("", "");
	expect_text("plain text, 123", "plain text, 123");
	/* Thai, Turkish and Polish pass through unchanged */
	expect_text("สมชาย İğneada Łódź", "สมชาย İğneada Łódź");
	Buf b;
	buf_init(&b, 0);
	html_text(&b, NULL);
	cr_expect_eq(b.len, 0, "NULL writes nothing");
	buf_free(&b);
}

Test(html, text_replaces_invalid_utf8_and_controls)
{
	expect_text("a\xff"
		    "b",
		    "a" FFFD "b");
	expect_text("\xc3", FFFD); /* cut short */
	expect_text("\xc0\xbc"
		    "script",
		    FFFD FFFD "script");		      /* overlong '<' */
	expect_text("\xe0\x80\xbc", FFFD FFFD FFFD);	      /* overlong '<' in 3 bytes */
	expect_text("\xed\xa0\x80", FFFD FFFD FFFD);	      /* a surrogate */
	expect_text("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	expect_text("a\x01"
		    "b\x1b"
		    "c\x7f",
		    "a" FFFD "b" FFFD "c" FFFD);
	expect_text("\xc2\x85", FFFD);			       /* C1: NEL */
	expect_text("line\nnext\ttab\r", "line\nnext\ttab\r"); /* kept */
	/* a NUL inside counted text */
	Buf b;
	buf_init(&b, 0);
	html_text_n(&b, "a\0<b", 4);
	cr_expect_str_eq(buf_str(&b), "a" FFFD "&lt;b");
	buf_free(&b);
}

Test(html, bidi_controls_stay_text_inside_bdi)
{
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI: kept (they are text) */
	expect_text("\xe2\x80\xae"
		    "evil",
		    "\xe2\x80\xae"
		    "evil");
	Buf b;
	buf_init(&b, 0);
	html_bdi(&b, "\xe2\x80\xae"
		     "<b>x");
	cr_expect_str_eq(buf_str(&b), "<bdi>\xe2\x80\xae"
				      "&lt;b&gt;x</bdi>");
	buf_reset(&b);
	html_bdi(&b, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x81\xa6"); /* Hebrew + LRI */
	cr_expect_str_eq(buf_str(&b), "<bdi>\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x81\xa6</bdi>");
	buf_free(&b);
}

Test(html, attribute_values_are_quoted_and_escaped)
{
	Buf b;
	buf_init(&b, 0);
	html_attr(&b, "value", "\" onmouseover=\"alert(1)");
	cr_expect_str_eq(buf_str(&b), " value=\"&quot; onmouseover=&quot;alert(1)\"");
	buf_reset(&b);
	html_attr(&b, "title", "it's <fine>");
	cr_expect_str_eq(buf_str(&b), " title=\"it&#39;s &lt;fine&gt;\"");
	buf_reset(&b);
	html_attr(&b, "data-id", NULL);
	cr_expect_str_eq(buf_str(&b), " data-id=\"\"");
	buf_reset(&b);
	html_attr(&b, "aria-label", "a\xff");
	cr_expect_str_eq(buf_str(&b), " aria-label=\"a" FFFD "\"");
	buf_free(&b);
}

/* Attribute names that are a programmer's mistake end the program. */
Test(html, event_handler_attribute_is_refused, .signal = SIGABRT)
{
	Buf b;
	buf_init(&b, 0);
	html_attr(&b, "onclick", "x");
}

Test(html, href_through_html_attr_is_refused, .signal = SIGABRT)
{
	Buf b;
	buf_init(&b, 0);
	html_attr(&b, "href", "/x");
}

Test(html, style_attribute_is_refused, .signal = SIGABRT)
{
	Buf b;
	buf_init(&b, 0);
	html_attr(&b, "style", "color:red");
}

Test(html, safe_urls_pass)
{
	static const char *const ok[] = {
	    "/contacts/42",
	    "/contacts?q=a:b&sort=name",
	    "contacts/42",
	    "companies/3", /* relative, with a first segment longer than any scheme */
	    "dashboard",
	    "settings/users",
	    "www.acme.co.th",
	    "example.com/x?y=1:2",
	    "?page=2",
	    "#notes",
	    "//example.com/x",
	    "http://example.com/",
	    "https://example.com/a?b=c#d",
	    "HTTPS://EXAMPLE.COM",
	    "mailto:ann@example.com",
	    "MailTo:ann@example.com",
	    "tel:+66812345678",
	    "tel:+48 22 123 45 67",
	    " https://example.com",
	    "ht\ttps://example.com", /* browsers drop the tab: https */
	    "/search?q=%3Cscript%3E",
	    "/a&b",
	    "/x?a=1&amp;b=2",
	    "https://ex.com/สวัสดี",
	    "",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		cr_expect(html_url_safe(ok[i]), "refused: %s", ok[i]);
}

Test(html, dangerous_urls_in_disguise_are_refused)
{
	static const char *const bad[] = {
	    "javascript:alert(1)",
	    "JavaScript:alert(1)",
	    "JAVASCRIPT:alert(1)",
	    " javascript:alert(1)",
	    "\x01\x02javascript:alert(1)",
	    "\x1f javascript:alert(1)",
	    "java\tscript:alert(1)",
	    "java\nscript:alert(1)",
	    "java\rscript:alert(1)",
	    "javascript\t:alert(1)",
	    "jav&#x09;ascript:alert(1)",
	    "javascript&colon;alert(1)",
	    "javascript&#58;alert(1)",
	    "javascript&#058alert(1)",
	    "javascript&#x3A;alert(1)",
	    "javascript&#X3a;alert(1)",
	    "&#106;avascript:alert(1)",
	    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
	    "javascript&amp;colon;alert(1)",
	    "javascript&amp;amp;#58;alert(1)",
	    "java&Tab;script:alert(1)",
	    "java&NewLine;script:alert(1)",
	    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	    "DATA:text/html,<script>alert(1)</script>",
	    "vbscript:msgbox(1)",
	    "VBScript:msgbox(1)",
	    "file:///etc/passwd",
	    "ftp://example.com/",
	    "blob:https://example.com/uuid",
	    "about:blank",
	    "%6Aavascript:alert(1)",
	    "\xc2\xa0javascript:alert(1)", /* NO-BREAK SPACE is not stripped, but refused */
	    "\xef\xbb\xbfjavascript:alert(1)",
	    "java\xff"
	    "script:alert(1)",		    /* invalid UTF-8 */
	    "https://example.com/\xc0\xaf", /* overlong '/' */
	    "httpx:alert(1)",
	    "a&#58;b",	      /* short: the decoding, not the scheme's length, refuses it */
	    "data&#58x",
	    "longerthananyscheme:x",
	    "javascriptjavascript:alert(1)",
	    "http",
	};
	/* "http" alone is a relative path: checked below, not here */
	for (size_t i = 0; i + 1 < sizeof bad / sizeof bad[0]; i++)
		cr_expect(!html_url_safe(bad[i]), "accepted: %s", bad[i]);
	cr_expect(html_url_safe("http"), "a relative path named http");
	cr_expect(!html_url_safe(NULL));
	cr_expect(!html_url_safe_n("java\0script:alert(1)", 20), "a NUL inside");
	cr_expect(!html_url_safe_n("/x\0", 3), "a NUL inside");
}

Test(html, url_attributes_write_hash_for_refused_urls)
{
	Buf b;
	buf_init(&b, 0);
	html_url_attr(&b, "href", "javascript:alert(1)");
	cr_expect_str_eq(buf_str(&b), " href=\"#\"");
	buf_reset(&b);
	html_url_attr(&b, "href", NULL);
	cr_expect_str_eq(buf_str(&b), " href=\"#\"");
	buf_reset(&b);
	html_url_attr(&b, "href", "/contacts?q=\"><script>&x='1'");
	cr_expect_str_eq(buf_str(&b),
			 " href=\"/contacts?q=&quot;&gt;&lt;script&gt;&amp;x=&#39;1&#39;\"");
	buf_reset(&b);
	html_url_attr(&b, "action", "mailto:a@b.c");
	cr_expect_str_eq(buf_str(&b), " action=\"mailto:a@b.c\"");
	buf_free(&b);
}

Test(html, raw_trusted_and_int)
{
	Buf b;
	buf_init(&b, 0);
	html_raw_trusted(&b, "<p class=\"x\">");
	html_int(&b, -9223372036854775807LL - 1);
	html_int(&b, 42);
	cr_expect_str_eq(buf_str(&b), "<p class=\"x\">-922337203685477580842");
	buf_free(&b);
}

Test(html, first_error_sticks)
{
	Buf b;
	buf_init(&b, 16);
	html_text(&b, "<<<<<<<<<<"); /* 40 bytes escaped: over the maximum */
	cr_expect(buf_failed(&b));
	html_text(&b, "x");
	cr_expect(buf_failed(&b), "the failure stays");
	buf_free(&b);
}

Test(html, srcdoc_attribute_is_refused, .signal = SIGABRT)
{
	Buf b;
	buf_init(&b, 0);
	html_attr(&b, "srcdoc", "&lt;img src=x&gt;"); /* parsed as a document */
}

Test(html, meta_content_attribute_is_refused, .signal = SIGABRT)
{
	Buf b;
	buf_init(&b, 0);
	html_attr(&b, "content", "0;url=javascript:alert(1)"); /* a refresh */
}
