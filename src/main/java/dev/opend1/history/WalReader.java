package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the frames a commit appended to a SQLite WAL file.
 *
 * <p>A WAL is a 32-byte header (magic, version, page size, checkpoint sequence, two salts, a
 * checksum) and frames: a 24-byte header (page number, the database size in pages on a commit frame
 * else 0, the two salts, a cumulative checksum) and one page. SQLite restarts the WAL from the top
 * after a checkpoint, with new salts; frames whose salts or checksums do not match are left over
 * from before and not part of the log. The reader remembers where the last commit it read ended,
 * the salts, and the running checksum, so each call reads only the new frames and verifies them.
 *
 * <p>The file stays open from one call to the next (opening it cost the writer more than reading a
 * commit's frames). That is right as long as the path names the same file: SQLite restarts and
 * truncates a WAL in place (the header's new salts say so), but deletes it when its last connection
 * closes, and a new file replaces it at the next open. So whoever closes the database calls {@link
 * #reset} before the next connection opens (the engine's {@code CommitHook}: the writer closed, and
 * before a database opens), and the next call opens the file again.
 */
final class WalReader {

  static final int HEADER = 32;
  static final int FRAME_HEADER = 24;

  /** Bytes of frames read at once at most. */
  private static final int RUN_BYTES = 1 << 20;

  private final Path wal;

  /** The open WAL, or null until the next call opens it. */
  private FileChannel channel;

  /** Reused for each call's read of the WAL header. */
  private final ByteBuffer header = ByteBuffer.allocate(HEADER);

  /**
   * Reused for the frames read at once; grows to the largest run read, at most {@link #RUN_BYTES}.
   */
  private ByteBuffer run = ByteBuffer.allocate(0);

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

  /**
   * The pages of one or more commits, last version of each page in page order, and the size after
   * them.
   */
  record Commit(Map<Integer, byte[]> pages, int pageCount, int pageSize) {}

  /**
   * Reads every complete commit appended since the last call: the pages they changed (the last
   * version of each) and the database size after the last one. Null when nothing new was committed.
   */
  synchronized Commit readNewCommits() throws IOException {
    FileChannel ch = channel;
    if (ch == null) {
      try {
        ch = FileChannel.open(wal, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        return null;
      }
      channel = ch;
    }
    long size = ch.size();
    if (size < HEADER) {
      return null;
    }
    read(ch, header, 0, HEADER);
    int s1 = header.getInt(16);
    int s2 = header.getInt(20);
    if (offset == 0 || s1 != salt1 || s2 != salt2) {
      // A new WAL (or one restarted after a checkpoint): start from its first frame.
      if (!startAtHeader()) {
        return null;
      }
    }
    Map<Integer, byte[]> pending = new TreeMap<>();
    Map<Integer, byte[]> committed = new TreeMap<>();
    int pageCount = 0;
    long pos = offset;
    int c1 = checksum1;
    int c2 = checksum2;
    int frameSize = FRAME_HEADER + pageSize;
    // The new frames are read a run at a time (one read call, not one per frame): a commit of a few
    // pages is usually one read.
    ByteBuffer frames = null;
    long runStart = pos;
    while (pos + frameSize <= size) {
      if (frames == null || pos + frameSize > runStart + frames.limit()) {
        int n = (int) Math.min((size - pos) / frameSize, Math.max(1, RUN_BYTES / frameSize));
        frames = runOf(n * frameSize);
        read(ch, frames, pos, n * frameSize);
        runStart = pos;
      }
      int at = (int) (pos - runStart);
      int pgno = frames.getInt(at);
      int commitSize = frames.getInt(at + 4);
      if (frames.getInt(at + 8) != salt1 || frames.getInt(at + 12) != salt2) {
        break;
      }
      long sum = checksum(frames, at, 8, c1, c2);
      sum = checksum(frames, at + FRAME_HEADER, pageSize, (int) (sum >>> 32), (int) sum);
      if ((int) (sum >>> 32) != frames.getInt(at + 16) || (int) sum != frames.getInt(at + 20)) {
        break;
      }
      c1 = (int) (sum >>> 32);
      c2 = (int) sum;
      byte[] page = new byte[pageSize];
      frames.get(at + FRAME_HEADER, page);
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
  }

  /**
   * Forgets the position and lets the file go, so the next read opens the WAL again and starts from
   * its header: call it once the WAL may be deleted or replaced (the database's connections
   * closed).
   */
  synchronized void reset() {
    offset = 0;
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // A read-only descriptor: nothing was written through it, so nothing can be lost here.
      }
    }
  }

  private boolean startAtHeader() {
    int magic = header.getInt(0);
    if (magic != 0x377f0682 && magic != 0x377f0683) {
      return false;
    }
    bigEndianChecksums = magic == 0x377f0683;
    pageSize = header.getInt(8);
    if (pageSize == 1) {
      pageSize = 65536;
    }
    long sum = checksum(header, 0, 24, 0, 0);
    if ((int) (sum >>> 32) != header.getInt(24) || (int) sum != header.getInt(28)) {
      return false;
    }
    salt1 = header.getInt(16);
    salt2 = header.getInt(20);
    checksum1 = (int) (sum >>> 32);
    checksum2 = (int) sum;
    offset = HEADER;
    return true;
  }

  /**
   * SQLite's WAL checksum over {@code len} bytes (a multiple of 8) of the big-endian buffer {@code
   * b}, continuing from (s1, s2); the words are read in the order the WAL's magic names. The two
   * sums come back as one long, s1 in the high half.
   */
  private long checksum(ByteBuffer b, int from, int len, int s1, int s2) {
    boolean swap = !bigEndianChecksums;
    for (int i = from; i < from + len; i += 8) {
      int w1 = b.getInt(i);
      int w2 = b.getInt(i + 4);
      if (swap) {
        w1 = Integer.reverseBytes(w1);
        w2 = Integer.reverseBytes(w2);
      }
      s1 += w1 + s2;
      s2 += w2 + s1;
    }
    return ((long) s1 << 32) | (s2 & 0xffffffffL);
  }

  /** The reused run buffer, large enough for {@code len} bytes. */
  private ByteBuffer runOf(int len) {
    if (run.capacity() < len) {
      run = ByteBuffer.allocate(len);
    }
    return run;
  }

  /** Fills {@code buf}'s first {@code len} bytes from the file at {@code pos}; big-endian. */
  private static void read(FileChannel ch, ByteBuffer buf, long pos, int len) throws IOException {
    buf.clear().limit(len);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw new IOException("WAL ended early");
      }
    }
    buf.flip();
  }
}
