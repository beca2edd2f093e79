/* serve_cli.c - `kith serve` (run the HTTP API until SIGINT/SIGTERM) and the
 * hidden `kith test-routes [--query]` (the route table, for the OpenAPI and
 * query parameter checks in tests/e2e/http.bats).
 * Depends on cli/cli.h, http/server.h, http/route.h. */
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "http/route.h"
#include "http/server.h"

/* Parse --threads; default: one per online CPU. Returns 0 or EXIT_USAGE. */
static int threads_or_fail(Cli *cli, const char *s, unsigned *out)
{
	long n;
	if (!s) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		*out = n < 1 ? 1u : n > (long)KITH_MAX_THREADS ? KITH_MAX_THREADS : (unsigned)n;
		return 0;
	}
	char *end = NULL;
	n = strtol(s, &end, 10);
	if (!*s || *end || n < 1 || n > (long)KITH_MAX_THREADS)
		return cli_usage_fail(cli, "--threads: must be a number from 1 to %u",
				      KITH_MAX_THREADS);
	*out = (unsigned)n;
	return 0;
}

/* Parse --mmap MB (0..KITH_MAX_MMAP_MB); default: the largest map, so
 * reads by id take no read() call and no copy (the mapped file pages are
 * the operating system's file cache, not memory the server allocates).
 * Returns 0 or EXIT_USAGE. */
static int mmap_or_fail(Cli *cli, const char *s, unsigned *out)
{
	char *end = NULL;
	long n = s ? strtol(s, &end, 10) : (long)KITH_MAX_MMAP_MB;
	if (s && (!*s || *end || n < 0 || n > (long)KITH_MAX_MMAP_MB))
		return cli_usage_fail(cli, "--mmap: must be a number of MiB from 0 to %u",
				      KITH_MAX_MMAP_MB);
	*out = (unsigned)n;
	return 0;
}

/* Parse --checkpoint-pages N (0..KITH_MAX_CHECKPOINT_PAGES); default
 * KITH_CHECKPOINT_PAGES. Returns 0 or EXIT_USAGE. */
static int checkpoint_or_fail(Cli *cli, const char *s, unsigned *out)
{
	char *end = NULL;
	long n = s ? strtol(s, &end, 10) : (long)KITH_CHECKPOINT_PAGES;
	if (s && (!*s || *end || n < 0 || n > (long)KITH_MAX_CHECKPOINT_PAGES))
		return cli_usage_fail(cli, "--checkpoint-pages: must be a number from 0 to %u",
				      KITH_MAX_CHECKPOINT_PAGES);
	*out = (unsigned)n;
	return 0;
}

int serve_cli(Cli *cli)
{
	ServerConfig cfg = {.db_path = cli->db_path};
	const char *listen = cli_opt(cli, "--listen"), *threads = cli_opt(cli, "--threads");
	const char *mmap = cli_opt(cli, "--mmap"), *ckpt = cli_opt(cli, "--checkpoint-pages");
	char host[INET6_ADDRSTRLEN + 3];
	Err err = {0};
	Server *srv = NULL;
	sigset_t stop;
	int sig = 0;
	cfg.log = cli_flag(cli, "--log");
	if (cli_finish_or_fail(cli) || threads_or_fail(cli, threads, &cfg.threads) ||
	    mmap_or_fail(cli, mmap, &cfg.mmap_mb) ||
	    checkpoint_or_fail(cli, ckpt, &cfg.checkpoint_pages))
		return EXIT_USAGE;
	if (server_parse_listen(listen ? listen : "127.0.0.1:8080", &cfg, host, sizeof host, &err))
		return cli_fail(cli, &err);
	/* Block the stop signals before any thread starts, so every server
	 * thread inherits the mask and only sigwait below receives them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	sigdelset(&stop, SIGPIPE);
	if (server_start(&srv, &cfg, &err))
		return cli_fail(cli, &err);
	fprintf(cli->out, "kith: listening on http://%s:%u\n", host, server_port(srv));
	fflush(cli->out);
	while (sig != SIGINT && sig != SIGTERM)
		if (sigwait(&stop, &sig) != 0)
			break;
	server_stop(srv);
	return EXIT_OK;
}

int serve_cli_test_routes(Cli *cli)
{
	int n;
	const Route *r = route_table(&n);
	int query = cli_flag(cli, "--query");
	int web = cli_flag(cli, "--web");
	if (cli_finish_or_fail(cli))
		return EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		if (!(r[i].flags & ROUTE_WEB) != !web)
			continue; /* the API's routes (the OpenAPI document's), or --web's */
		fprintf(cli->out, "%s %s", r[i].method, r[i].pattern);
		if (query) /* "1" for a JSON body route, then the query list or "-" */
			fprintf(cli->out, " %d %s", (r[i].flags & ROUTE_BODY) != 0,
				r[i].query[0] ? r[i].query : "-");
		fputc('\n', cli->out);
	}
	return EXIT_OK;
}
