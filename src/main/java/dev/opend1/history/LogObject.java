package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of one log object in object storage: the same bytes as in a local segment, from one
 * seq on. Decoding checks each record's CRC, that seqs follow one another and, given the hash
 * before the first record, the hash chain, so a torn, truncated or altered object is found.
 */
final class LogObject {

  private LogObject() {}

  /** One record's place in the object. */
  record Entry(long seq, long timeMicros, byte[] hash, int offset, int length) {}

  /**
   * Decodes every record of {@code bytes}. With {@code previousHash} (the hash of the record before
   * the first one, or null when unknown) every record's hash is recomputed and checked.
   *
   * @throws IOException naming {@code name} when a record is damaged, out of order or breaks the
   *     chain
   */
  static List<Entry> decode(String name, byte[] bytes, long firstSeq, byte[] previousHash)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    ByteBuffer all = ByteBuffer.wrap(bytes);
    int pos = 0;
    long expected = firstSeq;
    byte[] previous = previousHash;
    while (pos < bytes.length) {
      if (bytes.length - pos < RecordCodec.HEADER) {
        throw new IOException(name + " ends in the middle of a record at byte " + pos);
      }
      int len = RecordCodec.bodyLength(all.slice(pos, RecordCodec.HEADER));
      int total = RecordCodec.HEADER + len + RecordCodec.TRAILER;
      if (len <= 0 || pos + (long) total > bytes.length) {
        throw new IOException(name + " is damaged or cut short at byte " + pos);
      }
      HistoryRecord r =
          RecordCodec.decode(
              all.slice(pos + RecordCodec.HEADER, len + RecordCodec.TRAILER),
              len,
              previous != null);
      if (r == null) {
        throw new IOException(name + " is damaged at byte " + pos + " (checksum)");
      }
      if (r.seq() != expected) {
        throw new IOException(name + " holds seq " + r.seq() + " where " + expected + " belongs");
      }
      if (previous != null && !Arrays.equals(RecordCodec.rehash(previous, r), r.hash())) {
        throw new IOException("the hash chain breaks at seq " + r.seq() + " in " + name);
      }
      entries.add(new Entry(r.seq(), r.timeMicros(), r.hash(), pos, total));
      previous = previous == null ? null : r.hash();
      expected++;
      pos += total;
    }
    return entries;
  }
}
