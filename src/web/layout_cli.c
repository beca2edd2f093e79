/* layout_cli.c - `kith test-layout` (hidden, for tests/e2e/web.bats): one
 * page in the layout, printed to stdout, with the title, language, one
 * navigation link, footer and body text taken from the options as they
 * are, so a test can feed hostile data and parse what a browser would.
 * Adapter of web/layout.h to cli/. */
#include "base/limits.h"
#include "cli/cli.h"
#include "web/html.h"
#include "web/layout.h"

/* kith test-layout [--lang L] [--title T] [--nav-label L --nav-href URL]
 * [--footer F] [--text BODY]: the body is <p>BODY</p> with BODY escaped,
 * then <p><bdi>BODY</bdi></p>, then a link to BODY (html_url_attr). */
int layout_cli_test(Cli *cli)
{
	const char *lang = cli_opt(cli, "--lang"), *title = cli_opt(cli, "--title");
	const char *label = cli_opt(cli, "--nav-label"), *href = cli_opt(cli, "--nav-href");
	const char *footer = cli_opt(cli, "--footer"), *text = cli_opt(cli, "--text");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	LayoutLink nav = {.label = label ? label : "Home", .href = href ? href : "/", .current = 1};
	Page p = {.lang = lang, .title = title, .nav = &nav, .n_nav = 1, .footer = footer};
	Buf b;
	buf_init(&b, KITH_MAX_BUF);
	layout_begin(&b, &p);
	html_raw_trusted(&b, "<p id=\"text\">");
	html_text(&b, text);
	html_raw_trusted(&b, "</p>\n<p id=\"name\">");
	html_bdi(&b, text);
	html_raw_trusted(&b, "</p>\n<p><a id=\"link\"");
	html_url_attr(&b, "href", text);
	html_raw_trusted(&b, ">link</a></p>\n");
	layout_end(&b, &p);
	if (buf_failed(&b)) {
		buf_free(&b);
		Err err = {0};
		err_set(&err, ERR_INTERNAL, NULL, "out of memory");
		return cli_fail(cli, &err);
	}
	fwrite(buf_str(&b), 1, b.len, cli->out);
	buf_free(&b);
	return EXIT_OK;
}
