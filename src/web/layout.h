/* layout.h - the page frame every HTML page shares: doctype, <html lang>,
 * head (charset, viewport, title, the stylesheet and the script under
 * their versioned URLs), a skip link, the header with the navigation, main
 * and the footer. A page writes layout_begin, then only its body, then
 * layout_end (Fossil's style_header/style_finish_page). The response
 * headers (CSP, Referrer-Policy, nosniff, Content-Type) are the server's:
 * req_reply_html in src/http. Depends on base/ and web/html.h, web/asset.h. */
#ifndef KITH_WEB_LAYOUT_H
#define KITH_WEB_LAYOUT_H

#include "base/buf.h"

/* One link of the navigation. */
typedef struct LayoutLink {
	const char *label; /* text, escaped */
	const char *href;  /* URL, checked like every href (html_url_attr) */
	int current;	   /* 1 for the page being shown: aria-current="page" */
} LayoutLink;

typedef struct Page {
	const char *lang;      /* BCP 47 language of the page ("en", "th", "tr", "pl");
				  NULL or anything but letters, digits and '-' gives "en" */
	const char *title;     /* what the page is about; the <title> is "TITLE · kith",
				  or "kith" when NULL or empty */
	const LayoutLink *nav; /* the navigation, n_nav links; none when NULL */
	int n_nav;
	const char *footer; /* footer text, escaped; NULL for none */
} Page;

/* Append everything up to and including <main id="main">. */
void layout_begin(Buf *b, const Page *p);

/* Append </main>, the footer and the end of the document. */
void layout_end(Buf *b, const Page *p);

#endif
