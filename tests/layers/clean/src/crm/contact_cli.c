#include "crm/company.h"
#include "crm/contact_cli.h"
