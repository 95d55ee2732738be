package dev.opend1.engine;

import dev.opend1.sql.StatementKind;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
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
    for (QueryPlan.Step step : plan.steps) {
      run(h, c, step, sink);
    }
  }

  private static void run(DatabaseHandle h, SqlConnection c, QueryPlan.Step step, ResultSink sink)
      throws SQLException, IOException {
    StatementKind kind = step.statement().kind();
    long start = System.nanoTime();
    long totalBefore = c.totalChanges();
    c.rowCounter().reset();
    long rowsReturned = 0;
    try (PreparedStatement ps = c.jdbc().prepareStatement(step.statement().text())) {
      int expected = ps.getParameterMetaData().getParameterCount();
      if (expected != step.params().size()) {
        throw new dev.opend1.core.D1Exception.SqlFailed(
            "Wrong number of parameter bindings for SQL query: the statement takes "
                + expected
                + ", the request has "
                + step.params().size()
                + ": SQLITE_RANGE");
      }
      bind(ps, step.params());
      String[] columns = columnNames(ps);
      int columnCount = columns.length;
      sink.statementStart(columns);
      boolean hasResultSet = ps.execute();
      if (hasResultSet && columnCount > 0) {
        Object[] row = new Object[columnCount];
        try (ResultSet rs = ps.getResultSet()) {
          while (rs.next()) {
            for (int i = 0; i < columnCount; i++) {
              row[i] = value(rs.getObject(i + 1));
            }
            sink.row(row);
            rowsReturned++;
          }
        }
      }
    }
    double durationMs = (System.nanoTime() - start) / 1_000_000.0;
    boolean writes = kind == StatementKind.WRITE;
    long changes = writes ? c.changes() : 0;
    boolean changedDb = c.totalChanges() != totalBefore || kind == StatementKind.DDL;
    long rowsWritten = rowsWritten(c, changes);
    long rowsRead = rowsReturned + (writes && !isInsert(step) ? changes : 0);
    long lastRowId = h.lastRowId;
    if (!c.isReadOnly()) {
      lastRowId = c.lastInsertRowId();
      h.lastRowId = lastRowId;
    }
    sink.statementEnd(
        new StatementMeta(
            durationMs, changes, lastRowId, changedDb, c.sizeBytes(), rowsRead, rowsWritten));
  }

  /**
   * The statement's result columns, known once it is prepared. sqlite-jdbc's metadata throws on a
   * statement without columns instead of answering zero, hence the check.
   */
  private static String[] columnNames(PreparedStatement ps) throws SQLException {
    ResultSetMetaData md = ps.getMetaData();
    int count;
    try {
      count = md == null ? 0 : md.getColumnCount();
    } catch (SQLException noColumns) {
      return NO_COLUMNS;
    }
    String[] columns = new String[count];
    for (int i = 0; i < count; i++) {
      columns[i] = md.getColumnLabel(i + 1);
    }
    return columns;
  }

  private static final String[] NO_COLUMNS = new String[0];

  private static boolean isInsert(QueryPlan.Step step) {
    String t = step.statement().text();
    int i = 0;
    while (i < t.length() && !Character.isLetter(t.charAt(i))) {
      i++;
    }
    return t.regionMatches(true, i, "INSERT", 0, 6) || t.regionMatches(true, i, "REPLACE", 0, 7);
  }

  /** Rows the update hook saw, each with its table's index entries; see {@link RowCounter}. */
  private static long rowsWritten(SqlConnection c, long changes) throws SQLException {
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

  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
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

  /** Normalises sqlite-jdbc's values to the sink's types: Integer becomes Long. */
  private static Object value(Object v) {
    return v instanceof Integer i ? Long.valueOf(i) : v;
  }
}
