/* infrastructure may not include core/ or a context */
#include "base/err.h"
#include "core/user.h"
#include "crm/field.h"
