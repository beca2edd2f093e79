-- 018_id_sequences.sql - nothing to do on SQLite: a new contact's or
-- company's id is still one past the largest ever used, the audit log's
-- included (db_next_id). The PostgreSQL variant advances the identity
-- sequences that now hand out those ids. Never edit this file once landed.
SELECT 1;
