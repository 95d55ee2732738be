package dev.opend1.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.history.EngineWithHistory;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore fails a running export (saying why) and waits for a running import. */
class RestoreDuringTransferTest {

  @TempDir Path dir;
  EngineWithHistory db;
  Engine engine;
  Transfers transfers;
  dev.opend1.history.TimeTravel timeTravel;
  DatabaseId id;
  Supplier<String> bookmark;

  @BeforeEach
  void start() throws Exception {
    db = EngineWithHistory.start(dir);
    engine = db.engine;
    id = db.id;
    transfers =
        new Transfers(
            engine,
            dir,
            1_000_000_000L,
            10_000_000_000L,
            Duration.ofHours(1),
            TransferTiming.STANDARD,
            file -> new HeldOutput(Files.newOutputStream(file)));
    timeTravel = db.timeTravel(Duration.ofMillis(100));
    bookmark = () -> timeTravel.bookmark(id, Optional.empty()).toString();
  }

  @AfterEach
  void stop() {
    transfers.close();
    db.close();
  }

  /** Set to hold the export's first write of its file until {@link #release} opens. */
  volatile boolean hold;

  final CountDownLatch held = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);

  /** An export file whose first write waits, while {@link #hold} is set, for {@link #release}. */
  final class HeldOutput extends FilterOutputStream {
    HeldOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (hold) {
        hold = false;
        held.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      out.write(b, off, len);
    }
  }

  /** Makes a table whose dump takes many writes of the file; returns the bookmark before. */
  private Bookmark fill() {
    db.run("CREATE TABLE t(a)");
    Bookmark empty = timeTravel.bookmark(id, Optional.empty());
    db.run(
        "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x <"
            + " 20000) SELECT hex(randomblob(300)) FROM c");
    return empty;
  }

  /**
   * Whether {@code t} waits, untimed, inside the pause of a database: after the pause's grace, so
   * the running requests' connections have their deadline, and it waits for them to end.
   */
  private static boolean waitingInPause(Thread t) {
    return t.getState() == Thread.State.WAITING
        && Arrays.stream(t.getStackTrace())
            .anyMatch(
                f -> f.getMethodName().equals("pause") && f.getClassName().endsWith("Handle"));
  }

  /**
   * The export is held at its first write of the file, so it certainly runs when the restore pauses
   * the database: before, the test counted on a 240 MB dump outlasting the restore's build, and on
   * a quiet machine the dump often won (the export completed, and the test failed).
   */
  @Test
  void aRestoreFailsARunningExportSayingWhy() throws Exception {
    Bookmark target = fill();
    hold = true;
    ExportProgress p = transfers.export(id, DumpOptions.ALL, Optional.empty(), bookmark);
    assertThat(held.await(60, TimeUnit.SECONDS)).as("the export writes its file").isTrue();
    assertThat(p.status()).as("the export is still running").isEqualTo(TransferStatus.ACTIVE);
    CompletableFuture<Void> restore = new CompletableFuture<>();
    Thread restorer =
        new Thread(
            () -> {
              try {
                timeTravel.restore(id, Optional.of(target.toString()), Optional.empty());
                restore.complete(null);
              } catch (Throwable e) {
                restore.completeExceptionally(e);
              }
            });
    restorer.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!waitingInPause(restorer) && !restore.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(restore).as("the restore waits for the export").isNotDone();
    release.countDown();
    restore.get(60, TimeUnit.SECONDS);
    while (p.status() == TransferStatus.ACTIVE) {
      p = transfers.export(id, DumpOptions.ALL, Optional.of(p.atBookmark()), bookmark);
    }
    assertThat(p.status()).isEqualTo(TransferStatus.ERROR);
    assertThat(p.error()).contains("restored");
  }

  @Test
  void aRestoreWaitsForARunningImport() throws Exception {
    db.run("CREATE TABLE u(a)");
    Bookmark before = timeTravel.bookmark(id, Optional.empty());
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < 60_000; i++) {
      file.append("INSERT INTO u VALUES ('").append("x".repeat(200)).append(i).append("');\n");
    }
    byte[] bytes = file.toString().getBytes(StandardCharsets.UTF_8);
    String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    String name = transfers.init(id, etag, bookmark).filename();
    SignedUrls.put(transfers, name, bytes.length, new ByteArrayInputStream(bytes));
    // A slow write holds the writer first, so the import is certainly queued behind it (and has
    // registered as an import) when the restore is asked for, however fast the import itself is.
    CompletableFuture<List<Object>> slowWrite =
        CompletableFuture.supplyAsync(
            () ->
                db.run(
                    "INSERT INTO u SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION"
                        + " ALL SELECT x + 1 FROM c WHERE x < 30000000) SELECT x FROM c)"));
    Thread.sleep(300);
    ImportProgress s = transfers.ingest(id, etag, name, bookmark);
    assertThat(s.status()).as("the import is still running").isEqualTo(TransferStatus.ACTIVE);
    Thread.sleep(300);
    CompletableFuture<Void> restore =
        CompletableFuture.runAsync(
            () -> timeTravel.restore(id, Optional.of(before.toString()), Optional.empty()));
    while (s.status() == TransferStatus.ACTIVE) {
      s = transfers.poll(id, s.atBookmark()).orElseThrow();
    }
    assertThat(s.status()).as(String.valueOf(s.error())).isEqualTo(TransferStatus.COMPLETE);
    // On a saturated machine the slow write may itself run into the request time limit; either
    // way it held the writer while the import queued behind it, which is all it is for.
    slowWrite.handle((rows, failure) -> rows).join();
    restore.join();
    assertThat(db.run("SELECT count(*) FROM u"))
        .as("the restore ran after the import")
        .containsExactly(0L);
  }
}
