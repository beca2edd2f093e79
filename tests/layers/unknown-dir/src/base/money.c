#include "plugins/x.h"
