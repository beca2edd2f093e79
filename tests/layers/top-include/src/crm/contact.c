#include "core/user.h"
#include "hooks.h"
#include "crm/contact_cli.h"
int contact(void);
