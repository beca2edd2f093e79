-- 014_search_more.sql - search documents gain notes and the digits inside
-- phone numbers (issue 7): a query of 4 or more digits finds a number by
-- digits from anywhere in it ("2345" finds +48 601 234 567), and notes are
-- searchable. The documents are built in C (contact.c, company.c); this
-- migration brings the stored ones up to date in SQL with the store's
-- functions over base/text.h (db.c): kith_digit_suffixes(phone) gives the
-- suffixes of its digits from the second on, kith_search_doc(notes) the
-- folded notes with their Thai suffixes. (A fresh document leaves out the
-- suffixes that start inside the calling code; these only add a few
-- tokens until the record is next saved.)
--
-- Each table is rebuilt by one INSERT ... SELECT into a new index, which
-- FTS5 writes in large segments, rather than by updating every row (a
-- delete and an insert each); then the old one is dropped and the new one
-- takes its name and is optimized into one segment. Tokenizer and prefix
-- indexes stay as in 002_search.sql. Never edit this file once landed.
CREATE VIRTUAL TABLE contact_fts_014 USING fts5(
  doc,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
  prefix = '1 2 3'
);
INSERT INTO contact_fts_014 (rowid, doc)
SELECT f.rowid, f.doc
  || COALESCE((SELECT group_concat(kith_digit_suffixes(p.phone), '')
               FROM contact_phone p WHERE p.contact_id = f.rowid), '')
  || COALESCE((SELECT ' ' || kith_search_doc(c.notes)
               FROM contact c WHERE c.id = f.rowid AND c.notes <> ''), '')
FROM contact_fts f;
DROP TABLE contact_fts;
ALTER TABLE contact_fts_014 RENAME TO contact_fts;
INSERT INTO contact_fts (contact_fts) VALUES ('optimize');

CREATE VIRTUAL TABLE company_fts_014 USING fts5(
  doc,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
  prefix = '1 2 3'
);
INSERT INTO company_fts_014 (rowid, doc)
SELECT f.rowid, f.doc
  || COALESCE((SELECT COALESCE(kith_digit_suffixes(c.phone), '')
                      || COALESCE(' ' || kith_search_doc(NULLIF(c.notes, '')), '')
               FROM company c WHERE c.id = f.rowid), '')
FROM company_fts f;
DROP TABLE company_fts;
ALTER TABLE company_fts_014 RENAME TO company_fts;
INSERT INTO company_fts (company_fts) VALUES ('optimize');
