package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D1's exact words for the request faults opend1 finds itself, one row per request body, each with
 * its source. A failure is HTTP 400, code 7500 and {@code result: null} (Cloudflare's OpenAPI
 * schema, {@code d1_api-response-common-failure}). Sources: workerd = cloudflare/workerd
 * 6552d999c79ef651b5463c6d692d065a8ce6f859 {@code src/workerd/util/sqlite.c++}; miniflare =
 * cloudflare/workers-sdk f8308360283f97d33e188aee2e19c1ef9c09524a {@code
 * packages/miniflare/src/workers/d1/database.worker.ts}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class D1TextsTest {

  private static final String EMPTY = "SQL code did not contain a statement.";
  private static final String WRONG_COUNT = "Wrong number of parameter bindings for SQL query.";
  private static final String PRELUDE =
      "When executing multiple SQL statements in a single call, only the last statement can have"
          + " parameters.";

  /** The request succeeds. */
  private static final String OK = null;

  @TempDir static Path dir;
  TestServer server;
  D1Client client;
  String query;

  @BeforeAll
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    String uuid = client.post(databases(), "{\"name\":\"texts\"}").result().get("uuid").asText();
    query = databases() + "/" + uuid + "/query";
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  static Stream<Arguments> bodies() {
    return Stream.of(
        // workerd prepareSql: "SQL code did not contain a statement." (sql-test.js: exec('') and
        // exec(';')); REST capture "SQL code did not contain a statement. [code: 7500]"
        Arguments.of("{\"sql\":\"\"}", EMPTY),
        Arguments.of("{\"sql\":\";\"}", EMPTY),
        Arguments.of("{\"sql\":\"  ;; -- nothing\\n\"}", EMPTY),
        Arguments.of("{\"batch\":[{\"sql\":\"SELECT 1\"},{\"sql\":\"-- only a comment\"}]}", EMPTY),
        // miniflare #txn: a request with no query at all
        Arguments.of("{\"batch\":[]}", "No SQL statements detected."),
        // workerd Query::checkRequirements (sql-test.js: exec('SELECT ?'))
        Arguments.of("{\"sql\":\"SELECT ?\"}", WRONG_COUNT),
        Arguments.of("{\"sql\":\"SELECT ?, ?\",\"params\":[1]}", WRONG_COUNT),
        Arguments.of("{\"sql\":\"SELECT 1\",\"params\":[1]}", WRONG_COUNT),
        Arguments.of("{\"batch\":[{\"sql\":\"SELECT ?\",\"params\":[]}]}", WRONG_COUNT),
        // workerd prepareSql MULTI: only the last statement of a string may have parameters, and
        // it takes the params; statements before it run without any
        Arguments.of("{\"sql\":\"SELECT ?; SELECT 2\",\"params\":[1]}", PRELUDE),
        Arguments.of("{\"sql\":\"SELECT ?; SELECT ?\",\"params\":[1,2]}", PRELUDE),
        Arguments.of("{\"sql\":\"SELECT 1; SELECT ?\",\"params\":[1]}", OK),
        Arguments.of("{\"sql\":\"SELECT 1; SELECT 2\",\"params\":[1]}", WRONG_COUNT),
        // drizzle sends params: [] with several statements: no statement takes any, so it runs
        Arguments.of("{\"sql\":\"SELECT 1; SELECT 2\",\"params\":[]}", OK));
  }

  @ParameterizedTest
  @MethodSource("bodies")
  void aFaultGetsD1sWords(String body, String text) {
    Reply r = client.post(query, body);
    if (text == OK) {
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      return;
    }
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(7500);
    assertThat(r.errorMessage()).isEqualTo(text);
    assertThat(r.json().get("result").isNull()).as(r.body()).isTrue();
  }

  @Test
  void theLastStatementOfAStringTakesTheParams() {
    Reply r = client.post(query, "{\"sql\":\"SELECT 1 AS a; SELECT ? AS a\",\"params\":[7]}");
    assertThat(r.result().get(0).get("results").toString()).isEqualTo("[{\"a\":1}]");
    assertThat(r.result().get(1).get("results").toString()).isEqualTo("[{\"a\":7}]");
  }
}
