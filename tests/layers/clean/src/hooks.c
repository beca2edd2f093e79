/* the top wires the layers: it may include anything */
#include "cli/cli.h"
#include "core/user.h"
#include "http/http.h"
