/* search.c - search.h on both backends: SQLite's FTS5 index, or on
 * PostgreSQL a table of the same name whose tsvector holds terms made in C
 * (search_pg.h). The match expression stays FTS5's form everywhere
 * (search_rank reads it); PostgreSQL gets its tsquery at bind time. */
#include "store/search.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/text.h"
#include "store/db_backend.h"
#include "store/search_pg.h"

/* census: sqlite */
static const char put_contact[] = "INSERT OR REPLACE INTO contact_fts (rowid, doc) VALUES (?, ?)";
/* census: sqlite */
static const char put_company[] = "INSERT OR REPLACE INTO company_fts (rowid, doc) VALUES (?, ?)";
/* census: sqlite */
static const char del_contact[] = "DELETE FROM contact_fts WHERE rowid = ?";
/* census: sqlite */
static const char del_company[] = "DELETE FROM company_fts WHERE rowid = ?";
/* census: postgres */
static const char pg_put_contact[] =
    "INSERT INTO contact_fts (id, doc, terms) VALUES (?, ?, CAST(? AS tsvector)) "
    "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, terms = excluded.terms";
/* census: postgres */
static const char pg_put_company[] =
    "INSERT INTO company_fts (id, doc, terms) VALUES (?, ?, CAST(? AS tsvector)) "
    "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, terms = excluded.terms";
/* census: postgres */
static const char pg_del_contact[] = "DELETE FROM contact_fts WHERE id = ?";
/* census: postgres */
static const char pg_del_company[] = "DELETE FROM company_fts WHERE id = ?";

static int is_contact(const char *kind)
{
	return strcmp(kind, "contact") == 0;
}

static int on_pg(const Db *db)
{
	return db->be == &db_pg;
}

/* PostgreSQL: the row at once, with its terms (a batch at commit saves
 * nothing there: no segments to flush). */
static int pg_put(Db *db, const char *kind, int64_t id, const char *doc, Err *err)
{
	DbStmt *st;
	Buf terms;
	buf_init(&terms, 0);
	search_pg_terms(doc, &terms);
	int rc = buf_failed(&terms) ? err_set(err, ERR_INTERNAL, NULL, "out of memory")
				    : db_prepare(db, &st, is_contact(kind) ? pg_put_contact
									    : pg_put_company,
						 err);
	if (rc == KITH_OK) {
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, doc);
		db_bind_text(st, 3, buf_str(&terms));
		rc = db_exec_stmt(st, err);
	}
	buf_free(&terms);
	return rc;
}

int search_put(Db *db, const char *kind, int64_t id, const char *doc, Err *err)
{
	if (on_pg(db))
		return pg_put(db, kind, id, doc, err);
	return db_defer(db, is_contact(kind) ? put_contact : put_company, id, doc, err);
}

/* Many documents in one statement: three arrays (ids, documents, terms)
 * unnested into rows. */
/* census: postgres */
static const char pg_put_contacts[] =
    "INSERT INTO contact_fts (id, doc, terms) SELECT * FROM unnest(CAST(? AS BIGINT[]), "
    "CAST(? AS TEXT[]), CAST(? AS TSVECTOR[])) "
    "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, terms = excluded.terms";
/* census: postgres */
static const char pg_put_companies[] =
    "INSERT INTO company_fts (id, doc, terms) SELECT * FROM unnest(CAST(? AS BIGINT[]), "
    "CAST(? AS TEXT[]), CAST(? AS TSVECTOR[])) "
    "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, terms = excluded.terms";

/* s as an element of a PostgreSQL array literal: double-quoted, with
 * '"' and '\\' escaped. */
