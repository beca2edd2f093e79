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

/* Replace the search document of record id. Inside a transaction on SQLite the
 * write is deferred to just before commit (db_defer). */
int search_put(Db *db, const char *kind, int64_t id, const char *doc, Err *err) KITH_WARN_UNUSED;

/* Replace the documents of n records at once (a bulk load such as a
 * copy): docs[i] becomes the document of ids[i]. On PostgreSQL one
 * statement for them all; on SQLite search_put each (deferred as there).
 * ERR_INTERNAL when the batch does not fit KITH_MAX_BUF. */
int search_put_many(Db *db, const char *kind, const int64_t *ids, const char *const *docs,
		    size_t n, Err *err) KITH_WARN_UNUSED;

/* Remove record id from the index (no error when absent). */
int search_remove(Db *db, const char *kind, int64_t id, Err *err) KITH_WARN_UNUSED;

/* The search indexes, by kind, ended by NULL: what a copy of a whole
 * database (store/copy.h) rebuilds on its target. */
extern const char *const search_kinds[];

/* The table (or FTS5 virtual table, with its shadow tables named after it)
 * that holds kind's index on every backend: "contact_fts". A copy skips it
 * and its shadows, since the backends store it differently, and moves the
 * documents with search_docs and search_put. Static storage. */
const char *search_table(const char *kind);

/* How many documents kind's index holds, into *n. */
int search_count(Db *db, const char *kind, int64_t *n, Err *err) KITH_WARN_UNUSED;

/* Read at most limit documents of kind's index with record ids after
 * after, in id order, calling fn(arg, id, doc, err) for each (doc valid
 * during the call); a non-zero return from fn stops the read and is
 * returned. *n (may be NULL) gets how many were read. */
typedef int (*SearchDocEachFn)(void *arg, int64_t id, const char *doc, Err *err);
int search_docs(Db *db, const char *kind, int64_t after, int limit, SearchDocEachFn fn, void *arg,
		int *n, Err *err) KITH_WARN_UNUSED;

/* Turn a user's query into the backend's match expression in out: the query
 * is folded like documents, split into words (at most KITH_MAX_QUERY_TERMS),
 * and every word must match as a prefix. A query of only digits and phone
 * punctuation (" +-().") with three or more digits is one word of its
 * digits ("+48 601-234" -> 48601234). ERR_INVALID (field "q") when the
 * query has no searchable word. Pure: reads only its arguments. */
int search_match_expr(const char *query, Buf *out, Err *err) KITH_WARN_UNUSED;

/* Ranking (best match first). Ranking costs time per match, and a 1-3
 * letter prefix matches a large part of a big table (ORDER BY rank on such
 * prefixes: 0.4 s p99 at 1M rows). So only a query with a word of
 * SEARCH_RANK_MIN_CHARS or more characters is ranked, and only over a
 * bounded candidate set: the matches up to the bound, the largest id among
 * the first SEARCH_RANK_CANDIDATES matches in index order when the first
 * page was read. A list shows the ranked candidates first, then the
 * matches after the bound in index order.
 *
 * The rank (search_rank, lower is better) depends only on the document and
 * the query, never on table-wide statistics as bm25 does, so the ranked
 * part is paged by keyset on (rank, id) and the bound stays in the cursor:
 * a write elsewhere between two pages moves no row that stays unchanged,
 * and each one is listed exactly once. */
enum {
	/* characters of the longest word of a ranked query; the indexes keep
	 * prefixes up to this length (migration 015), so matching one does not
	 * merge the lists of every word that starts with it */
	SEARCH_RANK_MIN_CHARS = 4,
	SEARCH_RANK_CANDIDATES = 200, /* matches ranked per query: bounds the rank and row reads */
	/* Candidates read on a later page: those of the first page, which only
	 * deletions shrink, plus room for rows edited to match meanwhile. */
	SEARCH_RANK_WALK = 2 * SEARCH_RANK_CANDIDATES,
	SEARCH_RANK_SCAN = 4096, /* bytes of a document the rank reads for words */
};

/* 1 when query is ranked (a word of SEARCH_RANK_MIN_CHARS characters or
 * more once folded, digits of a phone query included), else 0. Pure. */
int search_ranks(const char *query);

