package dev.opend1.history;

import dev.opend1.core.Bookmark;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One record's place in the segment log: what the index knows of every record (its pages stay on
 * disk until a replay reads them). A value: two entries are equal when every field is, the hash's
 * bytes included, since the open segment's entries are made anew from {@link OpenEntries} on each
 * lookup.
 *
 * @param seq the record's sequence number
 * @param timeMicros its commit time
 * @param type {@link HistoryRecord#PAGES} or {@link HistoryRecord#IMAGE}
 * @param pageCount the database's size in pages after it
 * @param hash its chained hash
 * @param segment the segment it is stored in
 * @param offset where it starts in that segment
 * @param length its encoded length, header and trailer included
 */
record LogEntry(
    long seq,
    long timeMicros,
    int type,
    int pageCount,
    byte[] hash,
    String segment,
    long offset,
    int length) {

  /** The entry of a record stored at {@code offset} of {@code segment}. */
  static LogEntry of(HistoryRecord r, String segment, long offset, int length) {
    return new LogEntry(
        r.seq(), r.timeMicros(), r.type(), r.pageCount(), r.hash(), segment, offset, length);
  }

  /** The bookmark of this record. */
  Bookmark bookmark() {
    return new Bookmark(seq, hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e
        && e.seq == seq
        && e.timeMicros == timeMicros
        && e.type == type
        && e.pageCount == pageCount
        && Arrays.equals(e.hash, hash)
        && e.segment.equals(segment)
        && e.offset == offset
        && e.length == length;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "LogEntry[seq=%d, timeMicros=%d, type=%d, pageCount=%d, hash=%s, segment=%s, offset=%d, length=%d]"
        .formatted(
            seq,
            timeMicros,
            type,
            pageCount,
            HexFormat.of().formatHex(hash),
            segment,
            offset,
            length);
  }
}
