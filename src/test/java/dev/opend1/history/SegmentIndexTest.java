package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.Bookmark;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed segments' index files: written at the seal, read at the next open instead of the segment,
 * and rebuilt from the segment whenever they do not describe it exactly.
 */
class SegmentIndexTest {

  @TempDir Path dir;
  Path db;
  Path historyDir;
  Connection conn;
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
    history = DatabaseHistory.open("test-db", historyDir, db, syncer);
    history.initialize(db);
    conn = DriverManager.getConnection("jdbc:sqlite:" + db);
    exec("PRAGMA wal_autocheckpoint=0");
    history.sealSegmentsAfter(0);
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

  /** Commits a table and rows, a segment sealed before each record; returns every bookmark. */
  private List<Bookmark> commits() throws Exception {
    List<Bookmark> bookmarks = new ArrayList<>(List.of(history.current()));
    bookmarks.add(commit("CREATE TABLE t(a)"));
    for (int i = 0; i < 4; i++) {
      bookmarks.add(commit("INSERT INTO t VALUES (" + i + ")"));
    }
    return bookmarks;
  }

  private List<String> files(String prefix) throws Exception {
    try (Stream<Path> files = Files.list(historyDir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith(prefix))
          .sorted()
          .toList();
    }
  }

  private void reopen() throws Exception {
    history.close();
    history = DatabaseHistory.open("test-db", historyDir, db, syncer);
  }

