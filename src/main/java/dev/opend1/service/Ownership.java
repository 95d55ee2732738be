package dev.opend1.service;

import dev.opend1.core.DatabaseId;

/**
 * Which databases this server may serve: in a cluster, those whose lease its node holds ({@code
 * cluster/OwnedDatabases}, wired in {@code Wiring}); a standalone server serves all of its own.
 * {@link DatabaseLifecycle} asks before it creates a database and whenever a request finds one, so
 * every route group is gated in one place, below the HTTP edge.
 */
public interface Ownership {

  /** Before a new database's files are made: it becomes this server's. */
  void creating(DatabaseId id);

  /**
   * Before a request on the database: returns when this server may serve it now.
   *
   * @throws dev.opend1.core.D1Exception.NotOwner when it may not (another node serves it)
   */
  void serve(DatabaseId id);

  /** The database is gone (deleted, or its create failed): this server no longer holds it. */
  void gone(DatabaseId id);

  /** A standalone server: every database it has is its own. */
  Ownership STANDALONE =
      new Ownership() {
        @Override
        public void creating(DatabaseId id) {}

        @Override
        public void serve(DatabaseId id) {}

        @Override
        public void gone(DatabaseId id) {}
      };
}
