package dev.opend1.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The main schema's b-trees as SQLite lists them: for each root page, the table it stores (an
 * index's table for an index), and which tables are shadow tables of a virtual table ({@code PRAGMA
 * table_list} type {@code shadow}: FTS5's {@code x_data}, R*Tree's {@code x_node}...). Read on the
 * connection that runs the statement, inside its transaction, for one schema version.
 *
 * @param version the schema version it was read at
 * @param tableOfRoot root page to table name
 * @param shadowTables names of shadow tables, lower case
 */
record MainSchema(long version, Map<Long, String> tableOfRoot, Set<String> shadowTables) {

  /** Root page 1: {@code sqlite_schema} itself, which every DDL statement writes. */
  static final long SCHEMA_ROOT = 1;

  static MainSchema read(Connection c, long version) throws SQLException {
    Map<Long, String> roots = new HashMap<>();
    Set<String> shadows = new HashSet<>();
    try (Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("SELECT rootpage, tbl_name FROM main.sqlite_schema WHERE rootpage > 0")) {
        while (rs.next()) {
          roots.put(rs.getLong(1), rs.getString(2));
        }
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'")) {
        while (rs.next()) {
          shadows.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return new MainSchema(version, Map.copyOf(roots), Set.copyOf(shadows));
  }

  /** The table stored at {@code root} (its own name, or its index's table), or null. */
  String table(long root) {
    return tableOfRoot.get(root);
  }

  boolean isShadow(String table) {
    return table != null && shadowTables.contains(table.toLowerCase(java.util.Locale.ROOT));
  }
}
