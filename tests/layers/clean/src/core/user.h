#include "core/access.h"
#include "store/db.h"
