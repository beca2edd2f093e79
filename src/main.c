/* main.c - kith: what is wired once at start-up (core/links calls up to
 * the nouns only through what is registered here), then argv goes to the
 * CLI dispatcher. Nothing else lives here. */
#include "cli/cli.h"
#include "crm/contact.h"

int main(int argc, char **argv)
{
	contact_links_register();
	return cli_main(argc, argv);
}
