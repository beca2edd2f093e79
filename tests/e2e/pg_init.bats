#!/usr/bin/env bats
# pg_init.bats - `kith init` and `kith db migrate` on PostgreSQL: a fresh
# database gets the schema, a second init is a no-op, and databases kith
# cannot use (another collation, another application's tables) are refused
# with exit code 3 before anything is written.
#
# Needs a running throwaway PostgreSQL 15: KITH_TEST_PG holds a URL prefix
# such as postgres://kith@127.0.0.1:55433/ (a role that may create
# databases); each test creates its own database under it and drops it.
# `make e2e` starts one (scripts/with-test-pg). Without KITH_TEST_PG
# every test fails and says how to run it:
#   KITH_BIN=$PWD/build/test/kith scripts/with-test-pg bats tests/e2e/pg_init.bats

load helpers

setup() {
	if [ -z "${KITH_TEST_PG:-}" ]; then
		echo "KITH_TEST_PG is not set: pg_init.bats needs a running throwaway PostgreSQL 15." >&2
		echo "Run it as scripts/with-test-pg bats tests/e2e/pg_init.bats (or make e2e)" >&2
		return 1
	fi
	TMP="$(mktemp -d)"
	PGDB="kith_e2e_$$_${BATS_TEST_NUMBER}"
	SERVER_PID=""
	pg_admin "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)"
	export KITH_DB="${KITH_TEST_PG}${PGDB}"
}

teardown() {
	if [ -n "${KITH_TEST_PG:-}" ]; then
		pg_admin "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)"
		rm -rf "$TMP"
	fi
}

# Run one statement on the server's postgres database.
pg_admin() {
	psql -X -q -v ON_ERROR_STOP=1 "${KITH_TEST_PG}postgres" -c "$1" >/dev/null
}

# Print what one query answers on the test's database, unaligned.
pg_query() {
	psql -X -q -At -v ON_ERROR_STOP=1 "$KITH_DB" -c "$1"
}

@test "init on an empty C database creates the schema; init again and db migrate change nothing" {
	pg_admin "CREATE DATABASE $PGDB TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'"
	run kith --json init --name "Acme"
	[ "$status" -eq 0 ]
	[ "$(jq -r .migrations_applied <<<"$output")" -gt 10 ]
	schema="$(jq -r .schema <<<"$output")"
	[ "$(jq -r .migrations_applied <<<"$output")" -eq "$schema" ]
	[ "$(pg_query 'SELECT COUNT(*) FROM schema_migration')" -eq "$schema" ]
	[ "$(pg_query 'SELECT name FROM workspace')" = "Acme" ]
	[ "$(pg_query "SELECT data_type FROM information_schema.columns WHERE table_name = 'contact' AND column_name = 'id'")" = "bigint" ]
	run kith init
	[ "$status" -eq 0 ]
	[[ "$output" == *"ready (schema $schema, 0 migrations applied)"* ]]
	run kith db migrate
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 migrations applied; schema $schema"* ]]
	[ "$(pg_query 'SELECT COUNT(*) FROM schema_migration')" -eq "$schema" ]
	[ "$(pg_query 'SELECT COUNT(*) FROM stage')" -eq 7 ]
}

@test "init never prints the password of the target" {
	pg_admin "CREATE DATABASE $PGDB TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'"
	secret="${KITH_TEST_PG/:\/\/kith@/://kith:s3cr3t-pw@}"
	[ "$secret" != "$KITH_TEST_PG" ] || skip "KITH_TEST_PG does not name the user kith"
	run "$KITH_BIN" --db "${secret}${PGDB}" init
	[ "$status" -eq 0 ]
	[[ "$output" != *"s3cr3t-pw"* ]]
	[[ "$output" == *"ready"* ]]
}

@test "two kith init at once apply each migration once" {
	pg_admin "CREATE DATABASE $PGDB TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'"
	kith --json init >"$TMP/a" 2>&1 &
	a=$!
	kith --json init >"$TMP/b" 2>&1 &
	b=$!
	wait "$a"
	wait "$b"
	total=$(($(jq -r .migrations_applied "$TMP/a") + $(jq -r .migrations_applied "$TMP/b")))
	[ "$total" -eq "$(jq -r .schema "$TMP/a")" ]
	[ "$(pg_query 'SELECT COUNT(*) FROM schema_migration')" -eq "$total" ]
	[ "$(pg_query 'SELECT COUNT(*) FROM workspace')" -eq 1 ]
}

@test "a database whose collation is not C is refused, naming --db and how to create one" {
	pg_admin "CREATE DATABASE $PGDB TEMPLATE template0 LOCALE 'C.UTF-8' ENCODING 'UTF8'"
	run kith init
	[ "$status" -eq 3 ]
	[[ "$output" == *"--db"* ]]
	[[ "$output" == *"\"$PGDB\""* ]]
	[[ "$output" == *"collation"* ]]
	[[ "$output" == *"CREATE DATABASE kith TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'"* ]]
	[ "$(pg_query "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")" -eq 0 ]
	run kith db migrate
	[ "$status" -ne 0 ]
}

@test "a database that sorts with ICU is refused, though its datcollate says C" {
	pg_admin "CREATE DATABASE $PGDB TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C' ENCODING 'UTF8'"
	run kith init
	[ "$status" -eq 3 ]
	[[ "$output" == *"collation \"ICU en-US\""* ]]
	[ "$(pg_query "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")" -eq 0 ]
}

@test "another application's database is refused and left as it was" {
	pg_admin "CREATE DATABASE $PGDB TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'"
	pg_query "CREATE TABLE orders (id BIGINT PRIMARY KEY); INSERT INTO orders VALUES (1)" >/dev/null
	run kith init
	[ "$status" -eq 3 ]
	[[ "$output" == *"--db"* ]]
	[[ "$output" == *"not empty"* ]]
	[[ "$output" == *"not kith's"* ]]
	[ "$(pg_query "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'")" = "orders" ]
	# other commands neither create anything nor take it for kith's
	run kith contact list
	[ "$status" -ne 0 ]
	[[ "$output" == *"not initialised"* ]]
	[ "$(pg_query "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'")" = "orders" ]
}
