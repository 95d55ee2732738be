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
import org.sqlite.core.Codes;
import org.sqlite.core.CoreStatement;

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
  private final dev.opend1.core.SqlCompat compat;
  private final RowCounter rowCounter = new RowCounter();

  /** Whether {@link #rowCounter} is SQLite's update hook now ({@link #countRowsWritten}). */
  private boolean rowCounterOn;

  private final StatementCache statements = new StatementCache();

  /** The limits user SQL is held to on this connection (set by {@link #configure}). */
  private SqlLimits limits;

  /** When the running request must stop ({@link System#nanoTime}); read by the progress handler. */
  private volatile long deadline = Long.MAX_VALUE;

  /** Index counts per table for rows_written; cleared whenever a request may change the schema. */
  private final Map<String, Integer> indexCounts = new HashMap<>();

  /** Rows of the tables statements read whole, for rows_read. */
  private TableRows tableRows;

  private PreparedStatement lastRowId;
  private PreparedStatement pageCount;
  private PreparedStatement begin;
  private PreparedStatement commit;

  /** Writer only: a write transaction's start, and a request's savepoint in a group's. */
  private PreparedStatement beginImmediate;

  private PreparedStatement savepoint;
  private PreparedStatement release;
  private PreparedStatement schemaVersion;
  private PreparedStatement schemaCookie;
  private long pageSize;

  /** The main schema's b-trees as of the version it was read at; see {@link #mainSchema}. */
  private MainSchema mainSchema;

  /** The SQL length limit set on the connection ({@link #setMaxStatementBytes}). */
  private int maxStatementBytes;

  /** Writer only: whether the database is known to have D1's {@code _cf_KV} table. */
  private boolean hasCfKv;

  /** Whether a statement since the last {@link #takeTempObjectsUsed} used the TEMP schema. */
  private boolean tempObjectsUsed;

  private SqlConnection(SQLiteConnection conn, boolean readOnly, dev.opend1.core.SqlCompat compat) {
    this.conn = conn;
    this.readOnly = readOnly;
    this.compat = compat;
  }

  /**
   * Every connection's page cache, in KiB (SQLite's default is 2,000 KiB). A database has up to
   * five connections and a server up to {@code --max-open-databases} open databases, so the caches
   * are most of the native memory: at the default, in a soak of 100 busy databases, they grew with
   * the databases for the whole run. A reader's cache is emptied anyway whenever another connection
   * commits (SQLite then rereads the WAL); the writer's survives its commits, but what it holds of
   * a database larger than the cache is its hot path (the B-trees' upper levels, the right edge an
   * append writes to), and a page either of them misses is a 4 KB read from the operating system's
   * file cache. A transaction with more dirty pages than this spills them to the WAL before its
   * commit.
   */
  static final int CACHE_KIB = 512;

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
    // The engine begins and ends every transaction itself. With JDBC's autocommit flag set,
    // sqlite-jdbc steps a "begin;" after every statement that returns no rows, to end transactions
    // a JDBC user left open; inside the engine's transaction that step always fails, and it cost a
    // tenth of the writer's time in a batch of INSERTs. The flag is cleared without sqlite-jdbc's
    // setAutoCommit, which would begin a transaction of its own.
    c.getConnectionConfig().setAutoCommit(false);
    SqlConnection sc = new SqlConnection(c, readOnly, limits.compat());
    try {
      sc.configure(limits);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return sc;
  }

  private void configure(SqlLimits limits) throws SQLException {
    this.limits = limits;
    try (Statement st = conn.createStatement()) {
      if (!readOnly) {
        st.execute("PRAGMA journal_mode=WAL");
        // Truncate the WAL when SQLite restarts it after a checkpoint, so its size tells how much
        // was written since (DatabaseHandle.maybeCheckpoint) and disk use stays bounded.
        st.execute("PRAGMA journal_size_limit=0");
      }
      st.execute("PRAGMA wal_autocheckpoint=0");
      st.execute("PRAGMA cache_size=-" + CACHE_KIB);
      try (ResultSet rs = st.executeQuery("PRAGMA page_size")) {
        pageSize = rs.getLong(1);
      }
      if (!readOnly) {
        st.execute("PRAGMA max_page_count=" + Math.max(1, limits.maxDatabaseBytes() / pageSize));
      }
    }
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
    setMaxStatementBytes(limits.maxStatementBytes());
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
    countRowsWritten(true);
    tableRows = new TableRows(conn, readOnly);
    lastRowId = conn.prepareStatement("SELECT last_insert_rowid()");
    pageCount = conn.prepareStatement("PRAGMA page_count");
    begin = conn.prepareStatement("BEGIN");
    commit = conn.prepareStatement("COMMIT");
    if (!readOnly) {
      beginImmediate = conn.prepareStatement("BEGIN IMMEDIATE");
      savepoint = conn.prepareStatement("SAVEPOINT " + REQUEST_SAVEPOINT);
      release = conn.prepareStatement("RELEASE " + REQUEST_SAVEPOINT);
    }
    // Not "PRAGMA schema_version": that reads the version without checking this connection's copy
    // of the schema; a query on a table does check it, and reloads a schema changed elsewhere.
    schemaVersion = conn.prepareStatement("SELECT schema_version FROM pragma_schema_version");
    schemaCookie = conn.prepareStatement("PRAGMA schema_version");
  }

  /** Starts a deferred transaction (a read one until something writes). */
  void begin() throws SQLException {
    step(begin);
  }

  void commit() throws SQLException {
    step(commit);
  }

  /**
   * The name of the savepoint a request of a group runs in ({@link WriteGroup}); {@code ROLLBACK
   * TO} it undoes that request alone.
   */
  static final String REQUEST_SAVEPOINT = "opend1_request";

  /** Writer only: starts a write transaction ({@code BEGIN IMMEDIATE}). */
  void beginImmediate() throws SQLException {
    step(beginImmediate);
  }

  /** Writer only: opens the savepoint of a group's next request ({@link #REQUEST_SAVEPOINT}). */
  void savepoint() throws SQLException {
    step(savepoint);
  }

  /** Writer only: releases the savepoint of a group's request: its changes stay in the group's. */
  void release() throws SQLException {
    step(release);
  }

  /**
   * The schema version of the database as this connection's transaction sees it. Reading it is also
   * what makes SQLite notice a schema another connection changed and reload its own copy.
   */
  long schemaVersion() throws SQLException {
    return singleLong(schemaVersion);
  }

  /**
   * The schema version in the database's header as this connection's transaction sees it, without
   * the check {@link #schemaVersion} makes: one step of a prepared {@code PRAGMA}, which neither
   * compares it with this connection's copy of the schema nor reloads that copy. Enough to tell
   * that the schema is still the one a request read before (the version only ever grows while a
   * connection is open: a restore, which may bring back a lower one, closes every connection), not
   * to make this connection see a new one.
   */
  long schemaCookie() throws SQLException {
    return singleLong(schemaCookie);
  }

  /** The SQL dialect user statements on this connection are held to. */
  dev.opend1.core.SqlCompat compat() {
    return compat;
  }

  /**
   * The main schema's b-trees as this connection's transaction sees them now, read again only when
   * the schema version moved (a statement earlier in the same request may have changed it).
   */
  MainSchema mainSchema() throws SQLException {
    long version = schemaVersion();
    if (mainSchema == null || mainSchema.version() != version) {
      mainSchema = MainSchema.read(conn, version);
    }
    return mainSchema;
  }

  /**
   * Writer only, inside a write transaction: adds D1's {@code _cf_KV} table to a database made
   * before opend1 had it (new databases are created with it), so that it commits, and is captured
   * in the history, with the transaction. Returns whether it had to be added; the caller calls
   * {@link #cfKvCommitted} once the transaction committed.
   */
  boolean addCfKvIfMissing() throws SQLException {
    if (hasCfKv) {
      return false;
    }
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1 FROM main.sqlite_schema WHERE name = '_cf_KV'")) {
      if (rs.next()) {
        hasCfKv = true;
        return false;
      }
    }
    exec(dev.opend1.sql.SqlRules.CF_KV_DDL);
    return true;
  }

  /** The transaction that added {@code _cf_KV} (see {@link #addCfKvIfMissing}) committed. */
  void cfKvCommitted() {
    hasCfKv = true;
  }

  /** Notes that a statement used the TEMP schema (allowed in SQLite mode, dropped after). */
  void tempObjectsUsed() {
    tempObjectsUsed = true;
  }

  /** Whether a statement used the TEMP schema since the last call; clears the note. */
  boolean takeTempObjectsUsed() {
    boolean used = tempObjectsUsed;
    tempObjectsUsed = false;
    return used;
  }

  /**
   * Puts the PRAGMA settings a request may change back to D1's defaults (D1: "PRAGMA settings apply
   * only to the current transaction").
   */
  void resetSettings() throws SQLException {
    for (java.util.Map.Entry<String, String> e :
        dev.opend1.sql.PragmaPolicy.resettableDefaults().entrySet()) {
      exec("PRAGMA " + e.getKey() + " = " + e.getValue());
    }
  }

  /** Sets the longest statement SQLite accepts on this connection (imports allow longer ones). */
  void setMaxStatementBytes(int bytes) throws SQLException {
    conn.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, bytes);
    maxStatementBytes = bytes;
  }

  /**
   * Lifts, for an export's own query, the limits that bound user SQL's values and function
   * arguments (a row's INSERT line is longer than any of its values, and is built by one {@code
   * concat_ws} of its columns), to SQLite's compile-time maximum; {@code false} puts D1's back.
   */
  void dumpLimits(boolean lifted) throws SQLException {
    conn.setLimit(
        SQLiteLimits.SQLITE_LIMIT_LENGTH, lifted ? Integer.MAX_VALUE : limits.maxValueBytes());
    conn.setLimit(
        SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG,
        lifted ? Integer.MAX_VALUE : limits.maxFunctionArgs());
  }

  /** The longest statement SQLite accepts on this connection now. */
  int maxStatementBytes() {
    return maxStatementBytes;
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

  /**
   * Starts counting the next statement's rows written: with the update hook ({@link RowCounter},
   * emptied) when {@code byHook}, else with the hook off, which sqlite-jdbc then no longer calls
   * for each row. Switches the hook only when it changes, so a batch of the same INSERT switches
   * once.
   */
  void countRowsWritten(boolean byHook) {
    rowCounter.reset();
    if (byHook != rowCounterOn) {
      if (byHook) {
        conn.addUpdateListener(rowCounter);
      } else {
        conn.removeUpdateListener(rowCounter);
      }
      rowCounterOn = byHook;
    }
  }

  StatementCache statements() {
    return statements;
  }

  /** True when the running request's deadline has passed (the progress handler interrupts it). */
  boolean pastDeadline() {
    return System.nanoTime() - deadline > 0;
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

  /**
   * Runs a text of several statements, already checked, in one native call ({@code sqlite3_exec});
   * a failure stops at the failing statement and carries SQLite's message only, not its code.
   */
  void execAll(String sql) throws SQLException {
    conn.getDatabase()._exec(sql);
  }

  long changes() throws SQLException {
    return conn.getDatabase().changes();
  }

  long totalChanges() throws SQLException {
    return conn.getDatabase().total_changes();
  }

  long lastInsertRowId() throws SQLException {
    return singleLong(lastRowId);
  }

  /**
   * The rows of the table whose b-tree (its own or an index's) has root page {@code root}, as the
   * running transaction sees it; 0 for a root the main schema does not know.
   */
  long rowsOfTree(long root) throws SQLException {
    String table = root == MainSchema.SCHEMA_ROOT ? "sqlite_schema" : mainSchema().table(root);
    return table == null ? 0 : tableRows.of(table);
  }

  /** Bytes of the database: page count times page size. */
  long sizeBytes() throws SQLException {
    return singleLong(pageCount) * pageSize;
  }

  /**
   * The first column of the one row a prepared engine query returns, stepped through sqlite-jdbc's
   * native calls on the statement's pointer (step, column, reset). A JDBC {@code executeQuery}
   * builds a result set and reads the column names first, which cost several times what the query
   * does: these run after every statement a write request runs ({@code last_insert_rowid()}, {@code
   * page_count}), 1,000 times for a batch of 1,000 INSERTs.
   */
  private static long singleLong(PreparedStatement ps) throws SQLException {
    return ((CoreStatement) ps)
        .pointer.safeRunLong(
            (db, stmt) -> {
              try {
                int rc = db.step(stmt);
                if (rc != Codes.SQLITE_ROW) {
                  db.throwex(rc);
                }
                return db.column_long(stmt, 0);
              } finally {
                db.reset(stmt);
              }
            });
  }

  /**
   * Runs a prepared engine statement that returns no rows (transaction control) through
   * sqlite-jdbc's native calls, like {@link #singleLong}: JDBC's {@code execute} costs more than
   * SQLite's {@code BEGIN} itself.
   */
  private static void step(PreparedStatement ps) throws SQLException {
    ((CoreStatement) ps)
        .pointer.safeRunInt(
            (db, stmt) -> {
              try {
                int rc = db.step(stmt);
                if (rc != Codes.SQLITE_DONE) {
                  db.throwex(rc);
                }
                return rc;
              } finally {
                db.reset(stmt);
              }
            });
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
