package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link Leases} in the {@code database_leases} table, each call one statement.
 *
 * <p>Why one statement is enough: an acquire is an {@code INSERT ... ON CONFLICT DO UPDATE ...
 * WHERE} the lease is not in force. Of several nodes inserting the same database at once, one
 * inserts; the others wait on the primary key, then lock the row that won and test the condition
 * against it, which is now in force, so they get nothing. A takeover is the same update under the
 * row's lock, and adds one to the epoch. A renew or release names the epoch it holds, so once
 * another node has taken over it matches no row. {@code now()} is PostgreSQL's time at the
 * statement's start, which is never before the caller sent it: a lease therefore never lapses in
 * PostgreSQL before the {@link LeaseClock} the caller keeps from its send time says it may.
 */
public final class PostgresLeases implements Leases {

  private static final String RETURNING = " RETURNING database_id, owner, epoch, expires_at";

  private final ClusterSql sql;

  public PostgresLeases(DataSource database) {
    this.sql = new ClusterSql(database);
  }

  @Override
  public Optional<Lease> acquire(DatabaseId database, NodeId node, Duration ttl) {
    long ms = ClusterSql.millis(ttl, "a lease's time to live");
    return first(
        sql.rows(
            "acquire the lease on " + database + " for " + node,
            "INSERT INTO database_leases AS l(database_id, owner, epoch, expires_at)"
                + " VALUES (?, ?, 1, now() + ? * interval '1 millisecond')"
                + " ON CONFLICT (database_id) DO UPDATE SET owner = excluded.owner,"
                + " epoch = l.epoch + 1, expires_at = excluded.expires_at"
                + " WHERE l.expires_at <= now()"
                + RETURNING,
            ps -> {
              ps.setString(1, database.toString());
              ps.setString(2, node.value());
              ps.setLong(3, ms);
            },
            PostgresLeases::read));
  }

  @Override
  public Optional<Lease> renew(DatabaseId database, NodeId node, long epoch, Duration ttl) {
    long ms = ClusterSql.millis(ttl, "a lease's time to live");
    return first(
        sql.rows(
            "renew the lease on " + database + " for " + node,
            "UPDATE database_leases SET expires_at = now() + ? * interval '1 millisecond'"
                + " WHERE database_id = ? AND owner = ? AND epoch = ? AND expires_at > now()"
                + RETURNING,
            ps -> {
              ps.setLong(1, ms);
              ps.setString(2, database.toString());
              ps.setString(3, node.value());
              ps.setLong(4, epoch);
            },
            PostgresLeases::read));
  }

  @Override
  public boolean release(DatabaseId database, NodeId node, long epoch) {
    return sql.update(
            "release the lease on " + database + " for " + node,
            "UPDATE database_leases SET expires_at = now()"
                + " WHERE database_id = ? AND owner = ? AND epoch = ? AND expires_at > now()",
            ps -> {
              ps.setString(1, database.toString());
              ps.setString(2, node.value());
              ps.setLong(3, epoch);
            })
        == 1;
  }

  @Override
  public Optional<Lease> owner(DatabaseId database) {
    return first(
        sql.rows(
            "read the lease on " + database,
            "SELECT database_id, owner, epoch, expires_at FROM database_leases"
                + " WHERE database_id = ? AND expires_at > now()",
            ps -> ps.setString(1, database.toString()),
            PostgresLeases::read));
  }

  private static Optional<Lease> first(java.util.List<Lease> rows) {
    return rows.stream().findFirst();
  }

  private static Lease read(ResultSet rs) throws SQLException {
    return new Lease(
        new DatabaseId(UUID.fromString(rs.getString("database_id"))),
        new NodeId(rs.getString("owner")),
        rs.getLong("epoch"),
        ClusterSql.instant(rs, "expires_at"));
  }
}
