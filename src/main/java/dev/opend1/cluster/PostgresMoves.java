package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link Moves} in the {@code database_leases} table's {@code moving_to} and {@code handed_from}
 * columns ({@code V5__moves.sql}), each call one statement. A hand-over is a grant like an
 * acquire's (epoch plus one) made by the owner for the target, conditioned on the owner's lease in
 * force at its epoch, so a stale owner cannot hand anything over.
 */
public final class PostgresMoves implements Moves {

  private final ClusterSql sql;

  public PostgresMoves(DataSource database) {
    this.sql = new ClusterSql(database);
  }

  /**
   * One UPDATE whose every column decides on the row as it was locked: in force, the request is
   * recorded; lapsed, the lease is given to the target (the last writer kept in {@code
   * handed_from}). A lease the target holds in force already matches no row.
   */
  @Override
  public Asked ask(DatabaseId database, NodeId target, Duration grace) {
    long ms = ClusterSql.millis(grace, "a hand-over's time to take");
    List<Boolean> rows =
        sql.rows(
            "ask to move " + database + " to " + target,
            "UPDATE database_leases l SET"
                + " moving_to = CASE WHEN l.expires_at > now() THEN ? ELSE NULL END,"
                + " handed_from = CASE WHEN l.expires_at > now() THEN l.handed_from"
                + " ELSE coalesce(l.handed_from, l.owner) END,"
                + " owner = CASE WHEN l.expires_at > now() THEN l.owner ELSE ? END,"
                + " epoch = CASE WHEN l.expires_at > now() THEN l.epoch ELSE l.epoch + 1 END,"
                + " expires_at = CASE WHEN l.expires_at > now() THEN l.expires_at"
                + " ELSE now() + ? * interval '1 millisecond' END"
                + " WHERE l.database_id = ? AND NOT (l.owner = ? AND l.expires_at > now())"
                + " RETURNING l.owner = ? AS given",
            ps -> {
              ps.setString(1, target.value());
              ps.setString(2, target.value());
              ps.setLong(3, ms);
              ps.setString(4, database.toString());
              ps.setString(5, target.value());
              ps.setString(6, target.value());
            },
            rs -> rs.getBoolean("given"));
    if (!rows.isEmpty()) {
      return rows.get(0) ? Asked.GIVEN : Asked.ASKED;
    }
    boolean leased =
        !sql.rows(
                "read the lease on " + database,
                "SELECT 1 FROM database_leases WHERE database_id = ?",
                ps -> ps.setString(1, database.toString()),
                rs -> true)
            .isEmpty();
    return leased ? Asked.THERE : Asked.UNKNOWN;
  }

  @Override
  public List<Move> pending(NodeId node) {
    return sql.rows(
        "read the moves of " + node,
        "SELECT database_id, CASE WHEN handed_from IS NULL THEN moving_to END AS moving_to"
            + " FROM database_leases WHERE owner = ? AND expires_at > now()"
            + " AND (handed_from IS NOT NULL OR (moving_to IS NOT NULL AND moving_to <> owner))"
            + " ORDER BY database_id",
        ps -> ps.setString(1, node.value()),
        rs ->
            new Move(
                new DatabaseId(UUID.fromString(rs.getString("database_id"))),
                Optional.ofNullable(rs.getString("moving_to")).map(NodeId::new)));
  }

  @Override
  public boolean handOver(
      DatabaseId database,
      NodeId owner,
      long epoch,
      NodeId target,
      Duration ttl,
      Duration liveness) {
    long ms = ClusterSql.millis(ttl, "a hand-over's time to take");
    long alive = ClusterSql.millis(liveness, "the liveness timeout");
    return sql.update(
            "hand " + database + " over from " + owner + " to " + target,
            "UPDATE database_leases l SET owner = ?, handed_from = l.owner, moving_to = NULL,"
                + " epoch = l.epoch + 1, expires_at = now() + ? * interval '1 millisecond'"
                + " WHERE l.database_id = ? AND l.owner = ? AND l.epoch = ?"
                + " AND l.expires_at > now() AND l.owner <> ?"
                + " AND EXISTS (SELECT 1 FROM nodes n WHERE n.id = ? AND n.state = 'live'"
                + " AND "
                + ClusterSql.ALIVE
                + ")",
            ps -> {
              ps.setString(1, target.value());
              ps.setLong(2, ms);
              ps.setString(3, database.toString());
              ps.setString(4, owner.value());
              ps.setLong(5, epoch);
              ps.setString(6, target.value());
              ps.setString(7, target.value());
              ps.setLong(8, alive);
            })
        == 1;
  }

  @Override
  public void cancel(DatabaseId database, NodeId target) {
    sql.update(
        "cancel the move of " + database + " to " + target,
        "UPDATE database_leases SET moving_to = NULL WHERE database_id = ? AND moving_to = ?",
        ps -> {
          ps.setString(1, database.toString());
          ps.setString(2, target.value());
        });
  }

  @Override
  public boolean moving(DatabaseId database) {
    return !sql.rows(
            "read the move of " + database,
            "SELECT 1 FROM database_leases WHERE database_id = ?"
                + " AND (handed_from IS NOT NULL OR moving_to IS NOT NULL)",
            ps -> ps.setString(1, database.toString()),
            rs -> true)
        .isEmpty();
  }
}
