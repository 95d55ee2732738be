-- The catalog: accounts, their tokens, operator tokens and database records, as in the embedded
-- catalog (catalog/CatalogSchema). Ids and names compare byte by byte (COLLATE "C"), as SQLite's
-- BINARY does, so uniqueness, order and the name filter's ASCII-only case folding match it.
CREATE TABLE accounts(
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  created_at_ms bigint NOT NULL);

CREATE TABLE tokens(
  id text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL REFERENCES accounts(id),
  name text NOT NULL,
  permission text NOT NULL CHECK (permission IN ('read','edit')),
  secret_hash bytea NOT NULL UNIQUE,
  legacy_email text,
  created_at_ms bigint NOT NULL);

CREATE TABLE operator_tokens(
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  secret_hash bytea NOT NULL UNIQUE,
  created_at_ms bigint NOT NULL);

CREATE TABLE databases(
  id text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL REFERENCES accounts(id),
  name text COLLATE "C" NOT NULL,
  created_at_ms bigint NOT NULL,
  location_hint text,
  jurisdiction text,
  created_in_region text NOT NULL,
  read_replication text NOT NULL,
  state text NOT NULL CHECK (state IN ('creating','ready','deleting')),
  UNIQUE(account_id, name));

CREATE INDEX databases_by_account ON databases(account_id, created_at_ms, id);
