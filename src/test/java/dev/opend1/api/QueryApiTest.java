package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.Golden;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** D1's execution semantics of /query and /raw: statements, parameters, values, atomicity, meta. */
class QueryApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String query;
  String raw;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    String uuid = client.post(databases(), "{\"name\":\"q\"}").result().get("uuid").asText();
    query = databases() + "/" + uuid + "/query";
    raw = databases() + "/" + uuid + "/raw";
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  static String sql(String sql) {
    return D1Client.JSON.createObjectNode().put("sql", sql).toString();
  }

  static String sql(String sql, Object... params) {
    var n = D1Client.JSON.createObjectNode().put("sql", sql);
    var p = n.putArray("params");
    for (Object o : params) {
      p.addPOJO(o);
    }
    return n.toString();
  }

  private Reply ok(String path, String body) {
    Reply r = client.post(path, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  private JsonNode rows(String select) {
    return ok(query, sql(select)).result().get(0).get("results");
  }

  @Test
  void queryAndRawAnswerInD1sShapes() {
    ok(
        query,
        sql("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t VALUES (1, 'a')"));
    Golden.assertMatches(normalizeTimes(client.post(query, sql("SELECT * FROM t"))), "query.json");
    Golden.assertMatches(normalizeTimes(client.post(raw, sql("SELECT * FROM t"))), "raw.json");
    Golden.assertMatches(
        normalizeTimes(client.post(raw, sql("DELETE FROM t WHERE id = 42"))), "raw-no-rows.json");
  }

  /** Durations vary from run to run; the golden files pin every other byte. */
  private static Reply normalizeTimes(Reply r) {
    for (JsonNode entry : r.json().get("result")) {
      var meta = (com.fasterxml.jackson.databind.node.ObjectNode) entry.get("meta");
      assertThat(meta.get("duration").isNumber()).isTrue();
      meta.put("duration", 0.5);
      ((com.fasterxml.jackson.databind.node.ObjectNode) meta.get("timings"))
          .put("sql_duration_ms", 0.5);
    }
    return r;
  }

  @Test
  void severalStatementsGiveOneResultEachInOrder() {
    Reply r =
        ok(
            query,
            sql(
                "CREATE TABLE t(a); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);"
                    + " SELECT sum(a) AS s FROM t;;"));
    assertThat(r.result()).hasSize(4);
    assertThat(r.result().get(3).at("/results/0/s").asInt()).isEqualTo(3);
    assertThat(r.result().get(1).at("/meta/changes").asInt()).isEqualTo(1);
  }

  @Test
  void aBatchRunsItemsInOrderWithTheirParams() {
    ok(query, sql("CREATE TABLE t(a, b)"));
    Reply r =
        ok(
            query,
            "{\"batch\":[{\"sql\":\"INSERT INTO t VALUES (?, ?)\",\"params\":[1,\"x\"]},"
                + "{\"sql\":\"INSERT INTO t VALUES (?2, ?1)\",\"params\":[\"y\",2]},"
                + "{\"sql\":\"SELECT * FROM t ORDER BY a\"}]}");
    assertThat(r.result()).hasSize(3);
    assertThat(r.result().get(2).get("results").toString())
        .isEqualTo("[{\"a\":1,\"b\":\"x\"},{\"a\":2,\"b\":\"y\"}]");
  }

  /**
   * A batch that repeats one SQL text (checked once, see QueryPlan) still runs each item with its
   * own parameters, and each statement's meta is its own: every INSERT here adds a row of more than
   * a page, so each one's {@code size_after} is larger than the one before it.
   */
  @Test
  void aBatchRepeatingOneTextGivesEachStatementItsOwnParamsAndMeta() {
    ok(query, sql("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)"));
    StringBuilder batch = new StringBuilder("{\"batch\":[");
    for (int i = 1; i <= 6; i++) {
      batch.append(i == 1 ? "" : ",");
      batch.append(sql("INSERT INTO t(id, b) VALUES (?, zeroblob(?))", i * 10, 5000 + i));
    }
    Reply r = ok(query, batch.append("]}").toString());
    assertThat(r.result()).hasSize(6);
    long size = 0;
    for (int i = 0; i < 6; i++) {
      JsonNode meta = r.result().get(i).get("meta");
      assertThat(meta.get("last_row_id").asLong()).isEqualTo((i + 1) * 10L);
      assertThat(meta.get("changes").asLong()).isEqualTo(1);
      assertThat(meta.get("size_after").asLong()).as("statement %d", i).isGreaterThan(size);
      size = meta.get("size_after").asLong();
    }
    assertThat(rows("SELECT sum(length(b)) AS n FROM t").get(0).get("n").asLong())
        .isEqualTo(6 * 5000 + 21);
  }

  /**
   * Each statement of a batch counts its own changes from SQLite's total changes, which the engine
   * reads once before the batch and then once after each statement: a trigger's row counts in the
   * total but not in {@code changes}, and a read or an UPDATE that matches nothing between two
   * writes changes nothing.
   */
  @Test
  void eachStatementOfABatchCountsItsOwnChanges() {
    ok(query, sql("CREATE TABLE t(id INTEGER PRIMARY KEY, v); CREATE TABLE audit(v)"));
    ok(
        query,
        sql("CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN INSERT INTO audit VALUES (1); END"));
    Reply r =
        ok(
            query,
            "{\"batch\":["
                + sql("INSERT INTO t(v) VALUES (1), (2)")
                + ","
                + sql("SELECT count(*) AS n FROM audit")
                + ","
                + sql("UPDATE t SET v = 0 WHERE id < 0")
                + ","
                + sql("INSERT INTO audit VALUES (2)")
                + "]}");
    long[] changes = {2, 0, 0, 1};
    boolean[] changed = {true, false, false, true};
    for (int i = 0; i < changes.length; i++) {
      JsonNode meta = r.result().get(i).get("meta");
      assertThat(meta.get("changes").asLong()).as("statement %d", i).isEqualTo(changes[i]);
      assertThat(meta.get("changed_db").asBoolean()).as("statement %d", i).isEqualTo(changed[i]);
    }
    assertThat(r.result().get(1).get("results").get(0).get("n").asLong()).isEqualTo(2);
  }

  /**
   * A REAL with no fraction is written as D1 (JavaScript) writes it, {@code 2} and not {@code 2.0},
   * while an INTEGER beyond 2^53 stays exact here (a deliberate difference,
   * docs/d1-differences.md).
   */
  @Test
  void realsAreWrittenAsD1WritesThemAndIntegersStayExact() {
    String select = "SELECT 2.0 AS r, 1e21 AS e, 0.5 AS h, 9223372036854775807 AS i, 2 AS n";
    assertThat(ok(query, sql(select)).body())
        .contains("[{\"r\":2,\"e\":1e+21,\"h\":0.5,\"i\":9223372036854775807,\"n\":2}]");
    assertThat(ok(raw, sql(select)).body())
        .contains("\"rows\":[[2,1e+21,0.5,9223372036854775807,2]]");
  }

  @Test
  void anEmptyRequestHasNoStatements() {
    Golden.assertMatches(client.post(query, sql("  ;; -- nothing\n")), "no-statements.json");
    assertThat(client.post(query, "{\"batch\":[]}").errorMessage())
        .isEqualTo("No SQL statements detected.");
    assertThat(client.post(query, "{}").errorCode()).isEqualTo(7400);
    assertThat(client.post(query, "{\"sql\":1}").errorMessage())
        .isEqualTo("Invalid property: sql => Expected string, received number");
  }

  @Test
  void paramsWithSeveralStatementsAreRefusedButAnEmptyListIsFine() {
    Golden.assertMatches(
        client.post(query, sql("SELECT ?; SELECT ?", 1, 2)), "params-several-statements.json");
    assertThat(client.post(query, "{\"sql\":\"SELECT 1; SELECT 2\",\"params\":[]}").status())
        .isEqualTo(200);
  }

  @Test
  void parametersOfEveryKindBindAsD1Does() {
    JsonNode row =
        ok(
                query,
                "{\"sql\":\"SELECT ?1 AS s, typeof(?1) AS ts, ?2 AS big, typeof(?2) AS tb,"
                    + " ?3 AS n, ?4 AS yes, ?5 AS no, ?6 AS blob, typeof(?6) AS tblob,"
                    + " ?7 AS real, ?8 AS neg\","
                    + "\"params\":[\"text\",9007199254740993,null,true,false,[0,1,255],0.5,"
                    + "-9223372036854775808]}")
            .result()
            .at("/0/results/0");
    assertThat(row.toString())
        .isEqualTo(
            "{\"s\":\"text\",\"ts\":\"text\",\"big\":9007199254740993,\"tb\":\"integer\","
                + "\"n\":null,\"yes\":1,\"no\":0,\"blob\":[0,1,255],\"tblob\":\"blob\","
                + "\"real\":0.5,\"neg\":-9223372036854775808}");
    Golden.assertMatches(
        client.post(query, "{\"sql\":\"SELECT ?\",\"params\":[{\"a\":1}]}"), "param-object.json");
    assertThat(client.post(query, "{\"sql\":\"SELECT ?\",\"params\":[[1,256]]}").errorMessage())
        .startsWith("Invalid property: params[0] => a BLOB is an array of byte values");
    assertThat(
            client
                .post(query, "{\"sql\":\"SELECT ?\",\"params\":[18446744073709551616]}")
                .errorMessage())
        .contains("does not fit in 64 bits");
    assertThat(client.post(query, sql("SELECT ?, ?", 1)).errorMessage())
        .startsWith("Wrong number of parameter bindings");
  }

  @Test
  void valuesComeBackTyped() {
    JsonNode row =
        rows("SELECT NULL AS n, 9223372036854775807 AS i, 0.1 AS r, 1e308 AS big,"
                + " 'é\"\\n' AS t, x'00ff10' AS b, 1e999 AS inf, -1e999 AS ninf")
            .get(0);
    assertThat(row.get("n").isNull()).isTrue();
    assertThat(row.get("i").asLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(row.get("r").asDouble()).isEqualTo(0.1);
    assertThat(row.get("big").asDouble()).isEqualTo(1e308);
    assertThat(row.get("t").asText()).isEqualTo("é\"\\n");
    assertThat(row.get("b").toString()).isEqualTo("[0,255,16]");
    assertThat(row.get("inf").isNull()).isTrue();
    assertThat(row.get("ninf").isNull()).isTrue();
  }

  @Test
  void rawKeepsDuplicateColumnsAndQueryKeepsTheLastValue() {
    JsonNode r = ok(raw, sql("SELECT 1 AS a, 2 AS b, 3 AS a")).result().get(0).get("results");
    assertThat(r.toString()).isEqualTo("{\"columns\":[\"a\",\"b\",\"a\"],\"rows\":[[1,2,3]]}");
    assertThat(rows("SELECT 1 AS a, 2 AS b, 3 AS a").get(0).toString())
        .isEqualTo("{\"a\":3,\"b\":2}");
  }

  @Test
  void aRequestIsOneTransaction() {
    ok(query, sql("CREATE TABLE t(k UNIQUE)"));
    Golden.assertMatches(
        client.post(query, sql("INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)")),
        "unique-violation.json");
    Reply batch =
        client.post(
            query,
            "{\"batch\":[{\"sql\":\"INSERT INTO t VALUES (2)\"},{\"sql\":\"SELECT * FROM nope\"}]}");
    assertThat(batch.status()).isEqualTo(400);
    assertThat(batch.errorMessage()).isEqualTo("no such table: nope: SQLITE_ERROR");
    assertThat(rows("SELECT count(*) AS c FROM t").get(0).get("c").asInt()).isZero();
  }

  @Test
  void transactionControlAndVacuumAreRefused() {
    Golden.assertMatches(client.post(query, sql("BEGIN")), "begin-refused.json");
    for (String s :
        List.of("COMMIT", "ROLLBACK", "SAVEPOINT a", "RELEASE a", "END", "begin transaction")) {
      Reply r = client.post(query, sql(s));
      assertThat(r.status()).as(s).isEqualTo(400);
      assertThat(r.errorMessage()).as(s).isEqualTo("not authorized: SQLITE_AUTH");
    }
    assertThat(client.post(query, sql("VACUUM")).errorMessage())
        .isEqualTo("cannot VACUUM from within a transaction: SQLITE_ERROR");
  }

  @Test
  void metaCarriesEveryFieldD1Sends() {
    JsonNode meta =
        ok(query, sql("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t(v) VALUES ('a')"))
            .result()
            .get(1)
            .get("meta");
    assertThat(meta.properties())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactly(
            "served_by",
            "served_by_region",
            "served_by_colo",
            "served_by_primary",
            "timings",
            "duration",
            "changes",
            "last_row_id",
            "changed_db",
            "size_after",
            "rows_read",
            "rows_written",
            "total_attempts");
    assertThat(meta.get("changes").asInt()).isEqualTo(1);
    assertThat(meta.get("last_row_id").asInt()).isEqualTo(1);
    assertThat(meta.get("changed_db").asBoolean()).isTrue();
    assertThat(meta.get("size_after").asLong() % 4096).isZero();
    assertThat(meta.get("size_after").asLong()).isPositive();
    JsonNode read = ok(query, sql("SELECT * FROM t")).result().get(0).get("meta");
    assertThat(read.get("changed_db").asBoolean()).isFalse();
    assertThat(read.get("changes").asInt()).isZero();
    assertThat(read.get("last_row_id").asInt()).as("sticky, as in D1").isEqualTo(1);
  }

  @Test
  void rowsReadAndWrittenMatchKnownCases() {
    ok(
        query,
        sql(
            "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b, c); CREATE INDEX ia ON t(a);"
                + " CREATE INDEX ib ON t(b)"));
    JsonNode insert = ok(query, sql("INSERT INTO t VALUES (1, 1, 1, 1)")).result().at("/0/meta");
    assertThat(insert.get("rows_written").asInt()).as("row + 2 index entries").isEqualTo(3);
    ok(
        query,
        sql(
            "INSERT INTO t SELECT value, value, value, value FROM"
                + " (WITH RECURSIVE n(value) AS (SELECT 2 UNION ALL SELECT value + 1 FROM n"
                + " WHERE value < 50) SELECT value FROM n)"));
    JsonNode point = ok(query, sql("SELECT * FROM t WHERE id = 7")).result().at("/0/meta");
    assertThat(point.get("rows_read").asInt()).isEqualTo(1);
    assertThat(point.get("rows_written").asInt()).isZero();
    JsonNode scan = ok(query, sql("SELECT * FROM t")).result().at("/0/meta");
    assertThat(scan.get("rows_read").asInt()).isEqualTo(50);
    JsonNode update = ok(query, sql("UPDATE t SET c = 0 WHERE id <= 10")).result().at("/0/meta");
    assertThat(update.get("changes").asInt()).isEqualTo(10);
    assertThat(update.get("rows_read").asInt()).isEqualTo(10);
    assertThat(update.get("rows_written").asInt()).isEqualTo(30);
  }

  /**
   * The writer counts rows_written from the changes where the program shows the update hook would
   * count the same rows, and with the hook where it would not (a trigger's rows, a WITHOUT ROWID
   * table's); one request switching between them gets each statement's own count, and its own
   * changes.
   */
  @Test
  void rowsWrittenCountsTriggerRowsBetweenPlainInserts() {
    ok(
        query,
        sql(
            "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b); CREATE INDEX ta ON t(a);"
                + " CREATE INDEX tb ON t(b); CREATE TABLE audited(x); CREATE TABLE audit(x);"
                + " CREATE TRIGGER au AFTER INSERT ON audited BEGIN"
                + " INSERT INTO audit VALUES (new.x); INSERT INTO audit VALUES (new.x); END;"
                + " CREATE TABLE w(k PRIMARY KEY, v) WITHOUT ROWID"));
    JsonNode results =
        ok(
                query,
                sql(
                    "INSERT INTO t VALUES (1, 1, 1); INSERT INTO audited VALUES (1);"
                        + " INSERT INTO t VALUES (2, 2, 2), (3, 3, 3); INSERT INTO w VALUES (1, 2);"
                        + " INSERT INTO audited VALUES (2)"))
            .result();
    long[] written = new long[results.size()];
    long[] changes = new long[results.size()];
    for (int i = 0; i < written.length; i++) {
      written[i] = results.at("/" + i + "/meta/rows_written").asLong();
      changes[i] = results.at("/" + i + "/meta/changes").asLong();
    }
    // t: each row and its 2 index entries; audited: its row and the trigger's 2; w: its change
    assertThat(written).containsExactly(3, 3, 6, 1, 3);
    // changes, as sqlite3_changes: the statement's own rows, never its trigger's (SQLite's total
    // changes count those too, so it is the changes counted apart from it that run with the hook)
    assertThat(changes).containsExactly(1, 1, 2, 1, 1);
  }

  @Test
  void pragmaSettingsAndTempObjectsDoNotOutliveTheRequest() throws Exception {
    // D1's defaults from a connection's first request, not only after a reset.
    JsonNode first = ok(query, sql("PRAGMA recursive_triggers")).result();
    assertThat(first.at("/0/results/0/recursive_triggers").asInt()).isZero();
    ok(query, sql("CREATE TABLE t(a); PRAGMA recursive_triggers = ON"));
    JsonNode after = ok(query, sql("INSERT INTO t VALUES (1); PRAGMA recursive_triggers")).result();
    assertThat(after.at("/1/results/0/recursive_triggers").asInt()).isZero();
    // D1 refuses TEMP objects; SQLite's dialect allows them for the request that makes them.
    assertThat(client.post(query, sql("CREATE TEMP TABLE scratch(x)")).errorMessage())
        .isEqualTo("not authorized: SQLITE_AUTH");
    try (TestServer sqlite =
        TestServer.start(dir.resolve("sqlite"), java.util.Map.of("sql-compat", "sqlite"))) {
      D1Client c = sqlite.client();
      String q =
          databases()
              + "/"
              + c.post(databases(), "{\"name\":\"tmp\"}").result().get("uuid").asText()
              + "/query";
      assertThat(c.post(q, sql("CREATE TABLE t(a)")).status()).isEqualTo(200);
      Reply made = c.post(q, sql("CREATE TEMP TABLE scratch(x); INSERT INTO scratch VALUES (1)"));
      assertThat(made.status()).as(made.body()).isEqualTo(200);
      assertThat(c.post(q, sql("SELECT * FROM scratch")).errorMessage())
          .isEqualTo("no such table: scratch: SQLITE_ERROR");
      assertThat(c.post(q, sql("INSERT INTO t SELECT * FROM temp.scratch")).errorMessage())
          .contains("no such table");
    }
  }

  @Test
  void foreignKeysAreOnAndDeferrable() {
    ok(
        query,
        sql(
            "CREATE TABLE p(id INTEGER PRIMARY KEY);"
                + " CREATE TABLE c(id INTEGER PRIMARY KEY, p REFERENCES p(id))"));
    assertThat(client.post(query, sql("INSERT INTO c VALUES (1, 99)")).errorMessage())
        .isEqualTo("FOREIGN KEY constraint failed: SQLITE_CONSTRAINT");
    ok(
        query,
        sql(
            "PRAGMA defer_foreign_keys = on; INSERT INTO c VALUES (1, 5);"
                + " INSERT INTO p VALUES (5)"));
    Reply unresolved =
        client.post(query, sql("PRAGMA defer_foreign_keys = on; INSERT INTO c VALUES (2, 6)"));
    assertThat(unresolved.status()).isEqualTo(400);
    assertThat(unresolved.errorMessage()).contains("FOREIGN KEY constraint failed");
    assertThat(rows("SELECT count(*) AS n FROM c").get(0).get("n").asInt()).isEqualTo(1);
  }

  @Test
  void readOnlyTokensRunReadsOnly() {
    ok(query, sql("CREATE TABLE t(a); INSERT INTO t VALUES (1)"));
    D1Client reader = server.readOnlyClient();
    assertThat(reader.post(query, sql("SELECT * FROM t")).status()).isEqualTo(200);
    assertThat(reader.post(raw, sql("SELECT * FROM t")).status()).isEqualTo(200);
    for (String write :
        List.of(
            "INSERT INTO t VALUES (2)",
            "WITH x AS (SELECT 3) INSERT INTO t SELECT * FROM x",
            "DROP TABLE t",
            "PRAGMA optimize")) {
      Reply r = reader.post(query, sql(write));
      assertThat(r.status()).as(write).isEqualTo(403);
      assertThat(r.errorCode()).isEqualTo(10000);
      assertThat(r.errorMessage()).contains("read-only");
    }
    assertThat(rows("SELECT count(*) AS n FROM t").get(0).get("n").asInt()).isEqualTo(1);
  }

  @Test
  void writesHiddenBehindReadKeywordsMoveToTheWriter() {
    ok(query, sql("CREATE TABLE t(a)"));
    Reply r = ok(query, sql("WITH x(v) AS (VALUES (1)) INSERT INTO t SELECT v FROM x"));
    assertThat(r.result().at("/0/meta/changes").asInt()).isEqualTo(1);
    assertThat(ok(query, sql("PRAGMA optimize")).status()).isEqualTo(200);
  }

  @Test
  void triggersWithSemicolonsAndCrlfSplitCorrectly() {
    Reply r =
        ok(
            query,
            sql(
                "CREATE TABLE t(a);\r\nCREATE TABLE log(x);\r\n"
                    + "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\r\n"
                    + "  INSERT INTO log VALUES (CASE WHEN new.a > 0 THEN 'pos' ELSE 'neg' END);\r\n"
                    + "  INSERT INTO log VALUES ('; not a split');\r\nEND;\r\n"
                    + "INSERT INTO t VALUES (1);"));
    assertThat(r.result()).hasSize(4);
    assertThat(rows("SELECT x FROM log").toString())
        .isEqualTo("[{\"x\":\"pos\"},{\"x\":\"; not a split\"}]");
  }

  @Test
  void sqlErrorsUseD1sWording() {
    Golden.assertMatches(client.post(query, sql("SELECT * FROM nope")), "no-such-table.json");
    assertThat(client.post(query, sql("SELEC 1")).errorMessage())
        .isEqualTo("near \"SELEC\": syntax error: SQLITE_ERROR");
    assertThat(client.post(databases() + "/nope/query", sql("SELECT 1")).status()).isEqualTo(404);
  }
}
