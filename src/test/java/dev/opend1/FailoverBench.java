package dev.opend1;

import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.PostgresDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover time, measured (not asserted), for {@code bench/run failover}: three node processes on
 * one PostgreSQL and one s3proxy ({@link ClusterNodes}), leases of 10 s (the default), node 0
 * SIGKILLed while it owns the databases, each holding {@link #ROWS} rows written in two commits.
 * For 1 database (eager takeover, the default): kill to the first successful write through another
 * node. For {@link #DATABASES} databases, lazy: kill to the first write, and to every database
 * having answered a write when a client writes each once from the kill on (8 connections through
 * nodes 1 and 2, each write retried until it is answered 200). Eager: kill to every database taken
 * over with no request sent, and, after another kill, the same two client figures. Writes {@code
 * bench/results/failover.txt}.
 */
@Tag("bench")
class FailoverBench {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  static final Duration TTL = Duration.ofSeconds(10);
  static final int DATABASES = Integer.getInteger("bench.databases", 1000);
  static final int ROWS = 300;
  static final int CONNECTIONS = 8;
  static final Duration REQUEST = Duration.ofSeconds(120);
  static final long LIMIT_NANOS = Duration.ofMinutes(20).toNanos();

  @TempDir Path dir;

  /** Kill to the first write answered, and to the last database's write answered, in seconds. */
  record Writes(double first, double all) {}

  @Test
  void measure() throws Exception {
    List<String> report = new ArrayList<>();
    long started = System.nanoTime();
    try (ClusterNodes lazy = cluster("lazy", "lazy")) {
      List<String> dbs = written(lazy, DATABASES, "lazy");
      Writes w = writeEachOnce(lazy, dbs, kill(lazy));
      report.add(
          "%,d databases, lazy:  kill to first write %.2f s, to all %,d written once %.2f s"
                  .formatted(DATABASES, w.first(), DATABASES, w.all())
              + load());
    }
    try (ClusterNodes eager = cluster("eager", "eager")) {
      List<String> one = written(eager, 1, "one");
      Writes w = writeEachOnce(eager, one, kill(eager));
      report.add(
          "1 database, eager:       kill to first write %.2f s".formatted(w.first()) + load());

      eager.restart(0);
      List<String> dbs = written(eager, DATABASES, "quiet");
      long killedAt = kill(eager);
      double all = awaitTakenOver(eager, dbs, killedAt);
      report.add(
          "%,d databases, eager: kill to all %,d taken over with no request %.2f s"
                  .formatted(DATABASES, DATABASES, all)
              + load());
    }
    // A cluster of its own, as the lazy case has: the same databases on the survivors as there
    // (none), so the two "written once" figures compare takeover modes and nothing else.
    try (ClusterNodes eager = cluster("eager-written", "eager")) {
      List<String> dbs = written(eager, DATABASES, "eager");
      Writes w = writeEachOnce(eager, dbs, kill(eager));
      report.add(
          "%,d databases, eager: kill to first write %.2f s, to all %,d written once %.2f s"
                  .formatted(DATABASES, w.first(), DATABASES, w.all())
              + load());
    }
    String text =
        "# failover, measured by FailoverBench (3 node processes, PostgreSQL and s3proxy on"
            + " loopback, lease ttl "
            + TTL.toSeconds()
            + " s, "
            + Runtime.getRuntime().availableProcessors()
            + " cores; each database "
            + ROWS
            + " rows in 2 commits; the owner SIGKILLed; a client writes each database once"
            + " through the other nodes with "
            + CONNECTIONS
            + " connections, retrying until answered; run took "
            + Math.round((System.nanoTime() - started) / 1e9)
            + " s)\n"
            + String.join("\n", report)
            + "\n"
            + "load average at the end (1, 5, 15 min; other work on the machine skews the figures): "
            + ObjectStoreBench.loadAverage()
            + "\n";
    System.out.print(text);
    Path results = Path.of("bench", "results", "failover.txt");
    Files.createDirectories(results.getParent());
    Files.writeString(results, text);
  }

  /** The machine's load average when a case ends, beside its figures: other work skews them. */
  private static String load() {
    return " (load average " + ObjectStoreBench.loadAverage().split(" ")[0] + ")";
  }

  private ClusterNodes cluster(String name, String takeover) throws Exception {
    return ClusterNodes.start(
        3, dir.resolve(name), PG, TTL, List.of("--cluster-takeover", takeover));
  }

  /** SIGKILLs node 0; the time of the kill (nanoTime). */
  private static long kill(ClusterNodes cluster) throws InterruptedException {
    long at = System.nanoTime();
    cluster.node(0).kill();
    return at;
  }

  /**
   * {@code n} databases made on node 0, with {@link #ROWS} rows in one commit and a change to a
   * sixth of them in another, on {@link #CONNECTIONS} connections.
   */
  private static List<String> written(ClusterNodes cluster, int n, String prefix) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    try {
      List<Future<String>> made = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = prefix + "-" + i;
        made.add(
            pool.submit(
                () -> {
                  String db = cluster.create(0, name);
                  ok(
                      cluster.query(
                          0,
                          db,
                          "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                              + " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
                              + " WHERE i < "
                              + ROWS
                              + ") INSERT INTO t SELECT i, hex(randomblob(32)) FROM c"));
                  ok(cluster.query(0, db, "UPDATE t SET v = v || 'x' WHERE id % 6 = 0"));
                  return db;
                }));
      }
      List<String> dbs = new ArrayList<>();
      for (Future<String> f : made) {
        dbs.add(f.get());
      }
      return dbs;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Writes each database once through nodes 1 and 2 in turn from the kill on, each write retried
   * until it is answered 200.
   */
  private static Writes writeEachOnce(ClusterNodes cluster, List<String> dbs, long killedAt)
      throws Exception {
    ConcurrentLinkedQueue<String> left = new ConcurrentLinkedQueue<>(dbs);
    AtomicLong first = new AtomicLong(Long.MAX_VALUE);
    AtomicLong last = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        int through = 1 + c % 2;
        writers.add(
            pool.submit(
                () -> {
                  D1Client client = cluster.client(through, REQUEST);
                  String path;
                  while ((path = left.poll()) != null) {
                    String url = ClusterNodes.databases() + "/" + path + "/query";
                    while (!answered(client, url)) {
                      if (System.nanoTime() - killedAt > LIMIT_NANOS) {
                        throw new IllegalStateException("no write answered for " + path);
                      }
                      Thread.sleep(100);
                    }
                    long now = System.nanoTime();
                    first.accumulateAndGet(now, Math::min);
                    last.accumulateAndGet(now, Math::max);
                  }
                  return null;
                }));
      }
      for (Future<?> f : writers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Writes((first.get() - killedAt) / 1e9, (last.get() - killedAt) / 1e9);
  }

  /** One write; false when it was not answered 200 (503 while taken over, or no answer). */
  private static boolean answered(D1Client client, String url) {
    try {
      return client.post(url, "{\"sql\":\"INSERT INTO t(v) VALUES ('after the kill')\"}").status()
          == 200;
    } catch (RuntimeException noAnswer) {
      return false;
    }
  }

  /** Seconds from the kill until nodes 1 and 2 hold every one of {@code dbs}'s leases. */
  private static double awaitTakenOver(ClusterNodes cluster, List<String> dbs, long killedAt)
      throws Exception {
    while (cluster.leasesHeld(dbs, 1) + cluster.leasesHeld(dbs, 2) < dbs.size()) {
      if (System.nanoTime() - killedAt > LIMIT_NANOS) {
        throw new IllegalStateException("not every database was taken over");
      }
      Thread.sleep(100);
    }
    return (System.nanoTime() - killedAt) / 1e9;
  }

  private static void ok(D1Client.Reply r) {
    if (r.status() != 200) {
      throw new IllegalStateException(r.body());
    }
  }
}
