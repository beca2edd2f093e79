-- 007_activities.sql - interaction history: calls, emails, meetings, notes,
-- SMS and letters logged against a contact and/or a company (activity.c).
-- Purging a contact or company deletes its activities with it (erasure);
-- the audit log keeps the purge snapshot. Never edit this file once landed.
CREATE TABLE activity (
  id INTEGER PRIMARY KEY AUTOINCREMENT,      -- never reused, so a purged one's history is not inherited
  kind TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note', 'sms', 'letter')),
  direction TEXT CHECK (direction IN ('in', 'out')),  -- NULL for notes or when unknown
  subject TEXT,                              -- one line, at most KITH_MAX_SHORT bytes
  body TEXT,                                 -- free text, at most KITH_MAX_TEXT bytes
  outcome TEXT,                              -- free short text: "left voicemail", "agreed to quote"
  duration_minutes INTEGER CHECK (duration_minutes BETWEEN 0 AND 1440),  -- NULL = not recorded
  occurred_at TEXT NOT NULL,                 -- instant it happened (UTC)
  user_id INTEGER REFERENCES app_user(id),   -- who did it; NULL = the local system
  contact_id INTEGER REFERENCES contact(id) ON DELETE CASCADE,  -- linked contact, NULL = none
  company_id INTEGER REFERENCES company(id) ON DELETE CASCADE,  -- linked company, NULL = none
  version INTEGER NOT NULL DEFAULT 1,        -- bumped on each change; the ETag
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT                            -- in the trash since
);
CREATE INDEX activity_contact ON activity (contact_id, occurred_at, id);  -- contact timeline
CREATE INDEX activity_company ON activity (company_id, occurred_at, id);  -- company timeline
CREATE INDEX activity_user ON activity (user_id, occurred_at, id);        -- listing by user
CREATE INDEX activity_occurred ON activity (occurred_at, id);             -- unfiltered listing
