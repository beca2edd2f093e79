/* contact.c and its parts include each other: one module, no cycle */
#include "crm/contact.h"
#include "crm/contact_rec.h"
