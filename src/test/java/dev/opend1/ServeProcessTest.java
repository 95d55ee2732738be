package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.catalog.CachingCatalog;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.ServerProcess.Output;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server and tools as separate processes: first start, locking, crashes, the CLI. */
class ServeProcessTest {

  private static final Pattern EXPORT =
      Pattern.compile(
          "export CLOUDFLARE_API_BASE_URL=(\\S+) CLOUDFLARE_API_TOKEN=(\\S+)"
              + " CLOUDFLARE_ACCOUNT_ID=([0-9a-f]{32})");

  @TempDir Path dir;

  private static int status(ServerProcess server, String account, String token) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/client/v4/accounts/" + account + "/d1/database"))
            .header("Authorization", "Bearer " + token)
            .build();
    return HttpClient.newHttpClient()
        .send(req, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /**
   * The first start that serves prints the generated credentials once, and they work. A start
   * before it that failed after the data directory was opened (here on a TLS key that is not a key)
   * must not have used them up.
   */
  @Test
  void theFirstStartPrintsCredentialsOnceAndThatTokenWorks() throws Exception {
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-nodes",
                "-days",
                "2",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-keyout",
                "key.pem",
                "-out",
                "cert.pem",
                "-subj",
                "/CN=localhost")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    assertThat(openssl.waitFor()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
    Path badKey = Files.writeString(dir.resolve("bad-key.pem"), "not a key\n");
    Path data = dir.resolve("data");
    Output failed =
        Commands.run(
            "serve",
            "--port",
            "0",
            "--data-dir",
            data.toString(),
            "--tls-cert",
            dir.resolve("cert.pem").toString(),
            "--tls-key",
            badKey.toString());
    assertThat(failed.exitCode()).as(failed.stderr()).isEqualTo(2);
    assertThat(failed.stderr()).contains(badKey.toString());
    assertThat(failed.stdout()).doesNotContain("CLOUDFLARE_API_TOKEN");

    String account;
    String token;
    try (ServerProcess first = ServerProcess.start(data, List.of(), List.of(), Map.of())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!EXPORT.matcher(first.stdout()).find() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Matcher m = EXPORT.matcher(first.stdout());
      assertThat(m.find()).as("printed by the first start that serves: " + first.stdout()).isTrue();
      assertThat(m.group(1)).isEqualTo(first.baseUrl() + "/client/v4");
      token = m.group(2);
      account = m.group(3);
      assertThat(m.find()).as("printed once").isFalse();
      assertThat(first.stderr()).doesNotContain(token);
      assertThat(status(first, account, token)).isEqualTo(200);
    }
    try (ServerProcess second = ServerProcess.start(data, List.of(), List.of(), Map.of())) {
      assertThat(status(second, account, token)).isEqualTo(200);
      assertThat(second.stdout()).doesNotContain("CLOUDFLARE_API_TOKEN");
    }
  }

  @Test
  void aSecondServerOnTheDirectoryIsRefusedAndACrashReleasesIt() throws Exception {
    Map<String, String> env =
        Map.of("OPEND1_ACCOUNT_ID", "a".repeat(32), "OPEND1_API_TOKEN", "given-secret-1");
    ServerProcess first = ServerProcess.start(dir, List.of(), List.of(), env);
    Output refused = Commands.run("serve", "--port", "0", "--data-dir", dir.toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("is in use by another opend1 server");
    first.kill();
    try (ServerProcess after = ServerProcess.start(dir, List.of(), List.of(), env)) {
      assertThat(status(after, "a".repeat(32), "given-secret-1")).isEqualTo(200);
      assertThat(after.stdout() + after.stderr()).doesNotContain("given-secret-1");
    }
  }

  @Test
  void theToolsWorkBesideARunningServer() throws Exception {
    Map<String, String> none = Map.of();
    String data = dir.toString();
    Output account = Commands.run("account", "create", "--data-dir", data);
    assertThat(account.exitCode()).isZero();
    String accountId = account.lastLine();
    assertThat(accountId).matches("[0-9a-f]{32}");
    try (ServerProcess server = ServerProcess.start(dir, List.of(), List.of(), none)) {
      Output created =
          Commands.run(
              "token", "create", "--account", accountId, "--read-only", "--data-dir", data);
      assertThat(created.exitCode()).isZero();
      String token = created.lastLine();
      String tokenId = created.stdout().lines().findFirst().orElseThrow().replace("token id: ", "");
      assertThat(status(server, accountId, token)).isEqualTo(200);

      Output list = Commands.run("token", "list", "--data-dir", data);
      assertThat(list.stdout()).contains(tokenId).contains("read").doesNotContain(token);

      Output revoked = Commands.run("token", "revoke", tokenId, "--data-dir", data);
      assertThat(revoked.exitCode()).isZero();
      // A running server caches a token for at most CachingCatalog.TOKEN_TTL.
      Thread.sleep(CachingCatalog.TOKEN_TTL.toMillis() + 50);
      assertThat(status(server, accountId, token)).isEqualTo(401);
      assertThat(Commands.run("token", "revoke", tokenId, "--data-dir", data).exitCode())
          .isEqualTo(1);
    }
  }
}
