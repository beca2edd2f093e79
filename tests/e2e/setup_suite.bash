# setup_suite.bash - run by bats once per run, before any file (and
# teardown_suite after all of them, also when tests fail): makes the
# databases every test starts from (see helpers.bash), so that each test
# gets a copy instead of running init, user add and token create itself.
#
# KITH_E2E_BACKEND=sqlite (the default) or postgres picks the backend of
# the tests' databases. On postgres, KITH_TEST_PG must hold the URL prefix
# of a throwaway server (scripts/with-test-pg; `make e2e-pg` does it).
#
# Exports for the tests:
#   KITH_E2E_TEMPLATE_DIR  a directory with test.db, an SQLite template,
#                          and token, its owner's API token (always made:
#                          tests about SQLite files use it in both passes)
#   KITH_E2E_PG_TEMPLATE   on postgres: the template database's name, and
#                          token.pg in the directory, its owner's token

# kith_template_fill DB: the state every test starts from: a workspace
# (PL, PLN), an owner owner@example.com (password owner-password) and an
# API token for them, printed.
kith_template_fill() {
	"$KITH_BIN" --db "$1" init --country PL --currency PLN >/dev/null
	echo 'owner-password' | "$KITH_BIN" --db "$1" user add --email owner@example.com \
		--name Owner --role owner --password-stdin >/dev/null
	"$KITH_BIN" --db "$1" token create --user owner@example.com --name tests
}

KITH_E2E_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

setup_suite() {
	KITH_BIN="${KITH_BIN:-$KITH_E2E_HERE/../../kith}"
	export KITH_BIN
	KITH_E2E_BACKEND="${KITH_E2E_BACKEND:-sqlite}"
	export KITH_E2E_BACKEND
	KITH_E2E_TEMPLATE_DIR="$(mktemp -d /tmp/kith-e2e-template-XXXXXX)"
	export KITH_E2E_TEMPLATE_DIR
	kith_template_fill "$KITH_E2E_TEMPLATE_DIR/test.db" >"$KITH_E2E_TEMPLATE_DIR/token"
	case "$KITH_E2E_BACKEND" in
	sqlite) ;;
	postgres)
		if [ -z "${KITH_TEST_PG:-}" ]; then
			echo "KITH_E2E_BACKEND=postgres needs KITH_TEST_PG, the URL prefix of a throwaway server:" >&2
			echo "run through scripts/with-test-pg (make e2e-pg does)" >&2
			return 1
		fi
		# one name per run: several runs may share a server
		KITH_E2E_PG_TEMPLATE="kith_e2e_template_$$"
		export KITH_E2E_PG_TEMPLATE
		"$KITH_E2E_HERE/../../scripts/pg-test-db" create "$KITH_TEST_PG" \
			"$KITH_E2E_PG_TEMPLATE" >/dev/null
		kith_template_fill "$KITH_TEST_PG$KITH_E2E_PG_TEMPLATE" >"$KITH_E2E_TEMPLATE_DIR/token.pg"
		;;
	*)
		echo "KITH_E2E_BACKEND: '$KITH_E2E_BACKEND' is neither sqlite nor postgres" >&2
		return 1
		;;
	esac
}

teardown_suite() {
	if [ -n "${KITH_E2E_PG_TEMPLATE:-}" ]; then
		"$KITH_E2E_HERE/../../scripts/pg-test-db" drop "$KITH_TEST_PG" \
			"$KITH_E2E_PG_TEMPLATE" >/dev/null
	fi
	rm -rf "${KITH_E2E_TEMPLATE_DIR:-}"
}
