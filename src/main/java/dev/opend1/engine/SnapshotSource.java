package dev.opend1.engine;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.sqlite.core.Codes;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;

/**
 * {@link DumpSource} over a read connection inside the snapshot's transaction. Each SQLite error is
 * turned into the engine's error for it where it happens ({@code failure}), so nothing of JDBC
 * leaves the engine.
 */
final class SnapshotSource implements DumpSource {

  private final SqlConnection sql;
  private final Connection c;
  private final Function<SQLException, RuntimeException> failure;

  SnapshotSource(SqlConnection sql, Function<SQLException, RuntimeException> failure) {
    this.sql = sql;
    this.c = sql.jdbc();
    this.failure = failure;
  }

  @Override
  public List<SchemaObject> schemaObjects() {
    return all(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid",
        rs -> new SchemaObject(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
  }

  @Override
  public Set<String> shadowTables() {
    return Set.copyOf(
        all(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'",
            rs -> rs.getString(1)));
  }

  @Override
  public List<String> insertableColumns(String table) {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name, hidden FROM pragma_table_xinfo(?)")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(2) == 0) {
            columns.add(rs.getString(1));
          }
        }
      }
      return columns;
    } catch (SQLException e) {
      throw failure.apply(e);
    }
  }

  /**
   * SQLite writes each row's literals itself ({@link #literalsOf}), and each comes back as one
   * value's UTF-8 bytes, which go to the visitor as they are: one step and one column read per row,
   * where reading the values one by one through JDBC, decoding their text and encoding it again
   * cost several times what SQLite's own dump does.
   */
  @Override
  public void rows(String table, boolean withRowid, List<String> columns, RowVisitor visitor)
      throws IOException {
    try {
      sql.dumpLimits(true);
      try (PreparedStatement ps = c.prepareStatement(literalsOf(table, withRowid, columns))) {
        ((CoreStatement) ps).pointer.safeRunConsume((db, stmt) -> step(db, stmt, visitor));
      } finally {
        sql.dumpLimits(false);
      }
    } catch (SQLException e) {
      throw failure.apply(e);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new EngineException(e.getMessage(), e);
    }
  }

  /** Steps the statement to its end, handing each row's one value to the visitor. */
  private static void step(DB db, long stmt, RowVisitor visitor) throws Exception {
    for (int rc = db.step(stmt); rc != Codes.SQLITE_DONE; rc = db.step(stmt)) {
      if (rc != Codes.SQLITE_ROW) {
        db.throwex(rc);
      }
      byte[] literals = db.column_blob(stmt, 0);
      visitor.row(DumpLiterals.finished(literals == null ? new byte[0] : literals));
    }
  }

  /** Values per {@code concat_ws}, below any build's limit on a function's arguments (127). */
  private static final int VALUES_PER_CONCAT = 100;

  /**
   * The query whose one column is each row's literals, separated by commas, as {@link
   * RowVisitor#row} describes them once {@link DumpLiterals#finished} has rewritten text with
   * control characters: each value's {@link #literal}. Wide rows nest {@code concat_ws} calls.
   */
  static String literalsOf(String table, boolean withRowid, List<String> columns) {
    List<String> values = new ArrayList<>();
    if (withRowid) {
      values.add("rowid");
    }
    for (String column : columns) {
      values.add(literal(identifier(column)));
    }
    while (values.size() > 1) {
      List<String> grouped = new ArrayList<>();
      for (int i = 0; i < values.size(); i += VALUES_PER_CONCAT) {
        List<String> group = values.subList(i, Math.min(values.size(), i + VALUES_PER_CONCAT));
        grouped.add("concat_ws(',', " + String.join(", ", group) + ")");
      }
      values = grouped;
    }
    return "SELECT " + values.get(0) + " FROM " + identifier(table);
  }

  /**
   * The SQL literal of the value {@code v} (an expression), as the dump writes it: {@code quote()},
   * but text with a NUL as the hex of its bytes (quote() would cut it at the NUL). BLOBs come in
   * quote()'s uppercase hex, which {@link DumpLiterals#finished} lowercases as D1's exports write
   * them: cheaper than SQLite's {@code lower(hex(..))} and the concatenations around it.
   */
  static String literal(String v) {
    return "CASE WHEN typeof(%s) = 'text' AND instr(%s, char(0))".formatted(v, v)
        + " THEN 'CAST(X''' || lower(hex(%s)) || ''' AS TEXT)' ELSE quote(%s) END".formatted(v, v);
  }

  @Override
  public List<Sequence> sequences() {
    return all(
        "SELECT name, seq FROM sqlite_sequence",
        rs -> new Sequence(rs.getString(1), rs.getLong(2)));
  }

  /** Reads one value from the current row of a result. */
  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Every row of a query without parameters, each read by {@code reader}. */
  private <T> List<T> all(String sql, RowReader<T> reader) {
    List<T> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(reader.read(rs));
      }
      return out;
    } catch (SQLException e) {
      throw failure.apply(e);
    }
  }

  private static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
