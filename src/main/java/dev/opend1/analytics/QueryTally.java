package dev.opend1.analytics;

/**
 * What one statement shape ({@link dev.opend1.sql.QueryShape}) did on one database in one minute,
 * or summed over a group of minutes: the figures behind {@code d1QueriesAdaptiveGroups}.
 *
 * <p>Mutable like {@link DatabaseTally}, and guarded the same way.
 */
final class QueryTally {

  /** How many times it ran. */
  long count;

  /** Time SQLite spent on it, summed (each run's {@code meta.duration}). */
  double durationMs;

  /** The same time, run by run, for its quantiles. */
  final Histogram durations = new Histogram();

  long rowsRead;
  long rowsWritten;

  /** Rows it returned to the client. */
  long rowsReturned;

  void add(QueryTally o) {
    count += o.count;
    durationMs += o.durationMs;
    durations.add(o.durations);
    rowsRead += o.rowsRead;
    rowsWritten += o.rowsWritten;
    rowsReturned += o.rowsReturned;
  }
}
