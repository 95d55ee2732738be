package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A database whose directory vanished or whose file is not SQLite any more is unavailable: a clear
 * error naming it (never a bare 500), listed by {@code /status}, logged once; the others serve on.
 */
class UnavailableDatabaseTest {

  @TempDir Path dir;

  private static String database(D1Client client, String name) {
    Reply r = client.post(databases(), "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String id = r.result().get("uuid").asText();
    Reply t = client.post(databases() + "/" + id + "/query", sql("CREATE TABLE t(a)"));
    assertThat(t.status()).as(t.body()).isEqualTo(200);
    return id;
  }

  private static void assertUnavailable(Reply r, String id) {
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.errorCode()).isEqualTo(7500);
    assertThat(r.errorMessage())
        .startsWith("D1 database " + id + " is unavailable: ")
        .endsWith("; reference = " + r.requestId());
  }

  @Test
  void missingOrDamagedFilesMakeOneDatabaseUnavailableAndTheRestServe() throws Exception {
    Path data = dir.resolve("data");
    String gone;
    String damaged;
    String fine;
    try (TestServer server = TestServer.start(data)) {
      gone = database(server.client(), "gone");
      damaged = database(server.client(), "damaged");
      fine = database(server.client(), "fine");
    }
    try (Stream<Path> files = Files.walk(data.resolve("db").resolve(gone))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.write(
        data.resolve("db").resolve(damaged).resolve("db.sqlite"),
        "this is not a database any more".repeat(300).getBytes());

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.setContext(context);
    log.start();
    root.addAppender(log);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TestServer server =
        TestServer.start(data, Map.of("metrics-port", Integer.toString(port)))) {
      D1Client client = server.client();
      for (int i = 0; i < 3; i++) {
        for (String id : List.of(gone, damaged)) {
          assertUnavailable(client.post(databases() + "/" + id + "/query", sql("SELECT 1")), id);
          assertUnavailable(
              client.post(databases() + "/" + id + "/query", sql("INSERT INTO t VALUES (1)")), id);
          assertUnavailable(client.get(databases() + "/" + id), id);
        }
      }
      Reply ok = client.post(databases() + "/" + fine + "/query", sql("INSERT INTO t VALUES (1)"));
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(client.get(databases() + "/" + fine).status()).isEqualTo(200);
      Reply list = client.get(databases());
      assertThat(list.status()).as(list.body()).isEqualTo(200);
      assertThat(list.result()).hasSize(3);

      Reply status = new D1Client("http://127.0.0.1:" + port, Map.of()).get("/status");
      assertThat(status.status()).isEqualTo(200);
      assertThat(status.result().at("/databases/unavailable").findValuesAsText("id"))
          .containsExactlyInAnyOrder(gone, damaged);
      String metrics = MetricsApiTest.scrape(server.metricsUrl()).body();
      assertThat(MetricsApiTest.value(metrics, "opend1_databases_unavailable")).isEqualTo(2);
    } finally {
      root.detachAppender(log);
    }
    for (String id : List.of(gone, damaged)) {
      assertThat(log.list)
          .as("logged once: " + id)
          .filteredOn(e -> e.getFormattedMessage().contains(id))
          .hasSize(1);
    }
    assertThat(log.list)
        .filteredOn(e -> e.getFormattedMessage().contains("internal error"))
        .isEmpty();
  }

  @Test
  void aDatabaseLostWhileTheServerWasDownIsListedSoonAfterTheStartUnused() throws Exception {
    Path data = dir.resolve("data");
    String gone;
    try (TestServer server = TestServer.start(data)) {
      gone = database(server.client(), "gone");
      database(server.client(), "fine");
    }
    try (Stream<Path> files = Files.walk(data.resolve("db").resolve(gone))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TestServer server =
        TestServer.start(data, Map.of("metrics-port", Integer.toString(port)))) {
      // The start looks at every database's files after it listens, not before: wait for it
      // (bounded), without a request to the database.
      D1Client metrics = new D1Client("http://127.0.0.1:" + port, Map.of());
      List<String> unavailable = List.of();
      for (long end = System.nanoTime() + 30_000_000_000L;
          unavailable.isEmpty() && System.nanoTime() < end; ) {
        Thread.sleep(50);
        unavailable =
            metrics.get("/status").result().at("/databases/unavailable").findValuesAsText("id");
      }
      assertThat(unavailable).containsExactly(gone);
      assertThat(server.client().get(databases()).result()).hasSize(2);
    }
  }
}
