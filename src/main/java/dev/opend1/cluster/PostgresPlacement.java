package dev.opend1.cluster;

import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link Placement} by one query over {@code nodes} and {@code database_leases}. */
public final class PostgresPlacement implements Placement {

  private final ClusterSql sql;

  public PostgresPlacement(DataSource database) {
    this.sql = new ClusterSql(database);
  }

  @Override
  public Optional<NodeId> leastLoaded(Duration liveness) {
    long ms = ClusterSql.millis(liveness, "the liveness timeout");
    // Only leases in force count: an expired one is no load (its database goes to whoever takes
    // it).
    return sql
        .rows(
            "choose a node for a new database",
            "SELECT n.id FROM nodes n"
                + " LEFT JOIN database_leases l ON l.owner = n.id AND l.expires_at > now()"
                + " WHERE n.state = 'live' AND "
                + ClusterSql.ALIVE
                + " GROUP BY n.id ORDER BY count(l.database_id), n.id LIMIT 1",
            ps -> ps.setLong(1, ms),
            rs -> new NodeId(rs.getString(1)))
        .stream()
        .findFirst();
  }
}
