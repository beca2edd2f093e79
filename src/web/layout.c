/* layout.c - the page frame (layout.h). Every byte goes through the HTML
 * writer; the literal markup is ours. Depends on base/, web/html.h,
 * web/asset.h. */
#include "web/layout.h"

#include "web/asset.h"
#include "web/html.h"

/* p->lang when it looks like a language tag, else "en". */
static const char *page_lang(const Page *p)
{
	const char *l = p->lang;
	if (!l || !*l)
		return "en";
	for (const char *c = l; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-') ||
		    c - l > 34)
			return "en";
	return l;
}

static void layout_nav(Buf *b, const Page *p)
{
	if (!p->nav || p->n_nav <= 0)
		return;
	html_raw_trusted(b, "<nav class=\"site-nav\" aria-label=\"Main\"><ul>\n");
	for (int i = 0; i < p->n_nav; i++) {
		const LayoutLink *l = &p->nav[i];
		html_raw_trusted(b, "<li><a");
		html_url_attr(b, "href", l->href);
		if (l->current)
			html_attr(b, "aria-current", "page");
		html_raw_trusted(b, ">");
		html_text(b, l->label);
		html_raw_trusted(b, "</a></li>\n");
	}
	html_raw_trusted(b, "</ul></nav>\n");
}

void layout_begin(Buf *b, const Page *p)
{
	html_raw_trusted(b, "<!doctype html>\n<html");
	html_attr(b, "lang", page_lang(p));
	html_attr(b, "dir", "ltr");
	html_raw_trusted(b, ">\n<head>\n<meta charset=\"utf-8\">\n"
			    "<meta name=\"viewport\" content=\"width=device-width, "
			    "initial-scale=1\">\n<title>");
	if (p->title && *p->title) {
		html_text(b, p->title);
		html_raw_trusted(b, " · ");
	}
	html_raw_trusted(b, "kith</title>\n<link rel=\"stylesheet\"");
	html_url_attr(b, "href", asset_url("kith.css"));
	html_raw_trusted(b, ">\n<script");
	html_url_attr(b, "src", asset_url("kith.js"));
	html_raw_trusted(b, " defer></script>\n</head>\n<body>\n"
			    "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
			    "<header class=\"site-header\">\n"
			    "<a class=\"brand\" href=\"/\">kith</a>\n");
	layout_nav(b, p);
	html_raw_trusted(b, "</header>\n<main id=\"main\">\n");
}

void layout_end(Buf *b, const Page *p)
{
	html_raw_trusted(b, "</main>\n<footer class=\"site-footer\">");
	if (p->footer)
		html_text(b, p->footer);
	html_raw_trusted(b, "</footer>\n</body>\n</html>\n");
}
