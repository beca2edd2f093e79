#!/usr/bin/env bats
# cli.bats - the foundation commands against the real binary: init, db,
# backup, workspace, users, tokens, help, usage errors and exit codes.

load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

@test "help lists commands; unknown commands are usage errors" {
	run kith help
	[ "$status" -eq 0 ]
	[[ "$output" == *"user add"* ]]
	[[ "$output" == *"token create"* ]]
	run kith frobnicate
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
	run kith user frob
	[ "$status" -eq 1 ]
	[[ "$output" == *"user add"* ]]
}

@test "every command has --help" {
	run "$KITH_BIN" help
	for cmd in "init" "db migrate" "db check" "backup" "user add" "user list" "token create" \
		"token revoke" "workspace set"; do
		run "$KITH_BIN" $cmd --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: kith $cmd"* ]]
	done
}

@test "init is idempotent and migrate reports nothing to do" {
	run kith init
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 migrations applied"* ]]
	run kith db migrate
	[ "$status" -eq 0 ]
	[[ "$output" == "0 migrations applied"* ]]
	run kith db check
	[ "$status" -eq 0 ]
	[ "$output" = "ok" ]
}

@test "commands on an uninitialised database say to run init" {
	run "$KITH_BIN" --db "$TMP/other.db" user list
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: db: no database at $TMP/other.db; create one with 'kith init'"* ]]
	[[ "$output" == *"--db"*"KITH_DB"* ]]
	[ ! -e "$TMP/other.db" ] # asking does not create it
	run env -u KITH_DB "$KITH_BIN" contact list # the default ./kith.db
	[ "$status" -eq 2 ]
	[[ "$output" == *"no database at kith.db"*"kith init"* ]]
	touch "$TMP/empty.db"
	run "$KITH_BIN" --db "$TMP/empty.db" user list
	[ "$status" -eq 2 ]
	[[ "$output" == *"kith init"* ]]
	run "$KITH_BIN" --db "$TMP/empty.db" --as owner@example.com user list
	[[ "$output" == "kith: db: "* ]] # the database is at fault, not --as
	# an empty database of the pass's backend (on PostgreSQL: no tables)
	kith_new_db
	run "$KITH_BIN" --db "$NEW_DB" --as owner@example.com user list
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: db: "*"kith init"* ]]
}

@test "unexpected arguments are refused, not ignored" {
	run kith user list --bogus
	[ "$status" -eq 1 ]
	[[ "$output" == *"unexpected argument '--bogus'"* ]]
	run kith token revoke abc
	[ "$status" -eq 1 ]
	[[ "$output" == *"ID: must be a positive integer"* ]]
}

@test "user add validates and names the field" {
	run sh -c "echo pw | '$KITH_BIN' --db '$KITH_DB' user add --email x@example.com --name X --password-stdin"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: password: must be at least 8 characters" ]]
	run sh -c "echo password1 | '$KITH_BIN' --db '$KITH_DB' user add --email nope --name X --password-stdin"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --email: must be a valid email address" ]]
	run sh -c "echo password1 | '$KITH_BIN' --db '$KITH_DB' user add --email OWNER@example.com --name X --password-stdin"
	[ "$status" -eq 2 ]
	[[ "$output" == *"already exists"* ]]
	run kith user list --json
	[ "$(echo "$output" | jq length)" -eq 1 ]
}

@test "members cannot add users; --as picks the acting user" {
	kith_member_token >/dev/null
	run sh -c "echo password1 | '$KITH_BIN' --db '$KITH_DB' --as member@example.com user add --email z@example.com --name Z --password-stdin"
	[ "$status" -eq 2 ]
	[[ "$output" == *"only an owner or admin may add users"* ]]
	run kith --as ghost@example.com user list
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --as: no active user with email ghost@example.com" ]]
}

@test "tokens: created once, listed without the secret, revoked" {
	run kith token create --user owner@example.com --name laptop --json
	[ "$status" -eq 0 ]
	id="$(echo "$output" | jq -r .id)"
	secret="$(echo "$output" | jq -r .token)"
	[[ "$secret" == kith_* ]]
	run kith token list --json
	[[ "$output" != *"$secret"* ]]
	[ "$(echo "$output" | jq '[.[] | select(.name == "laptop")] | length')" -eq 1 ]
	run kith token revoke "$id"
	[ "$status" -eq 0 ]
	run kith token revoke "$id"
	[ "$status" -eq 2 ]
	run kith token create --user nobody@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"email"* ]]
}

