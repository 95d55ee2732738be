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

  /** The longest body a record holds: its length is a signed 32-bit field of the header. */
  static final long MAX_BODY = Integer.MAX_VALUE - HEADER - TRAILER;

  /** The body's fields before its pages: seq, time, type, page size, count, restoredFrom, n. */
  static final int FIELDS = 8 + 8 + 1 + 4 + 4 + 8 + 4;

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

  /** The body length of a PAGES record of {@code pages} pages of {@code pageSize} bytes. */
  static long bodyLength(int pages, int pageSize) {
    return FIELDS + (long) pages * (4 + pageSize) + 16;
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
    int size = FIELDS + r.pages().size() * (4 + r.pageSize()) + (withHash ? 16 : 0);
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putLong(r.seq()).putLong(r.timeMicros()).put((byte) r.type());
    b.putInt(r.pageSize()).putInt(r.pageCount()).putLong(r.restoredFrom()).putInt(r.pages().size());
    for (Map.Entry<Integer, byte[]> e : byPage(r.pages()).entrySet()) {
      b.putInt(e.getKey()).put(e.getValue());
    }
    if (withHash) {
      b.put(r.hash());
    }
    return b.array();
  }

  private static byte[] sha16(byte[] previous, byte[] content) {
    return sha16(previous, content, 0, content.length);
  }

  /** The first 16 bytes of SHA-256 over {@code previous}, then {@code length} bytes of content. */
  private static byte[] sha16(byte[] previous, byte[] content, int offset, int length) {
    MessageDigest d = sha256();
    d.update(previous);
    d.update(content, offset, length);
    return sha16(d);
  }

  /** The first 16 bytes of what {@code d} was fed; resets it for the thread's next record. */
  static byte[] sha16(MessageDigest d) {
    return Arrays.copyOf(d.digest(), 16);
  }

  /** This thread's SHA-256 digest, for a hash fed in parts ({@link CommitWriter}). */
  static MessageDigest sha256() {
    return SHA_256.get();
  }

  /**
   * A SHA-256 digest per thread, made once: looking one up in the JDK's providers (a lookup and a
   * new object each time) is work the writer's thread need not repeat at every commit.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JDK has SHA-256", e);
            }
          });

  /** The pages in page order: the map itself when it is already sorted so (the WAL reader's). */
  private static Map<Integer, byte[]> byPage(Map<Integer, byte[]> pages) {
    return pages instanceof TreeMap<Integer, byte[]> t && t.comparator() == null
        ? t
        : new TreeMap<>(pages);
  }
}
