package dev.opend1.analytics;

import java.util.LinkedHashMap;
import java.util.Map;

/** A sink that keeps what it is sent, summing minutes sent twice. */
final class Collected implements FactSink {

  final Map<DatabaseMinute, DatabaseTally> databases = new LinkedHashMap<>();
  final Map<QueryMinute, QueryTally> queries = new LinkedHashMap<>();

  @Override
  public void database(DatabaseMinute key, DatabaseTally tally) {
    databases.computeIfAbsent(key, k -> new DatabaseTally()).add(tally);
  }

  @Override
  public void query(QueryMinute key, QueryTally tally) {
    queries.computeIfAbsent(key, k -> new QueryTally()).add(tally);
  }

  /** The one database tally, summed over every minute. */
  DatabaseTally database() {
    DatabaseTally t = new DatabaseTally();
    databases.values().forEach(t::add);
    return t;
  }

  /** A shape's tally, summed over every minute and database. */
  QueryTally query(String shape) {
    QueryTally t = new QueryTally();
    queries.forEach(
        (k, v) -> {
          if (k.query().equals(shape)) {
            t.add(v);
          }
        });
    return t;
  }
}
