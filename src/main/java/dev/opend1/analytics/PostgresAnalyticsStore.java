package dev.opend1.analytics;

import dev.opend1.catalog.PostgresFailures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The analytics store of nodes sharing a PostgreSQL catalog: the same rows as {@link
 * SqliteAnalyticsStore}, in the catalog's database (its schema, {@code V2__analytics.sql}, holds
 * the tables), over the catalog's pool. Every node flushes its own minutes into the same rows, so a
 * minute already stored is summed under its row's lock: the insert of a new row, or a locked read
 * and an update of an existing one, in one transaction. A failure is mapped as the catalog's own
 * ({@link PostgresFailures}): PostgreSQL unreachable is a retryable 503, anything else the server's
 * fault.
 */
final class PostgresAnalyticsStore implements AnalyticsStore {

  /** How long one of the analytics' statements may wait for PostgreSQL's answer. */
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  private final DataSource pool;

  /** Over the catalog's pool, which the catalog closes. */
  PostgresAnalyticsStore(DataSource pool) {
    this.pool = pool;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      // The pool gives up on a statement after the catalog's point-lookup wait; a read of a month
      // of minutes or a prune of a large table may rightly take longer (the pool resets it after).
      c.setNetworkTimeout(Runnable::run, (int) PATIENCE.toMillis());
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw PostgresFailures.of(what, e);
    }
  }

  @Override
  public void add(
      Map<DatabaseMinute, DatabaseTally> databases, Map<QueryMinute, QueryTally> queries) {
    inTransaction(
        "write analytics",
        c -> {
          for (Map.Entry<DatabaseMinute, DatabaseTally> e : databases.entrySet()) {
            addDatabase(c, e.getKey(), e.getValue());
          }
          Map<String, Long> ids = new HashMap<>();
          for (Map.Entry<QueryMinute, QueryTally> e : queries.entrySet()) {
            Long id = ids.get(e.getKey().query());
            if (id == null) {
              id = textId(c, e.getKey().query());
              ids.put(e.getKey().query(), id);
            }
            addQuery(c, e.getKey(), id, e.getValue());
          }
          return null;
        });
  }

  private static final String DATABASE_FIGURES =
      "read_queries, write_queries, rows_read, rows_written, batches, errors, batch_ms,"
          + " batch_times, response_bytes, size_bytes";

  private static void addDatabase(Connection c, DatabaseMinute k, DatabaseTally t)
      throws SQLException {
    DatabaseTally sum = new DatabaseTally();
    sum.add(t);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO analytics_database_minutes(account, database, minute, "
                + DATABASE_FIGURES
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (account, minute, database) DO NOTHING")) {
      ps.setString(1, k.account());
      ps.setString(2, k.database());
      ps.setLong(3, k.minute());
      bindDatabase(ps, 4, sum);
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + DATABASE_FIGURES
                + " FROM analytics_database_minutes"
                + " WHERE account = ? AND minute = ? AND database = ? FOR UPDATE")) {
      ps.setString(1, k.account());
      ps.setLong(2, k.minute());
      ps.setString(3, k.database());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        sum.add(SqliteAnalyticsStore.databaseTally(rs, 1));
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE analytics_database_minutes SET read_queries = ?, write_queries = ?,"
                + " rows_read = ?, rows_written = ?, batches = ?, errors = ?, batch_ms = ?,"
                + " batch_times = ?, response_bytes = ?, size_bytes = ?"
                + " WHERE account = ? AND minute = ? AND database = ?")) {
      bindDatabase(ps, 1, sum);
      ps.setString(11, k.account());
      ps.setLong(12, k.minute());
      ps.setString(13, k.database());
      ps.executeUpdate();
    }
  }

  /** The ten figures of {@link #DATABASE_FIGURES}, from parameter {@code at}. */
  private static void bindDatabase(PreparedStatement ps, int at, DatabaseTally t)
      throws SQLException {
    ps.setLong(at, t.readQueries);
    ps.setLong(at + 1, t.writeQueries);
    ps.setLong(at + 2, t.rowsRead);
    ps.setLong(at + 3, t.rowsWritten);
    ps.setLong(at + 4, t.batches);
    ps.setLong(at + 5, t.errors);
    ps.setDouble(at + 6, t.batchMs);
    ps.setBytes(at + 7, t.batchTimes.toBytes());
    ps.setLong(at + 8, t.responseBytes);
    ps.setLong(at + 9, t.sizeBytes);
  }

  private static final String QUERY_FIGURES =
      "count, duration_ms, durations, rows_read, rows_written, rows_returned";

  private static void addQuery(Connection c, QueryMinute k, long id, QueryTally t)
      throws SQLException {
    QueryTally sum = new QueryTally();
    sum.add(t);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO analytics_query_minutes(account, database, minute, query, "
                + QUERY_FIGURES
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (account, minute, database, query) DO NOTHING")) {
      ps.setString(1, k.account());
      ps.setString(2, k.database());
      ps.setLong(3, k.minute());
      ps.setLong(4, id);
      bindQuery(ps, 5, sum);
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + QUERY_FIGURES
                + " FROM analytics_query_minutes"
                + " WHERE account = ? AND minute = ? AND database = ? AND query = ? FOR UPDATE")) {
      ps.setString(1, k.account());
      ps.setLong(2, k.minute());
      ps.setString(3, k.database());
      ps.setLong(4, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        sum.add(SqliteAnalyticsStore.queryTally(rs, 1));
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE analytics_query_minutes SET count = ?, duration_ms = ?, durations = ?,"
                + " rows_read = ?, rows_written = ?, rows_returned = ?"
                + " WHERE account = ? AND minute = ? AND database = ? AND query = ?")) {
      bindQuery(ps, 1, sum);
      ps.setString(7, k.account());
      ps.setLong(8, k.minute());
      ps.setString(9, k.database());
      ps.setLong(10, id);
      ps.executeUpdate();
    }
  }

  /** The six figures of {@link #QUERY_FIGURES}, from parameter {@code at}. */
  private static void bindQuery(PreparedStatement ps, int at, QueryTally t) throws SQLException {
    ps.setLong(at, t.count);
    ps.setDouble(at + 1, t.durationMs);
    ps.setBytes(at + 2, t.durations.toBytes());
    ps.setLong(at + 3, t.rowsRead);
    ps.setLong(at + 4, t.rowsWritten);
    ps.setLong(at + 5, t.rowsReturned);
  }

  /** The id of a statement shape's text, stored once (found by its SHA-256). */
  private static long textId(Connection c, String text) throws SQLException {
    byte[] hash = sha256(text);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO analytics_query_texts(hash, text) VALUES (?, ?)"
                + " ON CONFLICT (hash) DO NOTHING")) {
      ps.setBytes(1, hash);
      ps.setString(2, text);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM analytics_query_texts WHERE hash = ?")) {
      ps.setBytes(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public void read(Scope scope, FactSink sink) {
    inTransaction(
        "read analytics",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT database, minute, "
                      + DATABASE_FIGURES
                      + " FROM analytics_database_minutes"
                      + " WHERE account = ? AND minute BETWEEN ? AND ?")) {
            bindScope(ps, scope);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String database = rs.getString(1);
                long minute = rs.getLong(2);
                if (scope.covers(scope.account(), database, minute)) {
                  sink.database(
                      new DatabaseMinute(scope.account(), database, minute),
                      SqliteAnalyticsStore.databaseTally(rs, 3));
                }
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT m.database, m.minute, t.text, m.count, m.duration_ms, m.durations,"
                      + " m.rows_read, m.rows_written, m.rows_returned"
                      + " FROM analytics_query_minutes m"
                      + " JOIN analytics_query_texts t ON t.id = m.query"
                      + " WHERE m.account = ? AND m.minute BETWEEN ? AND ?")) {
            bindScope(ps, scope);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String database = rs.getString(1);
                long minute = rs.getLong(2);
                if (scope.covers(scope.account(), database, minute)) {
                  sink.query(
                      new QueryMinute(scope.account(), database, minute, rs.getString(3)),
                      SqliteAnalyticsStore.queryTally(rs, 4));
                }
              }
            }
          }
          return null;
        });
  }

  @Override
  public Map<String, LastSizes.SizeAt> sizesBefore(Scope scope) {
    return inTransaction(
        "read analytics", c -> LastSizes.read(c, "analytics_database_minutes", scope));
  }

  private static void bindScope(PreparedStatement ps, Scope scope) throws SQLException {
    ps.setString(1, scope.account());
    ps.setLong(2, scope.fromMinute());
    ps.setLong(3, scope.toMinute());
  }

  @Override
  public long prune(long minute, long maxQueryRows) {
    return inTransaction(
        "prune analytics",
        c -> {
          long gone;
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM analytics_database_minutes WHERE minute < ?")) {
            ps.setLong(1, minute);
            gone = ps.executeUpdate();
          }
          long cutoff = minute;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT minute FROM analytics_query_minutes"
                      + " ORDER BY minute DESC LIMIT 1 OFFSET ?")) {
            // The minute of the newest row past the cap: that minute and older ones go.
            ps.setLong(1, maxQueryRows);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                cutoff = Math.max(cutoff, rs.getLong(1) + 1);
              }
            }
          }
          long queriesGone;
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM analytics_query_minutes WHERE minute < ?")) {
            ps.setLong(1, cutoff);
            queriesGone = ps.executeUpdate();
          }
          if (queriesGone > 0) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM analytics_query_texts t WHERE NOT EXISTS"
                        + " (SELECT 1 FROM analytics_query_minutes m WHERE m.query = t.id)")) {
              ps.executeUpdate();
            }
          }
          return gone + queriesGone;
        });
  }

  /** Nothing to close: the pool is the catalog's. */
  @Override
  public void close() {}
}
