package dev.opend1.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.opend1.core.AccountId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The PostgreSQL catalog's connections: a small HikariCP pool (the catalog's queries are point
 * lookups; the server caches the hot ones). Unlike the SQLite file, PostgreSQL serves concurrent
 * connections itself, so there is no lock here: a step that must see one state takes row locks in
 * its transaction ({@link #lockAccount}).
 */
final class PostgresStore implements CatalogSql, AutoCloseable {

  private static final int POOL_SIZE = 8;

  /**
   * The longest a statement waits for PostgreSQL: for a connection of the pool, and for an answer
   * on one. The catalog's and the leases' statements are point lookups and small writes, answered
   * in milliseconds; longer means PostgreSQL is gone, and the request gets its retryable 503.
   */
  static final Duration WAIT = Duration.ofSeconds(10);

  private final HikariDataSource pool;

  private PostgresStore(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * Connects (failing at once when PostgreSQL cannot be reached or refuses the credentials) and
   * brings the schema up to date.
   */
  static PostgresStore open(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("opend1-catalog");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(WAIT.toMillis());
    // One attempt: a wrong password or an unreachable server fails the start at once, saying why.
    config.setInitializationFailTimeout(1);
    config.addDataSourceProperty("ApplicationName", "opend1");
    // PostgreSQL that stops answering without closing its connections (a partition, a frozen
    // machine) must cost a request no more than a refused connection does: a statement, a new
    // connection's set-up and its TCP connect each give up after WAIT, not when the kernel's
    // retries end (a quarter of an hour) or never. A renewal that gives up leaves the lease's
    // last deadline in place (LeaseClock), so giving up is always safe.
    String seconds = Long.toString(WAIT.toSeconds());
    config.addDataSourceProperty("socketTimeout", seconds);
    config.addDataSourceProperty("loginTimeout", seconds);
    config.addDataSourceProperty("connectTimeout", seconds);
    config.addDataSourceProperty("tcpKeepAlive", "true");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "connect to the catalog " + withoutQuery(jdbcUrl) + ": " + cause.getMessage(), e);
    }
    PostgresStore store = new PostgresStore(pool);
    try {
      store.connected("migrate the catalog's schema", PostgresSchema::migrate);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return store;
  }

  private static String withoutQuery(String jdbcUrl) {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
  }

  /** The pool, for the other parts that keep their data in the same database (the analytics). */
  DataSource dataSource() {
    return pool;
  }

  @Override
  public <T> List<T> queryAll(String sql, SqlBinder binder, RowReader<T> reader) {
    return connected("catalog query", c -> CatalogSql.queryAll(c, sql, binder, reader));
  }

  @Override
  public int update(String sql, SqlBinder binder) {
    return connected("catalog update", c -> CatalogSql.update(c, sql, binder));
  }

  /** Locks the account's row until the transaction ends (a missing account locks nothing). */
  @Override
  public void lockAccount(Connection conn, AccountId account) throws SQLException {
    CatalogSql.queryAll(
        conn,
        "SELECT 1 FROM accounts WHERE id = ? FOR UPDATE",
        ps -> ps.setString(1, account.value()),
        rs -> rs.getInt(1));
  }

  @Override
  public void lockAccounts(Connection conn) throws SQLException {
    try (java.sql.Statement st = conn.createStatement()) {
      st.execute("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE");
    }
  }

  /** Runs a step on one connection of the pool, in autocommit; a failure says what failed. */
  private <T> T connected(String what, SqlStep<T> step) {
    try (Connection c = pool.getConnection()) {
      return step.run(c);
    } catch (SQLException e) {
      throw PostgresFailures.of(what, e);
    }
  }

  @Override
  public <T> T transaction(String what, SqlStep<T> step) {
    return connected(
        what,
        c -> {
          c.setAutoCommit(false);
          try {
            T result = step.run(c);
            c.commit();
            return result;
          } catch (RuntimeException | SQLException e) {
            try {
              c.rollback();
            } catch (SQLException again) {
              e.addSuppressed(again);
            }
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        });
  }

  @Override
  public void close() {
    pool.close();
  }
}
