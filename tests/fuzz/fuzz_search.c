/* fuzz_search.c - libFuzzer target for search queries: the input is a
 * ?q= value or the words of `kith contact search`. search_match_expr turns
 * it into the full-text match expression, and contact_list and
 * company_list run it against the index of the demo data, as the API does.
 * Checks: an expression is made of quoted prefix terms only (no FTS5
 * operator from the input gets through), and SQLite accepts every
 * expression it makes (a refusal would be a 500). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "crm/company.h"
#include "crm/contact.h"
#include "fuzz.h"
#include "store/search.h"

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
	if (search_match_expr(q, &expr, &err) == KITH_OK)
		want_terms(buf_str(&expr));
	else if (err.code != ERR_INVALID || strcmp(err.field, "q") != 0)
		abort();
	buf_free(&expr);
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
