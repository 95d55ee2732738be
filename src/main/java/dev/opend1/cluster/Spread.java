package dev.opend1.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the databases a node gives up go, one after the other: each to the live, non-draining node
 * (other than the one giving them up) with the fewest leases, counting those placed on it so far,
 * ties to the smallest id. So a drained node's databases spread over the others by their load, as
 * new databases are placed ({@link Placement}), rather than all going to one node.
 */
final class Spread {

  /** Each candidate's leases, including the ones placed on it by this spread. */
  private final Map<NodeId, Integer> load = new HashMap<>();

  private Spread() {}

  /** A spread over the alive, live nodes of {@code nodes} but {@code self}. */
  static Spread over(List<NodeStatus> nodes, NodeId self) {
    Spread s = new Spread();
    for (NodeStatus n : nodes) {
      if (n.alive() && n.node().state() == NodeState.LIVE && !n.node().id().equals(self)) {
        s.load.put(n.node().id(), n.databases());
      }
    }
    return s;
  }

  /** The node the next database goes to; empty when there is none. */
  Optional<NodeId> next() {
    return load.entrySet().stream()
        .min(Map.Entry.<NodeId, Integer>comparingByValue().thenComparing(e -> e.getKey().value()))
        .map(Map.Entry::getKey);
  }

  /** A database went to {@code node}. */
  void placed(NodeId node) {
    load.merge(node, 1, Integer::sum);
  }
}
