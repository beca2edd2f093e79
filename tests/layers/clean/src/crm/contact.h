#include "crm/company.h"
