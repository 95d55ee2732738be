package dev.opend1.cluster;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Routing} from the lease table ({@link Leases#owner}) and the live nodes ({@link
 * Nodes#live}), each answer kept for {@link #FRESH}: at thousands of requests a second, a
 * database's owner is read from PostgreSQL about once per {@code FRESH}, not once per request, and
 * the live nodes once per {@code FRESH} for all databases.
 *
 * <p>The hazard of the cache: for up to {@code FRESH} after a lease moved, requests go to the old
 * owner. That node no longer holds the lease, so it answers a retryable 503 rather than serving
 * (loop guard, docs/cluster.md), and the forwarding node forgets the route on any failure, so the
 * next request finds the new owner.
 */
public final class LeaseRouting implements Routing {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseRouting.class);

  /** How long an owner or the list of live nodes is believed without asking PostgreSQL again. */
  public static final Duration FRESH = Duration.ofMillis(500);

  /**
   * Past this many remembered databases the memory is emptied (each entry is a few dozen bytes).
   */
  private static final int MAX_ROUTES = 100_000;

  /** A database's owner as read at {@code readAt} ({@link System#nanoTime}); empty: no lease. */
  private record Route(Optional<NodeId> owner, long readAt) {}

  /** The live nodes by id, as read at {@code readAt}. */
  private record LiveNodes(Map<NodeId, Node> byId, long readAt) {}

  private final Leases leases;
  private final Nodes nodes;
  private final NodeId self;
  private final long freshNanos;

  /** Each database's last read owner; entries replaced whole, so no lock is needed. */
  private final ConcurrentHashMap<DatabaseId, Route> routes = new ConcurrentHashMap<>();

  /** The last read live nodes, replaced whole; null until first read or after a failure. */
  private volatile LiveNodes live;

  public LeaseRouting(Leases leases, Nodes nodes, NodeId self) {
    this(leases, nodes, self, FRESH);
  }

  LeaseRouting(Leases leases, Nodes nodes, NodeId self, Duration fresh) {
    this.leases = leases;
    this.nodes = nodes;
    this.self = self;
    this.freshNanos = fresh.toNanos();
  }

  @Override
  public Optional<Node> forwardTarget(DatabaseId id) {
    long now = System.nanoTime();
    Route route = routes.get(id);
    if (route == null || now - route.readAt() > freshNanos) {
      route = new Route(read(() -> leases.owner(id).map(Lease::owner), id), now);
      if (routes.size() >= MAX_ROUTES) {
        routes.clear();
      }
      routes.put(id, route);
    }
    if (route.owner().isEmpty() || route.owner().get().equals(self)) {
      return Optional.empty();
    }
    NodeId owner = route.owner().get();
    Node node = liveNodes(now, id).get(owner);
    LiveNodes known = live;
    if (node == null && known != null && now - known.readAt() > freshNanos / 10) {
      // An owner missing from a list read a while ago may have joined since (a new node that
      // took a lease): read the list once more, at most ten times per freshness period.
      live = null;
      node = liveNodes(now, id).get(owner);
    }
    if (node == null) {
      throw new D1Exception.OwnerUnavailable(
          "database "
              + id
              + " is owned by node "
              + owner
              + ", which has not been heard from for "
              + Membership.LIVENESS.toSeconds()
              + " s; another node takes it over once the lease lapses");
    }
    return Optional.of(node);
  }

  @Override
  public void forget(DatabaseId id) {
    routes.remove(id);
    live = null;
  }

  private Map<NodeId, Node> liveNodes(long now, DatabaseId id) {
    LiveNodes known = live;
    if (known == null || now - known.readAt() > freshNanos) {
      Map<NodeId, Node> byId =
          read(
              () ->
                  nodes.live(Membership.LIVENESS).stream()
                      .collect(Collectors.toUnmodifiableMap(Node::id, Function.identity())),
              id);
      known = new LiveNodes(byId, now);
      live = known;
    }
    return known.byId();
  }

  /** A read of PostgreSQL; its failure is the owner's being unavailable, not the server's fault. */
  private static <T> T read(java.util.function.Supplier<T> query, DatabaseId id) {
    try {
      return query.get();
    } catch (RuntimeException e) {
      // The cause names hosts and users: logged, not answered.
      LOG.warn("finding the owner of database {}: {}", id, e.getMessage());
      throw new D1Exception.OwnerUnavailable(
          "the owner of database " + id + " cannot be looked up in the cluster's PostgreSQL");
    }
  }
}
