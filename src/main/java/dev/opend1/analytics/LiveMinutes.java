package dev.opend1.analytics;

import dev.opend1.core.DatabaseId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The minutes not yet flushed to the store, counted in memory as requests finish.
 *
 * <p>Bounded: at most {@link #MAX_QUERY_KEYS} statement shapes (per database and minute) are told
 * apart between two flushes; the figures of any further shape are counted under {@link #OTHER}, so
 * totals stay right when an application sends endless distinct statements.
 */
final class LiveMinutes {

  /** How many shape, database and minute entries are kept between two flushes. */
  static final int MAX_QUERY_KEYS = 10_000;

  /** The shape that statements past {@link #MAX_QUERY_KEYS} are counted under. */
  static final String OTHER = "(other statements: too many distinct ones this minute)";

  private final Shapes shapes = new Shapes();

  /** Guards {@link #databases} and {@link #queries}, and the tallies in them. */
  private final ReentrantLock lock = new ReentrantLock();

  private Map<DatabaseMinute, DatabaseTally> databases = new HashMap<>();
  private Map<QueryMinute, QueryTally> queries = new HashMap<>();

  /**
   * The tallies the last request was counted into, tried before the maps: a server's requests in a
   * minute mostly go to the same database with the same statement, so they are then counted with a
   * few comparisons and additions, without a key to build and hash. Guarded by {@link #lock}, and
   * forgotten when a drain hands the maps over.
   */
  private DatabaseId lastDatabase;

  private String lastAccount;
  private long lastMinute;
  private DatabaseTally lastDatabaseTally;

  /** The shape last counted in {@link #lastDatabaseTally}'s database and minute, and its tally. */
  private String lastShape;

  private QueryTally lastQueryTally;

  /** Counts a request that ran in {@code minute}. */
  void succeeded(Batch b, long minute) {
    String account = b.account().value();
    // Outside the lock: splitting and shaping the text is the costly part.
    List<Shapes.Shape> statements;
    if (b.sql().size() == 1) {
      statements = shapes.of(b.sql().get(0));
    } else {
      statements = new ArrayList<>();
      for (String sql : b.sql()) {
        statements.addAll(shapes.of(sql));
      }
    }
    boolean matched = statements.size() == b.statements().size();
    lock.lock();
    try {
      DatabaseTally db = databaseTally(account, b.database(), minute);
      db.batches++;
      db.batchMs += b.ms();
      db.batchTimes.add(b.ms());
      db.responseBytes += b.responseBytes();
      for (int i = 0; i < b.statements().size(); i++) {
        StatementFigures f = b.statements().get(i);
        // Should the texts and the figures ever disagree, the totals still count: a statement
        // that wrote nothing is then taken for a read.
        boolean reads = matched ? statements.get(i).reads() : f.rowsWritten() == 0;
        if (reads) {
          db.readQueries++;
        } else {
          db.writeQueries++;
        }
        db.rowsRead += f.rowsRead();
        db.rowsWritten += f.rowsWritten();
        db.sizeBytes = Math.max(db.sizeBytes, f.sizeAfter());
        if (matched) {
          QueryTally q = queryTally(account, b.database(), minute, statements.get(i).text());
          q.count++;
          q.durationMs += f.durationMs();
          q.durations.add(f.durationMs());
          q.rowsRead += f.rowsRead();
          q.rowsWritten += f.rowsWritten();
          q.rowsReturned += f.rowsReturned();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The tally of a database's minute, made when it is the first request counted in it. */
  private DatabaseTally databaseTally(String account, DatabaseId database, long minute) {
    if (lastDatabaseTally != null
        && minute == lastMinute
        && database.equals(lastDatabase)
        && account.equals(lastAccount)) {
      return lastDatabaseTally;
    }
    DatabaseTally db =
        databases.computeIfAbsent(
            new DatabaseMinute(account, database.toString(), minute), k -> new DatabaseTally());
    lastDatabase = database;
    lastAccount = account;
    lastMinute = minute;
    lastDatabaseTally = db;
    lastShape = null;
    lastQueryTally = null;
    return db;
  }

  /**
   * The tally of a shape in a database's minute, the one {@link #databaseTally} just returned; past
   * {@link #MAX_QUERY_KEYS}, a new shape's is {@link #OTHER}'s.
   */
  private QueryTally queryTally(String account, DatabaseId database, long minute, String shape) {
    if (lastQueryTally != null && shape.equals(lastShape)) {
      return lastQueryTally;
    }
    String databaseText = database.toString();
    QueryMinute key = new QueryMinute(account, databaseText, minute, shape);
    QueryTally q = queries.get(key);
    if (q == null) {
      if (queries.size() >= MAX_QUERY_KEYS) {
        key = new QueryMinute(account, databaseText, minute, OTHER);
        q = queries.get(key);
      }
      if (q == null) {
        q = new QueryTally();
        queries.put(key, q);
      }
    }
    lastShape = shape;
    lastQueryTally = q;
    return q;
  }

  /** Counts a request that failed in {@code minute}. */
  void failed(String account, String database, long minute) {
    lock.lock();
    try {
      databases.computeIfAbsent(
              new DatabaseMinute(account, database, minute), k -> new DatabaseTally())
          .errors++;
    } finally {
      lock.unlock();
    }
  }

  /** What was counted since the last drain, handed over; counting starts afresh. */
  Drained drain() {
    lock.lock();
    try {
      Drained d = new Drained(databases, queries);
      databases = new HashMap<>();
      queries = new HashMap<>();
      lastDatabaseTally = null;
      lastQueryTally = null;
      return d;
    } finally {
      lock.unlock();
    }
  }

  /** Sends copies of the counted minutes within {@code scope} to {@code sink}. */
  void read(Scope scope, FactSink sink) {
    Map<DatabaseMinute, DatabaseTally> dbs = new HashMap<>();
    Map<QueryMinute, QueryTally> qs = new HashMap<>();
    lock.lock();
    try {
      databases.forEach(
          (k, t) -> {
            if (scope.covers(k.account(), k.database(), k.minute())) {
              DatabaseTally copy = new DatabaseTally();
              copy.add(t);
              dbs.put(k, copy);
            }
          });
      queries.forEach(
          (k, t) -> {
            if (scope.covers(k.account(), k.database(), k.minute())) {
              QueryTally copy = new QueryTally();
              copy.add(t);
              qs.put(k, copy);
            }
          });
    } finally {
      lock.unlock();
    }
    dbs.forEach(sink::database);
    qs.forEach(sink::query);
  }

  /** The newest counted size before {@code scope}'s first minute of each of its databases. */
  Map<String, LastSizes.SizeAt> sizesBefore(Scope scope) {
    Map<String, LastSizes.SizeAt> sizes = new HashMap<>();
    lock.lock();
    try {
      databases.forEach(
          (k, t) -> {
            // Before the scope's minutes, of its account and databases.
            if (t.sizeBytes >= 0
                && k.minute() < scope.fromMinute()
                && scope.covers(k.account(), k.database(), scope.fromMinute())) {
              sizes.merge(
                  k.database(), new LastSizes.SizeAt(k.minute(), t.sizeBytes), LastSizes::newer);
            }
          });
    } finally {
      lock.unlock();
    }
    return sizes;
  }

  /** The minutes a drain took over. */
  record Drained(
      Map<DatabaseMinute, DatabaseTally> databases, Map<QueryMinute, QueryTally> queries) {
    boolean isEmpty() {
      return databases.isEmpty() && queries.isEmpty();
    }
  }
}
