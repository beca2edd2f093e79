-- 009_tasks.sql - follow-ups and tasks (task.c): a title, a type, an
-- optional due date or due instant, an assignee, a priority, at most one
-- linked contact, company or deal, and an optional repetition. Completing a
-- repeating task inserts its next occurrence. Never edit this file once landed.
CREATE TABLE task (
  id INTEGER PRIMARY KEY AUTOINCREMENT,      -- never reused, so a purged one's history is not inherited
  title TEXT NOT NULL,                       -- one line, at most KITH_MAX_SHORT bytes
  type TEXT NOT NULL DEFAULT 'todo' CHECK (type IN ('call', 'email', 'meeting', 'todo')),
  due_date TEXT,                             -- civil date YYYY-MM-DD in the workspace zone, NULL = none
  due_at TEXT,                               -- instant (UTC), NULL = none; never both with due_date
  assignee_id INTEGER REFERENCES app_user(id), -- who should do it; NULL = nobody (local system)
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL, -- linked contact, NULL = none
  company_id INTEGER REFERENCES company(id) ON DELETE SET NULL, -- linked company, NULL = none
  deal_id INTEGER REFERENCES deal(id) ON DELETE SET NULL,       -- linked deal, NULL = none
  notes TEXT,                                -- free text, at most KITH_MAX_TEXT bytes
  repeat_every INTEGER CHECK (repeat_every BETWEEN 1 AND 366), -- repeat interval count, NULL = once
  repeat_unit TEXT CHECK (repeat_unit IN ('days', 'weeks', 'months')), -- with repeat_every
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  done_at TEXT,                              -- instant it was completed, NULL while open
  created_by INTEGER REFERENCES app_user(id), -- who created it; NULL = the local system
  version INTEGER NOT NULL DEFAULT 1,        -- bumped on each change; the ETag
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT,                           -- in the trash since
  CHECK (due_date IS NULL OR due_at IS NULL),
  CHECK ((repeat_every IS NULL) = (repeat_unit IS NULL))
);
-- Agenda and lists: open tasks of one assignee by due.
CREATE INDEX task_assignee ON task (assignee_id, status, due_date, due_at) WHERE deleted_at IS NULL;
CREATE INDEX task_contact ON task (contact_id);
CREATE INDEX task_company ON task (company_id);
CREATE INDEX task_deal ON task (deal_id);
