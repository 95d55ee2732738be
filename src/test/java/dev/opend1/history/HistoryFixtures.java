package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;

/**
 * Makes the small real files under {@code src/test/resources/history/} that {@link WalReaderTest}
 * and {@link RecordCodecTest} read, one folder per case. Run once by hand when a case is added (the
 * files are committed; salts are random, so each run makes different bytes):
 *
 * <pre>
 * java -cp target/classes:target/test-classes:SQLITE_JDBC_JAR dev.opend1.history.HistoryFixtures \
 *     src/test/resources/history
 * </pre>
 *
 * <p>WAL cases ({@code wal/<case>/db.sqlite-wal}) are written by SQLite itself (512-byte pages, so
 * they stay small); the damaged ones are a real WAL cut or with one byte changed. Segment cases
 * ({@code segment/<case>/seg-0000000000000000.log}) hold the records the history makes of the
 * {@code two-commits} WAL, at fixed times, so the format-1 bytes are pinned.
 */
public final class HistoryFixtures {

  static final int PAGE_SIZE = 512;
  static final int FRAME = WalReader.FRAME_HEADER + PAGE_SIZE;

  /** The database id the segment cases' hash chain starts from. */
  static final String DATABASE_ID = "fixture-db";

  /** The commit time of the segment cases' first record (2026-01-01T00:00:00Z). */
  static final long TIME_MICROS = 1_767_225_600_000_000L;

  private HistoryFixtures() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path work = Files.createTempDirectory("history-fixtures");
    byte[] twoCommits = twoCommits(work.resolve("a"));
    write(root, "wal/two-commits", twoCommits);
    write(root, "wal/restarted", restarted(work.resolve("b")));
    byte[] overflow = overflowCommit(work.resolve("c"));
    write(root, "wal/uncommitted-tail", Arrays.copyOf(overflow, overflow.length - FRAME));
    write(root, "wal/torn-frame", Arrays.copyOf(twoCommits, twoCommits.length - 100));
    write(root, "wal/checksum-mismatch", flip(twoCommits, twoCommits.length - 10));
    write(root, "wal/header-checksum-mismatch", flip(twoCommits, 13));
    write(root, "wal/big-endian-checksums", bigEndian(twoCommits));

