package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit's capture streams its pages from the WAL into the segment ({@link CommitWriter}): the
 * bytes are those {@link RecordCodec#encode} gives for the same pages in memory, and a commit far
 * larger than the heap is captured, read back at the next open ({@link RecordCheck}) and replayed.
 */
class StreamedCaptureTest {

  @TempDir Path dir;

  /**
   * Several commits of a real SQLite WAL (over a megabyte of pages, so several buffers, and pages
   * written more than once) make the same record, byte for byte, both ways.
   */
  @Test
  void aStreamedRecordIsByteForByteTheRecordMadeInMemory() throws Exception {
    Path wal = dir.resolve("copy-wal");
    Path db = dir.resolve("db.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA wal_autocheckpoint=0");
      st.execute("CREATE TABLE t(a)");
      st.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)"
              + " INSERT INTO t SELECT randomblob(3000) FROM n");
      st.execute("UPDATE t SET a = randomblob(100) WHERE rowid % 7 = 0");
      Files.copy(dir.resolve("db.sqlite-wal"), wal); // while open: closing removes the WAL
    }
    WalReader.Commit c = new WalReader(wal).readNewCommits();
    assertThat((long) c.changed() * c.pageSize()).isGreaterThan(2L * CommitWriter.BUFFER_BYTES);
    byte[] previous = RecordCodec.seedHash("streamed");

    HistoryRecord made =
        RecordCodec.make(
            previous, 7, 1_000, HistoryRecord.PAGES, c.pageSize(), c.pageCount(), c.pages(), -1);
    Path segment = dir.resolve("seg");
    SegmentLog.Written written;
    try (FileChannel out =
        FileChannel.open(segment, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(new byte[] {1, 2, 3})); // not at the file's start
      written = new CommitWriter(previous, 7, 1_000, c).writeTo(out, 3);
    }

    byte[] expected = RecordCodec.encode(made).array();
    byte[] actual = Files.readAllBytes(segment);
    assertThat(actual.length - 3).isEqualTo(expected.length).isEqualTo(written.length());
    assertThat(java.util.Arrays.copyOfRange(actual, 3, actual.length)).isEqualTo(expected);
    assertThat(written.record().hash()).isEqualTo(made.hash());

    try (FileChannel in = FileChannel.open(segment)) {
      RecordCheck.Checked read = RecordCheck.read(in, 3, actual.length, previous);
      assertThat(read.record().hash()).isEqualTo(made.hash());
      assertThat(read.record().seq()).isEqualTo(7);
      assertThat(read.record().pageCount()).isEqualTo(c.pageCount());
      assertThat(read.length()).isEqualTo(expected.length);
      assertThat(read.chainHolds()).isTrue();
      assertThat(RecordCheck.read(in, 3, actual.length, RecordCodec.seedHash("other")).chainHolds())
          .as("the chain binds it to the hash before it")
          .isFalse();
      assertThat(RecordCheck.read(in, 3, actual.length - 1, previous))
          .as("a record cut short is torn")
          .isNull();
    }
    actual[3 + expected.length / 2] ^= 1;
    Files.write(segment, actual);
    try (FileChannel in = FileChannel.open(segment)) {
      assertThat(RecordCheck.read(in, 3, actual.length, previous))
          .as("a changed byte fails the CRC")
          .isNull();
    }
  }

  /**
   * A record whose writing fails part way (the WAL unreadable, the disk full) leaves nothing of
   * itself in the segment: the next record goes where it would have, with no partial one before.
   */
  @Test
  void aWriteThatFailsPartWayIsCutOffTheSegment() throws Exception {
    SegmentLog log = new SegmentLog(new LocalHistoryStore(dir), "test-db");
    BookmarkIndex index = new BookmarkIndex(log::entriesOf);
    log.load(index);
    log.seal(0, 0, index);
    HistoryRecord first =
        RecordCodec.make(
            RecordCodec.seedHash("cut"), 0, 0, HistoryRecord.IMAGE, 4096, 1, Map.of(), -1);
    LogEntry e = log.append(SegmentLog.RecordWrite.of(first, RecordCodec.encode(first)));
    SegmentLog.RecordWrite failing =
        new SegmentLog.RecordWrite() {
          @Override
          public long seq() {
            return 1;
          }

          @Override
          public long timeMicros() {
            return 1;
          }

          @Override
          public SegmentLog.Written writeTo(FileChannel out, long at) throws IOException {
            out.write(ByteBuffer.wrap(new byte[100]), at);
            throw new IOException("the WAL ended early");
          }
        };
    assertThatThrownBy(() -> log.append(failing)).hasMessageContaining("ended early");
    log.close();
    assertThat(Files.size(dir.resolve(SegmentLog.segName(0)))).isEqualTo(e.length());
  }

  /**
   * A commit of 96 MB of pages in a JVM of 32 MB of heap: captured, the history opened again and
   * the state replayed into a file. Holding the commit on the heap (twice, as the capture did) runs
   * out of memory; 96 MB rather than hundreds keeps the test to seconds.
   */
  @Test
  void aCommitLargerThanTheHeapIsCapturedReopenedAndReplayed() throws Exception {
    int pages = 96 * 1024 * 1024 / SyntheticWal.PAGE_SIZE;
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx32m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SmallHeapCapture.class.getName());
    cmd.add(dir.toString());
    cmd.add(Integer.toString(pages));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("child.log"))).isZero();

    Path image = dir.resolve("image.db");
    assertThat(Files.size(image)).isEqualTo((long) pages * SyntheticWal.PAGE_SIZE);
    try (FileChannel in = FileChannel.open(image)) {
      for (int pgno : new int[] {1, 2, pages / 2, pages}) {
        assertThat(read(in, pgno)).as("page " + pgno).isEqualTo(SyntheticWal.page(pgno, 1));
      }
    }
  }

  private static byte[] read(FileChannel in, int pgno) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SyntheticWal.PAGE_SIZE);
    while (b.hasRemaining()) {
      in.read(b, (long) (pgno - 1) * SyntheticWal.PAGE_SIZE + b.position());
    }
    return b.array();
  }
}
