#include "base/actor.h"
