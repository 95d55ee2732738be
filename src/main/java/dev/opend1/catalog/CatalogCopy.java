package dev.opend1.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Consistent copies of the catalog file for backups, on a connection of its own: {@link #changed}
 * says whether another connection committed since the last copy (SQLite's {@code data_version}),
 * and {@link #copyTo} writes the whole catalog as of one moment ({@code VACUUM INTO}) while the
 * server goes on using it. Not thread-safe: one caller at a time.
 */
public final class CatalogCopy implements AutoCloseable {

  private final Connection conn;
  private long copiedVersion = -1;
  private long seenVersion = -1;

  private CatalogCopy(Connection conn) {
    this.conn = conn;
  }

  /** Opens a copier on the catalog file {@code file}. */
  public static CatalogCopy open(Path file) throws IOException {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout=5000");
      }
      return new CatalogCopy(c);
    } catch (SQLException e) {
      throw new IOException("open catalog " + file + " for a copy: " + e.getMessage(), e);
    }
  }

  /** True when the catalog changed since the last {@link #copyTo} (or none was made yet). */
  public boolean changed() throws IOException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA data_version")) {
      seenVersion = rs.getLong(1);
      return copiedVersion < 0 || seenVersion != copiedVersion;
    } catch (SQLException e) {
      throw new IOException("read the catalog's version: " + e.getMessage(), e);
    }
  }

  /** Writes a consistent copy of the whole catalog into {@code out} (which must not exist). */
  public void copyTo(Path out) throws IOException {
    long version = seenVersion;
    Files.deleteIfExists(out);
    try (Statement st = conn.createStatement()) {
      st.execute("VACUUM INTO '" + out.toString().replace("'", "''") + "'");
    } catch (SQLException e) {
      throw new IOException("copy the catalog: " + e.getMessage(), e);
    }
    copiedVersion = version < 0 ? 0 : version;
  }

  @Override
  public void close() {
    try {
      conn.close();
    } catch (SQLException e) {
      // Closing a read connection loses nothing.
    }
  }
}
