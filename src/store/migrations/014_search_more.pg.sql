-- 014_search_more.pg.sql - PostgreSQL variant of 014_search_more.sql, which
-- rebuilds SQLite's FTS5 indexes so stored documents gain notes and phone
-- digit suffixes. Nothing to do here: that only transforms existing SQLite
-- data, a PostgreSQL database starts empty (`kith init`) or from `kith db
-- copy` of a current database, and its search tables (002_search.pg.sql)
-- hold documents the store builds in C, already with those tokens. The
-- statement below only gives the migration something to run. Never edit
-- this file once landed.
SELECT 1;