@test "password change through --password-stdin" {
	run sh -c "echo new-password | '$KITH_BIN' --db '$KITH_DB' user passwd owner@example.com --password-stdin"
	[ "$status" -eq 0 ]
	[[ "$output" == "password changed for owner@example.com" ]]
}

@test "workspace settings are validated" {
	run kith workspace set --country pl
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --country: "* ]]
	run kith workspace set --currency XYZ
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --currency: "* ]]
	run kith workspace set --country TR --currency TRY --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .default_country)" = "TR" ]
	[ "$(echo "$output" | jq -r .currency)" = "TRY" ]
	# one change, one transaction: a refused reminder setting keeps the new name out
	run kith workspace set --name "Renamed" --touch-limit 0
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --touch-limit: "* ]]
	run kith workspace show --json
	[ "$(echo "$output" | jq -r .name)" != "Renamed" ]
	run kith workspace set --name "Renamed" --touch-limit 5 --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .name)" = "Renamed" ]
}

@test "backup makes a consistent copy of a live database" {
	kith_serve
	run kith backup "$TMP/copy.db"
	[ "$status" -eq 0 ]
	copy="$TMP/copy.db"
	if kith_pg; then
		# pg_dump's archive: restored into a database to be read
		kith_new_db
		copy="$NEW_DB"
		"$KITH_BIN" --db "$copy" restore "$TMP/copy.db" >/dev/null
	fi
	run "$KITH_BIN" --db "$copy" db check
	[ "$status" -eq 0 ]
	run "$KITH_BIN" --db "$copy" user list --json
	[ "$(echo "$output" | jq -r '.[0].email')" = "owner@example.com" ]
	run kith backup
	[ "$status" -eq 1 ]
}

@test "time zones must be real IANA zones" {
	run kith workspace set --timezone Mars/Olympus
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --timezone: unknown time zone 'Mars/Olympus'"* ]]
	run kith workspace set --timezone ../../etc/passwd
	[ "$status" -eq 2 ]
	run kith workspace set --timezone Asia/Bangkok --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .timezone)" = "Asia/Bangkok" ]
}

@test "serve --mmap reads through a memory map; bad values are usage errors" {
	run kith serve --mmap -1
	[ "$status" -eq 1 ]
	[[ "$output" == *"--mmap: must be a number of MiB"* ]]
	run kith serve --mmap lots
	[ "$status" -eq 1 ]
	"$KITH_BIN" --db "$KITH_DB" serve --listen 127.0.0.1:0 --mmap 64 >"$TMP/serve.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		URL="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$TMP/serve.log" | head -n 1)"
		[ -n "$URL" ] && break
		sleep 0.05
	done
	run curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/me"
	[ "$(echo "$output" | jq -r .email)" = "owner@example.com" ]
	# PostgreSQL has no file to map: --mmap is taken and has nothing to do
	kith_pg || grep -q "$KITH_DB\$" "/proc/$SERVER_PID/maps"
}

@test "serve maps the database by default; --mmap 0 reads it with read calls" {
	kith_sqlite_only "memory maps of the database file"
	kith_serve
	run curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/me"
	[ "$(echo "$output" | jq -r .email)" = "owner@example.com" ]
	grep -q "$KITH_DB\$" "/proc/$SERVER_PID/maps"
	kill "$SERVER_PID" && wait "$SERVER_PID" || true
	"$KITH_BIN" --db "$KITH_DB" serve --listen 127.0.0.1:0 --mmap 0 >"$TMP/serve0.log" 2>&1 &
	SERVER_PID=$!
	URL=""
	for _ in $(seq 1 100); do
		URL="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$TMP/serve0.log" | head -n 1)"
		[ -n "$URL" ] && break
		sleep 0.05
	done
	run curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/me"
	[ "$(echo "$output" | jq -r .email)" = "owner@example.com" ]
	run grep -q "$KITH_DB\$" "/proc/$SERVER_PID/maps"
	[ "$status" -ne 0 ]
}

@test "a search query that is not UTF-8 is 422 naming q, and the server keeps serving" {
	kith_serve
	api GET "/api/v1/contacts?q=%E0%B8"
	[ "$status_code" -eq 422 ]
	[ "$(echo "$body" | jq -r '.errors[0].field')" = "q" ]
	api GET "/api/v1/companies?q=%C3"
	[ "$status_code" -eq 422 ]
	api GET /api/v1/me
	[ "$status_code" -eq 200 ]
	run kith contact search $'\xc3'
	[ "$status" -eq 2 ]
}

