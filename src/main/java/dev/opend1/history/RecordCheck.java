package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Verifies one record in a segment without holding its pages: its body is read a buffer at a time
 * (at most {@link #BUFFER_BYTES}) through the CRC32C, and, when the previous record's hash is
 * given, through the chained hash, keeping only the fields before the pages and the hash. Opening a
 * history, checking one and replaying a large record so read a record of any size with a bounded
 * heap.
 */
final class RecordCheck {

  /** Bytes read at once at most: a record up to this size is one read. */
  static final int BUFFER_BYTES = 1 << 20;

  private RecordCheck() {}

  /**
   * A whole record as read: without its pages, its encoded length, and whether its hash continues
   * the previous one given (true when none was).
   */
  record Checked(HistoryRecord record, int length, boolean chainHolds) {}

  /**
   * The record at {@code pos} when it is whole before {@code limit} and its CRC holds; null when it
   * is not (a torn or damaged record, or no record at all). {@code previousHash} may be null: the
   * chain is then not checked.
   */
  static Checked read(FileChannel ch, long pos, long limit, byte[] previousHash)
      throws IOException {
    if (limit - pos < RecordCodec.HEADER) {
      return null;
    }
    int len = RecordCodec.bodyLength(SegmentLog.read(ch, pos, RecordCodec.HEADER));
    long total = (long) RecordCodec.HEADER + len + RecordCodec.TRAILER;
    if (len < RecordCodec.FIELDS + 16 || pos + total > limit) {
      return null;
    }
    byte[] fields = new byte[RecordCodec.FIELDS];
    byte[] hash = new byte[16];
    byte[] trailer = new byte[RecordCodec.TRAILER];
    CRC32C crc = new CRC32C();
    MessageDigest digest = previousHash == null ? null : RecordCodec.sha256();
    if (digest != null) {
      digest.reset();
      digest.update(previousHash);
    }
    ByteBuffer buf =
        ByteBuffer.allocate((int) Math.min((long) len + RecordCodec.TRAILER, BUFFER_BYTES));
    long bodyAt = pos + RecordCodec.HEADER;
    // Body coordinates: [0, len) the body, the hash its last 16 bytes, then the trailer's CRC.
    for (long done = 0; done < total - RecordCodec.HEADER; ) {
      int n = (int) Math.min(buf.capacity(), total - RecordCodec.HEADER - done);
      buf.clear().limit(n);
      while (buf.hasRemaining()) {
        if (ch.read(buf, bodyAt + done + buf.position()) < 0) {
          return null;
        }
      }
      byte[] a = buf.array();
      copy(a, done, n, fields, 0);
      copy(a, done, n, hash, len - 16);
      copy(a, done, n, trailer, len);
      int inBody = (int) Math.max(0, Math.min(n, len - done));
      crc.update(a, 0, inBody);
      if (digest != null) {
        digest.update(a, 0, (int) Math.max(0, Math.min(n, len - 16 - done)));
      }
      done += n;
    }
    if ((int) crc.getValue() != ByteBuffer.wrap(trailer).getInt()) {
      return null;
    }
    boolean chainHolds = digest == null || Arrays.equals(RecordCodec.sha16(digest), hash);
    ByteBuffer f = ByteBuffer.wrap(fields);
    HistoryRecord r =
        new HistoryRecord(
            f.getLong(), f.getLong(), f.get(), f.getInt(), f.getInt(), Map.of(), f.getLong(), hash);
    return new Checked(r, (int) total, chainHolds);
  }

  /**
   * Copies what of {@code src}'s first {@code n} bytes, which sit at {@code srcAt} of the body,
   * falls in {@code dst}, which sits at {@code dstAt} of the body.
   */
  private static void copy(byte[] src, long srcAt, int n, byte[] dst, long dstAt) {
    long from = Math.max(srcAt, dstAt);
    long to = Math.min(srcAt + n, dstAt + dst.length);
    if (from < to) {
      System.arraycopy(src, (int) (from - srcAt), dst, (int) (from - dstAt), (int) (to - from));
    }
  }
}