/* The rank of document doc (as stored) for match expression match
 * (search_match_expr's output): lower is better. Fixed weights, in order:
 * query words found as whole words (2) or prefixes (1) in the first
 * SEARCH_RANK_SCAN bytes, more occurrences of them, earlier first
 * positions, a shorter document. Pure; also registered on SQLite as the
 * SQL function kith_search_rank(doc, match), for tests. */
int64_t search_rank(const char *doc, size_t len, const char *match);

/* Where a ranked walk is: the bound of its candidate set and, inside the
 * ranked part, the rank and id of the last row shown. */
typedef struct SearchWalk {
	int64_t bound; /* candidates are the matches with ids up to it */
	int64_t rank;  /* rank of the last row shown, INT64_MIN before the first */
	int64_t id;    /* id of the last row shown, 0 before the first */
} SearchWalk;

/* A candidate of a ranked walk. */
typedef struct SearchHit {
	int64_t rank; /* search_rank of its document */
	int64_t id;   /* its record id */
} SearchHit;

/* Start (w->bound == 0: the bound is the largest id of match's first
 * SEARCH_RANK_CANDIDATES matches) or check walk w (its candidates, the
 * matches up to its bound, still number at most SEARCH_RANK_WALK, else
 * ERR_INVALID "cursor": the matches changed too much since the first
 * page), reading the candidate set once with the rank of each, and fill
 * hits (room for SEARCH_RANK_WALK) with the candidates after (w->rank,
 * w->id), best first (rank, then id); *n gets how many. *all is 1 when the
 * candidates are every match (a first page that found fewer than
 * SEARCH_RANK_CANDIDATES): no match follows the bound. kind as above. */
int search_walk_read(Db *db, const char *kind, const char *match, SearchWalk *w, SearchHit *hits,
		     int *n, int *all, Err *err) KITH_WARN_UNUSED;

/* The ranked part of a list page, one candidate at a time: what contacts
 * and companies share. search_rows_open reads the candidates of walk w
 * with search_walk_read (r->all its *all). The caller then prepares its
 * statement st that reads one record by the id in parameter 1 with the
 * actor's visibility and the list's filters, binds the other parameters,
 * and calls search_rows_next until the page is full: it binds the next
 * candidate's id, steps st, and returns DB_ROW with st on the row and
 * *rank the candidate's rank, or moves on to the next candidate when st
 * gives none (a record the actor may not see or the filters leave out);
 * DB_DONE when none is left; or db_step's error. So a page reads the
 * records of the candidates up to its last row, in rank order, never the
 * whole set. st is prepared after search_rows_open (db_prepare may evict a
 * statement that is not being stepped). search_rows_close resets st (NULL:
 * none) and frees r; call it also after search_rows_open failed. */
typedef struct SearchRows {
	SearchHit *hits; /* the candidates after the walk's keyset, best first (owned) */
	int n_hits;	 /* how many */
	int at;		 /* the next one search_rows_next (or _bind) reads */
	int all;	 /* the candidates are every match: none follows the bound */
	int bound_at;	 /* search_rows_bind: the first candidate it bound */
	int n_bound;	 /* and how many */
} SearchRows;

int search_rows_open(Db *db, const char *kind, const char *match, SearchWalk *w, SearchRows *r,
		     Err *err) KITH_WARN_UNUSED;
int search_rows_next(SearchRows *r, DbStmt *st, int64_t *rank, Err *err);
void search_rows_close(SearchRows *r, DbStmt *st);

/* The same walk a batch of candidates at a time, so a page costs one
 * statement per batch instead of one per candidate (a round trip each on
 * PostgreSQL): st reads the records whose id is in parameter 1, bound
 * here with db_bind_ids ("WHERE c.id" DB_IN_IDS "AND ..."), in any order.
 * search_rows_bind resets st and binds the next candidates, at most want
 * of them; *n gets how many (0: none left). The caller steps st to its
 * end, and puts each row in rank order by search_rows_pos: the position
 * (0 first) of record id among the candidates just bound, with its rank
 * in *rank, or -1 when id is not one of them. A caller asks for as many
 * as its page still needs, so when every candidate is visible it reads
 * the same rows as search_rows_next would. */
void search_rows_bind(SearchRows *r, DbStmt *st, int want, int *n);