static void array_elem(Buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

int search_put_many(Db *db, const char *kind, const int64_t *ids, const char *const *docs,
		    size_t n, Err *err)
{
	int rc = KITH_OK;
	if (!on_pg(db)) {
		for (size_t i = 0; i < n && rc == KITH_OK; i++)
			rc = search_put(db, kind, ids[i], docs[i], err);
		return rc;
	}
	if (n == 0)
		return KITH_OK;
	Buf a_ids, a_docs, a_terms, terms;
	DbStmt *st;
	buf_init(&a_ids, 0);
	buf_init(&a_docs, 0);
	buf_init(&a_terms, 0);
	buf_init(&terms, 0);
	for (size_t i = 0; i < n; i++) {
		const char *sep = i ? "," : "{";
		buf_addf(&a_ids, "%s%lld", sep, (long long)ids[i]);
		buf_adds(&a_docs, sep);
		array_elem(&a_docs, docs[i]);
		buf_adds(&a_terms, sep);
		buf_reset(&terms);
		search_pg_terms(docs[i], &terms);
		if (buf_failed(&terms)) {
			a_terms.failed = 1;
			break;
		}
		array_elem(&a_terms, buf_str(&terms));
	}
	buf_addc(&a_ids, '}');
	buf_addc(&a_docs, '}');
	buf_addc(&a_terms, '}');
	if (buf_failed(&a_ids) || buf_failed(&a_docs) || buf_failed(&a_terms))
		rc = err_set(err, ERR_INTERNAL, NULL, "too many search documents at once");
	if (rc == KITH_OK &&
	    (rc = db_prepare(db, &st, is_contact(kind) ? pg_put_contacts : pg_put_companies,
			     err)) == KITH_OK) {
		db_bind_text(st, 1, buf_str(&a_ids));
		db_bind_text(st, 2, buf_str(&a_docs));
		db_bind_text(st, 3, buf_str(&a_terms));
		rc = db_exec_stmt(st, err);
	}
	buf_free(&a_ids);
	buf_free(&a_docs);
	buf_free(&a_terms);
	buf_free(&terms);
	return rc;
}

int search_remove(Db *db, const char *kind, int64_t id, Err *err)
{
	if (on_pg(db)) { /* at once, as pg_put: in the order of the writes */
		DbStmt *st;
		int rc =
		    db_prepare(db, &st, is_contact(kind) ? pg_del_contact : pg_del_company, err);
		if (rc)
			return rc;
		db_bind_int(st, 1, id);
		return db_exec_stmt(st, err);
	}
	return db_defer(db, is_contact(kind) ? del_contact : del_company, id, NULL, err);
}

const char *const search_kinds[] = {"contact", "company", NULL};

const char *search_table(const char *kind)
{
	return is_contact(kind) ? "contact_fts" : "company_fts";
}

/* Every document of an index in id order, a page at a time: one literal
 * for both backends (SEARCH_ROWID is FTS5's rowid or the table's id). */
static const char docs_contact[] = "SELECT" SEARCH_ROWID ", s.doc FROM contact_fts s WHERE"
				   SEARCH_ROWID "> ? ORDER BY" SEARCH_ROWID "LIMIT ?";
static const char docs_company[] = "SELECT" SEARCH_ROWID ", s.doc FROM company_fts s WHERE"
				   SEARCH_ROWID "> ? ORDER BY" SEARCH_ROWID "LIMIT ?";

int search_count(Db *db, const char *kind, int64_t *n, Err *err)
{
	int64_t unused = 0;
	return db_query_int2(db,
			     is_contact(kind) ? "SELECT COUNT(*), 0 FROM contact_fts"
					      : "SELECT COUNT(*), 0 FROM company_fts",
			     n, &unused, err);
}

int search_docs(Db *db, const char *kind, int64_t after, int limit, SearchDocEachFn fn, void *arg,
		int *n, Err *err)
{
	DbStmt *st;
	int rc = db_prepare(db, &st, is_contact(kind) ? docs_contact : docs_company, err), got = 0;
	if (n)
		*n = 0;
	if (rc)
		return rc;
	db_bind_int(st, 1, after);
	db_bind_int(st, 2, limit);
	while ((rc = db_step(st, err)) == DB_ROW) {
		got++;
		if ((rc = fn(arg, db_col_int(st, 0), db_col_text(st, 1), err)))
			break;
	}
	db_reset(st);
	if (n)
		*n = got;
	return rc == DB_DONE ? KITH_OK : rc;
}

void search_bind_match(DbStmt *st, int i, const char *match)
{
	if (!on_pg(st->db)) {
		db_bind_text(st, i, match);
		return;
	}
	Buf q;
	buf_init(&q, 0);
	search_pg_query(match, &q);
	/* out of memory: an empty query, which the server refuses */
	db_bind_text(st, i, buf_failed(&q) ? "" : buf_str(&q));
	buf_free(&q);
}

/* Token characters for our purposes: anything but ASCII space/punctuation,
 * matching what unicode61 splits on for the scripts we fold to. */
static int is_sep(unsigned char c)
{
	return c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
}

/* Bytes of the word [w, end) to search for: Thai words are cut to
 * KITH_THAI_SUFFIX code points, as their indexed suffixes are. */
static size_t thai_word_len(const char *w, const char *end)
{
	const char *p = w;
	unsigned n = 0, thai = 0;
	while (p < end && n < KITH_THAI_SUFFIX) {
		thai |= (unsigned)text_is_thai(utf8_next(&p));
		n++;
	}
	return thai ? (size_t)(p - w) : (size_t)(end - w);
}

/* A query made only of digits and phone punctuation, with at least three
 * digits, is one number: its digits without the punctuation, so "+66
 * 81-234" finds 66812345678 and "234 567" the digits inside +48 601 234 567
 * (phone.h indexes their suffixes). Appends to out and returns 1 then. */
static int phone_query(const char *q, Buf *out)
{
	int digits = 0;
	for (const char *p = q; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-().", *p))
			return 0;
	}
	if (digits < 3)
		return 0;
	for (const char *p = q; *p; p++)
		if (*p >= '0' && *p <= '9')
			buf_addc(out, *p);
	return 1;
}

int search_match_expr(const char *query, Buf *out, Err *err)
{
	Buf folded;
	unsigned terms = 0;
	if (query && !utf8_valid(query, strlen(query)))
		return err_set(err, ERR_INVALID, "q", "is not valid UTF-8");
	buf_init(&folded, KITH_MAX_SHORT * 4);
	if (!query || !phone_query(query, &folded))
		text_fold(&folded, query ? query : "");
	const char *p = buf_str(&folded);
	while (*p && terms < KITH_MAX_QUERY_TERMS) {
		while (*p && is_sep((unsigned char)*p))
			p++;
		const char *start = p;
		while (*p && !is_sep((unsigned char)*p))
			p++;
		if (p == start)
			break;
		/* Each word quoted (no FTS5 operators can be injected; folded
		 * words never hold '"') and matched as a prefix. */
		buf_adds(out, terms++ ? " \"" : "\"");
		buf_add(out, start, thai_word_len(start, p));
		buf_adds(out, "\"*");
	}
	int failed = buf_failed(&folded) || buf_failed(out);
	buf_free(&folded);
	if (failed)
		return err_set(err, ERR_INVALID, "q", "search query is too long");
	if (terms == 0)
		return err_set(err, ERR_INVALID, "q", "search query has no letters or digits");
	return KITH_OK;
}

int search_ranks(const char *query)
{
	Buf folded;
	int ranked = 0;
	if (!query || !utf8_valid(query, strlen(query)))
		return 0;
	buf_init(&folded, KITH_MAX_SHORT * 4);
	if (!phone_query(query, &folded))
		text_fold(&folded, query);
	const char *p = buf_str(&folded);
	while (*p && !ranked) {
		while (*p && is_sep((unsigned char)*p))
			p++;
		size_t chars = 0;
		while (*p && !is_sep((unsigned char)*p)) {
			utf8_next(&p);
			chars++;
		}
		ranked = chars >= SEARCH_RANK_MIN_CHARS;
	}
	buf_free(&folded);
	return ranked;
}

/* search_rank: the words of match are its quoted strings ("w"* each). */
typedef struct RankWord {
	const char *w; /* the word, inside match */
	size_t n;      /* its bytes */
	int found;     /* 2 as a whole word, 1 as a prefix, 0 not seen */
	int first;     /* token position of its first match */
	int count;     /* its matches */
} RankWord;

static unsigned rank_words(const char *match, RankWord *words)
{
	unsigned n = 0;
	const char *p = match;
	while (n < KITH_MAX_QUERY_TERMS && (p = strchr(p, '"'))) {
		const char *end = strchr(++p, '"');
		if (!end)
			break;
		words[n++] = (RankWord){.w = p, .n = (size_t)(end - p)};
		p = end + 1;
	}
	return n;
}

static int64_t clamp(int64_t v, int64_t max)
{
	return v < max ? v : max;
}

int64_t search_rank(const char *doc, size_t len, const char *match)
{
	RankWord words[KITH_MAX_QUERY_TERMS];
	unsigned n = rank_words(match ? match : "", words);
	const char *p = doc, *end = doc + (len < SEARCH_RANK_SCAN ? len : SEARCH_RANK_SCAN);
	int pos = 0;
	while (p < end) {
		while (p < end && is_sep((unsigned char)*p))
			p++;
		const char *t = p;
		while (p < end && !is_sep((unsigned char)*p))
			p++;
		if (p == t)
			break;
		size_t tn = (size_t)(p - t);
		for (unsigned i = 0; i < n; i++) {
			RankWord *w = &words[i];
			if (w->n > tn || memcmp(t, w->w, w->n) != 0)
				continue;
			int kind = w->n == tn ? 2 : 1;
			if (!w->found)
				w->first = pos;
			w->found = kind > w->found ? kind : w->found;
			w->count++;
		}
		pos++;
	}
	int64_t found = 0, count = 0, first = 0;
	for (unsigned i = 0; i < n; i++) {
		found += words[i].found;
		count += words[i].count;
		first += words[i].found ? words[i].first : 1023;
	}
	/* found (at most 16) above count above position above length, each in
	 * its own bits: lower is better. */
	return -(found << 48) - (clamp(count, 255) << 36) + (clamp(first, 4095) << 24) +
	       clamp((int64_t)len, (1 << 24) - 1);
}

/* The candidates with their documents, in id order (ranked in C). */
/* census: sqlite */
static const char read_contact[] = "SELECT rowid, doc FROM contact_fts WHERE contact_fts MATCH ? "
				   "AND rowid <= ? ORDER BY rowid LIMIT ?";
/* census: sqlite */
static const char read_company[] = "SELECT rowid, doc FROM company_fts WHERE company_fts MATCH ? "
				   "AND rowid <= ? ORDER BY rowid LIMIT ?";
/* census: postgres */
static const char pg_read_contact[] = "SELECT id, doc FROM contact_fts "
				      "WHERE terms @@ CAST(? AS tsquery) AND id <= ? "
				      "ORDER BY id LIMIT ?";
/* census: postgres */
static const char pg_read_company[] = "SELECT id, doc FROM company_fts "
				      "WHERE terms @@ CAST(? AS tsquery) AND id <= ? "
				      "ORDER BY id LIMIT ?";

/* (rank, id) ascending: the order of a ranked walk. */
static int hit_cmp(const void *a, const void *b)
{
	const SearchHit *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Read the candidates of w (bound 0: the first SEARCH_RANK_CANDIDATES
 * matches) into hits in id order; *n gets how many, SEARCH_RANK_WALK + 1
 * when a later page's bound holds more than hits has room for (the extra
 * one not stored). */
static int walk_read_rows(Db *db, const char *kind, const char *match, const SearchWalk *w,
			  SearchHit *hits, int *n, Err *err)
{
	DbStmt *st;
	int first = w->bound == 0;
	const char *sql = on_pg(db) ? (is_contact(kind) ? pg_read_contact : pg_read_company)
				    : (is_contact(kind) ? read_contact : read_company);
	int rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	search_bind_match(st, 1, match);
	db_bind_int(st, 2, first ? INT64_MAX : w->bound);
	db_bind_int(st, 3, first ? SEARCH_RANK_CANDIDATES : SEARCH_RANK_WALK + 1);
	*n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (*n < SEARCH_RANK_WALK) {
			const char *doc = db_col_text(st, 1);
			hits[*n] = (SearchHit){.id = db_col_int(st, 0),
					       .rank = doc ? search_rank(doc, strlen(doc), match)
							   : INT64_MAX};
		}
		(*n)++;
	}
	db_reset(st);
	return rc == DB_DONE ? KITH_OK : rc;
}

