-- 005_contact_doc.pg.sql - PostgreSQL variant of 005_contact_doc.sql:
-- doc_gen and generation are BIGINT. Never edit this file once landed.
ALTER TABLE contact ADD COLUMN doc TEXT;
ALTER TABLE contact ADD COLUMN doc_gen BIGINT;

CREATE TABLE field_schema (
  id BIGINT PRIMARY KEY CHECK (id = 1),      -- exactly one row
  generation BIGINT NOT NULL
);
INSERT INTO field_schema (id, generation) VALUES (1, 1);
