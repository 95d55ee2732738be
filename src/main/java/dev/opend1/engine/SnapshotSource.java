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

/**
 * {@link DumpSource} over a read connection inside the snapshot's transaction. Each SQLite error is
 * turned into the engine's error for it where it happens ({@code failure}), so nothing of JDBC
 * leaves the engine.
 */
final class SnapshotSource implements DumpSource {

  private final Connection c;
  private final Function<SQLException, RuntimeException> failure;

  SnapshotSource(Connection c, Function<SQLException, RuntimeException> failure) {
    this.c = c;
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

  @Override
  public void rows(String table, boolean withRowid, List<String> columns, RowVisitor visitor)
      throws IOException {
    StringBuilder select = new StringBuilder("SELECT ");
    if (withRowid) {
      select.append("rowid");
    }
    for (int i = 0; i < columns.size(); i++) {
      select.append(i == 0 && !withRowid ? "" : ",").append(identifier(columns.get(i)));
    }
    select.append(" FROM ").append(identifier(table));
    Object[] row = new Object[columns.size() + (withRowid ? 1 : 0)];
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(select.toString())) {
      while (rs.next()) {
        for (int i = 0; i < row.length; i++) {
          row[i] = QueryRunner.value(rs.getObject(i + 1));
        }
        visitor.row(row);
      }
    } catch (SQLException e) {
      throw failure.apply(e);
    }
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
