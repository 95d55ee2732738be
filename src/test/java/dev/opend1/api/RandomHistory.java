package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.engine.DurableFiles;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The time-travel property tests' shared fixture ({@link AsOfPropertyTest}, {@link
 * DiffPropertyTest}, {@link BranchPropertyTest}): a server with one database, seeded random writes
 * of the shapes time travel must carry, and a hash of a state's whole content.
 *
 * <p>The writes: inserts, bulk inserts and large deletes (pages freed and reused, VACUUM-like
 * churn), updates of many rows and of one, deletes, added columns, dropped tables, indexes, views,
 * a trigger that writes its own table; a WITHOUT ROWID table ({@code w}) whose rows are replaced;
 * rows swapping UNIQUE values ({@code u}); a parent and a child with {@code ON DELETE CASCADE},
 * {@code ON DELETE SET NULL} and {@code ON UPDATE CASCADE} ({@code p}, {@code c}); a trigger that
 * writes another table ({@code audit}). Writes go to tables that exist, so most of them apply; one
 * that SQLite refuses (400) changes nothing.
 */
final class RandomHistory implements AutoCloseable {

  final long seed;
  final Random random;
  final TestServer server;
  final D1Client client;

  /** The database's path under the API, {@code .../d1/database/<uuid>}. */
  final String db;

  private final Path dir;

  /** The plain tables {@code t<n>} that exist, by number. */
  private final List<Integer> plain = new ArrayList<>();

  private int made;
  private boolean shapes;

  /** Codes of {@code u} and {@code p} are never reused, so a swap is the only way two meet. */
  private int code = 1000;

  private RandomHistory(long seed, Path dir) {
    this.seed = seed;
    this.random = new Random(seed);
    this.dir = dir;
    this.server = TestServer.start(dir, Map.of("restore-limit", "1000"));
    this.client = server.client();
    this.db = databases() + "/" + create("{\"name\":\"p\"}");
  }

  /** A server in a temporary directory with one empty database, writes drawn from {@code seed}. */
  static RandomHistory start(long seed) throws Exception {
    return new RandomHistory(seed, Files.createTempDirectory("history-prop"));
  }

  /** Creates a database (a branch with {@code from}) from a create body; answers its UUID. */
  String create(String body) {
    Reply r = client.post(databases(), body);
    assertThat(r.status()).as(body + " -> " + r.body() + " (seed " + seed + ")").isEqualTo(200);
    return r.result().get("uuid").asText();
  }

  /** Runs one random write and answers the bookmark after it. */
  String write() {
    String statement = randomWrite();
    Reply r = client.post(db + "/query", sql(statement));
    assertThat(r.status())
        .as(statement + " -> " + r.body() + " (seed " + seed + ")")
        .isIn(200, 400);
    if (r.status() == 200) {
      if (statement.startsWith("CREATE TABLE t")) {
        plain.add(made++);
      } else if (statement.startsWith("DROP TABLE t")) {
        plain.remove(Integer.valueOf(statement.substring("DROP TABLE t".length())));
      } else if (statement.startsWith("CREATE TABLE u")) {
        shapes = true;
      }
    }
    return bookmark(db);
  }

