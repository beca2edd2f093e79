/* test_layout.c - the page frame: doctype, language, head with the
 * versioned assets, navigation, main and footer, every piece of data
 * escaped, no inline script or style. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/asset.h"
#include "web/layout.h"

/* A whole page with body between the frame's halves; the test frees it. */
static char *page(const Page *p, const char *body)
{
	Buf b;
	buf_init(&b, 0);
	layout_begin(&b, p);
	buf_adds(&b, body);
	layout_end(&b, p);
	cr_assert(!buf_failed(&b));
	return buf_take(&b);
}

Test(layout, frame_with_head_assets_and_landmarks)
{
	static const LayoutLink nav[] = {
	    {"Today", "/", 1},
	    {"Contacts", "/contacts", 0},
	};
	Page p = {.lang = "th", .title = "Contacts", .nav = nav, .n_nav = 2, .footer = "kith 1.0"};
	char *s = page(&p, "<p>body</p>\n");
	cr_expect(strncmp(s, "<!doctype html>\n<html lang=\"th\" dir=\"ltr\">\n<head>\n", 50) == 0,
		  "%s", s);
	cr_expect_not_null(strstr(s, "<meta charset=\"utf-8\">"));
	cr_expect_not_null(
	    strstr(s, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
	cr_expect_not_null(strstr(s, "<title>Contacts · kith</title>"));
	char want[160];
	snprintf(want, sizeof want, "<link rel=\"stylesheet\" href=\"%s\">", asset_url("kith.css"));
	cr_expect_not_null(strstr(s, want), "%s", want);
	snprintf(want, sizeof want, "<script src=\"%s\" defer></script>", asset_url("kith.js"));
	cr_expect_not_null(strstr(s, want), "%s", want);
	cr_expect_not_null(strstr(s, "href=\"/assets/"), "assets under their versioned URLs");
	cr_expect_not_null(strstr(s, "<a class=\"skip\" href=\"#main\">"));
	cr_expect_not_null(strstr(s, "<li><a href=\"/\" aria-current=\"page\">Today</a></li>"));
	cr_expect_not_null(strstr(s, "<li><a href=\"/contacts\">Contacts</a></li>"));
	cr_expect_not_null(strstr(s, "<main id=\"main\">\n<p>body</p>\n</main>"));
	cr_expect_not_null(strstr(s, "<footer class=\"site-footer\">kith 1.0</footer>"));
	cr_expect(strcmp(s + strlen(s) - 16, "</body>\n</html>\n") == 0);
	/* the CSP allows no inline script or style: the frame has none */
	cr_expect_null(strstr(s, "<style"));
	cr_expect_null(strstr(s, "style="));
	cr_expect_null(strstr(s, "<script>"));
	cr_expect_null(strstr(s, " on"), "no event handler attributes");
	free(s);
}

Test(layout, hostile_title_nav_and_footer_are_escaped)
{
	static const LayoutLink nav[] = {
	    {"<script>alert(1)</script>", "javascript:alert(1)", 0},
	    {"\"><img src=x onerror=alert(1)>", "/ok?a=\"b\"", 0},
	};
	Page p = {.lang = "en\"><script>",
		  .title = "</title><script>alert(1)</script>",
		  .nav = nav,
		  .n_nav = 2,
		  .footer = "\xe2\x80\xae<b>"};
	char *s = page(&p, "");
	cr_expect_null(strstr(s, "<script>"), "%s", s);
	cr_expect_null(strstr(s, "<img"));
	cr_expect_null(strstr(s, "javascript:"));
	cr_expect_not_null(strstr(s, "<html lang=\"en\" dir=\"ltr\">"), "a bad lang is en");
	cr_expect_not_null(strstr(s, "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; · "
				     "kith</title>"));
	cr_expect_not_null(strstr(s, "<li><a href=\"#\">&lt;script&gt;"));
	cr_expect_not_null(strstr(s, "href=\"/ok?a=&quot;b&quot;\""));
	cr_expect_not_null(strstr(s, ">\xe2\x80\xae&lt;b&gt;</footer>"));
	free(s);
}

Test(layout, defaults_without_title_nav_or_footer)
{
	Page p = {0};
	char *s = page(&p, "");
	cr_expect_not_null(strstr(s, "<html lang=\"en\" dir=\"ltr\">"));
	cr_expect_not_null(strstr(s, "<title>kith</title>"));
	cr_expect_null(strstr(s, "<nav"));
	cr_expect_not_null(strstr(s, "<footer class=\"site-footer\"></footer>"));
	free(s);
}
