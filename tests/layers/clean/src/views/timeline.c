#include "crm/contact.h"
#include "core/user.h"
