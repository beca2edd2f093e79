-- 008_pipelines.sql - deal pipelines, their ordered stages, deals and the
-- stage history of each deal (time in stage is computed from it).

CREATE TABLE pipeline (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,                        -- as given
  name_key TEXT NOT NULL UNIQUE,             -- folded name: unique regardless of case/diacritics
  position INTEGER NOT NULL,                 -- order of pipelines; the first is the default
  version INTEGER NOT NULL DEFAULT 1,        -- bumped on each change (stages included)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE stage (
  id INTEGER PRIMARY KEY,
  pipeline_id INTEGER NOT NULL REFERENCES pipeline(id),
  name TEXT NOT NULL,                        -- as given, unique (folded) within the pipeline
  position INTEGER NOT NULL,                 -- 1-based order within the pipeline
  probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100), -- win probability, percent
  kind TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost'))          -- deal status in this stage
);
CREATE INDEX stage_pipeline ON stage (pipeline_id, position);

CREATE TABLE deal (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL, -- the person, NULL = none (or purged)
  company_id INTEGER REFERENCES company(id) ON DELETE SET NULL, -- the organisation, NULL = none (or purged)
  pipeline_id INTEGER NOT NULL REFERENCES pipeline(id),
  stage_id INTEGER NOT NULL REFERENCES stage(id),
  amount_minor INTEGER NOT NULL DEFAULT 0,   -- value in minor units of currency
  currency TEXT NOT NULL,                    -- ISO 4217
  expected_close_date TEXT,                  -- civil date YYYY-MM-DD, NULL = unknown
  source TEXT,                               -- where the deal came from
  owner_id INTEGER REFERENCES app_user(id),  -- responsible user, NULL = unassigned
  notes TEXT,
  lost_reason TEXT,                          -- why it was lost
  won_at TEXT,                               -- moved to a won stage at (cleared when reopened)
  lost_at TEXT,                              -- moved to a lost stage at (cleared when reopened)
  version INTEGER NOT NULL DEFAULT 1,        -- bumped on each change; the ETag
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT                            -- in the trash since
);
-- Board: live deals of one stage in id order.
CREATE INDEX deal_board ON deal (pipeline_id, stage_id, id) WHERE deleted_at IS NULL;
CREATE INDEX deal_owner ON deal (owner_id, id) WHERE deleted_at IS NULL;
CREATE INDEX deal_close ON deal (expected_close_date) WHERE deleted_at IS NULL;
CREATE INDEX deal_contact ON deal (contact_id);
CREATE INDEX deal_company ON deal (company_id);
CREATE INDEX deal_stage ON deal (stage_id);

CREATE TABLE deal_stage_change (
  id INTEGER PRIMARY KEY,
  deal_id INTEGER NOT NULL REFERENCES deal(id) ON DELETE CASCADE,
  from_stage_id INTEGER REFERENCES stage(id), -- NULL for the stage a deal was created in
  to_stage_id INTEGER NOT NULL REFERENCES stage(id),
  at TEXT NOT NULL,                          -- instant of the move (UTC ISO 8601)
  user_id INTEGER REFERENCES app_user(id)    -- who moved it; NULL = system
);
CREATE INDEX deal_stage_change_deal ON deal_stage_change (deal_id, id);

INSERT INTO pipeline (id, name, name_key, position, created_at, updated_at)
  VALUES (1, 'Sales', 'sales', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO stage (pipeline_id, name, position, probability, kind) VALUES
  (1, 'First contact', 1, 10, 'open'),
  (1, 'Proposal', 2, 30, 'open'),
  (1, 'Follow-up', 3, 40, 'open'),
  (1, 'Demo scheduled', 4, 50, 'open'),
  (1, 'Negotiation', 5, 70, 'open'),
  (1, 'Won', 6, 100, 'won'),
  (1, 'Lost', 7, 0, 'lost');
