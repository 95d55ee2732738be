package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The catalog file's one connection and the lock that guards it, shared by {@link JdbcAccounts},
 * {@link JdbcTokens} and {@link JdbcDatabaseRecords}: the catalog is small and its queries are
 * point lookups, so one connection serves the whole process.
 *
 * <p>The file is in WAL mode so the server and the command-line tools ({@code token create}, {@code
 * token revoke}) can use it at the same time; each sees the other's commits on its next query.
 */
final class CatalogStore implements CatalogSql, AutoCloseable {

  /**
   * Guards {@link #conn}: a JDBC connection is not safe for concurrent use. Reentrant, so a step of
   * several queries ({@link #locked}) holds it across all of them.
   */
  private final ReentrantLock lock = new ReentrantLock();

  private final Connection conn;

  private CatalogStore(Connection conn) {
    this.conn = conn;
  }

  /** Opens (creating if needed) the catalog file and brings its schema up to date. */
  static CatalogStore open(Path file) {
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout(10_000);
      config.enforceForeignKeys(true);
      // Every explicit transaction takes the write lock at its start, so a count and the insert
      // that depends on it see one state of the table.
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      CatalogSchema.migrate(conn);
      return new CatalogStore(conn);
    } catch (SQLException e) {
      throw new IllegalStateException("open catalog " + file + ": " + whyNot(file, e), e);
    }
  }

  /**
   * Why the catalog did not open. SQLite words a file this user may not write as "attempt to write
   * a readonly database" (or worse); say "permission denied", since the catalog needs its file and
   * its directory writable even to be read (WAL mode).
   */
  private static String whyNot(Path file, SQLException e) {
    Path dir = file.toAbsolutePath().getParent();
    boolean fileDenied = Files.exists(file) && !Files.isWritable(file);
    if (fileDenied || (dir != null && !Files.isWritable(dir))) {
      return "permission denied: this user may not write "
          + (fileDenied ? "it" : "its directory")
          + " (run the command as the user the server runs as)";
    }
    return e.getMessage();
  }

  @Override
  public <T> List<T> queryAll(String sql, SqlBinder binder, RowReader<T> reader) {
    return locked("catalog query", c -> CatalogSql.queryAll(c, sql, binder, reader));
  }

  @Override
  public int update(String sql, SqlBinder binder) {
    return locked("catalog update", c -> CatalogSql.update(c, sql, binder));
  }

  /** Nothing to do: every transaction holds the file's write lock from its start (IMMEDIATE). */
  @Override
  public void lockAccount(Connection conn, AccountId account) {}

  /** Nothing to do, for the same reason. */
  @Override
  public void lockAccounts(Connection conn) {}

  /** Runs a step on the connection under the lock; a failure says {@code what} failed. */
  private <T> T locked(String what, SqlStep<T> step) {
    lock.lock();
    try {
      return step.run(conn);
    } catch (SQLException e) {
      throw failure(what, e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public <T> T transaction(String what, SqlStep<T> step) {
    return locked(
        what,
        c -> {
          c.setAutoCommit(false);
          T result;
          try {
            result = step.run(c);
            c.commit();
          } catch (RuntimeException | SQLException e) {
            // A failed COMMIT (a full disk) may have rolled back already: what ending the
            // transaction says then must not hide why it failed.
            try {
              c.rollback();
            } catch (SQLException again) {
              e.addSuppressed(again);
            }
            try {
              c.setAutoCommit(true);
            } catch (SQLException again) {
              e.addSuppressed(again);
            }
            throw e;
          }
          c.setAutoCommit(true);
          return result;
        });
  }

  /** Now, to the millisecond the catalog stores. */
  static long nowMillis() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
  }

  static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException(what + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      conn.close();
    } catch (SQLException e) {
      throw failure("close catalog", e);
    } finally {
      lock.unlock();
    }
  }
}
