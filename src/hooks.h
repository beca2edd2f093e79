/* hooks.h - the top of the tree wires the layers together: the
 * infrastructure (cli/, http/) includes nothing of core/ or the business
 * contexts, so what it must ask of them it asks through hooks (CliHooks in
 * cli/cli.h, ServerHooks in http/server.h) that hooks_install() fills with
 * core's functions; it also registers the contact refresh that core/links
 * runs when a company changes (contact_links_register). main() calls it
 * first; so do tests and fuzz targets that run cli_main or a server as
 * main() would. */
#ifndef KITH_HOOKS_H
#define KITH_HOOKS_H

/* Hand cli/ and http/ their hooks (cli_set_hooks, server_set_hooks). Call
 * once, before any command runs or server starts; calling it again is
 * harmless (the same tables). */
void hooks_install(void);

#endif
