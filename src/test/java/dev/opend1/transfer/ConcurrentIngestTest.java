package dev.opend1.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.history.EngineWithHistory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingests of one upload sent at once (a client retrying) start one import: the upload's statements
 * run once.
 */
class ConcurrentIngestTest {

  @TempDir Path dir;

  @Test
  void ingestsOfOneUploadAtOnceStartOneImport() throws Exception {
    try (EngineWithHistory db = EngineWithHistory.start(dir)) {
      Transfers transfers =
          new Transfers(
              db.engine,
              dir,
              1_000_000_000L,
              1_000_000_000L,
              Duration.ofHours(1),
              TransferLifetimesTest.FAST);
      try {
        byte[] sql =
            "CREATE TABLE IF NOT EXISTS t(a);\nINSERT INTO t VALUES (1);\n"
                .getBytes(StandardCharsets.UTF_8);
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(sql));
        String name = Uploads.filename(db.id, etag);
        SignedUrls.put(transfers, name, sql.length, new ByteArrayInputStream(sql));

        // Reading the bookmark takes a while, so the eight requests are all between looking for a
        // running import and starting one at the same time.
        Supplier<String> slowBookmark =
            () -> {
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return db.bookmark().toString();
            };
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          clients.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          go.await();
                          transfers.ingest(db.id, etag, name, slowBookmark);
                        } catch (Exception e) {
                          throw new RuntimeException(e);
                        }
                      }));
        }
        go.countDown();
        for (Thread t : clients) {
          t.join();
        }
        TransferCounters counters = transfers.counters();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (counters.importsFinished() + counters.importsFailed() < counters.importsStarted()) {
          assertThat(System.nanoTime()).as("imports finish within 30 s").isLessThan(deadline);
          Thread.sleep(20);
        }
        assertThat(counters.importsStarted()).isEqualTo(1);
        assertThat(counters.importsFailed()).isZero();
        assertThat(db.run("SELECT count(*) FROM t")).containsExactly(1L);
      } finally {
        transfers.close();
      }
    }
  }
}
