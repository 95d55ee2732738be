package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.Golden;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The six database-management endpoints, spoken to over HTTP like a client would. */
class DatabaseApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private JsonNode create(String name) {
    Reply r = client.post(databases(), "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result();
  }

  @Test
  void createAnswersTheDetailsWithTheHintsRegion() {
    Reply r = client.post(databases(), "{\"name\":\"my-db_1\",\"primary_location_hint\":\"weur\"}");
    Golden.assertMatches(r, "create.json");
    assertThat(r.result().get("created_in_region").asText()).isEqualTo("WEUR");
  }

  @Test
  void createWithoutHintUsesTheServersRegion() {
    Reply r = client.post(databases(), "{\"name\":\"plain\"}");
    assertThat(r.result().get("created_in_region").asText()).isEqualTo("WNAM");
    Reply auto =
        client.post(databases(), "{\"name\":\"rr\",\"read_replication\":{\"mode\":\"auto\"}}");
    assertThat(auto.result().at("/read_replication/mode").asText()).isEqualTo("auto");
  }

  /**
   * With a jurisdiction the location hint is ignored and the region lies inside the jurisdiction
   * (https://developers.cloudflare.com/d1/configuration/data-location/: "If a jurisdiction is set,
   * the location hint is ignored"). The server's own region here is WNAM.
   */
  @ParameterizedTest
  @CsvSource({
    "eu, , WEUR",
    "eu, apac, WEUR",
    "eu, eeur, WEUR",
    "us, , WNAM",
    "us, weur, WNAM",
    "fedramp, oc, WNAM",
    ", apac, APAC",
  })
  void theRegionFollowsTheJurisdiction(String jurisdiction, String hint, String region) {
    var body = D1Client.JSON.createObjectNode().put("name", "j-" + jurisdiction + "-" + hint);
    if (jurisdiction != null) {
      body.put("jurisdiction", jurisdiction);
    }
    if (hint != null) {
      body.put("primary_location_hint", hint);
    }
    Reply r = client.post(databases(), body.toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.result().get("created_in_region").asText()).isEqualTo(region);
    String uuid = r.result().get("uuid").asText();
    Reply got = client.get(databases() + "/" + uuid);
    assertThat(got.result().get("running_in_region").asText()).isEqualTo(region);
    assertThat(got.result().get("jurisdiction").textValue()).isEqualTo(jurisdiction);
  }

