# helpers.bash - shared set-up for the end-to-end tests (bats).
# Every test gets its own temporary directory and database; `kith_serve`
# starts a real `kith serve` on 127.0.0.1 with a free port, stopped in teardown.
#
#   load helpers
#   setup() { kith_setup; }            # temp db, initialised, owner + token
#   teardown() { kith_teardown; }
#   run kith contact add --first Ann   # the binary under test (KITH_BIN)
#   kith_serve                          # sets $URL, $TOKEN is ready
#   api GET /api/v1/me                  # curl with the token; sets $status_code, $body

KITH_BIN="${KITH_BIN:-$BATS_TEST_DIRNAME/../../kith}"

kith() {
	"$KITH_BIN" --db "$KITH_DB" "$@"
}

kith_setup() {
	TMP="$(mktemp -d)"
	export KITH_DB="$TMP/test.db"
	"$KITH_BIN" --db "$KITH_DB" init --country PL --currency PLN >/dev/null
	echo 'owner-password' | "$KITH_BIN" --db "$KITH_DB" user add --email owner@example.com \
		--name Owner --role owner --password-stdin >/dev/null
	TOKEN="$("$KITH_BIN" --db "$KITH_DB" token create --user owner@example.com --name tests)"
	export TOKEN
	SERVER_PID=""
}

kith_teardown() {
	if [ -n "${SERVER_PID:-}" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}

# Add a member user and print a token for them.
kith_member_token() {
	local email="${1:-member@example.com}"
	echo 'member-password' | "$KITH_BIN" --db "$KITH_DB" user add --email "$email" \
		--name Member --role member --password-stdin >/dev/null
	"$KITH_BIN" --db "$KITH_DB" token create --user "$email"
}

# Start `kith serve` on a free loopback port (extra arguments go to serve,
# e.g. --threads 1); sets URL.
kith_serve() {
	"$KITH_BIN" --db "$KITH_DB" serve --listen 127.0.0.1:0 "$@" >"$TMP/serve.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		URL="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$TMP/serve.log" | head -n 1)"
		[ -n "$URL" ] && break
		sleep 0.05
	done
	if [ -z "$URL" ]; then
		cat "$TMP/serve.log" >&2
		return 1
	fi
	export URL
}

# api METHOD PATH [BODY] [extra curl args...]: sets status_code and body.
# Uses $TOKEN unless AUTH is set ("none" = no header).
api() {
	local method="$1" path="$2" data="${3:-}"
	shift 3 2>/dev/null || shift $#
	local auth=(-H "Authorization: Bearer ${AUTH_TOKEN:-$TOKEN}")
	[ "${AUTH_TOKEN:-}" = "none" ] && auth=()
	local args=(-s -o "$TMP/body" -w '%{http_code}' -X "$method" "${auth[@]}")
	if [ -n "$data" ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "$data")
	fi
	status_code="$(curl "${args[@]}" "$@" "$URL$path")"
	body="$(cat "$TMP/body")"
}
