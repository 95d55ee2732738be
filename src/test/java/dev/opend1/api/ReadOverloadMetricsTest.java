package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.HoldingSink;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read refused with 429 because every read connection of its database stayed busy is counted in
 * {@code /metrics} ({@code opend1_reader_overloaded_total}), and the reads waiting for one are
 * shown ({@code opend1_reads_waiting}).
 */
class ReadOverloadMetricsTest {

  @TempDir Path dir;

  @Test
  @Timeout(120) // a read never refused would hang here
  void aReadRefusedAsEveryReaderIsBusyIsCounted() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      D1Client client = server.client();
      Reply created = client.post(databases(), "{\"name\":\"busy\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      String db = created.result().get("uuid").asText();
      String query = databases() + "/" + db + "/query";
      assertThat(client.post(query, sql("CREATE TABLE t(a); INSERT INTO t VALUES (1)")).status())
          .isEqualTo(200);

      // Reads that hold a connection each, then reads that wait for one, until one is refused:
      // each read is started once the one before has taken a connection, waits or was refused.
      Engine engine = server.engine();
      DatabaseId id = new DatabaseId(UUID.fromString(db));
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Void>> reads = new ArrayList<>();
      int waiting = 0;
      boolean refused = false;
      try {
        while (!refused) {
          HoldingSink sink = new HoldingSink();
          sink.go = go;
          CompletableFuture<Void> read = readOnAThread(engine, id, sink);
          while (sink.inRow.getCount() > 0
              && engine.counters().waitingReads() == waiting
              && !read.isDone()) {
            Thread.sleep(5);
          }
          if (read.isCompletedExceptionally()) {
            assertThatThrownBy(read::join).hasCauseInstanceOf(D1Exception.Overloaded.class);
            refused = true;
          } else {
            reads.add(read);
            waiting = engine.counters().waitingReads();
          }
        }
        assertThat(waiting).as("reads waiting when one is refused").isPositive();
        String text = MetricsApiTest.scrape(server.metricsUrl()).body();
        assertThat(MetricsApiTest.value(text, "opend1_reads_waiting")).isEqualTo(waiting);
        assertThat(MetricsApiTest.value(text, "opend1_reader_overloaded_total")).isEqualTo(1);

        // A client's read now is refused as well, with D1's 429, and counted.
        Reply busy = client.post(query, sql("SELECT a FROM t"));
        assertThat(busy.status()).as(busy.body()).isEqualTo(429);
        text = MetricsApiTest.scrape(server.metricsUrl()).body();
        assertThat(MetricsApiTest.value(text, "opend1_reader_overloaded_total")).isEqualTo(2);
        assertThat(MetricsApiTest.value(text, "opend1_writer_overloaded_total")).isZero();
      } finally {
        go.countDown();
      }
      for (CompletableFuture<Void> r : reads) {
        r.get(60, TimeUnit.SECONDS);
      }
      String text = MetricsApiTest.scrape(server.metricsUrl()).body();
      assertThat(MetricsApiTest.value(text, "opend1_reads_waiting")).isZero();
    }
  }

  /** Runs a read on a thread of its own; completes when it is answered, or fails as refused. */
  private static CompletableFuture<Void> readOnAThread(
      Engine engine, DatabaseId id, ResultSink sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                engine.execute(
                    id, List.of(new QueryInput("SELECT a FROM t", List.of())), false, sink);
                done.complete(null);
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            });
    return done;
  }
}
