/* dbcheck.h - kith db check: the schema version, the database's own
 * consistency (store/db.h db_check: integrity, constraints, foreign keys)
 * and each search index against its records (store/search.h
 * search_check). Depends on base/, store/ and core/links (the kinds that
 * have a search document); the nouns that build documents register their
 * check at start-up (dbcheck_set_search), as links' refresh functions are. */
#ifndef KITH_CORE_DBCHECK_H
#define KITH_CORE_DBCHECK_H

#include "store/db.h"
#include "store/search.h"

/* A noun's check of its search index (contact_search_check), and its
 * rebuild of the documents of the records whose ids ids holds (int64_t
 * values), in the caller's transaction (contact_reindex_ids). */
typedef int (*DbcheckSearchFn)(Db *db, const SearchCheck *chk, Err *err);
typedef int (*DbcheckReindexFn)(Db *db, const Buf *ids, Err *err);

/* Register kind's index check and rebuild; kind must have a search
 * document in core/links.def (asserted). Called once at start-up, before
 * any thread starts (hooks_install; the test fixtures). */
void dbcheck_set_search(const char *kind, DbcheckSearchFn check, DbcheckReindexFn reindex);

/* Check db and report every problem to chk (DbFinding.check "schema",
 * "integrity", "constraint", "foreign_key" or "search"); *version gets the
 * database's schema version. A schema other than this kith's
 * (migrate_latest) is a finding that says what to run, and the search
 * indexes are then not compared (their documents are built for this
 * schema). The records are read in one read transaction, so a server may
 * keep writing meanwhile. Findings are not errors: KITH_OK once checked;
 * ERR_STORAGE when a check could not run; ERR_INTERNAL when a kind with a
 * search document has no registered check. */
int dbcheck_run(Db *db, const SearchCheck *chk, int *version, Err *err) KITH_WARN_UNUSED;

/* dbcheck_run, then repair the search indexes (kith db check
 * --repair-search): the documents found missing or wrong are rebuilt by
 * their noun's reindex function, those of records that have none removed,
 * and a broken FTS5 index rebuilt from its documents, one transaction per
 * kind. The findings are those before the repair. *repaired gets how many
 * documents (and indexes) were repaired. Nothing is repaired when the
 * schema is not this kith's. Errors as dbcheck_run. */
int dbcheck_repair(Db *db, const SearchCheck *chk, int *version, long *repaired,
		   Err *err) KITH_WARN_UNUSED;

#endif
