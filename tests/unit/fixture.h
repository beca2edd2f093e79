/* fixture.h - a fresh, migrated database in a temporary directory for unit
 * tests: fixture_open() before, fixture_close() after. Header-only so each
 * test file stays self-contained. */
#ifndef KITH_TESTS_FIXTURE_H
#define KITH_TESTS_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crm/workspace.h"
#include "store/db.h"
#include "store/migrate.h"

typedef struct Fixture {
	char dir[64];   /* temporary directory */
	char path[96];  /* database file inside it */
	Db *db;
} Fixture;

static inline Db *fixture_open(Fixture *f, const char *country)
{
	Err err = {0};
	snprintf(f->dir, sizeof f->dir, "/tmp/kith-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	cr_assert_eq(db_open(&f->db, f->path, 1, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(migrate_up(f->db, NULL, &err), KITH_OK, "%s", err.msg);
	cr_assert_eq(workspace_init(f->db, "Test", country, "EUR", "UTC", &err), KITH_OK, "%s",
		     err.msg);
	return f->db;
}

static inline void fixture_close(Fixture *f)
{
	char p[128];
	db_close(f->db);
	f->db = NULL;
	const char *sfx[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
}

#endif
