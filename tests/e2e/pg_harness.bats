#!/usr/bin/env bats
# pg_harness.bats - the throwaway PostgreSQL 15 the tests get:
# scripts/pg-test-server (start, stop) and scripts/pg-test-db (create, drop).
# Each started server is stopped in teardown, also when a test fails.

SCRIPTS="$BATS_TEST_DIRNAME/../../scripts"

setup() {
	# Under /tmp, not in $BATS_TEST_TMPDIR: as root the server runs as
	# 'postgres', which cannot reach into bats's 0700 directories.
	PGDIR="$(mktemp -d)"
	DIRS="$PGDIR"
}

teardown() {
	local d rc=0
	for d in $DIRS; do
		"$SCRIPTS/pg-test-server" stop "$d" || rc=1
	done
	return "$rc"
}

# Sets the variable named $1 to a new directory for one more server, which
# teardown stops (not by $(new_dir): DIRS must change in this shell).
new_dir() {
	local d
	d="$(mktemp -d)"
	DIRS="$DIRS $d"
	printf -v "$1" '%s' "$d"
}

# psql on a URL, one value per line.
q() {
	psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

# Prints the LISTEN sockets on PORT from /proc/net/tcp and tcp6 as
# "file hexaddress" (127.0.0.1 is 0100007F).
listeners() {
	local hex
	hex="$(printf '%04X' "$1")"
	awk -v p="$hex" '$4 == "0A" && substr($2, length($2) - 3) == p {
		split($2, a, ":"); print FILENAME, a[1] }' /proc/net/tcp /proc/net/tcp6
}

# Succeeds when something accepts a TCP connection on ADDRESS PORT.
port_open() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

port_of() {
	local p="${1##*:}"
	echo "${p%/}"
}

@test "pg-test-server: a C-collated server on 127.0.0.1 only; databases from the template are empty and separate; stop removes it all" {
	local url port
	url="$("$SCRIPTS/pg-test-server" start "$PGDIR")"
	[[ "$url" =~ ^postgres://kith@127\.0\.0\.1:[0-9]+/$ ]]
	port="$(port_of "$url")"
	[ "$(cat "$PGDIR/url")" = "$url" ]

	# 127.0.0.1 only: the setting, the kernel's sockets, another loopback address.
	[ "$(q "${url}postgres" 'SHOW listen_addresses')" = 127.0.0.1 ]
	[ "$(listeners "$port")" = "/proc/net/tcp 0100007F" ]
	port_open 127.0.0.1 "$port"
	run port_open 127.0.0.2 "$port"
	[ "$status" -ne 0 ]

	run "$SCRIPTS/pg-test-db" create "$url" one
	[ "$status" -eq 0 ]
	[ "$output" = "${url}one" ]
	run "$SCRIPTS/pg-test-db" create "$url" two
	[ "$status" -eq 0 ]
	[ "$output" = "${url}two" ]

	# The C collation and UTF8, owned by the test role, which is no superuser.
	[ "$(q "${url}one" "SELECT datcollate || ' ' || datctype || ' ' || pg_encoding_to_char(encoding) || ' ' || pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")" = "C C UTF8 kith" ]
	[ "$(q "${url}two" "SELECT datcollate FROM pg_database WHERE datname = current_database()")" = C ]
	[ "$(q "${url}one" "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = f ]

	# Empty, and separate: a table made in one is in neither two nor the template.
	local tables="SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
	[ "$(q "${url}one" "$tables")" = 0 ]
	[ "$(q "${url}two" "$tables")" = 0 ]
	q "${url}one" "CREATE TABLE only_in_one (id bigint PRIMARY KEY); INSERT INTO only_in_one VALUES (1)" >/dev/null
	[ "$(q "${url}one" 'SELECT count(*) FROM only_in_one')" = 1 ]
	[ "$(q "${url}two" "SELECT to_regclass('only_in_one') IS NULL")" = t ]
	[ "$(q "${url}kith_template" "SELECT to_regclass('only_in_one') IS NULL")" = t ]
	[ "$(q "${url}two" "$tables")" = 0 ]

	# create NAME TEMPLATE copies another database (with no session on it)
	run "$SCRIPTS/pg-test-db" create "$url" three one
	[ "$status" -eq 0 ]
	[ "$output" = "${url}three" ]
	[ "$(q "${url}three" 'SELECT count(*) FROM only_in_one')" = 1 ]
	run "$SCRIPTS/pg-test-db" create "$url" four 'One;'
	[ "$status" -eq 1 ]
	[[ "$output" == *"TEMPLATE: 'One;' is not a lower-case letter"* ]]
	run "$SCRIPTS/pg-test-db" drop "$url" three extra
	[ "$status" -eq 2 ]
	"$SCRIPTS/pg-test-db" drop "$url" three

	# drop: gone, and again is fine.
	"$SCRIPTS/pg-test-db" drop "$url" one
	"$SCRIPTS/pg-test-db" drop "$url" one
	run q "${url}one" 'SELECT 1'
	[ "$status" -ne 0 ]
	[[ "$output" == *'database "one" does not exist'* ]]

	"$SCRIPTS/pg-test-server" stop "$PGDIR"
	[ ! -e "$PGDIR" ]
	[ -z "$(listeners "$port")" ]
	run port_open 127.0.0.1 "$port"
	[ "$status" -ne 0 ]
	# teardown stops it a second time
}

@test "pg-test-server: stop on a directory never started, or gone, succeeds; on a stranger's directory it refuses and keeps it" {
	"$SCRIPTS/pg-test-server" stop "$PGDIR"
	[ ! -e "$PGDIR" ]
	"$SCRIPTS/pg-test-server" stop "$PGDIR"

	local d
	d="$(mktemp -d)"
	echo precious >"$d/file"
	run "$SCRIPTS/pg-test-server" stop "$d"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not made by pg-test-server start; not removing it"* ]]
	[ -f "$d/file" ]
	run "$SCRIPTS/pg-test-server" start "$d"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$d: not empty"* ]]
	[ -f "$d/file" ]
	rm -r "$d"
}

@test "pg-test-server: a taken port is detected and another tried; when all are taken, start fails and stop cleans up" {
	local url port other failed
	url="$("$SCRIPTS/pg-test-server" start "$PGDIR")"
	port="$(port_of "$url")"

	# Of the two ports, only the second is free.
	new_dir other
	url="$(PG_TEST_PORT_MIN="$port" PG_TEST_PORT_SPAN=2 "$SCRIPTS/pg-test-server" start "$other")"
	[ "$url" = "postgres://kith@127.0.0.1:$((port + 1))/" ]
	[ "$(q "${url}postgres" 'SELECT 1')" = 1 ]

	# The only port is taken: every try fails on it, start gives up, stops
	# nothing that runs and leaves its directory (and logs) for stop.
	new_dir failed
	run env PG_TEST_PORT_MIN="$port" PG_TEST_PORT_SPAN=1 PG_TEST_PORT_TRIES=2 \
		"$SCRIPTS/pg-test-server" start "$failed"
	[ "$status" -eq 1 ]
	[ "$(grep -c "port $port is taken, trying another" <<<"$output")" -eq 2 ]
	[[ "$output" == *"no free port after 2 tries"* ]]
	[ ! -e "$failed/url" ]
	[ ! -e "$failed/data/postmaster.pid" ]
	"$SCRIPTS/pg-test-server" stop "$failed"
	[ ! -e "$failed" ]
	# the first server still runs
	[ "$(q "postgres://kith@127.0.0.1:$port/postgres" 'SELECT 1')" = 1 ]
}
