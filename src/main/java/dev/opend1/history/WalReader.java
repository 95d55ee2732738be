package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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
   * One or more commits as where their pages are in the WAL: the last version of each changed page,
   * in page order, read from the file on demand ({@link #readPage}) so that a commit of any size is
   * never held on the heap. Valid until the WAL is checkpointed or the reader {@link #reset}: the
   * capture copies the pages before the engine checkpoints.
   *
   * @param frames for each changed page, {@code pgno << 32 | frame index} of its last frame, in
   *     page order
   * @param pageCount the database's size in pages after the last commit
   * @param pageSize bytes per page
   */
  record Commit(FileChannel wal, long[] frames, int pageCount, int pageSize) {

    /** The number of pages the commits changed. */
    int changed() {
      return frames.length;
    }

    /** The page number of the {@code i}th changed page. */
    int pgno(int i) {
      return (int) (frames[i] >>> 32);
    }

    /**
     * Reads the {@code i}th changed page into {@code into} from its position on, which advances by
     * a page.
     */
    void readPage(int i, ByteBuffer into) throws IOException {
      long frame = frames[i] & 0xffffffffL;
      long at = HEADER + frame * (FRAME_HEADER + pageSize) + FRAME_HEADER;
      int end = into.position() + pageSize;
      ByteBuffer page = into.slice(into.position(), pageSize);
      while (page.hasRemaining()) {
        if (wal.read(page, at + page.position()) < 0) {
          throw new IOException("WAL ended early");
        }
      }
      into.position(end);
    }

    /** Every changed page read into memory, in page order: for tests and small commits only. */
    Map<Integer, byte[]> pages() throws IOException {
      Map<Integer, byte[]> pages = new TreeMap<>();
      ByteBuffer b = ByteBuffer.allocate(pageSize);
      for (int i = 0; i < frames.length; i++) {
        readPage(i, b.clear());
        pages.put(pgno(i), b.array().clone());
      }
      return pages;
    }
  }

  /**
   * Reads every complete commit appended since the last call: where the last version of each page
   * they changed is, and the database size after the last one. Every new frame is read once to
   * verify its salts and checksum, and only its place is kept (8 bytes a frame). Null when nothing
   * new was committed.
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
    // The frames read, committed ones first: pgno << 32 | frame index (page numbers stay below
    // 2^31 under SQLite's page limit, so the longs sort by page, then by frame).
    long[] seen = new long[16];
    int frameCount = 0;
    int committedFrames = 0;
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
      if (frameCount == seen.length) {
        seen = Arrays.copyOf(seen, frameCount * 2);
      }
      seen[frameCount++] = ((long) pgno << 32) | ((pos - HEADER) / frameSize);
      pos += frameSize;
      if (commitSize != 0) {
        committedFrames = frameCount;
        pageCount = commitSize;
        offset = pos;
        checksum1 = c1;
        checksum2 = c2;
      }
    }
    return committedFrames == 0
        ? null
        : new Commit(ch, lastOfEachPage(seen, committedFrames), pageCount, pageSize);
  }

  /**
   * The first {@code n} frames sorted by page, keeping each page's last frame only (a page written
   * twice in the new commits has two frames; the later one is its version after them).
   */
  private static long[] lastOfEachPage(long[] frames, int n) {
    Arrays.sort(frames, 0, n);
    int kept = 0;
    for (int i = 0; i < n; i++) {
      boolean lastOfPage = i == n - 1 || (frames[i] >>> 32) != (frames[i + 1] >>> 32);
      if (lastOfPage) {
        frames[kept++] = frames[i];
      }
    }
    return Arrays.copyOf(frames, kept);
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
