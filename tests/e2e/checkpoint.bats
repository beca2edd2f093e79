#!/usr/bin/env bats
# The server checkpoints the WAL in its own thread (store/checkpoint.c):
# writes through the API leave the WAL file empty once the server is idle,
# and the server stops cleanly (under the sanitizer build, without a leak).
load helpers

setup() { kith_setup; }
teardown() { kith_teardown; }

wal_size() { stat -c %s "$KITH_DB-wal" 2>/dev/null || echo 0; }

# create contacts FROM..TO through the API
create() {
	for i in $(seq "$1" "$2"); do
		api POST /api/v1/contacts "{\"first_name\":\"Wal\",\"last_name\":\"C$i\",\"emails\":[\"wal$i@example.com\"]}"
		[ "$status_code" -eq 201 ]
	done
}

@test "the server empties the WAL after writes once idle, then stops cleanly" {
	kith_sqlite_only "the WAL file of an SQLite database"
	kith_serve
	create 1 30
	[ "$(wal_size)" -gt 0 ]
	# idle for KITH_CHECKPOINT_IDLE_MS (1 s): the checkpoint thread copies the
	# WAL into the database and truncates it, while the server keeps running
	for _ in $(seq 1 50); do
		[ "$(wal_size)" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(wal_size)" -eq 0 ]
	kill -0 "$SERVER_PID"
	# the writes are in the database file itself
	api GET "/api/v1/contacts?q=wal30%40example.com"
	[ "$status_code" -eq 200 ]
	[ "$(echo "$body" | jq '.items | length')" -eq 1 ]
	# more writes after the truncate, then a clean stop: exit 0, no sanitizer report
	create 31 35
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID"
	SERVER_PID=""
	run grep -cE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$TMP/serve.log"
	[ "$output" = 0 ]
	[ "$(kith --json contact list --limit 500 | jq '.items | length')" -eq 35 ]
}

@test "with --checkpoint-pages 0 requests checkpoint as before: the WAL is not emptied" {
	kith_sqlite_only "the WAL file of an SQLite database"
	"$KITH_BIN" --db "$KITH_DB" serve --listen 127.0.0.1:0 --checkpoint-pages 0 \
		>"$TMP/serve.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		URL="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$TMP/serve.log" | head -n 1)"
		[ -n "$URL" ] && break
		sleep 0.05
	done
	[ -n "$URL" ]
	create 1 10
	sleep 1.5
	[ "$(wal_size)" -gt 0 ]
}

@test "--checkpoint-pages is checked" {
	run kith serve --checkpoint-pages x
	[ "$status" -eq 1 ]
	[[ "$output" == *"--checkpoint-pages"* ]]
	run kith serve --checkpoint-pages 1000001
	[ "$status" -eq 1 ]
	run kith serve --checkpoint-pages -1
	[ "$status" -eq 1 ]
}
