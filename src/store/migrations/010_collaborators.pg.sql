-- 010_collaborators.pg.sql - PostgreSQL variant of 010_collaborators.sql:
-- every record and user reference is BIGINT. Never edit this file once
-- landed.
CREATE TABLE contact_collaborator (
  contact_id BIGINT NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  added_by BIGINT REFERENCES app_user(id),
  added_at TEXT NOT NULL,
  PRIMARY KEY (contact_id, user_id)
);
CREATE INDEX contact_collaborator_user ON contact_collaborator (user_id, contact_id);
CREATE TABLE company_collaborator (
  company_id BIGINT NOT NULL REFERENCES company(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  added_by BIGINT REFERENCES app_user(id),
  added_at TEXT NOT NULL,
  PRIMARY KEY (company_id, user_id)
);
CREATE INDEX company_collaborator_user ON company_collaborator (user_id, company_id);
CREATE TABLE deal_collaborator (
  deal_id BIGINT NOT NULL REFERENCES deal(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  added_by BIGINT REFERENCES app_user(id),
  added_at TEXT NOT NULL,
  PRIMARY KEY (deal_id, user_id)
);
CREATE INDEX deal_collaborator_user ON deal_collaborator (user_id, deal_id);
