/* main.c - kith: wires the layers together (hooks.h), then hands argv to
 * the CLI dispatcher. Nothing else lives here. */
#include "cli/cli.h"
#include "hooks.h"

int main(int argc, char **argv)
{
	hooks_install();
	return cli_main(argc, argv);
}
