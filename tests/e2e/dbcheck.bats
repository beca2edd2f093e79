#!/usr/bin/env bats
# dbcheck.bats - `kith db check` on SQLite and PostgreSQL: a clean database
# prints "ok" (exit 0); data broken behind kith's back (a search row
# deleted or changed, a document without its record, a foreign key broken
# with the checks switched off, an older schema) is listed naming the table
# and record, exit 3, also as --json. The PostgreSQL tests need
# KITH_TEST_PG (make e2e_serial, or scripts/with-test-pg bats ...).

load helpers

setup() {
	kith_setup
	PGDB=""
}

teardown() {
	if [ -n "$PGDB" ]; then
		psql -X -q "${KITH_TEST_PG}postgres" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null
	fi
	kith_teardown
}

# A fresh PostgreSQL database as KITH_DB, initialised, with an owner.
pg_setup() {
	if [ -z "${KITH_TEST_PG:-}" ]; then
		echo "KITH_TEST_PG is not set: run through scripts/with-test-pg (make e2e_serial)" >&2
		return 1
	fi
	PGDB="kith_e2e_check_$$_${BATS_TEST_NUMBER}"
	psql -X -q -v ON_ERROR_STOP=1 "${KITH_TEST_PG}postgres" -c "CREATE DATABASE $PGDB TEMPLATE kith_template" >/dev/null
	export KITH_DB="${KITH_TEST_PG}${PGDB}"
	kith init >/dev/null
}

# SQL as the server's superuser on the test database (as an operator would).
pg_su() {
	psql -X -q -v ON_ERROR_STOP=1 "$(printf '%s' "$KITH_TEST_PG" | sed 's|://[^@]*@|://postgres@|')$PGDB" -c "$1" >/dev/null
}

sample() {
	kith contact add --first Ann --last Lee --email ann@example.com >/dev/null
	kith contact add --first İpek --last Yılmaz --tag vip >/dev/null
	kith company add --name "Łódź Okna" >/dev/null
}

@test "db check: a clean database is ok, exit 0, also as --json" {
	sample
	run kith db check
	[ "$status" -eq 0 ]
	[ "$output" = "ok" ]
	run kith db check --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -c '[.ok, (.problems | length), .schema == .latest, .found, .found_exact]')" = '[true,0,true,0,true]' ]
}

@test "db check (SQLite): search rows deleted, changed or orphaned and a broken foreign key are listed, exit 3" {
	kith_sqlite_only "breaks an SQLite file behind kith's back with the sqlite3 shell"
	sample
	sqlite3 "$KITH_DB" "DELETE FROM contact_fts WHERE rowid = 1;
		UPDATE contact_fts SET doc = 'somebody' WHERE rowid = 2;
		INSERT INTO company_fts (rowid, doc) VALUES (77, 'ghost');
		PRAGMA foreign_keys = OFF; DELETE FROM tag;"
	run kith db check
	[ "$status" -eq 3 ]
	[[ "$output" == *"search: contact_fts: contact 1 has no search document"* ]]
	[[ "$output" == *"search: contact_fts: the search document of contact 2 differs from the record"* ]]
	[[ "$output" == *"search: company_fts: a search document is stored for company 77, which has none"* ]]
	[[ "$output" == *"foreign_key: contact_tag: row "*" references a missing row of tag"* ]]
	[[ "$output" == *"problems found" ]]
	run kith db check --json
	[ "$status" -eq 3 ]
	[ "$(echo "$output" | jq -c '[.problems[] | select(.check == "search") | [.table, .id]]')" = '[["contact_fts",1],["contact_fts",2],["company_fts",77]]' ]
}

@test "db check: an older schema says to run kith db migrate; a newer one to upgrade kith" {
	kith_sqlite_only "breaks an SQLite file behind kith's back with the sqlite3 shell"
	sqlite3 "$KITH_DB" "DELETE FROM schema_migration WHERE version = (SELECT MAX(version) FROM schema_migration)"
	run kith db check
	[ "$status" -eq 3 ]
	[[ "$output" == *"schema: schema_migration: the database is at schema "*"; run 'kith db migrate'"* ]]
	kith db migrate >/dev/null
	sqlite3 "$KITH_DB" "INSERT INTO schema_migration (version, applied_at) VALUES (999, '2026-01-01T00:00:00Z')"
	run kith db check
	[ "$status" -eq 3 ]
	[[ "$output" == *"the database is at schema 999, newer than this kith"*"; upgrade kith"* ]]
}

# run_unprivileged CMD...: CMD as a user the file permissions hold for
# (root writes a read-only file anyway: nobody when the test runs as root).
run_unprivileged() {
	if [ "$(id -u)" -eq 0 ]; then
		run runuser -u nobody -- "$@"
	else
		run "$@"
	fi
}

