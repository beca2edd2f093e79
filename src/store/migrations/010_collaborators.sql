-- 010_collaborators.sql - sharing: a member sees and changes the contacts,
-- companies and deals they own or that are shared with them (collab.c).
-- One table per record kind so each has a real foreign key: purging the
-- record deletes its shares with it. The (user_id, <record>_id) indexes
-- serve a member's "shared with me" side of lists. Never edit this file
-- once landed.
CREATE TABLE contact_collaborator (
  contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE, -- the shared contact
  user_id INTEGER NOT NULL REFERENCES app_user(id),  -- the user it is shared with
  added_by INTEGER REFERENCES app_user(id),          -- who shared it; NULL = the local system
  added_at TEXT NOT NULL,                            -- instant it was shared (UTC)
  PRIMARY KEY (contact_id, user_id)
);
CREATE INDEX contact_collaborator_user ON contact_collaborator (user_id, contact_id);
CREATE TABLE company_collaborator (
  company_id INTEGER NOT NULL REFERENCES company(id) ON DELETE CASCADE, -- the shared company
  user_id INTEGER NOT NULL REFERENCES app_user(id),  -- the user it is shared with
  added_by INTEGER REFERENCES app_user(id),          -- who shared it; NULL = the local system
  added_at TEXT NOT NULL,                            -- instant it was shared (UTC)
  PRIMARY KEY (company_id, user_id)
);
CREATE INDEX company_collaborator_user ON company_collaborator (user_id, company_id);
CREATE TABLE deal_collaborator (
  deal_id INTEGER NOT NULL REFERENCES deal(id) ON DELETE CASCADE, -- the shared deal
  user_id INTEGER NOT NULL REFERENCES app_user(id),  -- the user it is shared with
  added_by INTEGER REFERENCES app_user(id),          -- who shared it; NULL = the local system
  added_at TEXT NOT NULL,                            -- instant it was shared (UTC)
  PRIMARY KEY (deal_id, user_id)
);
CREATE INDEX deal_collaborator_user ON deal_collaborator (user_id, deal_id);
