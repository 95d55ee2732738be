package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.Integrity;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random writes (inserts, updates, deletes, DDL, BLOBs that span overflow pages), each followed by
 * its bookmark and a hash of the whole content; then restores to random recorded bookmarks and
 * timestamps in random order: every restore must bring back exactly the recorded content, pass
 * {@code integrity_check}, and be undone by its previous bookmark.
 */
class TimeTravelPropertyTest {

  @TempDir Path dir;

  record Point(String bookmark, Instant after, String hash) {}

  @Test
  void everyRecordedStateCanBeRestoredExactly() throws Exception {
    // Small history segments and snapshots are exercised by the sheer number of commits.
    try (TestServer server = TestServer.start(dir, Map.of("restore-limit", "1000"))) {
      D1Client client = server.client();
      String db =
          databases()
              + "/"
              + client.post(databases(), "{\"name\":\"prop\"}").result().get("uuid").asText();
      Random random = new Random(7);
      List<Point> points = new ArrayList<>();
      points.add(new Point(bookmark(client, db), Instant.now(), hash(client, db)));
      int tables = 0;
      for (int i = 0; i < 120; i++) {
        String statement = randomWrite(random, tables);
        if (statement.startsWith("CREATE TABLE")) {
          tables++;
        }
        Reply r = client.post(db + "/query", sql(statement));
        assertThat(r.status()).as(statement + " -> " + r.body()).isIn(200, 400);
        points.add(new Point(bookmark(client, db), Instant.now(), hash(client, db)));
        Thread.sleep(1);
      }
      Path history =
          server
              .dataDir()
              .resolve("db")
              .resolve(db.substring(db.lastIndexOf('/') + 1))
              .resolve("history");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (snapshots(history) < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(snapshots(history)).as("snapshots were taken besides the first").isGreaterThan(1);
      List<Point> order = new ArrayList<>(points);
      java.util.Collections.shuffle(order, random);
      for (Point p : order.subList(0, 25)) {
        boolean byTime = random.nextInt(4) == 0;
        String before = hash(client, db);
        Reply r =
            byTime
                ? client.send(
                    "POST", db + "/time_travel/restore?timestamp=" + p.after().toString(), null)
                : client.send("POST", db + "/time_travel/restore?bookmark=" + p.bookmark(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(hash(client, db)).as("content at " + p.bookmark()).isEqualTo(p.hash());
        assertThat(integrity(db)).isEqualTo("ok");
        Reply undo =
            client.send(
                "POST",
                db
                    + "/time_travel/restore?bookmark="
                    + r.result().get("previous_bookmark").asText(),
                null);
        assertThat(undo.status()).isEqualTo(200);
        assertThat(hash(client, db)).as("undo").isEqualTo(before);
      }
      assertThat(
              Long.parseLong(java.nio.file.Files.readString(history.resolve("checkpoint")).trim()))
          .as("restores checkpointed the database before swapping it")
          .isPositive();
    }
  }

  private static long snapshots(Path history) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(history)) {
      return files.filter(f -> f.getFileName().toString().startsWith("snap-")).count();
    }
  }

  private static String randomWrite(Random random, int tables) {
    if (tables == 0 || random.nextInt(12) == 0) {
      return "CREATE TABLE t" + tables + "(id INTEGER PRIMARY KEY, v, b BLOB)";
    }
    String t = "t" + random.nextInt(tables);
    return switch (random.nextInt(6)) {
      case 0, 1 ->
          "INSERT INTO "
              + t
              + "(v, b) VALUES ("
              + random.nextInt(1000)
              + ", randomblob("
              + random.nextInt(20)
              + "))";
      case 2 ->
          "INSERT INTO "
              + t
              + "(v, b) VALUES ('big', randomblob("
              + (5000 + random.nextInt(40000))
              + "))";
      case 3 -> "UPDATE " + t + " SET v = v || 'x' WHERE id % 3 = " + random.nextInt(3);
      case 4 -> "DELETE FROM " + t + " WHERE id % 5 = " + random.nextInt(5);
      default ->
          random.nextBoolean()
              ? "CREATE INDEX IF NOT EXISTS i_" + t + " ON " + t + "(v)"
              : "ALTER TABLE " + t + " ADD COLUMN c" + random.nextInt(1_000_000);
    };
  }

  static String bookmark(D1Client client, String db) {
    return client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  private String integrity(String db) {
    return Integrity.check(dir, db);
  }

  /** A hash of the schema and every row of every table. */
  static String hash(D1Client client, String db) throws Exception {
    return hash(client, db, "");
  }

  /** The same hash, each read sent with {@code params} ({@code ?bookmark=...} reads the past). */
  static String hash(D1Client client, String db, String params) throws Exception {
    return RandomHistory.hash(client, db, params);
  }
}
