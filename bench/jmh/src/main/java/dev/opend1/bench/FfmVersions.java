package dev.opend1.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;

/**
 * Prints the two SQLite libraries {@link FfmVsJdbc} compares (sqlite-jdbc's own build, and the
 * library {@link FfmSqlite} loads): their versions, threading modes and the compile-time options
 * that only one of them has, so bench/results/ffm.txt says what differed besides the binding.
 */
public final class FfmVersions {

  private FfmVersions() {}

  public static void main(String[] args) throws SQLException {
    List<String> jdbcOptions = new ArrayList<>();
    String jdbcVersion;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
        jdbcVersion = rs.getString(1);
      }
      try (ResultSet rs = s.executeQuery("PRAGMA compile_options")) {
        while (rs.next()) {
          jdbcOptions.add(rs.getString(1));
        }
      }
    }
    List<String> ffmOptions = new ArrayList<>();
    for (int i = 0; FfmSqlite.compileOption(i) != null; i++) {
      ffmOptions.add(FfmSqlite.compileOption(i));
    }
    System.out.println("sqlite-jdbc's SQLite: " + jdbcVersion);
    System.out.println(
        "  open flags: 0x" + Integer.toHexString(new SQLiteConfig().getOpenModeFlags()));
    System.out.println("  only here: " + only(jdbcOptions, ffmOptions));
    System.out.println(
        "prototype's SQLite: "
            + FfmSqlite.libVersion()
            + " ("
            + System.getProperty("bench.libsqlite3", "libsqlite3.so.0")
            + "), sqlite3_threadsafe() = "
            + FfmSqlite.threadsafe());
    System.out.println(
        "  open flags: 0x46 (READWRITE | CREATE | URI); memory status off; secure_delete off");
    System.out.println("  only here: " + only(ffmOptions, jdbcOptions));
  }

  private static TreeSet<String> only(List<String> these, List<String> those) {
    TreeSet<String> out = new TreeSet<>(these);
    out.removeAll(those);
    return out;
  }
}
