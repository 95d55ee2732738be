package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.Bookmark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every byte a history puts on disk is counted ({@link HistoryCounters}): records, snapshots
 * (taken, restored, first states), small files, and what it removes, so that the history's size on
 * disk is always what was written less what was removed. Driven by a real SQLite database and its
 * WAL.
 */
class HistoryDiskAccountingTest {

  @TempDir Path dir;
  Path db;
  Path historyDir;
  Connection conn;
  HistoryCounters counters = new HistoryCounters();
  DatabaseHistory history;
  ExecutorService syncer = Executors.newSingleThreadExecutor();

  @BeforeEach
  void start() throws Exception {
    db = dir.resolve("db.sqlite");
    historyDir = dir.resolve("history");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
    }
    history =
        DatabaseHistory.open("test-db", new LocalHistoryStore(historyDir), db, syncer, counters);
    history.initialize(db);
    conn = DriverManager.getConnection("jdbc:sqlite:" + db);
    exec("PRAGMA wal_autocheckpoint=0");
  }

  @AfterEach
  void stop() throws Exception {
    conn.close();
    history.close();
    syncer.shutdown();
  }

  private void exec(String sql) throws Exception {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  private Bookmark commit(String sql) throws Exception {
    exec(sql);
    history.capture().join();
    return history.current();
  }

  private long onDisk() throws IOException {
    try (var files = Files.list(historyDir)) {
      return files.mapToLong(HistoryDiskAccountingTest::size).sum();
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private long counted() {
    return counters.bytes()
        + counters.snapshotBytes()
        + counters.metadataBytes()
        - counters.removedBytes();
  }

  @Test
  void aNewDatabasesFirstStateIsCounted() throws Exception {
    assertThat(counters.snapshotBytes())
        .as("snapshot 0 is a copy of the new database's file")
        .isEqualTo(Files.size(historyDir.resolve(SegmentLog.snapName(0))))
        .isGreaterThan(0);
    assertThat(counters.metadataBytes())
        .as("the format stamp and the checkpoint's seq")
        .isEqualTo(
            Files.size(historyDir.resolve("FORMAT"))
                + Files.size(historyDir.resolve("checkpoint")));
    assertThat(onDisk()).isEqualTo(counted());
  }

  @Test
  void aRestoresImageIsCountedAsASnapshotOfItsSize() throws Exception {
    exec("CREATE TABLE t(a TEXT)");
    for (int i = 0; i < 20; i++) {
      commit("INSERT INTO t VALUES (randomblob(2000))");
    }
    Path built = dir.resolve("restore.db");
    history.buildImage(5, built);
    long size = Files.size(built);
    long before = counters.snapshotBytes();
    Bookmark restored = history.commitRestore(built, 5);
    assertThat(counters.snapshotBytes() - before).isEqualTo(size).isGreaterThan(4096);
    assertThat(Files.size(historyDir.resolve(SegmentLog.snapName(restored.seq())))).isEqualTo(size);
    assertThat(onDisk()).isEqualTo(counted());
  }

  @Test
  void snapshotsIndexFilesCheckpointsAndRetentionKeepTheDiskEqualToTheCounters() throws Exception {
    history.sealSegmentsAfter(0);
    commit("CREATE TABLE t(a TEXT)");
    for (int i = 0; i < 10; i++) {
      commit("INSERT INTO t VALUES (randomblob(3000))");
    }
    try (var files = Files.list(historyDir)) {
      assertThat(files.filter(f -> SegmentIndex.segmentOf(f.getFileName().toString()) != null))
          .as("sealed segments have index files")
          .isNotEmpty();
    }
    assertThat(onDisk()).isEqualTo(counted());
    long snapshotBefore = counters.snapshotBytes();
    history.snapshot();
    long snap = Files.size(historyDir.resolve(SegmentLog.snapName(history.lastSeq())));
    assertThat(counters.snapshotBytes() - snapshotBefore).isEqualTo(snap);
    history.checkpointed();
    assertThat(onDisk()).as("a checkpoint's seq replaces the last one").isEqualTo(counted());
    commit("INSERT INTO t VALUES (randomblob(3000))");
    long removedBefore = counters.removedBytes();
    long diskBefore = onDisk();
    history.prune(Long.MAX_VALUE);
    assertThat(counters.removedBytes() - removedBefore)
        .as("retention's deletions are counted as removed")
        .isEqualTo(diskBefore - onDisk())
        .isGreaterThan(snap);
    assertThat(onDisk()).isEqualTo(counted());
  }

  @Test
  void theStoreCountsEachWriteAndRemovalByItsSize() throws Exception {
    HistoryCounters c = new HistoryCounters();
    Path d = dir.resolve("store");
    HistoryStore store = new CountedHistoryStore(new LocalHistoryStore(d), c);
    store.writeSmall("small", "x".repeat(100).getBytes(StandardCharsets.UTF_8));
    assertThat(c.metadataBytes()).isEqualTo(100);
    store.writeSmall("small", "y".repeat(40).getBytes(StandardCharsets.UTF_8));
    assertThat(c.metadataBytes()).isEqualTo(140);
    assertThat(c.removedBytes()).as("the 100 bytes replaced").isEqualTo(100);
    Path built = store.scratch("snap-x.db");
    Files.write(built, new byte[1234]);
    store.put("snap-x.db", built);
    assertThat(c.snapshotBytes()).isEqualTo(1234);
    store.truncate("snap-x.db", 1000);
    assertThat(c.removedBytes()).isEqualTo(100 + 234);
    store.delete("snap-x.db");
    store.delete("snap-x.db");
    assertThat(c.removedBytes()).as("a missing object removes nothing").isEqualTo(100 + 1234);
  }
}
