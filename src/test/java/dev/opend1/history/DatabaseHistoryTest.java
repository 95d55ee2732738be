package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.engine.ImageWriter;
import dev.opend1.engine.StateImage;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A history driven by a real SQLite database and its real WAL. */
class DatabaseHistoryTest {

  @TempDir Path dir;
  Path db;
  Path historyDir;
  Connection conn;
  DatabaseHistory history;
  java.util.concurrent.ExecutorService syncer = Executors.newSingleThreadExecutor();

  @BeforeEach
  void start() throws Exception {
    db = dir.resolve("db.sqlite");
    historyDir = dir.resolve("history");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
    }
    history = DatabaseHistory.open("test-db", historyDir, db, syncer);
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

  /** Commits a statement and captures it durably, as the engine's writer does. */
  private Bookmark commit(String sql) throws Exception {
    exec(sql);
    history.capture().join();
    return history.current();
  }

  private long count(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
      return rs.getLong(1);
    }
  }

  @Test
  void aCommitAfterAFailedShipmentCarriesItsCauseSoTheWriteIsAnswered503() throws Exception {
    history.close();
    java.util.concurrent.atomic.AtomicBoolean storeDown =
        new java.util.concurrent.atomic.AtomicBoolean();
    HistoryStore failing =
        new LocalHistoryStore(historyDir) {
          @Override
          public void sync(String name, FileChannel segment, long end) throws java.io.IOException {
            super.sync(name, segment, end);
            if (storeDown.get()) {
              throw ReplicatedHistoryStore.unavailable(
                  "the write could not be stored in object storage",
                  new java.io.IOException("connection refused"));
            }
          }
        };
    history = DatabaseHistory.open("test-db", failing, db, syncer);
    exec("CREATE TABLE t(x)");
    history.capture().join();
    storeDown.set(true);
    exec("INSERT INTO t VALUES (1)");
    assertThatThrownBy(() -> history.capture().join())
        .satisfies(e -> assertThat(D1Exception.BackupUnavailable.in(e)).isPresent());
    // The next commit, before the database is rebuilt, fails for the same reason: 503, not 500.
    exec("INSERT INTO t VALUES (2)");
    assertThatThrownBy(() -> history.capture().join())
        .satisfies(e -> assertThat(D1Exception.BackupUnavailable.in(e)).isPresent());
  }

  @Test
  void eachCommitBecomesOneRecordAndNothingElseDoes() throws Exception {
    Bookmark zero = history.current();
    assertThat(zero.seq()).isZero();
    Bookmark one = commit("CREATE TABLE t(a)");
    Bookmark two = commit("INSERT INTO t VALUES (1)");
    assertThat(one.seq()).isEqualTo(1);
    assertThat(two.seq()).isEqualTo(2);
    history.capture().join();
    assertThat(history.current()).as("no new frames, no record").isEqualTo(two);
    assertThat(history.check(one)).isEqualTo(BookmarkIndex.Check.VALID);
    assertThat(history.check(new Bookmark(1, new byte[16]))).isEqualTo(BookmarkIndex.Check.FOREIGN);
    assertThat(history.check(new Bookmark(9, new byte[16]))).isEqualTo(BookmarkIndex.Check.AHEAD);
  }

  @Test
  void imagesAreBuiltExactlyAtAnySeq() throws Exception {
    commit("CREATE TABLE t(a)");
    for (int i = 0; i < 5; i++) {
      commit("INSERT INTO t VALUES (" + i + ")");
    }
    Path image = dir.resolve("at3.db");
    history.buildImage(3, image);
    assertThat(count(image)).isEqualTo(2);
  }

  @Test
  void theWalRestartingAfterACheckpointIsFollowed() throws Exception {
    commit("CREATE TABLE t(a)");
    commit("INSERT INTO t VALUES (1)");
    exec("PRAGMA wal_checkpoint(TRUNCATE)");
    history.checkpointed();
    Bookmark after = commit("INSERT INTO t VALUES (2)");
    assertThat(after.seq()).isEqualTo(3);
    Path image = dir.resolve("now.db");
    history.buildImage(3, image);
    assertThat(count(image)).isEqualTo(2);
  }

  @Test
  void recoveryDropsUncapturedFramesAndATornTailIsCut() throws Exception {
    commit("CREATE TABLE t(a)");
    commit("INSERT INTO t VALUES (1)");
    exec("INSERT INTO t VALUES (2)"); // committed in SQLite, never captured: not committed
    // What a kill leaves: the database file and its WAL as they are, connections never closed.
    Path crashed = dir.resolve("crashed");
    Files.createDirectories(crashed);
    Path crashedDb = crashed.resolve("db.sqlite");
    Files.copy(db, crashedDb);
    Files.copy(dir.resolve("db.sqlite-wal"), crashed.resolve("db.sqlite-wal"));
    history.close();
    // A torn record: the start of one appended after the last.
    Path segment;
    try (var files = Files.list(historyDir)) {
      segment =
          files
              .filter(f -> f.getFileName().toString().startsWith("seg-"))
              .findFirst()
              .orElseThrow();
    }
    long good = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      ch.write(
          java.nio.ByteBuffer.wrap(new byte[] {0x4f, 0x31, 0x48, 0x52, 0, 0, 0, 1, 0, 0, 9, 9}));
    }
    history = DatabaseHistory.open("test-db", historyDir, crashedDb, syncer);
    assertThat(Files.size(segment)).isEqualTo(good);
    assertThat(history.lastSeq()).isEqualTo(2);
    // What the engine does before it opens the file: drop the WAL, write the history's image.
    StateImage image = history.recoveryImage();
    assertThat(image.inPlace()).as("the file holds an earlier state: replay over it").isTrue();
    Files.delete(crashed.resolve("db.sqlite-wal"));
    try (FileChannel out =
        FileChannel.open(crashedDb, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      ImageWriter.write(image, out);
    }
    history.fileHolds(image.position());
    assertThat(count(crashedDb)).isEqualTo(1);
    assertThat(history.recoveryImage().openPages().next())
        .as("once applied, the file needs nothing more")
        .isNull();
  }

  @Test
  void pruningKeepsTheWindowAndTheNewestState() throws Exception {
    Bookmark old = commit("CREATE TABLE t(a)");
    Bookmark base = commit("INSERT INTO t VALUES (1)");
    history.snapshot();
    Bookmark kept = commit("INSERT INTO t VALUES (2)");
    history.prune(Long.MAX_VALUE);
    assertThat(history.check(old)).isEqualTo(BookmarkIndex.Check.EXPIRED);
    assertThat(history.check(base))
        .as("the newest snapshot in the window stays")
        .isEqualTo(BookmarkIndex.Check.VALID);
    assertThat(history.check(kept)).isEqualTo(BookmarkIndex.Check.VALID);
    assertThat(history.current()).isEqualTo(kept);
    assertThat(history.snapshotSeqs()).containsExactly(2L);
    Path image = dir.resolve("kept.db");
    history.buildImage(kept.seq(), image);
    assertThat(count(image)).isEqualTo(2);
  }

  @Test
  void aSnapshotIsDueOnceTheLogSinceTheLastOneOutgrowsTheDatabaseAsCommitted() throws Exception {
    commit("CREATE TABLE t(a)");
    commit(
        "INSERT INTO t WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x <"
            + " 2000) SELECT randomblob(1000) FROM n");
    history.snapshot();
    assertThat(history.snapshotDue()).isFalse();
    for (int i = 1; i <= 100; i++) {
      commit("UPDATE t SET a = randomblob(1000) WHERE rowid = " + i);
    }
    assertThat(Files.size(db))
        .as("the file holds no commit yet (nothing was checkpointed)")
        .isLessThan(DatabaseHistory.SNAPSHOT_MIN_BYTES);
    assertThat(history.snapshotDue())
        .as("100 page-sized records: past the floor, short of the 2 MB the database holds")
        .isFalse();
    commit("UPDATE t SET a = randomblob(1000)");
    assertThat(history.snapshotDue()).as("every page written again").isTrue();
  }

  @Test
  void segmentsAreSealedByAgeAndReadBackInOrder() throws Exception {
    history.sealSegmentsAfter(0);
    commit("CREATE TABLE t(a)");
    commit("INSERT INTO t VALUES (1)");
    Bookmark last = commit("INSERT INTO t VALUES (2)");
    try (var files = Files.list(historyDir)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("seg-")).count())
          .as("a new segment for every record once the open one is old enough")
          .isEqualTo(4);
    }
    history.close();
    history = DatabaseHistory.open("test-db", historyDir, db, syncer);
    assertThat(history.current()).isEqualTo(last);
    Path image = dir.resolve("sealed.db");
    history.buildImage(last.seq(), image);
    assertThat(count(image)).isEqualTo(2);
  }
}
