package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * row's lock, and adds one to the epoch (or raises it to the minimum asked, a first lease's). A
 * renew or release names the epoch it holds, so once another node has taken over it matches no row.
 * {@code now()} is PostgreSQL's time at the statement's start, which is never before the caller
 * sent it: a lease therefore never lapses in PostgreSQL before the {@link LeaseClock} the caller
 * keeps from its send time says it may.
 */
public final class PostgresLeases implements Leases {

  private static final String RETURNING = " RETURNING database_id, owner, epoch, expires_at";

  private final ClusterSql sql;

  public PostgresLeases(DataSource database) {
    this.sql = new ClusterSql(database);
  }

  @Override
  public Optional<Lease> acquire(DatabaseId database, NodeId node, Duration ttl) {
    return take(database, node, ttl).map(Grant::lease);
  }

  /**
   * The acquire, with the row's owner read under the lock the grant takes ({@code FOR UPDATE} in
   * the same statement): in READ COMMITTED a locking read follows a concurrent grant to its newest
   * version, so the previous owner is the row's as the grant found it. The insert reads its values
   * through {@code prev} so that it is read before the row changes: read only in {@code RETURNING},
   * it would be read after, and the row changed by the statement itself is not locked again.
   */
  @Override
  public Optional<Grant> take(DatabaseId database, NodeId node, Duration ttl, long minEpoch) {
    long ms = ClusterSql.millis(ttl, "a lease's time to live");
    return sql
        .rows(
            "acquire the lease on " + database + " for " + node,
            "WITH prev AS (SELECT coalesce(handed_from, owner) AS writer FROM database_leases"
                + " WHERE database_id = ? FOR UPDATE)"
                + " INSERT INTO database_leases AS l(database_id, owner, epoch, expires_at)"
                + " SELECT ?, ?, greatest(?, 1), now() + ? * interval '1 millisecond'"
                + " FROM (VALUES (1)) AS one LEFT JOIN prev ON true"
                + " ON CONFLICT (database_id) DO UPDATE SET owner = excluded.owner,"
                + " epoch = greatest(l.epoch + 1, excluded.epoch),"
                + " expires_at = excluded.expires_at, handed_from = NULL,"
                + " moving_to = NULLIF(l.moving_to, excluded.owner)"
                + " WHERE l.expires_at <= now()"
                + RETURNING
                + ", (SELECT writer FROM prev) AS previous_owner",
            ps -> {
              ps.setString(1, database.toString());
              ps.setString(2, database.toString());
              ps.setString(3, node.value());
              ps.setLong(4, minEpoch);
              ps.setLong(5, ms);
            },
            rs ->
                new Grant(
                    read(rs), Optional.ofNullable(rs.getString("previous_owner")).map(NodeId::new)))
        .stream()
        .findFirst();
  }

  /**
   * The reclaim, with the node that wrote the database last read under the row's lock as in {@link
   * #take}: this node, unless the lease was handed to it ({@link Moves#handOver}) and this is its
   * first take since. {@code prev} is joined in {@code FROM}, so it is read before the row changes.
   */
  @Override
  public Optional<Grant> reclaim(DatabaseId database, NodeId node, Duration ttl) {
    long ms = ClusterSql.millis(ttl, "a lease's time to live");
    return sql
        .rows(
            "reclaim the lease on " + database + " for " + node,
            "WITH prev AS (SELECT coalesce(handed_from, owner) AS writer FROM database_leases"
                + " WHERE database_id = ? FOR UPDATE)"
                + " UPDATE database_leases l SET epoch = l.epoch + 1,"
                + " expires_at = now() + ? * interval '1 millisecond', handed_from = NULL,"
                + " moving_to = NULLIF(l.moving_to, l.owner) FROM prev"
                + " WHERE l.database_id = ? AND l.owner = ? AND l.expires_at > now()"
                + " RETURNING l.database_id, l.owner, l.epoch, l.expires_at,"
                + " prev.writer AS previous_owner",
            ps -> {
              ps.setString(1, database.toString());
              ps.setLong(2, ms);
              ps.setString(3, database.toString());
              ps.setString(4, node.value());
            },
            rs ->
                new Grant(
                    read(rs), Optional.ofNullable(rs.getString("previous_owner")).map(NodeId::new)))
        .stream()
        .findFirst();
  }

  /**
   * One UPDATE joined to the held (database, epoch) pairs passed as two arrays: each row is renewed
   * under the same conditions as {@link #renew}'s.
   */
  @Override
  public List<Lease> renewAll(NodeId node, Map<DatabaseId, Long> epochs, Duration ttl) {
    long ms = ClusterSql.millis(ttl, "a lease's time to live");
    if (epochs.isEmpty()) {
      return List.of();
    }
    String[] ids = new String[epochs.size()];
    Long[] held = new Long[epochs.size()];
    int i = 0;
    for (Map.Entry<DatabaseId, Long> e : epochs.entrySet()) {
      ids[i] = e.getKey().toString();
      held[i++] = e.getValue();
    }
    return sql.rows(
        "renew the " + epochs.size() + " leases of " + node,
        "UPDATE database_leases l SET expires_at = now() + ? * interval '1 millisecond'"
            + " FROM unnest(?::text[], ?::bigint[]) AS h(database_id, epoch)"
            + " WHERE l.database_id = h.database_id AND l.epoch = h.epoch AND l.owner = ?"
            + " AND l.expires_at > now()"
            + " RETURNING l.database_id, l.owner, l.epoch, l.expires_at",
        ps -> {
          ps.setLong(1, ms);
          ps.setArray(2, ps.getConnection().createArrayOf("text", ids));
          ps.setArray(3, ps.getConnection().createArrayOf("bigint", held));
          ps.setString(4, node.value());
        },
        PostgresLeases::read);
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
  public Optional<Lease> last(DatabaseId database) {
    return first(
        sql.rows(
            "read the last lease on " + database,
            "SELECT database_id, coalesce(handed_from, owner) AS owner, epoch, expires_at"
                + " FROM database_leases WHERE database_id = ?",
            ps -> ps.setString(1, database.toString()),
            PostgresLeases::read));
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

  private static Optional<Lease> first(List<Lease> rows) {
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
