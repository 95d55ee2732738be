package dev.opend1;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point reads on a read replica against the same reads on the owner (issue 16), on two cluster
 * members in this JVM over a real PostgreSQL and s3proxy on loopback, with the same load generator
 * as {@link ObjectStoreBench} (platform threads on the JDK's HTTP client): 1 connection (p50, p99)
 * and 16 connections (reads per second), for three paths to one {@code auto} database of 10,000
 * rows that node A owns: asked of A itself, asked of B in a session (answered by B's copy), and
 * asked of B outside a session (forwarded to A). Then how long B's copy takes to show a write made
 * on A (no session bookmark sent, so the copy answers whatever it reached). Writes {@code
 * bench/results/replica.txt}.
 */
@Tag("bench")
class ReplicaBench {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  static final int CONNECTIONS = 16;
  static final int ROWS = 10_000;
  static final long SECONDS = Long.getLong("bench.seconds", 10);
  static final int ROUNDS = 2;

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  /** A point read's request, to a node, with a session header or none. */
  private HttpRequest read(InJvmNode node, String db, String session) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + node.port()
                        + InJvmNode.databases()
                        + "/"
                        + db
                        + "/query"))
            .header("Authorization", "Bearer " + InJvmNode.TOKEN)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"sql\":\"SELECT * FROM t WHERE id = ?\",\"params\":["
                        + ThreadLocalRandom.current().nextInt(1, ROWS + 1)
                        + "]}"));
    if (session != null) {
      b.header("x-d1-bookmark", session);
    }
    return b.build();
  }

  @Test
  void measure() throws Exception {
    List<String> report = new ArrayList<>();
    String loadBefore = ObjectStoreBench.loadAverage();
    try (S3Proxy s3 = S3Proxy.start(dir.resolve("s3"))) {
      String catalog = PG.server().catalogUrl(PG.fresh());
      String bucket = "s3://" + S3Proxy.BUCKET + "/bench";
      try (InJvmNode a =
              InJvmNode.member(
                  dir.resolve("a"), catalog, s3, Map.of("region", "WEUR", "object-store", bucket));
          InJvmNode b =
              InJvmNode.member(
                  dir.resolve("b"),
                  catalog,
                  s3,
                  Map.of("region", "ENAM", "object-store", bucket))) {
        String db = createOn(a);
        D1Client onA = a.client();
        onA.post(
            InJvmNode.databases() + "/" + db + "/query",
            "{\"sql\":\"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                + ROWS
                + ") INSERT INTO t SELECT i, 'value ' || i FROM n\"}");
        String session = "first-unconstrained";
        // B's copy laid down and answering before anything is measured.
        long warm = System.nanoTime() + 60_000_000_000L;
        while (!servedBy(read(b, db, session)).equals("false")) {
          if (System.nanoTime() > warm) {
            throw new AssertionError("B's copy did not answer within 60 s");
          }
          Thread.sleep(200);
        }
        String[][] paths = {
          {"owner (A, no session)", "a", null, "true"},
          {"replica (B, session)", "b", session, "false"},
          {"forwarded (B, no session)", "b", null, "true"},
        };
        // Two rounds, the paths in turn, so a burst of other work on the machine skews one
        // round's figure of one path, not a path's every figure.
        for (int round = 1; round <= ROUNDS; round++) {
          for (String[] p : paths) {
            InJvmNode node = p[1].equals("a") ? a : b;
            String check = servedBy(read(node, db, p[2]));
            if (!check.equals(p[3])) {
              throw new AssertionError(p[0] + " answered with served_by_primary " + check);
            }
            List<Double> one = latencies(node, db, p[2]);
            double rate = throughput(node, db, p[2]);
            report.add(
                "round %d, %-26s 1 connection p50 %.3f ms, p99 %.3f ms; %d connections %.0f reads/s"
                    .formatted(round, p[0], pct(one, 0.50), pct(one, 0.99), CONNECTIONS, rate));
          }
        }
        List<Double> visible = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          visible.add(secondsUntilVisible(onA, b, db, i));
        }
        Collections.sort(visible);
        report.add(
            ("a write on A visible in B's copy after (10 writes): p50 %.3f s, max %.3f s"
                    + " (the owner tells the copy after each durable commit; it lists the bucket every second besides)")
                .formatted(pct(visible, 0.50), visible.getLast()));
      }
    }
    String text =
        "# read replicas, measured by ReplicaBench (two cluster members in one JVM, PostgreSQL and"
            + " s3proxy on loopback, "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + SECONDS
            + " s per load, point reads by primary key of "
            + ROWS
            + " rows)\n"
            + String.join("\n", report)
            + "\n"
            + "load average before and at the end (1, 5, 15 min; other work on the machine skews"
            + " the figures): "
            + loadBefore
            + "; "
            + ObjectStoreBench.loadAverage()
            + "\n";
    System.out.print(text);
    Path results = Path.of("bench", "results", "replica.txt");
    Files.createDirectories(results.getParent());
    Files.writeString(results, text);
  }

  /** The answer's {@code served_by_primary}, checking it succeeded. */
  private String servedBy(HttpRequest req) throws Exception {
    HttpResponse<String> r = http.send(req, BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(r.statusCode() + " " + r.body());
    }
    return D1Client.JSON.readTree(r.body()).at("/result/0/meta/served_by_primary").asText();
  }

  /** Milliseconds of each point read, one at a time, for the load's length. */
  private List<Double> latencies(InJvmNode node, String db, String session) throws Exception {
    List<Double> ms = new ArrayList<>();
    long warm = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < warm) {
      http.send(read(node, db, session), BodyHandlers.discarding());
    }
    long end = System.nanoTime() + SECONDS * 1_000_000_000L;
    while (System.nanoTime() < end) {
      HttpRequest req = read(node, db, session);
      long t0 = System.nanoTime();
      HttpResponse<Void> r = http.send(req, BodyHandlers.discarding());
      ms.add((System.nanoTime() - t0) / 1e6);
      if (r.statusCode() != 200) {
        throw new AssertionError("status " + r.statusCode());
      }
    }
    Collections.sort(ms);
    return ms;
  }

  /** Point reads per second from {@link #CONNECTIONS} threads, after a second's warm-up. */
  private double throughput(InJvmNode node, String db, String session) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean measuring = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!stop.get()) {
                      try {
                        int s =
                            http.send(read(node, db, session), BodyHandlers.discarding())
                                .statusCode();
                        if (measuring.get()) {
                          (s == 200 ? done : failed).incrementAndGet();
                        }
                      } catch (Exception e) {
                        failed.incrementAndGet();
                        return;
                      }
                    }
                  }));
    }
    Thread.sleep(1000);
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(SECONDS * 1000);
    measuring.set(false);
    double rate = done.get() / ((System.nanoTime() - start) / 1e9);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (failed.get() > 0) {
      throw new AssertionError(failed.get() + " reads failed");
    }
    return rate;
  }

  /** Inserts row {@code ROWS + 1 + i} on A, then reads B's copy until it has it. */
  private double secondsUntilVisible(D1Client onA, InJvmNode b, String db, int i) throws Exception {
    int id = ROWS + 1 + i;
    onA.post(
        InJvmNode.databases() + "/" + db + "/query",
        "{\"sql\":\"INSERT INTO t VALUES (?, 'new')\",\"params\":[" + id + "]}");
    long t0 = System.nanoTime();
    while (true) {
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + b.port() + InJvmNode.databases() + "/" + db + "/query"))
              .header("Authorization", "Bearer " + InJvmNode.TOKEN)
              .header("Content-Type", "application/json")
              .header("x-d1-bookmark", "first-unconstrained")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"sql\":\"SELECT count(*) AS n FROM t WHERE id = ?\",\"params\":["
                          + id
                          + "]}"))
              .build();
      HttpResponse<String> r = http.send(req, BodyHandlers.ofString());
      var json = D1Client.JSON.readTree(r.body());
      if (json.at("/result/0/meta/served_by_primary").asText().equals("false")
          && json.at("/result/0/results/0/n").asInt() == 1) {
        return (System.nanoTime() - t0) / 1e9;
      }
      if (System.nanoTime() - t0 > 30_000_000_000L) {
        throw new AssertionError("row " + id + " not in B's copy after 30 s");
      }
      Thread.sleep(5);
    }
  }

  /** Makes the database on A itself (a forwarded create is made where it arrives). */
  private String createOn(InJvmNode a) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + a.port() + InJvmNode.databases()))
                .header("Authorization", "Bearer " + InJvmNode.TOKEN)
                .header("x-opend1-forwarded", "1")
                .header("x-opend1-cluster-secret", InJvmNode.SECRET)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"bench\",\"read_replication\":{\"mode\":\"auto\"}}"))
                .build(),
            BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(r.body());
    }
    return D1Client.JSON.readTree(r.body()).path("result").path("uuid").asText();
  }

  private static double pct(List<Double> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
  }
}
