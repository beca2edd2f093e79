#include "base/actor.h"
#include "store/db.h"
