#include "hooks.h"
#include "crm/contact_cli.h"
int main(void) { return 0; }
