package dev.opend1.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.engine.DurableFiles;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine is lost: a server in {@code sync} mode takes concurrent writes, is killed (SIGKILL)
 * and its whole data directory deleted; {@code opend1 recover} rebuilds it from the bucket alone,
 * and the restarted server has every acknowledged write, every database, the token made at the
 * first start, and time travel back to the first commit.
 */
class DisasterRecoveryTest {

  static final Pattern FIRST_START =
      Pattern.compile("CLOUDFLARE_API_TOKEN=(\\S+) CLOUDFLARE_ACCOUNT_ID=([0-9a-f]{32})");

  @TempDir Path dir;

  static List<String> flags(S3Proxy s3, String prefix, String durability) {
    return s3.flags(prefix, durability);
  }

  @Test
  void everyAcknowledgedWriteSurvivesTheLossOfTheDataDirectory() throws Exception {
    Path data = dir.resolve("data");
    try (S3Proxy s3 = S3Proxy.start(dir.resolve("s3"))) {
      List<String> flags = flags(s3, "dr", "sync");
      String token;
      String account;
      String first;
      String a;
      String b;
      Set<Integer> acked = ConcurrentHashMap.newKeySet();
      try (ServerProcess server = ServerProcess.start(data, List.of(), flags, s3.env())) {
        Matcher m = awaitFirstStart(server);
        token = m.group(1);
        account = m.group(2);
        D1Client c = client(server, token);
        String dbs = "/client/v4/accounts/" + account + "/d1/database";
        a = c.post(dbs, "{\"name\":\"alpha\"}").result().path("uuid").asText();
        b = c.post(dbs, "{\"name\":\"beta\"}").result().path("uuid").asText();
        assertThat(query(c, dbs, a, "CREATE TABLE t (x INTEGER PRIMARY KEY)").status())
            .isEqualTo(200);
        first = c.get(dbs + "/" + a + "/time_travel/bookmark").result().path("bookmark").asText();
        assertThat(query(c, dbs, b, "CREATE TABLE u (y)").status()).isEqualTo(200);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          int base = w * 1000;
          writers.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        for (int i = 0; i < 25; i++) {
                          int x = base + i;
                          if (query(c, dbs, a, "INSERT INTO t VALUES (" + x + ")").status()
                              == 200) {
                            acked.add(x);
                          }
                        }
                      }));
        }
        for (Thread t : writers) {
          t.join();
        }
        assertThat(query(c, dbs, b, "INSERT INTO u VALUES ('kept')").status()).isEqualTo(200);
        server.kill();
      }
      assertThat(acked).hasSize(100);
      DurableFiles.deleteTree(data);

      ServerProcess.Output recovered = recover(s3, "dr", data);
      assertThat(recovered.exitCode()).as(recovered.stdout() + recovered.stderr()).isZero();
      assertThat(recovered.stdout()).contains("catalog from", "database " + a, "MB/s");

      try (ServerProcess server = ServerProcess.start(data, List.of(), flags, s3.env())) {
        D1Client c = client(server, token);
        String dbs = "/client/v4/accounts/" + account + "/d1/database";
        D1Client.Reply list = c.get(dbs);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        list.result().forEach(d -> names.add(d.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("alpha", "beta");
        JsonNode rows = query(c, dbs, a, "SELECT x FROM t ORDER BY x").json();
        Set<Integer> found = ConcurrentHashMap.newKeySet();
        rows.at("/result/0/results").forEach(r -> found.add(r.path("x").asInt()));
        assertThat(found).containsExactlyInAnyOrderElementsOf(acked);
        assertThat(query(c, dbs, b, "SELECT y FROM u").body()).contains("kept");
        D1Client.Reply restore =
            c.post(dbs + "/" + a + "/time_travel/restore?bookmark=" + first, null);
        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        assertThat(
                query(c, dbs, a, "SELECT count(*) AS n FROM t")
                    .json()
                    .at("/result/0/results/0/n")
                    .asInt())
            .isZero();
      }
    }
  }

  /**
   * In {@code async} mode the machine may take the last moments with it, never more than the lag: a
   * writer records when each insert was answered; after SIGKILL, the loss of the data directory and
   * a recovery, every missing row was answered within the lag bound before the kill.
   */
  @Test
  void asyncModeLosesNoMoreThanTheLag() throws Exception {
    Path data = dir.resolve("data");
    long lagMs = 1000;
    try (S3Proxy s3 = S3Proxy.start(dir.resolve("s3"))) {
      List<String> flags = new ArrayList<>(flags(s3, "async", "async"));
      flags.addAll(List.of("--object-store-lag-ms", Long.toString(lagMs)));
      Map<Integer, Long> answeredAt = new ConcurrentHashMap<>();
      String token;
      String account;
      String a;
      long killedAt;
      try (ServerProcess server = ServerProcess.start(data, List.of(), flags, s3.env())) {
        Matcher m = awaitFirstStart(server);
        token = m.group(1);
        account = m.group(2);
        D1Client c = client(server, token);
        String dbs = "/client/v4/accounts/" + account + "/d1/database";
        a = c.post(dbs, "{\"name\":\"alpha\"}").result().path("uuid").asText();
        assertThat(query(c, dbs, a, "CREATE TABLE t (x INTEGER PRIMARY KEY)").status())
            .isEqualTo(200);
        Thread.sleep(2 * lagMs); // the database and its table are shipped
        java.util.concurrent.atomic.AtomicBoolean stop =
            new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int x = 0; !stop.get(); x++) {
                        try {
                          if (query(c, dbs, a, "INSERT INTO t VALUES (" + x + ")").status()
                              == 200) {
                            answeredAt.put(x, System.nanoTime());
                          }
                        } catch (RuntimeException gone) {
                          return;
                        }
                      }
                    });
        Thread.sleep(3000);
        killedAt = System.nanoTime();
        server.kill();
        stop.set(true);
        writer.join(10_000);
      }
      DurableFiles.deleteTree(data);
      ServerProcess.Output recovered = recover(s3, "async", data);
      assertThat(recovered.exitCode()).as(recovered.stdout() + recovered.stderr()).isZero();
      try (ServerProcess server = ServerProcess.start(data, List.of(), flags, s3.env())) {
        D1Client c = client(server, token);
        String dbs = "/client/v4/accounts/" + account + "/d1/database";
        Set<Integer> found = ConcurrentHashMap.newKeySet();
        query(c, dbs, a, "SELECT x FROM t")
            .json()
            .at("/result/0/results")
            .forEach(r -> found.add(r.path("x").asInt()));
        long lost = 0;
        long oldestLossMs = 0;
        for (Map.Entry<Integer, Long> e : answeredAt.entrySet()) {
          if (!found.contains(e.getKey())) {
            lost++;
            oldestLossMs = Math.max(oldestLossMs, (killedAt - e.getValue()) / 1_000_000);
          }
        }
        System.out.printf(
            "async loss: %d of %d answered inserts, the oldest answered %d ms before the kill%n",
            lost, answeredAt.size(), oldestLossMs);
        assertThat(answeredAt).hasSizeGreaterThan(10);
        // The bound: the lag (plus the time a kill takes to land).
        assertThat(oldestLossMs).isLessThanOrEqualTo(lagMs + 500);
      }
    }
  }

  /** Runs {@code opend1 recover} from {@code prefix} of the bucket into {@code data}. */
  static ServerProcess.Output recover(S3Proxy s3, String prefix, Path data) throws Exception {
    return ServerProcess.run(
        s3.env(),
        "recover",
        "--from",
        "s3://" + S3Proxy.BUCKET + "/" + prefix,
        "--object-store-endpoint",
        s3.endpoint(),
        "--data-dir",
        data.toString());
  }

  static Matcher awaitFirstStart(ServerProcess server) throws InterruptedException {
    server.port();
    for (int i = 0; i < 200; i++) {
      Matcher m = FIRST_START.matcher(server.stdout());
      if (m.find()) {
        return m;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no first-start token in:\n" + server.stdout());
  }

  static D1Client client(ServerProcess server, String token) {
    return new D1Client(server.baseUrl(), Map.of("Authorization", "Bearer " + token));
  }

  static D1Client.Reply query(D1Client c, String dbs, String db, String sql) {
    return c.post(dbs + "/" + db + "/query", "{\"sql\":\"" + sql + "\"}");
  }
}
