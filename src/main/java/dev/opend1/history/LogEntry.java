package dev.opend1.history;

import dev.opend1.core.Bookmark;

/**
 * One record's place in the segment log: what the index keeps in memory for every record (its pages
 * stay on disk until a replay reads them).
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
}
