/* an adapter may include its surface */
#include "cli/cli.h"
#include "core/user.h"
