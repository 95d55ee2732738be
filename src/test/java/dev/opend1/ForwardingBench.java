package dev.opend1;

import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.PostgresDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarding cost, measured (not asserted), for {@code bench/run forwarding}: durable
 * single-row INSERTs and point reads with 16 connections sent to the node that owns the database,
 * and the same sent to another node, which forwards each to the owner. Two node processes on one
 * PostgreSQL and one s3proxy ({@link ClusterNodes}), durability {@code sync} as in every cluster;
 * the two sides alternate, {@link #ROUNDS} rounds each, and the best round of each side is reported
 * with its p50 and p99. Writes {@code bench/results/forwarding.txt}.
 */
@Tag("bench")
class ForwardingBench {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  static final int CONNECTIONS = 16;
  static final long SECONDS = Long.getLong("bench.seconds", 10);
  static final int ROUNDS = 2;

  @TempDir Path dir;

  /** One round's figures: requests per second and latencies in ms. */
  record Round(double rate, double p50, double p99) {}

  @Test
  void measure() throws Exception {
    List<String> report = new ArrayList<>();
    try (ClusterNodes cluster = ClusterNodes.start(2, dir, PG, Duration.ofSeconds(10))) {
      D1Client owner = cluster.servedBy(0, Duration.ofSeconds(60));
      String db =
          owner
              .post(ClusterNodes.databases(), "{\"name\":\"bench\"}")
              .result()
              .path("uuid")
              .asText();
      String path = ClusterNodes.databases() + "/" + db + "/query";
      owner.post(path, "{\"sql\":\"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)\"}");
      owner.post(path, "{\"sql\":\"INSERT INTO t(id, v) VALUES (1, 'point')\"}");
      String[] urls = {cluster.node(0).baseUrl() + path, cluster.node(1).baseUrl() + path};
      String insert = "{\"sql\":\"INSERT INTO t(v) VALUES (?)\",\"params\":[\"x\"]}";
      String point = "{\"sql\":\"SELECT v FROM t WHERE id = ?\",\"params\":[1]}";
      for (String[] load : new String[][] {{"INSERT", insert}, {"point read", point}}) {
        List<Round> direct = new ArrayList<>();
        List<Round> forwarded = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
          direct.add(rate(urls[0], load[1]));
          forwarded.add(rate(urls[1], load[1]));
        }
        Round d = best(direct);
        Round f = best(forwarded);
        report.add(
            "%s/s, 16 connections, at the owner:        %.0f (p50 %.2f ms, p99 %.2f ms)"
                .formatted(load[0], d.rate(), d.p50(), d.p99()));
        report.add(
            "%s/s, 16 connections, through a non-owner: %.0f (p50 %.2f ms, p99 %.2f ms): %.2fx"
                .formatted(load[0], f.rate(), f.p50(), f.p99(), f.rate() / d.rate()));
      }
    }
    String text =
        "# forwarding cost, measured by ForwardingBench (2 node processes, PostgreSQL and s3proxy"
            + " on loopback, durability sync, "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + SECONDS
            + " s per round, best of "
            + ROUNDS
            + " alternated rounds)\n"
            + String.join("\n", report)
            + "\n"
            + "load average at the end (1, 5, 15 min; other work on the machine skews the figures): "
            + ObjectStoreBench.loadAverage()
            + "\n";
    System.out.print(text);
    Path results = Path.of("bench", "results", "forwarding.txt");
    Files.createDirectories(results.getParent());
    Files.writeString(results, text);
  }

  private static Round best(List<Round> rounds) {
    return rounds.stream().max((a, b) -> Double.compare(a.rate(), b.rate())).orElseThrow();
  }

  /** {@code body} POSTed to {@code url} by 16 connections for {@link #SECONDS}, after 2 s. */
  private static Round rate(String url, String body) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + ClusterNodes.TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean counting = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!stop.get()) {
                      long t0 = System.nanoTime();
                      try {
                        int status =
                            http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (!counting.get()) {
                          continue;
                        }
                        if (status == 200) {
                          done.incrementAndGet();
                          latencies.add(System.nanoTime() - t0);
                        } else {
                          failed.incrementAndGet();
                        }
                      } catch (Exception e) {
                        failed.incrementAndGet();
                      }
                    }
                  }));
    }
    Thread.sleep(2000);
    counting.set(true);
    long start = System.nanoTime();
    Thread.sleep(SECONDS * 1000);
    counting.set(false);
    double seconds = (System.nanoTime() - start) / 1e9;
    long n = done.get();
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (failed.get() > 0) {
      throw new AssertionError(failed.get() + " requests to " + url + " failed");
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return new Round(n / seconds, ms(sorted, 0.50), ms(sorted, 0.99));
  }

  private static double ms(List<Long> sorted, double q) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1e6;
  }
}
