package dev.opend1.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes held in memory as a list of chunks, each twice the size of the one before up to {@link
 * #MAX_CHUNK}: growing never copies what is held, where a {@link java.io.ByteArrayOutputStream}
 * copies all of it at each doubling. A write request's answer is held this way until its commit: a
 * batch of 1,000 INSERTs answers about 400 KB, and the copies and the arrays thrown away on the way
 * there cost a tenth of the writer's time.
 */
final class ChunkedBytes {

  /** The first chunk: a small answer takes no more than it did before. */
  private static final int FIRST_CHUNK = 1024;

  /** The largest chunk, so a chunk stays well under G1's region (humongous objects). */
  static final int MAX_CHUNK = 64 * 1024;

  private final List<byte[]> full = new ArrayList<>();
  private byte[] current = new byte[FIRST_CHUNK];
  private int used;
  private long size;

  void write(byte[] b, int off, int len) {
    while (len > 0) {
      if (used == current.length) {
        full.add(current);
        current = new byte[Math.min(MAX_CHUNK, current.length * 2)];
        used = 0;
      }
      int n = Math.min(len, current.length - used);
      System.arraycopy(b, off, current, used, n);
      used += n;
      off += n;
      len -= n;
      size += n;
    }
  }

  long size() {
    return size;
  }

  /** Writes every byte held to {@code out}, in order. */
  void writeTo(OutputStream out) throws IOException {
    for (byte[] chunk : full) {
      out.write(chunk);
    }
    out.write(current, 0, used);
  }
}
