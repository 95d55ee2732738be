package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.Integrity;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * D1's limits: each refusal with D1's wording, and nothing applied (escapes: {@link SandboxTest}).
 */
class QueryLimitsTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String query;

  @BeforeEach
  void start() {
    server =
        TestServer.start(dir, Map.of("query-timeout-ms", "1000", "max-database-bytes", "1048576"));
    client = server.client();
    String uuid = client.post(databases(), "{\"name\":\"l\"}").result().get("uuid").asText();
    query = databases() + "/" + uuid + "/query";
    assertThat(client.post(query, sql("CREATE TABLE t(a, b)")).status()).isEqualTo(200);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String refused(String sql) {
    Reply r = client.post(query, sql(sql));
    assertThat(r.status()).as(sql + " -> " + r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(7500);
    return r.errorMessage();
  }

  @Test
  void statementLengthIsLimited() {
    String longSql = "SELECT '" + "x".repeat(100_000) + "'";
    assertThat(refused(longSql)).isEqualTo("statement too long: SQLITE_TOOBIG");
  }

  @Test
  void boundParametersAreLimitedTo100() {
    String hundred = String.join(",", Collections.nCopies(100, "?"));
    Object[] params = Collections.nCopies(100, 1).toArray();
    assertThat(client.post(query, sql("SELECT " + hundred, params)).status()).isEqualTo(200);
    Object[] more = Collections.nCopies(101, 1).toArray();
    Reply r = client.post(query, sql("SELECT " + hundred + ",?", more));
    assertThat(r.errorMessage()).isEqualTo("too many SQL variables: SQLITE_ERROR");
  }

  @Test
  void valuesColumnsArgumentsAndPatternsAreLimited() {
    assertThat(refused("SELECT randomblob(2000001)"))
        .isEqualTo("string or blob too big: SQLITE_TOOBIG");
    assertThat(refused("SELECT zeroblob(3000000)")).contains("SQLITE_TOOBIG");
    String cols =
        String.join(",", java.util.stream.IntStream.range(0, 101).mapToObj(i -> "c" + i).toList());
    assertThat(refused("CREATE TABLE wide(" + cols + ")"))
        .isEqualTo("too many columns on wide: SQLITE_ERROR");
    String args = String.join(",", Collections.nCopies(33, "1"));
    assertThat(refused("SELECT max(" + args + ")"))
        .isEqualTo("too many arguments on function max: SQLITE_ERROR");
    assertThat(refused("SELECT 'a' LIKE '" + "a".repeat(51) + "'"))
        .isEqualTo("LIKE or GLOB pattern too complex: SQLITE_ERROR");
  }

  @Test
  void aLongRequestIsInterrupted() {
    String forever =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    assertThat(refused(forever)).isEqualTo("D1 DB exceeded its CPU time limit and was reset.");
    String foreverWrite =
        "INSERT INTO t VALUES (1, 1); INSERT INTO t SELECT count(*), 0 FROM"
            + " (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)";
    assertThat(refused(foreverWrite)).isEqualTo("D1 DB exceeded its CPU time limit and was reset.");
    assertThat(
            client
                .post(query, sql("SELECT count(*) AS n FROM t"))
                .result()
                .at("/0/results/0/n")
                .asInt())
        .isZero();
  }

  @Test
  void theDatabaseSizeIsLimited() {
    String fill =
        "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400)"
            + " SELECT x, randomblob(4000) FROM c";
    assertThat(refused(fill)).isEqualTo("Exceeded maximum DB size: SQLITE_FULL");
    assertThat(client.post(query, sql("INSERT INTO t VALUES (1, randomblob(1000))")).status())
        .isEqualTo(200);
  }

  @Test
  void aFullDatabaseRefusesWholeBatchesStaysIntactAndTakesWritesAgainAfterDeletes() {
    String one = "INSERT INTO t VALUES (?, randomblob(100000))";
    int stored = 0;
    Reply r;
    while ((r = client.post(query, sql(one, stored))).status() == 200) {
      stored++;
    }
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorMessage()).isEqualTo("Exceeded maximum DB size: SQLITE_FULL");
    assertThat(stored).isBetween(5, 10);
    String bookmark = query.replace("/query", "/time_travel/bookmark");
    String before = client.get(bookmark).result().get("bookmark").asText();

    // A batch whose first statement fits and whose second does not leaves nothing behind.
    Reply batch =
        client.post(
            query,
            "{\"batch\":[{\"sql\":\"INSERT INTO t VALUES (-1, 'small')\"},"
                + "{\"sql\":\"INSERT INTO t VALUES (-2, randomblob(400000))\"}]}");
    assertThat(batch.status()).as(batch.body()).isEqualTo(400);
    assertThat(batch.errorMessage()).isEqualTo("Exceeded maximum DB size: SQLITE_FULL");
    assertThat(count("SELECT count(*) AS n FROM t WHERE a < 0")).isZero();
    assertThat(count("SELECT count(*) AS n FROM t")).isEqualTo(stored);
    assertThat(client.get(bookmark).result().get("bookmark").asText())
        .as("a refused write adds nothing to the history")
        .isEqualTo(before);
    assertThat(Integrity.check(dir, query.substring(0, query.lastIndexOf('/')))).isEqualTo("ok");

    // Room made by deletes is used again: the database serves as before.
    assertThat(client.post(query, sql("DELETE FROM t WHERE a % 2 = 0")).status()).isEqualTo(200);
    assertThat(client.post(query, sql(one, 1000)).status()).isEqualTo(200);
    assertThat(count("SELECT count(*) AS n FROM t WHERE a = 1000")).isEqualTo(1);
  }

  private int count(String sql) {
    return client.post(query, sql(sql)).result().at("/0/results/0/n").asInt();
  }

  @Test
  void allowedPragmasAndInternalTablesWork() {
    for (String s :
        List.of(
            "PRAGMA table_list",
            "PRAGMA table_info(t)",
            "PRAGMA main.table_info(\"t\")",
            "PRAGMA table_xinfo(t)",
            "PRAGMA index_list(t)",
            "PRAGMA foreign_key_list(t)",
            "PRAGMA foreign_key_check",
            "PRAGMA quick_check",
            "PRAGMA case_sensitive_like = on",
            "SELECT name FROM sqlite_schema",
            "ANALYZE",
            "SELECT * FROM sqlite_stat1")) {
      Reply r = client.post(query, sql(s));
      assertThat(r.status()).as(s + " -> " + r.body()).isEqualTo(200);
    }
    assertThat(
            client
                .post(
                    query,
                    sql(
                        "CREATE TABLE s(id INTEGER PRIMARY KEY AUTOINCREMENT, v);"
                            + " INSERT INTO s(v) VALUES (1); UPDATE sqlite_sequence SET seq = 100"
                            + " WHERE name = 's'; INSERT INTO s(v) VALUES (2); SELECT max(id) AS m FROM s"))
                .result()
                .at("/4/results/0/m")
                .asInt())
        .isEqualTo(101);
  }
}
