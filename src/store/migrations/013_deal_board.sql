-- 013_deal_board.sql - what the pipeline board and the forecast read at a
-- few hundred thousand deals (deal.c): when each deal entered its current
-- stage, the completed stage visits rolled up per stage and month, and
-- covering indexes so that stage totals, the recently closed columns and the
-- forecast read index entries only. Never edit this file once landed.

-- Instant (UTC) the deal entered its current stage; for a won or lost deal
-- the instant it was closed. Backfilled from the stage history.
ALTER TABLE deal ADD COLUMN stage_since TEXT;
UPDATE deal SET stage_since = COALESCE(
  (SELECT h.at FROM deal_stage_change h WHERE h.deal_id = deal.id ORDER BY h.id DESC LIMIT 1),
  created_at);

-- Completed visits (a deal entered the stage and later left it), by the
-- month the visit ended; the board's "time in stage". Kept as facts of the
-- past: trashing or purging a deal later does not rewrite them.
CREATE TABLE stage_visit (
  stage_id INTEGER NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
  month TEXT NOT NULL,                       -- YYYY-MM (UTC) in which the visits ended
  visits INTEGER NOT NULL,                   -- how many visits ended that month
  seconds INTEGER NOT NULL,                  -- their total time in the stage
  PRIMARY KEY (stage_id, month)
);
-- Backfill from the history: a visit ends at the deal's next move. (SQLite
-- date arithmetic; other backends compute the same seconds their own way.)
INSERT INTO stage_visit (stage_id, month, visits, seconds)
SELECT to_stage_id, substr(left_at, 1, 7), COUNT(*),
       SUM(CAST(strftime('%s', left_at) AS INTEGER) - CAST(strftime('%s', at) AS INTEGER))
FROM (SELECT to_stage_id, at,
             LEAD(at) OVER (PARTITION BY deal_id ORDER BY id) AS left_at
      FROM deal_stage_change)
WHERE left_at IS NOT NULL
GROUP BY to_stage_id, substr(left_at, 1, 7);

-- Live deals in won and lost stages, summed per stage, day they entered it
-- and currency: the totals of the board's recently closed columns read a
-- month of rows instead of every deal ever closed. Kept by deal.c on every
-- create, change, move, trash and restore (a deal's status follows its
-- stage, and a stage changes kind only while empty). Rows may hold zero.
CREATE TABLE stage_day_total (
  stage_id INTEGER NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
  day TEXT NOT NULL,                         -- YYYY-MM-DD (UTC) the deals entered the stage
  currency TEXT NOT NULL,                    -- ISO 4217
  deals INTEGER NOT NULL,                    -- how many live deals
  amount_minor INTEGER NOT NULL,             -- their total value, minor units
  PRIMARY KEY (stage_id, day, currency)
);
INSERT INTO stage_day_total (stage_id, day, currency, deals, amount_minor)
SELECT d.stage_id, substr(d.stage_since, 1, 10), d.currency, COUNT(*), SUM(d.amount_minor)
FROM deal d JOIN stage s ON s.id = d.stage_id
WHERE s.kind <> 'open' AND d.deleted_at IS NULL
GROUP BY d.stage_id, substr(d.stage_since, 1, 10), d.currency;

-- The indexes below start with stage_id and cover what their readers need
-- (deleted_at included, so trashed deals too); they replace 008's
-- deal_stage, which the planner would otherwise pick and then read every row.
DROP INDEX deal_stage;
-- Stage totals grouped by currency in index order; the deals of a stage
-- (foreign key checks, stage removal).
CREATE INDEX deal_stage_values ON deal (stage_id, currency, amount_minor, owner_id, deleted_at);
-- Won/lost columns: a stage's deals by the time they entered it, newest first.
CREATE INDEX deal_stage_since ON deal (stage_id, stage_since, currency, amount_minor, owner_id,
  deleted_at);
-- The forecast: a stage's deals by expected close date and currency.
CREATE INDEX deal_stage_close ON deal (stage_id, expected_close_date, currency, amount_minor,
  owner_id, deleted_at);
