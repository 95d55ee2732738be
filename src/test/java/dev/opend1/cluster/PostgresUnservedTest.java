package dev.opend1.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import dev.opend1.testing.PostgresDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which unserved databases a node may take over in the background, on a real PostgreSQL: a dead or
 * stopped node's, a node's own, never a live node's whose lease lapsed a moment ago, nor a deleted
 * database's. Lapses and heartbeats in the past are reached by test-only UPDATEs.
 */
class PostgresUnservedTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final Duration LIVENESS = Duration.ofSeconds(10);

  private ClusterDatabase db;
  private Leases leases;
  private Unserved unserved;
  private final NodeId a = new NodeId("node-a");
  private final NodeId b = new NodeId("node-b");
  private final NodeId c = new NodeId("node-c");

  @BeforeEach
  void open() throws Exception {
    db = new ClusterDatabase(PG);
    leases = new PostgresLeases(db.dataSource());
    unserved = new PostgresUnserved(db.dataSource());
    Nodes nodes = new PostgresNodes(db.dataSource());
    for (NodeId n : new NodeId[] {a, b, c}) {
      nodes.heartbeat(n, URI.create("http://" + n.value() + ":8787"), "test");
    }
    db.execute("INSERT INTO accounts(id, name, created_at_ms) VALUES ('acct', 'acct', 0)");
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aDeadNodesDatabasesAreOfferedToTheOthersOnceTheGraceHasPassed() throws Exception {
    DatabaseId d = leased(a, "ready");
    lapse(d, 3);
    heard(a, 5); // its last heartbeat before the lapse: it died
    assertThat(unserved.count()).isEqualTo(1);
    assertThat(offered(b)).containsExactly(d);
    assertThat(offered(c)).containsExactly(d);
    assertThat(unserved.forTakeover(b, false, GRACE, LIVENESS, 10))
        .as("not while this node's sweeps only just reach PostgreSQL again")
        .isEmpty();

    lapse(d, 1);
    heard(a, 5);
    assertThat(offered(b)).as("lapsed less than the grace ago").isEmpty();
  }

  @Test
  void aLiveNodesLapsedDatabaseIsLeftForItToTakeBack() throws Exception {
    DatabaseId d = leased(a, "ready");
    lapse(d, 3);
    heard(a, 0); // it heartbeats after its lease lapsed: alive (PostgreSQL was slow, it paused)
    assertThat(offered(b)).isEmpty();
    assertThat(offered(a)).containsExactly(d);
    assertThat(unserved.forTakeover(a, false, GRACE, LIVENESS, 10))
        .as("its own, even before it may take others'")
        .containsExactly(d);
  }

  @Test
  void aStoppedNodesDatabasesAreOfferedOnceItIsNoLongerAlive() throws Exception {
    DatabaseId d = leased(a, "ready");
    lapse(d, 12); // given back at SIGTERM, its heartbeats went on a moment longer
    heard(a, 11);
    assertThat(offered(b)).containsExactly(d);
    heard(a, 9);
    lapse(d, 12);
    assertThat(offered(b)).as("heard from since, within the liveness timeout").isEmpty();
  }

  @Test
  void aLeftNodesDatabasesAreOfferedAtOnce() throws Exception {
    DatabaseId d = leased(a, "ready");
    long epoch = leases.owner(d).orElseThrow().epoch();
    assertThat(leases.release(d, a, epoch)).isTrue(); // SIGTERM: given back, then it left
    heard(a, 0);
    assertThat(offered(b)).as("a node heard from a moment ago is not gone").isEmpty();
    Nodes nodes = new PostgresNodes(db.dataSource());
    assertThat(nodes.leave(a)).isTrue();
    assertThat(offered(b)).as("released a moment ago, by a node that left").containsExactly(d);
    assertThat(unserved.forTakeover(b, false, GRACE, LIVENESS, 10))
        .as("not while this node's sweeps only just reach PostgreSQL again")
        .isEmpty();
    nodes.join(a, URI.create("http://node-a:8787"), "test");
    assertThat(offered(b)).as("started again: its own to take back").isEmpty();
    assertThat(offered(a)).containsExactly(d);
  }

  @Test
  void aLeaseInForceOrADeletedDatabaseIsNotOffered() throws Exception {
    leased(a, "ready");
    DatabaseId deleting = leased(a, "deleting");
    lapse(deleting, 30);
    DatabaseId gone = DatabaseId.random();
    leases.acquire(gone, a, LONG).orElseThrow();
    lapse(gone, 30);
    heard(a, 60);
    assertThat(unserved.count()).isZero();
    assertThat(offered(b)).isEmpty();
  }

  @Test
  void eachNodeSweepsInAnOrderOfItsOwn() throws Exception {
    List<DatabaseId> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(leased(a, "ready"));
    }
    // All lapsed at one moment, right before the heartbeat is set: made one by one, the first
    // lapses would be older than the heartbeat when the loop is slow (a loaded machine).
    db.execute(
        "UPDATE database_leases SET expires_at = now() - interval '3 seconds'"
            + " WHERE owner = 'node-a'");
    heard(a, 5);
    assertThat(unserved.count()).isEqualTo(20);
    List<DatabaseId> byB = offered(b);
    List<DatabaseId> byC = offered(c);
    assertThat(byB).containsExactlyInAnyOrderElementsOf(all);
    assertThat(byC).containsExactlyInAnyOrderElementsOf(all);
    assertThat(byB).as("two sweeping nodes start on different databases").isNotEqualTo(byC);
    assertThat(offered(b)).as("the same order at every sweep").isEqualTo(byB);
    assertThat(unserved.forTakeover(b, true, GRACE, LIVENESS, 5)).isEqualTo(byB.subList(0, 5));
  }

  private List<DatabaseId> offered(NodeId node) {
    return unserved.forTakeover(node, true, GRACE, LIVENESS, 100);
  }

  /** A database in the catalog in {@code state}, leased by {@code owner}. */
  private DatabaseId leased(NodeId owner, String state) throws Exception {
    DatabaseId d = DatabaseId.random();
    db.execute(
        "INSERT INTO databases(id, account_id, name, created_at_ms, created_in_region,"
            + " read_replication, state) VALUES ('"
            + d
            + "', 'acct', '"
            + d
            + "', 0, 'WNAM', 'disabled', '"
            + state
            + "')");
    leases.acquire(d, owner, LONG).orElseThrow();
    return d;
  }

  /** Test-only: the lease on {@code d} lapsed {@code seconds} ago by PostgreSQL's clock. */
  private void lapse(DatabaseId d, int seconds) throws Exception {
    db.execute(
        "UPDATE database_leases SET expires_at = now() - interval '"
            + seconds
            + " seconds' WHERE database_id = '"
            + d
            + "'");
  }

  /** Test-only: node {@code n} was last heard from {@code seconds} ago. */
  private void heard(NodeId n, int seconds) throws Exception {
    db.execute(
        "UPDATE nodes SET heartbeat_at = now() - interval '"
            + seconds
            + " seconds' WHERE id = '"
            + n.value()
            + "'");
  }
}
