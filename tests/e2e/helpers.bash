# helpers.bash - shared set-up for the end-to-end tests (bats).
# Every test gets its own temporary directory and database; `kith_serve`
# starts a real `kith serve` on 127.0.0.1 with a free port, stopped in teardown.
#
#   load helpers
#   setup() { kith_setup; }            # a fresh database: workspace, owner, token
#   teardown() { kith_teardown; }
#   run kith contact add --first Ann   # the binary under test (KITH_BIN)
#   kith_serve                          # sets $URL, $TOKEN is ready
#   api GET /api/v1/me                  # curl with the token; sets $status_code, $body
#
# KITH_E2E_BACKEND=postgres runs every test on PostgreSQL (`make e2e-pg`):
# KITH_DB is then the URL of a database of the test's own on the throwaway
# server of KITH_TEST_PG, dropped in teardown. Either way the database is a
# copy of a template that setup_suite.bash made once for the run (kith init
# --country PL --currency PLN, the owner owner@example.com, their token).
# A test about SQLite itself calls kith_sqlite_only (skipped in the
# PostgreSQL pass, saying why); kith_new_db gives a new, empty database of
# the pass's backend; kith_pg is true in the PostgreSQL pass.

KITH_BIN="${KITH_BIN:-$BATS_TEST_DIRNAME/../../kith}"
KITH_E2E_BACKEND="${KITH_E2E_BACKEND:-sqlite}"

kith() {
	"$KITH_BIN" --db "$KITH_DB" "$@"
}

# True when the tests run on PostgreSQL (KITH_E2E_BACKEND=postgres).
kith_pg() {
	[ "$KITH_E2E_BACKEND" = postgres ]
}

kith_setup() {
	TMP="$(mktemp -d)"
	SERVER_PID=""
	KITH_PGDBS=""
	if [ -z "${KITH_E2E_TEMPLATE_DIR:-}" ]; then
		echo "no template: helpers.bash needs tests/e2e/setup_suite.bash (run bats on tests/e2e files)" >&2
		return 1
	fi
	if kith_pg; then
		kith_pg_db "$KITH_E2E_PG_TEMPLATE"
		export KITH_DB="$KITH_PG_URL"
		TOKEN="$(cat "$KITH_E2E_TEMPLATE_DIR/token.pg")"
	else
		cp "$KITH_E2E_TEMPLATE_DIR/test.db" "$TMP/test.db"
		export KITH_DB="$TMP/test.db"
		TOKEN="$(cat "$KITH_E2E_TEMPLATE_DIR/token")"
	fi
	export TOKEN
}

# kith_pg_db [TEMPLATE]: a new database on the test server, a copy of
# TEMPLATE (default: the server's empty kith_template), dropped in
# kith_teardown; sets KITH_PG_URL to its URL.
kith_pg_db() {
	local name="kith_e2e_${BASHPID}_${RANDOM}${RANDOM}"
	KITH_PG_URL="$("$BATS_TEST_DIRNAME/../../scripts/pg-test-db" create "$KITH_TEST_PG" \
		"$name" ${1:+"$1"})" || return 1
	KITH_PGDBS="$KITH_PGDBS $name"
}

# kith_new_db: sets NEW_DB to a new, empty database (not initialised) of
# the test's backend: a file in $TMP that is not there yet, or on
# PostgreSQL an empty database (dropped in teardown).
kith_new_db() {
	if kith_pg; then
		kith_pg_db
		NEW_DB="$KITH_PG_URL"
	else
		NEW_DB="$(mktemp -u "$TMP/new-XXXXXX.db")"
	fi
}

# kith_sqlite_only REASON: the test is about SQLite itself (its files, its
# WAL, backups of a .db file): skipped in the PostgreSQL pass, saying why.
kith_sqlite_only() {
	if kith_pg; then
		skip "sqlite-only: $1"
	fi
}

# kith_sqlite_pass_only: the test makes the databases it needs itself (of
# both backends, as its name says) and does not use the pass's database:
# it runs in the SQLite pass and is skipped in the PostgreSQL pass, which
# would run the very same test again.
kith_sqlite_pass_only() {
	if kith_pg; then
		skip "runs in the SQLite pass: it makes its own databases of both backends"
	fi
}

kith_teardown() {
	local d
	if [ -n "${SERVER_PID:-}" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$SERVER_PID" 2>/dev/null || true
	fi
	for d in ${KITH_PGDBS:-}; do
		"$BATS_TEST_DIRNAME/../../scripts/pg-test-db" drop "$KITH_TEST_PG" "$d" >/dev/null
	done
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

# hdr NAME: the value of response header NAME in $TMP/h (case-insensitive).
hdr() {
	tr -d '\r' <"$TMP/h" | awk -v n="$(echo "$1" | tr 'A-Z' 'a-z')" -F': ' \
		'tolower($1) == n { sub(/^[^:]*: /, ""); print; exit }'
}

# kith_teardown_checked: kith_teardown, after stopping the server itself to
# see its exit status and any sanitizer report: a server that does not stop
# on SIGTERM, exits non-zero, or reports a leak or memory error (ASan) fails
# the test.
kith_teardown_checked() {
	local rc=0 pid="${SERVER_PID:-}"
	SERVER_PID=""
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid"
			echo "kith serve did not stop on SIGTERM" >&2
			rc=1
		fi
		wait "$pid" 2>/dev/null || rc=$?
		if [ "$rc" -ne 0 ] || grep -q 'Sanitizer\|runtime error' "$TMP/serve.log"; then
			echo "kith serve exited $rc:" >&2
			cat "$TMP/serve.log" >&2
			rc=1
		fi
	fi
	kith_teardown
	return "$rc"
}
