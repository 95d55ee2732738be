package dev.opend1.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DaemonPools;
import dev.opend1.testing.PostgresDatabase;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Eager takeover on real leases in PostgreSQL: a dead node's databases are taken by the nodes left
 * without any request, each rebuilt once, spread over them; a request for a database being rebuilt
 * waits for that rebuild. The bucket is a fake {@link LocalCopies} that counts its rebuilds and can
 * hold one until the test lets it finish.
 */
class EagerTakeoverTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration TTL = Duration.ofMillis(1500);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private ClusterDatabase db;
  private Leases leases;
  private Nodes nodes;
  private final NodeId a = new NodeId("node-a");
  private final NodeId b = new NodeId("node-b");
  private final NodeId c = new NodeId("node-c");
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** Every open after an eager take, by database, with the node that opened it. */
  private final Map<DatabaseId, List<NodeId>> opens = new ConcurrentHashMap<>();

  /** Every rebuild of every node, by database: a database rebuilt twice shows here. */
  private final Map<DatabaseId, List<NodeId>> rebuilds = new ConcurrentHashMap<>();

  /**
   * A node's files; a rebuild is recorded, takes a tenth of a second (as a small database's does
   * from a bucket on loopback) and waits while {@code hold} is closed.
   */
  private final class Copies implements LocalCopies {
    final NodeId node;
    final Set<DatabaseId> here = ConcurrentHashMap.newKeySet();
    volatile CountDownLatch hold = new CountDownLatch(0);
    final CountDownLatch started = new CountDownLatch(1);

    Copies(NodeId node) {
      this.node = node;
    }

    @Override
    public boolean has(DatabaseId id) {
      return here.contains(id);
    }

    /** No standalone server wrote these databases: every claim is a lease's. */
    @Override
    public long highestClaim(DatabaseId id) {
      return 0;
    }

    /** No refresh begins and fails here. */
    @Override
    public boolean unchecked(DatabaseId id) {
      return false;
    }

    /** Nothing writes these databases, so a copy here is always the bucket's: kept. */
    @Override
    public boolean refresh(DatabaseId id, long generation) {
      return false;
    }

    @Override
    public void rebuild(DatabaseId id, long generation) throws IOException {
      rebuilds
          .computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
          .add(node);
      started.countDown();
      try {
        Thread.sleep(100);
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      here.add(id);
    }
  }

  @BeforeEach
  void open() throws Exception {
    db = new ClusterDatabase(PG);
    leases = new PostgresLeases(db.dataSource());
    nodes = new PostgresNodes(db.dataSource());
    for (NodeId n : new NodeId[] {a, b, c}) {
      nodes.heartbeat(n, URI.create("http://" + n.value() + ":8787"), "test");
    }
    db.execute("INSERT INTO accounts(id, name, created_at_ms) VALUES ('acct', 'acct', 0)");
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable o : opened.reversed()) {
      o.close();
    }
    db.close();
  }

  @Test
  void aDeadNodesDatabasesAreTakenWithoutARequestEachOnceSpreadOverTheOthers() throws Exception {
    List<DatabaseId> ids = deadNodesDatabases(20);
    Copies copiesB = new Copies(b);
    Copies copiesC = new Copies(c);
    OwnedDatabases nodeB = node(b, copiesB);
    OwnedDatabases nodeC = node(c, copiesC);
    eager(nodeB, b);
    eager(nodeC, c);

    long deadline = System.nanoTime() + WAIT.toNanos();
    while (nodeB.count() + nodeC.count() < ids.size() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(nodeB.count() + nodeC.count()).as("every database taken over").isEqualTo(20);
    for (DatabaseId id : ids) {
      assertThat(nodeB.mayWrite(id) ^ nodeC.mayWrite(id)).as("served by one node").isTrue();
      assertThat(rebuilds.get(id)).as("rebuilt once, by the node serving it").hasSize(1);
      assertThat(opens.get(id))
          .as("opened once after the take, by the node serving it, so its file is built")
          .containsExactly(nodeB.mayWrite(id) ? b : c);
    }
    assertThat(nodeB.count()).as("node b took its share").isPositive();
    assertThat(nodeC.count()).as("node c took its share").isPositive();
    assertThat(nodeB.counters().eagerTakeovers() + nodeC.counters().eagerTakeovers()).isEqualTo(20);
    assertThat(nodeB.counters().takeovers() + nodeC.counters().takeovers()).isEqualTo(20);
  }

  @Test
  void aStoppedNodesDatabasesAreTakenAtOnceThoughItsHeartbeatsWentOn() throws Exception {
    ScheduledExecutorService renewer = DaemonPools.scheduled("test-stopping");
    OwnedDatabases nodeA = node(a, new Copies(a), renewer);
    List<DatabaseId> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      DatabaseId id = ready();
      nodeA.created(id);
      ids.add(id);
    }
    // SIGTERM: node a gives its leases back, then leaves; a heartbeat still on its way lands after.
    nodeA.close();
    assertThat(nodes.leave(a)).isTrue();
    Copies copiesB = new Copies(b);
    Copies copiesC = new Copies(c);
    OwnedDatabases nodeB = node(b, copiesB);
    OwnedDatabases nodeC = node(c, copiesC);
    eager(nodeB, b);
    eager(nodeC, c);

    // Node a's heartbeat stays fresh throughout: without its left mark the others would wait for
    // the liveness timeout (10 s after a heartbeat that never gets old), so they would take
    // nothing.
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (nodeB.count() + nodeC.count() < ids.size() && System.nanoTime() < deadline) {
      nodes.heartbeat(a, URI.create("http://node-a:8787"), "test");
      Thread.sleep(50);
    }
    assertThat(nodes.status(Membership.LIVENESS))
        .filteredOn(n -> n.node().id().equals(a))
        .singleElement()
        .satisfies(n -> assertThat(n.node().state()).isEqualTo(NodeState.LEFT))
        .satisfies(n -> assertThat(n.alive()).as("a heartbeat does not undo leaving").isFalse());
    assertThat(nodeB.count() + nodeC.count()).as("every database taken over").isEqualTo(6);
    for (DatabaseId id : ids) {
      assertThat(nodeB.mayWrite(id) ^ nodeC.mayWrite(id)).as("served by one node").isTrue();
      assertThat(rebuilds.get(id)).as("rebuilt once, by the node serving it").hasSize(1);
    }
    assertThat(nodeB.counters().eagerTakeovers() + nodeC.counters().eagerTakeovers()).isEqualTo(6);
  }

  @Test
  void aRequestDuringAnEagerRebuildWaitsForItAndRebuildsNothingMore() throws Exception {
    DatabaseId d = deadNodesDatabases(1).get(0);
    Copies copiesB = new Copies(b);
    copiesB.hold = new CountDownLatch(1);
    OwnedDatabases nodeB = node(b, copiesB);
    eager(nodeB, b);
    assertThat(copiesB.started.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the background rebuild started")
        .isTrue();

    CompletableFuture<Void> request = CompletableFuture.runAsync(() -> nodeB.serve(d));
    try {
      request.get(500, TimeUnit.MILLISECONDS);
      throw new AssertionError("the request was served before the rebuild finished");
    } catch (TimeoutException waiting) {
      // it waits for the rebuild, as it should
    }
    copiesB.hold.countDown();
    request.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(nodeB.mayWrite(d)).isTrue();
    assertThat(rebuilds.get(d)).as("one rebuild for both").containsExactly(b);
  }

  @Test
  void aRebuildLongerThanTheTtlKeepsItsLease() throws Exception {
    DatabaseId d = deadNodesDatabases(1).get(0);
    Copies copiesB = new Copies(b);
    copiesB.hold = new CountDownLatch(1);
    OwnedDatabases nodeB = node(b, copiesB);
    CompletableFuture<Void> request = CompletableFuture.runAsync(() -> nodeB.serve(d));
    assertThat(copiesB.started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    long epoch = leases.owner(d).orElseThrow().epoch();
    Thread.sleep(TTL.toMillis() * 3);
    assertThat(leases.owner(d)).as("renewed while rebuilt").isPresent();
    copiesB.hold.countDown();
    request.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(nodeB.mayWrite(d)).isTrue();
    assertThat(leases.owner(d).orElseThrow().epoch()).as("the same tenure").isEqualTo(epoch);
    assertThat(nodeB.counters().lost()).isZero();
  }

  @Test
  void aStopWaitsForATakeThatRunsSoNoneGoesOnWhileTheEngineCloses() throws Exception {
    deadNodesDatabases(1);
    OwnedDatabases nodeB = node(b, new Copies(b));
    CountDownLatch opening = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean opened =
        new java.util.concurrent.atomic.AtomicBoolean();
    EagerTakeover e =
        new EagerTakeover(
            nodeB,
            new PostgresUnserved(db.dataSource()),
            b,
            d -> {
              // The engine's open after a take, as slow as a large file's build, and not stopped
              // by an interrupt.
              opening.countDown();
              long until = System.nanoTime() + 1_000_000_000L;
              while (System.nanoTime() < until) {
                try {
                  Thread.sleep(50);
                } catch (InterruptedException ignored) {
                  // an engine's open does not stop midway either
                }
              }
              opened.set(true);
            },
            DaemonPools.scheduled("test-sweep"),
            DaemonPools.fixed("test-takers", 2));
    e.start();
    assertThat(opening.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    e.close();
    assertThat(opened.get()).as("the take ran to its end before the stop returned").isTrue();
  }

  @Test
  void aLazyNodeTakesNothingWithoutARequest() throws Exception {
    DatabaseId d = deadNodesDatabases(1).get(0);
    OwnedDatabases nodeB = node(b, new Copies(b));
    Thread.sleep(EagerTakeover.SETTLED.toMillis() * 3);
    assertThat(nodeB.count()).isZero();
    nodeB.serve(d);
    assertThat(rebuilds.get(d)).containsExactly(b);
  }

  /**
   * {@code n} ready databases created by node a, which then dies: its renewals stop, and it is not
   * heard from again; returns once their leases have lapsed.
   */
  private List<DatabaseId> deadNodesDatabases(int n) throws Exception {
    ScheduledExecutorService renewer = DaemonPools.scheduled("test-dying");
    OwnedDatabases nodeA =
        new OwnedDatabases(
            leases,
            new PostgresMoves(db.dataSource()),
            a,
            TTL,
            new Copies(a),
            renewer,
            DaemonPools.fixed("test-moves", 1),
            () -> false,
            () -> nodes.status(Membership.LIVENESS));
    List<DatabaseId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DatabaseId id = DatabaseId.random();
      db.execute(
          "INSERT INTO databases(id, account_id, name, created_at_ms, created_in_region,"
              + " read_replication, state) VALUES ('"
              + id
              + "', 'acct', '"
              + id
              + "', 0, 'WNAM', 'disabled', 'ready')");
      nodeA.created(id);
      ids.add(id);
    }
    renewer.shutdownNow(); // SIGKILL: nothing is given back
    db.execute("UPDATE nodes SET heartbeat_at = now() - interval '1 hour' WHERE id = 'node-a'");
    Thread.sleep(TTL.toMillis());
    return ids;
  }

  private OwnedDatabases node(NodeId id, Copies copies) {
    return node(id, copies, DaemonPools.scheduled("test-leases"));
  }

  /** A ready database in the catalog, leased by nobody yet. */
  private DatabaseId ready() throws Exception {
    DatabaseId id = DatabaseId.random();
    db.execute(
        "INSERT INTO databases(id, account_id, name, created_at_ms, created_in_region,"
            + " read_replication, state) VALUES ('"
            + id
            + "', 'acct', '"
            + id
            + "', 0, 'WNAM', 'disabled', 'ready')");
    return id;
  }

  private OwnedDatabases node(NodeId id, Copies copies, ScheduledExecutorService renewer) {
    OwnedDatabases o =
        new OwnedDatabases(
            leases,
            new PostgresMoves(db.dataSource()),
            id,
            TTL,
            copies,
            renewer,
            DaemonPools.fixed("test-moves", 2),
            () -> false,
            () -> nodes.status(Membership.LIVENESS));
    opened.add(o);
    return o;
  }

  private void eager(OwnedDatabases owned, NodeId id) {
    EagerTakeover e =
        new EagerTakeover(
            owned,
            new PostgresUnserved(db.dataSource()),
            id,
            d -> {
              assertThat(owned.mayWrite(d)).as("opened under its lease").isTrue();
              opens
                  .computeIfAbsent(d, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                  .add(id);
            },
            DaemonPools.scheduled("test-sweep"),
            DaemonPools.fixed("test-takers", 2));
    opened.add(e);
    e.start();
  }
}
