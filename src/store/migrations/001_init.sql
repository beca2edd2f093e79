-- 001_init.sql - the foundation: workspace, users, tokens, audit, companies,
-- contacts, tags, custom fields, idempotency keys, search index.
-- Instants are TEXT 'YYYY-MM-DDTHH:MM:SSZ' (UTC); civil dates 'YYYY-MM-DD'.
-- Soft-deleted rows have deleted_at set. Never edit this file once landed.

CREATE TABLE workspace (
  id INTEGER PRIMARY KEY CHECK (id = 1),     -- exactly one row
  name TEXT NOT NULL,                        -- business name shown in the UI
  default_country TEXT,                      -- ISO 3166 alpha-2 for phone normalization, NULL = none
  currency TEXT NOT NULL DEFAULT 'EUR',      -- ISO 4217 default currency
  timezone TEXT NOT NULL DEFAULT 'UTC',      -- IANA zone where "today" is computed
  created_at TEXT NOT NULL                   -- instant the workspace was created
);

CREATE TABLE app_user (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,                -- login, lower-cased
  name TEXT NOT NULL,                        -- display name
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  password_hash TEXT NOT NULL,               -- argon2id encoded string (libsodium)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  disabled_at TEXT                           -- set when the user may no longer log in
);

CREATE TABLE api_token (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  name TEXT NOT NULL,                        -- what the token is for
  prefix TEXT NOT NULL,                      -- first characters, shown in lists
  token_hash TEXT NOT NULL UNIQUE,           -- hex BLAKE2b of the secret; the secret is never stored
  created_at TEXT NOT NULL,
  last_used_at TEXT,                         -- last successful authentication (day precision)
  revoked_at TEXT                            -- set when revoked
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,                          -- instant of the change
  user_id INTEGER REFERENCES app_user(id),   -- who; NULL = system / local CLI without a user
  action TEXT NOT NULL,                      -- create, update, delete, restore, purge, merge, ...
  entity TEXT NOT NULL,                      -- contact, company, field, user, token, ...
  record_id INTEGER NOT NULL,                -- id of the changed record
  changes TEXT NOT NULL                      -- JSON object: {"field": [old, new], ...} or a snapshot
);
CREATE INDEX audit_log_record ON audit_log (entity, record_id, id);

CREATE TABLE company (
  id INTEGER PRIMARY KEY,
  legal_name TEXT NOT NULL,                  -- registered name
  sort_key TEXT NOT NULL,                    -- folded legal_name for sorting
  tax_id TEXT,                               -- VAT / tax number as given
  street TEXT, city TEXT, region TEXT, postal_code TEXT,
  country TEXT,                              -- ISO 3166 alpha-2
  website TEXT, phone TEXT, email TEXT,
  owner_id INTEGER REFERENCES app_user(id),  -- responsible user, NULL = unassigned
  notes TEXT,
  version INTEGER NOT NULL DEFAULT 1,        -- bumped on each change; the ETag
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT                            -- in the trash since
);
CREATE INDEX company_sort ON company (sort_key, id);
CREATE INDEX company_updated ON company (updated_at, id);

CREATE TABLE contact (
  id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL,                -- derived: "first last", or email when both empty
  sort_key TEXT NOT NULL,                    -- folded display_name for sorting
  job_title TEXT,
  street TEXT, city TEXT, region TEXT, postal_code TEXT,
  country TEXT,                              -- ISO 3166 alpha-2
  website TEXT,
  birthday TEXT,                             -- civil date
  company_id INTEGER REFERENCES company(id),
  status TEXT NOT NULL DEFAULT 'lead' CHECK (status IN ('lead', 'prospect', 'customer', 'former')),
  temperature TEXT CHECK (temperature IN ('cold', 'warm', 'hot')),
  source TEXT,                               -- how they came to us (referral, website, ...)
  owner_id INTEGER REFERENCES app_user(id),
  notes TEXT,
  consent_note TEXT,                         -- what they agreed we may do with their data
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX contact_sort ON contact (sort_key, id);
CREATE INDEX contact_updated ON contact (updated_at, id);
CREATE INDEX contact_company ON contact (company_id);
CREATE INDEX contact_owner ON contact (owner_id);

CREATE TABLE contact_email (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,                 -- order shown; 0 is primary
  label TEXT NOT NULL DEFAULT 'work',        -- work, home, other, ...
  email TEXT NOT NULL,                       -- as entered (trimmed)
  email_norm TEXT NOT NULL                   -- lower-cased, for the duplicate guard
);
CREATE INDEX contact_email_contact ON contact_email (contact_id, position);
CREATE INDEX contact_email_norm ON contact_email (email_norm);

CREATE TABLE contact_phone (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  label TEXT NOT NULL DEFAULT 'mobile',
  phone TEXT NOT NULL,                       -- E.164 when it could be normalized, else as entered
  phone_norm TEXT NOT NULL                   -- digits only (with country code when known)
);
CREATE INDEX contact_phone_contact ON contact_phone (contact_id, position);
CREATE INDEX contact_phone_norm ON contact_phone (phone_norm);

CREATE TABLE tag (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,                        -- as first entered
  name_norm TEXT NOT NULL UNIQUE             -- folded, so "VIP" and "vip" are one tag
);

CREATE TABLE contact_tag (
  contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tag(id),
  PRIMARY KEY (contact_id, tag_id)
);
CREATE INDEX contact_tag_tag ON contact_tag (tag_id, contact_id);

CREATE TABLE company_tag (
  company_id INTEGER NOT NULL REFERENCES company(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tag(id),
  PRIMARY KEY (company_id, tag_id)
);
CREATE INDEX company_tag_tag ON company_tag (tag_id, company_id);

CREATE TABLE field_def (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL CHECK (entity IN ('contact', 'company', 'deal')),
  key TEXT NOT NULL,                         -- snake_case name used in the API and CLI
  label TEXT NOT NULL,                       -- shown to people
  type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'money', 'select', 'boolean')),
  required INTEGER NOT NULL DEFAULT 0,       -- 1 = every write must carry a value
  options TEXT,                              -- select: JSON array of allowed strings
  position INTEGER NOT NULL DEFAULT 0,       -- display order
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (entity, key)
);

CREATE TABLE field_value (
  field_id INTEGER NOT NULL REFERENCES field_def(id) ON DELETE CASCADE,
  record_id INTEGER NOT NULL,                -- contact/company/deal id (entity from field_def)
  value TEXT NOT NULL,                       -- canonical text: number "12.5", date, "1250 EUR", "true"
  PRIMARY KEY (field_id, record_id)
);
CREATE INDEX field_value_record ON field_value (record_id);

CREATE TABLE idempotency_key (
  user_id INTEGER NOT NULL,                  -- the caller the key belongs to
  key TEXT NOT NULL,                         -- Idempotency-Key header value
  request_hash TEXT NOT NULL,                -- hash of method, path and body; reuse with another body is refused
  status INTEGER NOT NULL,                   -- HTTP status of the first response
  body TEXT NOT NULL,                        -- body of the first response
  location TEXT,                             -- Location header of the first response
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
);
