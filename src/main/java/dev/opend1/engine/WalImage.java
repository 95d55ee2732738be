package dev.opend1.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the page writes of a {@link StateImage} as a SQLite write-ahead log beside an unchanged
 * base file: one transaction holding the newest version of each page the image changes, ending in a
 * commit frame of page 1 (always there, so the commit frame always exists) that carries the state's
 * size. SQLite opening the base read-only then sees exactly the image's state, and the base is
 * never written: a read-only connection cannot checkpoint. The format is SQLite's "WAL file format"
 * (fileformat2.html §4): a 32-byte header, then frames of a 24-byte header and one page, each
 * checksummed over everything before it; big-endian checksums (magic {@code 0x377f0683}).
 */
final class WalImage {

  private static final int MAGIC_BIG_ENDIAN = 0x377f0683;
  private static final int FORMAT_VERSION = 3007000;
  private static final int HEADER_BYTES = 32;
  private static final int FRAME_HEADER_BYTES = 24;

  private WalImage() {}

  /**
   * Writes {@code wal} so that {@code base} (a whole earlier image of the same history, the image's
   * own base) read with it holds {@code image}'s state. Returns the bytes written.
   */
  static long write(StateImage image, Path base, Path wal) throws IOException {
    int pageSize = image.pageSize();
    // First pass: which write of each page is its newest (by position in the reader's order), so
    // the log holds each page once; memory is two ints per changed page, not the pages.
    Map<Integer, Integer> newest = new HashMap<>();
    int n = 0;
    try (StateImage.PageReader reader = image.openPages()) {
      for (StateImage.Page p; (p = reader.next()) != null; n++) {
        newest.put(p.number(), n);
      }
    }
    byte[] first = null;
    try (FileChannel out =
            FileChannel.open(
                wal,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        StateImage.PageReader reader = image.openPages()) {
      int salt1 = ThreadLocalRandom.current().nextInt();
      int salt2 = ThreadLocalRandom.current().nextInt();
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
      header.putInt(MAGIC_BIG_ENDIAN).putInt(FORMAT_VERSION).putInt(pageSize).putInt(0);
      header.putInt(salt1).putInt(salt2);
      int[] sum = checksum(new int[] {0, 0}, header.array(), 0, 24);
      header.putInt(sum[0]).putInt(sum[1]).flip();
      writeFully(out, header);
      Frames frames = new Frames(out, pageSize, salt1, salt2, sum);
      n = 0;
      for (StateImage.Page p; (p = reader.next()) != null; n++) {
        if (newest.get(p.number()) != n || p.number() > image.pageCount()) {
          continue;
        }
        if (p.number() == 1) {
          first = p.bytes();
        } else {
          frames.write(p.number(), p.bytes(), 0);
        }
      }
      // Page 1 last, as the commit frame: it always exists, and it carries the state's size.
      frames.write(1, first != null ? first : readPage(base, 1, pageSize), image.pageCount());
      return out.size();
    }
  }

  /** Appends frames, each checksummed over the ones before it. */
  private static final class Frames {
    private final FileChannel out;
    private final int pageSize;
    private final int salt1;
    private final int salt2;
    private int[] sum;
    private final ByteBuffer frame;

    Frames(FileChannel out, int pageSize, int salt1, int salt2, int[] headerSum) {
      this.out = out;
      this.pageSize = pageSize;
      this.salt1 = salt1;
      this.salt2 = salt2;
      this.sum = headerSum;
      this.frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + pageSize).order(ByteOrder.BIG_ENDIAN);
    }

    /** One frame; {@code commitSize} is the state's size in pages on a commit frame, else 0. */
    void write(int number, byte[] page, int commitSize) throws IOException {
      frame.clear();
      frame.putInt(number).putInt(commitSize).putInt(salt1).putInt(salt2);
      frame.position(FRAME_HEADER_BYTES);
      frame.put(page, 0, pageSize);
      sum = checksum(sum, frame.array(), 0, 8);
      sum = checksum(sum, frame.array(), FRAME_HEADER_BYTES, pageSize);
      frame.putInt(16, sum[0]).putInt(20, sum[1]);
      frame.flip();
      writeFully(out, frame);
    }
  }

  /** SQLite's WAL checksum over big-endian 32-bit word pairs, continued from {@code s}. */
  private static int[] checksum(int[] s, byte[] bytes, int from, int length) {
    ByteBuffer b = ByteBuffer.wrap(bytes, from, length).order(ByteOrder.BIG_ENDIAN);
    int s0 = s[0];
    int s1 = s[1];
    while (b.remaining() >= 8) {
      s0 += b.getInt() + s1;
      s1 += b.getInt() + s0;
    }
    return new int[] {s0, s1};
  }

  private static byte[] readPage(Path file, int number, int pageSize) throws IOException {
    ByteBuffer page = ByteBuffer.allocate(pageSize);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long at = (long) (number - 1) * pageSize;
      while (page.hasRemaining() && in.read(page, at + page.position()) >= 0) {
        // reads until the page is whole or the file ends
      }
    }
    if (page.hasRemaining()) {
      throw new IOException("page " + number + " is missing from " + file);
    }
    return page.array();
  }

  private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }
}
