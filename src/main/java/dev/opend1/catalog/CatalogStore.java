package dev.opend1.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;

/**
 * The catalog file's one connection and the lock that guards it, shared by {@link SqliteAccounts},
 * {@link SqliteTokens} and {@link SqliteDatabaseRecords}: the catalog is small and its queries are
 * point lookups, so one connection serves the whole process.
 *
 * <p>The file is in WAL mode so the server and the command-line tools ({@code token create}, {@code
 * token revoke}) can use it at the same time; each sees the other's commits on its next query.
 */
final class CatalogStore implements AutoCloseable {

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

  /** Sets a statement's parameters. */
  @FunctionalInterface
  interface SqlBinder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Reads the current row of a result. */
  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Work on the connection itself, while the lock is held. */
  @FunctionalInterface
  interface SqlStep<T> {
    T run(Connection conn) throws SQLException;
  }

  <T> Optional<T> queryOne(String sql, SqlBinder binder, RowReader<T> reader) {
    List<T> rows = queryAll(sql, binder, reader);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  <T> List<T> queryAll(String sql, SqlBinder binder, RowReader<T> reader) {
    lock.lock();
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      binder.bind(ps);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("catalog query", e);
    } finally {
      lock.unlock();
    }
  }

  int update(String sql, SqlBinder binder) {
    lock.lock();
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("catalog update", e);
    } finally {
      lock.unlock();
    }
  }

  /** Runs several queries as one step, no other query between them. */
  <T> T locked(Supplier<T> step) {
    lock.lock();
    try {
      return step.get();
    } finally {
      lock.unlock();
    }
  }

  /** Runs a step on the connection under the lock; a failure says {@code what} failed. */
  <T> T locked(String what, SqlStep<T> step) {
    lock.lock();
    try {
      return step.run(conn);
    } catch (SQLException e) {
      throw failure(what, e);
    } finally {
      lock.unlock();
    }
  }

  /** Runs a step in one transaction: all of it commits, or none of it. */
  <T> T transaction(String what, SqlStep<T> step) {
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
