package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.ImportDriver;
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
 * Seeded random histories (inserts, updates, deletes, schema changes, large deletes, a WITHOUT
 * ROWID table, indexes, views and triggers): for random pairs of bookmarks, the diff's SQL applied
 * to the state at the older (a restore to it) yields exactly the state at the newer.
 */
class DiffPropertyTest {

  @Property(tries = 3, seed = "21")
  void theDiffsSqlTurnTheOlderStateIntoTheNewer(@ForAll @LongRange(min = 1) long seed)
      throws Exception {
    Path dir = Files.createTempDirectory("diff-prop");
    try (TestServer server = TestServer.start(dir, Map.of("restore-limit", "1000"))) {
      D1Client client = server.client();
      String db =
          databases()
              + "/"
              + client.post(databases(), "{\"name\":\"p\"}").result().get("uuid").asText();
      Random random = new Random(seed);
      List<String> points = new ArrayList<>();
      points.add(TimeTravelPropertyTest.bookmark(client, db));
      int tables = 0;
      for (int i = 0; i < 30; i++) {
        String statement = randomWrite(random, tables);
        if (statement.startsWith("CREATE TABLE t")) {
          tables++;
        }
        Reply r = client.post(db + "/query", sql(statement));
        assertThat(r.status()).as(statement + " -> " + r.body()).isIn(200, 400);
        points.add(TimeTravelPropertyTest.bookmark(client, db));
      }
      for (int i = 0; i < 4; i++) {
        // An older state in the first half, a newer in the second, or (once) the same state.
        int half = points.size() / 2;
        int a = random.nextInt(half);
        int b = i == 3 ? a : half + random.nextInt(points.size() - half);
        String from = points.get(a);
        String to = points.get(b);
        String wanted = TimeTravelPropertyTest.hash(client, db, "?bookmark=" + to);
        Reply script = client.get(db + "/time_travel/diff?format=sql&from=" + from + "&to=" + to);
        assertThat(script.status()).as(script.body()).isEqualTo(200);
        assertThat(script.body()).endsWith("-- end of diff\n");
        Reply restored = client.send("POST", db + "/time_travel/restore?bookmark=" + from, null);
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        ImportDriver.run(client, db, script.body());
        assertThat(TimeTravelPropertyTest.hash(client, db))
            .as("%s to %s (seed %d):%n%s", a, b, seed, script.body())
            .isEqualTo(wanted);
      }
    } finally {
      dev.opend1.engine.DurableFiles.deleteTree(dir);
    }
  }

  private static String randomWrite(Random random, int tables) {
    if (tables == 0 || random.nextInt(12) == 0) {
      return "CREATE TABLE t" + tables + "(id INTEGER PRIMARY KEY, v, b BLOB)";
    }
    String t = "t" + random.nextInt(tables);
    return switch (random.nextInt(20)) {
      case 0, 1, 18 ->
          "INSERT INTO " + t + "(v, b) VALUES (" + random.nextInt(1000) + ", randomblob(30))";
      case 2 ->
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
              + (50 + random.nextInt(300))
              + ") INSERT INTO "
              + t
              + "(v, b) SELECT i, randomblob("
              + random.nextInt(2000)
              + ") FROM n";
      case 3, 14, 15, 16 -> "UPDATE " + t + " SET v = v || 'x' WHERE id % 3 = " + random.nextInt(3);
      case 4, 17 -> "DELETE FROM " + t + " WHERE id % 5 = " + random.nextInt(5);
      case 5 -> "DELETE FROM " + t + " WHERE id > " + random.nextInt(50);
      case 6 -> "ALTER TABLE " + t + " ADD COLUMN c" + random.nextInt(1_000_000);
      case 7 -> "CREATE TABLE IF NOT EXISTS w(k TEXT PRIMARY KEY, v) WITHOUT ROWID";
      case 8 ->
          "INSERT OR REPLACE INTO w VALUES ('k"
              + random.nextInt(30)
              + "', "
              + random.nextInt(9)
              + ")";
      case 9 -> "DELETE FROM w WHERE v = " + random.nextInt(9);
      case 10 -> "CREATE VIEW IF NOT EXISTS v_" + t + " AS SELECT id, v FROM " + t;
      case 11 ->
          "CREATE TRIGGER IF NOT EXISTS g_"
              + t
              + " AFTER INSERT ON "
              + t
              + " BEGIN UPDATE "
              + t
              + " SET v = v || 'g' WHERE id = NEW.id; END";
      case 12 -> "CREATE INDEX IF NOT EXISTS i_" + t + " ON " + t + "(v)";
      default -> "DROP TABLE IF EXISTS " + t;
    };
  }
}