  private long countAt(long seq) throws Exception {
    Path image = dir.resolve("at-" + seq + ".db");
    Files.deleteIfExists(image);
    history.buildImage(seq, image);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + image);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
      return rs.getLong(1);
    }
  }

  /** The same bookmarks, commits and states as before, after a reopen. */
  private void assertHistoryIs(List<Bookmark> bookmarks) throws Exception {
    for (Bookmark b : bookmarks) {
      assertThat(history.check(b)).as("bookmark %s", b.seq()).isEqualTo(BookmarkIndex.Check.VALID);
    }
    assertThat(history.current()).isEqualTo(bookmarks.get(bookmarks.size() - 1));
    assertThat(history.commits(0, Long.MAX_VALUE, Long.MAX_VALUE, 100)).hasSize(bookmarks.size());
    for (int seq = 2; seq < bookmarks.size(); seq++) {
      assertThat(countAt(seq)).as("rows at seq %s", seq).isEqualTo(seq - 1);
    }
  }

  @Test
  void everySealedSegmentGetsAnIndexAndTheOpenOneDoesNot() throws Exception {
    commits();
    List<String> segments = files("seg-");
    assertThat(segments).hasSize(6);
    assertThat(files("idx-"))
        .containsExactlyElementsOf(
            segments.subList(0, 5).stream().map(SegmentIndex::nameFor).toList());
  }

  @Test
  void anOpenReadsTheSealedSegmentsIndexesNotTheirRecords() throws Exception {
    List<Bookmark> bookmarks = commits();
    // Overwrite the body of a sealed segment's record, keeping its length: a scan would find the
    // segment damaged and refuse to open; an open that uses the index does not read it at all.
    Path sealed = historyDir.resolve(files("seg-").get(2));
    byte[] bytes = Files.readAllBytes(sealed);
    for (int i = RecordCodec.HEADER; i < bytes.length; i++) {
      bytes[i] = 0;
    }
    Files.write(sealed, bytes);
    reopen();
    assertThat(history.current()).isEqualTo(bookmarks.get(bookmarks.size() - 1));
    assertThat(history.check(bookmarks.get(2))).isEqualTo(BookmarkIndex.Check.VALID);
  }

  @Test
  void anOpenWithIndexesKnowsWhatAScanKnows() throws Exception {
    List<Bookmark> bookmarks = commits();
    reopen();
    assertHistoryIs(bookmarks);
    Bookmark next = commit("INSERT INTO t VALUES (9)");
    assertThat(next.seq()).isEqualTo(bookmarks.get(bookmarks.size() - 1).seq() + 1);
  }

  @Test
  void aDamagedOrStaleIndexIsRebuiltFromItsSegment() throws Exception {
    List<Bookmark> bookmarks = commits();
    List<String> indexes = files("idx-");
    byte[] good = Files.readAllBytes(historyDir.resolve(indexes.get(1)));
    // A flipped byte (the CRC fails), a torn file, and an index of another segment's length.
    byte[] flipped = good.clone();
    flipped[30] ^= 1;
    Files.write(historyDir.resolve(indexes.get(1)), flipped);
    Files.write(historyDir.resolve(indexes.get(2)), java.util.Arrays.copyOf(good, good.length / 2));
    Files.copy(
        historyDir.resolve(indexes.get(0)),
        historyDir.resolve(indexes.get(3)),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.delete(historyDir.resolve(indexes.get(4)));
    reopen();
    assertHistoryIs(bookmarks);
    assertThat(files("idx-")).containsExactlyElementsOf(indexes);
    assertThat(Files.readAllBytes(historyDir.resolve(indexes.get(1))))
        .as("written again from the segment")
        .isEqualTo(good);
    for (String idx : indexes) {
      String segment = SegmentIndex.segmentOf(idx);
      assertThat(SegmentIndex.read(new LocalHistoryStore(historyDir), segment, size(segment)))
          .as(idx)
          .isPresent();
    }
  }

  @Test
  void aSegmentGrownOrCutSinceItsIndexIsScanned() throws Exception {
    commits();
    String segment = files("seg-").get(1);
    Path file = historyDir.resolve(segment);
    long length = Files.size(file);
    LocalHistoryStore store = new LocalHistoryStore(historyDir);
    assertThat(SegmentIndex.read(store, segment, length)).isPresent();
    assertThat(SegmentIndex.read(store, segment, length + 1)).isEmpty();
    assertThat(SegmentIndex.read(store, segment, length - 1)).isEmpty();
    assertThat(SegmentIndex.read(store, files("seg-").get(2), length)).isEmpty();
  }

  @Test
  void entriesThatDoNotTileTheSegmentAreRefused() {
    byte[] hash = new byte[16];
    String segment = SegmentLog.segName(7);
    LogEntry a = new LogEntry(7, 1, HistoryRecord.PAGES, 2, hash, segment, 0, 100);
    LogEntry b = new LogEntry(8, 2, HistoryRecord.PAGES, 2, hash, segment, 100, 50);
    assertThat(SegmentIndex.decode(SegmentIndex.encode(150, List.of(a, b), 4096), segment, 150))
        .hasValueSatisfying(
            e -> {
              assertThat(e.entries()).hasSize(2);
              assertThat(e.entries().get(1).offset()).isEqualTo(100);
              assertThat(e.lastPageSize()).isEqualTo(4096);
            });
    LogEntry gap = new LogEntry(8, 2, HistoryRecord.PAGES, 2, hash, segment, 120, 30);
    LogEntry skip = new LogEntry(9, 2, HistoryRecord.PAGES, 2, hash, segment, 100, 50);
    assertThat(SegmentIndex.decode(SegmentIndex.encode(150, List.of(a, gap), 4096), segment, 150))
        .isEmpty();
    assertThat(SegmentIndex.decode(SegmentIndex.encode(150, List.of(a, skip), 4096), segment, 150))
        .isEmpty();
    assertThat(
            SegmentIndex.decode(
                SegmentIndex.encode(150, List.of(a, b), 4096), SegmentLog.segName(6), 150))
        .as("another segment's first seq")
        .isEmpty();
    assertThat(SegmentIndex.decode(SegmentIndex.encode(0, List.of(), 4096), segment, 0)).isEmpty();
    assertThat(SegmentIndex.decode(null, segment, 150)).isEmpty();
  }

  @Test
  void retentionRemovesASegmentsIndexWithItAndAnOrphanGoesAtOpen() throws Exception {
    commits();
    history.snapshot();
    commit("INSERT INTO t VALUES (8)");
    history.prune(Long.MAX_VALUE);
    List<String> segments = files("seg-");
    assertThat(files("idx-"))
        .allSatisfy(idx -> assertThat(segments).contains(SegmentIndex.segmentOf(idx)));
    Files.write(historyDir.resolve(SegmentIndex.nameFor(SegmentLog.segName(1))), new byte[] {1});
    reopen();
    assertThat(files("idx-"))
        .allSatisfy(idx -> assertThat(segments).contains(SegmentIndex.segmentOf(idx)));
  }

  /**
   * A history of 40 sealed segments holds the open segment's one entry in memory, and still knows
   * every bookmark, instant and state, before and after a reopen.
   */
  @Test
  void aLongHistoryHoldsOnlyTheOpenSegmentsEntries() throws Exception {
    List<Bookmark> bookmarks = commits();
    for (int i = 4; i < 40; i++) {
      bookmarks.add(commit("INSERT INTO t VALUES (" + i + ")"));
    }
    assertThat(files("idx-")).hasSize(bookmarks.size() - 1);
    for (int pass = 0; pass < 2; pass++) {
      assertThat(history.records()).isEqualTo(bookmarks.size());
      assertThat(history.heldEntries()).isEqualTo(1);
      assertHistoryIs(bookmarks);
      List<LogEntry> commits = history.commits(0, Long.MAX_VALUE, Long.MAX_VALUE, 1000);
      for (LogEntry e : commits) {
        assertThat(history.at(e.timeMicros())).contains(e.bookmark());
        assertThat(history.at(e.timeMicros() - 1).map(Bookmark::seq))
            .isEqualTo(
                e.seq() == 0 ? java.util.Optional.empty() : java.util.Optional.of(e.seq() - 1));
      }
      assertThat(history.commits(0, Long.MAX_VALUE, 20, 5).stream().map(LogEntry::seq))
          .containsExactly(19L, 18L, 17L, 16L, 15L);
      reopen();
    }
  }

  @Test
  void aSealedSegmentWhoseIndexWentIsScannedWhenALookupNeedsIt() throws Exception {
    List<Bookmark> bookmarks = commits();
    String idx = SegmentIndex.nameFor(SegmentLog.segName(2));
    Files.delete(historyDir.resolve(idx));
    assertThat(history.check(bookmarks.get(2))).isEqualTo(BookmarkIndex.Check.VALID);
    assertThat(files("idx-")).as("written again by the lookup's scan").contains(idx);
    assertHistoryIs(bookmarks);
  }

  /**
   * A sealed segment's index torn, damaged or unreadable (its read fails) is as good as absent, at
   * an open and at a lookup while open: the segment is scanned, its index written again, and the
   * history answers as before.
   */
  @Test
  void anIndexTornDamagedOrUnreadableIsRebuiltFromItsSegment() throws Exception {
    List<Bookmark> bookmarks = commits();
    String unreadable = SegmentIndex.nameFor(SegmentLog.segName(3));
    AtomicBoolean failReads = new AtomicBoolean();
    HistoryStore store =
        new LocalHistoryStore(historyDir) {
          @Override
          public byte[] readSmall(String name) throws IOException {
            if (failReads.get() && name.equals(unreadable)) {
              throw new IOException("Input/output error");
            }
            return super.readSmall(name);
          }
        };
    history.close();
    history = DatabaseHistory.open("test-db", store, db, syncer);
    Path torn = historyDir.resolve(SegmentIndex.nameFor(SegmentLog.segName(1)));
    byte[] good = Files.readAllBytes(torn);
    Files.write(torn, java.util.Arrays.copyOf(good, good.length - 7));
    Path damaged = historyDir.resolve(SegmentIndex.nameFor(SegmentLog.segName(2)));
    byte[] flipped = Files.readAllBytes(damaged);
    flipped[30] ^= 1;
    Files.write(damaged, flipped);
    failReads.set(true);

    assertHistoryIs(bookmarks);
    assertThat(Files.readAllBytes(torn)).as("written again by a lookup's scan").isEqualTo(good);

    history.close();
    history = DatabaseHistory.open("test-db", store, db, syncer);
    assertHistoryIs(bookmarks);
  }

  /**
   * Retention with its base inside the open segment forgets that segment's first records, so its
   * index is not written at the seal; the first lookup in it scans it, and writes the index.
   */
  @Test
  void aSegmentSealedAfterRetentionCutItsHeadIsScannedByALookup() throws Exception {
    history.sealSegmentsAfter(Long.MAX_VALUE);
    List<Bookmark> bookmarks = commits();
    history.snapshot();
    bookmarks.add(commit("INSERT INTO t VALUES (8)"));
    history.prune(Long.MAX_VALUE);
    long base = bookmarks.get(bookmarks.size() - 2).seq();
    history.sealSegmentsAfter(0);
    bookmarks.add(commit("INSERT INTO t VALUES (9)"));
    String sealed = SegmentLog.segName(0);
    assertThat(files("idx-")).doesNotContain(SegmentIndex.nameFor(sealed));
    for (Bookmark b : bookmarks) {
      assertThat(history.check(b))
          .as("bookmark %s", b.seq())
          .isEqualTo(b.seq() < base ? BookmarkIndex.Check.EXPIRED : BookmarkIndex.Check.VALID);
    }
    assertThat(files("idx-")).contains(SegmentIndex.nameFor(sealed));
    assertThat(countAt(bookmarks.getLast().seq())).isEqualTo(6);
    assertThat(history.commits(0, Long.MAX_VALUE, Long.MAX_VALUE, 100).getLast().seq())
        .isEqualTo(base);
  }

  private long size(String segment) throws Exception {
    try (FileChannel ch = FileChannel.open(historyDir.resolve(segment), StandardOpenOption.READ)) {
      return ch.size();
    }
  }
}
