package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link Unserved} by queries over {@code database_leases}, {@code nodes} and the catalog's {@code
 * databases} (in the same PostgreSQL database): a deleted database's lease row stays, given back,
 * so only a ready database counts.
 */
public final class PostgresUnserved implements Unserved {

  private final ClusterSql sql;

  public PostgresUnserved(DataSource database) {
    this.sql = new ClusterSql(database);
  }

  @Override
  public int count() {
    return sql.rows(
            "count the databases no node serves",
            "SELECT count(*) FROM database_leases l"
                + " JOIN databases d ON d.id = l.database_id AND d.state = 'ready'"
                + " WHERE l.expires_at <= now()",
            ps -> {},
            rs -> rs.getInt(1))
        .get(0);
  }

  /**
   * The writer is the lease's {@code handed_from} when set (a hand-over not taken yet), else its
   * owner. A writer not heard from since its lease lapsed is gone: a live node heartbeats every
   * second, so {@code grace} after the lapse its last heartbeat is newer than the lapse. So is one
   * not heard from within {@code liveness}, and at once one that left ({@code left_at}): a node
   * stopped with SIGTERM gives its leases back, then marks itself left.
   */
  @Override
  public List<DatabaseId> forTakeover(
      NodeId self, boolean othersToo, Duration grace, Duration liveness, int limit) {
    long graceMs = ClusterSql.millis(grace, "the takeover grace");
    long livenessMs = ClusterSql.millis(liveness, "the liveness timeout");
    return sql.rows(
        "list the databases node " + self + " may take over",
        "SELECT l.database_id FROM database_leases l"
            + " JOIN databases d ON d.id = l.database_id AND d.state = 'ready'"
            + " LEFT JOIN nodes n ON n.id = coalesce(l.handed_from, l.owner)"
            + " WHERE l.expires_at <= now() AND (coalesce(l.handed_from, l.owner) = ?"
            + " OR (? AND (n.left_at IS NOT NULL OR l.expires_at <= now() - ? * interval"
            + " '1 millisecond' AND (n.id IS NULL OR n.state = 'draining'"
            + " OR n.heartbeat_at < l.expires_at"
            + " OR n.heartbeat_at <= now() - ? * interval '1 millisecond'))))"
            + " ORDER BY md5(l.database_id || ?) LIMIT ?",
        ps -> {
          ps.setString(1, self.value());
          ps.setBoolean(2, othersToo);
          ps.setLong(3, graceMs);
          ps.setLong(4, livenessMs);
          ps.setString(5, self.value());
          ps.setInt(6, limit);
        },
        rs -> new DatabaseId(UUID.fromString(rs.getString(1))));
  }
}
