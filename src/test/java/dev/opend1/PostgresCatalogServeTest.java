package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.history.BucketNames;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.ServerProcess.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opend1 serve --catalog postgresql://...} against a real PostgreSQL: what is made through
 * the API or the CLI is kept there across restarts, and two servers on the same PostgreSQL see each
 * other's accounts and tokens.
 */
class PostgresCatalogServeTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final String BOOT_TOKEN = "configured-token-for-every-node";

  @TempDir Path dir;

  private Map<String, String> env() {
    return Map.of(
        "PGPASSWORD", Postgres.PASSWORD,
        "OPEND1_ACCOUNT_ID", ACCOUNT,
        "OPEND1_API_TOKEN", BOOT_TOKEN);
  }

  private ServerProcess serve(String data) throws Exception {
    return ServerProcess.start(
        dir.resolve(data), List.of(), List.of("--catalog", PG.catalogUrl()), env());
  }

  private static D1Client client(ServerProcess server, String token) {
    return new D1Client(server.baseUrl(), Map.of("Authorization", "Bearer " + token));
  }

  private static String dbs() {
    return "/client/v4/accounts/" + ACCOUNT + "/d1/database";
  }

  private static D1Client.Reply query(D1Client c, String db, String sql) {
    return c.post(
        dbs() + "/" + db + "/query", D1Client.JSON.createObjectNode().put("sql", sql).toString());
  }

  private Output cli(String... args) throws Exception {
    return ServerProcess.run(Map.of("PGPASSWORD", Postgres.PASSWORD), args);
  }

  @Test
  void databasesAndTokensOutliveARestartAndEveryNodeSeesTheTokens() throws Exception {
    String uuid;
    String secret;
    String tokenId;
    try (ServerProcess a = serve("a")) {
      D1Client boot = client(a, BOOT_TOKEN);
      D1Client.Reply made = boot.post(dbs(), "{\"name\":\"kept\"}");
      assertThat(made.status()).as(made.body()).isEqualTo(200);
      uuid = made.result().path("uuid").asText();
      assertThat(query(boot, uuid, "CREATE TABLE t(x); INSERT INTO t VALUES (42)").status())
          .isEqualTo(200);
      // A token made by the CLI, straight in PostgreSQL, works on the running server.
      Output created =
          cli(
              "token",
              "create",
              "--catalog",
              PG.catalogUrl(),
              "--account",
              ACCOUNT,
              "--name",
              "cli");
      assertThat(created.exitCode()).as(created.stderr()).isZero();
      secret = created.lastLine();
      tokenId = created.stdout().lines().findFirst().orElseThrow().replace("token id: ", "");
      assertThat(client(a, secret).get(dbs()).status()).isEqualTo(200);
      assertThat(a.stdout() + a.stderr()).doesNotContain(Postgres.PASSWORD);
      a.signalTerm();
      assertThat(a.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    // Nothing of the catalog is in the data directory, nor of the analytics: the stop flushed the
    // query's minute into PostgreSQL.
    assertThat(dir.resolve("a").resolve("catalog.sqlite")).doesNotExist();
    assertThat(dir.resolve("a").resolve("analytics.sqlite")).doesNotExist();
    try (Connection c =
            DriverManager.getConnection(PG.jdbcUrl(), Postgres.USER, Postgres.PASSWORD);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT sum(write_queries) FROM analytics_database_minutes"
                    + " WHERE account = ? AND database = ?")) {
      ps.setString(1, ACCOUNT);
      ps.setString(2, uuid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(2);
      }
    }

    try (ServerProcess a = serve("a");
        ServerProcess b = serve("b")) {
      D1Client onA = client(a, secret);
      D1Client.Reply got = onA.get(dbs() + "/kept");
      assertThat(got.status()).as(got.body()).isEqualTo(200);
      assertThat(got.result().path("uuid").asText()).isEqualTo(uuid);
      D1Client.Reply rows = query(onA, uuid, "SELECT x FROM t");
      assertThat(rows.result().get(0).path("results").get(0).path("x").asInt()).isEqualTo(42);

      // The second node: the same account, the same tokens, the same names.
      D1Client onB = client(b, secret);
      D1Client.Reply listed = onB.get(dbs());
      assertThat(listed.status()).as(listed.body()).isEqualTo(200);
      assertThat(listed.result()).extracting(n -> n.path("name").asText()).containsExactly("kept");
      D1Client.Reply taken = onB.post(dbs(), "{\"name\":\"kept\"}");
      assertThat(taken.status()).isEqualTo(400);
      assertThat(taken.errorCode()).isEqualTo(7502);
      Output ops = cli("token", "create", "--catalog", PG.catalogUrl(), "--operator");
      assertThat(ops.exitCode()).as(ops.stderr()).isZero();
      D1Client.Reply status =
          new D1Client(b.baseUrl(), Map.of("Authorization", "Bearer " + ops.lastLine()))
              .get("/status");
      assertThat(status.status()).as(status.body()).isEqualTo(200);

      // Revoked through the CLI: both nodes refuse it once their second of caching is over.
      Output revoked = cli("token", "revoke", "--catalog", PG.catalogUrl(), tokenId);
      assertThat(revoked.exitCode()).as(revoked.stderr()).isZero();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while ((onA.get(dbs()).status() != 401 || onB.get(dbs()).status() != 401)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(onA.get(dbs()).status()).isEqualTo(401);
      assertThat(onB.get(dbs()).status()).isEqualTo(401);
      Output list = cli("token", "list", "--catalog", PG.catalogUrl());
      assertThat(list.stdout()).contains("operator").doesNotContain(tokenId);
    }
  }

  /**
   * With {@code --object-store} too: every write's history is in the bucket when it is answered
   * (sync), no catalog copy is (PostgreSQL keeps the catalog), and {@code recover --from} lays the
   * databases down in a new data directory that serves them with the same catalog.
   */
  @Test
  void withAnObjectStoreTheHistoryGoesToTheBucketAndTheCatalogStaysInPostgres() throws Exception {
    try (S3Proxy s3 = S3Proxy.start(dir.resolve("s3"))) {
      Map<String, String> env = new HashMap<>(env());
      env.putAll(s3.env());
      List<String> flags =
          List.of(
              "--catalog",
              PG.catalogUrl(),
              "--object-store",
              "s3://" + S3Proxy.BUCKET + "/both",
              "--object-store-endpoint",
              s3.endpoint(),
              "--object-store-durability",
              "sync");
      String uuid;
      try (ServerProcess a = ServerProcess.start(dir.resolve("a"), List.of(), flags, env)) {
        D1Client boot = client(a, BOOT_TOKEN);
        D1Client.Reply made = boot.post(dbs(), "{\"name\":\"shipped\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(200);
        uuid = made.result().path("uuid").asText();
        D1Client.Reply wrote = query(boot, uuid, "CREATE TABLE t(x); INSERT INTO t VALUES (7)");
        assertThat(wrote.status()).as(wrote.body()).isEqualTo(200);
        // Answered, so in the bucket: the database's log objects, and no catalog copy at all.
        Path prefix = s3.bucketDir().resolve("both");
        assertThat(prefix.resolve("db").resolve(uuid).resolve("log")).isNotEmptyDirectory();
        assertThat(prefix.resolve("catalog")).doesNotExist();
        // Instead, the mark that says so, and doctor finds no problem in that.
        assertThat(prefix.resolve(BucketNames.CATALOG_ELSEWHERE)).isRegularFile();
        a.signalTerm();
        assertThat(a.awaitExit(Duration.ofSeconds(30))).isZero();
      }
      Output doctor =
          ServerProcess.run(
              s3.env(),
              "doctor",
              "--object-store",
              "s3://" + S3Proxy.BUCKET + "/both",
              "--object-store-endpoint",
              s3.endpoint());
      assertThat(doctor.exitCode()).as(doctor.stdout() + doctor.stderr()).isZero();
      assertThat(doctor.stdout()).contains("note: no catalog copy, by design");
      Map<String, String> cliEnv = new HashMap<>(s3.env());
      cliEnv.put("PGPASSWORD", Postgres.PASSWORD);
      Output recovered =
          ServerProcess.run(
              cliEnv,
              "recover",
              "--from",
              "s3://" + S3Proxy.BUCKET + "/both",
              "--object-store-endpoint",
              s3.endpoint(),
              "--data-dir",
              dir.resolve("rebuilt").toString());
      assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
      assertThat(recovered.stdout()).contains("catalog is in PostgreSQL");
      try (ServerProcess b = ServerProcess.start(dir.resolve("rebuilt"), List.of(), flags, env)) {
        D1Client.Reply rows = query(client(b, BOOT_TOKEN), uuid, "SELECT x FROM t");
        assertThat(rows.status()).as(rows.body()).isEqualTo(200);
        assertThat(rows.result().get(0).path("results").get(0).path("x").asInt()).isEqualTo(7);
      }
    }
  }

  @Test
  void aWrongPasswordStopsTheStartWithOneLine() throws Exception {
    Output out =
        ServerProcess.run(
            Map.of("PGPASSWORD", "not-the-password"),
            "serve",
            "--port",
            "0",
            "--data-dir",
            dir.resolve("w").toString(),
            "--catalog",
            PG.catalogUrl());
    assertThat(out.exitCode()).isEqualTo(2);
    assertThat(out.stderr())
        .contains("password authentication failed")
        .doesNotContain("not-the-password");
  }

  @Test
  void thePasswordComesFromAFileAndNeverFromTheUrl() throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, Postgres.PASSWORD + "\n");
    Output listed =
        ServerProcess.run(
            Map.of(),
            "token",
            "list",
            "--catalog",
            PG.catalogUrl(),
            "--catalog-password-file",
            file.toString());
    assertThat(listed.exitCode()).as(listed.stderr()).isZero();
    String withPassword = PG.catalogUrl().replace(Postgres.USER + "@", Postgres.USER + ":sekrit@");
    Output refused = ServerProcess.run(Map.of(), "token", "list", "--catalog", withPassword);
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr()).contains("must not hold a password").doesNotContain("sekrit");
    Output doctor = cli("doctor", "--catalog", PG.catalogUrl(), "--data-dir", dir.toString());
    assertThat(doctor.exitCode()).isEqualTo(2);
    assertThat(doctor.stderr()).contains("doctor --url URL --database ID");
  }
}
