-- Each run of opend1 cluster import-catalog that imported (refused runs write nothing): which file,
-- when, and what it did. A server with this catalog and an object store starts on a bucket prefix
-- that holds a standalone server's catalog copies, and no cluster's mark yet, only when a catalog
-- was imported here: otherwise the prefix is another server's (docs/cluster.md).
CREATE TABLE catalog_imports(
  imported_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL,
  added integer NOT NULL,
  present integer NOT NULL);
