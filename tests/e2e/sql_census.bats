#!/usr/bin/env bats
# sql_census.bats - scripts/sql-census on small source trees: what it takes
# for a statement (macros pasted, adjacent literals joined, upper-case verbs
# only, a lone HTTP method is not SQL), where it says each runs (backend
# files, census tags) and the tags it refuses. The census itself (every
# statement prepared on both backends) is the unit suite census.

CENSUS="$BATS_TEST_DIRNAME/../../scripts/sql-census"

setup() {
	TREE="$BATS_TEST_TMPDIR/tree"
	mkdir -p "$TREE/src/store" "$TREE/src/crm"
	cd "$TREE"
}

# One record's field: census_field N FIELD (N from 1) of the output in $output.
census_field() {
	printf '%s\n' "$output" | sed -n "${1}p" | python3 -c \
		'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

@test "sql-census: statements after macros, with file, line, backend and key" {
	cat >src/crm/t.h <<'EOF'
#define T_VISIBLE "(owner = ? OR shared = 1)"
EOF
	cat >src/crm/t.c <<'EOF'
#include "crm/t.h"
static const char a[] = "SELECT id FROM t "
			"WHERE " T_VISIBLE;
static const char msg[] = "update failed";
static const char method[] = "DELETE";
static const char b[] = "  DELETE FROM t WHERE id = ?";
static const char c[] = "COMMIT";
EOF
	run "$CENSUS" -- -std=c17 -Isrc
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
	[ "$(census_field 1 sql)" = "SELECT id FROM t WHERE (owner = ? OR shared = 1)" ]
	[ "$(census_field 1 file)" = "src/crm/t.c" ]
	[ "$(census_field 1 line)" = 2 ]
	[ "$(census_field 1 backend)" = both ]
	[ "$(census_field 1 key)" = "$(printf '%s' "SELECT id FROM t WHERE (owner = ? OR shared = 1)" |
		sha1sum | cut -c1-12)" ]
	[ "$(census_field 2 line)" = 6 ]
	[ "$(census_field 3 sql)" = COMMIT ]
}

@test "sql-census: backend files and census tags make a statement backend-only" {
	cat >src/store/db_sqlite.c <<'EOF'
static const char p[] = "PRAGMA foreign_keys=ON";
EOF
	cat >src/store/s.c <<'EOF'
/* census: postgres */
static const char pg[] = "SELECT id FROM t WHERE terms @@ CAST(? AS tsquery)";
static const char lite[] = /* census: sqlite */ "SELECT rowid FROM t_fts";
static const char both[] = "SELECT id FROM t";
EOF
	run "$CENSUS" -- -std=c17 -Isrc
	[ "$status" -eq 0 ]
	[ "$(census_field 1 file):$(census_field 1 backend)" = "src/store/db_sqlite.c:sqlite" ]
	[ "$(census_field 2 line):$(census_field 2 backend)" = "2:postgres" ]
	[ "$(census_field 3 line):$(census_field 3 backend)" = "3:sqlite" ]
	[ "$(census_field 4 backend)" = both ]
}

@test "sql-census: a tag with no statement after it is an error" {
	cat >src/store/t.c <<'EOF'
/* census: sqlite */
static const char msg[] = "not a statement";
EOF
	run "$CENSUS" -o "$BATS_TEST_TMPDIR/out" -- -std=c17 -Isrc
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/store/t.c:1: census tag followed by no statement"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "sql-census: a tag that contradicts its backend file is an error" {
	cat >src/store/db_pg.c <<'EOF'
/* census: sqlite */
static const char s[] = "SELECT 1 FROM t";
EOF
	run "$CENSUS" -- -std=c17 -Isrc
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/store/db_pg.c:1: census tag says sqlite in a postgres file"* ]]
}

@test "sql-census: a tag outside src/store/ is an error: domain SQL runs on both" {
	cat >src/crm/t.c <<'EOF'
/* census: sqlite */
static const char s[] = "SELECT rowid FROM t";
EOF
	run "$CENSUS" -- -std=c17 -Isrc
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/crm/t.c:1: census tag outside src/store/"* ]]
}

@test "sql-census: a file that does not preprocess is an error" {
	printf '#include "missing.h"\n' >src/crm/t.c
	run "$CENSUS" -- -std=c17 -Isrc
	[ "$status" -eq 1 ]
	[[ "$output" == *"src/crm/t.c does not preprocess"* ]]
}
