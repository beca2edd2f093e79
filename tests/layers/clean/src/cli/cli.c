#include "cli/cli.h"
#include "cli/commands.def"
