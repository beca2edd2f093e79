-- 003_company_lists.pg.sql - PostgreSQL variant of 003_company_lists.sql:
-- the same indexes, except that company_owner spells out the id SQLite
-- appends to it (the rowid), so a member's companies read in creation order
-- here too. Never edit this file once landed.
CREATE INDEX company_owner_sort ON company (owner_id, sort_key, id);
CREATE INDEX company_owner_updated ON company (owner_id, updated_at, id);
CREATE INDEX company_owner ON company (owner_id, id);
CREATE INDEX company_trash_sort ON company (sort_key, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX company_trash_updated ON company (updated_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX company_trash ON company (id) WHERE deleted_at IS NOT NULL;