int search_walk_read(Db *db, const char *kind, const char *match, SearchWalk *w, SearchHit *hits,
		     int *n, int *all, Err *err)
{
	int got = 0, first = w->bound == 0, kept = 0;
	*n = 0;
	*all = 0;
	int rc = walk_read_rows(db, kind, match, w, hits, &got, err);
	if (rc)
		return rc;
	if (first) {
		/* in id order: the last is the largest */
		*w = (SearchWalk){.bound = got ? hits[got - 1].id : 0, .rank = INT64_MIN, .id = 0};
		*all = got < SEARCH_RANK_CANDIDATES;
	} else if (got > SEARCH_RANK_WALK) {
		return err_set(err, ERR_INVALID, "cursor",
			       "the matches changed too much since the first page; start from "
			       "the first page");
	}
	/* keep those after the keyset (rank, id) > (w->rank, w->id) */
	const SearchHit after = {.rank = w->rank, .id = w->id};
	for (int i = 0; i < got; i++)
		if (hit_cmp(&hits[i], &after) > 0)
			hits[kept++] = hits[i];
	qsort(hits, (size_t)kept, sizeof *hits, hit_cmp);
	*n = kept;
	return KITH_OK;
}

int search_rows_open(Db *db, const char *kind, const char *match, SearchWalk *w, SearchRows *r,
		     Err *err)
{
	*r = (SearchRows){.hits = malloc(SEARCH_RANK_WALK * sizeof *r->hits)};
	if (!r->hits)
		return err_set(err, ERR_INTERNAL, NULL, "out of memory");
	return search_walk_read(db, kind, match, w, r->hits, &r->n_hits, &r->all, err);
}

