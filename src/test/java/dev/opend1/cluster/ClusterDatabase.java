package dev.opend1.cluster;

import dev.opend1.catalog.PostgresCatalog;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * An empty catalog database for one test, migrated by {@link PostgresCatalog} as a node would, with
 * its pool for the cluster's classes and a side door for the test's own SQL (moving a heartbeat or
 * a lease's expiry into the past, reading the rows as they are).
 */
final class ClusterDatabase implements AutoCloseable {

  private final PostgresDatabase pg;
  private final String name;
  private final PostgresCatalog catalog;

  ClusterDatabase(PostgresDatabase pg) {
    this.pg = pg;
    this.name = pg.fresh();
    this.catalog =
        PostgresCatalog.open(pg.server().jdbcUrl(name), Postgres.USER, Postgres.PASSWORD);
  }

  DataSource dataSource() {
    return catalog.sharedDatabase().orElseThrow();
  }

  /** Runs a test-only statement that changes rows; returns how many. */
  int execute(String sql) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      return st.executeUpdate(sql);
    }
  }

  /** The first column of every row of a test-only query, as text. */
  List<String> column(String sql) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(pg.server().jdbcUrl(name), Postgres.USER, Postgres.PASSWORD);
  }

  /** Closes the catalog's pool early, as if PostgreSQL could no longer be reached through it. */
  void closePool() {
    catalog.close();
  }

  @Override
  public void close() {
    catalog.close();
    pg.server().dropDatabase(name);
  }
}
