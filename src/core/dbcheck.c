/* dbcheck.c - dbcheck.h: the checks of kith db check, in order. */
#include "core/dbcheck.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/links.h"
#include "store/migrate.h"

enum { DBCHECK_KINDS = 8 }; /* kinds with a search document we have room for */

/* Written once at start-up (dbcheck_set_search), read-only afterwards. */
static struct {
	const char *kind;
	DbcheckSearchFn fn;
} search_fns[DBCHECK_KINDS];

void dbcheck_set_search(const char *kind, DbcheckSearchFn fn)
{
	size_t n, i;
	const LinksKind *kinds = links_kinds(&n);
	for (i = 0; i < n && strcmp(kinds[i].kind, kind) != 0; i++)
		;
	assert(i < n && kinds[i].search && i < DBCHECK_KINDS);
	search_fns[i].kind = kinds[i].kind;
	search_fns[i].fn = fn;
}

/* The schema finding, if any: 1 when the schema is this kith's. */
static int check_version(int version, const SearchCheck *chk)
{
	char msg[200];
	int latest = migrate_latest();
	if (version == latest)
		return 1;
	if (version == 0)
		snprintf(msg, sizeof msg, "the database is not initialised; run 'kith init'");
	else if (version < latest)
		snprintf(msg, sizeof msg,
			 "the database is at schema %d, this kith needs %d; run 'kith db migrate'",
			 version, latest);
	else
		snprintf(msg, sizeof msg,
			 "the database is at schema %d, newer than this kith (%d); upgrade kith",
			 version, latest);
	chk->report(chk->arg, &(DbFinding){"schema", "schema_migration", 0, msg});
	return 0;
}

/* Each kind's search index against its records. */
static int check_search(Db *db, const SearchCheck *chk, int index_only, Err *err)
{
	size_t n;
	const LinksKind *kinds = links_kinds(&n);
	int rc = KITH_OK;
	for (size_t i = 0; i < n && rc == KITH_OK; i++) {
		if (!kinds[i].search)
			continue;
		if (i >= DBCHECK_KINDS || !search_fns[i].fn)
			return err_set(err, ERR_INTERNAL, NULL,
				       "no search check for %s is registered (hooks_install)",
				       kinds[i].kind);
		rc = index_only ? search_check_index(db, kinds[i].kind, chk, err)
				: search_fns[i].fn(db, chk, err);
	}
	return rc;
}

int dbcheck_run(Db *db, const SearchCheck *chk, int *version, Err *err)
{
	int rc = migrate_version(db, version, err);
	if (rc)
		return rc;
	int current = check_version(*version, chk);
	if (*version == 0)
		return KITH_OK; /* nothing of kith's to check */
	/* FTS5's own check takes a write lock for a moment: before the read */
	if (current && (rc = check_search(db, chk, 1, err)))
		return rc;
	if ((rc = db_begin_read(db, err)))
		return rc;
	rc = db_check(db, chk->report, chk->arg, err);
	if (rc == KITH_OK && current)
		rc = check_search(db, chk, 0, err);
	db_rollback(db); /* read only */
	return rc;
}
