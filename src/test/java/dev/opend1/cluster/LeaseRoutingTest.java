package dev.opend1.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link LeaseRouting} over hand-written leases and nodes that count their reads: the owner is read
 * once per freshness period however many requests ask, a forgotten route is read again, and what it
 * answers for no lease, its own lease, a live owner and a silent one.
 */
class LeaseRoutingTest {

  private static final NodeId SELF = new NodeId("self");
  private static final NodeId OTHER = new NodeId("other");
  private static final Node OTHER_NODE =
      new Node(OTHER, URI.create("http://10.0.0.2:8787"), "v", NodeState.LIVE, Instant.now());

  /** The lease owners and live nodes as set by the test; reads counted. */
  private static final class Table implements Leases, Nodes {
    final Map<DatabaseId, NodeId> owners = new HashMap<>();
    List<Node> live = List.of(OTHER_NODE);
    final AtomicInteger ownerReads = new AtomicInteger();
    final AtomicInteger nodeReads = new AtomicInteger();
    boolean down;

    @Override
    public Optional<Lease> owner(DatabaseId database) {
      ownerReads.incrementAndGet();
      if (down) {
        throw new IllegalStateException("read the lease: connection refused to db.internal");
      }
      return Optional.ofNullable(owners.get(database))
          .map(n -> new Lease(database, n, 1, Instant.now().plusSeconds(60)));
    }

    @Override
    public List<Node> live(Duration timeout) {
      nodeReads.incrementAndGet();
      return live;
    }

    @Override
    public Optional<Lease> acquire(DatabaseId database, NodeId node, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Lease> renew(DatabaseId database, NodeId node, long epoch, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean release(DatabaseId database, NodeId node, long epoch) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Node join(NodeId node, URI advertiseUrl, String version) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean leave(NodeId node) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Node heartbeat(NodeId node, URI advertiseUrl, String version, List<ReplicaCopy> copies) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<NodeStatus> status(Duration liveness) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ReplicaStatus> replicas(Duration liveness) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean drain(NodeId node) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean draining(NodeId node) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Grant> take(DatabaseId database, NodeId node, Duration ttl, long minEpoch) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Grant> reclaim(DatabaseId database, NodeId node, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Lease> renewAll(NodeId node, Map<DatabaseId, Long> epochs, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Lease> last(DatabaseId database) {
      throw new UnsupportedOperationException();
    }
  }

  private final Table table = new Table();

  @Test
  void manyRequestsReadTheOwnerOncePerFreshnessPeriod() {
    LeaseRouting routing = new LeaseRouting(table, table, SELF, Duration.ofMinutes(1));
    DatabaseId db = DatabaseId.random();
    table.owners.put(db, OTHER);
    for (int i = 0; i < 1000; i++) {
      assertThat(routing.forwardTarget(db)).contains(OTHER_NODE);
    }
    assertThat(table.ownerReads).hasValue(1);
    assertThat(table.nodeReads).hasValue(1);
  }

  @Test
  void aRouteIsReadAgainOnceStaleOrForgotten() throws Exception {
    DatabaseId db = DatabaseId.random();
    table.owners.put(db, OTHER);
    LeaseRouting forgetful = new LeaseRouting(table, table, SELF, Duration.ofMinutes(1));
    forgetful.forwardTarget(db);
    // The lease moved here; the route is forgotten after a failed forward.
    table.owners.put(db, SELF);
    assertThat(forgetful.forwardTarget(db)).contains(OTHER_NODE);
    forgetful.forget(db);
    assertThat(forgetful.forwardTarget(db)).isEmpty();
    assertThat(table.ownerReads).hasValue(2);

    LeaseRouting brief = new LeaseRouting(table, table, SELF, Duration.ofMillis(1));
    brief.forwardTarget(db);
    Thread.sleep(5);
    brief.forwardTarget(db);
    assertThat(table.ownerReads).hasValue(4);
  }

  @Test
  void noLeaseOrItsOwnLeaseIsServedHere() {
    LeaseRouting routing = new LeaseRouting(table, table, SELF);
    DatabaseId mine = DatabaseId.random();
    table.owners.put(mine, SELF);
    assertThat(routing.forwardTarget(DatabaseId.random())).isEmpty();
    assertThat(routing.forwardTarget(mine)).isEmpty();
    // Neither needed the live nodes.
    assertThat(table.nodeReads).hasValue(0);
  }

  @Test
  void anOwnerThatIsNotAliveIsARetryableRefusal() {
    LeaseRouting routing = new LeaseRouting(table, table, SELF);
    DatabaseId db = DatabaseId.random();
    table.owners.put(db, OTHER);
    table.live = List.of();
    assertThatThrownBy(() -> routing.forwardTarget(db))
        .isInstanceOf(D1Exception.OwnerUnavailable.class)
        .hasMessageContaining("owned by node other, which has not been heard from");
  }

  @Test
  void anUnreachablePostgresqlIsARetryableRefusalThatNamesNoHost() {
    LeaseRouting routing = new LeaseRouting(table, table, SELF);
    table.down = true;
    assertThatThrownBy(() -> routing.forwardTarget(DatabaseId.random()))
        .isInstanceOf(D1Exception.OwnerUnavailable.class)
        .hasMessageContaining("cannot be looked up in the cluster's PostgreSQL")
        .hasMessageNotContaining("db.internal");
  }
}
