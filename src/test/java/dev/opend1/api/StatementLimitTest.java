package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds a {@code /query} body is read within ({@link QueryBounds}): statements per request
 * ({@code max-statements-per-request}), a statement's length and a {@code params} array's size,
 * each refused with a 400 before anything runs; the memory side, with a small heap, is {@code
 * HugeBodyTest}.
 */
class StatementLimitTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String query;

  private void start(Map<String, String> settings) {
    server = TestServer.start(dir, settings);
    client = server.client();
    String uuid = client.post(databases(), "{\"name\":\"s\"}").result().get("uuid").asText();
    query = databases() + "/" + uuid + "/query";
    assertThat(client.post(query, QueryApiTest.sql("CREATE TABLE t(a)")).status()).isEqualTo(200);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static String inserts(int n) {
    return "INSERT INTO t VALUES (1);".repeat(n);
  }

  private static String batch(int items, String sql) {
    String item = D1Client.JSON.createObjectNode().put("sql", sql).toString();
    return "{\"batch\":[" + String.join(",", Collections.nCopies(items, item)) + "]}";
  }

  /** The start of a reply, for a failure message (a success here holds thousands of results). */
  private static String head(Reply r) {
    return r.body().length() > 300 ? r.body().substring(0, 300) + "..." : r.body();
  }

  private void assertTooMany(Reply r, int limit) {
    assertThat(r.status()).as(head(r)).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(7500);
    assertThat(r.errorMessage())
        .startsWith("Too many statements in one request: the limit is " + limit + " ");
  }

  private long rows() {
    return client
        .post(query, QueryApiTest.sql("SELECT count(*) AS n FROM t"))
        .result()
        .at("/0/results/0/n")
        .asLong();
  }

  @Test
  void theDefaultLimitIsWranglersTenThousandStatements() {
    start(Map.of());
    Reply ok = client.post(query, QueryApiTest.sql(inserts(10_000)));
    assertThat(ok.status()).as(head(ok)).isEqualTo(200);
    assertThat(ok.result()).hasSize(10_000);
    assertTooMany(client.post(query, QueryApiTest.sql(inserts(10_001))), 10_000);
    assertTooMany(client.post(query, batch(10_001, "SELECT 1")), 10_000);
    assertThat(rows()).isEqualTo(10_000);
  }

  @Test
  void statementsAreCountedAcrossStringsAndBatchItems() {
    start(Map.of("max-statements-per-request", "5"));
    assertThat(client.post(query, QueryApiTest.sql(inserts(5))).status()).isEqualTo(200);
    assertTooMany(client.post(query, QueryApiTest.sql(inserts(6))), 5);
    assertThat(client.post(query, batch(5, "INSERT INTO t VALUES (2)")).status()).isEqualTo(200);
    assertTooMany(client.post(query, batch(6, "INSERT INTO t VALUES (3)")), 5);
    // Two items of three statements each: six.
    assertTooMany(client.post(query, batch(2, inserts(3))), 5);
    // Empty items count as one each, so a batch cannot grow without bound either.
    assertTooMany(client.post(query, batch(6, "-- nothing")), 5);
    // A semicolon inside a string, a comment or a trigger body ends no statement.
    Reply quoted =
        client.post(
            query,
            QueryApiTest.sql(
                "SELECT ';;;;;;'; SELECT 1 -- ;;;;;;\n; CREATE TRIGGER tr AFTER INSERT ON t"
                    + " BEGIN SELECT 1; SELECT 2; SELECT 3; SELECT 4; SELECT 5; END"));
    assertThat(quoted.status()).as(head(quoted)).isEqualTo(200);
    assertThat(rows()).as("nothing of a refused request ran").isEqualTo(10);
    assertThat(client.post(query, QueryApiTest.sql("SELECT 1 AS one")).status()).isEqualTo(200);
  }

  /** A statement of {@code n} characters (and bytes). */
  private static String statementOf(int n) {
    return "SELECT '" + "x".repeat(n - 9) + "'";
  }

  @Test
  void aStatementTooLongIsRefusedBeforeItIsSplit() {
    start(Map.of("max-statement-bytes", "1000"));
    for (String tooLong :
        new String[] {
          statementOf(1001),
          "SELECT 1; " + statementOf(1001) + "; SELECT 2",
          "SELECT " + "1+".repeat(2_000_000) + "1"
        }) {
      Reply r = client.post(query, QueryApiTest.sql(tooLong));
      assertThat(r.status()).as(head(r)).isEqualTo(400);
      assertThat(r.errorMessage()).isEqualTo("statement too long: SQLITE_TOOBIG");
    }
  }

  @Test
  void aStatementOfExactlyTheLimitRuns() {
    start(Map.of("max-statement-bytes", "1000"));
    String longest = statementOf(1000);
    assertThat(longest).hasSize(1000);
    Reply ok = client.post(query, QueryApiTest.sql(longest + "; " + longest));
    assertThat(ok.status()).as(head(ok)).isEqualTo(200);
  }

  @Test
  void moreParametersThanAnyStatementTakesAreRefused() {
    start(Map.of("max-bound-parameters", "3"));
    assertThat(client.post(query, QueryApiTest.sql("SELECT ?, ?, ?", 1, 2, 3)).status())
        .isEqualTo(200);
    Object[] many = Collections.nCopies(1_000_000, 7).toArray();
    Reply r = client.post(query, QueryApiTest.sql("SELECT ?", many));
    assertThat(r.status()).as(head(r)).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(7500);
    assertThat(r.errorMessage()).isEqualTo("too many SQL variables: SQLITE_ERROR");
  }
}
