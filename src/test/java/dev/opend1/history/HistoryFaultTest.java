package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.api.HttpStatuses;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the history cannot be made durable, the commits it covers fail with a 5xx and are not
 * applied; once the fault clears, the database is rebuilt from its history and serves again.
 */
class HistoryFaultTest {

  @TempDir Path dir;
  final AtomicBoolean failSync = new AtomicBoolean();
  final AtomicBoolean failPut = new AtomicBoolean();
  final AtomicBoolean failSnapshotReads = new AtomicBoolean();
  final java.util.concurrent.atomic.AtomicInteger refusedPuts =
      new java.util.concurrent.atomic.AtomicInteger();
  EngineWithHistory db;
  History history;
  DatabaseId id;

  /** A local store whose fsync fails while {@link #failSync} is set, like a failing disk. */
  final class FaultyStore extends LocalHistoryStore {
    FaultyStore(Path d) throws IOException {
      super(d);
    }

    @Override
    public void sync(FileChannel segment) throws IOException {
      if (failSync.get()) {
        throw new IOException("injected fsync failure");
      }
      super.sync(segment);
    }

    @Override
    public FileChannel openRead(String name) throws IOException {
      if (failSnapshotReads.get() && name.startsWith("snap-")) {
        throw new IOException("No space left on device");
      }
      return super.openRead(name);
    }

    @Override
    public void put(String name, Path built) throws IOException {
      if (failPut.get()) {
        refusedPuts.incrementAndGet();
        throw new IOException("No space left on device");
      }
      super.put(name, built);
    }
  }

  @BeforeEach
  void start() {
    db = EngineWithHistory.start(dir, FaultyStore::new);
    history = db.history;
    id = db.id;
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void aCommitThatCannotBeMadeDurableIsNotAppliedAndTheDatabaseRecovers() throws Exception {
    db.run("CREATE TABLE t(a)");
    db.run("INSERT INTO t VALUES (1)");
    long before = history.of(id).lastSeq();

    failSync.set(true);
    assertThatThrownBy(() -> db.run("INSERT INTO t VALUES (2)"))
        .isInstanceOf(D1Exception.NotDurable.class)
        .satisfies(e -> assertThat(HttpStatuses.of((D1Exception) e)).isEqualTo(500));
    failSync.set(false);

    assertThat(db.run("SELECT a FROM t ORDER BY a")).containsExactly(1L);
    assertThat(history.of(id).lastSeq()).isEqualTo(before);
    db.run("INSERT INTO t VALUES (3)");
    assertThat(db.run("SELECT a FROM t ORDER BY a")).containsExactly(1L, 3L);
    assertThat(db.integrity()).isEqualTo("ok");
    assertThat(history.of(id).lastSeq()).isEqualTo(before + 1);
  }

  @Test
  void readsServeAgainAsSoonAsARecoveryThatFailedCanRun() throws Exception {
    db.run("CREATE TABLE t(a)");
    db.run("INSERT INTO t VALUES (1)");
    // The history cannot take a commit, and then the rebuild it calls for cannot run either (as
    // on a full disk): the database cannot serve for now.
    failSync.set(true);
    failSnapshotReads.set(true);
    assertThatThrownBy(() -> db.run("INSERT INTO t VALUES (2)"))
        .isInstanceOf(D1Exception.class)
        .satisfies(e -> assertThat(HttpStatuses.of((D1Exception) e)).isGreaterThanOrEqualTo(500));
    failSync.set(false);
    assertThatThrownBy(() -> db.run("SELECT a FROM t")).hasMessageContaining("No space left");
    // The cause goes away: reads serve again within a second or so, not after the database has
    // sat idle long enough to be closed (75 s).
    failSnapshotReads.set(false);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    java.util.List<Object> rows = null;
    while (rows == null && System.nanoTime() < deadline) {
      try {
        rows = db.run("SELECT a FROM t ORDER BY a");
      } catch (RuntimeException stillFailing) {
        Thread.sleep(100);
      }
    }
    assertThat(rows).as("reads serve again").containsExactly(1L);
    db.run("INSERT INTO t VALUES (3)");
    assertThat(db.run("SELECT a FROM t ORDER BY a")).containsExactly(1L, 3L);
    assertThat(db.integrity()).isEqualTo("ok");
  }

  private long snapshots() throws IOException {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("snap-")).count();
    }
  }

  private long scratchFiles() throws IOException {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
    }
  }

  @Test
  void aSnapshotOntoAFullDiskFailsAloneAndWritesGoOn() throws Exception {
    db.run("CREATE TABLE t(a, b)");
    long before = snapshots();
    failPut.set(true);
    // Enough log (over 256 KiB) that a snapshot is due after most of these writes.
    for (int i = 0; i < 20; i++) {
      db.run("INSERT INTO t VALUES (" + i + ", randomblob(30000))");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (refusedPuts.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(refusedPuts.get()).as("a snapshot was attempted").isPositive();
    assertThat(snapshots()).isEqualTo(before);
    assertThat(scratchFiles()).as("half-built snapshots are removed").isZero();
    assertThat(db.run("SELECT count(*) FROM t")).containsExactly(20L);
    long seq = history.of(id).lastSeq();

    failPut.set(false);
    for (int i = 20; i < 40; i++) {
      db.run("INSERT INTO t VALUES (" + i + ", randomblob(30000))");
    }
    while (snapshots() == before && System.nanoTime() < deadline + 30_000_000_000L) {
      Thread.sleep(20);
    }
    assertThat(snapshots()).isGreaterThan(before);
    assertThat(history.of(id).lastSeq()).isEqualTo(seq + 20);
    assertThat(db.run("SELECT count(*) FROM t")).containsExactly(40L);
    assertThat(db.integrity()).isEqualTo("ok");
  }
}
