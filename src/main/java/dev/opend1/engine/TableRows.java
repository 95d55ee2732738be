package dev.opend1.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The rows of the tables a connection's statements read whole, which {@code rows_read} counts
 * ({@link ReadShape}), each a {@code count(*)}: SQLite answers it from the table's smallest b-tree
 * without reading the rows, at about a tenth of the cost of the scan it measures.
 *
 * <p>A read connection keeps the counts while its {@code PRAGMA data_version} stays the same: that
 * changes when another connection (the writer) commits, and within a read transaction it is the
 * snapshot's. The writer counts every time, since its own writes do not move its data_version and a
 * rolled-back request would leave stale counts behind. Used by one thread at a time, as its
 * connection.
 */
final class TableRows {

  private final Connection conn;
  private final boolean keep;

  /** Rows per table name as of {@link #dataVersion}; read connections only. */
  private final Map<String, Long> rows = new HashMap<>();

  private long dataVersion = Long.MIN_VALUE;
  private PreparedStatement version;

  /**
   * @param keep whether counts may be kept across statements (read connections)
   */
  TableRows(Connection conn, boolean keep) {
    this.conn = conn;
    this.keep = keep;
  }

  /** The rows of main-schema table {@code table} as the running transaction sees them. */
  long of(String table) throws SQLException {
    if (!keep) {
      return count(table);
    }
    long now = dataVersion();
    if (now != dataVersion) {
      rows.clear();
      dataVersion = now;
    }
    Long n = rows.get(table);
    if (n == null) {
      n = count(table);
      rows.put(table, n);
    }
    return n;
  }

  private long dataVersion() throws SQLException {
    if (version == null) {
      version = conn.prepareStatement("PRAGMA data_version");
    }
    try (ResultSet rs = version.executeQuery()) {
      return rs.getLong(1);
    }
  }

  private long count(String table) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT count(*) FROM main.\"" + table.replace("\"", "\"\"") + "\"")) {
      return rs.getLong(1);
    }
  }
}
