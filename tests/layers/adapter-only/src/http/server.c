/* an infrastructure directory includes no other one (unless it adapts to it) */
#include "cli/cli.h"
#include "http/http.h"