int search_rows_next(SearchRows *r, DbStmt *st, int64_t *rank, Err *err)
{
	while (r->at < r->n_hits) {
		const SearchHit *h = &r->hits[r->at++];
		db_reset(st);
		db_bind_int(st, 1, h->id);
		int rc = db_step(st, err);
		if (rc == DB_ROW)
			*rank = h->rank;
		if (rc != DB_DONE)
			return rc;
	}
	db_reset(st);
	return DB_DONE;
}

int search_rows_want(int need, int bound, int found)
{
	if (bound == 0)
		return need;
	if (found == 0)
		return SEARCH_RANK_WALK;
	int64_t want = (int64_t)need * bound / found + 1;
	return want < need ? need : want > SEARCH_RANK_WALK ? SEARCH_RANK_WALK : (int)want;
}

void search_rows_bind(SearchRows *r, DbStmt *st, int want, int *n)
{
	int64_t ids[SEARCH_RANK_WALK];
	int k = 0;
	r->bound_at = r->at;
	while (k < want && r->at < r->n_hits && k < SEARCH_RANK_WALK)
		ids[k++] = r->hits[r->at++].id;
	r->n_bound = k;
	*n = k;
	db_reset(st);
	db_bind_ids(st, 1, ids, (size_t)k);
}

int search_rows_pos(const SearchRows *r, int64_t id, int64_t *rank)
{
	for (int k = 0; k < r->n_bound; k++) {
		const SearchHit *h = &r->hits[r->bound_at + k];
		if (h->id == id) {
			*rank = h->rank;
			return k;
		}
	}
	return -1;
}

