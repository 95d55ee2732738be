package dev.opend1.history;

import dev.opend1.core.DatabaseId;

/**
 * Whether this server may still commit to a database, asked by {@link History} after each commit
 * and before it is captured: a commit made when the answer is no is not captured, hence not applied
 * (the database is rebuilt from its history). In a cluster it is the node's lease; a standalone
 * server may always write.
 */
@FunctionalInterface
public interface WriteGate {

  /**
   * True while commits to {@code id} may be captured. Every true is followed by one {@link
   * #settled} for that commit, once its capture is durable or has failed, so a gate can tell when
   * no commit it let through is still on its way to the bucket.
   */
  boolean mayWrite(DatabaseId id);

  /** A commit {@link #mayWrite} let through is durable now, or failed. */
  default void settled(DatabaseId id) {}

  /** A server that writes every database it has. */
  WriteGate ALWAYS = id -> true;
}
