package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opend1.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies of millions of tiny statements against a server with a 256 MB heap, in its own process:
 * each is refused with D1's envelope after reading no more than the statement limit, the server
 * stays up and serves the next request, and a body too large for the heap at all answers the
 * envelope too, never an empty 500.
 */
class HugeBodyTest {

  static final String ACCOUNT = "00000000000000000000000000000b0d";
  static final String TOKEN = "huge-body-token";
  static final Map<String, String> ENV =
      Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN);
  static final String DATABASES = "/client/v4/accounts/" + ACCOUNT + "/d1/database";
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  record Answer(int status, JsonNode body) {}

  private static Answer post(ServerProcess server, String path, byte[] body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(2))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isEmpty() ? null : JSON.readTree(r.body());
    return new Answer(r.statusCode(), json);
  }

  /** {@code prefix}, then {@code piece} {@code times} times, then {@code suffix}, as UTF-8. */
  private static byte[] body(String prefix, String piece, int times, String suffix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    byte[] p = piece.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < times; i++) {
      out.write(p, 0, p.length);
    }
    out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Waits until the server's log shows {@code text} (it reaches the test through a pipe). */
  private static void awaitInLog(ServerProcess server, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!server.stderr().contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(server.stderr()).contains(text);
  }

  private static void assertServes(ServerProcess server, String query) throws Exception {
    assertThat(server.isAlive()).as(server.stderr()).isTrue();
    Answer one = post(server, query, "{\"sql\":\"SELECT 1 AS one\"}".getBytes());
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().at("/result/0/results/0/one").asInt()).isEqualTo(1);
  }

  @Test
  void millionsOfTinyStatementsAreRefusedAndTheServerStaysHealthy() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, List.of("-Xmx256m"), List.of(), ENV)) {
      Answer created = post(server, DATABASES, "{\"name\":\"huge\"}".getBytes());
      String query = DATABASES + "/" + created.body().at("/result/uuid").asText() + "/query";

      // 3 million statements in one string (27 MB), then 1.5 million batch items (28 MB).
      byte[] oneString = body("{\"sql\":\"", "SELECT 1;", 3_000_000, "\"}");
      byte[] oneBatch =
          body("{\"batch\":[", "{\"sql\":\"SELECT 1\"},", 1_500_000, "{\"sql\":\"SELECT 1\"}]}");
      for (byte[] huge : List.of(oneString, oneBatch)) {
        Answer refused = post(server, query, huge);
        assertThat(refused.status()).as(server.stderr()).isEqualTo(400);
        assertThat(refused.body().at("/success").asBoolean()).isFalse();
        assertThat(refused.body().at("/errors/0/code").asInt()).isEqualTo(7500);
        assertThat(refused.body().at("/errors/0/message").asText())
            .startsWith("Too many statements in one request: the limit is 10000 ");
        assertServes(server, query);
      }
      assertThat(server.stderr()).doesNotContain("OutOfMemoryError");

      // 95 MB of one string cannot even be decoded in 256 MB: the envelope, then service as usual.
      Answer tooBig = post(server, query, body("{\"sql\":\"", "x", 95_000_000, "\"}"));
      assertThat(tooBig.status()).isEqualTo(500);
      assertThat(tooBig.body()).as("an envelope, not an empty body").isNotNull();
      assertThat(tooBig.body().at("/success").asBoolean()).isFalse();
      assertThat(tooBig.body().at("/errors/0/code").asInt()).isEqualTo(7500);
      assertThat(tooBig.body().at("/errors/0/message").asText())
          .startsWith("internal error; reference = ");
      awaitInLog(server, "OutOfMemoryError");
      assertServes(server, query);
    }
  }
}
