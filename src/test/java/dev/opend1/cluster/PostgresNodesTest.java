package dev.opend1.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.opend1.core.DatabaseId;
import dev.opend1.testing.PostgresDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes and placement on a real PostgreSQL. A node is made to look dead by a test-only UPDATE that
 * moves its heartbeat a minute into the past (waiting out a timeout would only slow the test);
 * liveness is still judged by PostgreSQL's {@code now()}.
 */
class PostgresNodesTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration LIVENESS = Duration.ofSeconds(10);
  private static final Duration LONG = Duration.ofMinutes(5);

  private ClusterDatabase db;
  private Nodes nodes;
  private Leases leases;
  private Placement placement;
  private final NodeId a = new NodeId("a");
  private final NodeId b = new NodeId("b");
  private final NodeId c = new NodeId("c");
  private final NodeId d = new NodeId("d");

  @BeforeEach
  void open() {
    db = new ClusterDatabase(PG);
    nodes = new PostgresNodes(db.dataSource());
    leases = new PostgresLeases(db.dataSource());
    placement = new PostgresPlacement(db.dataSource());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private Node beat(NodeId node) {
    return nodes.heartbeat(node, URI.create("http://" + node + ".internal:8787"), "1.2.3");
  }

  /** Test-only: the node's last heartbeat was a minute ago by PostgreSQL's clock. */
  private void silence(NodeId node) throws Exception {
    db.execute(
        "UPDATE nodes SET heartbeat_at = now() - interval '1 minute' WHERE id = '" + node + "'");
  }

  @Test
  void aHeartbeatRegistersTheNodeAndThenUpdatesIt() throws Exception {
    Node first = beat(a);
    assertThat(first.state()).isEqualTo(NodeState.LIVE);
    assertThat(first.advertiseUrl()).isEqualTo(URI.create("http://a.internal:8787"));
    assertThat(first.version()).isEqualTo("1.2.3");
    db.column("SELECT pg_sleep(0.05)");
    Node again = nodes.heartbeat(a, URI.create("https://a2.internal:8443"), "1.2.4");
    assertThat(again.heartbeatAt()).isAfter(first.heartbeatAt());
    assertThat(again.advertiseUrl()).isEqualTo(URI.create("https://a2.internal:8443"));
    assertThat(again.version()).isEqualTo("1.2.4");
    assertThat(db.column("SELECT count(*) FROM nodes")).containsExactly("1");
  }

  @Test
  void eachHeartbeatStoresWhatTheNodesReplicasReport() {
    DatabaseId x = DatabaseId.random();
    DatabaseId y = DatabaseId.random();
    DatabaseId z = DatabaseId.random();
    beat(a);
    nodes.heartbeat(
        b,
        URI.create("http://b.internal:8787"),
        "1.2.3",
        List.of(new ReplicaCopy(x, 1.25, 7), new ReplicaCopy(y, 0, 0), new ReplicaCopy(z, 0.5, 2)));
    assertThat(nodes.status(LIVENESS))
        .extracting(NodeStatus::replicas)
        .containsExactly(ReplicaLag.NONE, new ReplicaLag(3, 1.25, 7));
    // The next heartbeat replaces the figures: they are the node's now, not a maximum.
    nodes.heartbeat(
        b, URI.create("http://b.internal:8787"), "1.2.3", List.of(new ReplicaCopy(y, 0, 0)));
    assertThat(nodes.status(LIVENESS).get(1).replicas()).isEqualTo(new ReplicaLag(1, 0, 0));
  }

  @Test
  void eachHeartbeatReplacesTheNodesCopiesDatabaseByDatabase() throws Exception {
    DatabaseId x = DatabaseId.random();
    DatabaseId y = DatabaseId.random();
    DatabaseId z = DatabaseId.random();
    URI bUrl = URI.create("http://b.internal:8787");
    URI cUrl = URI.create("http://c.internal:8787");
    beat(a);
    leases.acquire(x, a, LONG).orElseThrow();
    nodes.heartbeat(
        b, bUrl, "1.2.3", List.of(new ReplicaCopy(x, 1.5, 4), new ReplicaCopy(y, 0, 0)));
    nodes.heartbeat(c, cUrl, "1.2.3", List.of(new ReplicaCopy(x, 0.25, 1)));
    // By database, then node; the owner is the lease in force (none on y).
    assertThat(nodes.replicas(LIVENESS))
        .extracting(ReplicaStatus::database, ReplicaStatus::owner, ReplicaStatus::follower)
        .containsExactlyElementsOf(
            sorted(
                List.of(
                    tuple(x, Optional.of(a), b),
                    tuple(x, Optional.of(a), c),
                    tuple(y, Optional.empty(), b))));
    assertThat(nodes.replicas(LIVENESS))
        .filteredOn(r -> r.database().equals(x) && r.follower().equals(b))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.seconds()).isEqualTo(1.5);
              assertThat(r.records()).isEqualTo(4);
            });

    // b stops following x and starts on z, and its copy of y falls behind: its rows are replaced.
    nodes.heartbeat(b, bUrl, "1.2.3", List.of(new ReplicaCopy(y, 2, 9), new ReplicaCopy(z, 0, 0)));
    assertThat(
            db.column(
                "SELECT database_id || ' ' || lag_seconds || ' ' || lag_records"
                    + " FROM replica_copies WHERE node_id = 'b' ORDER BY database_id"))
        .containsExactlyElementsOf(sorted(List.of(y + " 2 9", z + " 0 0")));

    // A node not heard from within the timeout shows no copy: its figures would read as current.
    silence(c);
    assertThat(nodes.replicas(LIVENESS)).extracting(ReplicaStatus::follower).containsOnly(b);
    // Following nothing any more leaves no row behind.
    nodes.heartbeat(b, bUrl, "1.2.3", List.of());
    assertThat(db.column("SELECT count(*) FROM replica_copies WHERE node_id = 'b'"))
        .containsExactly("0");
  }

  @Test
  void aHeartbeatWritesNoCopyWhoseFiguresDidNotChange() throws Exception {
    DatabaseId x = DatabaseId.random();
    DatabaseId y = DatabaseId.random();
    URI bUrl = URI.create("http://b.internal:8787");
    nodes.heartbeat(b, bUrl, "1.2.3", List.of(new ReplicaCopy(x, 0, 0), new ReplicaCopy(y, 1, 3)));
    // xmin is the transaction that last wrote a row: unchanged for x, new for y.
    String xBefore = xmin(x);
    String yBefore = xmin(y);
    nodes.heartbeat(b, bUrl, "1.2.3", List.of(new ReplicaCopy(x, 0, 0), new ReplicaCopy(y, 2, 5)));
    assertThat(xmin(x)).isEqualTo(xBefore);
    assertThat(xmin(y)).isNotEqualTo(yBefore);
  }

  private String xmin(DatabaseId database) throws Exception {
    return db.column("SELECT xmin FROM replica_copies WHERE database_id = '" + database + "'")
        .get(0);
  }

  /** Rows keyed by database id first, as PostgreSQL's "C" collation orders them. */
  private static <T> List<T> sorted(List<T> rows) {
    return rows.stream().sorted(java.util.Comparator.comparing(Object::toString)).toList();
  }

  @Test
  void onlyNodesHeardFromWithinTheTimeoutAreLive() throws Exception {
    beat(a);
    beat(b);
    beat(c);
    silence(b);
    assertThat(nodes.live(LIVENESS)).extracting(Node::id).containsExactly(a, c);
    // A wider window still sees it; a heartbeat brings it back.
    assertThat(nodes.live(Duration.ofMinutes(2))).extracting(Node::id).containsExactly(a, b, c);
    beat(b);
    assertThat(nodes.live(LIVENESS)).extracting(Node::id).containsExactly(a, b, c);
  }

  @Test
  void aDrainingNodeStaysDrainingThroughItsHeartbeats() {
    beat(a);
    assertThat(nodes.drain(a)).isTrue();
    assertThat(nodes.drain(new NodeId("nobody"))).isFalse();
    assertThat(beat(a).state()).isEqualTo(NodeState.DRAINING);
    assertThat(nodes.live(LIVENESS)).extracting(Node::state).containsExactly(NodeState.DRAINING);
  }

  @Test
  void aNodeThatLeftIsNotAliveThroughItsHeartbeatsUntilItJoinsAgain() {
    URI url = URI.create("http://a.internal:8787");
    nodes.join(a, url, "1.2.3");
    beat(b);
    assertThat(nodes.leave(a)).isTrue();
    assertThat(nodes.leave(new NodeId("nobody"))).isFalse();
    assertThat(nodes.live(LIVENESS)).extracting(Node::id).containsExactly(b);
    assertThat(placement.leastLoaded(LIVENESS)).as("placed nothing").contains(b);
    // A heartbeat on its way as the node left lands after: it leaves the node left.
    assertThat(beat(a).state()).isEqualTo(NodeState.LEFT);
    assertThat(nodes.status(LIVENESS))
        .extracting(s -> s.node().id().value() + " " + s.node().state() + " " + s.alive())
        .containsExactly("a LEFT false", "b LIVE true");

    // Started again with the same id: live.
    assertThat(nodes.join(a, url, "1.2.4").state()).isEqualTo(NodeState.LIVE);
    assertThat(nodes.live(LIVENESS)).extracting(Node::id).containsExactly(a, b);
    assertThat(placement.leastLoaded(LIVENESS)).contains(a);

    // A draining node that stops and starts again is still draining.
    nodes.drain(a);
    nodes.leave(a);
    assertThat(nodes.join(a, url, "1.2.4").state()).isEqualTo(NodeState.DRAINING);
  }

  @Test
  void placementPicksTheLeastLoadedLiveNodeAndSkipsDrainingAndDeadOnes() throws Exception {
    assertThat(placement.leastLoaded(LIVENESS)).as("no nodes").isEmpty();
    beat(a);
    beat(b);
    beat(c);
    beat(d);
    hold(a, 3);
    hold(b, 1);
    hold(c, 2);
    nodes.drain(c);
    silence(d); // no leases, but dead
    assertThat(placement.leastLoaded(LIVENESS)).contains(b);

    hold(b, 3); // b now holds 4, a 3
    assertThat(placement.leastLoaded(LIVENESS)).contains(a);

    // Leases no longer in force are no load: b's lapse, and b is the least loaded again.
    db.execute(
        "UPDATE database_leases SET expires_at = now() - interval '1 second'"
            + " WHERE owner = 'b'");
    assertThat(placement.leastLoaded(LIVENESS)).contains(b);

    beat(d); // alive again with no lease: b and d both hold none, and the tie goes to b
    assertThat(placement.leastLoaded(LIVENESS)).contains(b);
    silence(a);
    silence(b);
    assertThat(placement.leastLoaded(LIVENESS)).contains(d);
    silence(d);
    assertThat(placement.leastLoaded(LIVENESS)).as("only a draining node is left").isEmpty();
  }

  private void hold(NodeId node, int count) {
    for (int i = 0; i < count; i++) {
      leases.acquire(DatabaseId.random(), node, LONG).orElseThrow();
    }
  }

  @Test
  void statusShowsEveryNodeAliveOrNotWithTheLeasesItHolds() throws Exception {
    beat(a);
    beat(b);
    beat(c);
    silence(c);
    leases.acquire(DatabaseId.random(), a, LONG);
    leases.acquire(DatabaseId.random(), a, LONG);
    DatabaseId lapsed = DatabaseId.random();
    leases.acquire(lapsed, b, LONG);
    db.execute(
        "UPDATE database_leases SET expires_at = now() - interval '1 second'"
            + " WHERE database_id = '"
            + lapsed
            + "'");
    nodes.drain(b);
    assertThat(nodes.status(LIVENESS))
        .extracting(
            s ->
                s.node().id().value()
                    + " "
                    + s.node().state()
                    + " "
                    + s.alive()
                    + " "
                    + s.databases())
        .containsExactly("a LIVE true 2", "b DRAINING true 0", "c LIVE false 0");
  }
}
