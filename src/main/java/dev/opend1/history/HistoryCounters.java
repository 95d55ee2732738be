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

  /**
   * Bytes of snapshots put in the history: those taken to bound replay, restores' images and new
   * databases' first states.
   */
  final LongAdder snapshotBytes = new LongAdder();

  /** Bytes of the history's small files: segment index files, format stamps, checkpoint seqs. */
  final LongAdder metadataBytes = new LongAdder();

  /**
   * Bytes the history took off disk: deleted (retention, a restore's snapshot that never became
   * durable), replaced (a small file rewritten) or cut (a torn or failed record). The history on
   * disk is {@link #bytes}, {@link #snapshotBytes} and {@link #metadataBytes} less this.
   */
  final LongAdder removedBytes = new LongAdder();

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

  public long metadataBytes() {
    return metadataBytes.sum();
  }

  public long removedBytes() {
    return removedBytes.sum();
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
