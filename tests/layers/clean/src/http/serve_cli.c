/* infrastructure: the `kith serve` command, a cli adapter of the server */
#include "cli/cli.h"
#include "http/http.h"
