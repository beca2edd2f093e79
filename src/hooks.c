/* hooks.c - hooks_install(): the domain functions the infrastructure asks
 * for, in one place (hooks.h). Like main.c, the top of the tree: it may
 * include every layer, and nothing includes it but main.c and tests. */
#include "hooks.h"

#include "cli/cli.h"
#include "core/access.h"
#include "core/dbcheck.h"
#include "core/token.h"
#include "core/user_cli.h"
#include "core/workspace.h"
#include "core/workspace_cli.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "http/server.h"

/* Who is acting (--as, KITH_USER, the one owner), the zone tables show
 * instants in, and how a date option is read. */
static const CliHooks cli_hooks = {
    .actor = user_cli_actor,
    .zone = workspace_cli_zone,
    .when = workspace_when,
};

/* Who a bearer token belongs to, and who may call PERM_ADMIN routes. */
static const ServerHooks server_hooks = {
    .authenticate = token_check_memo,
    .record_use = token_record_use,
    .is_admin = access_is_admin,
};

void hooks_install(void)
{
	contact_links_register(); /* core/links rebuilds contacts through contact.c */
	/* kith db check */
	dbcheck_set_search("contact", contact_search_check, contact_reindex_ids);
	dbcheck_set_search("company", company_search_check, company_reindex_ids);
	cli_set_hooks(&cli_hooks);
	server_set_hooks(&server_hooks);
}
