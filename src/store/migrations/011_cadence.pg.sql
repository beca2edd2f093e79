-- 011_cadence.pg.sql - PostgreSQL variant of 011_cadence.sql. It leaves out
-- the last step of the SQLite file (stored contact docs gain the
-- cadence_days key through json_insert): that only transforms existing
-- SQLite data, and a PostgreSQL database starts empty (`kith init`) or from
-- `kith db copy` of a current database, so it holds no doc from before 011.
-- substr() counts characters on both backends. Never edit this file once
-- landed.
ALTER TABLE contact ADD COLUMN cadence_days INTEGER
  CHECK (cadence_days BETWEEN 1 AND 3650);
ALTER TABLE tag ADD COLUMN cadence_days INTEGER
  CHECK (cadence_days BETWEEN 1 AND 3650);
ALTER TABLE field_def ADD COLUMN remind_days INTEGER
  CHECK (remind_days BETWEEN 0 AND 366);
ALTER TABLE workspace ADD COLUMN touch_limit INTEGER NOT NULL DEFAULT 3
  CHECK (touch_limit BETWEEN 1 AND 1000);
ALTER TABLE workspace ADD COLUMN touch_window_days INTEGER NOT NULL DEFAULT 7
  CHECK (touch_window_days BETWEEN 1 AND 366);
ALTER TABLE workspace ADD COLUMN birthday_lead_days INTEGER NOT NULL DEFAULT 7
  CHECK (birthday_lead_days BETWEEN 0 AND 366);
CREATE INDEX contact_cadence ON contact (owner_id, id)
  WHERE cadence_days IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contact_birthday_owner ON contact (owner_id, substr(birthday, 6, 5))
  WHERE birthday IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contact_birthday ON contact (substr(birthday, 6, 5))
  WHERE birthday IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX field_value_field ON field_value (field_id, value);
CREATE INDEX task_contact_due_date ON task (contact_id, due_date)
  WHERE status = 'open' AND deleted_at IS NULL AND due_date IS NOT NULL;
CREATE INDEX task_contact_due_at ON task (contact_id, due_at)
  WHERE status = 'open' AND deleted_at IS NULL AND due_at IS NOT NULL;
