package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.sql.StatementKind;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Runs a plan's statements on one connection, in order, feeding each statement's rows and meta to
 * the sink. Transaction control and error handling are the caller's; this class only steps
 * statements and measures them.
 */
final class QueryRunner {

  private QueryRunner() {}

  static void runAll(DatabaseHandle h, SqlConnection c, QueryPlan plan, ResultSink sink)
      throws SQLException, IOException {
    // Inside the request's transaction, so the version is the snapshot's. Only when it moved since
    // the cache was filled is it read again the way that makes SQLite reload a schema another
    // connection changed, before anything here is prepared or checked: that read prepares a
    // pragma table each time, the cheap one only steps a prepared PRAGMA.
    if (!c.statements().isFor(c.schemaCookie())) {
      c.statements().forSchema(c.schemaVersion());
    }
    boolean useCache = plan.cacheable;
    Carried carried = new Carried(h.lastRowId, c.totalChanges());
    for (QueryPlan.Step step : plan.steps) {
      run(h, c, step, useCache, sink, carried);
    }
  }

  /**
   * What one statement of a request leaves for the next: {@code last_insert_rowid()} and SQLite's
   * total changes on the connection as it ended.
   *
   * <p>{@code lastRowId} starts as the writer's {@code last_insert_rowid()} as the request starts
   * (Execution keeps the handle's copy in step with it). A reader's statements all report this one
   * value, whatever the writer does meanwhile, as in D1, which runs a database's requests one at a
   * time.
   *
   * <p>{@code totalChanges} is read once as the request starts and then after each statement: what
   * runs between two statements (their meta's reads, the next one's check and table sizes) changes
   * no row, so the total after one is the total before the next, and a statement costs one native
   * call for it instead of two.
   */
  static final class Carried {
    long lastRowId;
    long totalChanges;

    Carried(long lastRowId, long totalChanges) {
      this.lastRowId = lastRowId;
      this.totalChanges = totalChanges;
    }
  }

  /** Runs one statement. */
  private static void run(
      DatabaseHandle h,
      SqlConnection c,
      QueryPlan.Step step,
      boolean useCache,
      ResultSink sink,
      Carried carried)
      throws SQLException, IOException {
    String sql = step.statement().text();
    long start = System.nanoTime();
    long rowsReturned = 0;
    // A text found allowed at this schema version is not checked again (nor a statement cached for
    // it, which was prepared after that check); the check's listing also tells how it reads.
    StatementShape shape = useCache ? c.statements().cleared(sql) : null;
    if (shape == null) {
      shape = Confinement.check(c, step.statement(), c.compat());
      if (useCache) {
        c.statements().cleared(sql, shape);
      }
    }
    // The update hook counts rows_written, unless the changes count them (ChangeCount).
    c.countRowsWritten(countedByChanges(step, shape) == null);
    // The sizes of the tables it reads whole, as it will find them (a DELETE shrinks them).
    long sizing = System.nanoTime();
    Map<Long, Long> treeRows =
        shape.reads().readsWholeTrees() ? treeRows(c, shape.reads()) : Map.of();
    start += System.nanoTime() - sizing;
    StatementCache.Entry cached = useCache ? c.statements().take(sql) : null;
    StatementCache.Entry st = cached != null ? cached : StatementCache.prepare(c, sql);
    boolean clean = false;
    try {
      boolean hasResultSet = execute(st, step);
      String[] columns = st.columns();
      int columnCount = columns.length;
      sink.statementStart(columns);
      if (hasResultSet && columnCount > 0) {
        NativeRow row = new NativeRow(st.statement(), columnCount);
        // JDBC's result set steps (and resets the statement when closed); the values are read
        // natively, text as its bytes.
        try (ResultSet rs = st.statement().getResultSet()) {
          while (rs.next()) {
            row.read();
            sink.row(row);
            rowsReturned++;
          }
        }
      }
      clean = true;
    } finally {
      if (clean && useCache) {
        c.statements().give(sql, st);
      } else {
        st.statement().close();
      }
    }
    statementEnd(h, c, step, shape, start, rowsReturned, treeRows, sink, carried);
  }

