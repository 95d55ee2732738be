package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The on-disk form of a {@link HistoryRecord}: a header (magic, format version, body length), the
 * body, and a CRC32C of the body, so a torn write at the end of a segment is recognised and cut
 * off. The chained hash covers the previous hash and the body's content, so a bookmark's hash binds
 * it to every commit before it in this database's history.
 */
final class RecordCodec {

  static final int MAGIC = 0x4f314852; // "O1HR"
  static final int FORMAT = 1;
  static final int HEADER = 12;
  static final int TRAILER = 4;

  private RecordCodec() {}

  /** The hash every database's chain starts from: bound to the database's id. */
  static byte[] seedHash(String databaseId) {
    return sha16(
        new byte[0], ("opend1:" + databaseId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Builds a record with its chained hash. */
  static HistoryRecord make(
      byte[] previousHash,
      long seq,
      long timeMicros,
      int type,
      int pageSize,
      int pageCount,
      Map<Integer, byte[]> pages,
      long restoredFrom) {
    HistoryRecord unhashed =
        new HistoryRecord(
            seq, timeMicros, type, pageSize, pageCount, pages, restoredFrom, new byte[16]);
    byte[] content = body(unhashed, false);
    return new HistoryRecord(
        seq,
        timeMicros,
        type,
        pageSize,
        pageCount,
        pages,
        restoredFrom,
        sha16(previousHash, content));
  }

  /**
   * The hash a decoded record must carry when it follows a record whose hash is {@code previous}.
   */
  static byte[] rehash(byte[] previous, HistoryRecord r) {
    return make(
            previous,
            r.seq(),
            r.timeMicros(),
            r.type(),
            r.pageSize(),
            r.pageCount(),
            r.pages(),
            r.restoredFrom())
        .hash();
  }

  /** The record as bytes to append. */
  static ByteBuffer encode(HistoryRecord r) {
    byte[] body = body(r, true);
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer b = ByteBuffer.allocate(HEADER + body.length + TRAILER);
    b.putInt(MAGIC).putInt(FORMAT).putInt(body.length).put(body).putInt((int) crc.getValue());
    return b.flip();
  }

  /** Body length from a header, or -1 when the header is not a record's. */
  static int bodyLength(ByteBuffer header) throws IOException {
    if (header.getInt(0) != MAGIC) {
      return -1;
    }
    if (header.getInt(4) != FORMAT) {
      throw new IOException("history record format " + header.getInt(4) + " is not " + FORMAT);
    }
    return header.getInt(8);
  }

  /** Decodes a body and its CRC; null when the CRC does not match (a torn write). */
  static HistoryRecord decode(ByteBuffer bodyAndCrc, int bodyLength, boolean withPages) {
    byte[] body = new byte[bodyLength];
    bodyAndCrc.get(0, body);
    CRC32C crc = new CRC32C();
    crc.update(body);
    if ((int) crc.getValue() != bodyAndCrc.getInt(bodyLength)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(body);
    long seq = b.getLong();
    long time = b.getLong();
    int type = b.get();
    int pageSize = b.getInt();
    int pageCount = b.getInt();
    long restoredFrom = b.getLong();
    int n = b.getInt();
    Map<Integer, byte[]> pages = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      int pgno = b.getInt();
      if (withPages) {
        byte[] page = new byte[pageSize];
        b.get(page);
        pages.put(pgno, page);
      } else {
        b.position(b.position() + pageSize);
      }
    }
    byte[] hash = new byte[16];
    b.get(hash);
    return new HistoryRecord(seq, time, type, pageSize, pageCount, pages, restoredFrom, hash);
  }

  private static byte[] body(HistoryRecord r, boolean withHash) {
    int size =
        8 + 8 + 1 + 4 + 4 + 8 + 4 + r.pages().size() * (4 + r.pageSize()) + (withHash ? 16 : 0);
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putLong(r.seq()).putLong(r.timeMicros()).put((byte) r.type());
    b.putInt(r.pageSize()).putInt(r.pageCount()).putLong(r.restoredFrom()).putInt(r.pages().size());
    for (Map.Entry<Integer, byte[]> e : new TreeMap<>(r.pages()).entrySet()) {
      b.putInt(e.getKey()).put(e.getValue());
    }
    if (withHash) {
      b.put(r.hash());
    }
    return b.array();
  }

  private static byte[] sha16(byte[] previous, byte[] content) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(previous);
      d.update(content);
      return Arrays.copyOf(d.digest(), 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
