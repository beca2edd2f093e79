/* a context may include core and another context, one way */
#include "core/user.h"
#include "crm/company.h"
#include "crm/tag.h"