@test "the CLI acts as the one owner: what it creates is theirs" {
	run kith contact add --first Ann --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq .owner_id)" = 1 ]
	run kith company add --name Acme --json
	[ "$(echo "$output" | jq .owner_id)" = 1 ]
	run kith deal add --title Web --contact 1 --json
	[ "$(echo "$output" | jq .owner_id)" = 1 ]
	run kith task add --title "Call Ann" --contact 1 --due 2026-12-01 --json
	[ "$(echo "$output" | jq .assignee_id)" = 1 ]
	# the owner's own agenda and due list see them
	run kith agenda --today 2026-12-02 --json
	[ "$(echo "$output" | jq '.overdue | length')" = 1 ]
	# the history says who did it
	run kith contact show 1 --history
	[[ "$output" == *"owner@example.com  create"* ]]
	# and reassign can hand them on
	echo 'member-password' | kith user add --email m@example.com --name M --password-stdin
	run kith reassign --from owner@example.com --to m@example.com --json
	[ "$status" -eq 0 ]
	run kith contact show 1 --json
	[ "$(echo "$output" | jq .owner_id)" = 2 ]
}

@test "with no user yet the CLI acts as the system; with two owners it asks who you are" {
	kith_new_db
	run "$KITH_BIN" --db "$NEW_DB" init
	run "$KITH_BIN" --db "$NEW_DB" contact add --first Early --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq .owner_id)" = null ]
	echo 'second-password' | kith user add --email two@example.com --name Two --role owner \
		--password-stdin
	run kith contact add --first Ann
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --as: the workspace has 2 owners"*"--as EMAIL"*"KITH_USER"* ]]
	run kith contact list # reading needs an actor too: members see less
	[ "$status" -eq 2 ]
	KITH_USER=two@example.com run kith contact add --first Ann --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq .owner_id)" = 2 ]
	run kith --as owner@example.com contact add --first Bob --json
	[ "$(echo "$output" | jq .owner_id)" = 1 ]
	KITH_USER=ghost@example.com run kith contact list
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: KITH_USER: no active user with email ghost@example.com" ]]
	# serve, backup and db check need no actor
	run kith db check
	[ "$status" -eq 0 ]
}

@test "errors name the option that was typed, and API errors name no option" {
	run kith contact add --first Ann --phone "xx"
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --phone: "* ]]
	run kith task add --title T --due 2026-02-30
	[ "$status" -eq 2 ]
	[[ "$output" == "kith: --due: "* ]]
	run kith task add --title T --every "x days"
	[[ "$output" == "kith: --every: "* ]]
	run kith deal add --title D --value abc
	[[ "$output" == "kith: --value: "* ]]
	run kith contact add --first Ann --field nope=1
	[[ "$output" == "kith: --field nope: "* ]]
	run kith contact add --first Ann --email ann@example.com
	run kith contact add --first Ann --email ann@example.com
	[ "$status" -eq 2 ]
	[[ "$output" == *"(use --force to add anyway)" ]]
	kith contact rm 1
	run kith contact edit 1 --first Anna
	[[ "$output" == "kith: ID: contact #1 is in the trash; restore it first"* ]]
	[[ "$output" == *"kith contact restore ID"* ]]
	kith contact restore 1
	kith_serve
	api POST /api/v1/contacts '{"first_name":"Ann","emails":[{"value":"ann@example.com"}]}'
	[ "$status_code" = 409 ]
	[[ "$body" == *"already exists"* ]]
	[[ "$body" != *"--"* && "$body" != *"kith "* ]]
	kith contact rm 1
	api GET /api/v1/contacts/1
	[[ "$body" == *"in the trash"* ]]
	[[ "$body" != *"--"* && "$body" != *"kith "* ]]
}

@test "make install puts kith in PREFIX/bin (DESTDIR staged); make uninstall removes it" {
	# run the Makefile's recipes on a copy of the binary under test (-o kith:
	# no rebuild), staged under DESTDIR
	mkdir -p "$TMP/src"
	cp "$KITH_BIN" "$TMP/src/kith"
	mk=(make -s -f "$BATS_TEST_DIRNAME/../../Makefile" -C "$TMP/src" -o kith)
	run "${mk[@]}" -n install
	[[ "$output" == *"install -m 0755 kith /usr/local/bin/kith"* ]]
	run "${mk[@]}" install DESTDIR="$TMP/stage" PREFIX=/opt/kith
	[ "$status" -eq 0 ]
	[ -x "$TMP/stage/opt/kith/bin/kith" ]
	run "$TMP/stage/opt/kith/bin/kith" version
	[[ "$output" == "kith "* ]]
	run "${mk[@]}" uninstall DESTDIR="$TMP/stage" PREFIX=/opt/kith
	[ "$status" -eq 0 ]
	[ ! -e "$TMP/stage/opt/kith/bin/kith" ]
}
