/* a CLI adapter includes cli/, not http/ */
#include "cli/cli.h"
#include "http/http.h"
