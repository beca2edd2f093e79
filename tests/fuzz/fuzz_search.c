/* fuzz_search.c - libFuzzer target for search queries: the input is a
 * ?q= value or the words of `kith contact search`. search_match_expr turns
 * it into the full-text match expression, and contact_list and
 * company_list run it against the index of the demo data, as the API does.
 * Checks: an expression is made of quoted prefix terms only (no FTS5
 * operator from the input gets through), and SQLite accepts every
 * expression it makes (a refusal would be a 500). PostgreSQL's literals
 * (search_pg.h) of the expression and of the input as a document are
 * quoted lexemes only, so no input reaches tsquery or tsvector syntax. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "fuzz.h"
#include "base/text.h"
#include "store/search.h"
#include "store/search_pg.h"

/* "\"w\"* \"w\"*": quoted words without quotes inside, each followed by '*'. */
static void want_terms(const char *e)
{
	unsigned terms = 0;
	while (*e) {
		if (terms && *e++ != ' ')
			abort();
		if (*e++ != '"')
			abort();
		const char *close = strchr(e, '"');
		if (!close || close == e || close[1] != '*')
			abort();
		e = close + 2;
		terms++;
	}
	if (terms == 0 || terms > KITH_MAX_QUERY_TERMS)
		abort();
}

/* " 'lexeme'[:*][ &]..." with quotes inside doubled; query says whether
 * lexemes are joined by '&' and may end in ":*". */
static void want_lexemes(const char *e, int query)
{
	int n = 0;
	while (*e) {
		if (n++ && query && (*e++ != ' ' || *e++ != '&'))
			abort();
		if (*e++ != ' ' || *e++ != '\'')
			abort();
		for (;; e++) {
			if (!*e)
				abort();
			if (*e == '\'' && e[1] == '\'')
				e++;
			else if (*e == '\\' && e[1] == '\\')
				e++;
			else if (*e == '\'' || *e == '\\')
				break;
		}
		if (*e++ != '\'')
			abort();
		if (query && e[0] == ':' && e[1] == '*')
			e += 2;
	}
}

static void want_answer(int rc, const Err *err)
{
	if (rc != KITH_OK && (rc != ERR_INVALID || strcmp(err->field, "q") != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzDb *f = fuzz_db();
	char *q = fuzz_cstr(data, size), *next = NULL;
	Buf expr;
	Err err = {0};
	json_t *items = NULL;
	buf_init(&expr, KITH_MAX_URL * 4);
	Buf lit;
	buf_init(&lit, 0);
	if (search_match_expr(q, &expr, &err) == KITH_OK) {
		want_terms(buf_str(&expr));
		search_pg_query(buf_str(&expr), &lit);
		want_lexemes(buf_str(&lit), 1);
	} else if (err.code != ERR_INVALID || strcmp(err.field, "q") != 0) {
		abort();
	}
	buf_free(&expr);
	buf_free(&lit);
	Buf doc;
	buf_init(&doc, 0);
	buf_init(&lit, 0);
	text_search_doc(&doc, q);
	search_pg_terms(buf_str(&doc), &lit);
	want_lexemes(buf_str(&lit), 0);
	buf_free(&doc);
	buf_free(&lit);
	ContactQuery cq = {.q = q, .limit = 5};
	err_clear(&err);
	want_answer(contact_list(f->db, &f->member, &cq, &items, &next, &err), &err);
	json_decref(items);
	free(next);
	items = NULL, next = NULL;
	CompanyQuery kq = {.q = q, .limit = 5};
	err_clear(&err);
	want_answer(company_list(f->db, &f->owner, &kq, &items, &next, &err), &err);
	json_decref(items);
	free(next);
	free(q);
	return 0;
}
