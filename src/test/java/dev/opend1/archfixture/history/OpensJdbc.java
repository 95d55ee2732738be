package dev.opend1.archfixture.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Breaks the storage rule: history opening its own JDBC connection. */
public final class OpensJdbc {

  private OpensJdbc() {}

  public static Connection open(String file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }
}
