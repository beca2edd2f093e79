-- 012_timeline.pg.sql - PostgreSQL variant of 012_timeline.sql: deal_id is
-- BIGINT. Never edit this file once landed.
ALTER TABLE activity ADD COLUMN deal_id BIGINT REFERENCES deal(id) ON DELETE CASCADE;
CREATE INDEX activity_deal ON activity (deal_id, occurred_at, id);

DROP INDEX task_contact;
DROP INDEX task_company;
DROP INDEX task_deal;
CREATE INDEX task_contact_created ON task (contact_id, created_at, id);
CREATE INDEX task_company_created ON task (company_id, created_at, id);
CREATE INDEX task_deal_created ON task (deal_id, created_at, id);
CREATE INDEX task_contact_done ON task (contact_id, done_at, id) WHERE done_at IS NOT NULL;
CREATE INDEX task_company_done ON task (company_id, done_at, id) WHERE done_at IS NOT NULL;
CREATE INDEX task_deal_done ON task (deal_id, done_at, id) WHERE done_at IS NOT NULL;

CREATE INDEX deal_stage_change_at ON deal_stage_change (deal_id, at, id);
