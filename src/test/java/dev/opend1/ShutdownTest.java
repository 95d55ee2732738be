package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops the server in order: requests already running finish with 200, new ones are refused
 * (a refused connection, or 503 in D1's envelope on a connection already open), the databases are
 * checkpointed (their WAL is empty) and the process exits 0; the next start serves at once with
 * everything there.
 */
class ShutdownTest {

  static final String ACCOUNT = "00000000000000000000000000005d0e";
  static final String TOKEN = "shutdown-token";
  static final Map<String, String> ENV =
      Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN);
  static final String DBS = "/client/v4/accounts/" + ACCOUNT + "/d1/database";

  /** Long enough to still run when the signal comes, far inside the (raised) request limit. */
  static final String SLOW_ROWS =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 8000000)";

  @TempDir Path dir;

  @Test
  void sigtermFinishesRunningRequestsRefusesNewOnesCheckpointsAndExitsZero() throws Exception {
    List<String> flags = List.of("--query-timeout-ms", "120000");
    ServerProcess server = ServerProcess.start(dir, List.of(), flags, ENV);
    String uuid;
    HttpClient first = HttpClient.newHttpClient();
    try {
      uuid = send(first, server, "POST", DBS, "{\"name\":\"s\"}").at("/result/uuid").asText();
      String db = DBS + "/" + uuid;
      query(first, server, db, "CREATE TABLE t(x INTEGER)");
      query(first, server, db, "INSERT INTO t VALUES (-1)");

      // Two slow writes and two slow reads, each on its own connection.
      List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String sql =
            i < 2
                ? SLOW_ROWS + " INSERT INTO t SELECT max(x) * 0 + " + i + " FROM c"
                : SLOW_ROWS + " SELECT count(*) AS n FROM c";
        running.add(
            HttpClient.newHttpClient()
                .sendAsync(request(server, "POST", db + "/query", sqlBody(sql)), ofString()));
      }
      Thread.sleep(700);
      assertThat(running).noneMatch(CompletableFuture::isDone);
      server.signalTerm();
      Thread.sleep(300);

      // A request arriving now is refused before it does anything, in D1's envelope.
      HttpResponse<String> late =
          HttpClient.newHttpClient()
              .send(
                  request(server, "POST", db + "/query", sqlBody("INSERT INTO t VALUES (99)")),
                  ofString());
      assertThat(late.statusCode()).as(late.body()).isEqualTo(503);
      assertThat(late.headers().firstValue("Retry-After")).hasValue("5");
      JsonNode env = D1Client.JSON.readTree(late.body());
      assertThat(env.path("success").asBoolean(true)).isFalse();
      assertThat(env.at("/errors/0/code").asInt()).isEqualTo(7500);
      assertThat(env.at("/errors/0/message").asText())
          .contains("shutting down")
          .endsWith("; reference = " + late.headers().firstValue("x-request-id").orElseThrow());

      for (CompletableFuture<HttpResponse<String>> r : running) {
        HttpResponse<String> done = r.get();
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(D1Client.JSON.readTree(done.body()).path("success").asBoolean()).isTrue();
      }
      assertThat(server.awaitExit(Duration.ofSeconds(60))).as(server.stderr()).isZero();
      assertThat(server.stderr()).as(server.stdout()).contains("opend1 stopped in");
    } finally {
      server.kill();
    }

    Path wal = dir.resolve("db").resolve(uuid).resolve("db.sqlite-wal");
    assertThat(!Files.exists(wal) || Files.size(wal) == 0)
        .as("the WAL was checkpointed away at shutdown")
        .isTrue();

    try (ServerProcess again = ServerProcess.start(dir, List.of(), List.of(), ENV)) {
      HttpClient c = HttpClient.newHttpClient();
      JsonNode rows =
          query(c, again, DBS + "/" + uuid, "SELECT x FROM t ORDER BY x").at("/result/0/results");
      assertThat(rows.toString()).isEqualTo("[{\"x\":-1},{\"x\":0},{\"x\":1}]");
      assertThat(again.stderr()).doesNotContain("ERROR").doesNotContain("WARN");
    }
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static String sqlBody(String sql) {
    return D1Client.JSON.createObjectNode().put("sql", sql).toString();
  }

  private static HttpRequest request(ServerProcess s, String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
        .header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static JsonNode send(
      HttpClient c, ServerProcess s, String method, String path, String body) throws Exception {
    return D1Client.JSON.readTree(c.send(request(s, method, path, body), ofString()).body());
  }

  private static JsonNode query(HttpClient c, ServerProcess s, String db, String sql)
      throws Exception {
    return send(c, s, "POST", db + "/query", sqlBody(sql));
  }
}
