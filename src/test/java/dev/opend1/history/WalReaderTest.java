package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL reader on real WAL files written by SQLite ({@code
 * src/test/resources/history/wal/<case>/}, made by {@link HistoryFixtures}): a commit is read once
 * its commit frame is there and every frame up to it has the header's salts and a matching running
 * checksum.
 */
class WalReaderTest {

  @TempDir Path dir;

  static Path wal(String name) {
    try {
      return Path.of(
          WalReaderTest.class.getResource("/history/wal/" + name + "/db.sqlite-wal").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(byte[] page) {
    return new String(page, StandardCharsets.ISO_8859_1);
  }

  @Test
  void twoCommitsAreReadAsOneCaptureOfEachPagesLastVersion() throws Exception {
    WalReader reader = new WalReader(wal("two-commits"));
    WalReader.Commit c = reader.readNewCommits();
    assertThat(c.pageSize()).isEqualTo(HistoryFixtures.PAGE_SIZE);
    assertThat(c.pageCount()).isEqualTo(2);
    assertThat(c.pages()).containsOnlyKeys(1, 2);
    assertThat(text(c.pages().get(2))).as("the INSERT's version of the table page").contains("one");
    assertThat(reader.readNewCommits()).as("nothing appended since").isNull();
  }

  @Test
  void eachCallReadsOnlyWhatWasAppendedSinceTheLast() throws Exception {
    byte[] full = Files.readAllBytes(wal("two-commits"));
    int firstCommitEnd = endOfFirstCommit(full);
    Path copy = dir.resolve("db.sqlite-wal");
    Files.write(copy, Arrays.copyOf(full, firstCommitEnd));
    WalReader reader = new WalReader(copy);
    WalReader.Commit create = reader.readNewCommits();
    assertThat(create.pages()).containsOnlyKeys(1, 2);
    assertThat(text(create.pages().get(2))).doesNotContain("one");

    Files.write(copy, full);
    WalReader.Commit insert = reader.readNewCommits();
    assertThat(insert.pages()).as("only the INSERT's frame").containsOnlyKeys(2);
    assertThat(text(insert.pages().get(2))).contains("one");
  }

  @Test
  void aRestartedWalIsReadFromItsNewHeaderAndItsLeftoverFramesAreIgnored() throws Exception {
    Path restarted = wal("restarted");
    assertThat(Files.size(restarted))
        .as("frames of the WAL before the restart are still in the file")
        .isGreaterThan(WalReader.HEADER + HistoryFixtures.FRAME);
    WalReader.Commit c = new WalReader(restarted).readNewCommits();
    assertThat(c.pages()).as("only the UPDATE after the restart").containsOnlyKeys(2);
    assertThat(text(c.pages().get(2))).contains("two").doesNotContain("one");
  }

  @Test
  void framesAfterTheLastCommitFrameAreNotCommitted() throws Exception {
    WalReader.Commit c = new WalReader(wal("uncommitted-tail")).readNewCommits();
    assertThat(c.pages()).as("the CREATE TABLE alone").containsOnlyKeys(1, 2);
    assertThat(c.pageCount()).isEqualTo(2);
  }

  @Test
  void aTornFrameEndsTheLog() throws Exception {
    WalReader.Commit c = new WalReader(wal("torn-frame")).readNewCommits();
    assertThat(c.pages()).containsOnlyKeys(1, 2);
    assertThat(text(c.pages().get(2))).as("the CREATE TABLE's version").doesNotContain("one");
  }

  @Test
  void aFrameWhoseChecksumDoesNotMatchEndsTheLog() throws Exception {
    WalReader.Commit c = new WalReader(wal("checksum-mismatch")).readNewCommits();
    assertThat(c.pages()).containsOnlyKeys(1, 2);
    assertThat(text(c.pages().get(2))).doesNotContain("one");
  }

  @Test
  void aHeaderWhoseChecksumDoesNotMatchHoldsNoCommit() throws Exception {
    assertThat(new WalReader(wal("header-checksum-mismatch")).readNewCommits()).isNull();
  }

  @Test
  void bigEndianChecksumsAreFollowed() throws Exception {
    WalReader.Commit c = new WalReader(wal("big-endian-checksums")).readNewCommits();
    assertThat(c.pages()).containsOnlyKeys(1, 2);
    assertThat(text(c.pages().get(2))).contains("one");
  }

  @Test
  void aMissingOrShortWalHoldsNoCommit() throws Exception {
    assertThat(new WalReader(dir.resolve("none-wal")).readNewCommits()).isNull();
    Path shortWal = dir.resolve("short-wal");
    Files.write(shortWal, Arrays.copyOf(Files.readAllBytes(wal("two-commits")), 20));
    assertThat(new WalReader(shortWal).readNewCommits()).isNull();
  }

  @Test
  void commitsLargerThanOneReadAreReadWholeAndInOrder() throws Exception {
    // Written by SQLite: a commit of several MB of 512-byte pages spans many of the reader's runs
    // of frames, and the second commit starts inside a run.
    Path db = dir.resolve("big.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA page_size=512");
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA wal_autocheckpoint=0");
      st.execute("CREATE TABLE t(a)");
      st.execute(
          "INSERT INTO t WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x <"
              + " 6000) SELECT printf('%0400d', x) FROM n");
      st.execute("UPDATE t SET a = printf('%0400d', -rowid) WHERE rowid % 2 = 0");
      WalReader reader = new WalReader(Path.of(db + "-wal"));
      WalReader.Commit both = reader.readNewCommits();
      assertThat(Files.size(Path.of(db + "-wal"))).isGreaterThan(2L << 20);
      // A commit names where its pages are in the WAL: read them before the checkpoint empties it.
      java.util.Map<Integer, byte[]> pages = both.pages();
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      byte[] file = Files.readAllBytes(db);
      assertThat(both.pageCount()).isEqualTo(file.length / 512);
      assertThat(pages).hasSize(both.pageCount());
      for (var e : pages.entrySet()) {
        int at = (e.getKey() - 1) * 512;
        assertThat(e.getValue())
            .as("page %d as the checkpoint wrote it", e.getKey())
            .isEqualTo(Arrays.copyOfRange(file, at, at + 512));
      }
    }
  }

  @Test
  void aWalRestartedOrTruncatedInPlaceBetweenReadsIsFollowedThroughTheOpenFile() throws Exception {
    // The reader keeps the WAL open across calls. SQLite restarts the WAL in place after a complete
    // checkpoint (RESTART: new salts, old frames left behind; TRUNCATE: cut to nothing first), so
    // each call after one must read exactly the commits made since, none of the frames before.
    Path db = dir.resolve("restart.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      walMode(st);
      st.execute("CREATE TABLE t(a)");
      st.execute("INSERT INTO t VALUES ('first')");
      WalReader reader = new WalReader(Path.of(db + "-wal"));
      assertThat(reader.readNewCommits().pages()).containsOnlyKeys(1, 2);

      st.execute("PRAGMA wal_checkpoint(RESTART)");
      assertThat(reader.readNewCommits()).as("a checkpoint commits nothing").isNull();
      st.execute("UPDATE t SET a = 'second'");
      WalReader.Commit afterRestart = reader.readNewCommits();
      assertThat(afterRestart.pages()).as("the UPDATE alone").containsOnlyKeys(2);
      assertThat(text(afterRestart.pages().get(2))).contains("second").doesNotContain("first");

      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      assertThat(Files.size(Path.of(db + "-wal"))).isZero();
      assertThat(reader.readNewCommits()).isNull();
      st.execute("UPDATE t SET a = 'third'");
      st.execute("INSERT INTO t VALUES ('fourth')");
      WalReader.Commit afterTruncate = reader.readNewCommits();
      assertThat(afterTruncate.pages()).containsOnlyKeys(2);
      assertThat(text(afterTruncate.pages().get(2)))
          .contains("third", "fourth")
          .doesNotContain("second");
      assertThat(afterTruncate.pageCount()).isEqualTo(2);
      assertThat(reader.readNewCommits()).isNull();
    }
  }

  @Test
  void aWalDeletedAndMadeAgainIsReadAfterAReset() throws Exception {
    // SQLite deletes the WAL when the last connection closes, and the next connection makes a new
    // file: the reader's open file is then the deleted one, which never gains a frame. After a
    // reset (the writer closed) the next call opens the new file and reads all of its commits.
    Path db = dir.resolve("deleted.sqlite");
    Path walFile = Path.of(db + "-wal");
    WalReader reader = new WalReader(walFile);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      walMode(st);
      st.execute("CREATE TABLE t(a)");
      assertThat(reader.readNewCommits().pages()).containsOnlyKeys(1, 2);
    }
    assertThat(walFile).as("SQLite deleted it on close").doesNotExist();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_autocheckpoint=0");
      st.execute("INSERT INTO t VALUES ('after')");
      assertThat(reader.readNewCommits())
          .as("without a reset the reader still reads the deleted file")
          .isNull();
      reader.reset();
      WalReader.Commit c2 = reader.readNewCommits();
      assertThat(c2.pages()).as("the INSERT in the new WAL").containsOnlyKeys(2);
      assertThat(text(c2.pages().get(2))).contains("after");
      assertThat(reader.readNewCommits()).isNull();
    }
    reader.reset();
  }

  private static void walMode(Statement st) throws java.sql.SQLException {
    st.execute("PRAGMA page_size=" + HistoryFixtures.PAGE_SIZE);
    st.execute("PRAGMA journal_mode=WAL");
    st.execute("PRAGMA wal_autocheckpoint=0");
  }

  /** Where the frame after the first commit frame starts. */
  private static int endOfFirstCommit(byte[] wal) {
    ByteBuffer b = ByteBuffer.wrap(wal);
    for (int pos = WalReader.HEADER; ; pos += HistoryFixtures.FRAME) {
      if (b.getInt(pos + 4) != 0) {
        return pos + HistoryFixtures.FRAME;
      }
    }
  }
}