void search_rows_close(SearchRows *r, DbStmt *st)
{
	if (st)
		db_reset(st);
	free(r->hits);
	*r = (SearchRows){0};
}

void search_walk_key(const SearchWalk *w, Buf *out)
{
	buf_addf(out, "%lld:%lld", (long long)w->bound, (long long)w->rank);
}

int search_walk_parse(const char *key, int64_t id, SearchWalk *w, Err *err)
{
	long long bound, rank;
	int used = 0;
	if (sscanf(key, "%lld:%lld%n", &bound, &rank, &used) != 2 || key[used] || bound < 1 ||
	    id < 1 || id > bound)
		return err_set(err, ERR_INVALID, "cursor", "is not one we made");
	*w = (SearchWalk){.bound = bound, .rank = rank, .id = id};
	return KITH_OK;
}

/* ---- search_check ---- */

/* census: sqlite */
static const char ids_contact[] =
    "SELECT rowid FROM contact_fts WHERE rowid > ? ORDER BY rowid LIMIT ?";
/* census: sqlite */
static const char ids_company[] =
    "SELECT rowid FROM company_fts WHERE rowid > ? ORDER BY rowid LIMIT ?";
/* census: postgres */
static const char pg_ids_contact[] = "SELECT id FROM contact_fts WHERE id > ? ORDER BY id LIMIT ?";
/* census: postgres */
static const char pg_ids_company[] = "SELECT id FROM company_fts WHERE id > ? ORDER BY id LIMIT ?";
/* census: sqlite */
static const char doc_contact[] = "SELECT doc, 1 FROM contact_fts WHERE rowid = ?";
/* census: sqlite */
static const char doc_company[] = "SELECT doc, 1 FROM company_fts WHERE rowid = ?";
/* The stored document, and whether the stored terms equal ?1's (the
 * terms of the document the record would get now). */
/* census: postgres */
static const char pg_doc_contact[] =
    "SELECT doc, terms = CAST(?1 AS tsvector) FROM contact_fts WHERE id = ?2";
/* census: postgres */
static const char pg_doc_company[] =
    "SELECT doc, terms = CAST(?1 AS tsvector) FROM company_fts WHERE id = ?2";
