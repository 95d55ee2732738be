package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moves a node makes, after each renewal of {@link OwnedDatabases}: the hand-overs an operator
 * asked of it and the takes of databases handed to it ({@link Moves#pending}), and, once it is
 * drained, the hand-over of every database it holds to the other nodes by their load ({@link
 * Spread}).
 */
final class MovesFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MovesFollower.class);

  private final OwnedDatabases owned;
  private final Moves moves;
  private final NodeId self;

  /** Runs hand-overs and takes of databases handed here, off the renewer's thread; owned. */
  private final OneMoveEach moving;

  /** The nodes a drained node's databases may go to, with their load. */
  private final Supplier<List<NodeStatus>> nodes;

  MovesFollower(
      OwnedDatabases owned,
      Moves moves,
      NodeId self,
      OneMoveEach moving,
      Supplier<List<NodeStatus>> nodes) {
    this.owned = owned;
    this.moves = moves;
    this.self = self;
    this.moving = moving;
    this.nodes = nodes;
  }

  /**
   * Starts the moves PostgreSQL has for this node, each on the moves executor: databases an
   * operator asked to move elsewhere are handed over, databases handed here are taken (their files
   * rebuilt from the bucket) without waiting for a request.
   */
  void follow() {
    List<Moves.Move> pending;
    try {
      pending = moves.pending(self);
    } catch (RuntimeException e) {
      LOG.warn("reading the moves of node {}: {}", self, e.getMessage());
      return;
    }
    for (Moves.Move m : pending) {
      if (m.to().isPresent() && !owned.holds(m.database())) {
        continue; // asked of this node's lease from an earlier run: taken back first, then moved
      }
      moving.run(
          m.database(),
          () -> {
            if (m.to().isPresent()) {
              owned.handOver(m.database(), m.to().get());
            } else {
              owned.serve(m.database());
            }
          });
    }
  }

  /**
   * A drained node's databases: each handed to the live, non-draining node with the fewest leases
   * ({@link Spread}); given back for any node to take when there is none or the hand-over fails.
   */
  void handOffAll() {
    Spread spread;
    try {
      spread = Spread.over(nodes.get(), self);
    } catch (RuntimeException e) {
      LOG.warn("reading the nodes to hand node {}'s databases to: {}", self, e.getMessage());
      spread = Spread.over(List.of(), self);
    }
    for (DatabaseId id : owned.heldNow()) {
      Optional<NodeId> target = spread.next();
      boolean handed = false;
      try {
        handed = target.isPresent() && owned.handOver(id, target.get());
      } catch (RuntimeException e) {
        LOG.warn("handing database {} over: {}", id, e.getMessage());
      }
      if (handed) {
        spread.placed(target.get());
      } else {
        try {
          owned.release(id);
        } catch (RuntimeException failed) {
          LOG.warn("releasing the lease on {}: {}", id, failed.getMessage());
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    moving.close();
  }
}
