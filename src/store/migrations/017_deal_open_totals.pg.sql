-- 017_deal_open_totals.pg.sql - PostgreSQL variant of
-- 017_deal_open_totals.sql: stage_open_total with BIGINT stage id, counts
-- and amounts, and without WITHOUT ROWID (PostgreSQL tables have no rowid;
-- the primary key is an index either way). It leaves out the SQLite file's
-- backfill of stage_open_total from the deals: that only transforms
-- existing SQLite data, and a PostgreSQL database starts empty (`kith
-- init`) or from `kith db copy` of a current database, so it has no deals
-- before 017. Never edit this file once landed.
DROP TABLE IF EXISTS stage_open_total;
CREATE TABLE stage_open_total (
  stage_id BIGINT NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
  month TEXT NOT NULL,                       -- YYYY-MM of expected_close_date, '' for none
  currency TEXT NOT NULL,
  rem INTEGER NOT NULL,                      -- amount_minor % 100 of each of its deals
  deals BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL,
  PRIMARY KEY (stage_id, month, currency, rem)
);

DROP INDEX IF EXISTS deal_stage_since;
CREATE INDEX deal_stage_since ON deal (stage_id, stage_since, id, currency, amount_minor, owner_id,
  deleted_at);
