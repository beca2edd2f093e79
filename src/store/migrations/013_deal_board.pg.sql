-- 013_deal_board.pg.sql - PostgreSQL variant of 013_deal_board.sql: the
-- same column, tables and indexes, with stage ids, counts, seconds and
-- amounts BIGINT. It leaves out the SQLite file's three backfills
-- (deal.stage_since from the stage history, stage_visit and
-- stage_day_total from the deals): they only transform existing SQLite
-- data, and a PostgreSQL database starts empty (`kith init`) or from
-- `kith db copy` of a current database, so it has no deals before 013.
-- Never edit this file once landed.
ALTER TABLE deal ADD COLUMN stage_since TEXT;

CREATE TABLE stage_visit (
  stage_id BIGINT NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
  month TEXT NOT NULL,
  visits BIGINT NOT NULL,
  seconds BIGINT NOT NULL,
  PRIMARY KEY (stage_id, month)
);

CREATE TABLE stage_day_total (
  stage_id BIGINT NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  currency TEXT NOT NULL,
  deals BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL,
  PRIMARY KEY (stage_id, day, currency)
);

DROP INDEX deal_stage;
CREATE INDEX deal_stage_values ON deal (stage_id, currency, amount_minor, owner_id, deleted_at);
CREATE INDEX deal_stage_since ON deal (stage_id, stage_since, currency, amount_minor, owner_id,
  deleted_at);
CREATE INDEX deal_stage_close ON deal (stage_id, expected_close_date, currency, amount_minor,
  owner_id, deleted_at);
