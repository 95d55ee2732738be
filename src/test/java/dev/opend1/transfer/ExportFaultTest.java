package dev.opend1.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.history.EngineWithHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export whose file cannot be written (a full disk, an I/O error) fails as a whole, saying why;
 * its partial file is removed, the database is untouched and keeps serving, and the next export
 * after the fault clears is complete.
 */
class ExportFaultTest {

  @TempDir Path dir;

  /** A disk that fills up after 64 KiB of an export while set. */
  final FullDisk disk = new FullDisk(64 * 1024);

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
    transfers =
        new Transfers(
            engine,
            dir,
            1_000_000_000L,
            10_000_000_000L,
            Duration.ofHours(1),
            TransferTiming.STANDARD,
            disk);
    bookmark = () -> db.bookmark().toString();
  }

  @AfterEach
  void stop() {
    transfers.close();
    db.close();
  }

  private ExportProgress exportToEnd() {
    ExportProgress p = transfers.export(id, DumpOptions.ALL, Optional.empty(), bookmark);
    while (p.status() == TransferStatus.ACTIVE) {
      p = transfers.export(id, DumpOptions.ALL, Optional.of(p.atBookmark()), bookmark);
    }
    return p;
  }

  private List<Path> exportFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("transfer").resolve("exports"))) {
      return s.toList();
    }
  }

  @Test
  void anExportOntoAFullDiskFailsWholeAndTheNextOneAfterTheFaultWorks() throws Exception {
    db.run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
    db.run(
        "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x <"
            + " 2000) SELECT x, hex(randomblob(100)) FROM c");

    disk.full.set(true);
    ExportProgress failed = exportToEnd();
    assertThat(failed.status()).isEqualTo(TransferStatus.ERROR);
    assertThat(failed.error()).isEqualTo("Export failed: No space left on device");
    assertThat(failed.filename()).isNull();
    assertThat(exportFiles()).as("the partial file is removed").isEmpty();

    // The database is untouched and still takes writes while the disk is full for exports.
    assertThat(db.integrity()).isEqualTo("ok");
    db.run("INSERT INTO t VALUES (2001, 'after')");
    assertThat(db.run("SELECT count(*) FROM t")).containsExactly(2001L);

    disk.full.set(false);
    ExportProgress done = exportToEnd();
    assertThat(done.status()).isEqualTo(TransferStatus.COMPLETE);
    assertThat(exportFiles()).hasSize(1);
    String dump = Files.readString(exportFiles().getFirst());
    assertThat(dump).contains("(2001,'after')");
    assertThat(dump.lines().filter(l -> l.startsWith("INSERT INTO"))).hasSize(2001);
  }
}
