package dev.opend1.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL database's tables, versioned: an ordered list of SQL files in the resources
 * ({@code catalog/postgres/V<n>__<what>.sql}), each applied once, recorded in {@code
 * schema_version}.
 *
 * <p>Several nodes may start at once on one database: the whole migration runs in one transaction
 * that first takes a transaction-scoped advisory lock, so one node applies the missing versions and
 * the others, once the lock is theirs, find nothing left to do. A database at a version newer than
 * this opend1 knows is refused (a newer opend1 wrote it). The tables of every part that keeps data
 * in PostgreSQL (the catalog, the analytics) are in this one list, so one version number describes
 * the whole database.
 */
final class PostgresSchema {

  /** The migrations, in order; version n is the n-th file. */
  static final List<String> FILES =
      List.of(
          "V1__catalog.sql",
          "V2__analytics.sql",
          "V3__cluster.sql",
          "V4__pending_node.sql",
          "V5__moves.sql",
          "V6__replica_lag.sql",
          "V7__node_left.sql",
          "V8__replica_copies.sql",
          "V9__catalog_imports.sql");

  /** The key of the advisory lock held while migrating (any fixed number; "opend1" in ASCII). */
  private static final long LOCK_KEY = 0x6f70656e6431L;

  private PostgresSchema() {}

  static int version() {
    return FILES.size();
  }

  /** Brings the database's schema up to {@link #version}; returns how many files it applied. */
  static int migrate(Connection conn) throws SQLException {
    boolean autoCommit = conn.getAutoCommit();
    conn.setAutoCommit(false);
    try (Statement st = conn.createStatement()) {
      st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      st.execute(
          "CREATE TABLE IF NOT EXISTS schema_version("
              + "version integer PRIMARY KEY, file text NOT NULL,"
              + " applied_at timestamptz NOT NULL DEFAULT now())");
      int current;
      try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
        rs.next();
        current = rs.getInt(1);
      }
      if (current > version()) {
        throw new IllegalStateException(
            "the catalog database's schema version "
                + current
                + " is newer than this opend1 understands ("
                + version()
                + "); run a newer opend1");
      }
      for (int v = current + 1; v <= version(); v++) {
        String file = FILES.get(v - 1);
        st.execute(read(file));
        try (PreparedStatement ps =
            conn.prepareStatement("INSERT INTO schema_version(version, file) VALUES(?, ?)")) {
          ps.setInt(1, v);
          ps.setString(2, file);
          ps.executeUpdate();
        }
      }
      conn.commit();
      return version() - current;
    } catch (SQLException | RuntimeException e) {
      conn.rollback();
      throw e;
    } finally {
      conn.setAutoCommit(autoCommit);
    }
  }

  private static String read(String file) {
    String path = "/catalog/postgres/" + file;
    try (InputStream in = PostgresSchema.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("read " + path + ": " + e.getMessage(), e);
    }
  }
}
