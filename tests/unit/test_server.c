/* test_server.c - the parts of the server that need no socket: parsing
 * --listen ADDR:PORT, and the connection deadline shared by a worker and the
 * reaper. (Requests are tested end to end in tests/e2e/http.bats.) */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "http/deadline.h"
#include "http/server.h"

Test(server, parse_listen_ok)
{
	ServerConfig cfg = {0};
	char host[64];
	Err err = {0};
	cr_assert_eq(server_parse_listen("127.0.0.1:8080", &cfg, host, sizeof host, &err), KITH_OK,
		     "%s", err.msg);
	cr_expect_str_eq(host, "127.0.0.1");
	cr_expect_eq(cfg.addr.ss_family, AF_INET);
	cr_expect_eq(ntohs(((struct sockaddr_in *)&cfg.addr)->sin_port), 8080);
	cr_assert_eq(server_parse_listen("[::1]:0", &cfg, host, sizeof host, &err), KITH_OK, "%s",
		     err.msg);
	cr_expect_str_eq(host, "[::1]");
	cr_expect_eq(cfg.addr.ss_family, AF_INET6);
	cr_expect_eq(ntohs(((struct sockaddr_in6 *)&cfg.addr)->sin6_port), 0);
	cr_assert_eq(server_parse_listen("0.0.0.0:65535", &cfg, host, sizeof host, &err), KITH_OK);
	cr_expect_str_eq(host, "0.0.0.0");
}

Test(server, parse_listen_bad)
{
	static const char *const bad[] = {"127.0.0.1",
					  ":8080",
					  "127.0.0.1:",
					  "127.0.0.1:65536",
					  "127.0.0.1:-1",
					  "127.0.0.1:80x",
					  "127.0.0.1:+80",
					  "[]:80",
					  "",
					  NULL};
	for (const char *const *b = bad; *b; b++) {
		ServerConfig cfg = {0};
		char host[64];
		Err err = {0};
		cr_expect_eq(server_parse_listen(*b, &cfg, host, sizeof host, &err), ERR_INVALID,
			     "'%s' accepted", *b);
		cr_expect_str_eq(err.field, "listen");
	}
	Err err = {0};
	char host[64];
	ServerConfig cfg = {0};
	cr_expect_eq(server_parse_listen(NULL, &cfg, host, sizeof host, &err), ERR_INVALID);
}

/* The reaper read a passed deadline, then the worker claimed the request
 * (all arrived: no deadline) before the reaper acted: the request runs, the
 * socket stays up. */
Test(server, deadline_worker_claims_first)
{
	atomic_llong d = 1000;
	long long seen = atomic_load(&d);
	cr_assert_eq(deadline_set(&d, DEADLINE_NONE), 0);
	cr_expect_eq(deadline_reap(&d, seen, 2000), 0, "a running request was cut off");
	cr_expect_eq(atomic_load(&d), DEADLINE_NONE);
	/* ... and the same when the worker set a new deadline (the next request) */
	atomic_store(&d, 1000);
	seen = atomic_load(&d);
	cr_assert_eq(deadline_set(&d, 5000), 0);
	cr_expect_eq(deadline_reap(&d, seen, 2000), 0);
	cr_expect_eq(atomic_load(&d), 5000);
}

/* The reaper claimed the connection first: the worker must not dispatch,
 * nor revive the connection with a new deadline. */
Test(server, deadline_reaper_claims_first)
{
	atomic_llong d = 1000;
	cr_assert_eq(deadline_reap(&d, atomic_load(&d), 1001), 1);
	cr_expect_eq(atomic_load(&d), DEADLINE_REAPED);
	cr_expect_eq(deadline_set(&d, DEADLINE_NONE), -1, "a reaped request was dispatched");
	cr_expect_eq(deadline_set(&d, 9000), -1);
	cr_expect_eq(atomic_load(&d), DEADLINE_REAPED);
	cr_expect_eq(deadline_reap(&d, DEADLINE_REAPED, 5000), 0, "reaped twice");
}

/* Not yet passed, or no deadline: nothing happens. */
Test(server, deadline_not_passed)
{
	atomic_llong d = 1000;
	cr_expect_eq(deadline_reap(&d, 1000, 1000), 0);
	cr_expect_eq(deadline_reap(&d, 1000, 999), 0);
	cr_expect_eq(atomic_load(&d), 1000);
	atomic_store(&d, DEADLINE_NONE);
	cr_expect_eq(deadline_reap(&d, DEADLINE_NONE, 5000), 0);
	cr_expect_eq(atomic_load(&d), DEADLINE_NONE);
}
