package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.catalog.CachingCatalog;
import dev.opend1.catalog.IssuedToken;
import dev.opend1.catalog.SqliteCatalog;
import dev.opend1.core.Permission;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.Golden;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials, accounts and permissions, in the order the edge checks them. */
class AuthApiTest {

  @TempDir Path dir;
  TestServer server;
  String uuid;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    uuid = server.client().post(databases(), "{\"name\":\"mine\"}").result().get("uuid").asText();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void missingOrUnknownCredentialsAre401() {
    Golden.assertMatches(server.client(Map.of()).get(databases()), "unauthenticated.json");
    for (Map<String, String> headers :
        List.of(
            Map.of("Authorization", "Bearer nope"),
            Map.of("Authorization", "Bearer "),
            Map.of("Authorization", "Basic " + TestServer.TOKEN),
            Map.of("Authorization", TestServer.TOKEN),
            Map.of("X-Auth-Email", "a@b.c", "X-Auth-Key", TestServer.TOKEN))) {
      Reply r = server.client(headers).get(databases());
      assertThat(r.status()).as(headers.toString()).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo(10000);
    }
  }

  @Test
  void aTokenOfAnotherAccountLearnsNothing() {
    D1Client other = server.otherAccountClient();
    Reply existing = other.get(databases() + "/" + uuid);
    Golden.assertMatches(existing, "other-account.json");
    for (String path :
        List.of(
            databases(),
            databases() + "/mine",
            databases() + "/5d6b0a2e-2f3c-4d5e-8f9a-0b1c2d3e4f50",
            databases() + "/nonexistent")) {
      Reply r = other.get(path);
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.body()).isEqualTo(existing.body());
    }
    assertThat(other.delete(databases() + "/" + uuid).body()).isEqualTo(existing.body());
    assertThat(other.delete(databases() + "/nonexistent").body()).isEqualTo(existing.body());
    assertThat(server.client().get(databases() + "/" + uuid).status()).isEqualTo(200);
  }

  @Test
  void aReadOnlyTokenReadsButDoesNotEdit() {
    D1Client reader = server.readOnlyClient();
    assertThat(reader.get(databases()).status()).isEqualTo(200);
    assertThat(reader.get(databases() + "/mine").status()).isEqualTo(200);
    Golden.assertMatches(reader.post(databases(), "{\"name\":\"new\"}"), "read-only.json");
    for (Reply r :
        List.of(
            reader.put(databases() + "/mine", "{\"read_replication\":{\"mode\":\"auto\"}}"),
            reader.patch(databases() + "/mine", "{}"),
            reader.delete(databases() + "/mine"))) {
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.errorCode()).isEqualTo(10000);
      assertThat(r.errorMessage()).contains("read-only");
    }
    assertThat(server.client().get(databases() + "/mine").status()).isEqualTo(200);
  }

  @Test
  void aLegacyKeyAuthenticatesWithItsEmail() {
    IssuedToken key =
        server
            .catalog()
            .tokens()
            .create(TestServer.ACCOUNT, "key", Permission.EDIT, Optional.of("Dev@Example.com"));
    Reply ok =
        server
            .client(Map.of("X-Auth-Email", "dev@example.com", "X-Auth-Key", key.secret()))
            .get(databases());
    assertThat(ok.status()).isEqualTo(200);
    assertThat(
            server
                .client(Map.of("X-Auth-Email", "other@example.com", "X-Auth-Key", key.secret()))
                .get(databases())
                .status())
        .isEqualTo(401);
    assertThat(
            server
                .client(Map.of("Authorization", "Bearer " + key.secret()))
                .get(databases())
                .status())
        .isEqualTo(401);
  }

  @Test
  void tokensMadeBesideTheServerWorkAtOnceAndRevokedOnesStopWithinASecond() throws Exception {
    try (SqliteCatalog cli = SqliteCatalog.open(server.dataDir().resolve("catalog.sqlite"))) {
      IssuedToken t =
          cli.tokens().create(TestServer.ACCOUNT, "cli", Permission.EDIT, Optional.empty());
      D1Client c = server.client(Map.of("Authorization", "Bearer " + t.secret()));
      assertThat(c.get(databases()).status()).isEqualTo(200);
      assertThat(cli.tokens().revoke(t.token().id())).isTrue();
      // The server caches a token for at most CachingCatalog.TOKEN_TTL.
      Thread.sleep(CachingCatalog.TOKEN_TTL.toMillis() + 50);
      assertThat(c.get(databases()).status()).isEqualTo(401);
    }
  }

  @Test
  void accountAndUserEndpointsAnswerForTheTokensAccount() {
    D1Client c = server.client();
    Golden.assertMatches(c.get("/client/v4/accounts?page=1"), "accounts.json");
    Golden.assertMatches(c.get("/client/v4/memberships?page=1"), "memberships.json");
    Reply verify = c.get("/client/v4/user/tokens/verify");
    assertThat(verify.result().get("status").asText()).isEqualTo("active");
    assertThat(verify.result().get("id").asText()).matches("[0-9a-f]{32}");
    Reply user = c.get("/client/v4/user");
    assertThat(user.result().get("email").asText()).isNotEmpty();
    assertThat(server.client(Map.of()).get("/client/v4/accounts").status()).isEqualTo(401);
  }
}
