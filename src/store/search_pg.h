/* search_pg.h - full-text search terms for PostgreSQL, made in C so both
 * backends find the same records (issue 8: PostgreSQL's own parsers and
 * locales split and fold differently).
 *
 * SQLite's FTS5 index (unicode61 tokenizer, categories 'L* N* Co M*',
 * prefix indexes of 1 to 4 characters) is mirrored by a tsvector per
 * record: each token of the search document, plus for each token its
 * prefixes of 1 to SEARCH_PG_PREFIX characters as lexemes "p:<prefix>"
 * (a token has no ':', so they cannot meet a token). A query word of up
 * to SEARCH_PG_PREFIX characters is then one lexeme looked up in the GIN
 * index, as a prefix index answers FTS5; a longer word is a prefix match
 * on the tokens ('word':*), which few tokens share.
 *
 * Depends on base/ and ICU's character properties (uchar.h). Pure. */
#ifndef KITH_STORE_SEARCH_PG_H
#define KITH_STORE_SEARCH_PG_H

#include <stddef.h>

#include "base/buf.h"

/* SEARCH_PG_TOKEN_MAX: the longest token in bytes (PostgreSQL's lexemes
 * end at 2047 bytes); a longer one is cut to its first characters. */
enum { SEARCH_PG_PREFIX = 4, SEARCH_PG_TOKEN_MAX = 2000 };

/* Call fn for each token of doc (a search document, text_search_doc's
 * output), in order: the runs of letters, numbers, marks and private-use
 * characters (FTS5's categories 'L* N* Co M*'), case-folded (simple folding, as FTS5). tok is not
 * terminated; it is valid during the call. */
void search_pg_tokens(const char *doc, void (*fn)(void *arg, const char *tok, size_t len),
		      void *arg);

/* Append doc's terms to out as a tsvector literal (tokens and their
 * prefixes, each quoted; no positions). */
void search_pg_terms(const char *doc, Buf *out);

/* Append the tsquery literal of match (search_match_expr's output: quoted
 * words, each a prefix, all required) to out. */
void search_pg_query(const char *match, Buf *out);

#endif
