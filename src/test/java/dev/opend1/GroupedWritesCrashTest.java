package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Integrity;
import dev.opend1.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server (SIGKILL) while sixteen clients write to one database, so that their requests
 * commit in shared groups, restarts it, and checks that no acknowledged write is missing and no
 * request is half there: each request inserts two rows of one key, and a key has both or neither.
 */
class GroupedWritesCrashTest {

  private static final int CLIENTS = 16;
  private static final int CYCLES = 2;

  @TempDir Path dir;

  @Test
  void killsUnderConcurrentWritesLoseNothingAcknowledgedAndApplyNoHalfRequest() throws Exception {
    Random random = new Random(17);
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    String db;
    try (ServerProcess server = start()) {
      String dbs = "/client/v4/accounts/" + CrashTest.ACCOUNT + "/d1/database";
      db = dbs + "/" + call(server, dbs, "{\"name\":\"groups\"}").at("/result/uuid").asText();
      call(
          server,
          db + "/query",
          sql("CREATE TABLE t(k INTEGER, part INTEGER, PRIMARY KEY(k, part))"));
    }
    boolean grouped = false;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      try (ServerProcess server = start()) {
        verify(server, db, acked);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          long first = ((long) cycle * CLIENTS + c) * 1_000_000L;
          clients.add(Thread.ofPlatform().start(() -> write(server, db, first, stop, acked)));
        }
        Thread.sleep(1500 + random.nextInt(1500));
        Map<String, Double> m = metrics(server);
        grouped |=
            m.getOrDefault("opend1_write_requests_committed_total", 0.0)
                > m.getOrDefault("opend1_write_commits_total", 0.0);
        server.kill();
        stop.set(true);
        for (Thread t : clients) {
          t.join(30_000);
        }
      }
    }
    try (ServerProcess server = start()) {
      verify(server, db, acked);
    }
    assertThat(acked).hasSizeGreaterThan(CLIENTS);
    assertThat(grouped).as("requests committed together in some cycle").isTrue();
  }

  /** One client: requests of two rows of one key each, until stopped or the server is gone. */
  private static void write(
      ServerProcess server, String db, long first, AtomicBoolean stop, Set<Long> acked) {
    for (long k = first; !stop.get(); k++) {
      String body =
          "{\"batch\":[{\"sql\":\"INSERT INTO t VALUES (?, 1)\",\"params\":["
              + k
              + "]},{\"sql\":\"INSERT INTO t VALUES (?, 2)\",\"params\":["
              + k
              + "]}]}";
      try {
        if (call(server, db + "/query", body).path("success").asBoolean()) {
          acked.add(k);
        }
      } catch (UncheckedIOException e) {
        return;
      }
    }
  }

  /** Every acknowledged key is there, every key present has both its rows, the file is intact. */
  private void verify(ServerProcess server, String db, Set<Long> acked) {
    JsonNode rows =
        call(server, db + "/query", sql("SELECT k, count(*) AS n FROM t GROUP BY k"))
            .at("/result/0/results");
    Map<Long, Integer> present = new HashMap<>();
    rows.forEach(r -> present.put(r.get("k").asLong(), r.get("n").asInt()));
    assertThat(present.keySet()).containsAll(acked);
    assertThat(present.values())
        .as("rows per key: a request wholly or not at all")
        .allMatch(n -> n == 2);
    assertThat(Integrity.check(dir, db)).isEqualTo("ok");
  }

  private ServerProcess start() throws IOException {
    return ServerProcess.start(dir, List.of(), List.of(), CrashTest.ENV);
  }

  /** The server's counters, by series name (unlabelled series only). */
  private static Map<String, Double> metrics(ServerProcess server) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    Map<String, Double> values = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^(opend1_[a-z_]+) ([0-9.eE+-]+)$").matcher(r.body());
    while (m.find()) {
      values.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return values;
  }

  private static String sql(String sql) {
    return D1Client.JSON.createObjectNode().put("sql", sql).toString();
  }

  /** One POST through the tests' driver; a reply that is not JSON means the server is gone. */
  private static JsonNode call(ServerProcess server, String path, String body) {
    D1Client.Reply reply =
        new D1Client(
                server.baseUrl(),
                Map.of("Authorization", "Bearer " + CrashTest.TOKEN),
                Duration.ofSeconds(30))
            .send("POST", path, body);
    if (reply.json() == null) {
      throw new UncheckedIOException(
          new IOException("not JSON (" + reply.status() + "): " + reply.body()));
    }
    return reply.json();
  }
}
