package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the frames a commit appended to a SQLite WAL file.
 *
 * <p>A WAL is a 32-byte header (magic, version, page size, checkpoint sequence, two salts, a
 * checksum) and frames: a 24-byte header (page number, the database size in pages on a commit frame
 * else 0, the two salts, a cumulative checksum) and one page. SQLite restarts the WAL from the top
 * after a checkpoint, with new salts; frames whose salts or checksums do not match are left over
 * from before and not part of the log. The reader remembers where the last commit it read ended,
 * the salts, and the running checksum, so each call reads only the new frames and verifies them.
 */
final class WalReader {

  static final int HEADER = 32;
  static final int FRAME_HEADER = 24;

  /** Bytes of frames read at once at most. */
  private static final int RUN_BYTES = 1 << 20;

  private final Path wal;

  /** Where the next unread frame starts, or 0 before the header was read. */
  private long offset;

  private int salt1;
  private int salt2;
  private int pageSize;
  private boolean bigEndianChecksums;
  private int checksum1;
  private int checksum2;

  WalReader(Path wal) {
    this.wal = wal;
  }

  /** The pages of one or more commits, last version of each page, and the size after them. */
  record Commit(Map<Integer, byte[]> pages, int pageCount, int pageSize) {}

  /**
   * Reads every complete commit appended since the last call: the pages they changed (the last
   * version of each) and the database size after the last one. Null when nothing new was committed.
   */
  Commit readNewCommits() throws IOException {
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER) {
        return null;
      }
      ByteBuffer header = read(ch, 0, HEADER);
      int s1 = header.getInt(16);
      int s2 = header.getInt(20);
      if (offset == 0 || s1 != salt1 || s2 != salt2) {
        // A new WAL (or one restarted after a checkpoint): start from its first frame.
        if (!startAt(header)) {
          return null;
        }
      }
      Map<Integer, byte[]> pending = new LinkedHashMap<>();
      Map<Integer, byte[]> committed = new LinkedHashMap<>();
      int pageCount = 0;
      long pos = offset;
      int c1 = checksum1;
      int c2 = checksum2;
      int frameSize = FRAME_HEADER + pageSize;
      // The new frames are read a run at a time (one read call, not one per frame): a commit of a
      // few pages is usually one read.
      ByteBuffer run = null;
      long runStart = pos;
      while (pos + frameSize <= size) {
        if (run == null || pos + frameSize > runStart + run.limit()) {
          int frames = (int) Math.min((size - pos) / frameSize, Math.max(1, RUN_BYTES / frameSize));
          run = read(ch, pos, frames * frameSize);
          runStart = pos;
        }
        ByteBuffer frame = run.slice((int) (pos - runStart), frameSize);
        int pgno = frame.getInt(0);
        int commitSize = frame.getInt(4);
        if (frame.getInt(8) != salt1 || frame.getInt(12) != salt2) {
          break;
        }
        int[] sum = checksum(frame, 0, 8, c1, c2);
        sum = checksum(frame, FRAME_HEADER, pageSize, sum[0], sum[1]);
        if (sum[0] != frame.getInt(16) || sum[1] != frame.getInt(20)) {
          break;
        }
        c1 = sum[0];
        c2 = sum[1];
        byte[] page = new byte[pageSize];
        frame.get(FRAME_HEADER, page);
        pending.put(pgno, page);
        pos += frameSize;
        if (commitSize != 0) {
          committed.putAll(pending);
          pending.clear();
          pageCount = commitSize;
          offset = pos;
          checksum1 = c1;
          checksum2 = c2;
        }
      }
      return committed.isEmpty() ? null : new Commit(committed, pageCount, pageSize);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Forgets the position, so the next read starts from the WAL's header. */
  void reset() {
    offset = 0;
  }

  private boolean startAt(ByteBuffer header) {
    int magic = header.getInt(0);
    if (magic != 0x377f0682 && magic != 0x377f0683) {
      return false;
    }
    bigEndianChecksums = magic == 0x377f0683;
    pageSize = header.getInt(8);
    if (pageSize == 1) {
      pageSize = 65536;
    }
    int[] sum = checksum(header, 0, 24, 0, 0);
    if (sum[0] != header.getInt(24) || sum[1] != header.getInt(28)) {
      return false;
    }
    salt1 = header.getInt(16);
    salt2 = header.getInt(20);
    checksum1 = sum[0];
    checksum2 = sum[1];
    offset = HEADER;
    return true;
  }

  /** SQLite's WAL checksum over {@code len} bytes (a multiple of 8), continuing from (s1, s2). */
  private int[] checksum(ByteBuffer b, int from, int len, int s1, int s2) {
    ByteBuffer view =
        b.duplicate().order(bigEndianChecksums ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < from + len; i += 8) {
      s1 += view.getInt(i) + s2;
      s2 += view.getInt(i + 4) + s1;
    }
    return new int[] {s1, s2};
  }

  private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(len);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw new IOException("WAL ended early");
      }
    }
    return buf.flip().order(ByteOrder.BIG_ENDIAN);
  }

  static boolean exists(Path wal) {
    return Files.exists(wal);
  }
}
