/* fuzz_http.c - libFuzzer target for the pure parsers of an HTTP request
 * (src/http): route matching of a path (route_find over routes.def),
 * ?limit= (req_parse_limit), If-Match (req_parse_if_match), Content-Type
 * (body_is_json_type), and naming the JSON key at a byte offset
 * (body_locate_key). The input is one header value or path. Checks: what a
 * parser accepts is in range, and a located key is a terminated string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "fuzz.h"
#include "http/body.h"
#include "http/http.h"
#include "http/route.h"

static void check_route(const char *path)
{
	static const char *const methods[] = {"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD"};
	int n;
	const Route *table = route_table(&n);
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		RouteMatch m;
		memset(&m, 0, sizeof m);
		int rc = route_find(table, n, methods[i], path, &m);
		if (rc == ROUTE_FOUND && (!m.route || m.id < 0 || m.sub_id < 0 ||
					  (strstr(m.route->pattern, "{id}") && m.id == 0)))
			abort();
		if (rc == ROUTE_NO_METHOD && !memchr(m.allow, '\0', sizeof m.allow))
			abort();
		if (rc == ROUTE_BAD_ID && !m.bad_param)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), key[64];
	size_t n = strlen(s);
	int limit, in_key;
	int64_t version;
	Err err = {0};
	check_route(s);
	if (req_parse_limit(s, &limit, &err) == KITH_OK && (limit < 1 || limit > KITH_LIST_MAX))
		abort();
	if (req_parse_if_match(s, &version) == 0 && version < 0)
		abort();
	(void)body_is_json_type(s);
	for (size_t pos = 0; pos <= n; pos += n / 4 + 1) {
		memset(key, 'x', sizeof key);
		(void)body_locate_key(s, pos, key, sizeof key, &in_key);
		if (!memchr(key, '\0', sizeof key))
			abort();
	}
	free(s);
	return 0;
}
