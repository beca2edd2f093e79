#include "crm/company.h"
#include "crm/contact.h"
