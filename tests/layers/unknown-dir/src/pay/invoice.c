/* a directory the layer table does not know */
#include "base/money.h"
