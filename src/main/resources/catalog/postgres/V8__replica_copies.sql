-- Each database a node follows as a read replica, and how far its copy was behind the bucket when
-- the node last said (opend1 cluster replicas): one row per node and database, at most 256 per
-- node (what a node follows at once). Each heartbeat rewrites its node's rows in the same statement
-- as the heartbeat itself: it deletes the databases the node no longer follows, adds the new ones,
-- and updates only the rows whose figures changed, so a caught-up copy costs no write.
CREATE TABLE replica_copies(
  node_id text COLLATE "C" NOT NULL REFERENCES nodes(id),
  database_id text COLLATE "C" NOT NULL,
  lag_seconds double precision NOT NULL,
  lag_records bigint NOT NULL,
  PRIMARY KEY (node_id, database_id));
