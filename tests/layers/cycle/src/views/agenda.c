/* a second cycle, in another layer: agenda and due call each other */
#include "views/due.h"
