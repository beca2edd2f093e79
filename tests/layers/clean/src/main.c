#include "cli/cli.h"
#include "hooks.h"
