package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving databases between live nodes with real processes: three opend1 nodes on one PostgreSQL and
 * one s3proxy, leases of 3 seconds. {@code opend1 cluster move} under a write load sent through
 * every node loses no acknowledged write and fails no request a client retries on the cluster's
 * 503; the target serves the database and the old owner forwards to it. A drained node's databases
 * go to the other nodes by their load. A database moved to a node and back is served by its former
 * owner from its copy brought up to the bucket, and a dead last writer's database by a node with an
 * older copy after the ttl. The tests share one cluster, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMoveTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration REQUEST = Duration.ofSeconds(60);

  @TempDir static Path dir;

  private static ClusterNodes cluster;

  /** How many answers of 503 the writers retried. */
  private static final AtomicInteger RETRIED = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterNodes.start(3, dir, PG, TTL);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aDatabaseMovedUnderWritesLosesNoAcknowledgedWriteAndTheTargetServesIt() throws Exception {
    String db = create(0, "moved");
    ok(query(0, db, "CREATE TABLE t(v INTEGER PRIMARY KEY)"));

    // Writers through all three nodes, each value until it is acknowledged, retrying the 503s.
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong longest = new AtomicLong();
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int first = w * 1_000_000;
      writers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int v = first; !stop.get(); v++) {
                  long sent = System.nanoTime();
                  D1Client.Reply r = retried(v % 3, db, "INSERT INTO t(v) VALUES (" + v + ")");
                  longest.accumulateAndGet(System.nanoTime() - sent, Math::max);
                  if (r.status() == 200) {
                    acknowledged.add(v);
                  } else {
                    failed.add(r.status() + " " + r.body());
                    return;
                  }
                }
              }));
    }
    awaitMore(acknowledged, 60);

    long asked = System.nanoTime();
    ServerProcess.Output move = cluster("move", db, cluster.nodeId(2));
    double moveSeconds = (System.nanoTime() - asked) / 1e9;
    assertThat(move.exitCode()).as(move.stderr()).isZero();
    assertThat(move.stdout())
        .contains("asked node " + cluster.nodeId(0) + " to hand " + db)
        .contains("node " + cluster.nodeId(2) + " serves " + db);
    awaitMore(acknowledged, 60); // writes go on, now to node 2
    stop.set(true);
    writers.forEach(CompletableFuture::join);

    assertThat(failed).as("requests that failed after retrying 503s").isEmpty();
    System.out.printf(
        "move under writes: cluster move ran %.2f s (a JVM's start included); %d writes"
            + " acknowledged, %d answers of 503 retried, the longest write %.2f s with its"
            + " retries%n",
        moveSeconds, acknowledged.size(), RETRIED.get(), longest.get() / 1e9);
    D1Client.Reply target = servedBy(2, db, "SELECT count(*) AS n FROM t");
    assertThat(target.status()).as("the target serves it itself: " + target.body()).isEqualTo(200);
    Set<Integer> stored = values(2, db);
    assertThat(stored).as("every acknowledged write is there").containsAll(acknowledged);
    assertThat(servedBy(0, db, "SELECT 1").status())
        .as("the old owner serves it no more")
        .isEqualTo(503);
    assertThat(values(0, db)).as("but forwards to the target").isEqualTo(stored);

    // Each node's /metrics says what its leases went through.
    String newOwner = metrics(2);
    assertThat(series(newOwner, "opend1_cluster_takeovers_total")).isGreaterThanOrEqualTo(1);
    assertThat(series(newOwner, "opend1_cluster_databases_owned")).isGreaterThanOrEqualTo(1);
    assertThat(series(newOwner, "opend1_cluster_lease_renewals_total")).isPositive();
    assertThat(series(newOwner, "opend1_cluster_nodes_alive")).isEqualTo(3);
    String oldOwner = metrics(0);
    assertThat(series(oldOwner, "opend1_cluster_handovers_total")).isEqualTo(1);
    assertThat(series(oldOwner, "opend1_cluster_databases_owned")).isZero();
    assertThat(series(oldOwner, "opend1_cluster_leases_lost_total"))
        .as("handed over, not lost")
        .isZero();
  }

  @Test
  @Order(2)
  void aMoveToAnUnknownNodeOrOfAnUnknownDatabaseIsRefused() throws Exception {
    String db = create(1, "stays");
    ServerProcess.Output noNode = cluster("move", db, "no-such-node");
    assertThat(noNode.exitCode()).isEqualTo(1);
    assertThat(noNode.stderr()).contains("no node no-such-node in the cluster");
    ServerProcess.Output noDb =
        cluster("move", "6f1c1c1e-0000-4000-8000-000000000000", cluster.nodeId(2));
    assertThat(noDb.exitCode()).isEqualTo(1);
    assertThat(noDb.stderr()).contains("no database 6f1c1c1e-0000-4000-8000-000000000000");
    ServerProcess.Output notUuid = cluster("move", "stays", cluster.nodeId(2));
    assertThat(notUuid.exitCode()).isEqualTo(1);
    assertThat(notUuid.stderr()).contains("is not a database's UUID");
    ServerProcess.Output there = cluster("move", db, cluster.nodeId(1));
    assertThat(there.exitCode()).as(there.stderr()).isZero();
    assertThat(there.stdout()).contains("serves " + db + " already");
    assertThat(servedBy(1, db, "SELECT 1").status()).as("nothing moved").isEqualTo(200);
  }

  @Test
  @Order(3)
  void aDrainedNodesDatabasesGoToTheLeastLoadedNodes() throws Exception {
    List<String> dbs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String db = create(0, "drained-" + i);
      ok(query(0, db, "CREATE TABLE t(v INTEGER PRIMARY KEY)"));
      ok(query(0, db, "INSERT INTO t(v) VALUES (" + i + ")"));
      dbs.add(db);
    }
    // Before: node 1 holds "stays", node 2 holds "moved"; so two go to each.
    ServerProcess.Output drain = cluster("drain", cluster.nodeId(0));
    assertThat(drain.exitCode()).as(drain.stderr()).isZero();

    int[] onNode = new int[3];
    for (int i = 0; i < dbs.size(); i++) {
      String db = dbs.get(i);
      int owner = servedBy(1, db, "SELECT 1").status() == 200 ? 1 : 2;
      assertThat(servedBy(owner, db, "SELECT v FROM t").result().path(0).path("results"))
          .as("node %d serves %s with its write", owner, db)
          .hasSize(1);
      assertThat(servedBy(3 - owner, db, "SELECT 1").status()).isEqualTo(503);
      onNode[owner]++;
    }
    assertThat(onNode[1]).as("spread by load").isEqualTo(2);
    assertThat(onNode[2]).isEqualTo(2);
  }

  @Test
  @Order(4)
  void aDatabaseMovedToANodeAndBackUnderWritesIsServedByItsFormerOwnerWithEveryWrite()
      throws Exception {
    // Node 0 is draining since the test before: the database goes between nodes 1 and 2.
    String db = create(1, "back-and-forth");
    ok(query(1, db, "CREATE TABLE t(v INTEGER PRIMARY KEY)"));
    Writers writers = new Writers(db, 1, 2);
    awaitMore(writers.acknowledged, 30);
    ServerProcess.Output there = cluster("move", db, cluster.nodeId(2));
    assertThat(there.exitCode()).as(there.stderr()).isZero();
    awaitMore(writers.acknowledged, 30);
    // Node 1's copy is older than the bucket now: moved back, it is brought up to it and served.
    ServerProcess.Output back = cluster("move", db, cluster.nodeId(1));
    assertThat(back.exitCode()).as(back.stdout() + back.stderr()).isZero();
    assertThat(back.stdout()).contains("node " + cluster.nodeId(1) + " serves " + db);
    awaitMore(writers.acknowledged, 30);
    writers.stop();

    assertThat(writers.failed).as("requests that failed after retrying 503s").isEmpty();
    assertThat(servedBy(1, db, "SELECT 1").status()).as("node 1 serves it itself").isEqualTo(200);
    assertThat(values(1, db)).as("every acknowledged write").containsAll(writers.acknowledged);
    assertThat(servedBy(2, db, "SELECT 1").status()).isEqualTo(503);
    System.out.printf(
        "moved there and back under writes: %d writes acknowledged%n", writers.acknowledged.size());
  }

  @Test
  @Order(5)
  void aDeadLastWritersDatabaseIsServedAfterTheTtlByANodeWithAnOlderCopy() throws Exception {
    String db = create(1, "overtaken");
    ok(query(1, db, "CREATE TABLE t(v INTEGER PRIMARY KEY)"));
    ok(query(1, db, "INSERT INTO t(v) VALUES (1)"));
    ServerProcess.Output move = cluster("move", db, cluster.nodeId(2));
    assertThat(move.exitCode()).as(move.stderr()).isZero();
    ok(query(2, db, "INSERT INTO t(v) VALUES (2)"));
    // Node 2, which wrote it last, dies; node 1 has an older copy, node 0 is draining.
    cluster.node(2).kill();
    Thread.sleep(TTL.toMillis());
    D1Client.Reply r = retried(1, db, "SELECT v FROM t ORDER BY v");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(values(1, db)).containsExactly(1, 2);
    assertThat(cluster.owner(db)).isEqualTo(1);
  }

  /** Writers through the given nodes, each value until acknowledged, retrying the 503s. */
  private static final class Writers {
    final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<CompletableFuture<Void>> running = new ArrayList<>();

    Writers(String db, int... nodes) {
      for (int w = 0; w < 3; w++) {
        int first = w * 1_000_000;
        running.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int v = first; !stop.get(); v++) {
                    int node = nodes[v % nodes.length];
                    D1Client.Reply r = retried(node, db, "INSERT INTO t(v) VALUES (" + v + ")");
                    if (r.status() != 200) {
                      failed.add(r.status() + " " + r.body());
                      return;
                    }
                    acknowledged.add(v);
                  }
                }));
      }
    }

    void stop() {
      stop.set(true);
      running.forEach(CompletableFuture::join);
    }
  }

  // --- the driver ---------------------------------------------------------------------------

  private static ServerProcess.Output cluster(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("cluster"));
    all.addAll(List.of(args));
    all.addAll(List.of("--catalog", cluster.catalogUrl()));
    return ServerProcess.run(Map.of("PGPASSWORD", Postgres.PASSWORD), all.toArray(String[]::new));
  }

  /** Node {@code i}'s {@code /metrics} text. */
  private static String metrics(int i) throws Exception {
    return cluster.metrics(i);
  }

  private static double series(String scrape, String name) {
    return ClusterNodes.series(scrape, name);
  }

  /** Waits until {@code more} further writes were acknowledged, for at most two minutes. */
  private static void awaitMore(Set<Integer> acknowledged, int more) throws InterruptedException {
    int target = acknowledged.size() + more;
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (acknowledged.size() < target && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(acknowledged.size()).as("writes acknowledged").isGreaterThanOrEqualTo(target);
  }

  /**
   * A request sent to {@code node} again while it is answered 503 with D1 code 7500 (the cluster's
   * "retry it"), for at most a minute, as a client that retries does.
   */
  private static D1Client.Reply retried(int node, String db, String sql) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      D1Client.Reply r = query(node, db, sql);
      if (r.status() != 503 || r.errorCode() != 7500 || System.nanoTime() > deadline) {
        return r;
      }
      RETRIED.incrementAndGet();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r;
      }
    }
  }

  /** Creates a database on {@code node} itself (as a create placed there arrives). */
  private static String create(int node, String name) {
    return cluster.create(node, name);
  }

  /** A query that {@code node} must serve itself (it is marked as forwarded to it already). */
  private static D1Client.Reply servedBy(int node, String db, String sql) {
    return cluster.queryServedBy(node, db, sql);
  }

  private static D1Client.Reply query(int node, String db, String sql) {
    return cluster.query(node, db, sql);
  }

  private static Set<Integer> values(int node, String db) {
    return cluster.values(node, db);
  }

  private static void ok(D1Client.Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
