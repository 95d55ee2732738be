package dev.opend1.service;

import dev.opend1.api.ForwardingService;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.Node;
import dev.opend1.cluster.NodeId;
import dev.opend1.cluster.Nodes;
import dev.opend1.cluster.Placement;
import dev.opend1.cluster.Routing;
import dev.opend1.core.DatabaseId;
import java.util.List;
import java.util.Optional;

/**
 * {@link ForwardingService} over the cluster: a database's owner from {@link Routing}, a new
 * database's node from {@link Placement} (the least-loaded live node) and its address from {@link
 * Nodes}. A create is rare next to queries, so placement asks PostgreSQL every time.
 */
public final class ClusterForwarding implements ForwardingService {

  private final Routing routing;
  private final Placement placement;
  private final Nodes nodes;
  private final NodeId self;

  public ClusterForwarding(Routing routing, Placement placement, Nodes nodes, NodeId self) {
    this.routing = routing;
    this.placement = placement;
    this.nodes = nodes;
    this.self = self;
  }

  @Override
  public Optional<Peer> owner(DatabaseId db) {
    return routing.forwardTarget(db).map(ClusterForwarding::peer);
  }

  @Override
  public Optional<Peer> placement() {
    // No live node (PostgreSQL has not heard from this one yet) or this one: made here.
    return placement
        .leastLoaded(Membership.LIVENESS)
        .filter(id -> !id.equals(self))
        .flatMap(
            id ->
                nodes.live(Membership.LIVENESS).stream().filter(n -> n.id().equals(id)).findFirst())
        .map(ClusterForwarding::peer);
  }

  @Override
  public void failed(DatabaseId db) {
    routing.forget(db);
  }

  @Override
  public List<Peer> peers() {
    return nodes.live(Membership.LIVENESS).stream()
        .filter(n -> !n.id().equals(self))
        .map(ClusterForwarding::peer)
        .toList();
  }

  private static Peer peer(Node n) {
    return new Peer(n.id().value(), n.advertiseUrl());
  }
}