  String bookmark(String database) {
    return client.get(database + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  /** A hash of the live state of {@code database}. */
  String hash(String database) throws Exception {
    return hash(database, "");
  }

  /**
   * A hash of the schema and every row (with its rowid, where it has one) of every table of {@code
   * database} (but SQLite's and D1's own, which no request may read), each read sent with {@code
   * params} ({@code ?bookmark=B} reads the past): two states with the same hash hold the same
   * content.
   */
  String hash(String database, String params) throws Exception {
    return hash(client, database, params);
  }

  /** {@link #hash(String, String)} through any client. */
  static String hash(D1Client client, String database, String params) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    Reply schema =
        client.post(
            database + "/raw" + params,
            sql("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"));
    assertThat(schema.status()).as(schema.body()).isEqualTo(200);
    JsonNode objects = schema.result().at("/0/results/rows");
    d.update(objects.toString().getBytes(StandardCharsets.UTF_8));
    for (JsonNode o : objects) {
      String name = o.get(1).asText();
      if (o.get(0).asText().equals("table")
          && !name.startsWith("sqlite_")
          && !name.startsWith("_cf_")) {
        boolean rowid = !o.get(3).asText().toUpperCase().contains("WITHOUT ROWID");
        String q =
            rowid
                ? "SELECT rowid, * FROM \"" + name + "\" ORDER BY rowid"
                : "SELECT * FROM \"" + name + "\"";
        Reply rows = client.post(database + "/raw" + params, sql(q));
        assertThat(rows.status()).as(q + " -> " + rows.body()).isEqualTo(200);
        d.update(rows.result().at("/0/results").toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private String randomWrite() {
    if (plain.isEmpty() || random.nextInt(12) == 0) {
      int n = made;
      return "CREATE TABLE t"
          + n
          + "(id INTEGER PRIMARY KEY, v, b BLOB); INSERT INTO t"
          + n
          + "(v, b) "
          + series(5 + random.nextInt(20), "i, randomblob(20)");
    }
    if (!shapes && random.nextInt(6) == 0) {
      return shapesSql();
    }
    if (shapes && random.nextInt(3) == 0) {
      return shapeWrite();
    }
    String t = "t" + plain.get(random.nextInt(plain.size()));
    return switch (random.nextInt(20)) {
      case 0, 1 ->
          "INSERT INTO " + t + "(v, b) VALUES (" + random.nextInt(1000) + ", randomblob(30))";
      case 2 ->
          "INSERT INTO "
              + t
              + "(v, b) "
              + series(50 + random.nextInt(300), "i, randomblob(" + random.nextInt(2000) + ")");
      case 3, 4, 5 -> "UPDATE " + t + " SET v = v || 'x' WHERE id % 3 = " + random.nextInt(3);
      case 6, 7 ->
          "UPDATE " + t + " SET v = " + random.nextInt(1000) + " WHERE id = " + random.nextInt(30);
      case 8, 9 -> "DELETE FROM " + t + " WHERE id % 5 = " + random.nextInt(5);
      case 10 -> "DELETE FROM " + t + " WHERE id > " + random.nextInt(50);
      case 11 -> "ALTER TABLE " + t + " ADD COLUMN c" + random.nextInt(1_000_000);
      case 12 -> "CREATE TABLE IF NOT EXISTS w(k TEXT PRIMARY KEY, v) WITHOUT ROWID";
      case 13 ->
          "INSERT OR REPLACE INTO w VALUES ('k"
              + random.nextInt(15)
              + "', "
              + random.nextInt(9)
              + ")";
      case 14 -> "DELETE FROM w WHERE v = " + random.nextInt(9);
      case 15 -> "CREATE VIEW IF NOT EXISTS v_" + t + " AS SELECT id, v FROM " + t;
      case 16 ->
          "CREATE TRIGGER IF NOT EXISTS g_"
              + t
              + " AFTER INSERT ON "
              + t
              + " BEGIN UPDATE "
              + t
              + " SET v = v || 'g' WHERE id = NEW.id; END";
      case 17 -> "CREATE INDEX IF NOT EXISTS i_" + t + " ON " + t + "(v)";
      case 18 -> "DROP TABLE " + t;
      default -> "INSERT INTO " + t + "(v) VALUES (NULL)";
    };
  }

  /** The constrained tables: UNIQUE values, a parent and child with actions, an audit trigger. */
  private String shapesSql() {
    StringBuilder s = new StringBuilder();
    s.append("CREATE TABLE u(id INTEGER PRIMARY KEY, code INTEGER NOT NULL UNIQUE, v);");
    s.append("CREATE TABLE p(id INTEGER PRIMARY KEY, code INTEGER UNIQUE, name TEXT);");
    s.append("CREATE TABLE c(id INTEGER PRIMARY KEY,");
    s.append(" pid INTEGER REFERENCES p(id) ON DELETE CASCADE,");
    s.append(" pcode INTEGER REFERENCES p(code) ON UPDATE CASCADE ON DELETE SET NULL, v);");
    s.append("CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT);");
    s.append("CREATE TRIGGER c_audit AFTER INSERT ON c BEGIN");
    s.append(" INSERT INTO audit(what) VALUES ('c ' || NEW.id || ' of ' || NEW.pid); END;");
    for (int i = 1; i <= 6; i++) {
      s.append("INSERT INTO u(code, v) VALUES (")
          .append(code++)
          .append(", ")
          .append(i)
          .append(");");
      s.append("INSERT INTO p(code, name) VALUES (").append(code++).append(", 'p").append(i);
      s.append("');");
    }
    for (int i = 1; i <= 12; i++) {
      s.append(childInsert());
    }
    return s.toString();
  }

  /** One write to the constrained tables. */
  private String shapeWrite() {
    int a = 1 + random.nextInt(8);
    int b = 1 + random.nextInt(8);
    return switch (random.nextInt(8)) {
      // Two rows swap their UNIQUE codes, through values no row holds.
      case 0, 1 ->
          "UPDATE u SET v = code, code = -id WHERE id IN ("
              + a
              + ", "
              + b
              + "); UPDATE u SET code = (SELECT o.v FROM u AS o WHERE o.id = "
              + (a + b)
              + " - u.id) WHERE id IN ("
              + a
              + ", "
              + b
              + ") AND EXISTS (SELECT 1 FROM u AS o WHERE o.id = "
              + (a + b)
              + " - u.id)";
      case 2 -> "INSERT INTO u(code, v) VALUES (" + code++ + ", 'new')";
      case 3 -> "DELETE FROM u WHERE id = " + a;
      // A parent's code changes (its children follow), or a parent goes (its children go too,
      // or lose their code).
      case 4 -> "UPDATE p SET code = " + code++ + " WHERE id = " + a;
      case 5 -> "DELETE FROM p WHERE id = " + a;
      case 6 ->
          random.nextBoolean()
              ? "INSERT INTO p(code, name) VALUES (" + code++ + ", 'later')"
              : childInsert();
      default ->
          "UPDATE c SET pid = (SELECT id FROM p ORDER BY random() LIMIT 1), v = 'moved' WHERE id = "
              + (1 + random.nextInt(14));
    };
  }

  private String childInsert() {
    return "INSERT INTO c(pid, pcode, v) SELECT id, code, 'child' FROM p ORDER BY id LIMIT 1"
        + " OFFSET "
        + random.nextInt(6)
        + ";";
  }

  /** {@code INSERT ... SELECT columns FROM} the numbers 1 to {@code n} (as {@code i}). */
  private static String series(int n, String columns) {
    return "SELECT "
        + columns
        + " FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
        + n
        + ") SELECT i FROM n)";
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      DurableFiles.deleteTree(dir);
    }
  }
}
