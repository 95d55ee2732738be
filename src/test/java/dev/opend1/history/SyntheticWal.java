package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A WAL of one commit written frame by frame as SQLite writes it (little-endian checksums), of any
 * size without holding it: pages 1..n, each filled from its number ({@link #page}), page 1 written
 * twice (first an older version) so the reader must keep a page's last frame.
 */
final class SyntheticWal {

  static final int PAGE_SIZE = 4096;

  private SyntheticWal() {}

  /** The content of page {@code pgno} in version {@code version}. */
  static byte[] page(int pgno, int version) {
    ByteBuffer b = ByteBuffer.allocate(PAGE_SIZE);
    while (b.hasRemaining()) {
      b.putInt(pgno * 31 + version).putInt(b.position());
    }
    return b.array();
  }

  /** Writes a WAL of one commit changing pages 1..n to {@code wal}. */
  static void write(Path wal, int n) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            wal,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer header = ByteBuffer.allocate(WalReader.HEADER);
      header.putInt(0x377f0682).putInt(3007000).putInt(PAGE_SIZE).putInt(0);
      header.putInt(0x1234).putInt(0x5678);
      long sum = sum(header.array(), 0, 24, 0, 0);
      header.putInt((int) (sum >>> 32)).putInt((int) sum).flip();
      long at = ch.write(header, 0);
      ByteBuffer frame = ByteBuffer.allocate(WalReader.FRAME_HEADER + PAGE_SIZE);
      for (int i = 0; i <= n; i++) {
        int pgno = i == 0 ? 1 : i;
        int version = i == 0 ? 0 : 1;
        frame.clear();
        frame.putInt(pgno).putInt(i == n ? n : 0).putInt(0x1234).putInt(0x5678);
        frame.put(WalReader.FRAME_HEADER, page(pgno, version));
        sum = sum(frame.array(), 0, 8, (int) (sum >>> 32), (int) sum);
        sum = sum(frame.array(), WalReader.FRAME_HEADER, PAGE_SIZE, (int) (sum >>> 32), (int) sum);
        frame.putInt(16, (int) (sum >>> 32)).putInt(20, (int) sum).clear();
        while (frame.hasRemaining()) {
          at += ch.write(frame, at);
        }
      }
    }
  }

  /** SQLite's WAL checksum with little-endian words, continuing from (s1, s2). */
  private static long sum(byte[] b, int from, int len, int s1, int s2) {
    ByteBuffer w = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < from + len; i += 8) {
      s1 += w.getInt(i) + s2;
      s2 += w.getInt(i + 4) + s1;
    }
    return ((long) s1 << 32) | (s2 & 0xffffffffL);
  }
}
