package dev.opend1.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DaemonPools;
import dev.opend1.testing.PostgresDatabase;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node's databases as it serves them, on real leases in PostgreSQL: taken on first use, renewed
 * together, given up when lost, rebuilt from the bucket when the files are not here (the bucket is
 * a fake {@link LocalCopies} that records what was rebuilt, at which generation).
 */
class OwnedDatabasesTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration TTL = Duration.ofMillis(1500);

  private ClusterDatabase db;
  private Leases leases;
  private Nodes nodes;
  private final NodeId a = new NodeId("node-a");
  private final NodeId b = new NodeId("node-b");
  private final DatabaseId d = DatabaseId.random();
  private final List<OwnedDatabases> opened = new ArrayList<>();

  /** The nodes an operator asked to drain. */
  private final Set<NodeId> drainAsked = ConcurrentHashMap.newKeySet();

  /**
   * The databases whose files are on a node; rebuilds add to it. A refresh rebuilds the copies in
   * {@link #behind} (older than the bucket) and keeps the others.
   */
  private static final class Copies implements LocalCopies {
    final Set<DatabaseId> here = ConcurrentHashMap.newKeySet();
    final Set<DatabaseId> behind = ConcurrentHashMap.newKeySet();
    final List<String> rebuilt = new ArrayList<>();
    final List<String> refreshed = new ArrayList<>();
    volatile boolean bucketDown;

    /** Copies whose refresh began and did not finish. */
    final Set<DatabaseId> unchecked = ConcurrentHashMap.newKeySet();

    @Override
    public boolean unchecked(DatabaseId id) {
      return unchecked.contains(id);
    }

    @Override
    public synchronized boolean refresh(DatabaseId id, long generation) throws IOException {
      unchecked.add(id);
      if (bucketDown) {
        throw new IOException("the bucket cannot be reached");
      }
      refreshed.add(id + "@" + generation);
      unchecked.remove(id);
      return behind.remove(id);
    }

    @Override
    public boolean has(DatabaseId id) {
      return here.contains(id);
    }

    /** The highest generation claimed in the bucket: a standalone server's, when set. */
    volatile long claimed;

    /** When set, the claims cannot be listed. */
    volatile boolean claimsDown;

    @Override
    public long highestClaim(DatabaseId id) throws IOException {
      if (claimsDown) {
        throw new IOException("the bucket cannot be listed");
      }
      return claimed;
    }

    /** When set, a rebuild counts {@link #rebuildStarted} down and waits for it to open. */
    volatile CountDownLatch rebuildGate;

    final CountDownLatch rebuildStarted = new CountDownLatch(1);

    @Override
    public void rebuild(DatabaseId id, long generation) throws IOException {
      CountDownLatch gate = rebuildGate;
      if (gate != null) {
        rebuildStarted.countDown();
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      rebuildNow(id, generation);
    }

    private synchronized void rebuildNow(DatabaseId id, long generation) throws IOException {
      if (bucketDown) {
        throw new IOException("the bucket cannot be reached");
      }
      rebuilt.add(id + "@" + generation);
      here.add(id);
    }
  }

  @BeforeEach
  void open() {
    db = new ClusterDatabase(PG);
    leases = new PostgresLeases(db.dataSource());
    nodes = new PostgresNodes(db.dataSource());
    nodes.heartbeat(a, URI.create("http://a:8787"), "test");
    nodes.heartbeat(b, URI.create("http://b:8787"), "test");
  }

  @AfterEach
  void close() {
    opened.forEach(OwnedDatabases::close);
    db.close();
  }

  private OwnedDatabases node(NodeId id, Copies copies) {
    return node(id, copies, DaemonPools.scheduled("test-leases"));
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
            () -> drainAsked.contains(id),
            () -> nodes.status(Membership.LIVENESS));
    opened.add(o);
    return o;
  }

  /** A node whose process dies: its renewals stop, nothing is given back. */
  private OwnedDatabases dying(NodeId id, Copies copies, ScheduledExecutorService renewer) {
    return new OwnedDatabases(
        leases,
        new PostgresMoves(db.dataSource()),
        id,
        TTL,
        copies,
        renewer,
        DaemonPools.fixed("test-moves", 2),
        () -> false,
        () -> nodes.status(Membership.LIVENESS));
  }

  @Test
  void aNodeServesWhatItCreatedAndAnotherNodeIsToldWhoHoldsIt() {
    Copies copiesA = new Copies();
    OwnedDatabases nodeA = node(a, copiesA);
    OwnedDatabases nodeB = node(b, new Copies());
    nodeA.created(d);
    copiesA.here.add(d);
    nodeA.serve(d);
    assertThat(nodeA.mayWrite(d)).isTrue();
    assertThat(nodeA.generation(d.toString())).isEqualTo(2);

    assertThatThrownBy(() -> nodeB.serve(d))
        .isInstanceOf(D1Exception.NotOwner.class)
        .hasMessageContaining("node node-a holds its lease");
    assertThat(nodeB.mayWrite(d)).isFalse();
    assertThat(nodeB.generation(d.toString())).isEqualTo(OwnedDatabases.NOT_HELD);
  }

  @Test
  void aRequestWaitsForAnotherTakesRebuildAtMostTheTtlThenIsRefusedToRetry() throws Exception {
    OwnedDatabases nodeA = node(a, new Copies());
    nodeA.created(d);
    nodeA.release(d);
    Copies copiesB = new Copies();
    copiesB.rebuildGate = new CountDownLatch(1);
    OwnedDatabases nodeB = node(b, copiesB);
    // Threads of their own: the common pool may have a single one, which the take keeps busy.
    ExecutorService requests = Executors.newFixedThreadPool(2);
    CompletableFuture<Void> taking = CompletableFuture.runAsync(() -> nodeB.serve(d), requests);
    try {
      assertThat(copiesB.rebuildStarted.await(30, TimeUnit.SECONDS)).isTrue();
      // A second request meanwhile: refused once the ttl has passed, while the rebuild still runs.
      CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> nodeB.serve(d), requests);
      assertThatThrownBy(() -> waiting.get(TTL.toMillis() * 10, TimeUnit.MILLISECONDS))
          .as("refused, not left waiting for the rebuild")
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(D1Exception.NotOwner.class)
          .hasMessageContaining("still taking it over");
      assertThat(taking).isNotDone();
    } finally {
      copiesB.rebuildGate.countDown();
      requests.shutdown();
    }
    taking.get(30, TimeUnit.SECONDS);
    nodeB.serve(d);
    assertThat(nodeB.mayWrite(d)).isTrue();
    assertThat(copiesB.rebuilt).hasSize(1);
  }

  @Test
  void renewalsKeepTheLeasesPastTheirTtlWithTheSameEpoch() throws Exception {
    Copies copies = new Copies();
    OwnedDatabases nodeA = node(a, copies);
    List<DatabaseId> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      DatabaseId id = DatabaseId.random();
      nodeA.created(id);
      copies.here.add(id);
      ids.add(id);
    }
    Thread.sleep(TTL.toMillis() * 3);
    for (DatabaseId id : ids) {
      assertThat(nodeA.mayWrite(id)).isTrue();
      assertThat(leases.owner(id).orElseThrow().epoch()).isEqualTo(1);
    }
    assertThat(nodeA.count()).isEqualTo(50);
  }

  @Test
  void aLeaseTakenOverIsGivenUpAtTheNextRenewal() throws Exception {
    Copies copies = new Copies();
    OwnedDatabases nodeA = node(a, copies);
    nodeA.created(d);
    copies.here.add(d);
    // Test-only: the lease lapses by PostgreSQL's clock, as if node A's renewals had not arrived.
    db.execute(
        "UPDATE database_leases SET expires_at = now() - interval '1 second'"
            + " WHERE database_id = '"
            + d
            + "'");
    leases.acquire(d, b, Duration.ofMinutes(5)).orElseThrow();
    long deadline = System.nanoTime() + TTL.toNanos() * 2;
    while (nodeA.mayWrite(d) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(nodeA.mayWrite(d)).as("writes stopped").isFalse();
    assertThat(nodeA.count()).isZero();
    assertThatThrownBy(() -> nodeA.serve(d))
        .isInstanceOf(D1Exception.NotOwner.class)
        .hasMessageContaining("node node-b holds its lease");
  }

  @Test
  void aDatabaseWhoseOwnerDiedIsRebuiltFromTheBucketUnderTheNextEpoch() throws Exception {
    Copies copiesA = new Copies();
    ScheduledExecutorService renewerA = DaemonPools.scheduled("test-leases");
    OwnedDatabases nodeA = dying(a, copiesA, renewerA);
    nodeA.created(d);
    copiesA.here.add(d);
    // Node A dies: its renewals stop, and the lease lapses by PostgreSQL's clock.
    renewerA.shutdownNow();
    Copies copiesB = new Copies();
    OwnedDatabases nodeB = node(b, copiesB);
    assertThatThrownBy(() -> nodeB.serve(d)).isInstanceOf(D1Exception.NotOwner.class);
    Thread.sleep(TTL.toMillis() + 200);
    nodeB.serve(d);
    assertThat(copiesB.rebuilt).containsExactly(d + "@3");
    assertThat(nodeB.generation(d.toString())).isEqualTo(3);
    nodeB.serve(d);
    assertThat(copiesB.rebuilt).as("once").hasSize(1);
  }

  @Test
  void aRebuildThatFailsGivesTheLeaseBackAndSaysWhy() {
    Copies copies = new Copies();
    copies.bucketDown = true;
    OwnedDatabases nodeB = node(b, copies);
    assertThatThrownBy(() -> nodeB.serve(d))
        .isInstanceOf(D1Exception.DatabaseUnavailable.class)
        .hasMessageContaining("could not be rebuilt from the bucket")
        .hasMessageContaining("the bucket cannot be reached");
    assertThat(leases.owner(d)).isEmpty();
    long firstEpoch = leases.last(d).orElseThrow().epoch();
    copies.bucketDown = false;
    nodeB.serve(d);
    assertThat(copies.rebuilt).containsExactly(d + "@" + (firstEpoch + 2));
  }

  @Test
  void aFirstTakeOfADatabaseNotCreatedInTheClusterIsAboveEveryStandaloneGeneration()
      throws Exception {
    // A standalone server's database: its files are here (the node started on its data
    // directory), and the bucket holds its claim, made on a clock an hour ahead.
    Copies copiesA = new Copies();
    copiesA.here.add(d);
    long standalone =
        dev.opend1.history.WriterGeneration.startedAt(
                java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(1)))
            .of(d.toString());
    copiesA.claimed = standalone;
    long startedNow =
        dev.opend1.history.WriterGeneration.startedAt(java.time.Clock.systemUTC()).of(d.toString());
    OwnedDatabases nodeA = node(a, copiesA);
    long generation = nodeA.generation(d.toString());
    assertThat(generation).as("above the claim in the bucket").isGreaterThan(standalone);
    assertThat(copiesA.rebuilt).as("its own files, kept").isEmpty();

    // Without a claim, above every standalone server started by now, whatever it has claimed.
    DatabaseId unclaimed = DatabaseId.random();
    Copies copiesB = new Copies();
    copiesB.here.add(unclaimed);
    OwnedDatabases nodeB = node(b, copiesB);
    nodeB.serve(unclaimed);
    assertThat(nodeB.generation(unclaimed.toString()))
        .as("above a standalone server started before the take")
        .isGreaterThan(startedNow);

    // Later epochs go on from there: a new owner's generation is above the first one's.
    nodeA.release(d);
    nodeB.serve(d);
    assertThat(nodeB.generation(d.toString())).isEqualTo(generation + 1);
    assertThat(copiesB.rebuilt).containsExactly(d + "@" + (generation + 1));

    // A database created in the cluster starts at epoch 1: nobody else can have written it.
    DatabaseId created = DatabaseId.random();
    nodeA.created(created);
    assertThat(leases.owner(created).orElseThrow().epoch()).isEqualTo(1);
  }

  @Test
  void aFirstTakeWhoseClaimsCannotBeReadTakesNothing() {
    Copies copies = new Copies();
    copies.here.add(d);
    copies.claimsDown = true;
    OwnedDatabases nodeA = node(a, copies);
    assertThatThrownBy(() -> nodeA.serve(d))
        .isInstanceOf(D1Exception.DatabaseUnavailable.class)
        .hasMessageContaining("its claims in the bucket could not be read");
    assertThat(leases.last(d)).as("no lease row, so the next take looks again").isEmpty();
    copies.claimsDown = false;
    nodeA.serve(d);
    assertThat(nodeA.mayWrite(d)).isTrue();
  }

  @Test
  void aCopyThatAnotherNodeWroteAfterIsRefreshedUnderTheNewLeaseAndServed() throws Exception {
    Copies copiesA = new Copies();
    copiesA.here.add(d);
    copiesA.behind.add(d);
    leases.acquire(d, b, TTL).orElseThrow();
    Thread.sleep(TTL.toMillis() + 200);
    OwnedDatabases nodeA = node(a, copiesA);
    // A history opening (at start, before the engine runs) does not take it: it is left alone.
    assertThat(nodeA.generation(d.toString())).isEqualTo(OwnedDatabases.NOT_HELD);
    assertThat(leases.owner(d)).as("not taken").isEmpty();
    assertThat(copiesA.refreshed).isEmpty();

    // Its first request takes it, and the copy is brought up to the bucket under epoch 2.
    nodeA.serve(d);
    assertThat(copiesA.refreshed).containsExactly(d + "@3");
    assertThat(copiesA.rebuilt).as("files were here: refreshed, not laid down anew").isEmpty();
    assertThat(nodeA.generation(d.toString())).isEqualTo(3);
    assertThat(nodeA.counters().takeovers()).as("rebuilt: a takeover").isEqualTo(1);
    assertThat(leases.owner(d).orElseThrow().owner()).isEqualTo(a);
    nodeA.serve(d);
    assertThat(copiesA.refreshed).as("once").hasSize(1);
  }

  @Test
  void aRefreshThatFailsGivesTheLeaseBackAndTheCopyIsTriedAgain() throws Exception {
    Copies copiesA = new Copies();
    copiesA.here.add(d);
    copiesA.bucketDown = true;
    leases.acquire(d, b, TTL).orElseThrow();
    Thread.sleep(TTL.toMillis() + 200);
    OwnedDatabases nodeA = node(a, copiesA);
    assertThatThrownBy(() -> nodeA.serve(d))
        .isInstanceOf(D1Exception.DatabaseUnavailable.class)
        .hasMessageContaining("the bucket cannot be reached");
    assertThat(leases.owner(d)).isEmpty();
    // The failed take left node a as the lease's last owner; its copy is still refused while a
    // history opens, and refreshed at the next take.
    assertThat(nodeA.generation(d.toString())).isEqualTo(OwnedDatabases.NOT_HELD);
    copiesA.bucketDown = false;
    nodeA.serve(d);
    assertThat(copiesA.refreshed).containsExactly(d + "@4");
    assertThat(nodeA.mayWrite(d)).isTrue();
  }

  @Test
  void aRestartedNodeTakesItsOwnDatabaseBackWithoutARebuild() {
    Copies copies = new Copies();
    ScheduledExecutorService renewer = DaemonPools.scheduled("test-leases");
    OwnedDatabases before = dying(a, copies, renewer);
    before.created(d);
    copies.here.add(d);
    renewer.shutdownNow();
    OwnedDatabases after = node(a, copies);
    assertThat(after.generation(d.toString())).as("epoch 2, reclaimed in force").isEqualTo(3);
    assertThat(copies.rebuilt).isEmpty();
    assertThat(after.mayWrite(d)).isTrue();
  }

  @Test
  void aDrainingNodeStopsTakingDatabasesAndHandsThemToTheLiveNodes() throws Exception {
    Copies copiesA = new Copies();
    OwnedDatabases nodeA = node(a, copiesA);
    List<DatabaseId> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      DatabaseId id = DatabaseId.random();
      nodeA.created(id);
      copiesA.here.add(id);
      ids.add(id);
    }
    drainAsked.add(a);
    long deadline = System.nanoTime() + TTL.toNanos() * 3;
    while (nodeA.count() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(nodeA.count()).as("every lease handed over within two renewals").isZero();
    for (DatabaseId id : ids) {
      assertThat(leases.owner(id).orElseThrow().owner())
          .as("the only other live node")
          .isEqualTo(b);
    }
    assertThatThrownBy(() -> nodeA.serve(ids.get(0)))
        .isInstanceOf(D1Exception.NotOwner.class)
        .hasMessageContaining("this node is draining");
    Copies copiesB = new Copies();
    OwnedDatabases nodeB = node(b, copiesB);
    nodeB.serve(ids.get(0));
    // Epoch 1 created, 2 handed over, 3 taken by node b: generation 4, rebuilt from the bucket.
    assertThat(copiesB.rebuilt).contains(ids.get(0) + "@4");
    awaitHeld(nodeB, ids);
    assertThat(copiesB.rebuilt).as("node b took the others without a request").hasSize(20);
  }

  @Test
  void aMoveIsHandedOverOnceTheCommitsLetThroughSettleAndTheTargetTakesIt() throws Exception {
    Copies copiesA = new Copies();
    OwnedDatabases nodeA = node(a, copiesA);
    nodeA.created(d);
    copiesA.here.add(d);
    assertThat(nodeA.admit(d)).as("a commit on its way to the bucket").isTrue();
    Moves moves = new PostgresMoves(db.dataSource());
    assertThat(moves.ask(d, b, TTL)).isEqualTo(Moves.Asked.ASKED);

    // Node a sees the request at its next renewal: it stops serving and writing, and waits.
    long deadline = System.nanoTime() + TTL.toNanos() * 3;
    while (nodeA.admit(d) && System.nanoTime() < deadline) {
      nodeA.settled(d);
      Thread.sleep(20);
    }
    assertThatThrownBy(() -> nodeA.serve(d))
        .isInstanceOf(D1Exception.NotOwner.class)
        .hasMessageContaining("it is moving to node node-b");
    Thread.sleep(TTL.toMillis());
    assertThat(leases.owner(d).orElseThrow().owner())
        .as("not handed over while a commit is open")
        .isEqualTo(a);
    assertThat(moves.moving(d)).isTrue();

    nodeA.settled(d);
    Copies copiesB = new Copies();
    OwnedDatabases nodeB = node(b, copiesB);
    awaitHeld(nodeB, List.of(d));
    assertThat(copiesB.rebuilt).containsExactly(d + "@4");
    assertThat(moves.moving(d)).isFalse();
    assertThat(nodeA.mayWrite(d)).isFalse();
    assertThatThrownBy(() -> nodeA.serve(d))
        .isInstanceOf(D1Exception.NotOwner.class)
        .hasMessageContaining("node node-b holds its lease");
  }

  @Test
  void aDatabaseMovedBackToANodeWithAnOlderCopyIsServedFromItsRefreshedCopy() throws Exception {
    Copies copiesA = new Copies();
    OwnedDatabases nodeA = node(a, copiesA);
    nodeA.created(d);
    copiesA.here.add(d);
    Moves moves = new PostgresMoves(db.dataSource());
    Copies copiesB = new Copies();
    OwnedDatabases nodeB = node(b, copiesB);
    moves.ask(d, b, TTL);
    awaitHeld(nodeB, List.of(d));

    // Node b wrote it since; handed back, node a's copy is older than the bucket's: node a takes
    // it (without a request) and brings its copy up to the bucket.
    copiesA.behind.add(d);
    moves.ask(d, a, TTL);
    awaitHeld(nodeA, List.of(d));
    // Epochs: 1 created, 2 handed to b, 3 taken by b, 4 handed back, 5 taken by a.
    assertThat(copiesA.refreshed).containsExactly(d + "@6");
    assertThat(copiesA.behind).as("rebuilt").isEmpty();
    assertThat(nodeA.generation(d.toString())).isEqualTo(6);
    assertThatThrownBy(() -> nodeB.serve(d))
        .isInstanceOf(D1Exception.NotOwner.class)
        .hasMessageContaining("node node-a holds its lease");
  }

  private static void awaitHeld(OwnedDatabases node, List<DatabaseId> ids)
      throws InterruptedException {
    long deadline = System.nanoTime() + TTL.toNanos() * 4;
    while (!ids.stream().allMatch(node::mayWrite) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ids).allMatch(node::mayWrite);
  }

  @Test
  void closingGivesEveryLeaseBack() {
    Copies copies = new Copies();
    OwnedDatabases nodeA = node(a, copies);
    nodeA.created(d);
    nodeA.close();
    assertThat(leases.owner(d)).isEmpty();
    assertThat(nodeA.mayWrite(d)).isFalse();
  }
}
