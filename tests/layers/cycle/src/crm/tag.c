/* above the cycle, not in it */
#include "crm/company.h"
#include "crm/contact.h"
