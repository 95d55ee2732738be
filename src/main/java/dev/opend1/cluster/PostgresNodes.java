package dev.opend1.cluster;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/** {@link Nodes} in the {@code nodes} table; every time is PostgreSQL's. */
public final class PostgresNodes implements Nodes {

  private static final String COLUMNS = "id, advertise_url, version, state, heartbeat_at, left_at";

  private final ClusterSql sql;

  public PostgresNodes(DataSource database) {
    this.sql = new ClusterSql(database);
  }

  @Override
  public Node join(NodeId node, URI advertiseUrl, String version) {
    return sql.rows(
            "register node " + node,
            "INSERT INTO nodes(id, advertise_url, version, state, heartbeat_at)"
                + " VALUES (?, ?, ?, 'live', now())"
                + " ON CONFLICT (id) DO UPDATE SET advertise_url = excluded.advertise_url,"
                + " version = excluded.version, heartbeat_at = now(), left_at = NULL"
                + " RETURNING "
                + COLUMNS,
            ps -> {
              ps.setString(1, node.value());
              ps.setString(2, advertiseUrl.toString());
              ps.setString(3, version);
            },
            PostgresNodes::read)
        .get(0);
  }

  @Override
  public boolean leave(NodeId node) {
    return sql.update(
            "mark node " + node + " left",
            "UPDATE nodes SET left_at = now() WHERE id = ?",
            ps -> ps.setString(1, node.value()))
        == 1;
  }

  @Override
  public Node heartbeat(NodeId node, URI advertiseUrl, String version, ReplicaLag replicas) {
    return sql.rows(
            "heartbeat of node " + node,
            "INSERT INTO nodes(id, advertise_url, version, state, heartbeat_at,"
                + " replicas_followed, replica_lag_seconds, replica_lag_records)"
                + " VALUES (?, ?, ?, 'live', now(), ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET advertise_url = excluded.advertise_url,"
                + " version = excluded.version, heartbeat_at = now(),"
                + " replicas_followed = excluded.replicas_followed,"
                + " replica_lag_seconds = excluded.replica_lag_seconds,"
                + " replica_lag_records = excluded.replica_lag_records"
                + " RETURNING "
                + COLUMNS,
            ps -> {
              ps.setString(1, node.value());
              ps.setString(2, advertiseUrl.toString());
              ps.setString(3, version);
              ps.setInt(4, replicas.followed());
              ps.setDouble(5, replicas.seconds());
              ps.setLong(6, replicas.records());
            },
            PostgresNodes::read)
        .get(0);
  }

  @Override
  public List<Node> live(Duration timeout) {
    long ms = ClusterSql.millis(timeout, "the liveness timeout");
    return sql.rows(
        "list live nodes",
        "SELECT "
            + COLUMNS
            + " FROM nodes WHERE heartbeat_at > now() - ? * interval '1 millisecond'"
            + " AND left_at IS NULL ORDER BY id",
        ps -> ps.setLong(1, ms),
        PostgresNodes::read);
  }

  @Override
  public List<NodeStatus> status(Duration liveness) {
    long ms = ClusterSql.millis(liveness, "the liveness timeout");
    return sql.rows(
        "read the nodes' status",
        "SELECT n.id, n.advertise_url, n.version, n.state, n.heartbeat_at, n.left_at,"
            + " n.replicas_followed, n.replica_lag_seconds, n.replica_lag_records,"
            + " n.heartbeat_at > now() - ? * interval '1 millisecond' AND n.left_at IS NULL AS alive,"
            + " count(l.database_id) AS databases FROM nodes n"
            + " LEFT JOIN database_leases l ON l.owner = n.id AND l.expires_at > now()"
            + " GROUP BY n.id ORDER BY n.id",
        ps -> ps.setLong(1, ms),
        rs ->
            new NodeStatus(
                read(rs),
                rs.getBoolean("alive"),
                rs.getInt("databases"),
                new ReplicaLag(
                    rs.getInt("replicas_followed"),
                    rs.getDouble("replica_lag_seconds"),
                    rs.getLong("replica_lag_records"))));
  }

  @Override
  public boolean draining(NodeId node) {
    return !sql.rows(
            "read the state of node " + node,
            "SELECT 1 FROM nodes WHERE id = ? AND state = 'draining'",
            ps -> ps.setString(1, node.value()),
            rs -> true)
        .isEmpty();
  }

  @Override
  public boolean drain(NodeId node) {
    return sql.update(
            "drain node " + node,
            "UPDATE nodes SET state = 'draining' WHERE id = ?",
            ps -> ps.setString(1, node.value()))
        == 1;
  }

  private static Node read(ResultSet rs) throws SQLException {
    return new Node(
        new NodeId(rs.getString("id")),
        URI.create(rs.getString("advertise_url")),
        rs.getString("version"),
        rs.getTimestamp("left_at") != null
            ? NodeState.LEFT
            : NodeState.fromStored(rs.getString("state")),
        ClusterSql.instant(rs, "heartbeat_at"));
  }
}
