/* main.c - kith: argv goes to the CLI dispatcher. Nothing else lives here. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
