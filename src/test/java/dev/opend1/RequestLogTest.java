package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request log of a real server process: one line per request on standard error, written once
 * the response is complete, with the route template, the real sizes, the client, its user agent and
 * the request id, and never a token, an {@code X-Auth-Key}, SQL text or a parameter.
 */
class RequestLogTest {

  private static final String ACCOUNT = "00112233445566778899aabbccddeeff";
  private static final String TOKEN = "tok-distinctive-8c1f5e";
  private static final String AUTH_KEY = "xauthkey-distinctive-55a1";
  private static final String PARAM = "param-distinctive-7731";
  private static final String TABLE = "table_distinctive_9931";
  private static final String DATABASES = "/client/v4/accounts/" + ACCOUNT + "/d1/database";
  private static final String QUERY_ROUTE = "/client/v4/accounts/{account}/d1/database/{db}/query";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  /** One request the test made: its id, status and the bytes of its body as received. */
  record Sent(String id, int status, int bytes) {}

  private static Sent get(ServerProcess server, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
    headers.forEach(b::header);
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    return new Sent(id, r.statusCode(), r.body().length);
  }

  /**
   * Makes the requests the log is checked against, by name: a database, a table, a write with a
   * parameter, one refused, /healthz, /metrics, a read whose answer is larger than Jetty's 64 KB
   * buffer, a path no route has, one with the client's own request id, and the console.
   */
  private static Map<String, Sent> work(ServerProcess server) throws Exception {
    Map<String, Sent> sent = new HashMap<>();
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
    sent.put("write", new Sent(write.requestId(), 200, write.body().length()));
    Reply refused =
        new D1Client(
                server.baseUrl(), Map.of("X-Auth-Key", AUTH_KEY, "X-Auth-Email", "a@example.com"))
            .get(DATABASES);
    assertThat(refused.status()).isIn(400, 401, 403);
    sent.put("refused", new Sent(refused.requestId(), refused.status(), 0));
    Reply big =
        client.post(
            DATABASES + "/" + db + "/query",
            "{\"sql\":\"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                + " WHERE x < 3000) SELECT x, printf('%050d', x) AS pad FROM c\"}");
    assertThat(big.status()).as(big.body()).isEqualTo(200);
    int bigBytes = big.body().getBytes(StandardCharsets.UTF_8).length;
    assertThat(bigBytes).isGreaterThan(100_000);
    sent.put("big", new Sent(big.requestId(), 200, bigBytes));
    sent.put("healthz", get(server, "/healthz", Map.of("User-Agent", "probe/1.0 \"quoted\"")));
    sent.put("metrics", get(server, "/metrics", Map.of()));
    sent.put("nowhere", get(server, "/no/such/path", Map.of()));
    sent.put("given", get(server, "/healthz", Map.of("X-Request-Id", "proxy-id:42")));
    sent.put("console", get(server, "/", Map.of()));
    sent.put("asset", get(server, "/console/app.js", Map.of()));
    return sent;
  }

  /** The request lines of the server's standard error, once {@code count} of them are there. */
  private static List<String> requestLines(ServerProcess server, String marker, int count)
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

  /** The one line that holds {@code text}. */
  private static String lineWith(List<String> lines, String text) {
    List<String> found = lines.stream().filter(l -> l.contains(text)).toList();
    assertThat(found).as(text + " in\n" + String.join("\n", lines)).hasSize(1);
    return found.get(0);
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
  void textLinesHoldTheRouteRealSizesClientAndRequestIdButNoSecrets() throws Exception {
    Map<String, String> env = Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN);
    try (ServerProcess server = ServerProcess.start(dir, List.of(), List.of(), env)) {
      Map<String, Sent> sent = work(server);
      List<String> lines = requestLines(server, " request - ", 9);
      assertThat(lines).hasSize(9);
      assertThat(lines.get(0))
          .contains("POST /client/v4/accounts/{account}/d1/database 200 ")
          .contains("account=" + ACCOUNT)
          .contains("database=-");
      String write = lineWith(lines, "id=" + sent.get("write").id());
      assertThat(write)
          .contains("POST " + QUERY_ROUTE + " 200 ")
          .matches(".* \\d+\\.\\dms .*")
          .matches(".* in=[1-9]\\d* out=" + sent.get("write").bytes() + " .*")
          .contains(" client=127.0.0.1 ")
          .contains(" ua=\"Java-http-client/");
      assertThat(lineWith(lines, "id=" + sent.get("refused").id()))
          .contains("GET /client/v4/accounts/{account}/d1/database 40");
      assertThat(lineWith(lines, "id=" + sent.get("big").id()))
          .contains(" out=" + sent.get("big").bytes() + " ");
      assertThat(lineWith(lines, "id=" + sent.get("healthz").id()))
          .contains("GET /healthz 200 ")
          .contains(" out=11 ")
          .endsWith(" ua=\"probe/1.0 \\\"quoted\\\"\"");
      assertThat(lineWith(lines, "id=" + sent.get("metrics").id()))
          .contains(" out=" + sent.get("metrics").bytes() + " ");
      assertThat(sent.get("nowhere").status()).isEqualTo(404);
      assertThat(lineWith(lines, "id=" + sent.get("nowhere").id()))
          .contains("GET unmatched 404 ")
          .doesNotContain("/*")
          .doesNotContain("/no/such/path");
      assertThat(sent.get("given").id()).isEqualTo("proxy-id:42");
      assertThat(lineWith(lines, "id=proxy-id:42")).contains("GET /healthz 200 ");
      // The console's files are logged at DEBUG only.
      assertThat(server.stderr())
          .doesNotContain(sent.get("console").id())
          .doesNotContain(sent.get("asset").id());
      assertNoSecrets(server);
    }
  }

  /**
   * With {@code --log-format json} every line of standard error is one JSON object, from the start
   * to the end of the process: startup, requests and shutdown.
   */
  @Test
  void jsonLogsAreJsonFromStartToStop() throws Exception {
    Map<String, String> env =
        Map.of(
            "OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN, "OPEND1_LOG_FORMAT", "json");
    ServerProcess server = ServerProcess.start(dir, List.of(), List.of(), env);
    Map<String, Sent> sent;
    try {
      sent = work(server);
      requestLines(server, "\"loggerName\":\"opend1.request\"", 9);
      server.signalTerm();
      assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();
    } finally {
      server.kill();
    }
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> requests = new HashMap<>();
    List<String> messages = new ArrayList<>();
    for (String line : server.stderr().split("\n")) {
      JsonNode event = json.readTree(line);
      assertThat(event.isObject()).as(line).isTrue();
      messages.add(event.path("formattedMessage").asText());
      if (event.path("loggerName").asText().equals("opend1.request")) {
        Map<String, String> fields = new HashMap<>();
        event
            .path("kvpList")
            .forEach(
                kv -> kv.properties().forEach(f -> fields.put(f.getKey(), f.getValue().asText())));
        requests.put(fields.get("request_id"), json.valueToTree(fields));
      }
    }
    assertThat(messages)
        .anyMatch(m -> m.startsWith("opend1 serving http://127.0.0.1:"))
        .anyMatch(m -> m.startsWith("opend1 stopped in"));
    JsonNode write = requests.get(sent.get("write").id());
    assertThat(write.get("method").asText()).isEqualTo("POST");
    assertThat(write.get("route").asText()).isEqualTo(QUERY_ROUTE);
    assertThat(write.get("status").asInt()).isEqualTo(200);
    assertThat(write.get("account").asText()).isEqualTo(ACCOUNT);
    assertThat(write.get("duration_ms").asDouble()).isPositive();
    assertThat(write.get("request_bytes").asLong()).isPositive();
    assertThat(write.get("response_bytes").asLong()).isEqualTo(sent.get("write").bytes());
    assertThat(write.get("client").asText()).isEqualTo("127.0.0.1");
    assertThat(write.get("user_agent").asText()).startsWith("Java-http-client/");
    assertThat(requests.get(sent.get("refused").id()).get("status").asInt()).isBetween(400, 403);
    assertThat(requests.get(sent.get("healthz").id()).get("response_bytes").asLong()).isEqualTo(11);
    assertNoSecrets(server);
  }
}
