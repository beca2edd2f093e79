/* search_pg.c - search_pg.h: tokens as FTS5's unicode61 makes them, and
 * the tsvector and tsquery literals PostgreSQL indexes and matches. */
#include "store/search_pg.h"

#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#include "base/text.h"

/* FTS5's token characters with categories 'L* N* Co M*'. */
static int token_char(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= '0' && cp <= '9');
	switch (u_charType((UChar32)cp)) {
	case U_UPPERCASE_LETTER:
	case U_LOWERCASE_LETTER:
	case U_TITLECASE_LETTER:
	case U_MODIFIER_LETTER:
	case U_OTHER_LETTER:
	case U_DECIMAL_DIGIT_NUMBER:
	case U_LETTER_NUMBER:
	case U_OTHER_NUMBER:
	case U_PRIVATE_USE_CHAR:
	case U_NON_SPACING_MARK:
	case U_ENCLOSING_MARK:
	case U_COMBINING_SPACING_MARK:
		return 1;
	default:
		return 0;
	}
}

/* A Latin letter with diacritics is its base letter (FTS5's
 * remove_diacritics 2, which leaves other scripts' marks alone: Greek
 * accents and Thai vowels stay); then case-folded. */
static uint32_t token_fold(uint32_t cp)
{
	if (cp >= 0x80) {
		UErrorCode e = U_ZERO_ERROR;
		const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
		UChar d[8];
		int32_t n = U_SUCCESS(e) ? unorm2_getDecomposition(nfd, (UChar32)cp, d, 8, &e) : -1;
		if (n > 1 && U_SUCCESS(e) && d[0] < 0x80 &&
		    ((d[0] >= 'a' && d[0] <= 'z') || (d[0] >= 'A' && d[0] <= 'Z')))
			cp = d[0];
	}
	return (uint32_t)u_foldCase((UChar32)cp, U_FOLD_CASE_DEFAULT);
}

void search_pg_tokens(const char *doc, void (*fn)(void *arg, const char *tok, size_t len),
		      void *arg)
{
	Buf tok;
	buf_init(&tok, 0);
	const char *p = doc;
	while (*p) {
		uint32_t cp = utf8_next(&p);
		if (token_char(cp)) {
			utf8_put(&tok, token_fold(cp));
			if (*p)
				continue;
		}
		if (tok.len && !buf_failed(&tok)) {
			/* PostgreSQL refuses a lexeme over 2047 bytes: a longer
			 * token is kept as its start, cut at a character (a query
			 * word is cut alike, so it still finds it) */
			size_t len = tok.len;
			if (len > SEARCH_PG_TOKEN_MAX)
				for (len = SEARCH_PG_TOKEN_MAX; len && (tok.data[len] & 0xC0) == 0x80;)
					len--;
			fn(arg, tok.data, len);
		}
		tok.len = 0;
	}
	buf_free(&tok);
}

/* Append s (n bytes) quoted as a tsvector or tsquery lexeme, after a
 * space (both literals allow spaces around lexemes). */
static void lexeme(Buf *out, const char *prefix, const char *s, size_t n)
{
	buf_adds(out, " '");
	buf_adds(out, prefix);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			buf_addc(out, s[i]);
		buf_addc(out, s[i]);
	}
	buf_addc(out, '\'');
}

static void add_terms(void *arg, const char *tok, size_t len)
{
	Buf *out = arg;
	const char *p = tok, *end = tok + len;
	lexeme(out, "", tok, len);
	for (int n = 0; n < SEARCH_PG_PREFIX && p < end; n++) {
		utf8_next(&p);
		lexeme(out, "p:", tok, (size_t)(p - tok));
	}
}

void search_pg_terms(const char *doc, Buf *out)
{
	search_pg_tokens(doc, add_terms, out);
}

typedef struct Query {
	Buf *out;
	int words;
} Query;

/* A query word is a token, or several where the tokenizer splits it
 * (FTS5 reads "ab-c"* as a phrase whose last token is a prefix: here the
 * tokens are all required, the last as a prefix). */
static void add_word(void *arg, const char *tok, size_t len)
{
	Query *q = arg;
	if (q->words++)
		buf_adds(q->out, " &");
	size_t chars = 0;
	for (const char *p = tok; p < tok + len; chars++)
		utf8_next(&p);
	if (chars <= SEARCH_PG_PREFIX) {
		lexeme(q->out, "p:", tok, len);
	} else {
		lexeme(q->out, "", tok, len);
		buf_adds(q->out, ":*");
	}
}

void search_pg_query(const char *match, Buf *out)
{
	Query q = {out, 0};
	Buf word;
	buf_init(&word, 0);
	for (const char *p = match; (p = strchr(p, '"'));) {
		const char *end = strchr(++p, '"');
		if (!end)
			break;
		word.len = 0;
		buf_add(&word, p, (size_t)(end - p));
		if (!buf_failed(&word))
			search_pg_tokens(buf_str(&word), add_word, &q);
		p = end + 1;
	}
	buf_free(&word);
}
