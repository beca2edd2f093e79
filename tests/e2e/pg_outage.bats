#!/usr/bin/env bats
# pg_outage.bats - the database server goes away under a running `kith
# serve` and comes back (issue 8, "Bad input": an unreachable server or one
# that dies mid-request gets 503, never a 500, names no target to the
# client, writes nothing half; the server carries on once it is back). On
# SQLite there is no server to lose: the whole file is skipped there.

load helpers

setup() {
	kith_setup
	kith_pg || skip "postgres-only: SQLite has no server to lose"
	DBNAME="${KITH_DB##*/}"
	kith_serve --threads 2
}

teardown() {
	[ -z "${DBNAME:-}" ] || su_sql "ALTER DATABASE $DBNAME ALLOW_CONNECTIONS true" || true
	kith_teardown
	[ -z "${PGDIR:-}" ] || "$BATS_TEST_DIRNAME/../../scripts/pg-test-server" stop "$PGDIR" >/dev/null
}

# su_sql SQL: as the test server's superuser, on its postgres database.
su_sql() {
	psql -X -q -v ON_ERROR_STOP=1 \
		"$(printf '%s' "$KITH_TEST_PG" | sed 's|://[^@]*@|://postgres@|')postgres" \
		-c "$1" >/dev/null
}

# outage: new connections to the test's database are refused and the ones
# open (the server's) are cut, as when the database server goes down.
outage() {
	su_sql "ALTER DATABASE $DBNAME ALLOW_CONNECTIONS false"
	su_sql "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '$DBNAME'"
}

@test "a lost database answers 503 with Retry-After, names no target, writes nothing; kith carries on once it is back" {
	api POST /api/v1/contacts '{"first_name":"Before"}'
	[ "$status_code" = 201 ]
	outage
	for path in /api/v1/contacts /api/v1/agenda; do
		curl -s -D "$TMP/h" -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
			"$URL$path" >"$TMP/code"
		[ "$(cat "$TMP/code")" = 503 ]
		grep -qi '^Retry-After: 1' "$TMP/h"
		grep -qi '^Content-Type: application/problem+json' "$TMP/h"
		jq -e '.status == 503 and .code == "unavailable"' "$TMP/body"
		[ "$(grep -c '127.0.0.1\|kith_e2e\|postgres' "$TMP/body")" = 0 ]
	done
	api POST /api/v1/contacts '{"first_name":"During"}'
	[ "$status_code" = 503 ]
	# the server log has what the client is not told
	grep -q "$DBNAME" "$TMP/serve.log"
	# the command line: exit 3, naming the database (--db) and why
	run kith contact list
	[ "$status" -eq 3 ]
	[[ "$output" == "kith: db: cannot connect to postgres://kith@127.0.0.1:"*"/$DBNAME: "*"not currently accepting connections"* ]]

	su_sql "ALTER DATABASE $DBNAME ALLOW_CONNECTIONS true"
	api GET /api/v1/contacts
	[ "$status_code" = 200 ]
	[ "$(jq -r '[.items[].first_name] | join(",")' <<<"$body")" = Before ]
	api POST /api/v1/contacts '{"first_name":"After"}'
	[ "$status_code" = 201 ]
	[ "$(grep -c 'Sanitizer\|runtime error' "$TMP/serve.log")" = 0 ]
}

@test "a server that refuses kith's password after a change is a 500, not a 503 to retry forever" {
	local url port su db
	# a server of our own that asks for passwords (the test server trusts everyone)
	PGDIR="$(mktemp -d)"
	url="$("$BATS_TEST_DIRNAME/../../scripts/pg-test-server" start "$PGDIR")"
	port="${url##*:}"
	port="${port%/}"
	su="postgres://postgres@127.0.0.1:$port/postgres"
	psql -X -q -v ON_ERROR_STOP=1 "$su" -c "CREATE ROLE sec LOGIN PASSWORD 'Old-pw-1'" \
		-c "CREATE DATABASE secdb OWNER sec" >/dev/null
	printf 'local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n' \
		>"$PGDIR/data/pg_hba.conf"
	psql -X -q "$su" -c "SELECT pg_reload_conf()" >/dev/null
	db="postgres://sec:Old-pw-1@127.0.0.1:$port/secdb"
	"$KITH_BIN" --db "$db" init --country PL --currency PLN >/dev/null
	echo 'owner-password' | "$KITH_BIN" --db "$db" user add --email owner@example.com \
		--name Owner --role owner --password-stdin >/dev/null
	TOKEN="$("$KITH_BIN" --db "$db" token create --user owner@example.com --name tests)"
	kill -TERM "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
	KITH_DB="$db" kith_serve --threads 1
	api GET /api/v1/contacts
	[ "$status_code" = 200 ]
	psql -X -q -v ON_ERROR_STOP=1 "$su" -c "ALTER ROLE sec PASSWORD 'New-pw-2'" \
		-c "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = 'sec'" \
		>/dev/null
	api GET /api/v1/contacts
	[ "$status_code" = 500 ]
	jq -e '.code == "storage"' <<<"$body"
	grep -q 'password authentication failed' "$TMP/serve.log"
	[ "$(grep -c 'Old-pw-1' "$TMP/serve.log")" = 0 ]
}
