package dev.opend1.history;

import java.util.List;
import java.util.NavigableSet;
import java.util.stream.LongStream;

/**
 * How to build the state at {@code target}: start from the snapshot {@code base} (or, for {@link
 * #IN_PLACE}, from the database file as it is) and apply the records after it, up to the target, in
 * order. A pure function of the history's shape, tested alone. Every IMAGE record has a snapshot of
 * its own seq, so the records a plan applies are always PAGES records.
 *
 * @param target the seq whose state is wanted
 * @param base the snapshot to start from, or {@link #IN_PLACE}
 * @param records the seqs of the records to apply, in order
 */
record RestorePlan(long target, long base, List<Long> records) {

  /** Start from the database file itself, which holds some earlier state of the history. */
  static final long IN_PLACE = -1;

  /**
   * From the latest snapshot at or before the target, in a history whose records run from {@code
   * firstSeq} (contiguous) to at least the target.
   */
  static RestorePlan full(long target, NavigableSet<Long> snapshots, long firstSeq) {
    Long base = snapshots.floor(target);
    if (base == null) {
      throw new IllegalStateException("no snapshot at or before seq " + target);
    }
    return new RestorePlan(target, base, between(firstSeq, base, target));
  }

  /**
   * From a database file known to hold the state at {@code fileSeq} (or a later state that
   * replaying the records after {@code fileSeq} turns into the target): in place, unless a snapshot
   * after {@code fileSeq} (a restore) has to be the starting point.
   */
  static RestorePlan fromFile(
      long fileSeq, long target, NavigableSet<Long> snapshots, long firstSeq) {
    Long snap = snapshots.floor(target);
    if (fileSeq < 0 || (snap != null && snap > fileSeq)) {
      return full(target, snapshots, firstSeq);
    }
    return new RestorePlan(target, IN_PLACE, between(firstSeq, fileSeq, target));
  }

  /**
   * The seqs after {@code after} up to {@code upTo} that the history (from {@code firstSeq}) has.
   */
  private static List<Long> between(long firstSeq, long after, long upTo) {
    return LongStream.rangeClosed(Math.max(after + 1, firstSeq), upTo).boxed().toList();
  }
}
