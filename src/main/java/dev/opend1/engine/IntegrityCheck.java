package dev.opend1.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** SQLite's own {@code PRAGMA integrity_check} of a database file, opened read-only. */
public final class IntegrityCheck {

  /** The most problems reported for one file: the first few say enough. */
  private static final int MAX_PROBLEMS = 10;

  private IntegrityCheck() {}

  /** What SQLite finds wrong with the file; empty when it is healthy. */
  public static List<String> problems(Path dbFile) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    try (Connection c =
        DriverManager.getConnection("jdbc:sqlite:" + dbFile, config.toProperties())) {
      return problems(c);
    } catch (SQLException e) {
      return List.of(e.getMessage());
    }
  }

  /** What SQLite finds wrong with the database of an open connection; empty when healthy. */
  static List<String> problems(Connection c) {
    List<String> problems = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check(" + MAX_PROBLEMS + ")")) {
      while (rs.next()) {
        String line = rs.getString(1);
        if (!line.equals("ok")) {
          problems.add(line);
        }
      }
    } catch (SQLException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }
}
