/* adapters sit on top of the module graph: these two are no cycle */
#include "cli/cli.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "crm/contact_cli.h"
