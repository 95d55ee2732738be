-- When a node stopped (SIGTERM: it gave its leases back, then left), by PostgreSQL's clock; null
-- while it runs. A left node is not alive, is placed nothing, and the databases it gave back are
-- taken over by the eager nodes at once rather than after the liveness timeout. A heartbeat does
-- not clear it (one may still be on its way as the node leaves); the node's next start does.
ALTER TABLE nodes ADD COLUMN left_at timestamptz;
