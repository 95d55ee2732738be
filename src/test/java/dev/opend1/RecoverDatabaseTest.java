package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess.Output;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opend1 recover --database} against a running server shipping to a real S3 API server
 * (s3proxy): one database recovered as a new one, as of a time between two writes, the original
 * untouched; a deleted database brought back; and the refusals.
 */
class RecoverDatabaseTest {

  static final String DBS = TestServer.databases();

  @TempDir static Path s3dir;
  static S3Proxy s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(s3dir.resolve("s3"));
    s3.useInThisJvm();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  static D1Client.Reply query(D1Client c, String db, String sql) {
    D1Client.Reply r = c.post(DBS + "/" + db + "/query", "{\"sql\":\"" + sql + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  static List<Integer> rows(D1Client c, String db) {
    List<Integer> xs = new ArrayList<>();
    for (JsonNode row : query(c, db, "SELECT x FROM t ORDER BY x").json().at("/result/0/results")) {
      xs.add(row.get("x").asInt());
    }
    return xs;
  }

  static String uuidOf(D1Client c, String name) {
    D1Client.Reply r = c.get(DBS + "/" + name);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().path("uuid").asText();
  }

  @Test
  void oneDatabaseRecoveredAsOfATimeIsANewWritableDatabaseAndTheOriginalIsUntouched(
      @TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"), s3.settings("one", "sync"))) {
      D1Client c = server.client();
      D1Client.Reply created = c.post(DBS, "{\"name\":\"orders\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      String db = created.result().path("uuid").asText();
      query(c, db, "CREATE TABLE t (x)");
      query(c, db, "INSERT INTO t VALUES (1)");
      query(c, db, "INSERT INTO t VALUES (2)");
      Thread.sleep(20);
      Instant between = Instant.now();
      Thread.sleep(20);
      query(c, db, "INSERT INTO t VALUES (3)");
      query(c, db, "INSERT INTO t VALUES (4)");

      Path tokenFile =
          Files.writeString(
              dir.resolve("operator-token"),
              server.catalog().tokens().createOperator("ops").secret());
      Output recovered =
          Commands.run(
              "recover",
              "--database",
              db,
              "--at",
              between.toString(),
              "--url",
              server.baseUrl(),
              "--token-file",
              tokenFile.toString());
      assertThat(recovered.exitCode()).as(recovered.stderr()).isZero();
      assertThat(recovered.lastLine())
          .contains("recovered as orders-recovered-")
          .containsPattern("MB in [0-9.]+ s, [0-9.]+ MB/s");

      // Listed, with exactly the rows of that moment, writable; the original has all four.
      D1Client.Reply list = c.get(DBS);
      List<String> names = new ArrayList<>();
      list.result().forEach(d -> names.add(d.path("name").asText()));
      String copy = names.stream().filter(n -> n.startsWith("orders-recovered-")).findFirst().get();
      assertThat(copy).matches("orders-recovered-\\d{8}-\\d{6}");
      String copyId = uuidOf(c, copy);
      assertThat(copyId).isNotEqualTo(db);
      assertThat(rows(c, copyId)).containsExactly(1, 2);
      query(c, copyId, "INSERT INTO t VALUES (5)");
      assertThat(rows(c, copyId)).containsExactly(1, 2, 5);
      assertThat(rows(c, db)).containsExactly(1, 2, 3, 4);

      // The name taken: the usual duplicate-name error, and nothing left of the attempt.
      Output taken =
          Commands.run(
              "recover",
              "--database",
              db,
              "--name",
              "orders",
              "--url",
              server.baseUrl(),
              "--token-file",
              tokenFile.toString());
      assertThat(taken.exitCode()).isNotZero();
      assertThat(taken.stderr()).contains("database with name already exists");
      assertThat(scratch(server.dataDir())).isEmpty();
      assertThat(c.get(DBS).result()).hasSize(2);

      // Deleted, then recovered (undeleted) with its newest state, under a name of our choice.
      assertThat(c.delete(DBS + "/" + db).status()).isEqualTo(200);
      D1Client operator =
          server.client(Map.of("Authorization", "Bearer " + Files.readString(tokenFile)));
      D1Client.Reply undeleted =
          operator.post("/recover", "{\"database_id\":\"" + db + "\",\"name\":\"orders\"}");
      assertThat(undeleted.status()).as(undeleted.body()).isEqualTo(200);
      assertThat(undeleted.result().path("name").asText()).isEqualTo("orders");
      assertThat(undeleted.result().at("/recovered_from/database_id").asText()).isEqualTo(db);
      assertThat(rows(c, "orders")).containsExactly(1, 2, 3, 4);

      // Refusals: an id the bucket does not hold, a time before the first commit, no token.
      D1Client.Reply unknown =
          operator.post("/recover", "{\"database_id\":\"" + UUID.randomUUID() + "\"}");
      assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
      assertThat(unknown.errorCode()).isEqualTo(7404);
      Output unknownCli =
          Commands.run(
              "recover",
              "--database",
              UUID.randomUUID().toString(),
              "--url",
              server.baseUrl(),
              "--token-file",
              tokenFile.toString());
      assertThat(unknownCli.exitCode()).isNotZero();
      assertThat(unknownCli.stderr()).contains("holds no database");
      D1Client.Reply tooEarly =
          operator.post(
              "/recover", "{\"database_id\":\"" + db + "\",\"at\":\"2020-01-01T00:00:00Z\"}");
      assertThat(tooEarly.status()).as(tooEarly.body()).isEqualTo(400);
      assertThat(tooEarly.errorMessage()).contains("had no commit by");
      D1Client.Reply badTime =
          operator.post("/recover", "{\"database_id\":\"" + db + "\",\"at\":\"yesterday\"}");
      assertThat(badTime.status()).isEqualTo(400);
      assertThat(badTime.errorMessage()).contains("ISO-8601");
      assertThat(c.post("/recover", "{\"database_id\":\"" + db + "\"}").status())
          .as("an account's token is no operator token")
          .isEqualTo(401);
      assertThat(scratch(server.dataDir())).isEmpty();
      assertThat(c.get(DBS).result()).hasSize(2);
    }
  }

  @Test
  void aSettingChangedAfterTheCreateReachesTheBucketAndIsRecoveredAsOfItsTime(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"), s3.settings("meta", "sync"))) {
      D1Client c = server.client();
      D1Client.Reply created = c.post(DBS, "{\"name\":\"settings\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      String db = created.result().path("uuid").asText();
      query(c, db, "CREATE TABLE t (x)");
      query(c, db, "INSERT INTO t VALUES (1)");
      Path metas = s3.bucketDir().resolve("meta/db/" + db + "/meta");
      awaitFiles(metas, 1);
      String initial = c.get(DBS + "/" + db).result().at("/read_replication/mode").asText();
      assertThat(initial).isNotEmpty().isNotEqualTo("auto");
      Thread.sleep(20);
      Instant beforePatch = Instant.now();
      Thread.sleep(20);
      D1Client.Reply patched =
          c.patch(DBS + "/" + db, "{\"read_replication\":{\"mode\":\"auto\"}}");
      assertThat(patched.status()).as(patched.body()).isEqualTo(200);
      // No write follows: the change reaches the bucket on its own, as a new metadata object.
      awaitFiles(metas, 2);

      D1Client operator =
          server.client(
              Map.of(
                  "Authorization",
                  "Bearer " + server.catalog().tokens().createOperator("ops").secret()));
      D1Client.Reply newest =
          operator.post("/recover", "{\"database_id\":\"" + db + "\",\"name\":\"now\"}");
      assertThat(newest.status()).as(newest.body()).isEqualTo(200);
      assertThat(c.get(DBS + "/now").result().at("/read_replication/mode").asText())
          .isEqualTo("auto");
      D1Client.Reply before =
          operator.post(
              "/recover",
              "{\"database_id\":\"" + db + "\",\"name\":\"then\",\"at\":\"" + beforePatch + "\"}");
      assertThat(before.status()).as(before.body()).isEqualTo(200);
      assertThat(c.get(DBS + "/then").result().at("/read_replication/mode").asText())
          .isEqualTo(initial);
    }
  }

  /** Waits until {@code dir} holds {@code n} files (the shipper runs about once a second). */
  static void awaitFiles(Path dir, int n) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      long found = 0;
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          found = s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
      }
      if (found >= n) {
        assertThat(found).isEqualTo(n);
        return;
      }
      assertThat(System.nanoTime()).as("%d objects in %s", n, dir).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void aServerWithoutAnObjectStoreRefusesWithAClearMessage(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      String token = server.catalog().tokens().createOperator("ops").secret();
      D1Client operator = server.client(Map.of("Authorization", "Bearer " + token));
      D1Client.Reply r =
          operator.post("/recover", "{\"database_id\":\"" + UUID.randomUUID() + "\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo(7400);
      assertThat(r.errorMessage()).contains("no object store");
    }
  }

  @Test
  void theCommandRefusesMixedOrMissingModesInOneLine() {
    Output mixed =
        Commands.run("recover", "--database", UUID.randomUUID().toString(), "--from", "s3://b/p");
    assertThat(mixed.exitCode()).isEqualTo(2);
    assertThat(mixed.stderr().strip()).doesNotContain("\n").contains("--database recovers into");
    Output neither = Commands.run("recover");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.stderr()).contains("give --from s3://BUCKET/PREFIX");
    Output nameAlone = Commands.run("recover", "--from", "s3://b/p", "--name", "x");
    assertThat(nameAlone.exitCode()).isEqualTo(2);
    assertThat(nameAlone.stderr()).contains("--name goes with --database");
  }

  /** Scratch directories of recoveries left in the data directory's {@code tmp/}. */
  static List<Path> scratch(Path dataDir) throws Exception {
    Path tmp = dataDir.resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("recover-")).toList();
    }
  }
}