/* census: sqlite */
static const char fts_check_contact[] =
    "INSERT INTO contact_fts (contact_fts) VALUES ('integrity-check')";
/* census: sqlite */
static const char fts_check_company[] =
    "INSERT INTO company_fts (company_fts) VALUES ('integrity-check')";

/* census: sqlite */
static const char fts_rebuild_contact[] =
    "INSERT INTO contact_fts (contact_fts) VALUES ('rebuild')";
/* census: sqlite */
static const char fts_rebuild_company[] =
    "INSERT INTO company_fts (company_fts) VALUES ('rebuild')";

enum { CHECK_PAGE = 512 }; /* ids read per statement while walking */

/* One side of the walk: ids in order, a page at a time. */
typedef struct IdPage {
	const char *sql; /* ids after ?1, at most ?2 */
	int64_t ids[CHECK_PAGE];
	int n, at, done; /* ids held, the next one, no more pages */
} IdPage;

/* The next id of p (INT64_MAX when none is left), reading a page when
 * needed. */
static int page_peek(Db *db, IdPage *p, int64_t *id, Err *err)
{
	if (p->at == p->n && !p->done) {
		DbStmt *st;
		int64_t after = p->n ? p->ids[p->n - 1] : 0;
		int rc = db_prepare(db, &st, p->sql, err);
		if (rc)
			return rc;
		db_bind_int(st, 1, after);
		db_bind_int(st, 2, CHECK_PAGE);
		p->n = p->at = 0;
		while ((rc = db_step(st, err)) == DB_ROW)
			p->ids[p->n++] = db_col_int(st, 0);
		db_reset(st);
		if (rc != DB_DONE)
			return rc;
		p->done = p->n < CHECK_PAGE;
	}
	*id = p->at < p->n ? p->ids[p->at] : INT64_MAX;
	return KITH_OK;
}

typedef struct Checker {
	Db *db;
	const char *kind, *table; /* "contact", "contact_fts" */
	const SearchCheck *chk;
	int found;	/* findings reported */
	Buf doc, terms; /* the document the record gets now, its terms */
} Checker;

/* Report a finding about id (the first KITH_CHECK_MAX_FINDINGS), and
 * note id in list (chk->fix or chk->drop) when repairing. */
