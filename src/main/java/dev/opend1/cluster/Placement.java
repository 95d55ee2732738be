package dev.opend1.cluster;

import java.time.Duration;
import java.util.Optional;

/** Where a new database goes. */
public interface Placement {

  /**
   * The live node (heard from within {@code liveness}, not draining) that holds the fewest leases
   * in force, ties going to the smallest id; empty when there is none.
   */
  Optional<NodeId> leastLoaded(Duration liveness);
}
