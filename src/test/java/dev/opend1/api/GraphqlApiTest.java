package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import dev.opend1.testing.WranglerGraphql;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /client/v4/graphql} with the bodies wrangler sends for {@code d1 info} and {@code d1
 * insights}, after a known number of queries.
 */
class GraphqlApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String uuid;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    uuid = client.post(databases(), "{\"name\":\"stats\"}").result().get("uuid").asText();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private void query(String sql) {
    Reply r = client.post(databases() + "/" + uuid + "/query", sqlBody(sql));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static String sqlBody(String sql) {
    return D1Client.JSON.createObjectNode().put("sql", sql).toString();
  }

  /** wrangler's body: its query, its operation name, its variables for the last day. */
  private String wranglerBody(String query, String operation) {
    Instant now = Instant.now();
    ObjectNode body = D1Client.JSON.createObjectNode();
    body.put("query", query);
    body.put("operationName", operation);
    ObjectNode variables = body.putObject("variables");
    variables.put("accountTag", TestServer.ACCOUNT.value());
    ObjectNode and = variables.putObject("filter").putArray("AND").addObject();
    and.put("datetimeHour_geq", now.minus(1, ChronoUnit.DAYS).toString());
    and.put("datetimeHour_leq", now.toString());
    and.put("databaseId", uuid);
    return body.toString();
  }

  private JsonNode graphql(String body) {
    Reply r = client.post("/client/v4/graphql", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void infoCountsTheReadAndWriteQueries() {
    query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    for (int i = 0; i < 3; i++) {
      query("INSERT INTO t (v) VALUES ('row " + i + "')");
    }
    for (int i = 0; i < 4; i++) {
      query("SELECT * FROM t WHERE id = " + i);
    }
    // A failed request counts no query.
    assertThat(
            client
                .post(databases() + "/" + uuid + "/query", sqlBody("SELECT * FROM nope"))
                .status())
        .isEqualTo(400);
    JsonNode answer = graphql(wranglerBody(WranglerGraphql.INFO, "getD1MetricsOverviewQuery"));
    assertThat(answer.has("errors")).as(answer.toString()).isFalse();
    long reads = 0;
    long writes = 0;
    long written = 0;
    for (JsonNode row : answer.at("/data/viewer/accounts/0/d1AnalyticsAdaptiveGroups")) {
      reads += row.at("/sum/readQueries").asLong();
      writes += row.at("/sum/writeQueries").asLong();
      written += row.at("/sum/rowsWritten").asLong();
      assertThat(row.at("/dimensions/datetimeHour").asText()).endsWith(":00:00Z");
    }
    assertThat(reads).isEqualTo(4);
    assertThat(writes).isEqualTo(4);
    assertThat(written).isEqualTo(3);
  }

  @Test
  void insightsListsTheSlowestQueryFirst() {
    query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)"
            + " SELECT count(*) FROM n");
    query("SELECT 1");
    query("SELECT 2");
    String q = WranglerGraphql.insights(5, "sum_queryDurationMs_DESC");
    JsonNode rows =
        graphql(wranglerBody(q, "getD1QueriesOverviewQuery"))
            .at("/data/viewer/accounts/0/d1QueriesAdaptiveGroups");
    assertThat(rows.get(0).at("/dimensions/query").asText()).startsWith("WITH RECURSIVE n(i)");
    assertThat(rows.get(0).at("/dimensions/query").asText()).contains("i < ?");
    JsonNode select = null;
    for (JsonNode row : rows) {
      if (row.at("/dimensions/query").asText().equals("SELECT ?")) {
        select = row;
      }
    }
    assertThat(select).isNotNull();
    assertThat(select.get("count").asLong()).isEqualTo(2);
    assertThat(select.at("/sum/rowsReturned").asLong()).isEqualTo(2);
  }

  @Test
  void anotherAccountsTagIsAnErrorInGraphqlsForm() {
    JsonNode answer =
        server
            .otherAccountClient()
            .post(
                "/client/v4/graphql",
                wranglerBody(WranglerGraphql.INFO, "getD1MetricsOverviewQuery"))
            .json();
    assertThat(answer.at("/errors/0/message").asText()).contains("may not read account");
    assertThat(answer.at("/data/viewer").isNull()).isTrue();
  }

  @Test
  void anotherDatasetIsAnErrorInGraphqlsForm() {
    Reply r =
        client.post(
            "/client/v4/graphql",
            "{\"query\":\"{viewer{accounts(filter:{accountTag:\\\"x\\\"}){httpRequests1dGroups(limit:1){count}}}}\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/errors/0/message").asText()).contains("httpRequests1dGroups");
    assertThat(r.json().has("data")).isFalse();
  }

  @Test
  void withoutCredentialsTheAnswerIsD1sEnvelope() {
    Reply r =
        server.client(Map.of()).post("/client/v4/graphql", "{\"query\":\"{viewer{__typename}}\"}");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("success").asBoolean()).isFalse();
  }

  @Test
  void aBodyThatIsNotAGraphqlRequestIsRefusedInD1sEnvelope() {
    Map<String, String> refusals =
        Map.of(
            "null",
            "Request body must be a JSON object, not null",
            "[]",
            "Request body must be a JSON object, not array",
            "\"" + "x".repeat(2000) + "\"",
            "Request body must be a JSON object, not string",
            "{\"variables\":\"x\"}",
            "Invalid property: variables => Expected object, received string",
            "{\"query\":5}",
            "Invalid property: query => Expected string, received number",
            "{\"query\":\"{viewer{__typename}}\",\"operationName\":[]}",
            "Invalid property: operationName => Expected string, received array",
            "{",
            "Malformed JSON in request body");
    refusals.forEach(
        (body, message) -> {
          Reply r = client.post("/client/v4/graphql", body);
          assertThat(r.status()).as(body).isEqualTo(400);
          assertThat(r.json().get("success").asBoolean()).isFalse();
          assertThat(r.json().at("/errors/0/code").asInt()).isEqualTo(7400);
          // D1's words, not the JSON library's: no Java type and no echo of the body.
          assertThat(r.json().at("/errors/0/message").asText())
              .as(body)
              .startsWith(message)
              .doesNotContain("java")
              .doesNotContain("xxxxxxxxxx");
        });
    Reply empty = client.post("/client/v4/graphql", "{}");
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.json().at("/errors/0/message").asText()).isNotEmpty();
  }
}
