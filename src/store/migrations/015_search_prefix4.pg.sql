-- 015_search_prefix4.pg.sql - PostgreSQL variant of 015_search_prefix4.sql,
-- which rebuilds SQLite's FTS5 indexes with a 4-character prefix index.
-- Nothing to do here: the PostgreSQL search tables (002_search.pg.sql)
-- index the tokens and prefixes the store makes in C, so their prefix
-- lengths are the store's choice, not the schema's. The statement below
-- only gives the migration something to run. Never edit this file once
-- landed.
SELECT 1;
