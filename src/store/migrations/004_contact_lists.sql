-- 004_contact_lists.sql - indexes that keep contact list pages fast when a
-- filter is selective: one owner's contacts (members see only what they
-- own; contact_list.c then drives the query with c.owner_id = ?) and the
-- trash (partial indexes that hold only trashed rows). Each index serves
-- one sort order of contact_list(): name (sort_key, id), updated
-- (updated_at, id); created order uses contact_owner (owner_id, rowid) and
-- contact_trash (id). Never edit this file once landed.
CREATE INDEX contact_owner_sort ON contact (owner_id, sort_key, id);
CREATE INDEX contact_owner_updated ON contact (owner_id, updated_at, id);
CREATE INDEX contact_trash_sort ON contact (sort_key, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX contact_trash_updated ON contact (updated_at, id) WHERE deleted_at IS NOT NULL;
CREATE INDEX contact_trash ON contact (id) WHERE deleted_at IS NOT NULL;
