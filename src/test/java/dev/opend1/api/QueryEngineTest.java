package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.IdleClose;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine under concurrency: its own threads, backpressure, and the handle cache. */
class QueryEngineTest {

  @TempDir Path dir;
  TestServer server;

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String newDatabase(D1Client client, String name) {
    String uuid =
        client.post(databases(), "{\"name\":\"" + name + "\"}").result().get("uuid").asText();
    return databases() + "/" + uuid + "/query";
  }

  private static final String FOREVER =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

  @Test
  void longQueriesDoNotFreezeTheServer() {
    server = TestServer.start(dir, Map.of("query-timeout-ms", "6000"));
    D1Client client = server.client();
    String busy = newDatabase(client, "busy");
    String other = newDatabase(client, "other");
    List<CompletableFuture<Reply>> slow = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      slow.add(CompletableFuture.supplyAsync(() -> client.post(busy, sql(FOREVER))));
    }
    // Let both queries start running before measuring.
    long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    // Other requests, to both databases, are answered while both long queries still run (they
    // are checked to be running after): no timing, which belongs to the benchmark suite.
    for (int i = 0; i < 5; i++) {
      assertThat(server.client(Map.of()).get("/healthz").status()).isEqualTo(200);
      assertThat(client.post(other, sql("SELECT 1")).status()).isEqualTo(200);
      assertThat(client.post(busy, sql("SELECT 2")).status()).isEqualTo(200);
    }
    assertThat(slow).allSatisfy(f -> assertThat(f.isDone()).isFalse());
    for (CompletableFuture<Reply> f : slow) {
      assertThat(f.join().errorMessage())
          .isEqualTo("D1 DB exceeded its CPU time limit and was reset.");
    }
  }

  @Test
  void aFullWriteQueueAnswers429() {
    server = TestServer.start(dir, Map.of("query-timeout-ms", "3000", "max-queued-writes", "2"));
    D1Client client = server.client();
    String q = newDatabase(client, "queue");
    client.post(q, sql("CREATE TABLE t(a)"));
    String slowWrite =
        "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
            + " SELECT x FROM c";
    List<CompletableFuture<Reply>> writes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      writes.add(CompletableFuture.supplyAsync(() -> client.post(q, sql(slowWrite))));
    }
    List<Reply> replies = writes.stream().map(CompletableFuture::join).toList();
    List<Reply> overloaded = replies.stream().filter(r -> r.status() == 429).toList();
    assertThat(overloaded).isNotEmpty().allSatisfy(r -> assertThat(r.errorCode()).isEqualTo(7500));
    // The one that waited may also have waited too long (LateWriteTest), on a slow machine.
    assertThat(overloaded)
        .extracting(Reply::errorMessage)
        .contains("D1 DB is overloaded. Too many requests queued.")
        .allSatisfy(
            m ->
                assertThat(m)
                    .isIn(
                        "D1 DB is overloaded. Too many requests queued.",
                        "D1 DB is overloaded. Requests queued for too long."));
    assertThat(replies).allSatisfy(r -> assertThat(r.status()).isIn(400, 429));
  }

  @Test
  void idleDatabasesAreClosed() {
    server = TestServer.start(dir, Map.of("max-open-databases", "3"));
    D1Client client = server.client();
    for (int i = 0; i < 10; i++) {
      String q = newDatabase(client, "db" + i);
      assertThat(client.post(q, sql("CREATE TABLE t(a); INSERT INTO t VALUES (1)")).status())
          .isEqualTo(200);
      assertThat(server.engine().openDatabases()).isLessThanOrEqualTo(3);
    }
    for (int i = 0; i < 10; i++) {
      Reply r = client.post(databases() + "/db" + i + "/query", sql("SELECT count(*) AS n FROM t"));
      assertThat(r.result().at("/0/results/0/n").asInt()).isEqualTo(1);
    }
    assertThat(server.engine().openDatabases()).isLessThanOrEqualTo(3);
  }

  @Test
  void databasesUnusedForAWhileCloseAndReopenOnTheirNextRequest() throws Exception {
    server = TestServer.start(dir, Map.of());
    D1Client client = server.client();
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String q = newDatabase(client, "idle" + i);
      assertThat(
              client.post(q, sql("CREATE TABLE t(a); INSERT INTO t VALUES (" + i + ")")).status())
          .isEqualTo(200);
      queries.add(q);
    }
    assertThat(server.engine().openDatabases()).isEqualTo(4);
    // The server closes what went unused for Engine.IDLE_CLOSE; here "a while" is now.
    assertThat(IdleClose.closeAll(server.engine())).isEqualTo(4);
    assertThat(server.engine().openDatabases()).isZero();
    assertThat(openDatabaseFiles()).as("no connection left on a db.sqlite").isZero();

    // Reopening races closing on purpose: every answer must be right, none may fail.
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 4; i++) {
        String q = queries.get(i);
        int value = round * 10 + i;
        replies.add(
            CompletableFuture.supplyAsync(
                () -> client.post(q, sql("INSERT INTO t VALUES (" + value + ")"))));
      }
      server.engine().closeIdleDatabases(Duration.ZERO);
    }
    assertThat(replies).allSatisfy(r -> assertThat(r.join().status()).isEqualTo(200));
    for (int i = 0; i < 4; i++) {
      Reply r = client.post(queries.get(i), sql("SELECT count(*) AS n FROM t"));
      assertThat(r.result().at("/0/results/0/n").asInt()).isEqualTo(21);
    }
  }

  /** Open file descriptors of this process on a {@code db.sqlite} file (Linux /proc). */
  private static long openDatabaseFiles() throws java.io.IOException {
    try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return java.nio.file.Files.readSymbolicLink(fd).toString().endsWith("db.sqlite");
                } catch (java.io.IOException e) {
                  return false;
                }
              })
          .count();
    }
  }

  @Test
  void theEnginesOwnWorkNeverCountsAsOverload() {
    // A queue of one: a restore reopens the writer through the queue, and a write or an export
    // right after it must still get its turn rather than a 429.
    server = TestServer.start(dir, Map.of("max-queued-writes", "1"));
    D1Client client = server.client();
    String q = newDatabase(client, "own-work");
    assertThat(client.post(q, sql("CREATE TABLE t(a)")).status()).isEqualTo(200);
    String bookmark =
        client.get(q.replace("/query", "/time_travel/bookmark")).result().get("bookmark").asText();
    for (int i = 0; i < 5; i++) {
      assertThat(client.post(q, sql("INSERT INTO t VALUES (" + i + ")")).status()).isEqualTo(200);
      Reply restored =
          client.send(
              "POST", q.replace("/query", "/time_travel/restore?bookmark=" + bookmark), null);
      assertThat(restored.status()).as(restored.body()).isEqualTo(200);
      Reply write = client.post(q, sql("INSERT INTO t VALUES (100)"));
      assertThat(write.status()).as(write.body()).isEqualTo(200);
      Reply export = client.post(q.replace("/query", "/export"), "{\"output_format\":\"polling\"}");
      assertThat(export.result().path("status").asText()).as(export.body()).isNotEqualTo("error");
    }
  }
}
