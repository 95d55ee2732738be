package dev.opend1.analytics;

import java.util.Map;

/**
 * Where finished minutes are kept for {@link Analytics#RETENTION}: SQLite beside the catalog
 * ({@link SqliteAnalyticsStore}); a cluster would keep them beside its shared catalog.
 */
interface AnalyticsStore extends AutoCloseable {

  /**
   * Adds the tallies to what is stored: a minute already stored (flushed before, then counted
   * again) is summed with it, not replaced.
   */
  void add(Map<DatabaseMinute, DatabaseTally> databases, Map<QueryMinute, QueryTally> queries);

  /** Sends what is stored within {@code scope} to {@code sink}. */
  void read(Scope scope, FactSink sink);

  /**
   * The newest size stored before {@code scope}'s first minute of each of its databases that has
   * one ({@link LastSizes}).
   */
  Map<String, LastSizes.SizeAt> sizesBefore(Scope scope);

  /**
   * Forgets the minutes before {@code minute}, and the oldest query minutes while more than {@code
   * maxQueryRows} are stored. Returns how many rows went.
   */
  long prune(long minute, long maxQueryRows);

  @Override
  void close();
}
