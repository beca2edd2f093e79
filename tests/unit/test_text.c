/* test_text.c - UTF-8 validation, folding, search documents, emails. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/text.h"

static char *fold(const char *s)
{
	static char out[256];
	Buf b;
	buf_init(&b, 0);
	text_fold(&b, s);
	snprintf(out, sizeof out, "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

Test(text, utf8_valid_table)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{"plain", 1},           {"Łódź", 1},          {"İstanbul ılık", 1},
		{"บริษัท", 1},          {"\xff", 0},          {"\xc3", 0},
		{"\xc0\xaf", 0},        /* overlong '/' */
		{"\xed\xa0\x80", 0},    /* surrogate */
		{"\xf4\x90\x80\x80", 0}, /* > U+10FFFF */
		{"a\x80z", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(utf8_valid(cases[i].s, strlen(cases[i].s)), cases[i].ok, "case %zu", i);
	cr_expect_eq(utf8_valid("a\0b", 3), 0, "embedded NUL rejected");
}

Test(text, fold_polish_turkish_latin)
{
	cr_expect_str_eq(fold("Łódź"), "lodz");
	cr_expect_str_eq(fold("ŻÓŁĆ gęślą jaźń"), "zolc gesla jazn");
	cr_expect_str_eq(fold("İSTANBUL"), "istanbul");
	cr_expect_str_eq(fold("ılgaz Işık"), "ilgaz isik");
	cr_expect_str_eq(fold("Çağrı Şeker Göğüş"), "cagri seker gogus");
	cr_expect_str_eq(fold("Straße Æsir Œuvre"), "strasse aesir oeuvre");
	cr_expect_str_eq(fold("Ștefan Țară"), "stefan tara");
	cr_expect_str_eq(fold("e\xcc\x81t\xc3\xa9"), "ete"); /* combining acute + precomposed */
	cr_expect_str_eq(fold("ΑΘΗΝΑ МОСКВА"), "αθηνα москва");
	cr_expect_str_eq(fold("สมชาย"), "สมชาย");
}

Test(text, search_doc_adds_thai_suffixes)
{
	Buf b;
	buf_init(&b, 0);
	text_search_doc(&b, "บริษัทตัวอย่างจำกัด Ltd");
	cr_expect_not_null(strstr(buf_str(&b), " ตัวอย่างจำกัด"), "doc: %s", buf_str(&b));
	cr_expect_not_null(strstr(buf_str(&b), " จำกัด"));
	cr_expect_not_null(strstr(buf_str(&b), "ltd"));
	/* no suffix may start with a mark (U+0E31 MAI HAN-AKAT after บริษ) */
	cr_expect_null(strstr(buf_str(&b), " \xe0\xb8\xb1"));
	buf_free(&b);
}

Test(text, email_valid_table)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{"ann@example.com", 1}, {"a.b+c@sub.example.pl", 1}, {"", 0},
		{"ann", 0},             {"@example.com", 0},         {"ann@", 0},
		{"ann@example", 0},     {"ann@@example.com", 0},     {"an n@example.com", 0},
		{"ann@.example.com", 0}, {"ann@example..com", 0},     {"ann@example.com.", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(text_email_valid(cases[i].s), cases[i].ok, "case %s", cases[i].s);
}

Test(text, trim_and_blank)
{
	Buf b;
	buf_init(&b, 0);
	text_trim(&b, " \t Anna \n");
	cr_expect_str_eq(buf_str(&b), "Anna");
	buf_free(&b);
	cr_expect(text_blank(NULL));
	cr_expect(text_blank(" \t"));
	cr_expect_not(text_blank(" x "));
	cr_expect_eq(utf8_len("Łódź"), 4);
}

Test(buf, limit_is_sticky)
{
	Buf b;
	buf_init(&b, 8);
	buf_adds(&b, "1234");
	cr_expect_not(buf_failed(&b));
	buf_adds(&b, "56789");
	cr_expect(buf_failed(&b));
	cr_expect_str_eq(buf_str(&b), "1234");
	buf_addf(&b, "%d", 1);
	cr_expect_str_eq(buf_str(&b), "1234", "no writes after failure");
	buf_free(&b);
}

Test(text, truncated_sequences_never_run_past_the_end)
{
	/* "\xe0\xb8" is the first two bytes of a three-byte Thai letter. */
	static const char *bad[] = {"\xe0\xb8", "a\xc3", "\xf0\x9f\x98", "\xe0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *p = bad[i], *end = bad[i] + strlen(bad[i]);
		while (*p)
			utf8_next(&p);
		cr_expect(p == end, "case %zu stopped at the terminator", i);
		Buf b;
		buf_init(&b, 0);
		text_fold(&b, bad[i]); /* must not read past the NUL (ASan) */
		text_search_doc(&b, bad[i]);
		buf_free(&b);
	}
}

Test(text, thai_suffix_documents_grow_linearly)
{
	Buf run, doc;
	buf_init(&run, 0);
	for (int i = 0; i < 4000; i++)
		buf_adds(&run, "ก"); /* 4,000 Thai letters without spaces */
	buf_init(&doc, 0);
	text_search_doc(&doc, buf_str(&run));
	/* the folded run plus at most KITH_THAI_SUFFIX letters per start */
	cr_expect_lt(doc.len, run.len + 4000 * (KITH_THAI_SUFFIX * 3 + 1) + 1);
	cr_expect_not(buf_failed(&doc));
	buf_free(&run);
	buf_free(&doc);
}
