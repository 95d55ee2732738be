package dev.opend1;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time travel's read costs, measured (not asserted), for {@code bench/run time-travel}: on a
 * database of {@code bench.mb} MB (200 in the full run), the first and the repeated read as of a
 * bookmark {@code bench.commits} commits back (1,000), and the disk that past state adds. Writes
 * {@code bench/results/time-travel.txt}.
 */
@Tag("bench")
class TimeTravelBench {

  static final long MB = Long.getLong("bench.mb", 200);
  static final int COMMITS = Integer.getInteger("bench.commits", 1000);
  static final String DBS = "/client/v4/accounts/" + TestServer.ACCOUNT.value() + "/d1/database";

  @TempDir Path dir;

  @Test
  void measure() throws Exception {
    List<String> report = new ArrayList<>();
    try (TestServer server = TestServer.start(dir)) {
      D1Client client = server.client();
      String db = DBS + "/" + client.post(DBS, "{\"name\":\"tt\"}").result().get("uuid").asText();
      check(client.post(db + "/query", sql("CREATE TABLE big(id INTEGER PRIMARY KEY, v, b BLOB)")));
      long t0 = System.nanoTime();
      // 1 MB per request: 250 rows of 4,000 random bytes.
      for (long i = 0; i < MB; i++) {
        check(
            client.post(
                db + "/query",
                sql(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)"
                        + " INSERT INTO big(v, b) SELECT i, randomblob(4000) FROM n")));
      }
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      String target = client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
      for (int i = 0; i < COMMITS; i++) {
        check(
            client.post(
                db + "/query",
                sql("UPDATE big SET v = v + 1 WHERE id = " + (1 + (i * 7919L) % (MB * 250)))));
      }
      String read = "SELECT count(*) AS n, sum(v) AS s FROM big WHERE id % 1000 = 1";
      long f0 = System.nanoTime();
      check(client.post(db + "/query?bookmark=" + target, sql(read)));
      double firstMs = (System.nanoTime() - f0) / 1e6;
      double[] again = new double[10];
      for (int i = 0; i < again.length; i++) {
        long a0 = System.nanoTime();
        check(client.post(db + "/query?bookmark=" + target, sql(read)));
        again[i] = (System.nanoTime() - a0) / 1e6;
      }
      Arrays.sort(again);
      double[] live = new double[10];
      for (int i = 0; i < live.length; i++) {
        long l0 = System.nanoTime();
        check(client.post(db + "/query", sql(read)));
        live[i] = (System.nanoTime() - l0) / 1e6;
      }
      Arrays.sort(live);
      long dbBytes =
          Files.size(server.dataDir().resolve("db").resolve(uuid(db)).resolve("db.sqlite"));
      long[] figures = server.engine().pastStateFigures();
      report.add(
          "database: %d MB of rows (%.1f s to load), %d bytes on disk"
              .formatted(MB, loadSeconds, dbBytes));
      report.add(
          "history snapshots: %d"
              .formatted(
                  snapshots(server.dataDir().resolve("db").resolve(uuid(db)).resolve("history"))));
      report.add(
          "read as of a bookmark %d commits back, first (makes the state): %.1f ms"
              .formatted(COMMITS, firstMs));
      report.add(
          "same read again, median of 10: %.1f ms (max %.1f ms)".formatted(again[5], again[9]));
      report.add("same read on the live database, median of 10: %.1f ms".formatted(live[5]));
      report.add(
          "disk the past state adds (its WAL of changed pages; the base is a link): %d bytes"
              .formatted(figures[0]));
      long b0 = System.nanoTime();
      D1Client.Reply branched =
          client.post(
              DBS,
              "{\"name\":\"branch\",\"from\":{\"database\":\"tt\",\"bookmark\":\""
                  + target
                  + "\"}}");
      check(branched);
      double branchMs = (System.nanoTime() - b0) / 1e6;
      Path branchDir =
          server.dataDir().resolve("db").resolve(branched.result().get("uuid").asText());
      report.add(
          "branch at that bookmark: %.1f ms, %d bytes on disk (its file and its first snapshot)"
              .formatted(branchMs, bytesUnder(branchDir)));
    }
    report.add(
        "machine: %d cores, load average %s"
            .formatted(
                Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim()));
    Path out = Path.of("bench/results/time-travel.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, report);
  }

  private static String uuid(String db) {
    return db.substring(db.lastIndexOf('/') + 1);
  }

  private static long bytesUnder(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static long snapshots(Path history) throws Exception {
    try (Stream<Path> files = Files.list(history)) {
      return files.filter(f -> f.getFileName().toString().startsWith("snap-")).count();
    }
  }

  private static String sql(String sql) {
    return D1Client.JSON.createObjectNode().put("sql", sql).toString();
  }

  private static void check(D1Client.Reply r) {
    if (r.status() != 200) {
      throw new AssertionError(r.body());
    }
  }
}
