-- 006_idempotency_etag.sql - a replayed response carries the ETag of the
-- first one, so a client can PATCH right after a retried create.
ALTER TABLE idempotency_key ADD COLUMN etag TEXT;  -- ETag header of the first response, NULL = none
