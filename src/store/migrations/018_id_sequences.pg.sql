-- 018_id_sequences.pg.sql - PostgreSQL variant of 018_id_sequences.sql:
-- contact and company ids now come from their identity sequences
-- (db_next_id) instead of one past the largest id ever used, and until now
-- those rows were written with explicit ids, which left the sequences at
-- their start. Each sequence moves past the largest id of its table and of
-- the audit log's entries for it (a purged record's id is never handed out
-- again), and never backwards; a sequence with nothing to move past stays
-- at 1. Never edit this file once landed.
SELECT setval(pg_get_serial_sequence('contact', 'id'), COALESCE(m, 1), m IS NOT NULL)
FROM (SELECT GREATEST((SELECT MAX(id) FROM contact),
                      (SELECT MAX(record_id) FROM audit_log WHERE entity = 'contact'),
                      (SELECT last_value FROM pg_sequences
                       WHERE schemaname = current_schema()
                         AND sequencename = 'contact_id_seq')) AS m) AS t;
SELECT setval(pg_get_serial_sequence('company', 'id'), COALESCE(m, 1), m IS NOT NULL)
FROM (SELECT GREATEST((SELECT MAX(id) FROM company),
                      (SELECT MAX(record_id) FROM audit_log WHERE entity = 'company'),
                      (SELECT last_value FROM pg_sequences
                       WHERE schemaname = current_schema()
                         AND sequencename = 'company_id_seq')) AS m) AS t;
