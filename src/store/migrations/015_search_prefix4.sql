-- 015_search_prefix4.sql - the search indexes gain a prefix index of 4
-- characters (issue 7, section 4). A ranked query (store/search.h: a word
-- of SEARCH_RANK_MIN_CHARS = 4 characters or more) matched a 4-character
-- prefix without one, so FTS5 merged the lists of every indexed word with
-- that prefix, a cost that grows with the table (about 1 ms per match at
-- a million contacts, and a ranked page matches twice) however few rows
-- the page reads; with it, "jank"* reads one list in rowid order and stops
-- at the rows it needs (0.06 ms at a million). Rebuilt as in
-- 014_search_more.sql: one INSERT ... SELECT into a new index, the old one
-- dropped, the new one renamed and optimized into one segment. Documents
-- and tokenizer are unchanged. Never edit this file once landed.
CREATE VIRTUAL TABLE contact_fts_015 USING fts5(
  doc,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
  prefix = '1 2 3 4'
);
INSERT INTO contact_fts_015 (rowid, doc) SELECT rowid, doc FROM contact_fts;
DROP TABLE contact_fts;
ALTER TABLE contact_fts_015 RENAME TO contact_fts;
INSERT INTO contact_fts (contact_fts) VALUES ('optimize');

CREATE VIRTUAL TABLE company_fts_015 USING fts5(
  doc,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
  prefix = '1 2 3 4'
);
INSERT INTO company_fts_015 (rowid, doc) SELECT rowid, doc FROM company_fts;
DROP TABLE company_fts;
ALTER TABLE company_fts_015 RENAME TO company_fts;
INSERT INTO company_fts (company_fts) VALUES ('optimize');
