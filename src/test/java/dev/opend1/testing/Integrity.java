package dev.opend1.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * SQLite's {@code PRAGMA integrity_check} of a database, run on its file: user SQL may not run it
 * (D1 refuses it), so tests read the file themselves, on a read-only connection beside the server's
 * (WAL lets it read while the server writes).
 */
public final class Integrity {

  private Integrity() {}

  /** The check's first line ({@code ok} when healthy) for the database at API path {@code db}. */
  public static String check(Path dataDir, String db) {
    String uuid = db.substring(db.lastIndexOf('/') + 1);
    Path file = dataDir.resolve("db").resolve(uuid).resolve("db.sqlite");
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      return rs.next() ? rs.getString(1) : "";
    } catch (SQLException e) {
      return "integrity_check of " + file + " failed: " + e.getMessage();
    }
  }
}
