/* test_server.c - the parts of the server that need no socket: parsing
 * --listen ADDR:PORT. (Requests are tested end to end in tests/e2e/http.bats.) */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

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
