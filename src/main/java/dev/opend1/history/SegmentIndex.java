package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index file of a sealed segment, {@code idx-<first seq>.bin}: every record's {@link LogEntry}
 * (52 bytes each; the pages stay in the segment), so opening a history reads its sealed segments'
 * indexes instead of every byte of their records. Written once, when the segment is sealed (or, for
 * a segment sealed before indexes existed, at the open that scanned it), atomically and durably,
 * after the segment's own fsync.
 *
 * <p>Never trusted blindly: {@link #read} takes it only when its CRC32C holds, it names the
 * segment's exact length, and its entries tile the segment from byte 0 to that length with
 * consecutive seqs starting at the seq in the segment's name. Anything else (a torn or stale file,
 * a segment cut or grown since) reads as absent, and the caller scans the segment and writes the
 * index again.
 *
 * <p>Layout: magic, version, the segment's length, the last record's page size, the entry count,
 * the entries, then the CRC32C of everything before it. Big-endian, as the records are.
 */
final class SegmentIndex {

  static final int MAGIC = 0x4f314849; // "O1HI"
  static final int VERSION = 1;
  private static final int HEADER = 4 + 4 + 8 + 4 + 4;
  private static final int ENTRY = 8 + 8 + 4 + 4 + 16 + 8 + 4;

  private static final Logger LOG = LoggerFactory.getLogger(SegmentIndex.class);

  private SegmentIndex() {}

  /** The index file's name for a segment's name ({@code seg-X.log} → {@code idx-X.bin}). */
  static String nameFor(String segment) {
    return "idx-" + segment.substring(4, 20) + ".bin";
  }

  /** The segment an index file describes, or null when {@code name} is not an index's. */
  static String segmentOf(String name) {
    return name.startsWith("idx-") && name.endsWith(".bin") && name.length() == 24
        ? "seg-" + name.substring(4, 20) + ".log"
        : null;
  }

  /**
   * A sealed segment's entries with the page size of each record.
   *
   * @param entries the records' places, oldest first
   * @param lastPageSize the page size of the segment's last record
   */
  record Entries(List<LogEntry> entries, int lastPageSize) {}

  /**
   * The bytes of the index of a segment {@code length} bytes long holding {@code entries}, whose
   * last record has pages of {@code lastPageSize} bytes.
   */
  static byte[] encode(long length, List<LogEntry> entries, int lastPageSize) {
    ByteBuffer b = ByteBuffer.allocate(HEADER + entries.size() * ENTRY + 4);
    b.putInt(MAGIC).putInt(VERSION).putLong(length).putInt(lastPageSize).putInt(entries.size());
    for (LogEntry e : entries) {
      b.putLong(e.seq()).putLong(e.timeMicros()).putInt(e.type()).putInt(e.pageCount());
      b.put(e.hash()).putLong(e.offset()).putInt(e.length());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /**
   * The entries an index file holds for {@code segment}, whose current length is {@code length};
   * empty unless the file is whole and describes exactly that segment (see the class comment).
   */
  static Optional<Entries> decode(byte[] bytes, String segment, long length) {
    if (bytes == null || bytes.length < HEADER + 4 || (bytes.length - HEADER - 4) % ENTRY != 0) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != b.getInt(bytes.length - 4)
        || b.getInt() != MAGIC
        || b.getInt() != VERSION
        || b.getLong() != length) {
      return Optional.empty();
    }
    int lastPageSize = b.getInt();
    int n = b.getInt();
    if (n != (bytes.length - HEADER - 4) / ENTRY || n == 0) {
      return Optional.empty();
    }
    List<LogEntry> entries = new ArrayList<>(n);
    long expectSeq = SegmentLog.seqOf(segment);
    long expectOffset = 0;
    for (int i = 0; i < n; i++) {
      long seq = b.getLong();
      long time = b.getLong();
      int type = b.getInt();
      int pageCount = b.getInt();
      byte[] hash = new byte[16];
      b.get(hash);
      long offset = b.getLong();
      int len = b.getInt();
      if (seq != expectSeq || offset != expectOffset || len <= 0) {
        return Optional.empty();
      }
      entries.add(new LogEntry(seq, time, type, pageCount, hash, segment, offset, len));
      expectSeq++;
      expectOffset += len;
    }
    return expectOffset == length
        ? Optional.of(new Entries(entries, lastPageSize))
        : Optional.empty();
  }

  /**
   * Reads the index of {@code segment} from the store, as {@link #decode} takes it. An index file
   * whose read fails (an I/O error) is as good as a damaged one: absent, so the caller scans the
   * segment, which holds the truth, rather than fail a request over a shortcut.
   */
  static Optional<Entries> read(HistoryStore store, String segment, long length) {
    byte[] bytes;
    try {
      bytes = store.readSmall(nameFor(segment));
    } catch (IOException e) {
      LOG.warn("index of history segment {} unreadable, scanning it: {}", segment, e.getMessage());
      return Optional.empty();
    }
    return decode(bytes, segment, length);
  }
}
