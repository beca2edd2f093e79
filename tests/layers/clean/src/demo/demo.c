#include "crm/contact.h"
#include "views/timeline.h"
