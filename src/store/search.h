/* search.h - full-text search, the part of storage where backends differ.
 * Depends on store/db.h and base/. The domain builds a record's document
 * (text_search_doc) and stores it here; queries are turned into the
 * backend's match syntax here, so no FTS5 syntax leaks upward.
 *
 * kind is "contact" or "company"; the index row id is the record id. */
#ifndef KITH_STORE_SEARCH_H
#define KITH_STORE_SEARCH_H

#include <stdint.h>

#include "base/buf.h"
#include "store/db.h"

/* Replace the search document of record id. Inside a transaction the
 * write is deferred to just before commit (db_defer). */
int search_put(Db *db, const char *kind, int64_t id, const char *doc, Err *err) KITH_WARN_UNUSED;

/* Remove record id from the index (no error when absent). */
int search_remove(Db *db, const char *kind, int64_t id, Err *err) KITH_WARN_UNUSED;

/* Turn a user's query into the backend's match expression in out: the query
 * is folded like documents, split into words (at most KITH_MAX_QUERY_TERMS),
 * and every word must match as a prefix. ERR_INVALID (field "q") when the
 * query has no searchable word. */
int search_match_expr(const char *query, Buf *out, Err *err) KITH_WARN_UNUSED;

/* SQL fragments for a list query over kind, aliased "s": a join clause that
 * ties s to the record alias `c` ("JOIN ... s ON s.rowid = c.id") and a
 * WHERE condition with one `?` for the match expression. Static strings. */
const char *search_sql_join(const char *kind);
const char *search_sql_cond(const char *kind);

#endif
