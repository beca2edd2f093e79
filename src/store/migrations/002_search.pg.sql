-- 002_search.pg.sql - PostgreSQL variant of 002_search.sql: the search
-- index as plain tables instead of FTS5 virtual tables. id is the record's
-- id (SQLite's rowid), doc the same text_search_doc() output as on SQLite,
-- terms the tokens kith makes from doc in C (store/search.c), with the
-- short prefixes FTS5's prefix index holds; never PostgreSQL's own
-- parsers, which fold and split differently. No triggers: the store writes
-- doc and terms together. Never edit this file once landed.
CREATE TABLE contact_fts (
  id BIGINT PRIMARY KEY,                     -- contact.id
  doc TEXT NOT NULL,
  terms TSVECTOR NOT NULL
);
CREATE INDEX contact_fts_terms ON contact_fts USING GIN (terms);
CREATE TABLE company_fts (
  id BIGINT PRIMARY KEY,                     -- company.id
  doc TEXT NOT NULL,
  terms TSVECTOR NOT NULL
);
CREATE INDEX company_fts_terms ON company_fts USING GIN (terms);
