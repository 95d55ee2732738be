package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read results stream with bounded memory, and a read that fails mid-stream is cut off. */
class QueryStreamingTest {

  static final String ACCOUNT = "00000000000000000000000000000001";
  static final String TOKEN = "stream-token";

  @TempDir Path dir;

  private static HttpResponse<InputStream> post(String base, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
  }

  private static String db(String base) throws Exception {
    String dbs = "/client/v4/accounts/" + ACCOUNT + "/d1/database";
    try (InputStream in = post(base, dbs, "{\"name\":\"big\"}").body()) {
      return dbs + "/" + D1Client.JSON.readTree(in).at("/result/uuid").asText() + "/query";
    }
  }

  @Test
  void aResultLargerThanTheHeapStreams() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            dir,
            List.of("-Xmx96m"),
            // This test is about memory: on a loaded machine 200 MB may take longer than D1's 30 s.
            List.of("--query-timeout-ms", "300000"),
            Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN))) {
      String q = db(server.baseUrl());
      post(
          server.baseUrl(),
          q,
          sql(
              "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                  + " INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                  + " WHERE x < 100000) SELECT x, hex(randomblob(1000)) FROM c"));
      HttpResponse<InputStream> r = post(server.baseUrl(), q, sql("SELECT * FROM t"));
      assertThat(r.statusCode()).isEqualTo(200);
      long rows = 0;
      try (JsonParser p = D1Client.JSON.getFactory().createParser(r.body())) {
        for (JsonToken t; (t = p.nextToken()) != null; ) {
          if (t == JsonToken.FIELD_NAME && p.currentName().equals("v")) {
            rows++;
          }
          if (t == JsonToken.FIELD_NAME && p.currentName().equals("success")) {
            p.nextToken();
          }
        }
      }
      // 100,000 rows of 2,000 characters: about 200 MB of JSON through a 96 MB heap.
      assertThat(rows).isEqualTo(100_000);
      assertThat(server.isAlive()).isTrue();
    }
  }

  @Test
  void aReadThatFailsAfterBytesWentOutIsCutOff() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            dir,
            List.of(),
            List.of("--query-timeout-ms", "1500"),
            Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN))) {
      String q = db(server.baseUrl());
      HttpResponse<InputStream> r =
          post(
              server.baseUrl(),
              q,
              sql(
                  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
                      + " SELECT x, hex(randomblob(100)) AS v FROM c"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThatThrownBy(
              () -> {
                try (InputStream in = r.body()) {
                  D1Client.JSON.readTree(in);
                }
              })
          .isInstanceOf(IOException.class);
    }
  }
}
