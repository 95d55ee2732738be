package dev.opend1.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.history.EngineWithHistory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transfers expire, get cancelled and respect their disk cap, on shortened clocks. */
class TransferLifetimesTest {

  static final TransferTiming FAST =
      new TransferTiming(
          Duration.ofMillis(1500),
          Duration.ofMillis(300),
          Duration.ofMillis(300),
          Duration.ofMillis(300),
          Duration.ofMillis(50));

  @TempDir Path dir;
  EngineWithHistory db;
  Engine engine;
  Transfers transfers;
  DatabaseId id;
  Supplier<String> bookmark;

  @BeforeEach
  void start() throws Exception {
    db = EngineWithHistory.start(dir);
    engine = db.engine;
    id = db.id;
    transfers = new Transfers(engine, dir, 1_000_000_000L, 1_000, Duration.ofHours(1), FAST);
    bookmark = () -> db.bookmark().toString();
  }

  @AfterEach
  void stop() {
    transfers.close();
    db.close();
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 5 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static long files(Path d, String suffix) {
    try (var s = Files.list(d)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aFinishedExportAndItsSignedUrlExpire() throws Exception {
    db.run("CREATE TABLE t(a); INSERT INTO t VALUES (1)");
    ExportProgress p = transfers.export(id, DumpOptions.ALL, Optional.empty(), bookmark);
    while (p.status() == TransferStatus.ACTIVE) {
      p = transfers.export(id, DumpOptions.ALL, Optional.of(p.atBookmark()), bookmark);
    }
    String name = p.filename();
    String query = transfers.signedQuery("GET", name);
    String expires = query.substring(8, query.indexOf('&'));
    String signature = query.substring(query.indexOf("signature=") + 10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(transfers.download(name, expires, signature, n -> out)).isTrue();
    assertThat(out.toString()).contains("INSERT INTO \"t\"");
    Path exports = dir.resolve("transfer").resolve("exports");
    eventually(() -> files(exports, ".sql") == 0);
    eventually(() -> Instant.now().getEpochSecond() > Long.parseLong(expires));
    assertThat(transfers.download(name, expires, signature, n -> new ByteArrayOutputStream()))
        .isFalse();
  }

  @Test
  void anExportNobodyPollsIsCancelledAndItsPartialFileRemoved() throws Exception {
    db.run("CREATE TABLE t(a)");
    db.run(
        "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x <"
            + " 300000) SELECT hex(randomblob(300)) FROM c");
    ExportProgress p = transfers.export(id, DumpOptions.ALL, Optional.empty(), bookmark);
    while (p.status() == TransferStatus.ACTIVE) {
      Thread.sleep(600); // longer than the abandonment time: nobody is polling
      p = transfers.export(id, DumpOptions.ALL, Optional.of(p.atBookmark()), bookmark);
    }
    assertThat(p.status()).isEqualTo(TransferStatus.ERROR);
    assertThat(p.error()).contains("cancelled");
    Path exports = dir.resolve("transfer").resolve("exports");
    eventually(() -> files(exports, ".part") == 0);
  }

  @Test
  void oldUploadsAreRemovedAndTheDiskCapHolds() throws Exception {
    Path stale =
        dir.resolve("transfer").resolve("uploads").resolve(id + "-" + "a".repeat(32) + ".sql");
    Files.writeString(stale, "SELECT 1;");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600)));
    eventually(() -> !Files.exists(stale));

    String name = id + "-" + "b".repeat(32) + ".sql";
    assertThatThrownBy(
            () -> SignedUrls.put(transfers, name, 5_000, new ByteArrayInputStream(new byte[5_000])))
        .isInstanceOf(D1Exception.InvalidRequest.class)
        .hasMessageContaining("Transfer storage is full");
  }
}
