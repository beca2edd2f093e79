#!/usr/bin/env bats
# races.bats - rules that span rows hold with concurrent requests through
# the real server (issue 8, "Races"): eight POSTs of one email make one
# contact, two PATCHes with one If-Match give one 200 and one 412, retries
# of one Idempotency-Key create once, and two servers on one database
# create side by side. The requests run as background curl processes
# against a server with several threads (each with its own connection).
# The unit tests in tests/unit/test_races.c cover every rule of the list.

load helpers

setup() {
	kith_setup
	SERVER2_PID=""
	kith_serve --threads 4
}

teardown() {
	local rc=0
	for pid in "${SERVER2_PID:-}" "${SERVER_PID:-}"; do
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null && rc=1
		wait "$pid" 2>/dev/null || rc=1
	done
	SERVER_PID=""
	if cat "$TMP"/serve*.log | grep -q 'Sanitizer\|runtime error'; then
		cat "$TMP"/serve*.log >&2
		rc=1
	fi
	kith_teardown
	return "$rc"
}

# race N METHOD URL BODY [curl args...]: N requests at once, each in its own
# curl process; their status codes go to $TMP/code.1..N, sorted into
# $codes (one per line), bodies to $TMP/body.1..N, headers to $TMP/h.1..N.
race() {
	local n="$1" method="$2" url="$3" data="$4" pids=()
	shift 4
	for i in $(seq 1 "$n"); do
		curl -s -o "$TMP/body.$i" -D "$TMP/h.$i" -w '%{http_code}' -X "$method" \
			-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
			--data-binary "$data" "$@" "$url" >"$TMP/code.$i" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid"
	done
	codes="$(for i in $(seq 1 "$n"); do cat "$TMP/code.$i"; echo; done | sort)"
}

# count CODE: how many of $codes are CODE.
count() {
	grep -c "^$1\$" <<<"$codes" || true
}

@test "eight concurrent POSTs of one email make one contact: one 201, seven 409" {
	race 8 POST "$URL/api/v1/contacts" '{"first_name":"Anna","emails":["anna@example.pl"]}'
	[ "$(count 201)" -eq 1 ]
	[ "$(count 409)" -eq 7 ]
	run kith contact list --json
	[ "$status" -eq 0 ]
	[ "$(jq ".items | length" <<<"$output")" -eq 1 ]
	# the refusals name the field and the contact that holds the email
	for i in $(seq 1 8); do
		if [ "$(cat "$TMP/code.$i")" = 409 ]; then
			jq -e '.errors[0].field == "emails[0].value"' "$TMP/body.$i"
		fi
	done
}

@test "two concurrent PATCHes with one If-Match: one 200, one 412" {
	api POST /api/v1/contacts '{"first_name":"Anna"}'
	[ "$status_code" -eq 201 ]
	id="$(jq .id <<<"$body")"
	race 2 PATCH "$URL/api/v1/contacts/$id" '{"last_name":"Nowak"}' -H 'If-Match: "1"'
	[ "$codes" = "$(printf '200\n412')" ]
	api GET "/api/v1/contacts/$id"
	[ "$(jq .version <<<"$body")" -eq 2 ]
}

@test "eight concurrent retries of one Idempotency-Key create one contact and answer alike" {
	race 8 POST "$URL/api/v1/contacts" '{"first_name":"Once"}' -H 'Idempotency-Key: k-1'
	[ "$(count 201)" -eq 8 ]
	run kith contact list --json
	[ "$(jq ".items | length" <<<"$output")" -eq 1 ]
	for i in $(seq 2 8); do
		cmp "$TMP/body.1" "$TMP/body.$i"
	done
}

@test "two servers on one database create at once: every contact gets its own id" {
	"$KITH_BIN" --db "$KITH_DB" serve --listen 127.0.0.1:0 --threads 4 >"$TMP/serve2.log" 2>&1 &
	SERVER2_PID=$!
	URL2=""
	for _ in $(seq 1 100); do
		URL2="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$TMP/serve2.log" | head -n 1)"
		[ -n "$URL2" ] && break
		sleep 0.05
	done
	[ -n "$URL2" ]
	pids=()
	for i in $(seq 1 8); do
		u="$URL"
		[ $((i % 2)) -eq 0 ] && u="$URL2"
		curl -s -o "$TMP/body.$i" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
			-H 'Content-Type: application/json' \
			--data-binary "{\"first_name\":\"Racer $i\",\"tags\":[\"fresh\"]}" \
			"$u/api/v1/contacts" >"$TMP/code.$i" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid"
	done
	for i in $(seq 1 8); do
		[ "$(cat "$TMP/code.$i")" = 201 ]
	done
	[ "$(cat "$TMP"/body.* | jq -s 'map(.id) | unique | length')" -eq 8 ]
	run kith tag list --json
	[ "$(jq 'map(select(.name == "fresh")) | length' <<<"$output")" -eq 1 ]
}

@test "a change kept waiting past the lock timeout answers 503 with Retry-After and writes nothing" {
	kith_sqlite_only "holds SQLite's write lock with the sqlite3 shell"
	# another writer holds the database's write lock for longer than the
	# server waits (5 s); a busy that a wait could not cure is not run again.
	# First a request that records the token's use (a write of its own).
	api GET /api/v1/me
	[ "$status_code" -eq 200 ]
	(printf '.timeout 5000\nBEGIN IMMEDIATE;\nSELECT %s;\n' "'held'"; sleep 8
		echo 'ROLLBACK;') | sqlite3 "$KITH_DB" >"$TMP/held" &
	holder=$!
	for _ in $(seq 1 100); do
		grep -q held "$TMP/held" && break
		sleep 0.05
	done
	grep -q held "$TMP/held"
	curl -s -o "$TMP/body" -D "$TMP/h" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		--data-binary '{"first_name":"Waited"}' "$URL/api/v1/contacts" >"$TMP/code"
	wait "$holder"
	[ "$(cat "$TMP/code")" = 503 ]
	grep -qi '^Retry-After: 1' "$TMP/h"
	grep -qi '^Content-Type: application/problem+json' "$TMP/h"
	jq -e '.status == 503' "$TMP/body"
	run kith contact list --json
	[ "$(jq ".items | length" <<<"$output")" -eq 0 ]
}
