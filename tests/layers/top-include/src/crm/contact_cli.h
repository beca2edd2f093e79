#include "crm/contact.h"
