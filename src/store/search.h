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

/* Ranking (best match first, by the backend's relevance: bm25 in SQLite).
 * Ranking costs time per match, and a 1-3 letter prefix matches a large
 * part of a big table (ORDER BY rank on such prefixes: 0.4 s p99 at 1M
 * rows). So only a query with a word of SEARCH_RANK_MIN_CHARS or more
 * characters is ranked, and only over a bounded candidate set: its first
 * SEARCH_RANK_CANDIDATES matches in index order. A list shows the ranked
 * candidates first, then the matches after them in index order. */
enum {
	SEARCH_RANK_MIN_CHARS = 4,    /* characters of the longest word of a ranked query */
	SEARCH_RANK_CANDIDATES = 200, /* matches ranked per query: bounds the bm25 and row reads */
};

/* 1 when query is ranked (a word of SEARCH_RANK_MIN_CHARS characters or
 * more once folded, digits of a phone query included), else 0. Pure. */
int search_ranks(const char *query);

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
/* The ranked candidate set SEARCH_RANKED_<KIND>, aliased "s": two `?`,
 * search_match_expr's output and SEARCH_RANK_CANDIDATES; SEARCH_RANKED_ID
 * its record id, SEARCH_RANK the relevance to order by (ascending: best
 * first); SEARCH_CANDIDATES_<KIND> one row (count, largest id) of the
 * set, with the same two `?`. */
#define SEARCH_RANKED_CONTACT                                                                      \
	" (SELECT rowid AS sid, rank AS srank FROM contact_fts WHERE contact_fts MATCH ? "         \
	"ORDER BY rowid LIMIT ?) s "
#define SEARCH_RANKED_COMPANY                                                                       \
	" (SELECT rowid AS sid, rank AS srank FROM company_fts WHERE company_fts MATCH ? "         \
	"ORDER BY rowid LIMIT ?) s "
#define SEARCH_RANKED_ID " s.sid "
#define SEARCH_RANK " s.srank "
#define SEARCH_CANDIDATES_CONTACT                                                                  \
	"SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM (SELECT rowid FROM contact_fts "            \
	"WHERE contact_fts MATCH ? ORDER BY rowid LIMIT ?)"
#define SEARCH_CANDIDATES_COMPANY                                                                   \
	"SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM (SELECT rowid FROM company_fts "            \
	"WHERE company_fts MATCH ? ORDER BY rowid LIMIT ?)"

#endif
