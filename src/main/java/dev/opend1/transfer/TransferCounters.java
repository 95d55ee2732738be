package dev.opend1.transfer;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Totals since start of export and import jobs, for operators (read by the metrics endpoint). A job
 * is active from its start until it finishes or fails.
 */
public final class TransferCounters {

  final LongAdder exportsStarted = new LongAdder();
  final LongAdder exportsFinished = new LongAdder();
  final LongAdder exportsFailed = new LongAdder();
  final LongAdder importsStarted = new LongAdder();
  final LongAdder importsFinished = new LongAdder();
  final LongAdder importsFailed = new LongAdder();

  /** The transfer directory's running count of bytes ({@link TransferSpace#used}). */
  private final LongSupplier storedBytes;

  TransferCounters(LongSupplier storedBytes) {
    this.storedBytes = storedBytes;
  }

  /** Bytes of uploads and exports kept now (and reserved by uploads being received). */
  public long storedBytes() {
    return storedBytes.getAsLong();
  }

  public long exportsStarted() {
    return exportsStarted.sum();
  }

  public long exportsFinished() {
    return exportsFinished.sum();
  }

  public long exportsFailed() {
    return exportsFailed.sum();
  }

  public long importsStarted() {
    return importsStarted.sum();
  }

  public long importsFinished() {
    return importsFinished.sum();
  }

  public long importsFailed() {
    return importsFailed.sum();
  }

  /** Exports started and not yet finished or failed. */
  public long activeExports() {
    return Math.max(0, exportsStarted() - exportsFinished() - exportsFailed());
  }

  /** Imports started and not yet finished or failed. */
  public long activeImports() {
    return Math.max(0, importsStarted() - importsFinished() - importsFailed());
  }
}
