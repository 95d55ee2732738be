package dev.opend1.analytics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums the stored minutes that pass a filter into the groups a dataset query asks for (one per
 * distinct combination of the selected dimensions), then writes each group as the fields of its
 * GraphQL object: {@code count}, {@code dimensions}, {@code sum}, {@code avg}, {@code quantiles},
 * {@code max}.
 *
 * <p>Only the groups are held, never the minutes, and at most {@link #MAX_GROUPS} of them.
 */
final class Groups implements FactSink {

  /** The most groups one query may make; more is an error asking for a narrower query. */
  static final int MAX_GROUPS = 100_000;

  private static final double[] QUANTILES = {0.5, 0.75, 0.9, 0.95, 0.99, 0.999};
  private static final String[] QUANTILE_NAMES = {"P50", "P75", "P90", "P95", "P99", "P999"};

  private final Dataset dataset;
  private final List<Dimension> by;
  private final Filter filter;
  private final Map<List<Comparable<?>>, DatabaseTally> databases = new LinkedHashMap<>();
  private final Map<List<Comparable<?>>, QueryTally> queries = new LinkedHashMap<>();

  Groups(Dataset dataset, List<Dimension> by, Filter filter) {
    this.dataset = dataset;
    this.by = by;
    this.filter = filter;
  }

  @Override
  public void database(DatabaseMinute k, DatabaseTally t) {
    if (dataset == Dataset.QUERIES
        || (dataset == Dataset.STORAGE && t.sizeBytes < 0)
        || !filter.test(k.minute(), k.database(), null)) {
      return;
    }
    group(databases, key(k.minute(), k.database(), null), DatabaseTally::new).add(t);
  }

  @Override
  public void query(QueryMinute k, QueryTally t) {
    if (dataset != Dataset.QUERIES || !filter.test(k.minute(), k.database(), k.query())) {
      return;
    }
    group(queries, key(k.minute(), k.database(), k.query()), QueryTally::new).add(t);
  }

  private List<Comparable<?>> key(long minute, String database, String query) {
    List<Comparable<?>> key = new ArrayList<>(by.size());
    for (Dimension d : by) {
      key.add(d.of(minute, database, query));
    }
    return key;
  }

  private <T> T group(
      Map<List<Comparable<?>>, T> groups,
      List<Comparable<?>> key,
      java.util.function.Supplier<T> make) {
    T t = groups.get(key);
    if (t == null) {
      if (groups.size() >= MAX_GROUPS) {
        throw new QueryError(
            "more than " + MAX_GROUPS + " groups: select fewer dimensions or filter further");
      }
      t = make.get();
      groups.put(key, t);
    }
    return t;
  }

  /** Every group, as GraphQL fields, in the order first seen. */
  List<Map<String, Object>> rows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    databases.forEach((key, t) -> rows.add(row(key, t)));
    queries.forEach((key, t) -> rows.add(row(key, t)));
    return rows;
  }

  private Map<String, Object> dimensions(List<Comparable<?>> key) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < by.size(); i++) {
      m.put(by.get(i).field, key.get(i));
    }
    return m;
  }

  private Map<String, Object> row(List<Comparable<?>> key, DatabaseTally t) {
    Map<String, Object> row = new HashMap<>();
    row.put("dimensions", dimensions(key));
    if (dataset == Dataset.STORAGE) {
      row.put("max", Map.of("databaseSizeBytes", t.sizeBytes));
      return row;
    }
    row.put("count", t.batches);
    row.put(
        "sum",
        Map.of(
            "readQueries", t.readQueries,
            "writeQueries", t.writeQueries,
            "rowsRead", t.rowsRead,
            "rowsWritten", t.rowsWritten,
            "queryBatchTimeMs", t.batchMs,
            "queryBatchResponseBytes", t.responseBytes));
    row.put(
        "avg",
        Map.of(
            "queryBatchTimeMs", average(t.batchMs, t.batches),
            "queryBatchResponseBytes", average(t.responseBytes, t.batches),
            "sampleInterval", 1.0));
    row.put("quantiles", quantiles("queryBatchTimeMs", t.batchTimes));
    return row;
  }

  private Map<String, Object> row(List<Comparable<?>> key, QueryTally t) {
    Map<String, Object> row = new HashMap<>();
    row.put("dimensions", dimensions(key));
    row.put("count", t.count);
    row.put(
        "sum",
        Map.of(
            "queryDurationMs", t.durationMs,
            "rowsRead", t.rowsRead,
            "rowsWritten", t.rowsWritten,
            "rowsReturned", t.rowsReturned));
    row.put(
        "avg",
        Map.of(
            "queryDurationMs", average(t.durationMs, t.count),
            "rowsRead", average(t.rowsRead, t.count),
            "rowsWritten", average(t.rowsWritten, t.count),
            "rowsReturned", average(t.rowsReturned, t.count),
            "sampleInterval", 1.0));
    row.put("quantiles", quantiles("queryDurationMs", t.durations));
    return row;
  }

  private static double average(double total, long n) {
    return n == 0 ? 0 : total / n;
  }

  private static Map<String, Object> quantiles(String metric, Histogram h) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < QUANTILES.length; i++) {
      m.put(metric + QUANTILE_NAMES[i], h.quantile(QUANTILES[i]));
    }
    return m;
  }
}
