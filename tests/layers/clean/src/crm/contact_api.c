#include "crm/contact.h"
#include "http/http.h"
