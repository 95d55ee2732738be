package dev.opend1.analytics;

/**
 * What one database did in one minute (or, summed, in any group of minutes): the figures behind
 * {@code d1AnalyticsAdaptiveGroups} and {@code d1StorageAdaptiveGroups}.
 *
 * <p>Mutable, to be summed into without allocating on the request path; whoever holds one guards it
 * (the live minutes under their lock, a read on its own thread).
 */
final class DatabaseTally {

  /** Statements that only read (SELECT, EXPLAIN, a PRAGMA that reads). */
  long readQueries;

  /** Statements that may write (INSERT, UPDATE, DELETE, DDL, ...). */
  long writeQueries;

  long rowsRead;
  long rowsWritten;

  /** Requests (query batches) that succeeded. */
  long batches;

  /** Requests that failed: a SQL error, a refusal, an overload. */
  long errors;

  /** Time the successful batches took, from their start to their last byte sent. */
  double batchMs;

  /** The same time, batch by batch, for its quantiles. */
  final Histogram batchTimes = new Histogram();

  /** Bytes of the successful batches' responses. */
  long responseBytes;

  /** The largest database size the minute's statements reported, or -1 when none did. */
  long sizeBytes = -1;

  /** Adds another tally's figures to this one (sizes take the larger). */
  void add(DatabaseTally o) {
    readQueries += o.readQueries;
    writeQueries += o.writeQueries;
    rowsRead += o.rowsRead;
    rowsWritten += o.rowsWritten;
    batches += o.batches;
    errors += o.errors;
    batchMs += o.batchMs;
    batchTimes.add(o.batchTimes);
    responseBytes += o.responseBytes;
    sizeBytes = Math.max(sizeBytes, o.sizeBytes);
  }
}
