/* dbcheck.c - dbcheck.h: the checks of kith db check, in order. */
#include "core/dbcheck.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/links.h"
#include "store/migrate.h"

enum { DBCHECK_KINDS = 8 }; /* kinds with a search document we have room for */

/* Written once at start-up (dbcheck_set_search), read-only afterwards. */
static struct {
	DbcheckSearchFn check;
	DbcheckReindexFn reindex;
} search_fns[DBCHECK_KINDS];

void dbcheck_set_search(const char *kind, DbcheckSearchFn check, DbcheckReindexFn reindex)
{
	size_t n, i;
	const LinksKind *kinds = links_kinds(&n);
	for (i = 0; i < n && strcmp(kinds[i].kind, kind) != 0; i++)
		;
	assert(i < n && kinds[i].search && i < DBCHECK_KINDS);
	search_fns[i].check = check;
	search_fns[i].reindex = reindex;
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

/* What repairing one kind needs: the ids its check collected. */
typedef struct Repair {
	Buf fix[DBCHECK_KINDS], drop[DBCHECK_KINDS];
	int rebuilt[DBCHECK_KINDS]; /* the FTS5 index was rebuilt */
} Repair;

/* Each kind's search index against its records (index_only: FTS5's own
 * check), collecting what to repair in r (NULL: only report). */
static int check_search(Db *db, const SearchCheck *chk, int index_only, Repair *r, Err *err)
{
	size_t n;
	const LinksKind *kinds = links_kinds(&n);
	int rc = KITH_OK;
	for (size_t i = 0; i < n && rc == KITH_OK; i++) {
		if (!kinds[i].search)
			continue;
		if (i >= DBCHECK_KINDS || !search_fns[i].check)
			return err_set(err, ERR_INTERNAL, NULL,
				       "no search check for %s is registered (hooks_install)",
				       kinds[i].kind);
		SearchCheck one = *chk;
		one.fix = r ? &r->fix[i] : NULL;
		one.drop = r ? &r->drop[i] : NULL;
		rc = index_only ? search_check_index(db, kinds[i].kind, &one,
						     r ? &r->rebuilt[i] : NULL, err)
				: search_fns[i].check(db, &one, err);
	}
	return rc;
}

static int run(Db *db, const SearchCheck *chk, int *version, int *current, Repair *r, Err *err)
{
	int rc = migrate_version(db, version, err);
	if (rc)
		return rc;
	*current = check_version(*version, chk);
	if (*version == 0)
		return KITH_OK; /* nothing of kith's to check */
	/* FTS5's own check takes a write lock for a moment: before the read */
	if (*current && (rc = check_search(db, chk, 1, r, err)))
		return rc;
	if ((rc = db_begin_read(db, err)))
		return rc;
	rc = db_check(db, chk->report, chk->arg, err);
	if (rc == KITH_OK && *current)
		rc = check_search(db, chk, 0, r, err);
	db_rollback(db); /* read only */
	return rc;
}

int dbcheck_run(Db *db, const SearchCheck *chk, int *version, Err *err)
{
	int current;
	return run(db, chk, version, &current, NULL, err);
}

/* Rebuild and remove what the check of kind i collected, in one write
 * transaction; *done += the documents repaired. */
static int repair_kind(Db *db, const char *kind, int i, Repair *r, long *done, Err *err)
{
	const Buf *drop = &r->drop[i];
	int rc = db_begin(db, err);
	if (rc)
		return rc;
	if (r->fix[i].len)
		rc = search_fns[i].reindex(db, &r->fix[i], err);
	for (size_t off = 0; rc == KITH_OK && off + sizeof(int64_t) <= drop->len;
	     off += sizeof(int64_t)) {
		int64_t id;
		memcpy(&id, drop->data + off, sizeof id);
		rc = search_remove(db, kind, id, err);
	}
	rc = db_end(db, rc, err);
	if (rc == KITH_OK)
		*done += (long)((r->fix[i].len + drop->len) / sizeof(int64_t)) + r->rebuilt[i];
	return rc;
}

int dbcheck_repair(Db *db, const SearchCheck *chk, int *version, long *repaired, Err *err)
{
	size_t n;
	const LinksKind *kinds = links_kinds(&n);
	int current = 0;
	Repair *r = calloc(1, sizeof *r);
	*repaired = 0;
	if (!r)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	for (int i = 0; i < DBCHECK_KINDS; i++) {
		buf_init(&r->fix[i], 0);
		buf_init(&r->drop[i], 0);
	}
	int rc = run(db, chk, version, &current, r, err);
	for (size_t i = 0; rc == KITH_OK && current && i < n && i < DBCHECK_KINDS; i++)
		if (kinds[i].search)
			rc = repair_kind(db, kinds[i].kind, (int)i, r, repaired, err);
	for (int i = 0; i < DBCHECK_KINDS; i++) {
		buf_free(&r->fix[i]);
		buf_free(&r->drop[i]);
	}
	free(r);
	return rc;
}
