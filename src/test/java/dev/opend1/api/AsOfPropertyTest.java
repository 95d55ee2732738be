package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Seeded random histories (inserts, updates, deletes, schema changes, large deletes that free and
 * reuse many pages): the state read as of every bookmark is exactly the state recorded when that
 * bookmark was current, and exactly what a restore to it then shows.
 */
class AsOfPropertyTest {

  record Point(String bookmark, String hash) {}

  @Property(tries = 3, seed = "20")
  void everyBookmarkReadsAsARestoreWouldShow(@ForAll @LongRange(min = 1) long seed)
      throws Exception {
    Path dir = Files.createTempDirectory("asof-prop");
    try (TestServer server = TestServer.start(dir, Map.of("restore-limit", "1000"))) {
      D1Client client = server.client();
      String db =
          databases()
              + "/"
              + client.post(databases(), "{\"name\":\"p\"}").result().get("uuid").asText();
      Random random = new Random(seed);
      List<Point> points = new ArrayList<>();
      points.add(
          new Point(
              TimeTravelPropertyTest.bookmark(client, db),
              TimeTravelPropertyTest.hash(client, db)));
      int tables = 0;
      for (int i = 0; i < 40; i++) {
        String statement = randomWrite(random, tables);
        if (statement.startsWith("CREATE TABLE")) {
          tables++;
        }
        Reply r = client.post(db + "/query", sql(statement));
        assertThat(r.status()).as(statement + " -> " + r.body()).isIn(200, 400);
        points.add(
            new Point(
                TimeTravelPropertyTest.bookmark(client, db),
                TimeTravelPropertyTest.hash(client, db)));
      }
      for (Point p : points) {
        assertThat(TimeTravelPropertyTest.hash(client, db, "?bookmark=" + p.bookmark()))
            .as("as of " + p.bookmark() + " (seed " + seed + ")")
            .isEqualTo(p.hash());
      }
      for (int i = 0; i < 3; i++) {
        Point p = points.get(random.nextInt(points.size()));
        String asOf = TimeTravelPropertyTest.hash(client, db, "?bookmark=" + p.bookmark());
        Reply r = client.send("POST", db + "/time_travel/restore?bookmark=" + p.bookmark(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(TimeTravelPropertyTest.hash(client, db)).as("restored").isEqualTo(asOf);
      }
    } finally {
      dev.opend1.engine.DurableFiles.deleteTree(dir);
    }
  }

  private static String randomWrite(Random random, int tables) {
    if (tables == 0 || random.nextInt(10) == 0) {
      return "CREATE TABLE t" + tables + "(id INTEGER PRIMARY KEY, v, b BLOB)";
    }
    String t = "t" + random.nextInt(tables);
    return switch (random.nextInt(8)) {
      case 0, 1 ->
          "INSERT INTO " + t + "(v, b) VALUES (" + random.nextInt(1000) + ", randomblob(30))";
      case 2 ->
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
              + (50 + random.nextInt(400))
              + ") INSERT INTO "
              + t
              + "(v, b) SELECT i, randomblob("
              + random.nextInt(3000)
              + ") FROM n";
      case 3 -> "UPDATE " + t + " SET v = v || 'x' WHERE id % 3 = " + random.nextInt(3);
      case 4 -> "DELETE FROM " + t + " WHERE id % 5 = " + random.nextInt(5);
      case 5 -> "DELETE FROM " + t + " WHERE id > " + random.nextInt(50);
      case 6 -> "ALTER TABLE " + t + " ADD COLUMN c" + random.nextInt(1_000_000);
      default ->
          random.nextBoolean()
              ? "CREATE INDEX IF NOT EXISTS i_" + t + " ON " + t + "(v)"
              : "DROP TABLE IF EXISTS " + t;
    };
  }
}