  @Test
  void createRefusesMissingOrInvalidProperties() {
    Golden.assertMatches(
        client.post(databases(), "{\"per_page\":100,\"page\":1}"), "create-no-name.json");
    Golden.assertMatches(client.post(databases(), "{\"name\":"), "malformed-json.json");
    Golden.assertMatches(client.post(databases(), "[1,2]"), "body-not-object.json");
    Golden.assertMatches(client.post(databases(), "{\"name\":42}"), "create-name-wrong-type.json");
    Golden.assertMatches(
        client.post(databases(), "{\"name\":\"a\",\"primary_location_hint\":\"mars\"}"),
        "create-bad-hint.json");
    for (String bad :
        List.of(
            "\"\"",
            "\"has space\"",
            "\"dot.name\"",
            "\"" + "x".repeat(65) + "\"",
            "\"5d6b0a2e-2f3c-4d5e-8f9a-0b1c2d3e4f50\"",
            "\"é\"")) {
      Reply r = client.post(databases(), "{\"name\":" + bad + "}");
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo(7400);
      assertThat(r.errorMessage()).startsWith("Invalid property: name => must be 1 to 64");
    }
    for (String body :
        List.of(
            "{\"name\":\"a\",\"jurisdiction\":\"mars\"}",
            "{\"name\":\"a\",\"read_replication\":\"auto\"}",
            "{\"name\":\"a\",\"read_replication\":{}}",
            "{\"name\":\"a\",\"read_replication\":{\"mode\":\"sometimes\"}}")) {
      Reply r = client.post(databases(), body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo(7400);
      assertThat(r.errorMessage()).startsWith("Invalid property: ");
    }
    assertThat(client.get(databases()).result()).isEmpty();
  }

  @Test
  void namesAreCaseSensitiveAndUniquePerAccount() {
    create("Shop");
    create("shop");
    Golden.assertMatches(client.post(databases(), "{\"name\":\"shop\"}"), "create-duplicate.json");
    Reply other =
        server
            .otherAccountClient()
            .post(
                "/client/v4/accounts/" + server.otherAccount() + "/d1/database",
                "{\"name\":\"shop\"}");
    assertThat(other.status()).isEqualTo(200);
  }

  @Test
  void theAccountLimitIsEnforced() throws Exception {
    server.close();
    server =
        TestServer.start(
            dir.resolve("limited"), java.util.Map.of("max-databases-per-account", "2"));
    client = server.client();
    create("a");
    create("b");
    Golden.assertMatches(client.post(databases(), "{\"name\":\"c\"}"), "create-limit.json");
    client.delete(databases() + "/a");
    create("c");
  }

  @Test
  void listPagesInCreationOrderAndEndsWithAnEmptyPage() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      names.add("db" + i);
      create("db" + i);
    }
    List<String> seen = new ArrayList<>();
    for (int page = 1; ; page++) {
      Reply r = client.get(databases() + "?per_page=10&page=" + page);
      assertThat(r.status()).isEqualTo(200);
      JsonNode info = r.json().get("result_info");
      assertThat(info.get("page").asInt()).isEqualTo(page);
      assertThat(info.get("per_page").asInt()).isEqualTo(10);
      assertThat(info.get("total_count").asInt()).isEqualTo(25);
      assertThat(info.get("count").asInt()).isEqualTo(r.result().size());
      if (r.result().isEmpty()) {
        assertThat(page).isEqualTo(4);
        break;
      }
      r.result().forEach(d -> seen.add(d.get("name").asText()));
    }
    assertThat(seen).containsExactlyElementsOf(names);
  }

  @Test
  void listShapeAndPerPageClamping() {
    create("alpha");
    Golden.assertMatches(client.get(databases()), "list.json");
    assertThat(client.get(databases() + "?per_page=5").json().at("/result_info/per_page").asInt())
        .isEqualTo(10);
    assertThat(
            client.get(databases() + "?per_page=50000").json().at("/result_info/per_page").asInt())
        .isEqualTo(10_000);
    Golden.assertMatches(client.get(databases() + "?page=0"), "list-bad-page.json");
    assertThat(client.get(databases() + "?per_page=ten").errorCode()).isEqualTo(7400);
  }

  @Test
  void listFiltersByNameCaseInsensitively() {
    create("Orders-EU");
    create("orders-us");
    create("users");
    Reply r = client.get(databases() + "?name=ORDERS");
    assertThat(r.result())
        .extracting(d -> d.get("name").asText())
        .containsExactly("Orders-EU", "orders-us");
    assertThat(r.json().at("/result_info/total_count").asInt()).isEqualTo(2);
    assertThat(client.get(databases() + "?name=_").result()).isEmpty();
  }

  @Test
  void getResolvesIdsAndNamesAndPicksFields() {
    String uuid = create("lookup").get("uuid").asText();
    Golden.assertMatches(client.get(databases() + "/" + uuid), "get.json");
    assertThat(client.get(databases() + "/lookup").result().get("uuid").asText()).isEqualTo(uuid);
    assertThat(client.get(databases() + "/" + uuid.toUpperCase()).status()).isEqualTo(200);
    Golden.assertMatches(client.get(databases() + "/lookup?fields=uuid%2Cname"), "get-fields.json");
    Reply repeated = client.get(databases() + "/lookup?fields=file_size&fields=num_tables");
    assertThat(repeated.result().properties())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactly("file_size", "num_tables");
    Golden.assertMatches(client.get(databases() + "/lookup?fields=size"), "get-bad-field.json");
    Golden.assertMatches(client.get(databases() + "/nope"), "not-found.json");
    assertThat(client.get(databases() + "/5d6b0a2e-2f3c-4d5e-8f9a-0b1c2d3e4f50").errorCode())
        .isEqualTo(7404);
  }

  @Test
  void sizeAndTableCountAreLive() throws Exception {
    String uuid = create("live").get("uuid").asText();
    JsonNode before = client.get(databases() + "/live").result();
    assertThat(before.get("num_tables").asInt()).isZero();
    Path file = server.dataDir().resolve("db").resolve(uuid).resolve("db.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v BLOB)");
      st.execute("CREATE TABLE u(x)");
      // _cf_KV is there from the start, as on D1, and is not counted.
      st.execute("INSERT INTO t(v) VALUES (randomblob(100000))");
    }
    JsonNode after = client.get(databases() + "/live").result();
    assertThat(after.get("num_tables").asInt()).isEqualTo(2);
    assertThat(after.get("file_size").asLong())
        .isGreaterThan(100_000)
        .isEqualTo(after.get("file_size").asLong() / 4096 * 4096);
  }

  @Test
  void putAndPatchUpdateReadReplication() throws Exception {
    String uuid = create("rep").get("uuid").asText();
    Golden.assertMatches(client.put(databases() + "/rep", "{}"), "put-missing.json");
    Golden.assertMatches(
        client.put(databases() + "/rep", "{\"read_replication\":{\"mode\":\"auto\"}}"), "put.json");
    assertThat(client.get(databases() + "/rep").result().at("/read_replication/mode").asText())
        .isEqualTo("auto");
    Reply patched = client.patch(databases() + "/" + uuid, "");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.result().at("/read_replication/mode").asText()).isEqualTo("auto");
    client.patch(databases() + "/" + uuid, "{\"read_replication\":{\"mode\":\"disabled\"}}");
    assertThat(client.get(databases() + "/rep").result().at("/read_replication/mode").asText())
        .isEqualTo("disabled");
    String meta =
        Files.readString(server.dataDir().resolve("db").resolve(uuid).resolve("meta.json"));
    assertThat(D1Client.JSON.readTree(meta).at("/read_replication/mode").asText())
        .isEqualTo("disabled");
    assertThat(
            client
                .put(databases() + "/missing", "{\"read_replication\":{\"mode\":\"auto\"}}")
                .status())
        .isEqualTo(404);
  }

  @Test
  void deleteRemovesTheFilesAndFreesTheName() {
    String uuid = create("gone").get("uuid").asText();
    Path files = server.dataDir().resolve("db").resolve(uuid);
    assertThat(files).isDirectory();
    Golden.assertMatches(client.delete(databases() + "/gone"), "delete.json");
    assertThat(files).doesNotExist();
    assertThat(server.dataDir().resolve("trash").toFile().list()).isNullOrEmpty();
    assertThat(client.get(databases() + "/" + uuid).status()).isEqualTo(404);
    assertThat(client.delete(databases() + "/" + uuid).status()).isEqualTo(404);
    assertThat(create("gone").get("uuid").asText()).isNotEqualTo(uuid);
  }

  @Test
  void unknownRoutesAndMethodsAnswer7003() {
    Golden.assertMatches(client.get("/client/v4/nothing/here"), "no-route.json");
    assertThat(client.send("PUT", databases(), "{}").errorCode()).isEqualTo(7003);
    assertThat(client.post(databases() + "/x/y/z", "{}").errorCode()).isEqualTo(7003);
    // "/" is the web console (ConsoleApiTest); other paths outside the API stay D1's 7003.
    assertThat(client.get("/favicon.ico").errorCode()).isEqualTo(7003);
  }

  @Test
  void graphqlAnswersJson() {
    // The analytics' GraphQL (GraphqlApiTest): a query the schema refuses is a GraphQL error.
    Reply r = client.post("/client/v4/graphql", "{\"query\":\"{viewer{accounts{id}}}\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("errors").size()).isPositive();
  }

  @Test
  void healthzAnswers() {
    assertThat(server.client(java.util.Map.of()).get("/healthz").status()).isEqualTo(200);
  }
}
