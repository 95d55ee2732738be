package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Integrity;
import dev.opend1.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server (SIGKILL) at random moments during writes and restores, restarts it, and checks
 * that every acknowledged write is there, that an unacknowledged one is wholly there or wholly
 * absent, that the database is intact, and that every bookmark returned before the crash still
 * restores the content it stood for. A few cycles run in the default suite; the slow suite runs
 * fifty.
 */
class CrashTest {

  static final String ACCOUNT = "00000000000000000000000000000c4a";
  static final String TOKEN = "crash-token";
  static final Map<String, String> ENV =
      Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN);

  /** Restores are what the test does most: D1's rate limit would stop it. */
  static final List<String> FLAGS = List.of("--restore-limit", "1000000");

  @TempDir Path dir;

  /** A bookmark and how many writes were acknowledged when it was taken (one writer: exact). */
  record Point(String bookmark, int acknowledged) {}

  @Test
  void acknowledgedWritesAndBookmarksSurviveKills() throws Exception {
    cycles(3);
  }

  @Test
  @Tag("slow")
  void fiftyKillCycles() throws Exception {
    cycles(50);
  }

  private void cycles(int n) throws Exception {
    Random random = new Random(n);
    List<Integer> acked = new ArrayList<>();
    List<Point> points = new ArrayList<>();
    String db;
    try (ServerProcess server = ServerProcess.start(dir, List.of(), FLAGS, ENV)) {
      String dbs = "/client/v4/accounts/" + ACCOUNT + "/d1/database";
      db =
          dbs + "/" + call(server, "POST", dbs, "{\"name\":\"crash\"}").at("/result/uuid").asText();
      query(server, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, pad BLOB)");
      points.add(new Point(bookmark(server, db), 0));
    }
    int next = 1;
    String restoreFirst = null;
    for (int cycle = 0; cycle < n; cycle++) {
      boolean restores = cycle % 3 == 2;
      try (ServerProcess server = ServerProcess.start(dir, List.of(), FLAGS, ENV)) {
        if (restoreFirst != null) {
          // The last cycle was killed among restores: the state is one of the restored ones.
          // The bookmark taken before them must still bring everything back.
          JsonNode r =
              call(server, "POST", db + "/time_travel/restore?bookmark=" + restoreFirst, null);
          assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
          restoreFirst = null;
        }
        verify(server, db, acked, random, points, cycle);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Integer> newlyAcked = new ConcurrentLinkedQueue<>();
        List<Point> newPoints = java.util.Collections.synchronizedList(new ArrayList<>());
        int start = next;
        String latest = bookmark(server, db);
        Thread writer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      int id = start;
                      int count = acked.size();
                      while (!stop.get() && !restores) {
                        try {
                          JsonNode r =
                              call(
                                  server,
                                  "POST",
                                  db + "/query",
                                  "{\"sql\":\"INSERT INTO t VALUES (?, randomblob(?))\",\"params\":["
                                      + id
                                      + ","
                                      + (id % 7 == 0 ? 9000 : 100)
                                      + "]}");
                          if (r.path("success").asBoolean()) {
                            newlyAcked.add(id);
                            count++;
                            if (id % 5 == 0) {
                              newPoints.add(new Point(bookmark(server, db), count));
                            }
                          }
                        } catch (UncheckedIOException e) {
                          return;
                        }
                        id++;
                      }
                    });
        Thread restorer = null;
        if (restores) {
          // Back and forth between an older state and the newest one, until the kill.
          restoreFirst = latest;
          Random pick = new Random(cycle);
          restorer =
              Thread.ofPlatform()
                  .start(
                      () -> {
                        while (!stop.get()) {
                          try {
                            Point p = points.get(pick.nextInt(points.size()));
                            call(
                                server,
                                "POST",
                                db + "/time_travel/restore?bookmark=" + p.bookmark(),
                                null);
                            call(
                                server,
                                "POST",
                                db + "/time_travel/restore?bookmark=" + latest,
                                null);
                          } catch (RuntimeException e) {
                            return;
                          }
                        }
                      });
        }
        Thread.sleep(300 + random.nextInt(1200));
        server.kill();
        stop.set(true);
        writer.join(10_000);
        if (restorer != null) {
          restorer.join(10_000);
        }
        acked.addAll(newlyAcked);
        points.addAll(newPoints);
        next = start + 100_000;
      }
    }
    try (ServerProcess server = ServerProcess.start(dir, List.of(), FLAGS, ENV)) {
      if (restoreFirst != null) {
        call(server, "POST", db + "/time_travel/restore?bookmark=" + restoreFirst, null);
      }
      verify(server, db, acked, random, points, n);
    }
  }

  /**
   * Everything acknowledged is there, nothing is half there, and old bookmarks still restore. One
   * writer sends one request at a time, so each of the {@code kills} so far left at most one
   * unacknowledged write behind.
   */
  private void verify(
      ServerProcess server,
      String db,
      List<Integer> acked,
      Random random,
      List<Point> points,
      int kills)
      throws Exception {
    JsonNode ids = query(server, db, "SELECT id FROM t ORDER BY id").at("/result/0/results");
    java.util.Set<Integer> present = new java.util.HashSet<>();
    ids.forEach(r -> present.add(r.get("id").asInt()));
    assertThat(present).containsAll(acked);
    assertThat(present.size() - acked.size())
        .as("unacknowledged writes present (each wholly, at most one per cycle)")
        .isBetween(0, kills);
    assertThat(Integrity.check(dir, db)).isEqualTo("ok");
    int count = present.size();
    String latest = bookmark(server, db);
    for (int i = 0; i < 2 && !points.isEmpty(); i++) {
      Point p = points.get(random.nextInt(points.size()));
      JsonNode r = call(server, "POST", db + "/time_travel/restore?bookmark=" + p.bookmark(), null);
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      int restored =
          query(server, db, "SELECT count(*) AS n FROM t").at("/result/0/results/0/n").asInt();
      assertThat(restored).as("rows at " + p.bookmark()).isGreaterThanOrEqualTo(p.acknowledged());
      assertThat(restored)
          .as("rows at " + p.bookmark() + ": at most one unacknowledged write per kill")
          .isLessThanOrEqualTo(p.acknowledged() + kills);
      JsonNode back = call(server, "POST", db + "/time_travel/restore?bookmark=" + latest, null);
      assertThat(back.path("success").asBoolean()).as(back.toString()).isTrue();
      assertThat(
              query(server, db, "SELECT count(*) AS n FROM t").at("/result/0/results/0/n").asInt())
          .isEqualTo(count);
    }
  }

  private static String bookmark(ServerProcess server, String db) {
    return call(server, "GET", db + "/time_travel/bookmark", null).at("/result/bookmark").asText();
  }

  private static JsonNode query(ServerProcess server, String db, String sql) {
    return call(
        server, "POST", db + "/query", D1Client.JSON.createObjectNode().put("sql", sql).toString());
  }

  /** One request through the tests' driver; a reply that is not JSON means the server is gone. */
  private static JsonNode call(ServerProcess server, String method, String path, String body) {
    D1Client.Reply reply =
        new D1Client(
                server.baseUrl(),
                Map.of("Authorization", "Bearer " + TOKEN),
                Duration.ofSeconds(30))
            .send(method, path, body);
    if (reply.json() == null) {
      throw new UncheckedIOException(
          new IOException("not JSON (" + reply.status() + "): " + reply.body()));
    }
    return reply.json();
  }
}