static void finding(Checker *c, Buf *list, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void finding(Checker *c, Buf *list, int64_t id, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	if (list)
		buf_add(list, &id, sizeof id);
	if (c->found++ >= (int)KITH_CHECK_MAX_FINDINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->chk->report(c->chk->arg, &(DbFinding){"search", c->table, id, msg});
}

/* Record id has a document: compare it with what doc_fn builds now. */
static int check_doc(Checker *c, int64_t id, SearchDocFn doc_fn, Err *err)
{
	DbStmt *st;
	int pg = on_pg(c->db), contact = is_contact(c->kind);
	c->doc.len = c->terms.len = 0;
	int rc = doc_fn(c->db, id, &c->doc, err);
	if (rc == ERR_NOT_FOUND) { /* gone meanwhile, or never indexed */
		err_clear(err);
		finding(c, c->chk->drop, id,
			"a search document is stored for %s %lld, which has none", c->kind,
			(long long)id);
		return KITH_OK;
	}
	if (rc == KITH_OK && pg)
		search_pg_terms(buf_str(&c->doc), &c->terms);
	if (rc == KITH_OK && (buf_failed(&c->doc) || buf_failed(&c->terms)))
		rc = err_set(err, ERR_INTERNAL, NULL, "out of memory");
	if (rc == KITH_OK)
		rc = db_prepare(c->db, &st,
				pg ? (contact ? pg_doc_contact : pg_doc_company)
				   : (contact ? doc_contact : doc_company),
				err);
	if (rc)
		return rc;
	if (pg) {
		db_bind_text(st, 1, buf_str(&c->terms));
		db_bind_int(st, 2, id);
	} else {
		db_bind_int(st, 1, id);
	}
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		const char *stored = db_col_text(st, 0);
		if (!stored || strcmp(stored, buf_str(&c->doc)) != 0)
			finding(c, c->chk->fix, id,
				"the search document of %s %lld differs from the record", c->kind,
				(long long)id);
		else if (!db_col_int(st, 1))
			finding(c, c->chk->fix, id,
				"the search terms of %s %lld differ from its document", c->kind,
				(long long)id);
	} else if (rc == DB_DONE) { /* deleted between the id walk and now */
		finding(c, c->chk->fix, id, "%s %lld has no search document", c->kind,
			(long long)id);
	}
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? KITH_OK : rc;
}

int search_check(Db *db, const char *kind, const char *ids_sql, const char *count_sql,
		 SearchDocFn doc_fn, const SearchCheck *chk, Err *err)
{
	int pg = on_pg(db), contact = is_contact(kind);
	IdPage *rec = calloc(1, sizeof *rec), *idx = calloc(1, sizeof *idx);
	Checker c = {db, kind, contact ? "contact_fts" : "company_fts", chk, 0, {0}, {0}};
	int64_t total = 0, ignored, a, b;
	long done = 0;
	int rc = rec && idx ? KITH_OK : err_set(err, ERR_INTERNAL, NULL, "out of memory");
	buf_init(&c.doc, 0);
	buf_init(&c.terms, 0);
	if (rc == KITH_OK) {
		rec->sql = ids_sql;
		idx->sql = pg ? (contact ? pg_ids_contact : pg_ids_company)
			      : (contact ? ids_contact : ids_company);
		rc = db_query_int2(db, count_sql, &total, &ignored, err);
	}
	/* a merge of the two id lists, both in id order */
	while (rc == KITH_OK && (chk->fix || c.found < (int)KITH_CHECK_MAX_FINDINGS) &&
	       (rc = page_peek(db, rec, &a, err)) == KITH_OK &&
	       (rc = page_peek(db, idx, &b, err)) == KITH_OK &&
	       (a != INT64_MAX || b != INT64_MAX)) {
		if (a < b) {
			finding(&c, chk->fix, a, "%s %lld has no search document", kind,
				(long long)a);
			rec->at++;
		} else if (a > b) {
			finding(&c, chk->drop, b,
				"a search document is stored for %s %lld, which has none", kind,
				(long long)b);
			idx->at++;
		} else {
			rc = check_doc(&c, a, doc_fn, err);
			rec->at++;
			idx->at++;
		}
		if (a <= b && chk->progress && ++done % 256 == 0)
			chk->progress(chk->arg, done, (long)total);
	}
	if (rc == KITH_OK && chk->progress)
		chk->progress(chk->arg, (long)total, (long)total);
	if (rc == KITH_OK &&
	    ((chk->fix && buf_failed(chk->fix)) || (chk->drop && buf_failed(chk->drop))))
		rc =
		    err_set(err, ERR_INTERNAL, NULL, "too many search documents to repair at once");
	buf_free(&c.doc);
	buf_free(&c.terms);
	free(rec);
	free(idx);
	return rc;
}

int search_check_index(Db *db, const char *kind, const SearchCheck *chk, int *repaired, Err *err)
{
	DbStmt *st;
	int contact = is_contact(kind);
	if (repaired)
		*repaired = 0;
	if (on_pg(db))
		return KITH_OK;
	int rc = db_prepare(db, &st, contact ? fts_check_contact : fts_check_company, err);
	if (rc)
		return rc;
	/* 'integrity-check' is an INSERT: SQLite refuses it on a database it
	 * may not write before FTS5 looks, so a refusal is not a broken index.
	 * Only SQLITE_CORRUPT_VTAB says the index is not its documents'. */
	if (sqlite3_db_readonly(db->h, "main") == 1)
		return err_set(err, ERR_STORAGE, "db",
			       "%s is read-only: the check of its search index (FTS5's "
			       "integrity-check) needs write access; check a writable copy",
			       sqlite3_db_filename(db->h, "main"));
	rc = db_exec_stmt(st, err);
	if (rc != ERR_STORAGE || sqlite3_extended_errcode(db->h) != SQLITE_CORRUPT_VTAB)
		return rc;
	char msg[sizeof err->msg + 64];
	snprintf(msg, sizeof msg, "the full-text index does not match its documents (%s)",
		 err->msg);
	chk->report(chk->arg,
		    &(DbFinding){"search", contact ? "contact_fts" : "company_fts", 0, msg});
	err_clear(err);
	if (!chk->fix)
		return KITH_OK;
	if ((rc = db_prepare(db, &st, contact ? fts_rebuild_contact : fts_rebuild_company, err)))
		return rc;
	rc = db_exec_stmt(st, err);
	if (rc == KITH_OK && repaired)
		*repaired = 1;
	return rc;
}
