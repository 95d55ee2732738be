package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.api.fakes.FakeDatabases;
import dev.opend1.api.fakes.FakeTimeTravel;
import dev.opend1.api.fakes.FakeTransfers;
import dev.opend1.api.fakes.Fakes;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.config.ConfigLoader;
import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each route group over its service's fake, with no engine, history or catalog behind the server:
 * the routes parse, make their one call and render what the fake answers. The same routes over the
 * real services are tested by the other tests of this package.
 */
class RoutesOverFakesTest {

  @TempDir Path dir;
  Fakes fakes;
  ApiServer server;
  AccountId account;
  D1Client client;
  String databases;

  @BeforeEach
  void start() {
    fakes = new Fakes();
    account = fakes.accounts.create("fake account").id();
    String token = fakes.tokens.create(account, "t", Permission.EDIT, Optional.empty()).secret();
    server =
        new ApiServer(
            ConfigLoader.load(Map.of("port", "0", "data-dir", dir.toString()), Map.of()),
            fakes.services());
    client = client(Map.of("Authorization", "Bearer " + token));
    databases = "/client/v4/accounts/" + account + "/d1/database";
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private D1Client client(Map<String, String> headers) {
    return new D1Client("http://127.0.0.1:" + server.port(), headers);
  }

  private DatabaseRecord database(String name) {
    return fakes.databases.create(
        account, new DatabaseService.NewDatabase(name, Optional.empty(), Optional.empty(), "auto"));
  }

  @Test
  void credentialsAreLookedUpInTheTokens() {
    assertThat(client(Map.of("Authorization", "Bearer nope")).get(databases).status())
        .isEqualTo(401);
    String key =
        fakes
            .tokens
            .create(account, "key", Permission.READ, Optional.of("me@example.com"))
            .secret();
    Reply legacy =
        client(Map.of("X-Auth-Email", "me@example.com", "X-Auth-Key", key)).get(databases);
    assertThat(legacy.status()).isEqualTo(200);
  }

  @Test
  void accountRoutesNameTheCallersAccount() {
    JsonNode accounts = client.get("/client/v4/accounts").json().get("result");
    assertThat(accounts).hasSize(1);
    assertThat(accounts.get(0).get("id").asText()).isEqualTo(account.value());
    assertThat(accounts.get(0).get("name").asText()).isEqualTo("fake account");
  }

  @Test
  void databaseRoutesCreateFindListAndDeleteThroughTheService() {
    Reply created = client.post(databases, "{\"name\":\"one\",\"primary_location_hint\":\"weur\"}");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.result().get("created_in_region").asText()).isEqualTo("WEUR");
    assertThat(created.result().get("file_size").asLong())
        .isEqualTo(FakeDatabases.STATS.fileSize());
    String uuid = created.result().get("uuid").asText();

    assertThat(client.get(databases + "/one").result().get("uuid").asText()).isEqualTo(uuid);
    JsonNode list = client.get(databases).json();
    assertThat(list.get("result")).hasSize(1);
    assertThat(list.get("result_info").get("total_count").asInt()).isEqualTo(1);
    assertThat(client.post(databases, "{\"name\":\"one\"}").errorCode()).isEqualTo(7502);

    assertThat(client.delete(databases + "/" + uuid).status()).isEqualTo(200);
    assertThat(client.get(databases + "/" + uuid).errorCode()).isEqualTo(7404);
  }

  @Test
  void queryRoutesRenderWhatTheServiceDelivers() {
    DatabaseRecord db = database("q");
    Reply objects = client.post(databases + "/q/query", "{\"sql\":\"SELECT 1\"}");
    assertThat(objects.status()).isEqualTo(200);
    JsonNode result = objects.result().get(0);
    assertThat(result.get("results").get(0).get("sql").asText()).isEqualTo("SELECT 1");
    assertThat(result.get("meta").get("served_by_region").asText())
        .isEqualTo(db.createdInRegion().name());

    Reply raw = client.post(databases + "/q/raw", "{\"sql\":\"SELECT 2\"}");
    JsonNode results = raw.result().get(0).get("results");
    assertThat(results.get("columns").get(0).asText()).isEqualTo("sql");
    assertThat(results.get("rows").get(0).get(0).asText()).isEqualTo("SELECT 2");
    assertThat(fakes.queries.ran())
        .extracting(r -> r.sql())
        .containsExactly("SELECT 1", "SELECT 2");
  }

  @Test
  void timeTravelRoutesAnswerTheServicesBookmarks() {
    database("tt");
    Reply bookmark = client.get(databases + "/tt/time_travel/bookmark");
    assertThat(bookmark.result().get("bookmark").asText())
        .isEqualTo(FakeTimeTravel.at(0).toString());
    Reply restored =
        client.post(databases + "/tt/time_travel/restore?bookmark=" + FakeTimeTravel.at(0), null);
    assertThat(restored.result().get("bookmark").asText())
        .isEqualTo(FakeTimeTravel.at(1).toString());
    assertThat(restored.result().get("previous_bookmark").asText())
        .isEqualTo(FakeTimeTravel.at(0).toString());
    Reply commits = client.get(databases + "/tt/time_travel/commits?limit=1");
    assertThat(commits.result().get(0).get("bookmark").asText())
        .isEqualTo(FakeTimeTravel.at(1).toString());
    assertThat(commits.json().get("result_info").get("cursor").asText())
        .isEqualTo(FakeTimeTravel.at(1).toString());
  }

  @Test
  void transferRoutesHandOutSignedUrlsAndServeTheirFiles() throws Exception {
    database("x");
    Reply export = client.post(databases + "/x/export", "{\"output_format\":\"polling\"}");
    assertThat(export.result().get("status").asText()).isEqualTo("complete");
    URI signed = URI.create(export.result().get("result").get("signed_url").asText());
    Reply file = client(Map.of()).send(HttpRequest.newBuilder(signed).GET().build());
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(FakeTransfers.DUMP);

    Reply init =
        client.post(
            databases + "/x/import", "{\"action\":\"init\",\"etag\":\"" + "0".repeat(32) + "\"}");
    assertThat(init.result().get("upload_url").asText()).contains("/client/v4/_transfer/uploads/");
    Reply poll =
        client.post(databases + "/x/import", "{\"action\":\"poll\",\"current_bookmark\":\"b\"}");
    assertThat(poll.result().get("error").asText()).isEqualTo("Not currently importing anything.");
  }

  @Test
  void statusRoutesNeedAnOperatorTokenAndShowTheServicesFigures() {
    String operator = fakes.tokens.createOperator("op").secret();
    assertThat(client.get("/status").status())
        .as("an account's token is no operator's")
        .isEqualTo(401);
    D1Client ops = client(Map.of("Authorization", "Bearer " + operator));
    JsonNode status = ops.get("/status").result();
    assertThat(status.get("disk").get("free_bytes").asLong()).isEqualTo(1 << 30);
    assertThat(status.get("databases").get("open").asInt()).isZero();
    JsonNode check = ops.get("/status/databases/" + database("s").id()).result();
    assertThat(check.get("problems")).isEmpty();
    assertThat(check.get("notes").get(0).asText()).isEqualTo("a fake database");
  }
}
