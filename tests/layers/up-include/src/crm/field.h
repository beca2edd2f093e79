#include "core/user.h"
