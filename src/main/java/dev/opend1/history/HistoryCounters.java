package dev.opend1.history;

import java.util.concurrent.atomic.LongAdder;

/**
 * Totals since start that the history keeps for operators (read by the metrics endpoint; the
 * history knows nothing of how they are exported), summed over every database.
 */
public final class HistoryCounters {

  /** History records appended (commits, restores, new databases). */
  final LongAdder records = new LongAdder();

  /** Bytes of those records. */
  final LongAdder bytes = new LongAdder();

  /** Snapshots (full page images) written. */
  final LongAdder snapshots = new LongAdder();

  /** Bytes of those snapshots: with {@link #bytes}, all the history written. */
  final LongAdder snapshotBytes = new LongAdder();

  /** Time spent building and storing those snapshots, in nanoseconds. */
  final LongAdder snapshotNanos = new LongAdder();

  /** Restores that completed. */
  final LongAdder restores = new LongAdder();

  /** Restores that failed after their request was accepted. */
  final LongAdder restoreFailures = new LongAdder();

  HistoryCounters() {}

  public long records() {
    return records.sum();
  }

  public long bytes() {
    return bytes.sum();
  }

  public long snapshots() {
    return snapshots.sum();
  }

  public long snapshotBytes() {
    return snapshotBytes.sum();
  }

  public long snapshotNanos() {
    return snapshotNanos.sum();
  }

  public long restores() {
    return restores.sum();
  }

  public long restoreFailures() {
    return restoreFailures.sum();
  }
}
