/* text.h - UTF-8 validation, decoding, trimming and folding for search and sort.
 * libc only. Folding rules are ours (not the C locale's), so they are the
 * same on every machine: Turkish İ/ı/I fold to "i", Polish ł to "l", Latin
 * diacritics are removed, Greek and Cyrillic are lower-cased, Thai is kept. */
#ifndef KITH_BASE_TEXT_H
#define KITH_BASE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or NUL). */
int utf8_valid(const char *s, size_t n);

/* Decode one code point at *p and advance *p past it. On malformed input
 * it returns U+FFFD and advances only over the bytes examined (never past
 * a NUL), so loops over any NUL-terminated string end. */
uint32_t utf8_next(const char **p);

/* Append code point cp as UTF-8. */
void utf8_put(Buf *b, uint32_t cp);

/* Number of code points in valid UTF-8 s. */
size_t utf8_len(const char *s);

/* Append s with leading/trailing ASCII white space removed. */
void text_trim(Buf *out, const char *s);

/* 1 when s is NULL, empty, or only white space. */
int text_blank(const char *s);

/* Append the folded form of s: lower case, diacritics removed, for sort keys
 * and search. */
void text_fold(Buf *out, const char *s);

/* Append a search document for s: its folded form, plus, for every run of Thai
 * letters (written without spaces), each suffix that starts at a letter as an
 * extra token, so a prefix search finds a word inside the run. */
void text_search_doc(Buf *out, const char *s);

/* Shortest digit string a search finds inside a number (text_digit_suffixes). */
enum { TEXT_DIGITS_MIN = 4 };

/* Append, each after a space, the suffixes of the digits of s (other
 * characters skipped) that start at digit from (at least 1) or later and
 * keep at least TEXT_DIGITS_MIN digits: "601234567" from 1 gives " 01234567
 * 1234567 234567 34567 4567". Indexed next to a number, they let a prefix
 * search find any TEXT_DIGITS_MIN or more of its digits, wherever they
 * stand. At most 15 digits (E.164) are read. */
void text_digit_suffixes(Buf *out, const char *s, size_t from);

/* 1 when cp is in the Thai block. */
int text_is_thai(uint32_t cp);

/* 1 when s looks like a deliverable address: one '@', a non-empty local
 * part without spaces, a domain with a dot and no empty labels. */
int text_email_valid(const char *s);

/* Append the lower-cased (ASCII) form of s: the normalized email key. */
void text_lower_ascii(Buf *out, const char *s);

#endif
