#!/usr/bin/env bats
# copy.bats - `kith db copy`: a workspace moved from SQLite to PostgreSQL
# and back keeps every row and id, search works on the copy, and bad
# sources and targets are refused with a clear error naming --from or
# --to, nothing written.
#
# Needs a running throwaway PostgreSQL 15: KITH_TEST_PG holds a URL prefix
# such as postgres://kith@127.0.0.1:55433/; each test creates its own
# databases under it and drops them. `make e2e_serial` starts one
# (scripts/with-test-pg). Run alone:
#   KITH_BIN=$PWD/build/test/kith scripts/with-test-pg bats tests/e2e/copy.bats

load helpers
bats_require_minimum_version 1.5.0

setup() {
	if [ -z "${KITH_TEST_PG:-}" ]; then
		echo "KITH_TEST_PG is not set: copy.bats needs a running throwaway PostgreSQL 15." >&2
		echo "Run it as scripts/with-test-pg bats tests/e2e/copy.bats (or make e2e_serial)" >&2
		return 1
	fi
	kith_setup
	PGDB="kith_copy_$$_${BATS_TEST_NUMBER}"
	PGDB2="${PGDB}_b"
	pg_admin "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)"
	pg_admin "DROP DATABASE IF EXISTS $PGDB2 WITH (FORCE)"
	pg_admin "CREATE DATABASE $PGDB TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'"
	PG="${KITH_TEST_PG}${PGDB}"
}

teardown() {
	if [ -n "${KITH_TEST_PG:-}" ]; then
		pg_admin "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)"
		pg_admin "DROP DATABASE IF EXISTS $PGDB2 WITH (FORCE)"
	fi
	kith_teardown
}

pg_admin() {
	psql -X -q -v ON_ERROR_STOP=1 "${KITH_TEST_PG}postgres" -c "$1" >/dev/null
}

pg_query() {
	psql -X -q -At -v ON_ERROR_STOP=1 "$1" -c "$2"
}

# Every row of every table of the SQLite database $1 but schema_migration
# (each database's own) and the search index (compared by search), in key
# order, plus the AUTOINCREMENT counters.
dump() {
	local t
	for t in $(sqlite3 "$1" "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '%_fts%' AND name <> 'schema_migration' ORDER BY name"); do
		echo "== $t"
		sqlite3 "$1" "SELECT * FROM \"$t\"" | LC_ALL=C sort
	done
	echo "== sqlite_sequence"
	sqlite3 "$1" "SELECT * FROM sqlite_sequence ORDER BY name"
}

# Contacts found for a query, as ids.
found() {
	"$KITH_BIN" --db "$1" --json contact search "$2" | jq -c '[.items[].id]'
}

fill() {
	kith contact add --first Zażółć --last Gęślą --email zg@example.pl --tag vip >/dev/null
	kith contact add --first สมชาย --last บริษัทตัวอย่างจำกัด --phone "+66 81 234 5678" --tag vip >/dev/null
	kith company add --name "Kowalski Sp. z o.o." >/dev/null
	kith demo --contacts 40 --deals 10 --activities 60 --tasks 8 --users 1 >/dev/null 2>&1
	kith log add --contact 1 --kind call --direction out --subject "O'Neil said \"yes\"" >/dev/null
}

