-- 017_deal_open_totals.sql - the live deals of open stages rolled up, so the
-- pipeline board's open columns and the forecast (deal.c) read a few rows
-- per stage for owners and admins instead of every open deal (issue 7,
-- section 4: at 50,000 open deals each answer scanned 50,000 index entries,
-- about 9 ms, and its p99 moved between runs with the machine's load).
-- Members still read their visible deals. Also a better index for the won
-- and lost columns (below). Runs again as a whole (it rebuilds what it
-- makes), as test_contact.c's migration_014 test does. Never edit this
-- file once landed.

-- Live deals in open stages, summed per stage, expected close month,
-- currency and amount remainder. Kept by deal.c on every create, change,
-- move, trash and restore (like 013's stage_day_total); a row whose deals
-- fall to zero is removed. The remainder makes the forecast's weighting
-- exact for any probability: every deal of a row is 100 q + rem minor
-- units, so the row's deals weigh p * (amount_minor - deals * rem) / 100 +
-- deals * ((rem * p + 50) / 100), the sum of deal_weighted() over them.
DROP TABLE IF EXISTS stage_open_total;
CREATE TABLE stage_open_total (
  stage_id INTEGER NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
  month TEXT NOT NULL,                       -- YYYY-MM of expected_close_date, '' for none
  currency TEXT NOT NULL,                    -- ISO 4217
  rem INTEGER NOT NULL,                      -- amount_minor % 100 of each of its deals
  deals INTEGER NOT NULL,                    -- how many live deals
  amount_minor INTEGER NOT NULL,             -- their total value, minor units
  PRIMARY KEY (stage_id, month, currency, rem)
) WITHOUT ROWID;
INSERT INTO stage_open_total (stage_id, month, currency, rem, deals, amount_minor)
SELECT d.stage_id, COALESCE(substr(d.expected_close_date, 1, 7), ''), d.currency,
       d.amount_minor % 100, COUNT(*), SUM(d.amount_minor)
FROM deal d JOIN stage s ON s.id = d.stage_id
WHERE s.kind = 'open' AND d.deleted_at IS NULL
GROUP BY 1, 2, 3, 4;

-- The won and lost columns list a stage's deals newest first by
-- (stage_since, id). 013's deal_stage_since ends with the rowid after its
-- covering columns, so deals that entered the stage in the same second
-- (an import, the demo data: thousands) were read from the table and
-- sorted on id before the first page was known. The same index with id
-- right after stage_since gives both keys in index order; it still covers
-- the members' closed totals.
DROP INDEX IF EXISTS deal_stage_since;
CREATE INDEX deal_stage_since ON deal (stage_id, stage_since, id, currency, amount_minor, owner_id,
  deleted_at);
