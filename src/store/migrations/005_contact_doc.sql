-- 005_contact_doc.sql - each contact keeps its API representation, so a read
-- by id is one row instead of six queries and a JSON build. contact.c
-- rewrites it on every write; a doc built before a custom field lost values
-- (field_schema.generation moved on) is not used.
ALTER TABLE contact ADD COLUMN doc TEXT;           -- JSON as contact_get returns it; NULL = build live
ALTER TABLE contact ADD COLUMN doc_gen INTEGER;    -- field_schema.generation the doc was built at

CREATE TABLE field_schema (
  id INTEGER PRIMARY KEY CHECK (id = 1),           -- exactly one row
  generation INTEGER NOT NULL                      -- bumped when a field definition's removal deletes values
);
INSERT INTO field_schema (id, generation) VALUES (1, 1);
