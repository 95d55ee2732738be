package dev.opend1.analytics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Each database's last known size before a read's first minute: the newest stored minute before it
 * that reported a size. {@link CarriedSizes} starts from it, so a database idle since before the
 * range still answers its size.
 */
final class LastSizes {

  /**
   * A size and the minute it was reported in.
   *
   * @param minute minutes since 1970-01-01T00:00Z
   * @param bytes the database's size
   */
  record SizeAt(long minute, long bytes) {}

  private LastSizes() {}

  /**
   * The newest size before {@code scope.fromMinute()} of each of the scope's databases, read from
   * {@code table} (the per-database minutes, which both stores lay out alike). Bounded by the
   * retention: older minutes are pruned.
   */
  static Map<String, SizeAt> read(Connection c, String table, Scope scope) throws SQLException {
    Map<String, SizeAt> sizes = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT m.database, m.minute, m.size_bytes FROM "
                + table
                + " m JOIN (SELECT database, max(minute) AS minute FROM "
                + table
                + " WHERE account = ? AND minute < ? AND size_bytes >= 0 GROUP BY database) newest"
                + " ON newest.database = m.database AND newest.minute = m.minute"
                + " WHERE m.account = ?")) {
      ps.setString(1, scope.account());
      ps.setLong(2, scope.fromMinute());
      ps.setString(3, scope.account());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String database = rs.getString(1);
          if (scope.databases().map(d -> d.contains(database)).orElse(true)) {
            sizes.put(database, new SizeAt(rs.getLong(2), rs.getLong(3)));
          }
        }
      }
    }
    return sizes;
  }

  /**
   * Adds {@code more} to {@code into}, keeping each database's newer size (the larger of one
   * minute's two, as a minute's figures are summed).
   */
  static void merge(Map<String, SizeAt> into, Map<String, SizeAt> more) {
    more.forEach((db, s) -> into.merge(db, s, LastSizes::newer));
  }

  static SizeAt newer(SizeAt a, SizeAt b) {
    if (a.minute() != b.minute()) {
      return a.minute() > b.minute() ? a : b;
    }
    return a.bytes() >= b.bytes() ? a : b;
  }
}
