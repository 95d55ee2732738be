package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.LossyRelay;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code recover --database} as a job ({@code POST /recover/jobs}, polled): the store is held still
 * mid-recovery by a relay, for as long as the test likes, and meanwhile every poll is answered with
 * the progress so far (bytes, records); released, the job completes. So a recovery may last longer
 * than any connection may stay idle: no request waits for it. The command prints the progress while
 * it polls.
 */
class RecoveryJobTest {

  static final String DBS = TestServer.databases();

  @TempDir static Path s3dir;
  static S3Proxy s3;
  static LossyRelay relay;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(s3dir.resolve("s3"));
    s3.useInThisJvm();
    relay = LossyRelay.start(s3.port());
  }

  @AfterAll
  static void stopS3() throws Exception {
    relay.release();
    relay.close();
    s3.close();
  }

  /** A server shipping through the relay, with one database of 20 small log objects. */
  static String populated(TestServer server) {
    D1Client c = server.client();
    D1Client.Reply created = c.post(DBS, "{\"name\":\"big\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String db = created.result().path("uuid").asText();
    RecoverDatabaseTest.query(c, db, "CREATE TABLE t (x)");
    for (int i = 0; i < 20; i++) {
      RecoverDatabaseTest.query(c, db, "INSERT INTO t VALUES (" + i + ")");
    }
    return db;
  }

  static Map<String, String> settings(String prefix) {
    Map<String, String> settings = new HashMap<>(s3.settings(prefix, "sync"));
    settings.put("object-store-endpoint", relay.endpoint());
    return settings;
  }

  /** Polls until {@code until} holds for the job's answer (a guard of a minute, not a timing). */
  static JsonNode pollUntil(D1Client operator, String job, Predicate<D1Client.Reply> until)
      throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      D1Client.Reply r = operator.get("/recover/jobs/" + job);
      if (until.test(r)) {
        return r.json();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + job + " never got there");
  }

  @Test
  void aJobAnswersItsProgressWhileTheStoreIsHeldAndCompletesOnceReleased(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"), settings("job"))) {
      String db = populated(server);
      D1Client operator =
          server.client(
              Map.of(
                  "Authorization",
                  "Bearer " + server.catalog().tokens().createOperator("ops").secret()));
      // Log objects 0x10 on wait; the 16 before them (read in order) come through.
      relay.holdGets("/db/" + db + "/log/000000000000001", 0);
      D1Client.Reply started =
          operator.post("/recover/jobs", "{\"database_id\":\"" + db + "\",\"name\":\"copy\"}");
      assertThat(started.status()).as(started.body()).isEqualTo(200);
      assertThat(started.result().path("status").asText()).isEqualTo("running");
      String job = started.result().path("job_id").asText();

      // Sixteen log objects came through: the job says so, and stays running while the rest wait.
      JsonNode progress = pollUntil(operator, job, r -> r.result().path("records").asLong() >= 16);
      assertThat(progress.at("/result/status").asText()).isEqualTo("running");
      assertThat(progress.at("/result/bytes").asLong()).isPositive();
      long records = progress.at("/result/records").asLong();
      for (int i = 0; i < 3; i++) {
        Thread.sleep(300);
        D1Client.Reply still = operator.get("/recover/jobs/" + job);
        assertThat(still.status()).as(still.body()).isEqualTo(200);
        assertThat(still.result().path("status").asText()).isEqualTo("running");
        assertThat(still.result().path("records").asLong()).isEqualTo(records);
      }
      assertThat(server.client().get(DBS + "/copy").status()).isEqualTo(404);

      relay.release();
      JsonNode done =
          pollUntil(operator, job, r -> !r.result().path("status").asText().equals("running"));
      assertThat(done.at("/result/status").asText()).isEqualTo("complete");
      assertThat(done.at("/result/name").asText()).isEqualTo("copy");
      assertThat(done.at("/result/recovered_from/records").asLong()).isGreaterThanOrEqualTo(22);
      assertThat(
              RecoverDatabaseTest.query(server.client(), "copy", "SELECT count(*) AS n FROM t")
                  .json()
                  .at("/result/0/results/0/n")
                  .asInt())
          .isEqualTo(20);
      // A finished job answers the same again; an unknown one is not found.
      assertThat(operator.get("/recover/jobs/" + job).json().at("/result/status").asText())
          .isEqualTo("complete");
      assertThat(operator.get("/recover/jobs/nope").status()).isEqualTo(404);
      assertThat(server.client().get("/recover/jobs/" + job).status())
          .as("an account's token is no operator token")
          .isEqualTo(401);
    } finally {
      relay.release();
    }
  }

  @Test
  void theCommandPrintsProgressWhileItWaits(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"), settings("cli"))) {
      String db = populated(server);
      Path tokenFile =
          Files.writeString(
              dir.resolve("operator-token"),
              server.catalog().tokens().createOperator("ops").secret());
      relay.holdGets("/db/" + db + "/log/", 2);
      StringWriter out = new StringWriter();
      AtomicInteger exit = new AtomicInteger(-1);
      Thread command =
          Thread.ofPlatform()
              .start(
                  () -> {
                    CommandLine cli = Main.commandLine();
                    cli.setOut(new PrintWriter(out, true));
                    cli.setErr(new PrintWriter(out, true));
                    exit.set(
                        cli.execute(
                            "recover",
                            "--database",
                            db,
                            "--url",
                            server.baseUrl(),
                            "--token-file",
                            tokenFile.toString()));
                  });
      for (int i = 0; i < 600 && !out.toString().contains("records checked"); i++) {
        Thread.sleep(100);
      }
      assertThat(out.toString()).contains("MB downloaded", "records checked", "MB/s");
      assertThat(command.isAlive()).isTrue();
      relay.release();
      command.join();
      assertThat(exit.get()).as(out.toString()).isZero();
      assertThat(out.toString()).containsPattern("recovered as big-recovered-\\d{8}-\\d{6}");
    } finally {
      relay.release();
    }
  }
}
