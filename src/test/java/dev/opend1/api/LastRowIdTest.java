package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code meta.last_row_id}: exactly {@code last_insert_rowid()} of the database's connection after
 * each statement, one row per scenario, each with its source. Every scenario runs on a new database
 * whose table {@code t} has an INTEGER PRIMARY KEY {@code id} and a UNIQUE {@code v}; its requests
 * run in order, and the figures asserted are those of the last one, statement by statement.
 *
 * <p>Sources: miniflare = cloudflare/workers-sdk {@code
 * packages/miniflare/src/workers/d1/database.worker.ts}, whose {@code #query} reports {@code SELECT
 * last_insert_rowid()} of the database's one connection after every statement, in a {@code
 * transactionSync} that rolls a failed batch back; SQLite = the C API's description of {@code
 * sqlite3_last_insert_rowid} (sqlite.org/c3ref/last_insert_rowid.html), which D1's SQLite is. The
 * same figures come out of SQLite 3.53 patched with workerd's {@code 0001-row-counts-plain.patch}
 * (D1's SQLite) running each scenario's statements on one connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LastRowIdTest {

  private static final String TABLE =
      "CREATE TABLE t(id INTEGER PRIMARY KEY, v UNIQUE); INSERT INTO t(v) VALUES ('a'), ('b')";

  @TempDir static Path dir;
  TestServer server;
  D1Client client;
  int databasesMade;

  @BeforeAll
  void start() {
    server = TestServer.start(dir);
    client = server.client();
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  /**
   * A request: {@code sql} text to {@code /query}, a {@code batch} of texts ({@code [a, b]}), text
   * to {@code /raw} ({@code raw:...}), or one expected to fail ({@code fail:...}).
   */
  static Stream<Arguments> scenarios() {
    return Stream.of(
        // miniflare: the rowid of each INSERT, statement by statement
        row("plain inserts", "INSERT INTO t(v) VALUES ('c'); INSERT INTO t(v) VALUES ('d')", 3, 4),
        // miniflare: a SELECT reports the connection's value, which it leaves as it was
        row("a select is sticky", "INSERT INTO t(v) VALUES ('c'); SELECT * FROM t", 3, 3),
        // miniflare: the same connection across requests; opend1 reads on another connection
        row(
            "a later read request is sticky",
            List.of("INSERT INTO t(v) VALUES ('c')"),
            "SELECT 1",
            3),
        // miniflare: a batch is one request whose statements run in order
        row(
            "a batch",
            "[INSERT INTO t(v) VALUES ('c'), SELECT 1, INSERT INTO t(v) VALUES ('d')]",
            3,
            3,
            4),
        // miniflare serves /raw by the same #query
        row("raw", "raw:INSERT INTO t(v) VALUES ('c'); SELECT 1", 3, 3),
        // SQLite: "the rowid of the most recent successful INSERT", a smaller one too
        row(
            "explicit rowids",
            "INSERT INTO t(id, v) VALUES (40, 'c'); INSERT INTO t VALUES (7, 'd')",
            40,
            7),
        // SQLite: an INSERT in a trigger counts only while the trigger runs
        row(
            "a trigger inserting elsewhere",
            List.of(
                "CREATE TABLE log(id INTEGER PRIMARY KEY, what); CREATE TRIGGER logged AFTER INSERT"
                    + " ON t BEGIN INSERT INTO log VALUES (100 + NEW.id, 'insert'); END"),
            "INSERT INTO t(v) VALUES ('c')",
            3),
        // SQLite: "INSERT OR IGNORE ... make no changes to the return value ... when their
        // insertion fails"
        row("an INSERT OR IGNORE that ignores", "INSERT OR IGNORE INTO t(v) VALUES ('a')", 2),
        // SQLite: the DO UPDATE of an UPSERT is an UPDATE, which inserts nothing
        row(
            "an UPSERT that updates",
            "INSERT INTO t(id, v) VALUES (1, 'z') ON CONFLICT(id) DO UPDATE SET v = excluded.v",
            2),
        // SQLite: REPLACE deletes the old row and inserts the new one
        row("a REPLACE of an existing row", "REPLACE INTO t(id, v) VALUES (1, 'z')", 1),
        // SQLite: "Inserts into WITHOUT ROWID tables are not recorded"
        row(
            "a WITHOUT ROWID table",
            List.of("CREATE TABLE w(k TEXT PRIMARY KEY, n) WITHOUT ROWID"),
            "INSERT INTO w VALUES ('k', 1); SELECT 1",
            2,
            2),
        // SQLite: ANALYZE writes its statistics through SQLite's own nested statements, which leave
        // the value alone
        row("ANALYZE", "ANALYZE; SELECT 1", 2, 2),
        // miniflare: a failed batch is rolled back, but last_insert_rowid is not transactional in
        // SQLite: the next request reports the rowid the rolled-back batch's INSERT took
        row(
            "after a batch rolled back",
            List.of("fail:[INSERT INTO t(v) VALUES ('c'), INSERT INTO t(v) VALUES ('a')]"),
            "SELECT 1; UPDATE t SET v = v WHERE id = 1",
            3,
            3),
        // SQLite: an INSERT of several rows that fails on its second one keeps the first one's
        // rowid (the report: 4, then 3 within one request, after this statement)
        row(
            "after a statement rolled back",
            List.of(
                "INSERT INTO t(id, v) VALUES (4, 'd')",
                "fail:INSERT INTO t(id, v) VALUES (3, 'c'), (3, 'x')"),
            "SELECT 1; UPDATE t SET v = v WHERE id = 1",
            3,
            3));
  }

  private static Arguments row(String name, String request, long... expected) {
    return row(name, List.of(), request, expected);
  }

  private static Arguments row(String name, List<String> before, String request, long... expected) {
    List<Long> figures = new ArrayList<>();
    for (long e : expected) {
      figures.add(e);
    }
    return Arguments.of(name, before, request, figures);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void lastRowIdIsTheConnections(
      String name, List<String> before, String request, List<Long> expected) {
    String body = "{\"name\":\"rowid-" + (++databasesMade) + "\"}";
    String uuid = client.post(databases(), body).result().get("uuid").asText();
    send(uuid, TABLE);
    for (String r : before) {
      send(uuid, r);
    }
    JsonNode result = send(uuid, request).result();
    List<Long> reported = new ArrayList<>();
    for (JsonNode statement : result) {
      reported.add(statement.at("/meta/last_row_id").asLong());
    }
    assertThat(reported).as(name).isEqualTo(expected);
  }

  /** Sends one request (see {@link #scenarios}); asserts it failed or succeeded as marked. */
  private Reply send(String uuid, String request) {
    boolean fails = request.startsWith("fail:");
    String text = fails ? request.substring(5) : request;
    String endpoint = "/query";
    if (text.startsWith("raw:")) {
      endpoint = "/raw";
      text = text.substring(4);
    }
    Reply r = client.post(databases() + "/" + uuid + endpoint, body(text));
    assertThat(r.status()).as(r.body()).isEqualTo(fails ? 400 : 200);
    return r;
  }

  private static String body(String text) {
    var n = D1Client.JSON.createObjectNode();
    if (text.startsWith("[")) {
      var batch = n.putArray("batch");
      for (String sql : text.substring(1, text.length() - 1).split(", (?=[A-Z])")) {
        batch.addObject().put("sql", sql);
      }
    } else {
      n.put("sql", text);
    }
    return n.toString();
  }
}
