/* nor may base include store */
#include "store/db.h"
