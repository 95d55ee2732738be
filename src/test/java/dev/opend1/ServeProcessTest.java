package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.catalog.CachingCatalog;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.ServerProcess.Output;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

  @Test
  void theFirstStartPrintsCredentialsOnceAndThatTokenWorks() throws Exception {
    String account;
    String token;
    try (ServerProcess first = ServerProcess.start(dir, List.of(), List.of(), Map.of())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!EXPORT.matcher(first.stdout()).find() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Matcher m = EXPORT.matcher(first.stdout());
      assertThat(m.find()).as(first.stdout()).isTrue();
      assertThat(m.group(1)).isEqualTo(first.baseUrl() + "/client/v4");
      token = m.group(2);
      account = m.group(3);
      assertThat(m.find()).as("printed once").isFalse();
      assertThat(first.stderr()).doesNotContain(token);
      assertThat(status(first, account, token)).isEqualTo(200);
    }
    try (ServerProcess second = ServerProcess.start(dir, List.of(), List.of(), Map.of())) {
      assertThat(status(second, account, token)).isEqualTo(200);
      assertThat(second.stdout()).doesNotContain("CLOUDFLARE_API_TOKEN");
    }
  }

  @Test
  void aSecondServerOnTheDirectoryIsRefusedAndACrashReleasesIt() throws Exception {
    Map<String, String> env =
        Map.of("OPEND1_ACCOUNT_ID", "a".repeat(32), "OPEND1_API_TOKEN", "given-secret-1");
    ServerProcess first = ServerProcess.start(dir, List.of(), List.of(), env);
    Output refused = ServerProcess.run(env, "serve", "--port", "0", "--data-dir", dir.toString());
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
    Output account = ServerProcess.run(none, "account", "create", "--data-dir", data);
    assertThat(account.exitCode()).isZero();
    String accountId = account.lastLine();
    assertThat(accountId).matches("[0-9a-f]{32}");
    try (ServerProcess server = ServerProcess.start(dir, List.of(), List.of(), none)) {
      Output created =
          ServerProcess.run(
              none, "token", "create", "--account", accountId, "--read-only", "--data-dir", data);
      assertThat(created.exitCode()).isZero();
      String token = created.lastLine();
      String tokenId = created.stdout().lines().findFirst().orElseThrow().replace("token id: ", "");
      assertThat(status(server, accountId, token)).isEqualTo(200);

      Output list = ServerProcess.run(none, "token", "list", "--data-dir", data);
      assertThat(list.stdout()).contains(tokenId).contains("read").doesNotContain(token);

      Output revoked = ServerProcess.run(none, "token", "revoke", tokenId, "--data-dir", data);
      assertThat(revoked.exitCode()).isZero();
      // A running server caches a token for at most CachingCatalog.TOKEN_TTL.
      Thread.sleep(CachingCatalog.TOKEN_TTL.toMillis() + 50);
      assertThat(status(server, accountId, token)).isEqualTo(401);
      assertThat(ServerProcess.run(none, "token", "revoke", tokenId, "--data-dir", data).exitCode())
          .isEqualTo(1);
    }
  }
}
