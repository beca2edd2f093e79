/* search.c - SQLite FTS5 implementation of search.h. */
#include "store/search.h"

#include <string.h>

#include "base/limits.h"
#include "base/text.h"

static const char put_contact[] = "INSERT OR REPLACE INTO contact_fts (rowid, doc) VALUES (?, ?)";
static const char put_company[] = "INSERT OR REPLACE INTO company_fts (rowid, doc) VALUES (?, ?)";
static const char del_contact[] = "DELETE FROM contact_fts WHERE rowid = ?";
static const char del_company[] = "DELETE FROM company_fts WHERE rowid = ?";

static int is_contact(const char *kind)
{
	return strcmp(kind, "contact") == 0;
}

int search_put(Db *db, const char *kind, int64_t id, const char *doc, Err *err)
{
	return db_defer(db, is_contact(kind) ? put_contact : put_company, id, doc, err);
}

int search_remove(Db *db, const char *kind, int64_t id, Err *err)
{
	return db_defer(db, is_contact(kind) ? del_contact : del_company, id, NULL, err);
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
