package dev.opend1.cluster;

import dev.opend1.core.DatabaseId;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link Nodes} in the {@code nodes} table; every time is PostgreSQL's. */
public final class PostgresNodes implements Nodes {

  private static final String COLUMNS = "id, advertise_url, version, state, heartbeat_at, left_at";

  private final ClusterSql sql;

  public PostgresNodes(DataSource database) {
    this.sql = new ClusterSql(database);
  }

  /**
   * One statement: the node's row, with the summary of its copies, and its rows in {@code
   * replica_copies}: those it no longer follows deleted, new ones added, and only those whose
   * figures changed rewritten.
   */
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
  public Node heartbeat(NodeId node, URI advertiseUrl, String version, List<ReplicaCopy> copies) {
    ReplicaLag replicas = ReplicaLag.of(copies);
    return sql.rows(
            "heartbeat of node " + node,
            "WITH beat AS (INSERT INTO nodes(id, advertise_url, version, state, heartbeat_at,"
                + " replicas_followed, replica_lag_seconds, replica_lag_records)"
                + " VALUES (?, ?, ?, 'live', now(), ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET advertise_url = excluded.advertise_url,"
                + " version = excluded.version, heartbeat_at = now(),"
                + " replicas_followed = excluded.replicas_followed,"
                + " replica_lag_seconds = excluded.replica_lag_seconds,"
                + " replica_lag_records = excluded.replica_lag_records"
                + " RETURNING "
                + COLUMNS
                + "), gone AS (DELETE FROM replica_copies WHERE node_id = ?"
                + " AND database_id <> ALL(?::text[])),"
                + " kept AS (INSERT INTO replica_copies(node_id, database_id, lag_seconds,"
                + " lag_records) SELECT ?, c.d, c.s, c.r"
                + " FROM unnest(?::text[], ?::float8[], ?::int8[]) AS c(d, s, r)"
                + " ON CONFLICT (node_id, database_id) DO UPDATE"
                + " SET lag_seconds = excluded.lag_seconds, lag_records = excluded.lag_records"
                + " WHERE replica_copies.lag_seconds <> excluded.lag_seconds"
                + " OR replica_copies.lag_records <> excluded.lag_records)"
                + " SELECT "
                + COLUMNS
                + " FROM beat",
            ps -> {
              String[] ids =
                  copies.stream().map(c -> c.database().toString()).toArray(String[]::new);
              ps.setString(1, node.value());
              ps.setString(2, advertiseUrl.toString());
              ps.setString(3, version);
              ps.setInt(4, replicas.followed());
              ps.setDouble(5, replicas.seconds());
              ps.setLong(6, replicas.records());
              ps.setString(7, node.value());
              ps.setArray(8, ps.getConnection().createArrayOf("text", ids));
              ps.setString(9, node.value());
              ps.setArray(10, ps.getConnection().createArrayOf("text", ids));
              ps.setArray(
                  11,
                  ps.getConnection()
                      .createArrayOf(
                          "float8", copies.stream().map(ReplicaCopy::seconds).toArray()));
              ps.setArray(
                  12,
                  ps.getConnection()
                      .createArrayOf("int8", copies.stream().map(ReplicaCopy::records).toArray()));
            },
            PostgresNodes::read)
        .get(0);
  }

  @Override
  public List<ReplicaStatus> replicas(Duration liveness) {
    long ms = ClusterSql.millis(liveness, "the liveness timeout");
    return sql.rows(
        "read the read replicas' copies",
        "SELECT r.database_id, d.name, l.owner, r.node_id, r.lag_seconds, r.lag_records"
            + " FROM replica_copies r"
            + " JOIN nodes n ON n.id = r.node_id"
            + " AND "
            + ClusterSql.ALIVE
            + " LEFT JOIN databases d ON d.id = r.database_id"
            + " LEFT JOIN database_leases l ON l.database_id = r.database_id"
            + " AND l.expires_at > now()"
            + " ORDER BY r.database_id, r.node_id",
        ps -> ps.setLong(1, ms),
        rs ->
            new ReplicaStatus(
                DatabaseId.parse(rs.getString("database_id")).orElseThrow(),
                Optional.ofNullable(rs.getString("name")),
                Optional.ofNullable(rs.getString("owner")).map(NodeId::new),
                new NodeId(rs.getString("node_id")),
                rs.getDouble("lag_seconds"),
                rs.getLong("lag_records")));
  }

  @Override
  public List<Node> live(Duration timeout) {
    long ms = ClusterSql.millis(timeout, "the liveness timeout");
    return sql.rows(
        "list live nodes",
        "SELECT " + COLUMNS + " FROM nodes n WHERE " + ClusterSql.ALIVE + " ORDER BY id",
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
            + " ("
            + ClusterSql.ALIVE
            + ") AS alive,"
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
