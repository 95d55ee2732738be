package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.util.Optional;

/**
 * Which node serves a database's requests: the live node holding the lease in force on it, when
 * that is another node. The standalone server has no routing and serves everything itself.
 */
public interface Routing {

  /**
   * The node to send the database's requests to; empty to serve them here (no lease in force, or
   * this node holds it).
   *
   * @throws dev.opend1.core.D1Exception.OwnerUnavailable when another node holds the lease but has
   *     not been heard from within {@link Membership#LIVENESS}, or the owner cannot be looked up:
   *     nobody may serve the database until the lease lapses and another node takes it
   */
  Optional<Node> forwardTarget(DatabaseId id);

  /**
   * Forgets what is known about the database's owner (a request sent there failed or was refused),
   * so the next request looks it up again.
   */
  default void forget(DatabaseId id) {}
}