@test "db check (SQLite): a read-only file or directory gets a clear error naming --db, not a broken index" {
	kith_sqlite_only "file permissions of an SQLite file"
	sample
	chmod 755 "$TMP"
	# a read-only file in a directory where its -wal and -shm may be made
	mkdir "$TMP/w" && chmod 777 "$TMP/w"
	cp "$KITH_DB" "$TMP/w/ro.db" && chmod 444 "$TMP/w/ro.db"
	run_unprivileged "$KITH_BIN" --db "$TMP/w/ro.db" db check
	[ "$status" -eq 3 ]
	[[ "$output" != *"does not match its documents"* ]]
	[[ "$output" == "kith: db: $TMP/w/ro.db is read-only: the check of its search index (FTS5's integrity-check) needs write access; check a writable copy" ]]
	# a read-only directory: SQLite cannot make the WAL's files, nor read
	mkdir "$TMP/r" && cp "$KITH_DB" "$TMP/r/x.db" && chmod 555 "$TMP/r"
	run_unprivileged "$KITH_BIN" --db "$TMP/r/x.db" db check
	[ "$status" -eq 3 ]
	[[ "$output" == "kith: db: cannot open database $TMP/r/x.db: attempt to write a readonly database"*"needs write access to its directory"* ]]
}

@test "db check: piped output has no progress, and extra arguments are a usage error" {
	sample
	run kith db check 2>&1
	[ "$output" = "ok" ]
	run kith db check extra
	[ "$status" -eq 1 ]
}

@test "db check (PostgreSQL): clean, then search rows, terms and a foreign key broken behind its back" {
	kith_sqlite_pass_only
	pg_setup
	sample
	run kith db check
	[ "$status" -eq 0 ]
	[ "$output" = "ok" ]
	pg_su "DELETE FROM contact_fts WHERE id = 2;
		UPDATE contact_fts SET terms = 'nobody' WHERE id = 1;
		INSERT INTO company_fts (id, doc, terms) VALUES (77, 'ghost', 'ghost');
		SET session_replication_role = replica; DELETE FROM tag;"
	run kith db check
	[ "$status" -eq 3 ]
	[[ "$output" == *"search: contact_fts: contact 2 has no search document"* ]]
	[[ "$output" == *"search: contact_fts: the search terms of contact 1 differ from its document"* ]]
	[[ "$output" == *"search: company_fts: a search document is stored for company 77, which has none"* ]]
	[[ "$output" == *"foreign_key: contact_tag: contact_tag (tag_id) = ("*") references no row of tag (foreign key contact_tag_tag_id_fkey)"* ]]
	pg_su "ALTER TABLE deal DISABLE TRIGGER ALL"
	run kith db check --json
	[ "$status" -eq 3 ]
	[ "$(echo "$output" | jq -r '.problems[] | select(.check == "constraint") | .message' | grep -c 'of table deal is not enforced')" -ge 1 ]
	# the search documents are repaired, what remains is not kith's to fix: exit 3
	run kith db check --repair-search --json
	[ "$status" -eq 3 ]
	[ "$(echo "$output" | jq -c '[.ok, .repaired, ([.remaining[].check] | unique)]')" = '[false,3,["constraint","foreign_key"]]' ]
}

@test "db check --repair-search rebuilds wrong documents and removes stray ones" {
	kith_sqlite_only "breaks an SQLite file behind kith's back with the sqlite3 shell"
	sample
	sqlite3 "$KITH_DB" "DELETE FROM contact_fts WHERE rowid = 1;
		UPDATE contact_fts SET doc = 'somebody' WHERE rowid = 2;
		INSERT INTO company_fts (rowid, doc) VALUES (77, 'ghost');"
	run kith contact search ann
	[[ "$output" != *"Ann"* ]]
	run kith db check --repair-search
	[ "$status" -eq 0 ]
	[[ "$output" == *"search: contact_fts: contact 1 has no search document"*"3 problems found"*"repaired 3 search documents; checked again: ok" ]]
	run kith db check
	[ "$status" -eq 0 ]
	[ "$output" = "ok" ]
	run kith contact search ann
	[[ "$output" == *"Ann"* ]]
}

@test "db check --repair-search: exit 3 and the problems that remain when the repair could not fix everything" {
	kith_sqlite_only "breaks an SQLite file behind kith's back with the sqlite3 shell"
	sample
	sqlite3 "$KITH_DB" "DELETE FROM contact_fts WHERE rowid = 1;
		PRAGMA foreign_keys = OFF; DELETE FROM tag;"
	run kith db check --repair-search
	[ "$status" -eq 3 ]
	[[ "$output" == *"3 problems found"*"repaired 2 search documents; checked again: 1 problem remains"* ]]
	[[ "$(echo "$output" | grep -c 'foreign_key: contact_tag: row ')" -eq 2 ]]
	run kith db check --repair-search --json
	[ "$status" -eq 3 ]
	[ "$(echo "$output" | jq -c '[.ok, .found, .repaired, (.remaining | map(.check))]')" = '[false,1,0,["foreign_key"]]' ]
}

@test "db check: more problems than it lists are counted as at least that many; --repair-search repairs them all" {
	kith_sqlite_only "breaks an SQLite file behind kith's back with the sqlite3 shell"
	sqlite3 "$KITH_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
		INSERT INTO company_fts (rowid, doc) SELECT 1000 + i, 'ghost' FROM n;"
	run kith db check
	[ "$status" -eq 3 ]
	[ "$(echo "$output" | grep -c '^search: company_fts: ')" -eq 100 ]
	[[ "$output" == *"at least 100 problems found (at most 100 of each check are listed)" ]]
	run kith db check --json
	[ "$status" -eq 3 ]
	[ "$(echo "$output" | jq -c '[.ok, (.problems | length), .found, .found_exact]')" = '[false,100,100,false]' ]
	run kith db check --repair-search
	[ "$status" -eq 0 ]
	[[ "$output" == *"at least 100 problems found"*"repaired 150 search documents; checked again: ok" ]]
}
