-- 012_timeline.sql - activities linked to deals, and the indexes the merged
-- timelines (timeline.c) read in timeline order with a LIMIT: each source
-- of a contact, company or deal timeline is one index range walked newest
-- first. Never edit this file once landed.

-- The deal an activity is about. Like the contact and company links
-- (007), purging the deal deletes the activities logged against it
-- (ON DELETE CASCADE; the audit log keeps the purge snapshot); trashing a
-- deal keeps them. NULL = none.
ALTER TABLE activity ADD COLUMN deal_id INTEGER REFERENCES deal(id) ON DELETE CASCADE;
CREATE INDEX activity_deal ON activity (deal_id, occurred_at, id);  -- deal timeline

-- Task events in timeline order: "task_created" by created_at and
-- "task_done" by done_at, per linked contact, company and deal. The
-- (link, created_at, id) indexes also serve every lookup the single-column
-- link indexes of 009 did (lists by link, ON DELETE SET NULL), so those go.
DROP INDEX task_contact;
DROP INDEX task_company;
DROP INDEX task_deal;
CREATE INDEX task_contact_created ON task (contact_id, created_at, id);
CREATE INDEX task_company_created ON task (company_id, created_at, id);
CREATE INDEX task_deal_created ON task (deal_id, created_at, id);
CREATE INDEX task_contact_done ON task (contact_id, done_at, id) WHERE done_at IS NOT NULL;
CREATE INDEX task_company_done ON task (company_id, done_at, id) WHERE done_at IS NOT NULL;
CREATE INDEX task_deal_done ON task (deal_id, done_at, id) WHERE done_at IS NOT NULL;

-- Stage changes of one deal in timeline order.
CREATE INDEX deal_stage_change_at ON deal_stage_change (deal_id, at, id);
