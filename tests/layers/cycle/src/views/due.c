#include "views/agenda.h"
