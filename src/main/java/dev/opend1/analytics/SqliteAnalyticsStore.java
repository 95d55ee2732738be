package dev.opend1.analytics;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The analytics store of a single server: one SQLite file, {@code DATA_DIR/analytics.sqlite},
 * opened like the catalog (WAL mode, one connection). It holds one row per database and minute with
 * activity, and one per statement shape, database and minute; the shapes' texts are stored once
 * each and referred to by id.
 *
 * <p>Writes come once a minute from the flush, reads from GraphQL queries; both are short, so one
 * connection serves them, guarded by {@link #lock}. Losing the last minutes in a power cut is
 * acceptable for analytics, hence {@code synchronous=NORMAL}.
 */
final class SqliteAnalyticsStore implements AnalyticsStore {

  private static final int SCHEMA_VERSION = 1;

  /** Guards {@link #conn}: a JDBC connection is not safe for concurrent use. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Connection conn;

  private SqliteAnalyticsStore(Connection conn) {
    this.conn = conn;
  }

  /** Opens (creating if needed) the store's file. */
  static SqliteAnalyticsStore open(Path file) {
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout(10_000);
      Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      SqliteAnalyticsStore store = new SqliteAnalyticsStore(conn);
      store.migrate();
      return store;
    } catch (SQLException e) {
      throw new IllegalStateException("open analytics store " + file + ": " + e.getMessage(), e);
    }
  }

  private void migrate() throws SQLException {
    try (Statement st = conn.createStatement()) {
      int version;
      try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      if (version > SCHEMA_VERSION) {
        throw new SQLException(
            "the file is of a newer opend1 (schema "
                + version
                + ", this one knows "
                + SCHEMA_VERSION
                + ")");
      }
      st.executeUpdate(
          """
          CREATE TABLE IF NOT EXISTS database_minutes (
            account TEXT NOT NULL, database TEXT NOT NULL, minute INTEGER NOT NULL,
            read_queries INTEGER NOT NULL, write_queries INTEGER NOT NULL,
            rows_read INTEGER NOT NULL, rows_written INTEGER NOT NULL,
            batches INTEGER NOT NULL, errors INTEGER NOT NULL,
            batch_ms REAL NOT NULL, batch_times BLOB NOT NULL,
            response_bytes INTEGER NOT NULL, size_bytes INTEGER NOT NULL,
            PRIMARY KEY (account, minute, database)) WITHOUT ROWID""");
      st.executeUpdate(
          "CREATE INDEX IF NOT EXISTS database_minutes_by_minute ON database_minutes (minute)");
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS query_texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)");
      st.executeUpdate(
          """
          CREATE TABLE IF NOT EXISTS query_minutes (
            account TEXT NOT NULL, database TEXT NOT NULL, minute INTEGER NOT NULL,
            query INTEGER NOT NULL, count INTEGER NOT NULL,
            duration_ms REAL NOT NULL, durations BLOB NOT NULL,
            rows_read INTEGER NOT NULL, rows_written INTEGER NOT NULL,
            rows_returned INTEGER NOT NULL,
            PRIMARY KEY (account, minute, database, query)) WITHOUT ROWID""");
      st.executeUpdate(
          "CREATE INDEX IF NOT EXISTS query_minutes_by_minute ON query_minutes (minute)");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @Override
  public void add(
      Map<DatabaseMinute, DatabaseTally> databases, Map<QueryMinute, QueryTally> queries) {
    lock.lock();
    try {
      conn.setAutoCommit(false);
      try {
        for (Map.Entry<DatabaseMinute, DatabaseTally> e : databases.entrySet()) {
          addDatabase(e.getKey(), e.getValue());
        }
        Map<String, Long> ids = new HashMap<>();
        for (Map.Entry<QueryMinute, QueryTally> e : queries.entrySet()) {
          long id = ids.computeIfAbsent(e.getKey().query(), this::textId);
          addQuery(e.getKey(), id, e.getValue());
        }
        conn.commit();
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      } finally {
        conn.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("write analytics: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private void addDatabase(DatabaseMinute k, DatabaseTally t) throws SQLException {
    DatabaseTally sum = new DatabaseTally();
    sum.add(t);
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT read_queries, write_queries, rows_read, rows_written, batches, errors,"
                + " batch_ms, batch_times, response_bytes, size_bytes FROM database_minutes"
                + " WHERE account = ? AND minute = ? AND database = ?")) {
      ps.setString(1, k.account());
      ps.setLong(2, k.minute());
      ps.setString(3, k.database());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          sum.add(databaseTally(rs, 1));
        }
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT OR REPLACE INTO database_minutes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, k.account());
      ps.setString(2, k.database());
      ps.setLong(3, k.minute());
      ps.setLong(4, sum.readQueries);
      ps.setLong(5, sum.writeQueries);
      ps.setLong(6, sum.rowsRead);
      ps.setLong(7, sum.rowsWritten);
      ps.setLong(8, sum.batches);
      ps.setLong(9, sum.errors);
      ps.setDouble(10, sum.batchMs);
      ps.setBytes(11, sum.batchTimes.toBytes());
      ps.setLong(12, sum.responseBytes);
      ps.setLong(13, sum.sizeBytes);
      ps.executeUpdate();
    }
  }

  private long textId(String text) {
    try {
      try (PreparedStatement ps =
          conn.prepareStatement("INSERT OR IGNORE INTO query_texts (text) VALUES (?)")) {
        ps.setString(1, text);
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT id FROM query_texts WHERE text = ?")) {
        ps.setString(1, text);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("store a query text: " + e.getMessage(), e);
    }
  }

  private void addQuery(QueryMinute k, long id, QueryTally t) throws SQLException {
    QueryTally sum = new QueryTally();
    sum.add(t);
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT count, duration_ms, durations, rows_read, rows_written, rows_returned"
                + " FROM query_minutes WHERE account = ? AND minute = ? AND database = ?"
                + " AND query = ?")) {
      ps.setString(1, k.account());
      ps.setLong(2, k.minute());
      ps.setString(3, k.database());
      ps.setLong(4, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          sum.add(queryTally(rs, 1));
        }
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT OR REPLACE INTO query_minutes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, k.account());
      ps.setString(2, k.database());
      ps.setLong(3, k.minute());
      ps.setLong(4, id);
      ps.setLong(5, sum.count);
      ps.setDouble(6, sum.durationMs);
      ps.setBytes(7, sum.durations.toBytes());
      ps.setLong(8, sum.rowsRead);
      ps.setLong(9, sum.rowsWritten);
      ps.setLong(10, sum.rowsReturned);
      ps.executeUpdate();
    }
  }

  @Override
  public void read(Scope scope, FactSink sink) {
    lock.lock();
    try {
      try (PreparedStatement ps =
          conn.prepareStatement(
              "SELECT database, minute, read_queries, write_queries, rows_read, rows_written,"
                  + " batches, errors, batch_ms, batch_times, response_bytes, size_bytes"
                  + " FROM database_minutes WHERE account = ? AND minute BETWEEN ? AND ?")) {
        bindScope(ps, scope);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String database = rs.getString(1);
            long minute = rs.getLong(2);
            if (scope.covers(scope.account(), database, minute)) {
              sink.database(
                  new DatabaseMinute(scope.account(), database, minute), databaseTally(rs, 3));
            }
          }
        }
      }
      try (PreparedStatement ps =
          conn.prepareStatement(
              "SELECT m.database, m.minute, t.text, m.count, m.duration_ms, m.durations,"
                  + " m.rows_read, m.rows_written, m.rows_returned"
                  + " FROM query_minutes m JOIN query_texts t ON t.id = m.query"
                  + " WHERE m.account = ? AND m.minute BETWEEN ? AND ?")) {
        bindScope(ps, scope);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String database = rs.getString(1);
            long minute = rs.getLong(2);
            if (scope.covers(scope.account(), database, minute)) {
              sink.query(
                  new QueryMinute(scope.account(), database, minute, rs.getString(3)),
                  queryTally(rs, 4));
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("read analytics: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Map<String, LastSizes.SizeAt> sizesBefore(Scope scope) {
    lock.lock();
    try {
      return LastSizes.read(conn, "database_minutes", scope);
    } catch (SQLException e) {
      throw new IllegalStateException("read analytics: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static void bindScope(PreparedStatement ps, Scope scope) throws SQLException {
    ps.setString(1, scope.account());
    ps.setLong(2, scope.fromMinute());
    ps.setLong(3, scope.toMinute());
  }

  /** A database tally from ten columns starting at {@code col}, in the table's order. */
  static DatabaseTally databaseTally(ResultSet rs, int col) throws SQLException {
    DatabaseTally t = new DatabaseTally();
    t.readQueries = rs.getLong(col);
    t.writeQueries = rs.getLong(col + 1);
    t.rowsRead = rs.getLong(col + 2);
    t.rowsWritten = rs.getLong(col + 3);
    t.batches = rs.getLong(col + 4);
    t.errors = rs.getLong(col + 5);
    t.batchMs = rs.getDouble(col + 6);
    t.batchTimes.add(Histogram.fromBytes(rs.getBytes(col + 7)));
    t.responseBytes = rs.getLong(col + 8);
    t.sizeBytes = rs.getLong(col + 9);
    return t;
  }

  /** A query tally from six columns starting at {@code col}, in the table's order. */
  static QueryTally queryTally(ResultSet rs, int col) throws SQLException {
    QueryTally t = new QueryTally();
    t.count = rs.getLong(col);
    t.durationMs = rs.getDouble(col + 1);
    t.durations.add(Histogram.fromBytes(rs.getBytes(col + 2)));
    t.rowsRead = rs.getLong(col + 3);
    t.rowsWritten = rs.getLong(col + 4);
    t.rowsReturned = rs.getLong(col + 5);
    return t;
  }

  @Override
  public long prune(long minute, long maxQueryRows) {
    lock.lock();
    try (Statement st = conn.createStatement()) {
      long gone = 0;
      try (PreparedStatement ps =
          conn.prepareStatement("DELETE FROM database_minutes WHERE minute < ?")) {
        ps.setLong(1, minute);
        gone += ps.executeUpdate();
      }
      long cutoff = minute;
      long rows;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM query_minutes")) {
        rows = rs.getLong(1);
      }
      if (rows > maxQueryRows) {
        // The minute of the newest row past the cap: that minute and older ones go.
        try (PreparedStatement ps =
            conn.prepareStatement(
                "SELECT minute FROM query_minutes ORDER BY minute DESC LIMIT 1 OFFSET ?")) {
          ps.setLong(1, maxQueryRows);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              cutoff = Math.max(cutoff, rs.getLong(1) + 1);
            }
          }
        }
      }
      long queriesGone;
      try (PreparedStatement ps =
          conn.prepareStatement("DELETE FROM query_minutes WHERE minute < ?")) {
        ps.setLong(1, cutoff);
        queriesGone = ps.executeUpdate();
      }
      if (queriesGone > 0) {
        st.executeUpdate(
            "DELETE FROM query_texts WHERE id NOT IN (SELECT DISTINCT query FROM query_minutes)");
      }
      return gone + queriesGone;
    } catch (SQLException e) {
      throw new IllegalStateException("prune analytics: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      conn.close();
    } catch (SQLException e) {
      throw new IllegalStateException("close analytics store: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }
}
