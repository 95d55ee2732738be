package dev.opend1.archfixture.engine;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Keeps both rules: the engine may open SQLite and make threads. */
public final class OwnsFilesAndThreads {

  private OwnsFilesAndThreads() {}

  public static Connection open(String file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  public static ExecutorService pool() {
    return Executors.newFixedThreadPool(2);
  }
}
