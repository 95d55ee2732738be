-- The cluster's shared state (cluster/): the nodes, and which node owns each database.
-- Every time here is PostgreSQL's (now()), never a node's: the nodes' clocks never decide anything.

-- A node: where the others reach it, the opend1 version it runs, and when it last said it is alive.
-- A node is live while its heartbeat is recent; 'draining' nodes are alive but take no new database.
CREATE TABLE nodes(
  id text COLLATE "C" PRIMARY KEY,
  advertise_url text NOT NULL,
  version text NOT NULL,
  state text NOT NULL CHECK (state IN ('live','draining')),
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL);

-- A database's lease: its owner until expires_at, and the fencing epoch, which grows by one on
-- every acquire and is never reset (a released lease keeps its row, expired at once), so an epoch
-- names one tenure for good. No foreign key to databases: a lease may outlive its record's removal
-- and is then only history.
CREATE TABLE database_leases(
  database_id text COLLATE "C" PRIMARY KEY,
  owner text COLLATE "C" NOT NULL REFERENCES nodes(id),
  epoch bigint NOT NULL CHECK (epoch > 0),
  expires_at timestamptz NOT NULL);

CREATE INDEX database_leases_by_owner ON database_leases(owner, expires_at);
