/* a part of contact: its includes are contact's */
#include "crm/company.h"
#include "crm/contact_rec.h"
