#include "crm/contact.h"
#include "crm/contact_rec.h"