  /**
   * Measures a statement that ran (its changes, rows read and written, the database's size and
   * {@code last_insert_rowid()}), gives the sink its meta, and moves {@code carried} on to the
   * state after it. The statement ran with the update hook on ({@link
   * SqlConnection#countRowsWritten}) unless {@link #countedByChanges} named a table.
   *
   * @param start when it started ({@link System#nanoTime}), less any time spent sizing tables
   * @param treeRows the rows of each b-tree it reads whole, as it found them
   * @param carried what the statement before left (SQLite's total changes before this one ran)
   */
  static void statementEnd(
      DatabaseHandle h,
      SqlConnection c,
      QueryPlan.Step step,
      StatementShape shape,
      long start,
      long rowsReturned,
      Map<Long, Long> treeRows,
      ResultSink sink,
      Carried carried)
      throws SQLException, IOException {
    StatementKind kind = step.statement().kind();
    double durationMs = (System.nanoTime() - start) / 1_000_000.0;
    boolean writes = kind == StatementKind.WRITE;
    long totalBefore = carried.totalChanges;
    long totalAfter = c.totalChanges();
    carried.totalChanges = totalAfter;
    String counted = countedByChanges(step, shape);
    // A program ChangeCount names a table for runs no trigger or foreign-key action (no Program):
    // SQLite's total then moved by exactly the statement's changes, so one native call is spared.
    long changes = !writes ? 0 : counted != null ? totalAfter - totalBefore : c.changes();
    boolean changedDb = totalAfter != totalBefore || kind == StatementKind.DDL;
    long rowsWritten = rowsWritten(c, changes, counted);
    long rowsRead =
        shape
            .reads()
            .rowsRead(
                rowsReturned, changes, step.params(), root -> treeRows.getOrDefault(root, 0L));
    long lastRowId = carried.lastRowId;
    long size = h.sizeBytes;
    // A plain read moves neither last_insert_rowid nor the size; anything else on the writer may.
    // The value is SQLite's own, sticky: an INSERT that inserts nothing leaves it, and so does a
    // trigger's INSERT once the trigger ends.
    boolean reads = kind == StatementKind.SELECT || kind == StatementKind.EXPLAIN;
    if (!c.isReadOnly() && !reads) {
      lastRowId = c.lastInsertRowId();
      h.lastRowId = lastRowId;
      carried.lastRowId = lastRowId;
    }
    if ((!c.isReadOnly() && !reads) || size < 0) {
      size = c.sizeBytes();
      h.sizeBytes = size;
    }
    h.counters.statement(kind, rowsRead, rowsWritten);
    sink.statementEnd(
        new StatementMeta(durationMs, changes, lastRowId, changedDb, size, rowsRead, rowsWritten));
  }

  /** Checks the parameter count, binds and runs a statement; true when it returned rows. */
  private static boolean execute(StatementCache.Entry st, QueryPlan.Step step) throws SQLException {
    if (step.prelude() && st.parameters() > 0) {
      throw new D1Exception.SqlFailed(D1Texts.PRELUDE_PARAMETERS);
    }
    if (st.parameters() != step.params().size()) {
      throw new D1Exception.SqlFailed(D1Texts.WRONG_PARAMETER_COUNT);
    }
    bind(st.statement(), step.params());
    return st.statement().execute();
  }

  /** Rows of each b-tree the statement reads whole: its table's rows (see {@link ReadShape}). */
  private static Map<Long, Long> treeRows(SqlConnection c, ReadShape reads) throws SQLException {
    Map<Long, Long> rows = new java.util.HashMap<>();
    for (long root : reads.countedRoots()) {
      rows.put(root, c.rowsOfTree(root));
    }
    for (long root : reads.scannedRoots()) {
      rows.put(root, c.rowsOfTree(root));
    }
    return rows;
  }

  /**
   * The table whose rows a statement's changes count without the update hook ({@link ChangeCount}),
   * or null: only a write's, since only an INSERT, UPDATE or DELETE sets {@code sqlite3_changes}.
   */
  private static String countedByChanges(QueryPlan.Step step, StatementShape shape) {
    return step.statement().kind() == StatementKind.WRITE ? shape.changesOnlyIn() : null;
  }

  /**
   * Rows the update hook saw, each with its table's index entries; see {@link RowCounter}. With the
   * hook off, {@code table}'s rows, which the changes count.
   */
  private static long rowsWritten(SqlConnection c, long changes, String table) throws SQLException {
    if (table != null) {
      return changes == 0 ? 0 : changes * (1 + c.indexCount(table));
    }
    Map<String, Long> byTable = c.rowCounter().byTable();
    if (byTable.isEmpty()) {
      return changes;
    }
    long total = 0;
    for (Map.Entry<String, Long> e : byTable.entrySet()) {
      total += e.getValue() * (1 + c.indexCount(e.getKey()));
    }
    return total;
  }

  static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object v = params.get(i);
      int index = i + 1;
      switch (v) {
        case null -> ps.setNull(index, java.sql.Types.NULL);
        case Long l -> ps.setLong(index, l);
        case Double d -> ps.setDouble(index, d);
        case String s -> ps.setString(index, s);
        case byte[] b -> ps.setBytes(index, b);
        case BigInteger b -> ps.setString(index, b.toString());
        default -> throw new IllegalArgumentException("unsupported parameter type " + v.getClass());
      }
    }
  }
}
