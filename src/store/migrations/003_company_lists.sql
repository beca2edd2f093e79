-- 003_company_lists.sql - indexes that keep company list pages fast when a
-- filter is selective: a member's own companies (members see only what they
-- own; company.c lists them through c.owner_id = ?) and the trash (partial
-- indexes that hold only trashed rows). Each index serves one sort order of
-- company_list(): name (sort_key, id), updated (updated_at, id), created (id).
-- Never edit this file once landed.
CREATE INDEX company_owner_sort ON company (owner_id, sort_key, id);
CREATE INDEX company_owner_updated ON company (owner_id, updated_at, id);
CREATE INDEX company_owner ON company (owner_id);  -- (owner_id, rowid): creation order
CREATE INDEX company_trash_sort ON company (sort_key, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX company_trash_updated ON company (updated_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX company_trash ON company (id) WHERE deleted_at IS NOT NULL;
