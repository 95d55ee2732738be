package dev.opend1.cluster;

import dev.opend1.catalog.PostgresFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs the cluster's statements on the shared PostgreSQL database, one statement per connection
 * borrowed from the pool, in autocommit: every decision here is one statement, so PostgreSQL's row
 * locks and its {@code now()} are all the coordination there is.
 */
final class ClusterSql {

  /** Sets a statement's parameters. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Reads the current row of a result. */
  @FunctionalInterface
  interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private final DataSource database;

  ClusterSql(DataSource database) {
    this.database = database;
  }

  /** Runs a statement that returns rows ({@code SELECT}, or a change {@code RETURNING} them). */
  <T> List<T> rows(String what, String sql, Binder binder, Reader<T> reader) {
    try (Connection c = database.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw PostgresFailures.of(what, e);
    }
  }

  /** Runs a statement that changes rows; returns how many. */
  int update(String what, String sql, Binder binder) {
    try (Connection c = database.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw PostgresFailures.of(what, e);
    }
  }

  /** A {@code timestamptz} column as an instant. */
  static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  /**
   * The condition that node row {@code n} is alive: heard from within the liveness timeout (its one
   * parameter, in milliseconds) by PostgreSQL's clock, and not left. One definition for every
   * statement that asks, so a node that left is dead to all of them alike.
   */
  static final String ALIVE =
      "n.left_at IS NULL AND n.heartbeat_at > now() - ? * interval '1 millisecond'";

  /**
   * A duration as whole milliseconds, bound where the SQL says {@code ? * interval '1
   * millisecond'}; refuses what is not positive.
   */
  static long millis(Duration d, String what) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d.toMillis();
  }
}
