package dev.opend1.transfer;

import dev.opend1.engine.DumpSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A snapshot held in memory: tables, their columns and rows, as a test lays them out. */
final class FakeDumpSource implements DumpSource {

  private final List<SchemaObject> objects = new ArrayList<>();
  private final Set<String> shadow = new HashSet<>();
  private final Map<String, List<String>> columns = new LinkedHashMap<>();
  private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();
  private final List<Sequence> sequences = new ArrayList<>();

  /** A table with these insertable columns; each row starts with its rowid. */
  FakeDumpSource table(String name, String sql, List<String> cols, Object[]... rowsWithRowid) {
    objects.add(new SchemaObject("table", name, name, sql));
    columns.put(name, cols);
    rows.put(name, List.of(rowsWithRowid));
    return this;
  }

  /** An index, view or trigger of {@code table}. */
  FakeDumpSource object(String type, String name, String table, String sql) {
    objects.add(new SchemaObject(type, name, table, sql));
    return this;
  }

  FakeDumpSource shadowTable(String name) {
    objects.add(new SchemaObject("table", name, name, "CREATE TABLE '" + name + "'(x)"));
    shadow.add(name);
    return this;
  }

  FakeDumpSource sequence(String table, long value) {
    sequences.add(new Sequence(table, value));
    return this;
  }

  @Override
  public List<SchemaObject> schemaObjects() {
    return List.copyOf(objects);
  }

  @Override
  public Set<String> shadowTables() {
    return Set.copyOf(shadow);
  }

  @Override
  public List<String> insertableColumns(String table) {
    return columns.getOrDefault(table, List.of());
  }

  @Override
  public void rows(String table, boolean withRowid, List<String> cols, RowVisitor visitor)
      throws IOException {
    int skip = withRowid ? 0 : 1;
    for (Object[] row : rows.getOrDefault(table, List.of())) {
      StringBuilder literals = new StringBuilder();
      for (int i = skip; i < row.length; i++) {
        literals.append(i == skip ? "" : ",").append(literal(row[i]));
      }
      visitor.row(literals.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * A value as a SQL literal that reads back as the same value, as {@link DumpSource.RowVisitor}
   * describes them (the engine's source has SQLite write them; see SnapshotSourceTest).
   */
  static String literal(Object v) {
    return switch (v) {
      case null -> "NULL";
      case Long l -> l.toString();
      case Double d when d.isInfinite() -> d > 0 ? "1e999" : "-1e999";
      case Double d -> {
        String s = d.toString();
        yield s.contains(".") || s.contains("E") ? s : s + ".0";
      }
      case byte[] b -> "X'" + HexFormat.of().formatHex(b) + "'";
      default -> SqlDump.text(v.toString());
    };
  }

  @Override
  public List<Sequence> sequences() {
    return List.copyOf(sequences);
  }
}
