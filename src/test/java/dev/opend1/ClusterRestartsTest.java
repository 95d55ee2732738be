package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.RetryingLoad;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts of a three-node cluster under a client load that retries ({@link RetryingLoad}): the
 * crash loop (the node owning the written database SIGKILLed at a random moment and started again,
 * over and over, while writes go through the other nodes) and a rolling restart (each node stopped
 * with SIGTERM and started again in turn, under reads and writes sent to every node). After each:
 * every acknowledged write is in the database, every request was answered in the end, and no read
 * saw fewer rows than were acknowledged before it was sent. Real node processes, PostgreSQL and
 * s3proxy ({@link ClusterNodes}); leases of 3 s. The figures are printed, not asserted.
 */
class ClusterRestartsTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration REQUEST = Duration.ofSeconds(60);

  @TempDir static Path dir;

  private static ClusterNodes cluster;

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
  void killingTheOwnerOverAndOverLosesNoAcknowledgedWrite() throws Exception {
    crashLoop("crash-loop", 2);
  }

  @Test
  @Tag("slow")
  void twentyKillsOfTheOwnerLoseNoAcknowledgedWrite() throws Exception {
    crashLoop("crash-loop-long", 20);
  }

  @Test
  void aRollingRestartLosesNoRequestTheClientRetries() throws Exception {
    String db = create("rolling");
    Random random = new Random(3);
    // Reads and writes sent to any node, as through a load balancer.
    RetryingLoad load = RetryingLoad.start(cluster, db, 3, 2, () -> random.nextInt(3));
    try {
      awaitAcknowledged(load, 20);
      for (int i = 0; i < cluster.size(); i++) {
        int before = load.acknowledged().size();
        long stopping = System.nanoTime();
        assertThat(cluster.stop(i)).as("node " + i + " stops cleanly").isZero();
        long stopped = System.nanoTime();
        cluster.restart(i);
        System.out.printf(
            "rolling restart: node %d stopped in %d ms, started and serving in %s, %d ms in all;"
                + " load average %s%n",
            i,
            (stopped - stopping) / 1_000_000,
            cluster.node(i).startTimes(),
            (System.nanoTime() - stopping) / 1_000_000,
            loadAverage());
        awaitAcknowledged(load, before + 20);
      }
      load.finish();
      check(load, db);
      System.out.println("rolling restart of 3 nodes: " + load.summary());
    } finally {
      load.finish();
    }
  }

  /**
   * {@code cycles} times: the node holding the database's lease is killed while writes go through
   * another node, then started again; the writes go on once another node took the database over, or
   * the killed node took it back.
   */
  private void crashLoop(String name, int cycles) throws Exception {
    String db = create(name);
    Random random = new Random(cycles);
    // The owner the writers avoid: the one last killed, as the test saw it.
    AtomicInteger owner = new AtomicInteger(awaitOwner(db));
    // Through a node other than the owner, whichever answers: every write is forwarded, or, while
    // the owner is down, taken over.
    RetryingLoad load =
        RetryingLoad.start(
            cluster, db, 4, 0, () -> (owner.get() + 1 + random.nextInt(2)) % cluster.size());
    try {
      for (int cycle = 0; cycle < cycles; cycle++) {
        awaitAcknowledged(load, load.acknowledged().size() + 20);
        Thread.sleep(random.nextInt(1000));
        int killed = awaitOwner(db);
        owner.set(killed);
        cluster.node(killed).kill();
        long down = System.nanoTime();
        int before = load.acknowledged().size();
        // Started again at once, while the writes wait for another node to take the database over
        // or for the restarted node to take it back: whichever comes first is what the writers see.
        java.util.concurrent.CompletableFuture<Void> restarted =
            java.util.concurrent.CompletableFuture.runAsync(
                () -> {
                  try {
                    cluster.restart(killed);
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        awaitAcknowledged(load, before + 1);
        long again = System.nanoTime();
        restarted.get(4, java.util.concurrent.TimeUnit.MINUTES);
        System.out.printf(
            "cluster crash loop: cycle %d killed node %d (owner); writes acknowledged again %d ms"
                + " after the kill, now owned by node %d; the killed node started and served in"
                + " %s; load average %s%n",
            cycle,
            killed,
            (again - down) / 1_000_000,
            awaitOwner(db),
            cluster.node(killed).startTimes(),
            loadAverage());
      }
      load.finish();
      check(load, db);
      System.out.printf("cluster crash loop, %d kills: %s%n", cycles, load.summary());
    } finally {
      load.finish();
    }
  }

  /** The machine's load averages over 1, 5 and 15 minutes, for the figures printed. */
  private static String loadAverage() throws java.io.IOException {
    String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  /** Every acknowledged write is there, nothing that was never sent is, every request answered. */
  private static void check(RetryingLoad load, String db) {
    assertThat(load.problems()).isEmpty();
    Set<Integer> stored = new HashSet<>();
    D1Client.Reply r =
        cluster
            .client(0, REQUEST)
            .post(
                ClusterNodes.databases() + "/" + db + "/query",
                "{\"sql\":\"SELECT v FROM t ORDER BY v\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    r.result().path(0).path("results").forEach(row -> stored.add(row.get("v").asInt()));
    assertThat(stored).as("every acknowledged write").containsAll(load.acknowledged());
    assertThat(load.sent()).as("only what was sent").containsAll(stored);
  }

  private static void awaitAcknowledged(RetryingLoad load, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (load.acknowledged().size() < n && System.nanoTime() < deadline) {
      assertThat(load.problems()).isEmpty();
      Thread.sleep(50);
    }
    assertThat(load.acknowledged().size()).as("writes acknowledged").isGreaterThanOrEqualTo(n);
  }

  /** The node holding the database's lease, once one does. */
  private static int awaitOwner(String db) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    int owner;
    while ((owner = cluster.owner(db)) < 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(owner).as("a node holds the lease on " + db).isNotNegative();
    return owner;
  }

  /** A database placed as a client's create places it, with the table the load writes. */
  private static String create(String name) {
    D1Client client = cluster.client(0, REQUEST);
    D1Client.Reply made = client.post(ClusterNodes.databases(), "{\"name\":\"" + name + "\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(200);
    String db = made.result().path("uuid").asText();
    D1Client.Reply table =
        client.post(
            ClusterNodes.databases() + "/" + db + "/query",
            "{\"sql\":\"CREATE TABLE t(v INTEGER PRIMARY KEY)\"}");
    assertThat(table.status()).as(table.body()).isEqualTo(200);
    return db;
  }
}
