package dev.opend1.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.Codes;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;
import org.sqlite.core.SafeStmtPtr;

/**
 * The same work through sqlite-jdbc, the way opend1's engine does it, and through {@link
 * FfmSqlite}, a prototype binding over SQLite's C API: the point read, the 10 MB result, the batch
 * of 1,000 INSERTs and a run of 256 dump INSERTs (bench/run ffm; docs/design.md, "What a binding of
 * our own would gain"). One thread, both connections on the same database file ({@link
 * InProcessSqlite.Db}'s rows) with the engine's pragmas: WAL, {@code synchronous=NORMAL}, foreign
 * keys on.
 *
 * <p>Each pair's two methods do the same SQLite work; what differs is the binding, and the SQLite
 * library (sqlite-jdbc's own build against the system's, bench/ffm prints both). Text values are
 * copied as UTF-8 bytes into an output buffer, as the engine hands them to the JSON writer. The
 * batch and the import roll their transaction back, so the database stays the same size from one
 * operation to the next; the commit they leave out is SQLite's and the kernel's work, the same with
 * either binding.
 *
 * <p>Two copies of SQLite in one process on one file is the hazard SQLite's "How To Corrupt" page
 * warns of: closing a file in one copy drops the POSIX locks the other holds on it. It is safe here
 * only because the file is written by one side at a time and no connection to it closes until the
 * trial ends; a product binding would have to own every connection to a database file.
 *
 * <p>Besides JMH's wall-clock score, each measurement iteration writes the benchmark thread's CPU
 * time per operation to standard output ({@code cpu-per-op}), which the machine's other load moves
 * less; bench/ffm collects those lines.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FfmVsJdbc {

  /** INSERTs in the batch, as bench/lib/d1.lua's {@code batch} sends. */
  static final int BATCH = 1000;

  /** Statements in one {@code sqlite3_exec} of the import, as the engine's import runs them. */
  static final int IMPORT_RUN = 256;

  /** Both connections of the benchmark thread, with their statements prepared once. */
  @State(Scope.Thread)
  public static class Conns {
    int rows;

    // sqlite-jdbc, as the engine opens and uses it (SqlConnection).
    SQLiteConnection jdbc;
    DB jdbcDb;
    PreparedStatement jdbcPoint;
    PreparedStatement jdbcAll;
    PreparedStatement jdbcInsert;
    PreparedStatement jdbcLastRowId;
    PreparedStatement jdbcPageCount;
    PreparedStatement jdbcCookie;
    PreparedStatement jdbcScan;
    final Map<String, Long> jdbcRowsByTable = new HashMap<>();

    // The prototype.
    FfmSqlite ffm;
    FfmSqlite.Stmt ffmPoint;
    FfmSqlite.Stmt ffmAll;
    FfmSqlite.Stmt ffmInsert;
    FfmSqlite.Stmt ffmPageCount;
    FfmSqlite.Stmt ffmCookie;
    FfmSqlite.Stmt ffmScan;
    final TableRows ffmRows = new TableRows();

    /** The import's run of INSERTs: as the dump's bytes, and as the string the engine makes. */
    byte[] importBytes;

    String importText;

    /** Columns of {@link #POINT}'s and {@link #ALL}'s rows, read once as the engine does. */
    int pointColumns;

    int allColumns;

    /** The operation's blackhole, for the row reader made once (as engine/NativeRow's copy). */
    Blackhole bh;

    final SafeStmtPtr.SafePtrConsumer<SQLException> jdbcPointRow =
        (db, stmt) -> readRow(this, pointColumns, db, stmt);
    final SafeStmtPtr.SafePtrConsumer<SQLException> jdbcAllRow =
        (db, stmt) -> readRow(this, allColumns, db, stmt);

    /** Where row values go, as into the JSON writer's buffer; written from the start again. */
    final byte[] out = new byte[1 << 16];

    int at;

    @Setup(Level.Trial)
    public void open(InProcessSqlite.Db db) throws SQLException {
      rows = db.rows;
      String file = db.dir.resolve("bench.sqlite").toString();
      // As SqlConnection.open: without generated keys, which would match every statement's text
      // against a regex and step "SELECT last_insert_rowid()" after each INSERT.
      SQLiteConfig config = new SQLiteConfig();
      config.setGetGeneratedKeys(false);
      jdbc =
          (SQLiteConnection)
              DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      jdbc.getConnectionConfig().setAutoCommit(false); // as SqlConnection.open, see there
      try (Statement s = jdbc.createStatement()) {
        for (String pragma : PRAGMAS) {
          s.execute(pragma);
        }
        s.execute(
            "CREATE TABLE IF NOT EXISTS imported(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                + " score INTEGER NOT NULL, payload TEXT NOT NULL)");
      }
      jdbcDb = jdbc.getDatabase();
      jdbc.addUpdateListener(
          (type, database, table, rowId) -> jdbcRowsByTable.merge(table, 1L, Long::sum));
      jdbcPoint = jdbc.prepareStatement(POINT);
      jdbcAll = jdbc.prepareStatement(ALL);
      jdbcInsert = jdbc.prepareStatement(INSERT);
      jdbcLastRowId = jdbc.prepareStatement("SELECT last_insert_rowid()");
      jdbcPageCount = jdbc.prepareStatement("PRAGMA page_count");
      jdbcCookie = jdbc.prepareStatement("PRAGMA schema_version");
      jdbcScan = jdbc.prepareStatement(SCAN);

      ffm = FfmSqlite.open(file);
      for (String pragma : PRAGMAS) {
        ffm.exec(pragma);
      }
      ffm.exec("PRAGMA secure_delete=OFF"); // Debian's build has it on; sqlite-jdbc's off
      ffm.updateHook(ffmRows);
      ffmPoint = ffm.prepare(POINT);
      ffmAll = ffm.prepare(ALL);
      ffmInsert = ffm.prepare(INSERT);
      ffmPageCount = ffm.prepare("PRAGMA page_count");
      ffmCookie = ffm.prepare("PRAGMA schema_version");
      ffmScan = ffm.prepare(SCAN);
      pointColumns = ffmPoint.columnCount();
      allColumns = ffmAll.columnCount();

      StringBuilder run = new StringBuilder();
      for (int i = 1; i <= IMPORT_RUN; i++) {
        // The shape of a line of D1's (and sqlite3's) dump.
        run.append("INSERT INTO \"imported\" VALUES(")
            .append(i)
            .append(",'name-")
            .append(i)
            .append("',")
            .append(i * 7 % 1000)
            .append(",'")
            .append(Integer.toHexString(i).repeat(100).substring(0, 100))
            .append("');\n");
      }
      importText = run.toString();
      importBytes = importText.getBytes(StandardCharsets.UTF_8);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      for (FfmSqlite.Stmt s :
          new FfmSqlite.Stmt[] {ffmPoint, ffmAll, ffmInsert, ffmPageCount, ffmCookie, ffmScan}) {
        s.close();
      }
      ffm.close();
      jdbc.close();
    }

    /** Makes room for {@code n} more bytes in {@link #out}, starting over when it is full. */
    int room(int n) {
      if (at + n > out.length) {
        at = 0;
      }
      int start = at;
      at += n;
      return start;
    }
  }

  /** The engine's connection settings that matter here (SqlConnection.configure). */
  static final String[] PRAGMAS = {
    "PRAGMA busy_timeout=10000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
  };

  static final String POINT = "SELECT * FROM kv WHERE id = ?";
  static final String ALL = "SELECT * FROM big";
  static final String INSERT = "INSERT INTO log(v) VALUES (?)";
  static final String SCAN = "SELECT sum(id) FROM big";

  /**
   * The update hook's rows per table for the prototype: the table's name is read only when SQLite
   * passes a pointer other than the last one (the same table's name has the same address while the
   * schema stays), so a row costs a comparison, not two Java strings and a map's update.
   */
  static final class TableRows implements FfmSqlite.RowHook {
    final Map<String, long[]> byTable = new HashMap<>();
    private MemorySegment lastPointer = MemorySegment.NULL;
    private long[] last;

    @Override
    public void row(int op, MemorySegment table, long rowid) {
      if (!table.equals(lastPointer)) {
        lastPointer = table;
        last = byTable.computeIfAbsent(FfmSqlite.string(table), t -> new long[1]);
      }
      last[0]++;
    }

    void reset() {
      for (long[] n : byTable.values()) {
        n[0] = 0;
      }
    }
  }

  /** CPU time of the benchmark thread per operation, per measurement iteration. */
  @State(Scope.Thread)
  public static class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    long ops;
    private long cpu0;
    private long wall0;

    @Setup(Level.Iteration)
    public void start() {
      ops = 0;
      cpu0 = THREADS.getCurrentThreadCpuTime();
      wall0 = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void stop(BenchmarkParams benchmark, IterationParams iteration) {
      long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      if (iteration.getType() == IterationType.MEASUREMENT && ops > 0) {
        String name = benchmark.getBenchmark();
        System.out.printf(
            "cpu-per-op %s %.3f %.3f%n",
            name.substring(name.lastIndexOf('.') + 1), cpu / 1000.0 / ops, wall / 1000.0 / ops);
      }
    }
  }

  // --- (a) The point read ------------------------------------------------------------------------

  /**
   * As engine/SingleRead: total changes before, JDBC's bind and {@code execute} (the first step),
   * the schema version stepped natively, the row's columns read natively under the statement's lock
   * (type, then value; text as bytes), the step to the end and the reset, total changes after.
   */
  @Benchmark
  public void pointJdbc(Conns c, CpuClock clock, Blackhole bh) throws SQLException {
    c.bh = bh;
    long before = c.jdbcDb.total_changes();
    c.jdbcPoint.setLong(1, 1 + ThreadLocalRandom.current().nextInt(c.rows));
    boolean onRow = c.jdbcPoint.execute();
    bh.consume(singleLong(c.jdbcCookie));
    if (onRow) {
      CoreStatement st = (CoreStatement) c.jdbcPoint;
      do {
        st.pointer.safeRunConsume(c.jdbcPointRow);
      } while (st.pointer.safeRunInt(FfmVsJdbc::stepJdbc) == Codes.SQLITE_ROW);
    }
    bh.consume(c.jdbcDb.total_changes() - before);
    clock.ops++;
  }

  /** The same through the prototype: every call a downcall on the statement's pointer. */
  @Benchmark
  public void pointFfm(Conns c, CpuClock clock, Blackhole bh) {
    long before = c.ffm.totalChanges();
    FfmSqlite.Stmt st = c.ffmPoint;
    st.bindLong(1, 1 + ThreadLocalRandom.current().nextInt(c.rows));
    int rc = st.step();
    bh.consume(singleLong(c.ffmCookie));
    while (rc == FfmSqlite.ROW) {
      readRow(c, c.pointColumns, st, bh);
      rc = st.step();
    }
    st.reset();
    bh.consume(c.ffm.totalChanges() - before);
    clock.ops++;
  }

  /**
   * {@link #pointFfm} with what only the prototype can do: the schema check as the statement's
   * re-prepare counter ({@code sqlite3_stmt_status}) instead of a step of {@code PRAGMA
   * schema_version} (remaining-point.md).
   */
  @Benchmark
  public void pointFfmReprepareCounter(Conns c, CpuClock clock, Blackhole bh) {
    long before = c.ffm.totalChanges();
    FfmSqlite.Stmt st = c.ffmPoint;
    st.bindLong(1, 1 + ThreadLocalRandom.current().nextInt(c.rows));
    int rc = st.step();
    bh.consume(st.status(FfmSqlite.STMTSTATUS_REPREPARE));
    while (rc == FfmSqlite.ROW) {
      readRow(c, c.pointColumns, st, bh);
      rc = st.step();
    }
    st.reset();
    bh.consume(c.ffm.totalChanges() - before);
    clock.ops++;
  }

  // --- (b) The 10 MB result ----------------------------------------------------------------------

  /**
   * As engine/QueryRunner: JDBC's {@code execute} and result set step, the values read natively.
   */
  @Benchmark
  public void result10mbJdbc(Conns c, CpuClock clock, Blackhole bh) throws SQLException {
    c.bh = bh;
    c.jdbcAll.execute();
    CoreStatement st = (CoreStatement) c.jdbcAll;
    try (ResultSet rs = c.jdbcAll.getResultSet()) {
      while (rs.next()) {
        st.pointer.safeRunConsume(c.jdbcAllRow);
      }
    }
    clock.ops++;
  }

  @Benchmark
  public void result10mbFfm(Conns c, CpuClock clock, Blackhole bh) {
    FfmSqlite.Stmt st = c.ffmAll;
    while (st.step() == FfmSqlite.ROW) {
      readRow(c, c.allColumns, st, bh);
    }
    st.reset();
    clock.ops++;
  }

  // --- (c) The batch of 1,000 INSERTs ------------------------------------------------------------

  /**
   * As engine/QueryRunner for each statement of a batch: total changes before, the hook's tally
   * cleared, JDBC's bind and {@code execute}, then {@code changes()}, total changes, the hook's
   * tally, {@code SELECT last_insert_rowid()} and {@code PRAGMA page_count} stepped natively.
   */
  @Benchmark
  public void batch1000Jdbc(Conns c, CpuClock clock, Blackhole bh) throws SQLException {
    c.jdbcDb._exec("BEGIN IMMEDIATE");
    try {
      for (int i = 0; i < BATCH; i++) {
        long before = c.jdbcDb.total_changes();
        c.jdbcRowsByTable.clear();
        c.jdbcInsert.setString(1, "row-value-of-some-length");
        c.jdbcInsert.execute();
        bh.consume(c.jdbcDb.changes());
        bh.consume(c.jdbcDb.total_changes() != before);
        bh.consume(c.jdbcRowsByTable.get("log"));
        bh.consume(singleLong(c.jdbcLastRowId));
        bh.consume(singleLong(c.jdbcPageCount));
      }
    } finally {
      c.jdbcDb._exec("ROLLBACK");
    }
    clock.ops++;
  }

  /**
   * The same through the prototype: the text bound from its UTF-8 bytes, {@code changes64}, {@code
   * total_changes64} and {@code last_insert_rowid} as direct calls, the update hook as an upcall
   * that compares the table's pointer; {@code PRAGMA page_count} is still a statement (SQLite's C
   * API has no call for it).
   */
  @Benchmark
  public void batch1000Ffm(Conns c, CpuClock clock, Blackhole bh) {
    c.ffm.exec("BEGIN IMMEDIATE");
    try {
      FfmSqlite.Stmt st = c.ffmInsert;
      for (int i = 0; i < BATCH; i++) {
        long before = c.ffm.totalChanges();
        c.ffmRows.reset();
        st.bindText(1, "row-value-of-some-length".getBytes(StandardCharsets.UTF_8));
        st.step();
        st.reset();
        bh.consume(c.ffm.changes());
        bh.consume(c.ffm.totalChanges() != before);
        bh.consume(c.ffmRows.byTable.get("log")[0]);
        bh.consume(c.ffm.lastInsertRowid());
        bh.consume(singleLong(c.ffmPageCount));
      }
    } finally {
      c.ffm.exec("ROLLBACK");
    }
    clock.ops++;
  }

  // --- (d) A run of the import -------------------------------------------------------------------

  /** As engine/ImportStatements: the run as a Java string to sqlite-jdbc's {@code _exec}. */
  @Benchmark
  public void import256Jdbc(Conns c, CpuClock clock) throws SQLException {
    c.jdbcDb._exec("BEGIN IMMEDIATE");
    try {
      c.jdbcDb._exec(c.importText);
    } finally {
      c.jdbcDb._exec("ROLLBACK");
    }
    clock.ops++;
  }

  /** The run as the dump's own bytes to {@code sqlite3_exec}: one copy, no string. */
  @Benchmark
  public void import256Ffm(Conns c, CpuClock clock) {
    c.ffm.exec("BEGIN IMMEDIATE");
    try {
      c.ffm.exec(c.importBytes, c.importBytes.length);
    } finally {
      c.ffm.exec("ROLLBACK");
    }
    clock.ops++;
  }

  // --- The binding alone ------------------------------------------------------------------------

  /**
   * A row of {@code kv} stepped to once and kept there, on both connections, for the pairs that
   * measure the binding's calls alone: reading a row that is already there costs SQLite a few field
   * reads in any version, so the difference is the binding's. Only those benchmarks use it: a
   * statement left on a row keeps its connection's read transaction open.
   */
  @State(Scope.Thread)
  public static class OnRow {
    PreparedStatement jdbc;
    CoreStatement jdbcStatement;
    FfmSqlite.Stmt ffm;

    @Setup(Level.Trial)
    public void step(Conns c) throws SQLException {
      jdbc = c.jdbc.prepareStatement("SELECT * FROM kv WHERE id = 1");
      if (!jdbc.execute()) {
        throw new IllegalStateException("no row 1 in kv");
      }
      jdbcStatement = (CoreStatement) jdbc;
      ffm = c.ffm.prepare("SELECT * FROM kv WHERE id = 1");
      if (ffm.step() != FfmSqlite.ROW) {
        throw new IllegalStateException("no row 1 in kv");
      }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      jdbc.close();
      ffm.close();
    }
  }

  /** One row's four columns read as engine/NativeRow does, with no step: the binding's calls. */
  @Benchmark
  public void rowReadJdbc(Conns c, OnRow r, CpuClock clock, Blackhole bh) throws SQLException {
    c.bh = bh;
    r.jdbcStatement.pointer.safeRunConsume(c.jdbcPointRow);
    clock.ops++;
  }

  @Benchmark
  public void rowReadFfm(Conns c, OnRow r, CpuClock clock, Blackhole bh) {
    readRow(c, c.pointColumns, r.ffm, bh);
    clock.ops++;
  }

  /**
   * What a write statement's end asks the connection (engine/QueryRunner.statementEnd, less {@code
   * page_count}): {@code changes()}, total changes, {@code last_insert_rowid()}, the last a
   * statement with sqlite-jdbc.
   */
  @Benchmark
  public void statementEndJdbc(Conns c, CpuClock clock, Blackhole bh) throws SQLException {
    bh.consume(c.jdbcDb.changes());
    bh.consume(c.jdbcDb.total_changes());
    bh.consume(singleLong(c.jdbcLastRowId));
    clock.ops++;
  }

  @Benchmark
  public void statementEndFfm(Conns c, CpuClock clock, Blackhole bh) {
    bh.consume(c.ffm.changes());
    bh.consume(c.ffm.totalChanges());
    bh.consume(c.ffm.lastInsertRowid());
    clock.ops++;
  }

  /**
   * {@link #import256Ffm} handed a Java string, as sqlite-jdbc's {@code _exec} is: the same
   * library, so the difference to {@link #import256Ffm} is the string's encoding alone.
   */
  @Benchmark
  public void import256FfmString(Conns c, CpuClock clock) {
    c.ffm.exec("BEGIN IMMEDIATE");
    try {
      c.ffm.exec(c.importText);
    } finally {
      c.ffm.exec("ROLLBACK");
    }
    clock.ops++;
  }

  // --- The two libraries alone ------------------------------------------------------------------

  /**
   * SQLite's own work with next to no binding calls (one step, one column): the walk over every row
   * of {@code big}'s b-tree that the 10 MB result's steps make, inside SQLite. The two sides differ
   * here by their SQLite libraries only (version and build), which the other pairs include too.
   * ({@code sum(id)}: {@code length(v)} would count every text's characters, work the result does
   * not do.)
   */
  @Benchmark
  public void scanJdbc(Conns c, CpuClock clock, Blackhole bh) throws SQLException {
    bh.consume(singleLong(c.jdbcScan));
    clock.ops++;
  }

  @Benchmark
  public void scanFfm(Conns c, CpuClock clock, Blackhole bh) {
    bh.consume(singleLong(c.ffmScan));
    clock.ops++;
  }

  /**
   * The Java half of what sqlite-jdbc's {@code _exec} adds to an import's run: the string encoded
   * to UTF-8 (its JNI half copies the bytes once more, as the prototype copies them once).
   */
  @Benchmark
  public void import256EncodeOnly(Conns c, CpuClock clock, Blackhole bh) {
    bh.consume(c.importText.getBytes(StandardCharsets.UTF_8));
    clock.ops++;
  }

  // --- The pieces --------------------------------------------------------------------------------

  /** engine/NativeRow's copy: each column's type, then its value; text into the output buffer. */
  private static void readRow(Conns c, int columns, DB db, long stmt) throws SQLException {
    Blackhole bh = c.bh;
    for (int i = 0; i < columns; i++) {
      switch (db.column_type(stmt, i)) {
        case Codes.SQLITE_INTEGER -> bh.consume(db.column_long(stmt, i));
        case Codes.SQLITE_FLOAT -> bh.consume(db.column_double(stmt, i));
        case Codes.SQLITE_TEXT, Codes.SQLITE_BLOB -> {
          byte[] value = db.column_blob(stmt, i);
          int n = value == null ? 0 : value.length;
          System.arraycopy(value == null ? c.out : value, 0, c.out, c.room(n), n);
        }
        default -> bh.consume(i);
      }
    }
  }

  /** The same through the prototype: text copied from SQLite's memory into the output buffer. */
  private static void readRow(Conns c, int columns, FfmSqlite.Stmt st, Blackhole bh) {
    for (int i = 0; i < columns; i++) {
      switch (st.columnType(i)) {
        case FfmSqlite.INTEGER -> bh.consume(st.columnLong(i));
        case FfmSqlite.FLOAT -> bh.consume(st.columnDouble(i));
        case FfmSqlite.TEXT, FfmSqlite.BLOB -> {
          MemorySegment value = st.columnBytes(i);
          int n = (int) value.byteSize();
          MemorySegment.copy(value, ValueLayout.JAVA_BYTE, 0, c.out, c.room(n), n);
        }
        default -> bh.consume(i);
      }
    }
  }

  /** engine/NativeRow.next's step: to the next row, or reset at the end. */
  private static int stepJdbc(DB db, long stmt) throws SQLException {
    int rc = db.step(stmt);
    if (rc == Codes.SQLITE_DONE) {
      db.reset(stmt);
    } else if (rc != Codes.SQLITE_ROW) {
      db.throwex(rc);
    }
    return rc;
  }

  /** SqlConnection.singleLong: step, first column, reset, under the statement's lock. */
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

  private static long singleLong(FfmSqlite.Stmt st) {
    try {
      st.step();
      return st.columnLong(0);
    } finally {
      st.reset();
    }
  }
}
