package dev.opend1.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.history.EngineWithHistory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
    transfers = new Transfers(engine, dir, 1_000_000_000L, 10_000_000_000L, Duration.ofHours(1));
    timeTravel = db.timeTravel(Duration.ofMillis(100));
    bookmark = () -> timeTravel.bookmark(id, Optional.empty()).toString();
  }

  @AfterEach
  void stop() {
    transfers.close();
    db.close();
  }

  /** Makes a table big enough that exporting it takes seconds; returns the bookmark before. */
  private Bookmark fill() {
    db.run("CREATE TABLE t(a)");
    Bookmark empty = timeTravel.bookmark(id, Optional.empty());
    db.run(
        "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x <"
            + " 400000) SELECT hex(randomblob(300)) FROM c");
    return empty;
  }

  @Test
  void aRestoreFailsARunningExportSayingWhy() throws Exception {
    // Restoring to the empty table is quick to build, so the pause comes while the export runs.
    Bookmark target = fill();
    ExportProgress p = transfers.export(id, DumpOptions.ALL, Optional.empty(), bookmark);
    assertThat(p.status()).as("the export is still running").isEqualTo(TransferStatus.ACTIVE);
    timeTravel.restore(id, Optional.of(target.toString()), Optional.empty());
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
