package dev.opend1.engine;

import dev.opend1.core.SqlLimits;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

/**
 * One SQLite connection set up for user SQL: D1's limits as SQLite limits, {@code ATTACH} off
 * ({@code SQLITE_LIMIT_ATTACHED=0}, which refuses {@code VACUUM INTO} too), extension loading off,
 * foreign keys on, automatic checkpoints off (the engine decides them), and a progress handler that
 * interrupts a request past its deadline. Used by one thread at a time.
 */
final class SqlConnection implements AutoCloseable {

  /** VM instructions between two deadline checks: cheap, yet well under a millisecond apart. */
  private static final int PROGRESS_INTERVAL = 1000;

  private final SQLiteConnection conn;
  private final boolean readOnly;
  private final RowCounter rowCounter = new RowCounter();
  private final StatementCache statements = new StatementCache();

  /** When the running request must stop ({@link System#nanoTime}); read by the progress handler. */
  private volatile long deadline = Long.MAX_VALUE;

  /** Index counts per table for rows_written; cleared whenever a request may change the schema. */
  private final Map<String, Integer> indexCounts = new HashMap<>();

  private PreparedStatement lastRowId;
  private PreparedStatement pageCount;
  private PreparedStatement begin;
  private PreparedStatement commit;
  private PreparedStatement schemaVersion;
  private long pageSize;

  private SqlConnection(SQLiteConnection conn, boolean readOnly) {
    this.conn = conn;
    this.readOnly = readOnly;
  }

  /** Opens a connection; the writer also sets the database-wide settings. */
  static SqlConnection open(Path file, boolean readOnly, SqlLimits limits) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(readOnly);
    config.setBusyTimeout(10_000);
    config.enforceForeignKeys(true);
    config.enableLoadExtension(false);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    // Off: with it, sqlite-jdbc matches every statement's text against a regex and runs an extra
    // "SELECT last_insert_rowid()" after each INSERT; the engine asks for the rowid itself.
    config.setGetGeneratedKeys(false);
    SQLiteConnection c =
        (SQLiteConnection)
            DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    SqlConnection sc = new SqlConnection(c, readOnly);
    try {
      sc.configure(limits);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return sc;
  }

  private void configure(SqlLimits limits) throws SQLException {
    try (Statement st = conn.createStatement()) {
      if (!readOnly) {
        st.execute("PRAGMA journal_mode=WAL");
        // Truncate the WAL when SQLite restarts it after a checkpoint, so its size tells how much
        // was written since (DatabaseHandle.maybeCheckpoint) and disk use stays bounded.
        st.execute("PRAGMA journal_size_limit=0");
      }
      st.execute("PRAGMA wal_autocheckpoint=0");
      try (ResultSet rs = st.executeQuery("PRAGMA page_size")) {
        pageSize = rs.getLong(1);
      }
      if (!readOnly) {
        st.execute("PRAGMA max_page_count=" + Math.max(1, limits.maxDatabaseBytes() / pageSize));
      }
    }
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, limits.maxStatementBytes());
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_VARIABLE_NUMBER, limits.maxBoundParameters());
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, limits.maxValueBytes());
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_COLUMN, limits.maxColumns());
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG, limits.maxFunctionArgs());
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, limits.maxLikePatternBytes());
    ProgressHandler.setHandler(
        conn,
        PROGRESS_INTERVAL,
        new ProgressHandler() {
          @Override
          protected int progress() {
            return System.nanoTime() - deadline > 0 ? 1 : 0;
          }
        });
    conn.addUpdateListener(rowCounter);
    lastRowId = conn.prepareStatement("SELECT last_insert_rowid()");
    pageCount = conn.prepareStatement("PRAGMA page_count");
    begin = conn.prepareStatement("BEGIN");
    commit = conn.prepareStatement("COMMIT");
    // Not "PRAGMA schema_version": that reads the version without checking this connection's copy
    // of the schema; a query on a table does check it, and reloads a schema changed elsewhere.
    schemaVersion = conn.prepareStatement("SELECT schema_version FROM pragma_schema_version");
  }

  /** Starts a deferred transaction (a read one until something writes). */
  void begin() throws SQLException {
    begin.execute();
  }

  void commit() throws SQLException {
    commit.execute();
  }

  /**
   * The schema version of the database as this connection's transaction sees it. Reading it is also
   * what makes SQLite notice a schema another connection changed and reload its own copy.
   */
  long schemaVersion() throws SQLException {
    try (ResultSet rs = schemaVersion.executeQuery()) {
      return rs.getLong(1);
    }
  }

  /** Sets the longest statement SQLite accepts on this connection (imports allow longer ones). */
  void setMaxStatementBytes(int bytes) throws SQLException {
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, bytes);
  }

  Connection jdbc() {
    return conn;
  }

  boolean isReadOnly() {
    return readOnly;
  }

  RowCounter rowCounter() {
    return rowCounter;
  }

  StatementCache statements() {
    return statements;
  }

  /** Sets when the running request must stop; {@code Long.MAX_VALUE} for never. */
  void setDeadline(long nanoTime) {
    this.deadline = nanoTime;
  }

  /** Runs engine-internal SQL (transaction control, resets), never user SQL. */
  void exec(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  long changes() throws SQLException {
    return conn.getDatabase().changes();
  }

  long totalChanges() throws SQLException {
    return conn.getDatabase().total_changes();
  }

  long lastInsertRowId() throws SQLException {
    try (ResultSet rs = lastRowId.executeQuery()) {
      return rs.getLong(1);
    }
  }

  /** Bytes of the database: page count times page size. */
  long sizeBytes() throws SQLException {
    try (ResultSet rs = pageCount.executeQuery()) {
      return rs.getLong(1) * pageSize;
    }
  }

  /** Indexes on a table (cached until {@link #schemaMayHaveChanged}). */
  int indexCount(String table) throws SQLException {
    Integer n = indexCounts.get(table);
    if (n == null) {
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT count(*) FROM pragma_index_list(?)")) {
        ps.setString(1, table);
        try (ResultSet rs = ps.executeQuery()) {
          n = rs.getInt(1);
        }
      }
      indexCounts.put(table, n);
    }
    return n;
  }

  void schemaMayHaveChanged() {
    indexCounts.clear();
  }

  @Override
  public void close() throws SQLException {
    statements.close();
    conn.close();
  }
}
