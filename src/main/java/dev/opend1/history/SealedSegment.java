package dev.opend1.history;

import java.util.List;

/**
 * What the {@link BookmarkIndex} keeps in memory of a sealed segment: enough to tell which segment
 * holds a seq or an instant, and nothing per record (its entries are read from its {@link
 * SegmentIndex} file when a lookup lands in it). Six longs, whatever the segment holds.
 *
 * @param fileSeq the seq in the segment's name (its first record's, before retention)
 * @param firstSeq the first seq still in the history (later than {@code fileSeq} once retention
 *     dropped the segment's first records)
 * @param lastSeq its last record's seq
 * @param firstTime the commit time of {@code firstSeq}
 * @param lastTime the commit time of {@code lastSeq}
 * @param length the segment's length in bytes, which its index file must name
 */
record SealedSegment(
    long fileSeq, long firstSeq, long lastSeq, long firstTime, long lastTime, long length) {

  /** The summary of a segment holding {@code entries} (oldest first, at least one) and no more. */
  static SealedSegment of(List<LogEntry> entries) {
    LogEntry first = entries.getFirst();
    LogEntry last = entries.getLast();
    return new SealedSegment(
        SegmentLog.seqOf(first.segment()),
        first.seq(),
        last.seq(),
        first.timeMicros(),
        last.timeMicros(),
        last.offset() + last.length());
  }

  /** The segment's file name. */
  String name() {
    return SegmentLog.segName(fileSeq);
  }

  boolean holds(long seq) {
    return seq >= firstSeq && seq <= lastSeq;
  }

  /** The same segment once the history forgot its records before {@code first}. */
  SealedSegment from(LogEntry first) {
    return new SealedSegment(fileSeq, first.seq(), lastSeq, first.timeMicros(), lastTime, length);
  }
}
