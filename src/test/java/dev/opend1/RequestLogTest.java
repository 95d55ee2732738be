package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request log of a real server process: one line per request on standard error, with the route
 * template and sizes, and never a token, an {@code X-Auth-Key}, SQL text or a parameter.
 */
class RequestLogTest {

  private static final String ACCOUNT = "00112233445566778899aabbccddeeff";
  private static final String TOKEN = "tok-distinctive-8c1f5e";
  private static final String AUTH_KEY = "xauthkey-distinctive-55a1";
  private static final String PARAM = "param-distinctive-7731";
  private static final String TABLE = "table_distinctive_9931";
  private static final String DATABASES = "/client/v4/accounts/" + ACCOUNT + "/d1/database";
  private static final String QUERY_ROUTE = "/client/v4/accounts/{account}/d1/database/{db}/query";

  @TempDir Path dir;

  /** Makes four requests (a database, a table, a write with a parameter, one refused). */
  private static String work(ServerProcess server) {
    D1Client client = new D1Client(server.baseUrl(), Map.of("Authorization", "Bearer " + TOKEN));
    Reply created = client.post(DATABASES, "{\"name\":\"logged\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String db = created.result().get("uuid").asText();
    Reply create =
        client.post(DATABASES + "/" + db + "/query", "{\"sql\":\"CREATE TABLE " + TABLE + "(a)\"}");
    assertThat(create.status()).as(create.body()).isEqualTo(200);
    var body = D1Client.JSON.createObjectNode();
    body.put("sql", "INSERT INTO " + TABLE + " VALUES (?)");
    body.putArray("params").add(PARAM);
    Reply write = client.post(DATABASES + "/" + db + "/query", body.toString());
    assertThat(write.status()).as(write.body()).isEqualTo(200);
    Reply refused =
        new D1Client(
                server.baseUrl(), Map.of("X-Auth-Key", AUTH_KEY, "X-Auth-Email", "a@example.com"))
            .get(DATABASES);
    assertThat(refused.status()).isIn(400, 401, 403);
    return db;
  }

  /** The lines of the logger's output, once {@code count} of them are there. */
  private static List<String> linesOf(ServerProcess server, String marker, int count)
      throws InterruptedException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lines.clear();
      for (String l : server.stderr().split("\n")) {
        if (l.contains(marker)) {
          lines.add(l);
        }
      }
      if (lines.size() >= count) {
        break;
      }
      Thread.sleep(50);
    }
    return lines;
  }

  private static void assertNoSecrets(ServerProcess server) {
    assertThat(server.stderr())
        .doesNotContain(TOKEN)
        .doesNotContain(AUTH_KEY)
        .doesNotContain(PARAM)
        .doesNotContain(TABLE)
        .doesNotContain("INSERT INTO");
  }

  @Test
  void textLinesNameTheRouteStatusAndSizesButNoSecrets() throws Exception {
    Map<String, String> env = Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN);
    try (ServerProcess server = ServerProcess.start(dir, List.of(), List.of(), env)) {
      String db = work(server);
      List<String> lines = linesOf(server, " request - ", 4);
      assertThat(lines).hasSize(4);
      assertThat(lines.get(0))
          .contains("POST /client/v4/accounts/{account}/d1/database 200 ")
          .contains("account=" + ACCOUNT)
          .contains("database=-");
      assertThat(lines.get(1)).contains("POST " + QUERY_ROUTE + " 200 ");
      assertThat(lines.get(2))
          .contains("POST " + QUERY_ROUTE + " 200 ")
          .contains("database=" + db)
          .matches(".* \\d+\\.\\dms .*")
          .matches(".* in=[1-9]\\d* out=[1-9]\\d*$");
      assertThat(lines.get(3)).contains("GET /client/v4/accounts/{account}/d1/database 40");
      assertNoSecrets(server);
    }
  }

  @Test
  void jsonLinesAreOneObjectEach() throws Exception {
    Map<String, String> env =
        Map.of(
            "OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN, "OPEND1_LOG_FORMAT", "json");
    try (ServerProcess server = ServerProcess.start(dir, List.of(), List.of(), env)) {
      String db = work(server);
      List<String> lines = linesOf(server, "\"type\":\"request\"", 4);
      assertThat(lines).hasSize(4);
      ObjectMapper json = new ObjectMapper();
      List<JsonNode> entries = new ArrayList<>();
      for (String l : lines) {
        assertThat(l).startsWith("{").endsWith("}");
        entries.add(json.readTree(l));
      }
      JsonNode write = entries.get(2);
      assertThat(write.get("method").asText()).isEqualTo("POST");
      assertThat(write.get("route").asText()).isEqualTo(QUERY_ROUTE);
      assertThat(write.get("status").asInt()).isEqualTo(200);
      assertThat(write.get("account").asText()).isEqualTo(ACCOUNT);
      assertThat(write.get("database").asText()).isEqualTo(db);
      assertThat(write.get("duration_ms").isNumber()).isTrue();
      assertThat(write.get("request_bytes").asLong()).isPositive();
      assertThat(write.get("response_bytes").asLong()).isPositive();
      assertThat(entries.get(3).get("status").asInt()).isBetween(400, 403);
      assertNoSecrets(server);
    }
  }
}
