package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Moving a database's lease from one node to a chosen one ({@code opend1 cluster move}, a drain).
 * An operator asks ({@link #ask}); the owner sees it ({@link #pending}), stops writing, waits until
 * what it wrote is in the bucket, then hands the lease over ({@link #handOver}) with a new epoch;
 * the node it was handed to sees it ({@link #pending}) and takes it, rebuilding its copy from the
 * bucket. Each call is one statement on PostgreSQL's clock, like {@link Leases}'.
 */
public interface Moves {

  /** What {@link #ask} did. */
  enum Asked {
    /** The owner will hand the database over at its next renewal. */
    ASKED,
    /** No lease was in force: the database was given to the target at once. */
    GIVEN,
    /** The target holds the lease in force already. */
    THERE,
    /** The database was never leased: no such database in the cluster. */
    UNKNOWN
  }

  /**
   * A move this node has to make: hand its database over to {@code to}, or, when {@code to} is
   * empty, take a database handed to it.
   */
  record Move(DatabaseId database, Optional<NodeId> to) {}

  /**
   * Asks for the database to be moved to {@code target}: recorded for its owner when its lease is
   * in force, or, when not, the lease given to {@code target} at once for {@code grace} (another
   * node may take it only once that has passed without {@code target} taking it).
   */
  Asked ask(DatabaseId database, NodeId target, Duration grace);

  /**
   * The moves {@code node} has to make: databases it holds in force that an operator asked to move
   * elsewhere, and databases handed to it that it has not taken yet.
   */
  List<Move> pending(NodeId node);

  /**
   * Hands the lease {@code owner} holds at {@code epoch} to {@code target}, with the next epoch and
   * {@code ttl} for the target to take it in, only while {@code target} is alive (heard from within
   * {@code liveness}) and not draining. The lease row then says {@code owner} wrote the database
   * last, so the target rebuilds it from the bucket. False (nothing changed) otherwise.
   */
  boolean handOver(
      DatabaseId database,
      NodeId owner,
      long epoch,
      NodeId target,
      Duration ttl,
      Duration liveness);

  /** Forgets an operator's request to move the database to {@code target} (it cannot be made). */
  void cancel(DatabaseId database, NodeId target);

  /** True while a move of the database was asked or handed over and not finished. */
  boolean moving(DatabaseId database);
}
