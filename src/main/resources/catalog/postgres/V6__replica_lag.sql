-- What each node's read replicas report with its heartbeat (opend1 cluster status): how many
-- databases it follows, and the largest lag of any of its copies behind the bucket, in seconds and
-- in records (at least). Zero for a node that follows nothing, or an older node that reports none.
ALTER TABLE nodes ADD COLUMN replicas_followed integer NOT NULL DEFAULT 0;
ALTER TABLE nodes ADD COLUMN replica_lag_seconds double precision NOT NULL DEFAULT 0;
ALTER TABLE nodes ADD COLUMN replica_lag_records bigint NOT NULL DEFAULT 0;
