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
 * and every word must match as a prefix. A query of only digits and phone
 * punctuation (" +-().") with three or more digits is one word of its
 * digits ("+48 601-234" -> 48601234). ERR_INVALID (field "q") when the
 * query has no searchable word. Pure: reads only its arguments. */
int search_match_expr(const char *query, Buf *out, Err *err) KITH_WARN_UNUSED;

/* SQL fragments for a list query that the search index drives, as string
 * literals so a statement stays one literal (db_prepare caches by address):
 * SEARCH_JOIN_<KIND> ties the index, aliased "s", to the record alias "c";
 * SEARCH_MATCH_<KIND> is the condition with one `?` for search_match_expr's
 * output; SEARCH_ROWID is the index's record id, for keyset order. A
 * PostgreSQL backend will define its own. */
#define SEARCH_JOIN_CONTACT " JOIN contact_fts s ON s.rowid = c.id "
#define SEARCH_MATCH_CONTACT " s.contact_fts MATCH ? "
#define SEARCH_JOIN_COMPANY " JOIN company_fts s ON s.rowid = c.id "
#define SEARCH_MATCH_COMPANY " s.company_fts MATCH ? "
#define SEARCH_ROWID " s.rowid "

#endif
