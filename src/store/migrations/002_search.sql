-- 002_search.sql - full-text index (SQLite FTS5). The PostgreSQL backend will
-- create its own equivalent; domain code reaches it only through store/search.h.
-- doc holds text_search_doc() output: folded names, emails, phones, company,
-- tags, text custom fields, plus Thai suffix tokens. rowid = the record's id.
-- Marks (M*) are token characters so Thai vowels and tone marks stay in words.
CREATE VIRTUAL TABLE contact_fts USING fts5(
  doc,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
  prefix = '1 2 3'
);
CREATE VIRTUAL TABLE company_fts USING fts5(
  doc,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
  prefix = '1 2 3'
);
