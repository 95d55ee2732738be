package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections keep prepared statements across requests; a schema change must never leave a cached
 * statement answering with the old columns, on the writer or on any read connection.
 */
class StatementCacheTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String query;
  String raw;

  @BeforeEach
  void start() {
    server = TestServer.start(dir, Map.of());
    client = server.client();
    String uuid = client.post(databases(), "{\"name\":\"cache\"}").result().get("uuid").asText();
    query = databases() + "/" + uuid + "/query";
    raw = databases() + "/" + uuid + "/raw";
    assertThat(
            client.post(query, sql("CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 2)")).status())
        .isEqualTo(200);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** The column names and the first row of {@code SELECT * FROM t}, read many times in parallel. */
  private List<String> selectAllEverywhere() {
    List<CompletableFuture<JsonNode>> replies = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      replies.add(
          CompletableFuture.supplyAsync(
              () -> client.post(raw, sql("SELECT * FROM t WHERE a = ?", 1)).result()));
    }
    List<String> shapes = new ArrayList<>();
    for (CompletableFuture<JsonNode> r : replies) {
      JsonNode results = r.join().get(0).get("results");
      shapes.add(results.get("columns") + "=" + results.get("rows"));
    }
    return shapes;
  }

  @Test
  void addingAndDroppingColumnsShowsAtOnceOnEveryConnection() {
    assertThat(selectAllEverywhere()).containsOnly("[\"a\",\"b\"]=[[1,2]]");

    assertThat(client.post(query, sql("ALTER TABLE t ADD COLUMN c DEFAULT 3")).status())
        .isEqualTo(200);
    assertThat(selectAllEverywhere()).containsOnly("[\"a\",\"b\",\"c\"]=[[1,2,3]]");

    assertThat(client.post(query, sql("ALTER TABLE t DROP COLUMN b")).status()).isEqualTo(200);
    assertThat(selectAllEverywhere()).containsOnly("[\"a\",\"c\"]=[[1,3]]");
  }

  @Test
  void aTableReplacedUnderTheSameNameShowsItsNewColumns() {
    assertThat(selectAllEverywhere()).containsOnly("[\"a\",\"b\"]=[[1,2]]");
    assertThat(
            client
                .post(query, sql("DROP TABLE t; CREATE TABLE t(x, a); INSERT INTO t VALUES (9, 1)"))
                .status())
        .isEqualTo(200);
    assertThat(selectAllEverywhere()).containsOnly("[\"x\",\"a\"]=[[9,1]]");
  }

  /** What each of many parallel reads of {@code text} answered: its rows, or its error. */
  private List<String> readEverywhere(String text) {
    List<CompletableFuture<D1Client.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      replies.add(CompletableFuture.supplyAsync(() -> client.post(raw, sql(text))));
    }
    List<String> answers = new ArrayList<>();
    for (CompletableFuture<D1Client.Reply> r : replies) {
      D1Client.Reply reply = r.join();
      answers.add(
          reply.status() == 200
              ? reply.result().get(0).get("results").get("rows").toString()
              : reply.errorMessage());
    }
    return answers;
  }

  @Test
  void aViewRedefinedToReadAClosedTableIsRefusedOnEveryConnection() {
    // Each read connection finds the text allowed and keeps that verdict for the schema version.
    assertThat(client.post(query, sql("CREATE VIEW v AS SELECT a FROM t")).status()).isEqualTo(200);
    assertThat(readEverywhere("SELECT * FROM v")).containsOnly("[[1]]");

    assertThat(
            client.post(query, sql("DROP VIEW v; CREATE VIEW v AS SELECT * FROM _cf_KV")).status())
        .isEqualTo(200);
    assertThat(readEverywhere("SELECT * FROM v"))
        .containsOnly("access to _cf_KV.key is prohibited: SQLITE_AUTH");
  }

  @Test
  void aFailedStatementIsNotReusedAndTheNextRequestStillWorks() {
    String insert = "INSERT INTO t(a, b) VALUES (?, ?)";
    assertThat(client.post(query, sql(insert, 5, 6)).status()).isEqualTo(200);
    assertThat(client.post(query, sql("CREATE UNIQUE INDEX ta ON t(a)")).status()).isEqualTo(200);
    assertThat(client.post(query, sql(insert, 5, 7)).errorMessage()).contains("UNIQUE");
    assertThat(client.post(query, sql(insert, 8, 9)).status()).isEqualTo(200);
    assertThat(client.post(query, sql(insert, 1)).errorMessage())
        .contains("Wrong number of parameter bindings");
    JsonNode rows =
        client.post(raw, sql("SELECT a, b FROM t ORDER BY a")).result().get(0).get("results");
    assertThat(rows.get("rows").toString()).isEqualTo("[[1,2],[5,6],[8,9]]");
  }
}
