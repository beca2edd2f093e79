/* the domain may not print tables or answer requests itself */
#include "cli/cli.h"