/* How many candidates a ranked page's next search_rows_bind should ask
 * for: what the page still needs (need), scaled by the share of the
 * candidates bound so far (bound) that the actor may see and the filters
 * keep (found): a member who sees a third of the matches binds three times
 * as many, so a page takes about two statements instead of one per
 * shrinking batch (a round trip each on PostgreSQL). Every candidate
 * (SEARCH_RANK_WALK) when none has been found yet. */
int search_rows_want(int need, int bound, int found);
int search_rows_pos(const SearchRows *r, int64_t id, int64_t *rank);

/* The cursor key of a walk ("<bound>:<rank>"; the id goes in the cursor's
 * id) into out; and back: ERR_INVALID "cursor" when key is not one we made. */
void search_walk_key(const SearchWalk *w, Buf *out);
int search_walk_parse(const char *key, int64_t id, SearchWalk *w, Err *err) KITH_WARN_UNUSED;

/* SQL fragments for a list query that the search index drives, as string
 * literals so a statement stays one literal (db_prepare caches by address);
 * each is a marker db_prepare replaces with its backend's SQL (db_sqlite.c,
 * db_pg.c): SEARCH_JOIN_<KIND> ties the index, aliased "s", to the record
 * alias "c"; SEARCH_MATCH_<KIND> is the condition with one `?`, bound with
 * search_bind_match; SEARCH_ROWID is the index's record id, for keyset
 * order. */
#define SEARCH_JOIN_CONTACT " /*kith:search-join-contact*/ "
#define SEARCH_MATCH_CONTACT " /*kith:search-match-contact*/ "
#define SEARCH_JOIN_COMPANY " /*kith:search-join-company*/ "
#define SEARCH_MATCH_COMPANY " /*kith:search-match-company*/ "
#define SEARCH_ROWID " /*kith:search-rowid*/ "

/* Bind match (search_match_expr's output) as parameter i of a statement
 * with SEARCH_MATCH_<KIND>: as it is on SQLite, as a tsquery on
 * PostgreSQL (search_pg_query). */
void search_bind_match(DbStmt *st, int i, const char *match);

/* ---- checking the index against the records (kith db check) ---- */

/* Build the search document record id would get now, with the very
 * function its writes use, into doc: KITH_OK; ERR_NOT_FOUND when the
 * record has no document (gone, or not indexed, such as a contact in the
 * trash); another error when it cannot be built. */
typedef int (*SearchDocFn)(Db *db, int64_t id, Buf *doc, Err *err);

/* Where a check's findings and progress go. */
typedef struct SearchCheck {
	DbCheckFn report; /* each finding (never NULL) */
	/* records checked so far of total, at times (NULL: none) */
	void (*progress)(void *arg, long done, long total);
	void *arg; /* both functions' first argument */
	/* To repair (kith db check --repair-search), or NULL to only report:
	 * the ids whose document is missing or wrong, to rebuild, and the ids
	 * with a document they should not have, to remove (int64_t values). */
	Buf *fix, *drop;
} SearchCheck;

/* Check kind's index against its records and report to chk, in the
 * caller's read transaction: every record that should have a document has
 * exactly one and it equals what doc_fn builds now (on PostgreSQL its
 * terms too equal what search_put would store for it); no document
 * belongs to a record without one. ids_sql is the noun's literal
 * statement answering the ids of the records that should have a
 * document, after ?1, in id order, at most ?2 of them; count_sql its
 * count (one row, one integer, no parameter). Findings are not errors:
 * KITH_OK once checked, else the error that stopped it (doc_fn's too).
 * At most KITH_CHECK_MAX_FINDINGS findings are reported; without chk->fix
 * the walk stops there, with it every id to repair is collected. */
int search_check(Db *db, const char *kind, const char *ids_sql, const char *count_sql,
		 SearchDocFn doc_fn, const SearchCheck *chk, Err *err) KITH_WARN_UNUSED;

/* SQLite: FTS5's own integrity check of kind's index (its inverted index
 * against its stored documents), reported to chk; with chk->fix set, a
 * broken index is rebuilt from its documents (FTS5's 'rebuild') and
 * *repaired (may be NULL) set to 1. It takes a write lock for a moment, so
 * call it outside a read transaction. PostgreSQL: nothing to check (the
 * index is a table with a GIN index the server keeps). */
int search_check_index(Db *db, const char *kind, const SearchCheck *chk, int *repaired,
		       Err *err) KITH_WARN_UNUSED;

#endif