@test "SQLite to PostgreSQL and back keeps every row, id and counter; search works on both" {
	kith_sqlite_pass_only
	fill
	run kith --json db copy --from "$KITH_DB" --to "$PG"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.tables | map(select(.ok | not)) | length' <<<"$output")" -eq 0 ]
	[ "$(jq -r '.tables[] | select(.table == "contact") | .rows' <<<"$output")" -eq 42 ]
	[ "$(jq -r '.tables[] | select(.table == "contact_fts") | .rows' <<<"$output")" -eq 42 ]
	[[ "$(jq -r .to <<<"$output")" == postgres://* ]]
	[ "$(pg_query "$PG" "SELECT display_name FROM contact WHERE id = 2")" = "สมชาย บริษัทตัวอย่างจำกัด" ]
	# search on PostgreSQL: Thai inside a run, Polish without its marks, a phone's digits
	for q in ตัวอย่าง "zazolc gesla" 2345678 kowal; do
		[ "$(found "$KITH_DB" "$q")" = "$(found "$PG" "$q")" ] || { echo "search $q differs"; false; }
	done
	[ "$(found "$PG" ตัวอย่าง)" = "[2]" ]
	[ "$(found "$PG" zazolc)" = "[1]" ]
	run "$KITH_BIN" --db "$TMP/back.db" db copy --from "$PG" --to "$TMP/back.db"
	[ "$status" -eq 0 ]
	[[ "$output" == *"every table verified"* ]]
	dump "$KITH_DB" >"$TMP/a.txt"
	dump "$TMP/back.db" >"$TMP/b.txt"
	diff "$TMP/a.txt" "$TMP/b.txt"
	[ "$(found "$TMP/back.db" ตัวอย่าง)" = "[2]" ]
	# a new record continues after the copied ids, on both
	last="$(sqlite3 "$KITH_DB" 'SELECT MAX(id) FROM contact')"
	run "$KITH_BIN" --db "$PG" --json contact add --first Nowy
	[ "$status" -eq 0 ]
	[ "$(jq -r .id <<<"$output")" -eq $((last + 1)) ]
}

@test "progress only on a terminal; --json summary; --help" {
	kith_sqlite_pass_only
	fill
	run --separate-stderr kith db copy --from "$KITH_DB" --to "$PG"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" == *"TABLE"*"ROWS"*"CHECKSUM"*"VERIFIED"* ]]
	[[ "$output" == *"audit_log"*" ok"* ]]
	run kith db copy --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--from SOURCE --to TARGET"* ]]
}

@test "a target with rows of its own is refused and left as it was" {
	kith_sqlite_pass_only
	fill
	"$KITH_BIN" --db "$PG" init --name Other >/dev/null
	run kith db copy --from "$KITH_DB" --to "$PG"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --to: "*"not empty"*"workspace"* ]]
	[ "$(pg_query "$PG" 'SELECT name FROM workspace')" = "Other" ]
	[ "$(pg_query "$PG" 'SELECT COUNT(*) FROM contact')" -eq 0 ]
	# and an SQLite file with data
	run kith db copy --from "$PG" --to "$KITH_DB"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --to: "*"not empty"* ]]
}

@test "bad --from and --to: missing, unreachable, not kith, the same, older" {
	kith_sqlite_pass_only
	run kith db copy --to "$PG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--from"*"missing"* ]]
	run kith db copy --from "$KITH_DB"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--to"*"missing"* ]]
	run kith db copy --from "$TMP/none.db" --to "$PG"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --from: no database at $TMP/none.db"* ]]
	run kith db copy --from "$KITH_DB" --to "postgres://kith:s3cret@127.0.0.1:1/none"
	[ "$status" -eq 3 ]
	[[ "$output" == "kith: --to: cannot connect to postgres://kith:***@127.0.0.1:1/none"* ]]
	[[ "$output" != *s3cret* ]]
	run kith db copy --from "host=127.0.0.1 port=1 dbname=x password=s3cret" --to "$TMP/new.db"
	[ "$status" -eq 3 ]
	[[ "$output" == "kith: --from: cannot connect"* ]]
	[[ "$output" != *s3cret* ]]
	[ ! -e "$TMP/new.db" ]
	run kith db copy --from "$KITH_DB" --to "$KITH_DB"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --to: "*"same database"* ]]
	sqlite3 "$TMP/other.db" "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)"
	run kith db copy --from "$TMP/other.db" --to "$PG"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --from: "*"not a kith database"* ]]
	run kith db copy --from "$KITH_DB" --to "$TMP/other.db"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --to: "*"not a kith database"* ]]
	[ "$(sqlite3 "$TMP/other.db" 'SELECT COUNT(*) FROM sqlite_schema')" -eq 1 ]
	# a PostgreSQL database of another application
	pg_admin "CREATE DATABASE $PGDB2 TEMPLATE template0 LOCALE 'C' ENCODING 'UTF8'"
	pg_query "${KITH_TEST_PG}${PGDB2}" "CREATE TABLE orders (id int)" >/dev/null
	run kith db copy --from "$KITH_DB" --to "${KITH_TEST_PG}${PGDB2}"
	[ "$status" -eq 3 ]
	[[ "$output" == *"kith: --to: "*"not kith's"* ]]
	[ "$(pg_query "${KITH_TEST_PG}${PGDB2}" "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")" -eq 1 ]
	# a source older than this kith
	sqlite3 "$KITH_DB" "DELETE FROM schema_migration WHERE version = (SELECT MAX(version) FROM schema_migration)"
	run kith db copy --from "$KITH_DB" --to "$PG"
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith: --from: "*"kith db migrate"* ]]
	[ "$(pg_query "$PG" "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")" -eq 0 ]
}
