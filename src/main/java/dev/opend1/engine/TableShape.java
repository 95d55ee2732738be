package dev.opend1.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A table as a diff reads it ({@link StateDiff}): its key (rowid, or a WITHOUT ROWID table's
 * primary key columns), the columns a row's INSERT sets, and the ordered scans of one page. Every
 * scan answers the same columns: the key, the older values, the newer values, whether the row is
 * gone, then (with literals) the key and the newer values as SQL literals.
 */
record TableShape(String name, List<String> keys, List<String> columns, boolean rowid) {

  /** The shape of {@code table} in the schema {@code schema} ({@code main} or {@code b}). */
  static TableShape of(Connection c, String table, String schema) throws SQLException {
    boolean withoutRowid;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT wr FROM pragma_table_list WHERE schema = ? AND name = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        withoutRowid = rs.next() && rs.getInt(1) == 1;
      }
    }
    List<String> keys = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name, hidden, pk FROM pragma_table_xinfo(?, ?) ORDER BY pk = 0, pk, cid")) {
      ps.setString(1, table);
      ps.setString(2, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (withoutRowid && rs.getInt(3) > 0) {
            keys.add(rs.getString(1));
          }
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name FROM pragma_table_xinfo(?, ?) WHERE hidden = 0")) {
      ps.setString(1, table);
      ps.setString(2, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    if (!withoutRowid) {
      keys.add("rowid");
    }
    return new TableShape(table, List.copyOf(keys), List.copyOf(columns), !withoutRowid);
  }

  /** Rows of the older state the newer lacks or holds otherwise, by key, after the key bound. */
  String changedOrDeleted(boolean bounded, boolean literals) {
    StringBuilder q = new StringBuilder("SELECT ");
    q.append(String.join(", ", keyOf("a")))
        .append(", ")
        .append(valuesOf("a"))
        .append(", ")
        .append(valuesOf("b"))
        .append(", ")
        .append(keyOf("b").getFirst())
        .append(" IS NULL");
    if (literals) {
      q.append(", ").append(literalsOf("a", "b"));
    }
    q.append(" FROM main.").append(id(name)).append(" AS a LEFT JOIN b.").append(id(name));
    q.append(" AS b ON ").append(joined()).append(" WHERE ");
    if (bounded) {
      q.append(bound("a")).append(" AND ");
    }
    q.append("(").append(keyOf("b").getFirst()).append(" IS NULL");
    for (String col : columns) {
      String a = "a." + id(col);
      String b = "b." + id(col);
      q.append(" OR ").append(a).append(" IS NOT ").append(b).append(" COLLATE BINARY");
      q.append(" OR typeof(").append(a).append(") IS NOT typeof(").append(b).append(")");
    }
    q.append(")");
    return q.append(orderBy("a")).toString();
  }

  /**
   * Rows of the newer state, by key, after the key bound: those the older lacks ({@code onlyNew}),
   * or all of them (a table made anew).
   */
  String inserted(boolean bounded, boolean literals, boolean onlyNew) {
    StringBuilder q = new StringBuilder("SELECT ");
    q.append(String.join(", ", keyOf("b"))).append(", ");
    q.append(String.join(", ", columns.stream().map(c -> "NULL").toList())).append(", ");
    q.append(valuesOf("b")).append(", 0");
    if (literals) {
      q.append(", ").append(literalsOf("b", "b"));
    }
    q.append(" FROM b.").append(id(name)).append(" AS b WHERE ");
    if (bounded) {
      q.append(bound("b")).append(" AND ");
    }
    if (onlyNew) {
      q.append("NOT EXISTS (SELECT 1 FROM main.").append(id(name)).append(" AS a WHERE ");
      q.append(joined()).append(")");
    } else {
      q.append("1");
    }
    return q.append(orderBy("b")).toString();
  }

  private String literalsOf(String keyFrom, String valuesFrom) {
    List<String> out = new ArrayList<>();
    for (String k : keyOf(keyFrom)) {
      out.add(SnapshotSource.literal(k));
    }
    for (String col : columns) {
      out.add(SnapshotSource.literal(valuesFrom + "." + id(col)));
    }
    return String.join(", ", out);
  }

  private String valuesOf(String alias) {
    return String.join(", ", columns.stream().map(c -> alias + "." + id(c)).toList());
  }

  private List<String> keyOf(String alias) {
    return keys.stream().map(k -> alias + "." + (rowid ? "rowid" : id(k))).toList();
  }

  private String joined() {
    List<String> a = keyOf("a");
    List<String> b = keyOf("b");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.get(i) + " = " + b.get(i));
    }
    return String.join(" AND ", out);
  }

  private String bound(String alias) {
    String params = String.join(", ", keys.stream().map(k -> "?").toList());
    return "(" + String.join(", ", keyOf(alias)) + ") > (" + params + ")";
  }

  private String orderBy(String alias) {
    return " ORDER BY " + String.join(", ", keyOf(alias)) + " LIMIT ?";
  }

  static String id(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
