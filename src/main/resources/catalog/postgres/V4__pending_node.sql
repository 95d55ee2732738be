-- The node whose create or delete of a database is in flight (state 'creating' or 'deleting'): a
-- node that starts finishes only its own, since another node's is still running, with its files in
-- that node's data directory. Null on rows made before this version: any node finishes those.
ALTER TABLE databases ADD COLUMN pending_on text COLLATE "C";