    byte[] segment = segment(twoCommits);
    writeSegment(root, "segment/format-1", segment);
    ByteBuffer next = RecordCodec.encode(record(2, HistoryRecord.IMAGE, 2, Map.of(), 0));
    byte[] torn = Arrays.copyOf(segment, segment.length + 20);
    next.get(torn, segment.length, 20);
    writeSegment(root, "segment/torn-tail", torn);
    writeSegment(root, "segment/crc-mismatch", flip(segment, segment.length - 40));
    byte[] future = segment.clone();
    future[7] = 2; // the first record's format version, big-endian int at byte 4
    writeSegment(root, "segment/future-format", future);
  }

  /** {@code CREATE TABLE t(a)} then {@code INSERT INTO t VALUES ('one')}: two commits. */
  private static byte[] twoCommits(Path dir) throws Exception {
    try (Connection c = open(dir)) {
      exec(c, "CREATE TABLE t(a)");
      exec(c, "INSERT INTO t VALUES ('one')");
      return wal(dir);
    }
  }

  /**
   * After the two commits, a checkpoint lets SQLite restart the WAL: a third commit rewrites the
   * header with new salts and its frame overwrites the first, and the older frames stay behind.
   */
  private static byte[] restarted(Path dir) throws Exception {
    try (Connection c = open(dir)) {
      exec(c, "CREATE TABLE t(a)");
      exec(c, "INSERT INTO t VALUES ('one')");
      exec(c, "PRAGMA wal_checkpoint(RESTART)");
      exec(c, "UPDATE t SET a = 'two'");
      return wal(dir);
    }
  }

  /** The two commits' first, then one that needs an overflow page: its commit frame is last. */
  private static byte[] overflowCommit(Path dir) throws Exception {
    try (Connection c = open(dir)) {
      exec(c, "CREATE TABLE t(a)");
      exec(c, "INSERT INTO t VALUES (zeroblob(" + 2 * PAGE_SIZE + "))");
      return wal(dir);
    }
  }

  private static Connection open(Path dir) throws IOException, SQLException {
    Files.createDirectories(dir);
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("db.sqlite"));
    exec(c, "PRAGMA page_size=" + PAGE_SIZE);
    exec(c, "PRAGMA journal_mode=WAL");
    exec(c, "PRAGMA wal_autocheckpoint=0");
    return c;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** The WAL as it is while the connection is open (closing it would checkpoint and remove it). */
  private static byte[] wal(Path dir) throws IOException {
    return Files.readAllBytes(dir.resolve("db.sqlite-wal"));
  }

  private static byte[] flip(byte[] bytes, int at) {
    byte[] copy = bytes.clone();
    copy[at] ^= 0x01;
    return copy;
  }

  /** The same WAL with big-endian checksums (magic 0x377f0683), as a big-endian host writes. */
  private static byte[] bigEndian(byte[] wal) {
    ByteBuffer b = ByteBuffer.wrap(wal.clone());
    b.putInt(0, 0x377f0683);
    int[] sum = sum(b, 0, 24, 0, 0);
    b.putInt(24, sum[0]).putInt(28, sum[1]);
    for (int pos = WalReader.HEADER; pos + FRAME <= wal.length; pos += FRAME) {
      sum = sum(b, pos, 8, sum[0], sum[1]);
      sum = sum(b, pos + WalReader.FRAME_HEADER, PAGE_SIZE, sum[0], sum[1]);
      b.putInt(pos + 16, sum[0]).putInt(pos + 20, sum[1]);
    }
    return b.array();
  }

  /** SQLite's WAL checksum over big-endian words (the file format's definition). */
  private static int[] sum(ByteBuffer b, int from, int len, int s1, int s2) {
    ByteBuffer words = b.duplicate().order(ByteOrder.BIG_ENDIAN);
    for (int i = from; i < from + len; i += 8) {
      s1 += words.getInt(i) + s2;
      s2 += words.getInt(i + 4) + s1;
    }
    return new int[] {s1, s2};
  }

  /** Seq 0 (an IMAGE of 2 pages) and seq 1 (the WAL's pages), chained from the fixture's id. */
  private static byte[] segment(byte[] twoCommits) throws IOException {
    Path wal = Files.createTempFile("two-commits", "-wal");
    Files.write(wal, twoCommits);
    WalReader.Commit c = new WalReader(wal).readNewCommits();
    HistoryRecord first = record(0, HistoryRecord.IMAGE, 2, Map.of(), -1);
    HistoryRecord second =
        RecordCodec.make(
            first.hash(),
            1,
            TIME_MICROS + 1,
            HistoryRecord.PAGES,
            c.pageSize(),
            c.pageCount(),
            c.pages(),
            -1);
    ByteBuffer a = RecordCodec.encode(first);
    ByteBuffer b = RecordCodec.encode(second);
    byte[] out = new byte[a.remaining() + b.remaining()];
    a.get(out, 0, a.remaining());
    b.get(out, out.length - b.remaining(), b.remaining());
    return out;
  }

  private static HistoryRecord record(
      long seq, int type, int pageCount, Map<Integer, byte[]> pages, long restoredFrom) {
    return RecordCodec.make(
        RecordCodec.seedHash(DATABASE_ID),
        seq,
        TIME_MICROS + seq,
        type,
        PAGE_SIZE,
        pageCount,
        pages,
        restoredFrom);
  }

  private static void write(Path root, String folder, byte[] wal) throws IOException {
    Path dir = Files.createDirectories(root.resolve(folder));
    Files.write(dir.resolve("db.sqlite-wal"), wal);
  }

  private static void writeSegment(Path root, String folder, byte[] segment) throws IOException {
    Path dir = Files.createDirectories(root.resolve(folder));
    Files.write(dir.resolve(SegmentLog.segName(0)), segment);
  }
}
