-- 011_cadence.sql - contact cadence, touch limits and key-date reminders
-- (cadence.c): how often a contact should be touched (per contact or per
-- tag), the workspace's "too often" window and birthday lead, and which
-- date custom fields remind ahead. Never edit this file once landed.
ALTER TABLE contact ADD COLUMN cadence_days INTEGER
  CHECK (cadence_days BETWEEN 1 AND 3650);   -- desired days between touches, NULL = none (tags may give one)
ALTER TABLE tag ADD COLUMN cadence_days INTEGER
  CHECK (cadence_days BETWEEN 1 AND 3650);   -- cadence of the contacts with this tag, NULL = none
ALTER TABLE field_def ADD COLUMN remind_days INTEGER
  CHECK (remind_days BETWEEN 0 AND 366);     -- date fields: remind this many days ahead, NULL = never
ALTER TABLE workspace ADD COLUMN touch_limit INTEGER NOT NULL DEFAULT 3
  CHECK (touch_limit BETWEEN 1 AND 1000);    -- more touches than this within the window is "too often"
ALTER TABLE workspace ADD COLUMN touch_window_days INTEGER NOT NULL DEFAULT 7
  CHECK (touch_window_days BETWEEN 1 AND 366); -- the "too often" window, days back from today
ALTER TABLE workspace ADD COLUMN birthday_lead_days INTEGER NOT NULL DEFAULT 7
  CHECK (birthday_lead_days BETWEEN 0 AND 366); -- birthdays are listed this many days ahead
-- Due for a touch: live contacts with their own cadence, per owner.
CREATE INDEX contact_cadence ON contact (owner_id, id)
  WHERE cadence_days IS NOT NULL AND deleted_at IS NULL;
-- Birthdays by month-day ("MM-DD"), per owner and for the whole team.
CREATE INDEX contact_birthday_owner ON contact (owner_id, substr(birthday, 6, 5))
  WHERE birthday IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contact_birthday ON contact (substr(birthday, 6, 5))
  WHERE birthday IS NOT NULL AND deleted_at IS NULL;
-- Date custom fields that remind: values of one field in date order.
CREATE INDEX field_value_field ON field_value (field_id, value);
-- Next planned touch of one contact (GET /contacts/{id}): its earliest open
-- task due on a date / at an instant, read in index order without a sort.
CREATE INDEX task_contact_due_date ON task (contact_id, due_date)
  WHERE status = 'open' AND deleted_at IS NULL AND due_date IS NOT NULL;
CREATE INDEX task_contact_due_at ON task (contact_id, due_at)
  WHERE status = 'open' AND deleted_at IS NULL AND due_at IS NOT NULL;
-- Stored contact docs (005) gain the new key, so reads need not rebuild them.
UPDATE contact SET doc = json_insert(doc, '$.cadence_days', NULL) WHERE doc IS NOT NULL;
