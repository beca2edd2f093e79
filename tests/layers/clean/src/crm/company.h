#include "core/access.h"
